"""The public register (issue 23): published responses as their latest published versions froze
them, searchable and filterable, an Atom feed, and the register as open data."""

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import frictionless
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from interchange.exporter import export_response
from interchange.importer import import_file
from recommendations.models import Recommendation
from register import entries, opendata
from register.columns import TABLES
from register.models import Entry
from responses.models import ManagementResponse, ResponseVersion
from responses.services import withdraw
from tests.factories import (
    ActionFactory,
    ActionLinkFactory,
    ManagementResponseFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
)
from tests.fixtures import make_user

DATA = Path(__file__).parent / "data"


def publish_version(response, note="Eerste versie"):
    """Freeze a version as ``publishing.publish`` does, without rendering a PDF (the register reads
    the snapshot; test_a_version_published_through_the_service_enters_the_register uses the real one)."""
    response.status = ManagementResponse.Status.PUBLISHED
    response.save()
    number = response.published_versions.count() + 1
    pdf = f"%PDF-1.7 {response.slug} v{number}".encode()
    return ResponseVersion.objects.create(
        response=response,
        number=number,
        note=note,
        snapshot=export_response(response),
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
    )


def small_response(**kwargs):
    """A response with one recommendation, one action with a part, a link and a progress note."""
    response = ManagementResponseFactory(**kwargs)
    rec = RecommendationFactory(theme__group__response=response, agreement="agree", text="Versterk de monitoring.")
    action = ActionFactory(response=response, number="1", title="Monitoringkader", status="in_progress")
    ActionFactory(response=response, parent=action, number="1.1", title="Indicatoren", status="inherited")
    ActionLinkFactory(action=action, recommendation=rec)
    ProgressUpdateFactory(action=action, status="in_progress", note="Kader besproken.")
    return response


def listed(client, **query):
    html = client.get(reverse("register:index"), query).content.decode()
    return html


def slugs_listed(client, **query):
    html = listed(client, **query)
    return {part.split('"', 1)[0] for part in html.split('id="in-register-')[1:]}


def download(client, name, slug=None):
    url = (
        reverse("register:response_data", kwargs={"slug": slug, "name": name})
        if slug
        else reverse("register:data", kwargs={"name": name})
    )
    answer = client.get(url)
    assert answer.status_code == 200, (url, answer.status_code)
    return b"".join(answer.streaming_content)


def read_csv(data: bytes):
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


# --- Who is in it ------------------------------------------------------------------------------


def test_anyone_sees_the_published_responses_and_nothing_else(client, db):
    published = small_response(slug="gepubliceerd")
    publish_version(published)
    small_response(slug="ontwerp", status="draft")
    small_response(slug="zonder-versie")  # marked published by hand, before versions existed: nothing frozen
    taken_back = small_response(slug="ingetrokken")
    publish_version(taken_back)
    withdraw(response=taken_back, user=None, reason="Fout in de cijfers.")

    answer = client.get(reverse("register:index"))

    assert answer.status_code == 200
    assert slugs_listed(client) == {"gepubliceerd"}
    html = answer.content.decode()
    assert reverse("document:detail", kwargs={"slug": "gepubliceerd"}) in html
    assert reverse("responses:version_pdf", kwargs={"slug": "gepubliceerd", "number": 1}) in html


def test_a_withdrawn_response_leaves_the_register_its_feed_and_its_data(client, db):
    response = small_response(slug="ingetrokken", title="Ingetrokken response")
    publish_version(response)
    assert slugs_listed(client) == {"ingetrokken"}

    withdraw(response=response, user=None, reason="Fout in de cijfers.")

    assert slugs_listed(client) == set()
    assert b"Ingetrokken response" not in client.get(reverse("register:feed")).content
    assert b"ingetrokken" not in download(client, "responses.csv")
    assert client.get(reverse("register:response_data", args=["ingetrokken", "register.json"])).status_code == 404
    # Published again (a new version): back in the register.
    publish_version(response, note="Gecorrigeerd")
    assert slugs_listed(client) == {"ingetrokken"}


def test_the_register_shows_the_latest_published_version_never_unpublished_edits(client, db):
    response = small_response(slug="stand", title="Titel zoals gepubliceerd")
    publish_version(response)
    rec = Recommendation.objects.get(response=response)
    rec.agreement = "disagree"
    rec.justification = "Niet haalbaar."
    rec.save()
    response.title = "Titel na de publicatie"
    response.save()

    html = listed(client)
    assert "Titel zoals gepubliceerd" in html
    assert "Titel na de publicatie" not in html
    assert slugs_listed(client, agreement="agree") == {"stand"}
    assert slugs_listed(client, agreement="disagree") == set()

    publish_version(response, note="Tweede versie")
    html = listed(client)
    assert "Titel na de publicatie" in html
    assert "Titel zoals gepubliceerd" not in html
    assert "versie 2, gepubliceerd op" in html
    assert slugs_listed(client, agreement="disagree") == {"stand"}


@pytest.mark.pdf
def test_a_version_published_through_the_service_enters_the_register(client, seed_response):
    from publishing.publish import publish

    publish(response=seed_response, note="Eerste publicatie")

    assert slugs_listed(client) == {seed_response.slug}
    feed = client.get(reverse("register:feed")).content.decode()
    assert "Gepubliceerd: Managementresponse evaluatieopdracht leerecosystemen" in feed


# --- Search, filters, pages ------------------------------------------------------------------


@pytest.fixture
def three(db):
    a = small_response(slug="a", title="Leerecosystemen", organisation="Europa WSE")
    b = small_response(slug="b", title="Digitale inclusie", organisation="UNDP")
    c = small_response(slug="c", title="Waterbeheer", organisation="UNDP")
    Recommendation.objects.filter(response=b).update(text="Investeer in *bibliotheken* als digitale knooppunten.")
    Recommendation.objects.filter(response=c).update(agreement="partially_agree", justification="Budget.")
    for response in (a, b, c):
        publish_version(response)
    return a, b, c


def test_the_search_finds_words_in_title_organisation_and_text(client, three):
    assert slugs_listed(client, q="leerecosystemen") == {"a"}
    assert slugs_listed(client, q="undp") == {"b", "c"}
    assert slugs_listed(client, q="Bibliotheken") == {"b"}  # in a recommendation's text, any case
    assert slugs_listed(client, q="undp digitale") == {"b"}  # every word must be found
    assert slugs_listed(client, q="geenenkeletreffer") == set()
    assert "Geen gepubliceerde managementresponses die aan deze zoekopdracht voldoen" in listed(client, q="xyzzy")


def test_the_filters_narrow_by_organisation_year_agreement_and_implementation(client, three):
    this_year = timezone.localdate().year
    assert slugs_listed(client, organisation="UNDP") == {"b", "c"}
    assert slugs_listed(client, year=str(this_year)) == {"a", "b", "c"}
    assert slugs_listed(client, year=str(this_year - 1)) == set()
    assert slugs_listed(client, agreement="partially_agree") == {"c"}
    assert slugs_listed(client, agreement="agree") == {"a", "b"}
    assert slugs_listed(client, implementation="in_progress") == {"a", "b", "c"}
    assert slugs_listed(client, implementation="implemented") == set()
    assert slugs_listed(client, organisation="UNDP", agreement="agree") == {"b"}
    assert slugs_listed(client, agreement="misschien") == {"a", "b", "c"}  # an unknown value is no filter


def test_the_page_shows_counts_in_words_and_offers_the_options_it_can_filter_on(client, three):
    html = listed(client)
    assert "1 aanbeveling" in html
    assert "Gedeeltelijk akkoord</span>: 1" in html
    assert '<option value="UNDP">UNDP</option>' in html
    assert '<option value="partially_agree">gedeeltelijk akkoord</option>' in html


def test_htmx_gets_the_results_only_and_the_links_keep_the_filters(client, db):
    for index in range(23):
        publish_version(small_response(slug=f"r{index:02}", organisation="UNDP"))

    fragment = client.get(reverse("register:index"), {"organisation": "UNDP"}, headers={"HX-Request": "true"})

    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="register-resultaten">')
    assert "<form" not in html
    assert "organisation=UNDP&amp;page=2" in html
    assert len(slugs_listed(client, organisation="UNDP", page="2")) == 3


def test_the_register_page_works_in_english(client, db):
    publish_version(small_response())
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = listed(client)
    assert "Register of published management responses" in html
    assert "Search in title, organisation and text" in html


# --- The feed --------------------------------------------------------------------------------


def test_the_feed_announces_new_publications_and_new_versions(client, db):
    first = small_response(slug="eerste", title="Eerste response")
    publish_version(first, note="Eerste publicatie")
    publish_version(first, note="Acties bijgewerkt")
    publish_version(small_response(slug="tweede", title="Tweede response"))
    small_response(slug="ontwerp", title="Ontwerpresponse", status="draft")

    answer = client.get(reverse("register:feed"))

    assert answer["Content-Type"].startswith("application/atom+xml")
    feed = answer.content.decode()
    assert feed.count("<entry>") == 3
    assert "Gepubliceerd: Eerste response" in feed
    assert "Nieuwe versie 2: Eerste response" in feed
    assert "Acties bijgewerkt" in feed
    assert "Gepubliceerd: Tweede response" in feed
    assert "Ontwerpresponse" not in feed
    assert reverse("responses:version_pdf", kwargs={"slug": "eerste", "number": 2}) in feed
    assert client.post(reverse("register:feed")).status_code == 405


# --- Open data -------------------------------------------------------------------------------


def validate(folder: Path):
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, report.flatten(["type", "note"])
    return report


@pytest.fixture
def seed_and_matrix(seed_response):
    publish_version(seed_response)
    matrix = import_file(DATA / "uneg-matrix.yaml")
    publish_version(matrix)
    return seed_response, matrix


def test_the_open_data_package_of_the_register_validates_with_frictionless(client, seed_and_matrix, tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(download(client, "open-data.zip")))
    archive.extractall(tmp_path)
    folder = tmp_path / "managementresponse-register"
    assert sorted(path.name for path in folder.iterdir()) == sorted(opendata.FILES)

    report = validate(folder)

    assert {task.name: task.stats["rows"] for task in report.tasks} == {
        "responses": 2,
        "recommendations": Recommendation.objects.count(),
        "actions": report.tasks[2].stats["rows"],
        "links": report.tasks[3].stats["rows"],
        "progress": report.tasks[4].stats["rows"],
    }


def test_the_seeds_open_data_says_what_the_document_says(client, seed_and_matrix):
    seed, _matrix = seed_and_matrix
    recommendations = read_csv(download(client, "recommendations.csv", seed.slug))
    assert len(recommendations) == seed.recommendations.count() == 19
    assert [r["agreement"] for r in recommendations].count("partially_agree") == 1
    assert {r["agreement_label"] for r in recommendations} == {"Akkoord", "Gedeeltelijk akkoord", ""}
    last = recommendations[-1]
    assert last["theme"] == "MONITORING VAN AANBOD EN EFFECTEN"
    assert last["agreement"] == "undecided"
    actions = {row["action"]: row for row in read_csv(download(client, "actions.csv", seed.slug))}
    assert actions["1"]["status"] == "realised"
    assert actions["1"]["status_label"] == "gerealiseerd"
    assert actions["1.1"]["status"] == "realised"
    assert actions["1.1"]["status_inherited"] == "true"
    assert actions["1.1"]["parent"] == "1"
    assert actions["4"]["status_note"] == "in 2025"
    links = read_csv(download(client, "links.csv", seed.slug))
    assert {"action": "5", "qualifier": "kennisdeling 4"}.items() <= next(
        row for row in links if row["qualifier"] == "kennisdeling 4"
    ).items()
    responses = read_csv(download(client, "responses.csv", seed.slug))
    assert [row["response"] for row in responses] == [seed.slug]
    assert responses[0]["evaluation_delivered_on"] == "2024-09-30"
    assert responses[0]["pdf_url"] == f"http://testserver/responses/{seed.slug}/versions/1/pdf/"
    assert client.get(responses[0]["pdf_url"]).content.startswith(b"%PDF")
    assert "p. 196-1967" in download(client, "recommendations.csv", seed.slug).decode()  # the author's typo, kept


def test_the_json_holds_the_same_rows_as_the_csv_files(client, seed_and_matrix):
    data = json.loads(download(client, "register.json"))
    for table in TABLES:
        rows = read_csv(download(client, f"{table.name}.csv"))
        assert len(data["tables"][table.name]) == len(rows), table.name
        assert list(data["tables"][table.name][0]) == table.names


def test_the_package_of_one_response_validates_and_holds_only_that_response(client, seed_and_matrix, tmp_path):
    _seed, matrix = seed_and_matrix
    archive = zipfile.ZipFile(io.BytesIO(download(client, "open-data.zip", matrix.slug)))
    archive.extractall(tmp_path)
    folder = tmp_path / f"managementresponse-{matrix.slug}"
    validate(folder)
    for table in TABLES:
        rows = read_csv((folder / f"{table.name}.csv").read_bytes())
        assert {row["response"] for row in rows} <= {matrix.slug}
    descriptor = json.loads((folder / "datapackage.json").read_text())
    assert descriptor["name"] == f"managementresponse-{matrix.slug}"
    # The document's words in the document's language (English here), beside the codes.
    recommendations = read_csv((folder / "recommendations.csv").read_bytes())
    assert [(r["agreement"], r["agreement_label"]) for r in recommendations] == [
        ("agree", "Accepted"),
        ("partially_agree", "Partially accepted"),
    ]
    actions = read_csv((folder / "actions.csv").read_bytes())
    assert ("in_progress", "Initiated") in [(a["status"], a["status_label"]) for a in actions]


def test_export_open_data_writes_the_package_into_a_folder(seed_and_matrix, tmp_path, settings):
    out = io.StringIO()
    call_command("export_open_data", "-o", str(tmp_path / "register"), stdout=out)
    assert "2 response(s) written" in out.getvalue()
    validate(tmp_path / "register")

    settings.SITE_URL = "https://mr.example.org"
    call_command("export_open_data", seed_and_matrix[0].slug, "-o", str(tmp_path / "seed"), stdout=io.StringIO())
    [row] = read_csv((tmp_path / "seed" / "responses.csv").read_bytes())
    assert row["document_url"] == "https://mr.example.org/responses/leerecosystemen/"

    with pytest.raises(CommandError, match="not in the register"):
        call_command("export_open_data", "bestaat-niet", "-o", str(tmp_path / "x"), stdout=io.StringIO())


def test_a_draft_or_unknown_response_has_no_open_data(client, db):
    small_response(slug="ontwerp", status="draft")
    for slug in ("ontwerp", "bestaat-niet"):
        assert client.get(reverse("register:response_data", args=[slug, "register.json"])).status_code == 404
    assert client.get(reverse("register:data", args=["geheim.txt"])).status_code == 404


def test_a_validation_column_would_be_one_line_in_one_place():
    """The columns are defined once: the CSV header, the JSON keys and the table schema follow them."""
    schema = opendata.descriptor()
    for table, resource in zip(TABLES, schema["resources"], strict=True):
        assert [field["name"] for field in resource["schema"]["fields"]] == table.names


# --- No draft content in any public output -----------------------------------------------------

SECRETS = [
    "ONTWERPTITELGEHEIM",
    "ONTWERPAANBEVELINGGEHEIM",
    "ONTWERPACTIEGEHEIM",
    "ONTWERPVOORTGANGGEHEIM",
    "NIETGEPUBLICEERDEWIJZIGING",
    "NIETGEPUBLICEERDEACTIE",
    "NIETGEPUBLICEERDEVOORTGANG",
    "NIETGEPUBLICEERDETITEL",
    "INGETROKKENGEHEIM",
    "ONTWERPMETVERSIEGEHEIM",
]


@pytest.fixture
def with_secrets(db, django_user_model):
    """A draft full of unique words, a published response edited after its publication with others,
    a withdrawn one, and a published one without edits (whose words must show, so that the search
    can fail)."""
    draft = small_response(slug="ontwerp", status="draft", title="Ontwerp ONTWERPTITELGEHEIM")
    RecommendationFactory(theme__group__response=draft, text="Doe iets ONTWERPAANBEVELINGGEHEIM.", agreement="agree")
    draft_action = ActionFactory(response=draft, number="7", title="ONTWERPACTIEGEHEIM", status="to_start")
    ProgressUpdateFactory(action=draft_action, note="ONTWERPVOORTGANGGEHEIM")

    edited = small_response(slug="bewerkt", title="Bewerkte response ZICHTBAARGEPUBLICEERD")
    publish_version(edited)
    rec = Recommendation.objects.get(response=edited)
    rec.text = "Versterk de monitoring NIETGEPUBLICEERDEWIJZIGING."
    rec.save()
    edited.title = "NIETGEPUBLICEERDETITEL"
    edited.save()
    action = ActionFactory(response=edited, number="9", title="NIETGEPUBLICEERDEACTIE", status="realised")
    ProgressUpdateFactory(action=action, note="NIETGEPUBLICEERDEVOORTGANG")

    other = small_response(slug="gewoon", title="Gewone response ZICHTBAARTWEEDE")
    publish_version(other)
    taken_back = small_response(slug="ingetrokken", title="Ingetrokken INGETROKKENGEHEIM")
    publish_version(taken_back)
    withdraw(response=taken_back, user=None, reason="Fout.")
    # A draft with a frozen version (set back to draft by hand): still a draft, never in the register.
    back_to_draft = small_response(slug="terug-naar-ontwerp", title="ONTWERPMETVERSIEGEHEIM")
    publish_version(back_to_draft)
    ManagementResponse.objects.filter(pk=back_to_draft.pk).update(status="draft")
    # Also a member of the draft cannot bring it into the register.
    member = make_user(django_user_model, "lid")
    from tests.fixtures import grant

    grant(member, draft, "evaluation_staff")
    return member


def public_outputs(client, tmp_path):
    """Every public page, feed and file of the register, as text."""
    outputs = {}
    index = reverse("register:index")
    queries = [{}, {"q": "geheim"}, {"q": "ontwerp"}, {"q": "nietgepubliceerde"}, {"organisation": "Europa WSE"}]
    queries += [{"agreement": code} for code in ("agree", "undecided", "partially_agree", "disagree")]
    queries += [{"implementation": code} for code in ("in_progress", "not_started", "implemented", "no_action")]
    queries += [{"year": str(timezone.localdate().year)}]
    for query in queries:
        outputs[f"page {query}"] = client.get(index, query).content.decode()
        outputs[f"fragment {query}"] = client.get(index, query, headers={"HX-Request": "true"}).content.decode()
    outputs["feed"] = client.get(reverse("register:feed")).content.decode()
    for slug in (None, "bewerkt", "gewoon"):
        for name in opendata.FILES:
            outputs[f"{slug} {name}"] = download(client, name, slug).decode()
        archive = zipfile.ZipFile(io.BytesIO(download(client, "open-data.zip", slug)))
        for member in archive.namelist():
            outputs[f"{slug} zip {member}"] = archive.read(member).decode()
    call_command("export_open_data", "-o", str(tmp_path / "cmd"), stdout=io.StringIO())
    for path in (tmp_path / "cmd").iterdir():
        outputs[f"command {path.name}"] = path.read_text()
    return outputs


@pytest.mark.parametrize("who", ["anonymous", "member of the draft"])
def test_no_draft_content_and_no_unpublished_edit_is_in_any_public_output(client, with_secrets, tmp_path, who):
    if who != "anonymous":
        client.force_login(with_secrets)
    outputs = public_outputs(client, tmp_path)

    leaks = [
        (name, secret) for name, text in outputs.items() for secret in SECRETS if secret.casefold() in text.casefold()
    ]
    assert leaks == []
    # The search itself works: what was published is found, in every kind of output.
    assert "ZICHTBAARGEPUBLICEERD" in outputs["page {}"]
    assert "ZICHTBAARTWEEDE" in outputs["page {}"]
    assert "ZICHTBAARGEPUBLICEERD" in outputs["feed"]
    assert "ZICHTBAARGEPUBLICEERD" in outputs["None responses.csv"]
    assert "ZICHTBAARGEPUBLICEERD" in outputs["command register.json"]
    assert "Versterk de monitoring." in outputs["bewerkt recommendations.csv"]
    assert len(outputs) > 60
    for slug in ("ontwerp", "ingetrokken", "terug-naar-ontwerp"):
        for name in (*opendata.FILES, "open-data.zip"):
            assert client.get(reverse("register:response_data", args=[slug, name])).status_code == 404


# --- Bounded work ----------------------------------------------------------------------------


def many(size):
    for index in range(size):
        response = ManagementResponseFactory(slug=f"r{index:03}")
        RecommendationFactory(theme__group__response=response, agreement="agree")
        ActionFactory(response=response, number="1")
        publish_version(response)


@pytest.mark.parametrize("size", [10, 200])
def test_the_register_page_costs_the_same_whatever_the_number_of_responses(client, db, django_assert_num_queries, size):
    many(size)
    entries.ensure_entries(entries.latest_published_versions(), limit=None)
    # the missing entries (none); the count; the page; the organisations; the years -> 5
    with django_assert_num_queries(5):
        answer = client.get(reverse("register:index"), {"q": "evaluatie"})
    assert len(slugs_listed(client)) == min(size, 20)
    with django_assert_num_queries(5):  # the last page: the same
        client.get(reverse("register:index"), {"page": "last"})
    assert answer.status_code == 200


@pytest.mark.parametrize("size", [10, 200])
def test_a_request_builds_a_bounded_number_of_entries_with_the_same_queries(
    client, db, django_assert_num_queries, size
):
    many(size)
    # the missing versions; delete their old entries, insert the new (+ savepoint and release);
    # the count of those still missing when the batch was full; then the page's 4 -> 10 at most
    with django_assert_num_queries(10 if size > entries.PER_REQUEST else 9):
        html = client.get(reverse("register:index")).content.decode()
    assert Entry.objects.count() == min(size, entries.PER_REQUEST)
    if size > entries.PER_REQUEST:
        assert f"nog {size - entries.PER_REQUEST} publicaties volgen" in html
        # The open data would be incomplete: it says so instead.
        answer = client.get(reverse("register:data", args=["responses.csv"]))
        assert answer.status_code == 503
        assert answer["Retry-After"] == "60"


@pytest.mark.parametrize("size", [10, 200])
def test_the_open_data_and_the_feed_cost_the_same_whatever_the_number_of_responses(
    client, db, django_assert_num_queries, size
):
    many(size)
    entries.ensure_entries(entries.latest_published_versions(), limit=None)
    # the missing entries (none); the rows of the file, streamed -> 2
    with django_assert_num_queries(2):
        rows = read_csv(download(client, "actions.csv"))
    assert len(rows) == size
    # the missing entries; one per table for its CSV and one per table for the JSON, streamed -> 11
    with django_assert_num_queries(11):
        download(client, "open-data.zip")
    entries.ensure_entries(entries.published_versions(), limit=None)
    # the missing entries of the newest 50 (none); the items -> 2
    with django_assert_num_queries(2):
        feed = client.get(reverse("register:feed")).content.decode()
    assert feed.count("<entry>") == min(size, 50)


def test_entries_of_an_older_schema_are_built_again(client, db, monkeypatch):
    publish_version(small_response(slug="oud", title="Oude titel"))
    entries.ensure_entries(entries.latest_published_versions())
    Entry.objects.update(title="Zoals een vorige versie van de extractie het schreef")

    assert "Zoals een vorige versie" in listed(client)  # an entry is never rebuilt for nothing
    monkeypatch.setattr(entries, "SCHEMA", entries.SCHEMA + 1)
    html = listed(client)

    assert "Oude titel" in html
    assert "Zoals een vorige versie" not in html
    assert list(Entry.objects.values_list("schema", flat=True)) == [entries.SCHEMA]


def test_the_actions_validation_state_is_published_and_counts_as_the_pages_count_it(client, db):
    """A realisation that awaits evaluation staff's validation is published as such, and its
    recommendation is still in progress (Recommendation.implementation_state); validated, implemented."""
    response = small_response(slug="validatie")
    Action.objects.filter(response=response, number="1").update(status="realised", validation_state="awaiting")
    publish_version(response)

    [action, part] = read_csv(download(client, "actions.csv", "validatie"))
    assert (action["status"], action["validation"]) == ("realised", "awaiting")
    assert part["validation"] == "awaiting"  # the part inherits its action's status, and its validation
    [rec] = read_csv(download(client, "recommendations.csv", "validatie"))
    assert rec["implementation"] == "in_progress"
    assert (
        rec["implementation"]
        == Recommendation.objects.with_implementation().get(response=response).implementation_state
    )

    Action.objects.filter(response=response, number="1").update(validation_state="validated")
    publish_version(response, note="Gevalideerd")
    [rec] = read_csv(download(client, "recommendations.csv", "validatie"))
    assert rec["implementation"] == "implemented"
