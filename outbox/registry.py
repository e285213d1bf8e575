"""Which service delivers which kind of outbox message. Each sending app registers its services in its
AppConfig.ready(), so the outbox calls into the apps without importing them, and no service imports a task."""

from collections.abc import Callable

# A handler delivers the row `object_id` of its kind. It returns True when it sent something and False when
# there was nothing (left) to send; it raises when delivery failed (the outbox then tries again later).
# It must be idempotent: the outbox delivers at least once (a worker killed after sending retries).
Handler = Callable[[int], bool]

_handlers: dict[str, Handler] = {}


def handler_register(kind: str, handler: Handler) -> None:
    _handlers[kind] = handler


def handler_for(kind: str) -> Handler:
    try:
        return _handlers[kind]
    except KeyError:
        raise LookupError(f"No outbox handler registered for {kind!r}") from None


def registered_kinds() -> list[str]:
    return sorted(_handlers)
