"""Comparing two versions, or a version and the live data (publishing/comparison.py)."""

import subprocess
from pathlib import Path

import pytest
import yaml
from django.urls import reverse

from actions.models import Action, ActionLink
from interchange import exporter
from interchange.exporter import as_data, export_response
from interchange.importer import import_file
from interchange.parse import from_data, parse
from publishing.comparison import compare, live_data, version_data, word_diff
from publishing.publish import publish
from recommendations.models import Recommendation
from responses.models import ManagementResponse, ResponseVersion
from responses.permissions import EVALUATION_STAFF
from tests.factories import (
    ActionFactory,
    ActionLinkFactory,
    ManagementResponseFactory,
    RecommendationFactory,
    ThemeFactory,
)
from tests.fixtures import grant, make_user
from tests.test_responses_pdf import get_when_ready


@pytest.fixture
def response(db):
    response = ManagementResponseFactory(status="draft", slug="vergelijk")
    theme = ThemeFactory(group__response=response)
    for n in (1, 2, 3):
        rec = RecommendationFactory(
            theme=theme, number=str(n), agreement="agree", text=f"Doe ding {n} goed en snel.", response_text="Ja."
        )
        action = ActionFactory(response=response, number=str(n), title=f"Actie {n}", status="to_start")
        ActionLinkFactory(recommendation=rec, action=action)
    return response


@pytest.fixture
def v1(response, django_user_model):
    user = make_user(django_user_model, "eva")
    grant(user, response, EVALUATION_STAFF)
    return publish(response=response, user=user, note="v1")


def changes_of(comparison):
    return [(item.name, item.state, [c.field for c in item.changes]) for item in comparison.items]


@pytest.mark.pdf
def test_an_unchanged_response_has_no_differences(response, v1):
    assert compare(version_data(v1), live_data(response)).items == []


@pytest.mark.pdf
def test_the_live_side_is_read_as_data_without_yaml(response, v1, monkeypatch):
    def no_yaml(*args, **kwargs):
        raise AssertionError("the live data went through YAML")

    for name in ("dump", "load", "compose", "parse"):
        monkeypatch.setattr(yaml, name, no_yaml)
    monkeypatch.setattr(exporter, "dump", no_yaml)
    Recommendation.objects.filter(response=response, number="1").update(agreement="disagree")
    assert live_data(response).all_recommendations[0].agreement == "disagree"


@pytest.mark.parametrize("name", ["seed", "matrix", "awkward"])
def test_the_live_side_is_what_parsing_its_export_gives(db, name):
    """from_data(as_data(r)) == parse(export_response(r)): both sides of a comparison read alike."""
    if name == "awkward":
        response = ManagementResponseFactory(status=ManagementResponse.Status.DRAFT)
        theme = ThemeFactory(group__response=response)
        action = ActionFactory(response=response, number="1.10", status=Action.Status.REALISED, title=" null ")
        ActionFactory(response=response, parent=action, number="2024-09-30", status="inherited", title="- x")
        rec = RecommendationFactory(
            theme=theme, number="", text="Twee\n\nalinea's: ja \n- en #dit\n", response_text="~"
        )
        ActionLinkFactory(recommendation=rec, action=action, qualifier="(a: b)")
    else:
        path = {"seed": "responses/seed/leerecosystemen.yaml", "matrix": "tests/data/uneg-matrix.yaml"}[name]
        response = import_file(Path(__file__).resolve().parent.parent / path)
    parsed = from_data(as_data(response), source="live")
    assert parsed == parse(export_response(response).encode("utf-8"))
    assert parsed.all_actions
    assert parsed.all_recommendations


@pytest.mark.pdf
def test_each_kind_of_change_appears_once_and_nothing_unchanged_appears(response, v1):
    rec1 = Recommendation.objects.get(response=response, number="1")
    rec1.agreement = "partially_agree"
    rec1.justification = "Te duur."
    rec1.save()
    rec2 = Recommendation.objects.get(response=response, number="2")
    rec2.text = "Doe ding 2 beter en snel."
    rec2.save()
    a2, a3 = Action.objects.get(response=response, number="2"), Action.objects.get(response=response, number="3")
    a3.status = "realised"
    a3.save()
    ActionLink.objects.filter(recommendation=rec2).delete()
    ActionLinkFactory(recommendation=rec2, action=a3, qualifier="deel 2")
    a2.delete()  # and with it its link (none left)
    ActionFactory(response=response, number="4", title="Nieuwe actie")
    result = compare(version_data(v1), live_data(response))
    assert changes_of(result) == [
        ("Aanbeveling 1", "changed", ["agreement", "justification"]),
        ("Aanbeveling 2", "changed", ["text", "links"]),
        ("Actie 2. Actie 2", "removed", []),
        ("Actie 3. Actie 3", "changed", ["status"]),
        ("Actie 4. Nieuwe actie", "added", []),
    ]
    agreement = result.items[0].changes[0]
    assert (agreement.old, agreement.new) == ("akkoord", "gedeeltelijk akkoord")
    text = result.items[1].changes[0].diff
    assert text == "Doe ding 2 <del>goed</del><ins>beter</ins> en snel."
    links = result.items[1].changes[1]
    assert (links.added, links.removed) == (["Actie 3 – deel 2"], ["Actie 2"])


def test_word_diff_escapes_user_text():
    assert word_diff("a <b>", "a <i>") == "a <del>&lt;b&gt;</del><ins>&lt;i&gt;</ins>"


@pytest.mark.pdf
def test_two_versions_compare_on_the_page(client, response, v1):
    Recommendation.objects.filter(response=response, number="3").update(response_text="Nee, toch niet.")
    publish(response=response, user=v1.published_by, note="v2")
    page = client.get(reverse("publishing:compare", kwargs={"slug": response.slug}) + "?old=1&new=2")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Aanbeveling 3" in html
    assert "<del>Ja.</del><ins>Nee, toch niet.</ins>" in html
    assert "Aanbeveling 1" not in html
    assert html.count('class="comparison__change"') == 1


@pytest.mark.pdf
@pytest.mark.django_db(transaction=True)
def test_the_comparison_pdf_annex_shows_the_changes(client, response, v1, tmp_path):
    Action.objects.filter(response=response, number="1").update(title="Eerste actie, herschreven")
    answer = get_when_ready(
        client, reverse("publishing:compare_pdf", kwargs={"slug": response.slug}) + "?old=1&new=live"
    )
    assert answer.status_code == 200
    assert answer.content.startswith(b"%PDF")
    path = tmp_path / "annex.pdf"
    path.write_bytes(answer.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "Wijzigingen: " in text
    assert "herschreven" in text
    assert "Aanbeveling 2" not in text


@pytest.mark.pdf
def test_a_bad_choice_is_refused(client, response, v1):
    url = reverse("publishing:compare", kwargs={"slug": response.slug})
    assert client.get(url + "?old=7&new=live").status_code == 422


@pytest.mark.parametrize("size", [10, 200])
def test_comparison_page_query_count_does_not_grow(client, db, django_assert_num_queries, size):
    response = ManagementResponseFactory(status="published", slug=f"groot-{size}")
    theme = ThemeFactory(group__response=response)
    actions = [ActionFactory(response=response, number=str(n + 1)) for n in range(3)]
    for i in range(size):
        rec = RecommendationFactory(theme=theme, number=str(i + 1), response_text="Ja.")
        ActionLinkFactory(recommendation=rec, action=actions[i % 3])
    # A frozen version as publish() writes it, without rendering its PDF (seconds at 200 rows):
    # the comparison reads the version's interchange file, never its PDF.
    ResponseVersion.objects.create(
        response=response,
        number=1,
        note="v1",
        snapshot=export_response(response),
        pdf=b"%PDF-1.7 test",
        sha256="0" * 64,
    )
    Recommendation.objects.filter(response=response).update(agreement="disagree")
    url = reverse("publishing:compare", kwargs={"slug": response.slug})
    # 1 response by slug, 1 versions (without PDFs), 1 the old version's snapshot,
    # live data: 1 actions, 1 progress, 1 evidence, 1 links, 1 sub-recommendations, 1 recommendations,
    # 1 themes, 1 groups, 1 chapters
    with django_assert_num_queries(12):
        page = client.get(url + "?old=1&new=live")
    assert page.content.decode().count('data-field="agreement"') == size
