"""CPR numbers never in logs, error pages or the audit path; oversized uploads refused with a message."""

import logging

import pytest
from django.test import override_settings
from django.urls import reverse

from staff.privacy import CprMaskingFilter, cpr_mask_text


@pytest.mark.parametrize("text", ["010180-1234", "0101801234", "cpr 010180 1234 here", "x=0101801234&y"])
def test_mask_removes_cpr_like_numbers(text):
    masked = cpr_mask_text(text)
    assert "1234" not in masked and "010180" not in masked
    assert "XXXXXX-XXXX" in masked


@pytest.mark.parametrize("text", ["12345678", "2026-11-26", "01018012345", "phone 12 34 56 78"])
def test_mask_leaves_other_numbers(text):
    assert cpr_mask_text(text) == text


def test_filter_masks_message_arguments_and_traceback():
    try:
        raise ValueError("bad cpr 010180-1234")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "user %s typed %s", ("a", "0101801234"), sys.exc_info()
        )
    CprMaskingFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert "1234" not in formatted
    assert "user a typed XXXXXX-XXXX" in formatted
    assert "ValueError: bad cpr XXXXXX-XXXX" in formatted


def test_every_configured_handler_masks(settings):
    handlers = settings.LOGGING["handlers"]
    assert handlers and all("mask_cpr" in handler.get("filters", []) for handler in handlers.values())
    for logger_name in ("", "django", "django.request", "django.server", "cases"):
        logger = logging.getLogger(logger_name)
        while logger and not logger.handlers:
            logger = logger.parent
        configured = [h for h in logger.handlers if type(h) is logging.StreamHandler]
        assert configured and all(
            any(isinstance(f, CprMaskingFilter) for f in h.filters) for h in configured
        ), logger_name


@override_settings(DEBUG=False)
def test_404_page_does_not_echo_the_address(client, consultant):
    client.force_login(consultant)
    response = client.get("/sager/0101801234/?cpr=010180-1234")
    assert response.status_code == 404
    body = response.content.decode()
    assert "1234" not in body and "010180" not in body
    assert "Siden findes ikke" in body


def test_500_page_is_plain_and_echoes_nothing(rf):
    from django.utils import translation
    from django.views.defaults import server_error

    request = rf.get("/sager/0101801234/")
    with translation.override("da"):
        body = server_error(request).content.decode()
    assert "Der opstod en fejl" in body and "0101801234" not in body


def test_oversized_upload_is_refused_with_a_message(client, consultant, settings):
    settings.UPLOAD_MAX_MEGABYTES = 1
    client.force_login(consultant)
    response = client.post(
        reverse("cases:my_cases"), data=b"x" * (1024 * 1024 + 1), content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert "Filen er for stor" in response.content.decode()
    assert "1 MB" in response.content.decode()


def test_content_security_policy_forbids_inline_scripts(client, consultant):
    client.force_login(consultant)
    policy = client.get(reverse("cases:my_cases"))["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy


def test_no_template_has_an_inline_script_or_event_handler():
    """The policy would silently break them: every script is a static file."""
    import re
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(
            r"<[a-zA-Z][^<>]*\son[a-z]+\s*=", text
        ):
            offenders.append(str(template))
    assert offenders == []
