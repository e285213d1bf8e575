"""The administrator's page for a consultant who leaves: choose the colleagues who take the open cases; the
login is deactivated in the same step (reached from the logins' admin action, staff/admin.py)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case
from cases.services.leavers import consultant_leave, leaver_colleagues, municipality_of
from staff.labels import staff_label
from staff.selectors import user_municipality_id


class ColleaguesForm(forms.Form):
    colleagues = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Kolleger, der overtager sagerne"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "Hver sag går til den af de valgte, der har færrest åbne sager, når den fordeles."
        ),
    )

    def __init__(self, *args, leaver, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["colleagues"]
        field.queryset = leaver_colleagues(leaver=leaver)
        field.label_from_instance = lambda user: (
            _("%(name)s (%(team)s) – %(count)s åbne sager")
            % {
                "name": staff_label(user),
                "team": user.staff.team,
                "count": user.open_cases,
            }
        )


@staff_member_required
def leaver_hand_over(request, user_id: int):
    if not request.user.has_perm("auth.change_user"):
        raise PermissionDenied
    users = get_user_model().objects.all()
    if not request.user.is_superuser:
        users = users.filter(is_superuser=False)
    own_municipality = user_municipality_id(request.user)
    if own_municipality is not None:  # an administrator placed in a municipality handles its staff only
        users = users.filter(staff__team__department__municipality_id=own_municipality)
    leaver = get_object_or_404(users, pk=user_id, is_active=True)
    open_cases = Case.objects.filter(consultant=leaver, status=Case.Status.OPEN).count()
    form = ColleaguesForm(request.POST or None, leaver=leaver)
    if request.method == "POST" and form.is_valid():
        try:
            received = consultant_leave(
                leaver=leaver, colleagues=list(form.cleaned_data["colleagues"]), actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s er deaktiveret. Åbne sager overdraget: %(count)s.")
                % {"name": leaver.get_full_name() or leaver.get_username(), "count": sum(received.values())},
            )
            return redirect("admin:auth_user_changelist")
    context = {
        **admin.site.each_context(request),
        "title": _("Deaktivér %(name)s") % {"name": leaver.get_full_name() or leaver.get_username()},
        "leaver": leaver,
        "open_cases": open_cases,
        "has_team": municipality_of(leaver) is not None,
        "form": form,
    }
    return render(request, "cases/leaver_hand_over.html", context)
