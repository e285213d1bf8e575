"""Helpers for list pages that format many rows (in `staff`, the leftmost app, so every app may use them):
work that is the same for every row is done once per request, not once per row (issue 21;
docs/benchmarks.md, Profiles). A `{% url %}` per row is a full reverse() (resolver, converters, quoting) and
a `{% translate %}` or `get_FOO_display` per row a catalogue look-up of the same string each time; on a
45-row list they were a large part of the page."""

import uuid
from collections.abc import Callable

from django.urls import reverse

_UUID_PLACEHOLDER = uuid.UUID(int=0)


def url_for_each(
    viewname: str, kwarg: str, *, placeholder: object = _UUID_PLACEHOLDER, fixed: dict | None = None
) -> Callable[[object], str]:
    """A function giving reverse(viewname, kwargs={**fixed, kwarg: value}) for each value, from one reverse().
    The placeholder must be a value the URL's converter accepts (a UUID by default, 0 for an int) and is
    replaced by the value's str(); so only for converters whose URL form is str() of the value (uuid, int,
    slug of URL-safe characters)."""
    url = reverse(viewname, kwargs={**(fixed or {}), kwarg: placeholder})
    head, separator, tail = url.partition(str(placeholder))
    if not separator or str(placeholder) in tail:
        raise ValueError(f"{viewname}: the placeholder does not occur once in {url}")
    return lambda value: f"{head}{value}{tail}"


def labels_for(choices) -> dict:
    """{value: label} of a field's choices, each label translated once (in the request's language)."""
    return {value: str(label) for value, label in choices}
