"""Words, not codes, in both languages (issue 15): every page a role may open is walked in Danish and in
English; a catalogue code shown as text, or a Danish sentence left untranslated in English, fails it."""

import html
import re
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.urls import reverse

from tests.privacy.test_permission_matrix import (  # noqa: F401 (world: the fixture the matrix uses)
    MATRIX,
    QUERY,
    project_urls,
    sample_kwargs,
    world,
)
from visitation.models import ClosingReason, ExceptionReason, HandoverReason, MeasureType, OfferType

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"
PAGES = sorted(name for name, (method, allowed) in MATRIX.items() if method == "get" and allowed)
# Pages that are not the product's own words: the API's schema (YAML) and reference, files and feeds.
NOT_PAGES = {
    "api:schema",
    "api:docs",
    "meetings:meeting_letter",
    "meetings:meeting_invitation",
    "meetings:feed",
}
NOT_PAGES |= {name for name in PAGES if "export" in name}


def visible_text(page: str) -> str:
    """The page's text; parts marked lang="da" (legal sources: Danish law in Danish) are left out."""
    page = re.sub(r"(?s)<(script|style|svg)\b.*?</\1>", " ", page)
    page = re.sub(r'(?s)<(\w+)[^>]*\blang="da"[^>]*>.*?</\1>', " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def danish_sentences() -> set[str]:
    """Danish source strings with an English translation that differs: long enough to be unmistakable."""
    return {
        entry.msgid
        for entry in polib.pofile(str(CATALOGUE))
        if entry.msgstr and entry.msgstr != entry.msgid and len(entry.msgid) >= 25 and "%" not in entry.msgid
    }


def codes() -> set[str]:
    models = [ClosingReason, ExceptionReason, HandoverReason, MeasureType, OfferType]
    return {code for model in models for code in model.objects.values_list("code", flat=True) if "_" in code}


def pages_for(scenario):
    for name in PAGES:
        if name in NOT_PAGES:
            continue
        method, allowed = MATRIX[name]
        persona = sorted(allowed - {"anonymous"})[0] if allowed - {"anonymous"} else "anonymous"
        query = QUERY.get(name, {})
        yield name, persona, reverse(name, kwargs=sample_kwargs(project_urls()[name], scenario)), query


@pytest.mark.parametrize("language", ["da", "en"])
def test_no_page_shows_a_code_or_an_untranslated_sentence(world, language):  # noqa: F811 (fixture)
    sentences = danish_sentences() if language == "en" else set()
    known_codes = codes()
    problems, walked = [], 0
    for name, persona, url, query in pages_for(world):
        client = Client()
        if persona != "anonymous":
            client.force_login(world["users"][persona])
        client.post(reverse("set_language"), {"language": language, "next": "/"})
        response = client.get(url, query(world) if callable(query) else query)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        walked += 1
        text = visible_text(response.content.decode())
        words = set(re.findall(r"[\w-]+", text))
        problems += [f"{name} ({language}): code {code}" for code in known_codes & words]
        problems += [f"{name} (en): Danish '{sentence[:60]}'" for sentence in sentences if sentence in text]
    assert walked >= 25  # the walk reached the product's pages
    assert problems == []
