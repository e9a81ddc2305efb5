"""Markdown is rendered when it is saved and stored beside its source (core/rendered.py)."""

import re

import pytest
from django.core.management import call_command

from actions.models import Action
from core import rendered, richtext
from document import pdf
from recommendations.models import Recommendation
from responses.models import ManagementResponse
from tests.factories import (
    ActionFactory,
    ManagementResponseFactory,
    RecommendationFactory,
    ThemeFactory,
    introduction_of,
)

NOTE = "Tekst met een noot.[^1]\n\n[^1]: De noot."


def test_a_save_stores_the_screen_and_the_print_html(db):
    action = ActionFactory(narrative="Een **vette** tekst.")
    stored = Action.objects.get(pk=action.pk).narrative_html
    assert stored["screen"].strip() == "<p>Een <strong>vette</strong> tekst.</p>"
    assert stored["print"].strip() == "<p>Een <strong>vette</strong> tekst.</p>"
    assert stored["v"] == rendered.RENDERER_VERSION


def test_bulk_create_stores_the_html_too(db):
    theme = ThemeFactory()
    Recommendation.objects.bulk_create(
        [Recommendation(response=theme.group.response, theme=theme, text="*Bulk*", order=0)]
    )
    assert Recommendation.objects.get().text_html["screen"].strip() == "<p><em>Bulk</em></p>"


def test_print_html_has_footnotes_at_their_call_and_screen_html_at_the_end(db):
    response = ManagementResponseFactory(introduction=NOTE)
    stored = introduction_of(response).body_html
    assert re.search(r'<span class="footnote" id="fn-p[0-9a-f]{8}:1">De noot\.</span>', stored["print"])
    assert 'id="fn-rtxprefix:1"' in stored["screen"]


def test_the_document_page_converts_no_markdown(client, db, monkeypatch):
    response = ManagementResponseFactory(introduction=NOTE)
    ActionFactory(response=response, narrative=NOTE)
    RecommendationFactory(theme__group__response=response, text=NOTE, justification=NOTE)
    calls = []
    monkeypatch.setattr(richtext, "_convert", lambda text: calls.append(text))
    html = client.get(response.get_absolute_url()).content.decode()
    pdf.render_html(ManagementResponse.objects.get(pk=response.pk))
    assert calls == []
    assert html.count("De noot.") == 4


def test_footnote_ids_stay_unique_on_the_page(client, db):
    response = ManagementResponseFactory(introduction=NOTE)
    ActionFactory(response=response, narrative=NOTE)
    ActionFactory(response=response, narrative=NOTE)
    RecommendationFactory(theme__group__response=response, text=NOTE, justification=NOTE)
    html = client.get(response.get_absolute_url()).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', html)
    footnote_ids = [i for i in ids if i.startswith("fn")]
    assert len(footnote_ids) == 10
    assert len(ids) == len(set(ids))
    assert "rtxprefix" not in html
    for target in re.findall(r'href="#(fn[^"]+)"', html):
        assert target in ids


def test_text_changed_behind_the_models_back_is_still_shown_right(client, db):
    response = ManagementResponseFactory()
    action = ActionFactory(response=response, narrative="Oud.")
    Action.objects.filter(pk=action.pk).update(narrative="*Nieuw*.")  # no pre_save: the stored HTML is stale
    ManagementResponse.objects.filter(pk=response.pk).update(revision=42)
    html = client.get(response.get_absolute_url()).content.decode()
    assert "<em>Nieuw</em>." in html


def test_rerender_texts_renders_what_an_older_renderer_made(db, capsys):
    response = ManagementResponseFactory(introduction="*Inleiding*")
    rec = RecommendationFactory(theme__group__response=response, text="Tekst")
    old = {"v": "older", "src": rendered.digest("Tekst"), "screen": "<p>oud</p>", "print": "<p>oud</p>"}
    Recommendation.objects.filter(pk=rec.pk).update(text_html=old)
    revision = ManagementResponse.objects.get(pk=response.pk).revision

    call_command("rerender_texts")

    assert Recommendation.objects.get(pk=rec.pk).text_html["screen"].strip() == "<p>Tekst</p>"
    assert ManagementResponse.objects.get(pk=response.pk).revision != revision
    assert "recommendations.Recommendation: 1 rendered" in capsys.readouterr().out


@pytest.mark.parametrize("force", [False, True])
def test_rerender_texts_leaves_current_html_alone_unless_forced(db, capsys, force):
    ActionFactory(narrative="Tekst")
    call_command("rerender_texts", *(["--force"] if force else []))
    out = capsys.readouterr().out
    assert ("actions.Action: 1 rendered" in out) == force
