"""Today's introduction is the first chapter (issue 20): by a migration for the responses that
exist, on import for the files that still carry ``introduction`` (versions 1 to 3), and from the
start for a blank response in the table layout. Exports no longer write the field."""

import datetime
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from interchange.exporter import export_response
from interchange.importer import import_file
from interchange.parse import parse
from responses.models import ManagementResponse
from tests.factories import introduction_of

DATA = Path(__file__).parent / "data"
BEFORE = [("responses", "0014_chapters_cover_vocabulary_columns")]
AFTER = [("responses", "0016_remove_introduction")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_makes_each_introduction_the_first_chapter_and_back():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Response = old.get_model("responses", "ManagementResponse")
    History = old.get_model("responses", "HistoricalManagementResponse")

    def response(slug, **fields):
        return Response.objects.create(
            title=slug, slug=slug, organisation="Europa WSE", evaluation_title="Evaluatie", **fields
        )

    table = response("tabel", layout="table", language="nl", introduction="De **inleiding**.")
    english = response("table-en", layout="table", language="en", introduction="")
    matrix = response("matrix", layout="matrix", language="en", introduction="An introduction.")
    bare = response("matrix-leeg", layout="matrix", language="en", introduction="")
    annex = old.get_model("responses", "Chapter").objects.create(
        response=table, placement="after", heading="Bijlage", body="Tekst.", order=0
    )
    # The table's past: created with a first text, later changed to today's.
    day = timezone.now() - datetime.timedelta(days=10)
    for n, (kind, text, changes) in enumerate(
        [
            ("+", "Eerste versie.", {"title": [None, "tabel"], "introduction": [None, "Eerste versie."]}),
            ("~", "De **inleiding**.", {"introduction": ["Eerste versie.", "De **inleiding**."]}),
        ]
    ):
        History.objects.create(
            id=table.pk,
            title="tabel",
            slug="tabel",
            organisation="Europa WSE",
            evaluation_title="Evaluatie",
            layout="table",
            language="nl",
            introduction=text,
            updated_at=day,
            created_at=day,
            revision=1,
            history_date=day + datetime.timedelta(days=n),
            history_type=kind,
            history_response_id=table.pk,
            history_changes=changes,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Chapter = new.get_model("responses", "Chapter")

    def chapters(obj):
        return list(
            Chapter.objects.filter(response_id=obj.pk)
            .order_by("order", "pk")
            .values_list("placement", "heading", "body")
        )

    # Headed as the layout printed it, in the document's language; the table's even without text.
    assert chapters(table) == [("before", "I. Inleiding", "De **inleiding**."), ("after", "Bijlage", "Tekst.")]
    assert chapters(english) == [("before", "I. Introduction", "")]
    assert chapters(matrix) == [("before", "", "An introduction.")]
    assert chapters(bare) == []
    first = Chapter.objects.get(response_id=table.pk, order=0)
    assert "<strong>inleiding</strong>" in first.body_html["screen"]
    # The past follows: the chapter's records carry the introduction's, at their dates.
    past = new.get_model("responses", "HistoricalChapter").objects.filter(id=first.pk).order_by("history_date")
    assert [(r.history_type, r.body, r.history_date) for r in past] == [
        ("+", "Eerste versie.", day),
        ("~", "De **inleiding**.", day + datetime.timedelta(days=1)),
    ]
    assert past[1].history_changes == {"body": ["Eerste versie.", "De **inleiding**."]}
    records = new.get_model("responses", "HistoricalManagementResponse").objects.filter(id=table.pk)
    assert [r.history_changes for r in records.order_by("history_date")] == [{"title": [None, "tabel"]}, None]

    # And back: the first chapter returns into the introduction, the other chapters stay.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Response = old.get_model("responses", "ManagementResponse")
    assert Response.objects.get(pk=table.pk).introduction == "De **inleiding**."
    assert Response.objects.get(pk=matrix.pk).introduction == "An introduction."
    assert Response.objects.get(pk=english.pk).introduction == ""
    remaining = old.get_model("responses", "Chapter").objects.filter(response_id=table.pk)
    assert list(remaining.values_list("pk", "order")) == [(annex.pk, 0)]
    assert not old.get_model("responses", "Chapter").objects.filter(response_id__in=[matrix.pk, english.pk]).exists()
    History = old.get_model("responses", "HistoricalManagementResponse")
    assert [r.introduction for r in History.objects.filter(id=table.pk).order_by("history_date")] == [
        "Eerste versie.",
        "De **inleiding**.",
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_version_1_file_imports_its_introduction_as_the_first_chapter(db):
    response = import_file(DATA / "leerecosystemen-v1.yaml")
    intro = introduction_of(response)
    assert (intro.placement, intro.heading) == ("before", "I. Inleiding")
    assert intro.body.startswith("Deze ‘management response’ is een formele reactie")
    assert not hasattr(response, "introduction")


@pytest.mark.parametrize(
    ("layout", "language", "text", "expected"),
    [
        ("table", "nl", "Tekst.", [("before", "I. Inleiding", "Tekst.")]),
        ("table", "en", "", [("before", "I. Introduction", "")]),
        ("matrix", "en", "Text.", [("before", "", "Text.")]),
        ("matrix", "en", "", []),
    ],
)
@pytest.mark.parametrize("version", [2, 3])
def test_an_introduction_in_a_file_is_the_first_chapter_headed_as_the_layout_printed_it(
    db, layout, language, text, expected, version
):
    chapters = ""
    if version == 3:
        chapters = "  chapters:\n  - placement: after\n    heading: Annex\n    body: Closing.\n"
        expected = [*expected, ("after", "Annex", "Closing.")]
    data = (
        f"format: managementresponse/{version}\nresponse:\n  slug: s\n  title: T\n  organisation: O\n"
        f"  language: {language}\n  layout: {layout}\n  evaluation:\n    title: E\n"
        f"  introduction: '{text}'\n{chapters}...\n"
    )
    parsed = parse(data.encode(), "hand.yaml")
    assert [(c["placement"], c["heading"], c["body"]) for c in parsed.chapters] == expected
    assert "introduction" not in parsed.response


def test_an_export_writes_the_introduction_as_its_first_chapter(db):
    response = import_file(DATA / "leerecosystemen-v1.yaml")
    text = export_response(response)
    assert "introduction:" not in text
    assert "\n  chapters:\n  - placement: before\n    heading: I. Inleiding\n    body: |-\n" in text
    again = parse(text.encode(), "export.yaml")
    assert [c["heading"] for c in again.chapters] == ["I. Inleiding"]  # not a second one


def test_a_blank_table_response_starts_with_its_empty_introduction(client, evaluation_staff):
    client.force_login(evaluation_staff)
    fields = {"title": "Nieuwe respons", "organisation": "Europa WSE", "evaluation_title": "Evaluatie"}
    for layout in ("table", "matrix"):
        values = {**fields, "slug": "", "evaluation_delivered_precision": "day", "language": "nl", "layout": layout}
        data = {f"new-{k}": v for k, v in values.items()}
        data["new-title"] += f" {layout}"
        assert client.post(reverse("interchange:new"), data).status_code == 302
    table = ManagementResponse.objects.get(layout="table")
    assert list(table.chapters.values_list("heading", "body")) == [("I. Inleiding", "")]
    page = client.get(table.get_absolute_url()).content.decode()
    assert page.index("<h2>I. Inleiding</h2>") < page.index("II. Acties als antwoord op de aanbevelingen")
    assert not ManagementResponse.objects.get(layout="matrix").chapters.exists()
