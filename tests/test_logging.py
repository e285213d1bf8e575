"""What the logs say about routine events."""

import logging

import pytest


@pytest.fixture
def request_log():
    """The django.request logger's output, as its console handler would write it (the logger does not
    propagate, so pytest's caplog at the root would see nothing)."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def test_a_refused_page_is_one_line_without_a_traceback(client, booker, request_log):
    client.force_login(booker)
    response = client.get("/rapporter/")
    assert response.status_code == 403
    (record,) = request_log
    assert record.getMessage() == "Forbidden (Permission denied): /rapporter/"
    assert record.exc_info is None
    assert "Traceback" not in logging.Formatter().format(record)
