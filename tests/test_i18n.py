"""Dutch first, with a complete English translation."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

PO = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def po_entries():
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        msgid = "".join(
            re.findall(r'"(.*)"', block.split("msgid ", 1)[-1].split("\nmsgstr")[0].split("\nmsgid_plural")[0])
        )
        strings = re.findall(r'msgstr(?:\[\d\])? ((?:".*"\n?)+)', block)
        yield msgid, ["".join(re.findall(r'"(.*)"', s)) for s in strings], "#, fuzzy" in block


def test_every_interface_string_has_an_english_translation():
    untranslated = [msgid for msgid, strings, fuzzy in po_entries() if msgid and (fuzzy or not all(strings))]
    assert untranslated == []


def test_the_interface_is_dutch_by_default(client, db):
    page = client.get(reverse("responses:list"))
    assert page["Content-Language"] == "nl"
    assert "Managementresponses" in page.content.decode()


def test_the_language_switch_turns_the_interface_english(client, db):
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert switched.status_code == 302
    page = client.get(reverse("responses:list")).content.decode()
    assert "Management responses" in page
    assert '<html lang="en">' in page
