"""Starting a response in the browser (blank, from a file with a preview, as a copy) and deleting one."""

import html

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import Action, ActionLink
from interchange import exporter, services
from interchange.exporter import dump
from interchange.parse import from_data, parse
from recommendations.models import Recommendation
from responses.models import ManagementResponse
from tests.factories import ManagementResponseFactory
from tests.fixtures import SEED

NEW = reverse("interchange:new")
UPLOAD = reverse("interchange:upload")
CONFIRM = reverse("interchange:upload_confirm")


def upload(client, content: bytes, name="response.yaml"):
    return client.post(UPLOAD, {"upload-file": SimpleUploadedFile(name, content, "application/yaml")})


def seed_with(old, new):
    text = SEED.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1).encode("utf-8"), text[: text.index(old)].count("\n") + 1


def counts():
    return (ManagementResponse.objects.count(), Recommendation.objects.count(), Action.objects.count())


# --- the entry point ----------------------------------------------------------------------


def test_the_list_offers_evaluation_staff_a_new_response_button(client, evaluation_staff):
    client.force_login(evaluation_staff)
    assert f'href="{NEW}"' in client.get(reverse("tracking:home")).content.decode()


@pytest.mark.parametrize("who", ["project_member", "reader", "outsider"])
def test_others_cannot_start_a_response(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert f'href="{NEW}"' not in client.get(reverse("tracking:home")).content.decode()
    assert client.get(NEW).status_code == 403
    assert upload(client, SEED.read_bytes()).status_code == 403
    assert ManagementResponse.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    answer = client.get(NEW)
    assert answer.status_code == 302
    assert "/accounts/login/" in answer["Location"]


def test_evaluation_staff_start_a_blank_matrix_response(client, evaluation_staff):
    client.force_login(evaluation_staff)
    answer = client.post(
        NEW,
        {
            "new-title": "Management response to the country programme evaluation",
            "new-slug": "",
            "new-organisation": "Country Office",
            "new-evaluation_title": "Independent Country Programme Evaluation",
            "new-evaluation_delivered_on": "2025-02-01",
            "new-evaluation_delivered_precision": "month",
            "new-language": "en",
            "new-layout": "matrix",
        },
    )
    response = ManagementResponse.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == response.get_absolute_url()
    assert response.slug == "management-response-to-the-country-programme-evaluation"
    assert (response.layout, response.language, response.status) == ("matrix", "en", "draft")
    page = client.get(answer["Location"]).content.decode()
    assert "February 2025" in page


def test_a_blank_response_with_bad_input_keeps_the_input_and_says_why(client, evaluation_staff):
    ManagementResponseFactory(slug="taken")
    client.force_login(evaluation_staff)
    answer = client.post(NEW, {"new-title": "Mijn titel", "new-slug": "taken", "new-layout": "poster"})
    page = answer.content.decode()
    assert answer.status_code == 422
    assert 'value="Mijn titel"' in page
    assert "bestaat al" in page or "al in gebruik" in page
    assert ManagementResponse.objects.count() == 1


# --- from a file: preview first, then all or nothing ----------------------------------------


def test_a_valid_file_shows_a_preview_and_creates_nothing_until_confirmed(client, evaluation_staff):
    client.force_login(evaluation_staff)
    preview = upload(client, SEED.read_bytes(), "leerecosystemen.yaml")
    page = html.unescape(preview.content.decode())
    assert preview.status_code == 200
    assert "Managementresponse evaluatieopdracht leerecosystemen" in page
    assert "19 aanbevelingen" in page
    assert "3 groepen" in page
    assert "Aanpassingen aan het oproepkader" in page
    assert ManagementResponse.objects.count() == 0

    token = page.split('name="token" value="')[1].split('"')[0]
    answer = client.post(CONFIRM, {"token": token})
    response = ManagementResponse.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == response.get_absolute_url()
    assert (Recommendation.objects.count(), ActionLink.objects.count() > 0) == (19, True)
    # The preview is used once.
    assert client.post(CONFIRM, {"token": token}).status_code == 302
    assert ManagementResponse.objects.count() == 1


def test_a_confirmation_without_the_previews_token_writes_nothing(client, evaluation_staff):
    client.force_login(evaluation_staff)
    upload(client, SEED.read_bytes())
    answer = client.post(CONFIRM, {"token": "forged"}, follow=True)
    assert "verlopen" in answer.content.decode()
    assert ManagementResponse.objects.count() == 0


BAD_FILES = {
    "broken YAML": (lambda: seed_with("groups:\n", "groups: [\n"), ["ongeldige YAML"]),
    "unknown agreement": (
        lambda: seed_with("agreement: partially_agree", "agreement: misschien"),
        ["mate van akkoord 'misschien' is onbekend"],
    ),
    "missing action": (lambda: seed_with("- '2.2'", "- '2.9'"), ["verwijst naar actie '2.9', die niet bestaat"]),
    "duplicate number": (
        lambda: seed_with("number: '1.2'", "number: '1.1'"),
        ["actienummer '1.1' komt twee keer voor"],
    ),
    "missing field": (
        lambda: seed_with("  organisation: Europa WSE\n", ""),
        ["response.organisation", "verplicht veld 'organisation' ontbreekt"],
    ),
    "unknown field": (
        lambda: seed_with("  organisation: Europa WSE\n", "  organisation: Europa WSE\n  organization: X\n"),
        ["onbekend veld 'organization'"],
    ),
    "not text": (lambda: (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), None), ["geen tekstbestand"]),
    "other encoding": (
        lambda: (SEED.read_text(encoding="utf-8").encode("latin-1", errors="replace"), None),
        ["geen tekstbestand in UTF-8"],
    ),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_shows_every_problem_with_its_line_and_creates_nothing(client, evaluation_staff, kind):
    make, fragments = BAD_FILES[kind]
    content, line = make()
    client.force_login(evaluation_staff)
    answer = upload(client, content, "bad.yaml")
    page = html.unescape(answer.content.decode())
    assert answer.status_code == 422
    assert "Er is niets opgeslagen" in page
    for fragment in fragments:
        assert fragment in page
    if line:
        assert "bad.yaml:" in page
    assert 'name="token"' not in page
    assert counts() == (0, 0, 0)


def test_a_file_whose_slug_exists_is_refused_in_the_preview(client, evaluation_staff, seed_response):
    client.force_login(evaluation_staff)
    answer = upload(client, SEED.read_bytes())
    assert answer.status_code == 422
    assert "leerecosystemen" in html.unescape(answer.content.decode())
    assert ManagementResponse.objects.count() == 1


# --- as a copy ------------------------------------------------------------------------------


def test_a_copy_takes_the_structure_but_not_the_decisions(client, evaluation_staff, seed_response):
    client.force_login(evaluation_staff)
    answer = client.post(
        reverse("interchange:copy"),
        {"copy-source": seed_response.pk, "copy-title": "Leerecosystemen, tweede ronde", "copy-slug": ""},
    )
    copy = ManagementResponse.objects.get(slug="leerecosystemen-tweede-ronde")
    assert answer["Location"] == copy.get_absolute_url()
    assert copy.status == "draft"
    assert copy.title == "Leerecosystemen, tweede ronde"
    assert copy.recommendations.count() == seed_response.recommendations.count()
    assert copy.actions.count() == seed_response.actions.count()
    assert (
        ActionLink.objects.filter(action__response=copy).count()
        == ActionLink.objects.filter(action__response=seed_response).count()
    )
    assert not copy.recommendations.exclude(agreement="").exists()
    assert not copy.actions.filter(parent=None).exclude(status="").exists()
    seed_response.refresh_from_db()
    assert seed_response.recommendations.filter(agreement="agree").count() == 17


def test_a_copy_is_read_as_data_as_its_file_would_be(evaluation_staff, seed_response, monkeypatch):
    """structure_copy -> from_data, with no YAML in between: what parsing its file used to give."""
    copied = services.structure_copy(seed_response, title="Tweede ronde", slug="tweede-ronde")
    as_file = parse(dump(copied).encode(), source=seed_response.slug)
    assert from_data(copied, source=seed_response.slug) == as_file

    def no_yaml(*args, **kwargs):
        raise AssertionError("the copy went through YAML")

    for name in ("dump", "load", "compose", "parse"):
        monkeypatch.setattr(yaml, name, no_yaml)
    monkeypatch.setattr(exporter, "dump", no_yaml)
    copy = services.copy_response(
        source=seed_response, title="Tweede ronde", slug="tweede-ronde", user=evaluation_staff
    )
    assert copy.slug == "tweede-ronde"
    assert copy.recommendations.count() == len(as_file.all_recommendations)


# --- the slug, and deleting a response ------------------------------------------------------


def test_the_slug_is_editable_until_publication(client, evaluation_staff):
    draft = ManagementResponseFactory(status="draft", slug="old-name")
    published = ManagementResponseFactory(status="published")
    client.force_login(evaluation_staff)
    assert 'name="slug"' in client.get(reverse("responses:edit", args=[draft.slug])).content.decode()
    assert 'name="slug"' not in client.get(reverse("responses:edit", args=[published.slug])).content.decode()


def test_an_administrator_deletes_a_response_after_a_confirmation_naming_what_goes(admin_client, seed_response):
    url = reverse("responses:delete", args=[seed_response.slug])
    page = admin_client.get(url).content.decode()
    assert "19 aanbevelingen" in page
    assert "in 3 groepen" in page
    assert "15 acties en onderdelen" in page or "acties en onderdelen" in page
    answer = admin_client.post(url, {"recommendations": 19, "actions": seed_response.actions.count()})
    assert answer.status_code == 302
    assert answer["Location"] == reverse("tracking:home")
    assert counts() == (0, 0, 0)


def test_a_delete_confirmed_on_other_counts_is_refused(admin_client, seed_response):
    url = reverse("responses:delete", args=[seed_response.slug])
    answer = admin_client.post(url, {"recommendations": 3, "actions": 1})
    assert answer.status_code == 409
    assert ManagementResponse.objects.count() == 1


def test_evaluation_staff_cannot_delete_a_response(client, evaluation_staff, seed_response):
    client.force_login(evaluation_staff)
    url = reverse("responses:delete", args=[seed_response.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"recommendations": 19, "actions": 1}).status_code == 403
    assert ManagementResponse.objects.count() == 1
