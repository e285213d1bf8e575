from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outbox.models import OutboxMessage
from outbox.services import outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: what went out, what waits, and the dead letters (status 'Opgivet'), which the administrator
    can send again once the cause (mail server, address) is fixed."""

    list_display = [
        "created_at",
        "kind",
        "object_id",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "kind"]
    date_hierarchy = "created_at"
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Send de valgte opgivne beskeder igen"), permissions=["view"])
    def retry(self, request, queryset):
        revived = outbox_retry(message_ids=list(queryset.values_list("pk", flat=True)))
        messages.success(request, _("%(count)s besked(er) sendes igen.") % {"count": revived})
