"""Logging filters wired in settings.LOGGING."""

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """Django logs every 403 (PermissionDenied) with the exception's traceback. A refused request is routine —
    the permission checks doing their job — so it is one warning line with the path, not 20 lines of stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
