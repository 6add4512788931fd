"""Vietnamese first, English switchable; Vietnamese numbers and dates."""

from __future__ import annotations

import datetime
import gettext
from decimal import Decimal
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from parindex.conftest import Cast

LOCALE = Path(__file__).resolve().parents[1] / "locale" / "vi" / "LC_MESSAGES"


def test_every_message_is_translated_and_compiled() -> None:
    po = polib.pofile(str(LOCALE / "django.po"))
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []
    compiled = gettext.GNUTranslations((LOCALE / "django.mo").open("rb"))
    stale = [
        entry.msgid
        for entry in po.translated_entries()
        if not entry.msgid_plural
        and (
            compiled.pgettext(entry.msgctxt, entry.msgid)
            if entry.msgctxt
            else compiled.gettext(entry.msgid)
        )
        != entry.msgstr
    ]
    assert stale == [], "run make messages: django.mo is older than django.po"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("vi", "83,84% · 94,00 · 1.889 · 23/04/2020"), ("en", "83.84% · 94.00 · 1,889 · 23/04/2020")],
)
def test_numbers_and_dates_in_each_language(language: str, expected: str) -> None:
    template = Template(
        "{% load parindex humanize %}{{ index|percent }} · {{ max|points }} · "
        "{{ people|intcomma }} · {{ day|date:'SHORT_DATE_FORMAT' }}"
    )
    context = Context(
        {
            "index": Decimal("83.8404"),
            "max": Decimal(94),
            "people": 1889,
            "day": datetime.date(2020, 4, 23),
        }
    )
    with translation.override(language):
        assert template.render(context) == expected


def test_pages_are_vietnamese_even_for_an_english_browser(cast: Cast) -> None:
    client = cast.client(cast.viewer)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "vi"
    assert "Đơn vị" in page.content.decode()


def test_the_switch_turns_the_interface_english(cast: Cast) -> None:
    client = cast.client(cast.viewer)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get(reverse("home"))
    assert page["Content-Language"] == "en" and "Units" in page.content.decode()
