"""CPR numbers must never reach a log, an audit search term, an error page or an e-mail subject.

Pure text functions (no database): used by the logging filter in settings, by the audit log for search terms
and by anything that writes free text somewhere a CPR number must not go.
"""

import hashlib
import hmac
import logging
import re

from django.conf import settings

# DDMMYY-SSSS, DDMMYYSSSS and DDMMYY SSSS, not inside a longer run of digits. Deliberately wider than a
# valid CPR number (no date check): a mistyped number is just as personal.
CPR_PATTERN = re.compile(r"(?<!\d)(\d{6})[- ]?(\d{4})(?!\d)")
CPR_MASK = "XXXXXX-XXXX"


def cpr_mask_text(text: str) -> str:
    """Replace everything that looks like a CPR number by XXXXXX-XXXX (the birth date goes too)."""
    return CPR_PATTERN.sub(CPR_MASK, text)


def contains_cpr(text: str) -> bool:
    return bool(CPR_PATTERN.search(text))


def cpr_term_fingerprint(digits: str) -> str:
    """A short keyed hash of a CPR search term, so an auditor can match searches for the same number
    without the log holding the number (HMAC with the CPR hash key, truncated)."""
    key = (settings.CPR_HASH_KEY or "").encode()
    return hmac.new(key, b"audit-term:" + digits.encode(), hashlib.sha256).hexdigest()[:12]


def search_terms_for_audit(text: str) -> str:
    """Search terms as the audit log stores them: CPR-like terms replaced by a masked fingerprint."""

    def replace(match: re.Match) -> str:
        return f"CPR#{cpr_term_fingerprint(match.group(1) + match.group(2))}"

    return CPR_PATTERN.sub(replace, text)[:500]


class CprMaskingFilter(logging.Filter):
    """Logging filter (settings.LOGGING, on every handler): masks CPR-like numbers in the message, its
    arguments, the exception text and the stack, so that no handler ever writes one."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string must not lose the record
            message = str(record.msg)
        record.msg = cpr_mask_text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = cpr_mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = cpr_mask_text(record.stack_info)
        return True
