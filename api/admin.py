import datetime as dt

from django import forms
from django.contrib import admin
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from api.models import ApiClient, Scope


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("rettigheder"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiClient
        fields = ["name", "municipality", "intake_team", "scopes", "expires_at"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """The administrator creates a client and sees its token once (only its hash is stored); a lost or
    leaked token is replaced ("ny nøgle") or the client revoked. Clients are never deleted: the audit log
    names them."""

    form = ApiClientForm
    list_display = ["name", "municipality", "scopes", "token_hint", "expires_at", "revoked_at"]
    list_filter = ["municipality"]
    readonly_fields = ["token_hint", "created_at", "revoked_at"]
    actions = ["new_token", "revoke"]

    def get_changeform_initial_data(self, request):
        return {"expires_at": timezone.now() + dt.timedelta(days=365)}

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            request._api_token = obj.new_token()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        return self._show_token_once(request, [(obj, request._api_token)])

    def _show_token_once(self, request, tokens):
        context = {**self.admin_site.each_context(request), "title": gettext("API-nøgle"), "tokens": tokens}
        return render(request, "api/token_once.html", context)

    @admin.action(description=_("Ny nøgle (den gamle holder op med at virke)"))
    def new_token(self, request, queryset):
        tokens = []
        for client in queryset:
            tokens.append((client, client.new_token()))
            client.save(update_fields=["token_hash", "token_hint"])
        return self._show_token_once(request, tokens)

    @admin.action(description=_("Tilbagekald"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, gettext("Tilbagekaldt: %(count)s.") % {"count": count})
