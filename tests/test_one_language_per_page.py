"""One language per page: the interface speaks the user's language, the document its own.

Every page of ``tests/pages.py`` is rendered with the interface in English and a Dutch document, and
with the interface in Dutch and an English document, in both layouts. The text of each element
belongs to the language of its nearest ``lang`` attribute (the page's ``<html lang>`` is the
interface's; the document's content carries ``lang`` of its own). The message catalogue says
which words are which: a Dutch interface string (a msgid whose English differs) in English text,
or an English one in Dutch text, is a word in the wrong language.
"""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from tests.pages import LAYOUTS, PAGES, build_site, url
from tests.test_i18n import po_entries

PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{[^}]*\}|<[^>]+>|&\w+;")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
# Not read: code; what a user typed (a textarea's value, and the texts rendered from Markdown, class
# "prose": the authors' own words, which may borrow a term of the other language, as the seed's Dutch
# introduction says "management response"); the browser's tab title, which names the response in its
# own words and cannot mark them (a <title> holds no elements).
SKIPPED = {"script", "style", "template", "textarea", "title"}

# Words spelled the same in both languages as they are used here, so they say nothing about the language
# ("met name" is Dutch too).
BOTH = {
    "name",
    "status",
    "thema",
    "link",
    "links",
    "document",
    "versie",
    "update",
    "team",
    "deadline",
    "filter",
    "items",
}


def phrases():
    """(Dutch phrases, English phrases) of the interface: the fixed parts of each string that differs."""
    dutch, english = set(), set()
    for msgid, strings, _fuzzy in po_entries():
        if not msgid or not strings or msgid in strings:
            continue
        for text, into in [(msgid, dutch), *((s, english) for s in strings)]:
            for chunk in PLACEHOLDER.split(text.replace("\\n", " ").replace('\\"', '"')):
                chunk = " ".join(re.sub(r"[^\w\s'’-]", " ", chunk).split())
                if len(chunk) >= 4:
                    into.add(chunk)
    words = {
        language: {w.lower() for p in found for w in p.split()} for language, found in [("nl", dutch), ("en", english)]
    }
    # A single word is only evidence when it is not also a word of the other language's strings.
    dutch = {p for p in dutch if " " in p or (p.lower() not in words["en"] and p.lower() not in BOTH)}
    english = {p for p in english if " " in p or (p.lower() not in words["nl"] and p.lower() not in BOTH)}
    return {"nl": dutch, "en": english}


class TextByLanguage(HTMLParser):
    """Collects the text of a page by the language of the element it is in."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, lang, whether its text is skipped)
        self.text = {}
        self.skip = 0

    def lang(self):
        return next((lang for _tag, lang, _skips in reversed(self.stack) if lang), "")

    def add(self, lang, text):
        self.text.setdefault(lang[:2], []).append(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang") or self.lang()
        for name in ATTRIBUTES & attrs.keys():
            self.add(lang, attrs[name] or "")
        if tag == "input" and attrs.get("type") in {"submit", "button"}:
            self.add(lang, attrs.get("value") or "")
        if tag in VOID:
            return
        skips = tag in SKIPPED or "prose" in (attrs.get("class") or "").split()
        self.stack.append((tag, attrs.get("lang"), skips))
        self.skip += skips

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            top, _lang, skips = self.stack.pop()
            self.skip -= skips
            if top == tag:
                break

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.add(self.lang(), data)


# A term in quotation marks is foreign on purpose (the seed's introduction: "Deze ‘management response’ is").
QUOTED = re.compile(r"‘[^’]{1,60}’|“[^”]{1,60}”")


def wrong_words(html, catalogue):
    parser = TextByLanguage()
    parser.feed(html)
    found = []
    for lang, texts in parser.text.items():
        other = {"nl": "en", "en": "nl"}.get(lang)
        if other is None:
            continue
        text = QUOTED.sub("‘…’", " ".join(" ".join(texts).split()))
        for phrase in catalogue[other]:
            match = re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)
            if match:
                found.append(
                    f"{other} {phrase!r} in {lang} text: …{text[max(0, match.start() - 50) : match.end() + 50]}…"
                )
    return found


@pytest.fixture(scope="module")
def catalogue():
    return phrases()


def test_the_catalogue_knows_enough_words_to_tell_the_languages_apart(catalogue):
    assert {"Wijzig status", "Voortgangsrondes"} <= catalogue["nl"]
    assert {"Change status", "Review rounds"} <= catalogue["en"]
    assert wrong_words('<html lang="en"><p>Change status</p><p lang="nl">Voortgangsrondes</p></html>', catalogue) == []
    assert wrong_words('<html lang="en"><p>Voortgangsrondes</p></html>', catalogue) != []
    assert wrong_words('<html lang="nl"><p>Wijzig status <a lang="en">Review rounds</a></p></html>', catalogue) == []


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("interface", ["en", "nl"])
def test_no_page_mixes_the_interface_language_with_the_documents(
    client, django_user_model, layout, interface, catalogue
):
    site = build_site(django_user_model, layout)
    side = site.nl if interface == "en" else site.en  # the document in the other language
    found = []
    for role in ["anonymous", "administrator", "reader"]:
        client.logout()
        if site.users[role]:
            client.force_login(site.users[role])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = interface
        addresses = [url(name, side) for name in PAGES]
        if role == "reader":  # the error pages: a refused edit, a page that does not exist
            addresses = [reverse("responses:edit", args=[side.response.slug]), "/responses/does-not-exist/"]
        for address in addresses:
            answer = client.get(address, follow=True)
            assert answer.status_code < 500, address
            if "html" not in answer.get("Content-Type", ""):
                continue
            html = answer.content.decode()
            assert f'<html lang="{interface}"' in html, address
            found += [f"{role} {address}: {problem}" for problem in wrong_words(html, catalogue)]
    assert found == [], "\n".join(found)
