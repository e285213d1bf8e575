import logging

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sof.celery import app as celery_app
from staff.roles import start_page

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """Send each role to its own start page."""
    url_name = start_page(request.user)
    if url_name is None:
        return render(request, "no_role.html", status=403)
    return redirect(url_name)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("Health check: database unreachable")
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("Health check: broker unreachable")
        return False


def _deadline_sweep_status() -> dict:
    """When the deadline sweep last ran; 'late' when not within the hour (worker or beat down). A warning
    only: the web app itself is healthy, so it does not turn the status code to 503."""
    from cases.selectors.alerts import last_sweep_run, sweep_is_late

    try:
        last = last_sweep_run()
        return {
            "deadline_sweep": "late" if sweep_is_late() else "ok",
            "deadline_sweep_last_run": last.started_at.isoformat() if last else None,
        }
    except Exception:
        logger.exception("Health check: cannot read the deadline sweep's runs")
        return {"deadline_sweep": "unknown", "deadline_sweep_last_run": None}


def _outbox_status() -> dict:
    """Dead letters: outgoing messages (invitations, digests, reports) given up after OUTBOX_MAX_ATTEMPTS.
    Degraded, not failing: a dead letter says a mail server or an address refused something, which a restart
    of this container (what a 503 makes docker compose or a load balancer do) cannot fix, while the web app
    itself serves every page. So it is reported as a warning with the count, for monitoring to alert on, and
    the administrator sends them again from the admin (Udgående beskeder, status Opgivet)."""
    from outbox.selectors import dead_message_count

    try:
        dead = dead_message_count()
    except Exception:
        logger.exception("Health check: cannot read the outbox")
        return {"outbox": "unknown", "outbox_dead": None}
    return {"outbox": "dead_letters" if dead else "ok", "outbox_dead": dead}


@never_cache
@require_GET
def healthz(request):
    """Database and broker status for load balancers and docker compose: 200 when both answer, else 503.
    Also when the deadline sweep last ran, and the outbox's dead letters: warnings, the status stays 200."""
    status = {"database": _database_ok(), "broker": _broker_ok()}
    body = {name: "ok" if ok else "down" for name, ok in status.items()}
    if status["database"]:
        body.update(_deadline_sweep_status())
        body.update(_outbox_status())
    return JsonResponse(body, status=200 if all(status.values()) else 503)
