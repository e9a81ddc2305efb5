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
    page = client.get(reverse("tracking:home"))
    assert page["Content-Language"] == "nl"
    assert "Managementresponses" in page.content.decode()


def test_the_language_switch_turns_the_interface_english(client, db):
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert switched.status_code == 302
    page = client.get(reverse("tracking:home")).content.decode()
    assert "Management responses" in page
    assert '<html lang="en">' in page


def test_every_translated_string_is_marked_so_that_makemessages_finds_it():
    """makemessages extracts ``_()``, ``gettext_lazy()``, ``pgettext()``... by name: a string marked
    through another alias (``gettext_lazy as _lazy``) is never extracted, so never translated."""
    functions = r"(?:n|p|np)?gettext(?:_lazy|_noop)?"
    aliased = re.compile(rf"import .*\b({functions}) as (\w+)")
    found = []
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if ".venv" in path.parts or "migrations" in path.parts:
            continue
        for function, alias in aliased.findall(path.read_text(encoding="utf-8")):
            if alias != "_":
                found.append(f"{path.relative_to(settings.BASE_DIR)}: {function} as {alias}")
    assert found == []


def test_the_recommendation_editor_speaks_english_in_english(admin_client, seed_response):
    from recommendations.models import Recommendation

    admin_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    rec = Recommendation.objects.for_response(seed_response).first()
    page = admin_client.get(reverse("recommendations:recommendation_edit", args=[rec.pk])).content.decode()
    assert "<h1>Edit recommendation</h1>" in page
