"""Case-work actions on the case page, the deciders' pending exceptions and the leaders' import page.

Each action view is thin: authorise through `_get_case_for_user`, validate the form, call one service,
redirect back to the case page. The case page lists the actions as closed sections and fetches a section's
form (`action_form`) when it is opened: rendering all the forms with every page cost most of the page's time
(docs/benchmarks.md, "Case page"). Forms are posted with htmx: an invalid form comes back as its own section
with the errors next to the fields; without JavaScript the errors come back as a message on the case page.
"""

from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from cases import forms_casework as forms
from cases import tasks
from cases.models import Case, CaseException, ImportJob, Measure, Offer
from cases.selectors.cases import case_visible_to
from cases.selectors.casework import case_work_records, exceptions_pending_for
from cases.services import casework, complaints, import_jobs, restriction
from cases.views import _get_case_for_user
from staff.audit import audit_record, audit_record_many
from staff.decorators import role_required
from staff.models import AuditEntry
from staff.roles import Role, has_role
from staff.rows import url_for_each


@dataclass
class Action:
    """One short form on the case page."""

    slug: str
    title: str
    form_class: type
    submit: str
    leader_only: bool = False
    needs_case: bool = False  # the form's __init__ takes the case


ACTIONS = [
    Action("visitation", gettext_lazy("Visitation"), forms.VisitationForm, gettext_lazy("Gem visitation"),
           needs_case=True),
    Action("conversation", gettext_lazy("Opfølgningssamtale"), forms.ConversationForm,
           gettext_lazy("Gem samtale")),
    Action("measure", gettext_lazy("Virksomhedsrettet indsats"), forms.MeasureForm,
           gettext_lazy("Gem indsats")),
    Action("offer", gettext_lazy("Tilbud"), forms.OfferForm, gettext_lazy("Gem tilbud")),
    Action("exception", gettext_lazy("Undtagelse fra mødet på arbejdspladsen"), forms.ExceptionProposeForm,
           gettext_lazy("Foreslå undtagelse")),
    Action("handover", gettext_lazy("Overdrag sagen"), forms.HandoverForm, gettext_lazy("Overdrag"),
           needs_case=True),
    Action("fast-track", gettext_lazy("Fast track"), forms.FastTrackForm, gettext_lazy("Gem Fast track")),
    Action("agreement-56", gettext_lazy("§ 56-aftale"), forms.Agreement56Form,
           gettext_lazy("Gem § 56-aftale")),
    Action("retention-plan", gettext_lazy("Fastholdelsesplan (§ 7 b)"), forms.RetentionPlanForm,
           gettext_lazy("Gem fastholdelsesplan")),
    Action("reassessment", gettext_lazy("Revurdering (§ 24)"), forms.ReassessmentForm,
           gettext_lazy("Gem afgørelse")),
    Action("standby", gettext_lazy("Standby (alvorlig sygdom)"), forms.StandbyForm,
           gettext_lazy("Gem standby"), needs_case=True),
    Action("complaint", gettext_lazy("Klage over en afgørelse"), forms.ComplaintForm,
           gettext_lazy("Registrér klage")),
    Action("restriction", gettext_lazy("Beskyttelse"), forms.RestrictionForm, gettext_lazy("Gem"),
           leader_only=True, needs_case=True),
    Action("close", gettext_lazy("Afslut sagen"), forms.CloseForm, gettext_lazy("Afslut sagen")),
]  # fmt: skip
ACTIONS_BY_SLUG = {action.slug: action for action in ACTIONS}


def _run(slug: str, *, case: Case, actor, data: dict) -> str:
    """Call the action's service; returns the success message."""
    if slug == "visitation":
        casework.visitation_set(case=case, actor=actor, **data)
        return _("Visitationen er gemt.")
    if slug == "conversation":
        fields = (
            "held_on",
            "place",
            "participants",
            "plan",
            "next_step",
            "minutes",
            "gradual_return_steps",
            "late_ground",
        )
        casework.conversation_record(case=case, actor=actor, **{k: data[k] for k in fields})
        return _("Samtalen er gemt.")
    if slug == "measure":
        fields = ("type", "started_on", "ended_on", "note", "gradual_return_steps")
        casework.measure_start(case=case, actor=actor, **{k: data[k] for k in fields})
        return _("Indsatsen er gemt.")
    if slug == "offer":
        casework.offer_add(case=case, actor=actor, **data)
        return _("Tilbuddet er gemt.")
    if slug == "exception":
        casework.exception_propose(case=case, actor=actor, **data)
        return _("Undtagelsen er foreslået og afventer en leders afgørelse.")
    if slug == "handover":
        casework.case_hand_over(case=case, actor=actor, **data)
        return _("Sagen er overdraget.")
    if slug == "fast-track":
        casework.fast_track_register(case=case, actor=actor, **data)
        return _("Fast track er gemt.")
    if slug == "agreement-56":
        casework.agreement_56_register(case=case, actor=actor, **data)
        return _("§ 56-aftalen er gemt.")
    if slug == "retention-plan":
        casework.retention_plan_register(case=case, actor=actor, **data)
        return _("Fastholdelsesplanen er gemt.")
    if slug == "reassessment":
        casework.reassessment_decide(case=case, actor=actor, **data)
        return _("Revurderingens afgørelse er gemt.")
    if slug == "standby" and case.in_standby:
        casework.standby_end(case=case, actor=actor, **data)
        return _("Standby er afsluttet.")
    if slug == "standby":
        casework.standby_start(case=case, actor=actor, **data)
        return _("Standby er registreret.")
    if slug == "complaint":
        complaints.complaint_register(case=case, actor=actor, **data)
        return _("Klagen er registreret; den skal genvurderes inden 4 uger.")
    if slug == "restriction":
        restriction.case_restriction_set(case=case, actor=actor, **data)
        return _("Beskyttelsen er gemt.")
    if slug == "close":
        casework.case_close(case=case, actor=actor, **data)
        return _("Sagen er afsluttet.")
    raise ValueError(slug)


def _form(action: Action, case: Case, data=None):
    kwargs = {"case": case} if action.needs_case else {}
    return action.form_class(data, prefix=action.slug, **kwargs)


def _may_use(action: Action, user) -> bool:
    return not action.leader_only or has_role(user, Role.LEADER)


def _section(action: Action, case: Case, form=None, *, urls: tuple | None = None) -> dict:
    """What templates/cases/_action_section.html needs. Without a form the section fetches it from
    `form_url` when opened; with one (a refused post) it shows that form, open, with its errors. `urls`: the
    two link makers of action_sections (one reverse each for all the sections)."""
    action_url, form_url = urls or _section_urls(case)
    return {"action": action, "form": form, "url": action_url(action.slug), "form_url": form_url(action.slug)}


def _section_urls(case: Case) -> tuple:
    fixed = {"uuid": case.uuid}
    return (
        url_for_each("cases:action", "slug", placeholder="action-slug", fixed=fixed),
        url_for_each("cases:action_form", "slug", placeholder="action-slug", fixed=fixed),
    )


def action_sections(*, case: Case, user) -> list[dict]:
    """The actions the user may take on this case (none on a closed case), their forms not yet rendered."""
    if case.is_closed:
        return []
    urls = _section_urls(case)
    return [_section(action, case, urls=urls) for action in ACTIONS if _may_use(action, user)]


def case_actions_context(*, request, case: Case) -> dict:
    """What templates/cases/_case_actions.html needs (the case-page view adds it to its context)."""
    records = case_work_records(case=case)
    return {
        "sections": action_sections(case=case, user=request.user),
        "records": records,
        "is_leader": has_role(request.user, Role.LEADER),
        "decide_form": forms.ExceptionDecideForm(prefix="decide"),
        "reopen_form": forms.ReopenForm(prefix="reopen"),
        "finish_offer_form": forms.OfferFinishForm(prefix="finish"),
        "fast_track_deadline": casework.fast_track_meeting_deadline(case),
        # A category-1 case still open after week 8 must get a follow-up conversation and be re-visited.
        "category1_after_week8": case.category == 1
        and not case.is_closed
        and timezone.localdate() > case.end_of_week(8),
    }


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _back_to_case(request, case: Case) -> HttpResponse:
    return _redirect(request, reverse("cases:detail", kwargs={"uuid": case.uuid}))


def _redirect(request, url: str) -> HttpResponse:
    if _is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _refused(request, case: Case, form, section: dict | None = None) -> HttpResponse:
    """Show the errors: the section again (htmx) or a message on the case page."""
    if _is_htmx(request) and section is not None:
        html = render_to_string("cases/_action_section.html", {"section": section}, request=request)
        return HttpResponse(html)
    problems = [f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}".lstrip(": ")
                for f, e in form.errors.items()]  # fmt: skip
    messages.error(request, _("Ikke gemt. %(problems)s") % {"problems": " ".join(problems)})
    return redirect("cases:detail", uuid=case.uuid)


@require_POST
@role_required(Role.CONSULTANT, Role.LEADER)
def action(request, uuid, slug):
    case = _get_case_for_user(request, uuid)
    chosen = ACTIONS_BY_SLUG.get(slug)
    if chosen is None:
        return HttpResponse(status=404)
    if not _may_use(chosen, request.user):
        raise PermissionDenied
    form = _form(chosen, case, request.POST)
    if form.is_valid():
        try:
            message = _run(slug, case=case, actor=request.user, data=dict(form.cleaned_data))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            audit_record(
                request=request, action=AuditEntry.Action.CHANGE, object_type="case", case=case, detail=slug
            )
            messages.success(request, message)
            if slug == "handover" and not case_visible_to(user=request.user).filter(pk=case.pk).exists():
                # Handed to another team: the page would be a 404 for the one who handed it over.
                return _redirect(request, reverse("cases:my_cases"))
            return _back_to_case(request, case)
    return _refused(request, case, form, _section(chosen, case, form))


@require_GET
@role_required(Role.CONSULTANT, Role.LEADER)
def action_form(request, uuid, slug):
    """htmx: the empty form of one action, fetched when its section on the case page is opened. Authorised
    like the case page and the post; no audit entry, as the form shows no person data (the case page that
    links here has recorded the read)."""
    case = _get_case_for_user(request, uuid)
    chosen = ACTIONS_BY_SLUG.get(slug)
    if chosen is None or case.is_closed:
        raise Http404
    if not _may_use(chosen, request.user):
        raise PermissionDenied
    section = _section(chosen, case, _form(chosen, case))
    return render(request, "cases/_action_form.html", {"section": section})


@require_POST
@role_required(Role.CONSULTANT, Role.LEADER)
def offer_finish(request, uuid, offer_id):
    case = _get_case_for_user(request, uuid)
    offer = get_object_or_404(Offer, pk=offer_id, case=case)
    form = forms.OfferFinishForm(request.POST, prefix="finish")
    if form.is_valid():
        try:
            casework.offer_finish(offer=offer, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            audit_record(request=request, action=AuditEntry.Action.CHANGE, object_type="offer", case=case)
            messages.success(request, _("Tilbuddet er afsluttet."))
            return redirect("cases:detail", uuid=case.uuid)
    return _refused(request, case, form)


@require_POST
@role_required(Role.CONSULTANT, Role.LEADER)
def measure_end(request, uuid, measure_id):
    case = _get_case_for_user(request, uuid)
    measure = get_object_or_404(Measure, pk=measure_id, case=case)
    form = forms.OfferFinishForm(request.POST, prefix="finish")
    if form.is_valid():
        try:
            casework.measure_end(measure=measure, actor=request.user, ended_on=form.cleaned_data["ended_on"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            audit_record(request=request, action=AuditEntry.Action.CHANGE, object_type="measure", case=case)
            messages.success(request, _("Indsatsen er afsluttet."))
            return redirect("cases:detail", uuid=case.uuid)
    return _refused(request, case, form)


@require_POST
@role_required(Role.LEADER)
def exception_decide(request, exception_id):
    exception = get_object_or_404(exceptions_pending_for(user=request.user), pk=exception_id)
    form = forms.ExceptionDecideForm(request.POST, prefix="decide")
    back = request.POST.get("next") or ""
    if form.is_valid():
        try:
            casework.exception_decide(
                exception=exception,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            audit_record(
                request=request, action=AuditEntry.Action.CHANGE, object_type="exception", case=exception.case
            )
            messages.success(request, _("Undtagelsen er afgjort."))
    if form.errors:
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    if back == "case":
        return redirect("cases:detail", uuid=exception.case.uuid)
    return redirect("cases:exceptions_pending")


@role_required(Role.LEADER)
def exceptions_pending(request):
    pending = list(exceptions_pending_for(user=request.user))
    audit_record_many(
        request=request,
        action=AuditEntry.Action.READ,
        object_type="exception_list",
        cases=[exception.case for exception in pending],
    )
    return render(
        request,
        "cases/exceptions_pending.html",
        {"pending": pending, "decide_form": forms.ExceptionDecideForm(prefix="decide")},
    )


@require_POST
@role_required(Role.LEADER)
def reopen(request, uuid):
    case = _get_case_for_user(request, uuid)
    form = forms.ReopenForm(request.POST, prefix="reopen")
    if form.is_valid():
        try:
            casework.case_reopen(case=case, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            audit_record(
                request=request,
                action=AuditEntry.Action.CHANGE,
                object_type="case",
                case=case,
                detail="reopen",
            )
            messages.success(request, _("Sagen er genåbnet."))
            return redirect("cases:detail", uuid=case.uuid)
    return _refused(request, case, form)


# --- Import of monitoring sheets (leaders) ------------------------------------------------------------------

IMPORT_MAX_BYTES = 5 * 1024 * 1024
# The preview's error list, a page at a time: a sheet can hold a hundred thousand errors.
IMPORT_ERRORS_PER_PAGE = 50


def _import_job_for_user(request, job_uuid) -> ImportJob:
    """A leader sees only the imports they uploaded themselves (the file and its errors name citizens)."""
    return get_object_or_404(ImportJob, uuid=job_uuid, created_by=request.user)


@role_required(Role.LEADER)
def import_upload(request):
    """Upload → a background job reads and checks the file (cases/services/import_jobs.py) → its page shows
    the progress, then the preview with every error → confirm → the job writes every row or none. The request
    only stores the file (encrypted) and the job: it returns at once, whatever the file holds."""
    form = forms.ImportUploadForm()
    if request.method == "POST":
        form = forms.ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > IMPORT_MAX_BYTES:
                form.add_error("file", _("Filen er for stor (højst 5 MB)."))
            else:
                job = import_jobs.import_job_start(
                    actor=request.user,
                    data=upload.read(),
                    filename=upload.name,
                    enqueue=tasks.import_job_check.delay,
                )
                return redirect("cases:import_job", job_uuid=job.uuid)
    recent = ImportJob.objects.filter(created_by=request.user).defer("errors", "preview")[:5]
    return render(
        request,
        "cases/import.html",
        {"form": form, "recent": recent, "import_max_rows": settings.IMPORT_MAX_ROWS},
    )


@require_GET
@role_required(Role.LEADER)
def import_job(request, job_uuid):
    """The job's page: the progress while a worker is busy; then the preview (counts, the first rows, every
    error a page at a time), the result, or why the file was refused."""
    job = _import_job_for_user(request, job_uuid)
    errors = Paginator(job.errors, IMPORT_ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/import_job.html", {"job": job, "errors": errors})


@require_GET
@role_required(Role.LEADER)
def import_job_progress(request, job_uuid):
    """The progress bar, polled every second by htmx while a worker is busy; once the job has left the busy
    states, the page reloads to show the preview or the result."""
    job = get_object_or_404(
        ImportJob.objects.defer("errors", "preview"), uuid=job_uuid, created_by=request.user
    )
    response = render(request, "cases/_import_progress.html", {"job": job})
    if not job.in_progress and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_POST
@role_required(Role.LEADER)
def import_job_confirm(request, job_uuid):
    job = _import_job_for_user(request, job_uuid)
    try:
        import_jobs.import_job_confirm(
            job=job, actor=request.user, request=request, enqueue=tasks.import_job_save.delay
        )
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    return redirect("cases:import_job", job_uuid=job.uuid)


@require_POST
@role_required(Role.LEADER)
def import_job_cancel(request, job_uuid):
    job = _import_job_for_user(request, job_uuid)
    try:
        import_jobs.import_job_cancel(job=job, actor=request.user)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
        return redirect("cases:import_job", job_uuid=job.uuid)
    messages.success(request, _("Importen er annulleret, og filen er slettet."))
    return redirect("cases:import")


def correction_page(
    request,
    case: Case,
    record,
    *,
    author_id,
    form_class,
    initial,
    correct,
    annul,
    heading,
    leaders_only=False,
    back_url=None,
):
    """Correct a recorded record (or, with the second form, annul it): its author (or the case's consultant)
    or a leader (`leaders_only`: a leader), with a reason; the old values are kept and the timeline says who,
    when and what. Back to the case page, or `back_url` (the booking page, for a booker's contact attempt)."""
    is_leader = has_role(request.user, Role.LEADER)
    if case.is_closed or (
        not is_leader and (leaders_only or request.user.pk != (author_id or case.consultant_id))
    ):
        raise PermissionDenied
    back_url = back_url or reverse("cases:detail", kwargs={"uuid": case.uuid})
    correct_form = form_class(prefix="correct", initial=initial)
    annul_form = forms.AnnulForm(prefix="annul")
    if request.method == "POST":
        annulling = "annul-reason" in request.POST
        form = (
            forms.AnnulForm(request.POST, prefix="annul")
            if annulling
            else form_class(request.POST, prefix="correct")
        )
        if form.is_valid():
            try:
                (annul if annulling else correct)(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                audit_record(
                    request=request,
                    action=AuditEntry.Action.CHANGE,
                    object_type=type(record)._meta.model_name,
                    case=case,
                )
                messages.success(request, _("Annulleret.") if annulling else _("Rettelsen er gemt."))
                return redirect(back_url)
        if annulling:
            annul_form = form
        else:
            correct_form = form
    context = {
        "case": case,
        "heading": heading,
        "correct_form": correct_form,
        "annul_form": annul_form,
        "back_url": back_url,
    }
    return render(request, "cases/record_correct.html", context)


@role_required(Role.CONSULTANT, Role.LEADER)
def conversation_correct(request, uuid, conversation_id):
    case = _get_case_for_user(request, uuid)
    conversation = get_object_or_404(case.conversations, pk=conversation_id)
    return correction_page(
        request,
        case,
        conversation,
        author_id=conversation.recorded_by_id,
        form_class=forms.ConversationCorrectForm,
        initial={
            "held_on": conversation.held_on,
            "place": conversation.place,
            "participants": conversation.participants,
        },
        correct=partial(casework.conversation_correct, conversation=conversation),
        annul=partial(casework.conversation_annul, conversation=conversation),
        heading=_("Ret samtalen %(day)s (%(place)s)")
        % {"day": f"{conversation.held_on:%d-%m-%Y}", "place": conversation.get_place_display()},
    )


@role_required(Role.CONSULTANT, Role.LEADER)
def measure_correct(request, uuid, measure_id):
    case = _get_case_for_user(request, uuid)
    measure = get_object_or_404(Measure.objects.select_related("type"), case=case, pk=measure_id)
    return correction_page(
        request,
        case,
        measure,
        author_id=None,
        form_class=forms.MeasureCorrectForm,
        initial={"type": measure.type, "started_on": measure.started_on, "ended_on": measure.ended_on},
        correct=partial(casework.measure_correct, measure=measure),
        annul=partial(casework.measure_annul, measure=measure),
        heading=_("Ret indsatsen %(type)s fra %(day)s")
        % {"type": measure.type, "day": f"{measure.started_on:%d-%m-%Y}"},
    )


@role_required(Role.CONSULTANT, Role.LEADER)
def offer_correct(request, uuid, offer_id):
    case = _get_case_for_user(request, uuid)
    offer = get_object_or_404(Offer.objects.select_related("type"), case=case, pk=offer_id)
    return correction_page(
        request,
        case,
        offer,
        author_id=None,
        form_class=forms.OfferCorrectForm,
        initial={"type": offer.type, "started_on": offer.started_on, "ended_on": offer.ended_on},
        correct=partial(casework.offer_correct, offer=offer),
        annul=partial(casework.offer_annul, offer=offer),
        heading=_("Ret tilbuddet %(type)s fra %(day)s")
        % {"type": offer.type, "day": f"{offer.started_on:%d-%m-%Y}"},
    )


@role_required(Role.CONSULTANT, Role.LEADER)
def visitation_correct(request, uuid, visitation_id):
    case = _get_case_for_user(request, uuid)
    visitation = get_object_or_404(case.visitations, pk=visitation_id)
    return correction_page(
        request,
        case,
        visitation,
        author_id=visitation.decided_by_id,
        form_class=forms.VisitationCorrectForm,
        initial={"category": visitation.category, "decided_on": visitation.decided_on},
        correct=partial(casework.visitation_correct, visitation=visitation),
        annul=partial(casework.visitation_annul, visitation=visitation),
        heading=_("Ret visitationen %(day)s (%(category)s)")
        % {"day": f"{visitation.decided_on:%d-%m-%Y}", "category": visitation.get_category_display()},
    )


@role_required(Role.CONSULTANT, Role.LEADER)
def exception_correct(request, uuid, exception_id):
    """A pending proposal: its proposer or a leader; a decided exception: a leader."""
    case = _get_case_for_user(request, uuid)
    exception = get_object_or_404(case.exceptions.select_related("reason"), pk=exception_id)
    return correction_page(
        request,
        case,
        exception,
        author_id=exception.proposed_by_id,
        leaders_only=exception.status != CaseException.Status.PENDING,
        form_class=forms.ExceptionCorrectForm,
        initial={"exception_reason": exception.reason},
        correct=partial(casework.exception_correct, exception=exception),
        annul=partial(casework.exception_annul, exception=exception),
        heading=_("Ret undtagelsen: %(reason)s (%(status)s)")
        % {"reason": exception.reason, "status": exception.get_status_display().lower()},
    )


@role_required(Role.CONSULTANT, Role.LEADER)
def complaint_detail(request, uuid, complaint_id):
    """A complaint's next step: the municipality's re-assessment, then Ankestyrelsen's outcome."""
    case = _get_case_for_user(request, uuid)
    complaint = get_object_or_404(case.complaints, pk=complaint_id)
    step, form_class, service = None, None, None
    if not complaint.reassessment:
        step, form_class, service = "reassess", forms.ComplaintReassessForm, complaints.complaint_reassess
    elif complaint.sent_on and not complaint.outcome:
        step, form_class, service = "outcome", forms.ComplaintOutcomeForm, complaints.complaint_outcome
    form = form_class(request.POST or None, prefix=step) if form_class else None
    if request.method == "POST" and form is not None and not case.is_closed and form.is_valid():
        try:
            service(complaint=complaint, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            audit_record(request=request, action=AuditEntry.Action.CHANGE, object_type="complaint", case=case)
            messages.success(request, _("Klagen er opdateret."))
            return redirect("cases:detail", uuid=case.uuid)
    context = {"case": case, "complaint": complaint, "form": form, "step": step}
    return render(request, "cases/complaint.html", context)
