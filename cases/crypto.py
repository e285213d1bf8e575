"""CPR numbers at rest: Fernet encryption (cryptography's MultiFernet, newest key first, so keys can rotate)
and a keyed hash (HMAC-SHA256) to find a person by exact CPR number without decrypting anything."""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def cpr_encrypt(digits: str) -> str:
    return _fernet(tuple(settings.CPR_ENCRYPTION_KEYS)).encrypt(digits.encode()).decode()


def cpr_decrypt(token: str) -> str:
    return _fernet(tuple(settings.CPR_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


def sheet_encrypt(data: bytes) -> str:
    """Encrypt other data that holds CPR numbers (an uploaded sheet waiting in the session between preview
    and confirmation) under the same keys, so that no CPR number rests unencrypted there either."""
    return _fernet(tuple(settings.CPR_ENCRYPTION_KEYS)).encrypt(data).decode()


def sheet_decrypt(token: str) -> bytes:
    """Raises cryptography.fernet.InvalidToken when the token was not made by `sheet_encrypt` under a
    current key (e.g. a session from before a key was retired)."""
    return _fernet(tuple(settings.CPR_ENCRYPTION_KEYS)).decrypt(token.encode())


def cpr_reencrypt(token: str) -> str:
    """Re-encrypt under the newest key (key rotation)."""
    return _fernet(tuple(settings.CPR_ENCRYPTION_KEYS)).rotate(token.encode()).decode()


def cpr_hash(digits: str) -> str:
    return hmac.new(settings.CPR_HASH_KEY.encode(), digits.encode(), hashlib.sha256).hexdigest()
