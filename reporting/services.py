"""The monthly figures e-mail to leaders (issue 8): the headline figures of last month against the
milestones, with a link to the report. Prepared by Celery beat on the first working day of the month."""

import datetime as dt
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from outbox.services import outbox_put
from reporting import figures
from reporting.figures import Period
from reporting.models import Figure, Milestone, MonthlyReportMail
from reporting.numbers import format_number, format_percent, format_share
from reporting.report import milestone_in_force
from reporting.selectors import milestones_for, report_cases
from staff.roles import Role
from visitation.deadlines import is_working_day

logger = logging.getLogger(__name__)
# Outbox kind, delivered by monthly_report_send (reporting/apps.py).
MONTHLY_REPORT = "reporting.monthly_report"


def first_working_day(month_start: dt.date) -> dt.date:
    day = month_start
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def previous_month(today: dt.date) -> Period:
    end = today.replace(day=1) - dt.timedelta(days=1)
    return Period(end.replace(day=1), end)


def _leaders():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.LEADER, staff__team__isnull=False)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def monthly_reports_prepare(*, now: dt.datetime | None = None) -> list[int]:
    """Create this month's mail rows (last month's figures), each with its outbox message (sent once this
    commits). Runs every working morning: from the month's first working day on, whatever was not created yet
    is created, so a missed run loses nothing; a mail that could not be sent is the outbox's to send again.
    Returns the ids of the rows created."""
    today = timezone.localdate(now or timezone.now())
    month_start = today.replace(day=1)
    if today < first_working_day(month_start):
        return []
    created = []
    for leader in _leaders():
        try:
            with transaction.atomic():
                mail, is_new = MonthlyReportMail.objects.get_or_create(recipient=leader, month=month_start)
        except IntegrityError:
            continue  # a parallel run made it
        if is_new:
            created.append(mail.pk)
            outbox_put(kind=MONTHLY_REPORT, object_id=mail.pk)
    return created


def _status(share: float | None, milestone: Milestone | None) -> str:
    if milestone is None:
        return _("ingen milepæl")
    target = format_percent(milestone.target_percent)
    if share is None:
        return _("milepæl %(target)s: ingen sager") % {"target": target}
    met = share * 100 >= float(milestone.target_percent)
    return _("milepæl %(target)s: %(status)s") % {
        "target": target,
        "status": _("nået") if met else _("ikke nået"),
    }


def monthly_report_message(*, leader, period: Period) -> EmailMessage:
    """Headline figures only: no names, no CPR numbers, no health information."""
    cases = report_cases(user=leader)
    workplace, on_time, _months = figures.workplace_figures(cases, period, by_month=False)
    week13, _months = figures.week13_figures(cases, period, by_month=False)
    duration, _reasons, _days = figures.duration_figures(cases, period)
    milestones = milestones_for(leader)
    month_name = date_format(period.start, "F Y")

    def fraction(figure: dict, suffix: str = "") -> str:
        return _("%(share)s (%(numerator)s af %(denominator)s)") % {
            "share": format_share(figure[f"share{suffix}"]),
            "numerator": format_number(figure[f"numerator{suffix}"]),
            "denominator": format_number(figure[f"denominator{suffix}"]),
        }

    link = settings.SOF_BASE_URL.rstrip("/") + reverse("reporting:dashboard") + "?"
    link += urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})
    lines = [
        _("Nøgletal for %(month)s") % {"month": month_name},
        "",
        _("Første samtale på arbejdspladsen: %(value)s – %(status)s")
        % {
            "value": fraction(workplace),
            "status": _status(
                workplace["share"], milestone_in_force(milestones, Figure.WORKPLACE_FIRST_MEETING, period.end)
            ),
        },
        _("  uden undtagne: %(value)s") % {"value": fraction(workplace, "_not_exempted")},
        _("Første samtale senest uge 8: %(value)s") % {"value": fraction(on_time)},
        _("Virksomhedsrettet indsats senest uge 13: %(value)s – %(status)s")
        % {
            "value": fraction(week13),
            "status": _status(
                week13["share"], milestone_in_force(milestones, Figure.WEEK13_MEASURE, period.end)
            ),
        },
        _("Afsluttede sager: %(closed)s, median %(median)s dage, tilbage i arbejde %(share)s")
        % {
            "closed": format_number(duration["closed"]),
            "median": format_number(duration["median_days"], 1),
            "share": format_share(duration["return_to_work_share"]),
        },
        "",
        _("Definitioner, sagerne bag tallene og eksport: %(url)s") % {"url": link},
    ]
    subject = _("Nøgletal for %(month)s") % {"month": month_name}
    return EmailMessage(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [leader.email])


def monthly_report_send(*, mail_id: int) -> bool:
    """Send one monthly mail at most once (the outbox's handler; row lock, `sent_at` committed with the
    send). A failed send raises; the outbox records it and tries again. Returns True when a mail went out."""
    with transaction.atomic():
        mail = MonthlyReportMail.objects.select_for_update().select_related("recipient").get(pk=mail_id)
        if mail.sent_at is not None:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            message = monthly_report_message(leader=mail.recipient, period=previous_month(mail.month))
        message.send(fail_silently=False)
        mail.sent_at = timezone.now()
        mail.save(update_fields=["sent_at"])
        return True
