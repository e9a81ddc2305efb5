"""Regressions from the hostile-input review (issue 9): what users type, what attackers send."""

import re
import subprocess
from urllib.parse import quote

import pytest
from django import forms
from django.urls import reverse

from actions.models import Action, ActionLink
from core.editing import VersionedAdminForm, VersionedForm
from core.richtext import render
from document.pdf import render_pdf
from recommendations.models import Recommendation
from responses.models import Chapter, ManagementResponse
from tests.factories import ActionFactory, ManagementResponseFactory, RecommendationFactory, introduction_of
from tests.test_responses_editing import form_data

HTMX = {"HX-Request": "true"}


# --- 2. characters WeasyPrint cannot lay out ---------------------------------------------------


def test_line_and_paragraph_separators_become_newlines_on_save(db):
    action = ActionFactory(title="Een\u2029titel", status_note="in\u20282025", narrative="Alinea\u2029Twee\x07")
    action.refresh_from_db()
    assert action.title == "Een titel"  # one line: a space
    assert action.status_note == "in 2025"
    assert action.narrative == "Alinea\n\nTwee"  # a paragraph break; the bell is gone


def test_the_response_and_chapter_forms_store_no_paragraph_separator(client, evaluation_staff, seed_response):
    client.force_login(evaluation_staff)
    url = reverse("responses:edit", args=[seed_response.slug])
    data = form_data(seed_response, title="Titel\u2029met scheiding")
    assert client.post(url, data).status_code == 302
    seed_response.refresh_from_db()
    assert "\u2029" not in seed_response.title
    intro = introduction_of(seed_response)
    url = reverse("responses:chapter", args=[seed_response.slug, intro.pk])
    data = {"placement": "before", "heading": intro.heading, "body": "Een\u2029twee", "version": intro.version}
    assert client.post(url, data).status_code == 302
    intro.refresh_from_db()
    assert intro.body == "Een\n\ntwee"


@pytest.mark.pdf
def test_a_pdf_prints_rows_stored_with_separators_before_the_fix(db):
    """Rows written around save() (old data, raw SQL) still print: the HTML is cleaned for WeasyPrint."""
    response = ManagementResponseFactory()
    rec = RecommendationFactory(theme__group__response=response)
    action = ActionFactory(response=response)
    ManagementResponse.objects.filter(pk=response.pk).update(title="Titel\u2029x")
    Chapter.objects.filter(response=response).update(body="In\u2029leiding")
    Recommendation.objects.filter(pk=rec.pk).update(text="Tekst \u2029 van de aanbeveling\u2028en meer")
    Action.objects.filter(pk=action.pk).update(status_note="in\u20292025")
    ActionLink.objects.create(recommendation=rec, action=action)
    ActionLink.objects.filter(recommendation=rec).update(qualifier="(kwal\u2029ificatie)")
    response.refresh_from_db()
    assert render_pdf(response).startswith(b"%PDF")


# --- 3. every edit form carries a version -------------------------------------------------------

# Forms that only ever create a row: there is nothing to be stale against.
CREATE_ONLY = {"LinkForm", "RecommendationLinkForm", "ActionChoiceForm", "NewResponseForm"}
# The admin's forms: core.editing.VersionedAdminMixin makes each a VersionedAdminForm, which
# carries the version it was opened at (tests/test_admin_versioning.py).
ADMIN_FORMS = {"ActionAdminForm"}


def all_model_forms():
    import actions.forms  # noqa: F401 - load every form class of the project
    import recommendations.forms  # noqa: F401
    import responses.forms  # noqa: F401

    found, todo = set(), [forms.ModelForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in {"actions", "recommendations", "responses", "core"}:
                found.add(sub)
    return found


def test_every_editing_model_form_carries_a_version():
    found = all_model_forms()
    assert {cls.__name__ for cls in found} >= {"QualifierForm", "ActionForm", "StatusForm", "ResponseForm"}
    unversioned = sorted(
        cls.__name__
        for cls in found
        if cls.__name__ not in CREATE_ONLY | ADMIN_FORMS
        and not (issubclass(cls, VersionedForm) and "version" in cls.base_fields)
        and not (issubclass(cls, VersionedAdminForm) and "based_on_version" in cls.base_fields)
    )
    assert unversioned == []


@pytest.fixture
def qualified_link(seed_response):
    return ActionLink.objects.select_related("action").get(action__response=seed_response, qualifier="kennisdeling 4")


def test_a_qualifier_edit_based_on_an_old_version_is_refused(client, project_member, qualified_link):
    link = qualified_link
    client.force_login(project_member)
    url = reverse("actions:link_edit", args=[link.pk])
    panel = f"actie-{link.action_id}"
    first = client.post(url, {"qualifier": "kennisdeling 5", "panel": panel, "version": 1}, headers=HTMX)
    assert first.status_code == 200

    second = client.post(url, {"qualifier": "kennisdeling 6", "panel": panel, "version": 1}, headers=HTMX)

    assert second.status_code == 409
    html = second.content.decode()
    assert "heeft dit intussen gewijzigd" in html
    assert 'value="kennisdeling 6"' in html
    assert 'name="version" value="2"' in html  # the next save is based on what the user saw
    link.refresh_from_db()
    assert (link.qualifier, link.version) == ("kennisdeling 5", 2)


def test_unlinking_after_someone_changed_the_link_is_refused(client, project_member, qualified_link):
    link = qualified_link
    client.force_login(project_member)
    panel = f"actie-{link.action_id}"
    client.post(reverse("actions:link_edit", args=[link.pk]), {"qualifier": "nieuw", "panel": panel, "version": 1})

    answer = client.post(reverse("actions:link_delete", args=[link.pk]), {"panel": panel, "version": 1}, headers=HTMX)

    assert answer.status_code == 409
    assert "Ze is niet ontkoppeld" in answer.content.decode()
    assert ActionLink.objects.filter(pk=link.pk).exists()
    page = client.get(link.action.get_absolute_url()).content.decode()
    assert 'name="version" value="2"' in page  # the unlink control now carries the new version


# --- 4. open redirects through next -----------------------------------------------------------

HOSTILE_NEXT = [
    "/%5C127.0.0.1:8099/x",  # decodes to /\127.0.0.1: browsers read /\ as //
    "/%5C%5Cevil.example/",
    "%5C%5Cevil.example/",
    "//evil.example/",
    "/%2F%2Fevil.example/",  # decodes to ///evil.example
    "/%252F%252Fevil.example/",  # encoded twice
    "/%255Cevil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "/%09/evil.example/",  # a tab, which browsers drop
    "java%0Ascript:alert(1)",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
@pytest.mark.parametrize("page", ["actions:status", "actions:edit", "actions:delete"])
def test_next_never_leads_off_site(client, project_member, seed_response, target, page):
    action = Action.objects.get(response=seed_response, number="4")
    client.force_login(project_member)
    html = client.get(reverse(page, args=[action.pk]) + "?next=" + target).content.decode()
    # The Cancel link and the form's own "next" (the language switch keeps the whole local path: harmless).
    cancel = re.findall(r'<a [^>]*href="([^"]*)"[^>]*>\s*Annuleren', html)
    kept = re.findall(r'<input type="hidden" name="next" value="([^"]*)"', html)
    assert cancel, html
    for target_now in cancel + kept:
        assert target_now.startswith("/"), target_now
        assert not target_now.startswith("//"), target_now
        assert "evil" not in target_now, target_now
        assert "127.0.0.1" not in target_now, target_now


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_saving_never_redirects_off_site(client, project_member, seed_response, target):
    action = Action.objects.get(response=seed_response, number="4")
    client.force_login(project_member)
    url = reverse("actions:status", args=[action.pk]) + "?next=" + target
    answer = client.post(url, {"status": "in_progress", "status_note": "", "note": "", "version": action.version})
    assert answer.status_code == 302
    assert answer["Location"].startswith(f"/responses/{seed_response.slug}/"), answer["Location"]


def test_a_local_next_is_kept(client, project_member, seed_response):
    action = Action.objects.get(response=seed_response, number="4")
    client.force_login(project_member)
    back = reverse("actions:manage", args=[seed_response.slug]) + "?focus=x"
    html = client.get(reverse("actions:edit", args=[action.pk]) + "?next=" + quote(back)).content.decode()
    assert f'href="{back.replace("&", "&amp;")}"' in html


# --- 7. the sanitiser -----------------------------------------------------------------------


def test_user_ids_are_stripped_but_the_footnote_anchors_stay():
    html = render('Tekst <sup id="live-status">1</sup>.[^n] <span id="main">x</span>\n\n[^n]: Noot.', prefix="r1")
    assert "live-status" not in html
    assert 'id="main"' not in html
    assert 'id="fnref-r1:n"' in html
    assert 'id="fn-r1:n"' in html


@pytest.mark.parametrize(
    "text",
    ["![x](/admin/logout/)", '<img src="/accounts/logout/">', "![x](https://example.org/a.png)", '<img src="x">'],
)
def test_user_text_fetches_no_images(text):
    html = render(text)
    assert "<img" not in html
    assert "src=" not in html


# --- 8. HTTP details --------------------------------------------------------------------------


def read_only_urls(response):
    action = response.actions.first()
    rec = Recommendation.objects.for_response(response).first()
    return [
        reverse("tracking:home"),
        response.get_absolute_url(),
        reverse("interchange:export", args=[response.slug]),
        reverse("document:pdf", args=[response.slug]),
        action.get_absolute_url(),
        rec.get_absolute_url(),
        reverse("actions:progress", args=[action.pk]),
    ]


def test_read_only_views_answer_post_with_405(client, evaluation_staff, seed_response):
    client.force_login(evaluation_staff)
    for url in read_only_urls(seed_response):
        assert client.post(url, {}).status_code == 405, url


def test_pages_that_are_also_fragments_vary_on_hx_request(client, seed_response):
    action = seed_response.actions.first()
    rec = Recommendation.objects.for_response(seed_response).first()
    for url in (action.get_absolute_url(), rec.get_absolute_url()):
        page, fragment = client.get(url), client.get(url, headers=HTMX)
        assert page.status_code == fragment.status_code == 200
        for answer in (page, fragment):
            assert "HX-Request" in answer["Vary"], url


# --- 6. the PDF's layout under long unbreakable text, and the glyphs people type ---------------


def words_outside_the_page(data, tmp_path):
    """Words that pdftotext places (partly) beyond the right edge of the text area."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    xhtml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True).stdout
    outside = []
    for width, body in re.findall(r'<page width="([\d.]+)"[^>]*>(.*?)</page>', xhtml, re.S):
        limit = float(width) - 20 * 72 / 25.4 + 2  # the right margin is 20 mm
        for x_max, word in re.findall(r'<word [^>]*xMax="([\d.]+)"[^>]*>([^<]*)</word>', body):
            if float(x_max) > limit:
                outside.append(word)
    return outside


@pytest.mark.pdf
def test_long_unbreakable_text_wraps_inside_the_page(db, tmp_path):
    response = ManagementResponseFactory(title="Managementresponse" + "Ü" * 282)
    rec = RecommendationFactory(theme__group__response=response, location="p." + "9" * 98, text="Een " + "lang" * 60)
    action = ActionFactory(response=response, number="7", title="Titel " + "Woord" * 40)
    ActionLink.objects.create(recommendation=rec, action=action)
    rec.agreement = "agree"
    rec.save()

    data = render_pdf(response)

    assert words_outside_the_page(data, tmp_path) == []
    path = tmp_path / "doc.pdf"
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "Akkoord" in text
    assert "Actie 7" in text


@pytest.mark.pdf
def test_emoji_and_symbols_print_with_a_shipped_font(db, tmp_path):
    response = ManagementResponseFactory(introduction="Goed nieuws 👍 🎉 ✅ en ✓ ★ ☐.")
    path = tmp_path / "doc.pdf"
    path.write_bytes(render_pdf(response))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    assert "Noto-Emoji" in fonts, fonts
    assert "Noto-Sans-Symbols-2" in fonts, fonts
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "👍" in text
    assert "★" in text
