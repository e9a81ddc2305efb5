"""The tracking table as XLSX and CSV: one row per recommendation-action link (and one for a
recommendation without actions), typed cells, the frozen header and the filter, UTF-8 with a BOM,
the pages' permissions, the dashboard's filters, a bound on the XLSX and a streamed CSV."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionLink
from office import table
from recommendations.models import Recommendation
from responses.models import ManagementResponse
from tests.factories import (
    ActionFactory,
    ActionLinkFactory,
    ManagementResponseFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    ThemeFactory,
)
from tests.fixtures import grant, make_user

LABELS = [str(column.label) for column in table.COLUMNS]


def column(key):
    return [c.key for c in table.COLUMNS].index(key)


def open_xlsx(data):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


def read_csv(data):
    """As Excel reads it: UTF-8 with its byte-order mark."""
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def streamed(http):
    assert http.streaming
    return b"".join(http.streaming_content)


@pytest.fixture
def tracked(db, django_user_model):
    """A response with a linked action that is overdue, owned, with a progress note; a second
    recommendation without actions; a text with accents and one that looks like a formula."""
    response = ManagementResponseFactory(slug="gevolgd", title="Opvolging café – één")
    theme = ThemeFactory(group__response=response, section="8.2.1", heading="GEPASTE LOOPTIJD")
    with_action = RecommendationFactory(
        theme=theme, number="1", location="p. 190", text="Zorg voor coöperatie en één visie.", agreement="agree"
    )
    RecommendationFactory(
        theme=theme,
        number="2",
        location="p. 191",
        text='=HYPERLINK("http://x")',
        agreement="partially_agree",
        justification="Deels.",
    )
    action = ActionFactory(
        response=response,
        number="3",
        title="Leertraject",
        time_frame="2025",
        status="in_progress",
        due_date=datetime.date(2025, 3, 31),
        responsible_units=["Team A", "Team B"],
    )
    owner = make_user(django_user_model, "olga", first_name="Olga", last_name="Peeters")
    action.owners.add(owner)
    ActionLinkFactory(recommendation=with_action, action=action, qualifier="spoor 1")
    second = ActionFactory(response=response, number="5", title="Verspreiden", status="realised")
    ActionLinkFactory(recommendation=with_action, action=second)
    ProgressUpdateFactory(action=action, note="Eerste sessie gehouden.", date=datetime.date(2025, 1, 10))
    return response


def test_xlsx_has_typed_columns_the_frozen_header_and_the_filter(client, tracked):
    http = client.get(reverse("office:table_xlsx", args=[tracked.slug]))
    assert http.status_code == 200
    assert http["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in http["Content-Disposition"]
    sheet = open_xlsx(http.content)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(LABELS))}4"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == LABELS
    assert all(cell.font.bold for cell in sheet[1])
    # Rows: recommendation 1 with each of its two actions, recommendation 2 without actions.
    assert [(r[column("recommendation_number")], r[column("action_number")]) for r in rows[1:]] == [
        ("1", "3 – spoor 1"),
        ("1", "5"),
        ("2", None),
    ]
    first = sheet[2]
    due = first[column("due_date")]
    assert due.is_date
    assert due.value == datetime.datetime(2025, 3, 31)  # noqa: DTZ001  (Excel has no time zones)
    assert first[column("overdue")].value is True
    assert first[column("overdue")].data_type == "b"
    assert sheet[3][column("overdue")].value is False
    assert first[column("agreement")].value == "Akkoord"
    assert first[column("status")].value == "in uitvoering"
    assert sheet[3][column("status")].value == "gerealiseerd"
    assert first[column("owners")].value == "Olga Peeters"
    assert first[column("units")].value == "Team A, Team B"
    assert first[column("latest_comment")].value == "Eerste sessie gehouden."
    assert first[column("text")].value == "Zorg voor coöperatie en één visie."
    assert first[column("theme")].value == "8.2.1 GEPASTE LOOPTIJD"
    # A text that looks like a formula is text, never a formula.
    formula_like = sheet[4][column("text")]
    assert formula_like.value == '=HYPERLINK("http://x")'
    assert formula_like.data_type == "s"
    assert sheet[4][column("justification")].value == "Deels."
    # Widths fit: the long text column is wider than the number column, long texts wrap.
    widths = sheet.column_dimensions
    text_letter = openpyxl.utils.get_column_letter(column("text") + 1)
    number_letter = openpyxl.utils.get_column_letter(column("recommendation_number") + 1)
    assert widths[text_letter].width > widths[number_letter].width
    assert first[column("text")].alignment.wrap_text


def test_csv_decodes_as_excel_would_with_its_accents(client, tracked):
    http = client.get(reverse("office:table_csv", args=[tracked.slug]))
    assert http.status_code == 200
    assert http["Content-Type"] == "text/csv; charset=utf-8"
    rows = read_csv(streamed(http))
    assert rows[0] == LABELS
    assert rows[1][column("response")] == "Opvolging café – één"
    assert rows[1][column("text")] == "Zorg voor coöperatie en één visie."
    assert rows[1][column("due_date")] == "2025-03-31"
    assert rows[1][column("overdue")] == "ja"
    # A value that a spreadsheet would run as a formula starts with an apostrophe.
    assert rows[3][column("text")] == '\'=HYPERLINK("http://x")'
    assert len(rows) == 4


def test_every_recommendation_of_the_seed_has_a_row_per_link_or_one_without(client, seed_response):
    rows = read_csv(streamed(client.get(reverse("office:table_csv", args=[seed_response.slug]))))[1:]
    recs = Recommendation.objects.filter(response=seed_response)
    links = ActionLink.objects.filter(action__response=seed_response).count()
    without = recs.filter(action_links=None).count()
    assert len(rows) == links + without
    # Texts as plain text: lists with bullets, not Markdown's hyphens.
    assert not any(r[column("text")].startswith(("-", "'")) for r in rows)
    assert any(r[column("text")].startswith("• ") for r in rows)
    # The undecided last recommendation: a row with no agreement.
    last = rows[-1]
    assert last[column("agreement")] == ""
    assert "3 – spoor 1 (systematisch leren)" in {r[column("action_number")] for r in rows}


def test_agreement_and_status_are_in_the_documents_words(client, tracked):
    tracked.language = "en"
    tracked.save()
    sheet = open_xlsx(client.get(reverse("office:table_xlsx", args=[tracked.slug])).content)
    assert sheet[2][column("agreement")].value == "Accepted"
    assert sheet[2][column("status")].value == "Initiated"
    assert sheet[4][column("agreement")].value == "Partially accepted"
    assert sheet[1][0].value == "Managementresponse"  # the header: the interface's language (Dutch)


def test_a_draft_table_is_not_found_for_others_and_readable_for_its_members(client, tracked, django_user_model):
    tracked.status = ManagementResponse.Status.DRAFT
    tracked.save()
    for name in ("office:table_xlsx", "office:table_csv", "office:docx"):
        assert client.get(reverse(name, args=[tracked.slug])).status_code == 404
    member = make_user(django_user_model, "lid")
    grant(member, tracked, "reader")
    client.force_login(member)
    for name in ("office:table_xlsx", "office:table_csv"):
        assert client.get(reverse(name, args=[tracked.slug])).status_code == 200


def test_the_dashboard_table_has_the_dashboards_selection(client, tracked, django_user_model):
    other = ManagementResponseFactory(organisation="Ander agentschap", title="Andere evaluatie")
    RecommendationFactory(theme__group__response=other, text="Aanbeveling van elders.")
    hidden = ManagementResponseFactory(status=ManagementResponse.Status.DRAFT, title="Geheim ontwerp")
    RecommendationFactory(theme__group__response=hidden, text="Niet voor iedereen.")
    assert client.get(reverse("office:dashboard_xlsx")).status_code == 302  # the dashboard needs a login
    client.force_login(make_user(django_user_model, "kijker"))
    rows = read_csv(streamed(client.get(reverse("office:dashboard_csv"))))[1:]
    assert {r[column("response")] for r in rows} == {"Opvolging café – één", "Andere evaluatie"}
    rows = read_csv(streamed(client.get(reverse("office:dashboard_csv") + "?organisation=Ander+agentschap")))[1:]
    assert {r[column("response")] for r in rows} == {"Andere evaluatie"}
    sheet = open_xlsx(client.get(reverse("office:dashboard_xlsx") + "?q=coöperatie").content)
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"Opvolging café – één"}
    # The dashboard links to both, with its filters.
    page = client.get(reverse("tracking:home") + "?organisation=Ander+agentschap").content.decode()
    assert reverse("office:dashboard_xlsx") + "?organisation=Ander+agentschap" in page


def test_an_xlsx_over_the_bound_is_refused_with_the_csv_offered(client, tracked, monkeypatch):
    monkeypatch.setattr(table, "MAX_XLSX_ROWS", 2)
    http = client.get(reverse("office:table_xlsx", args=[tracked.slug]))
    assert http.status_code == 422
    page = http.content.decode()
    assert "ten hoogste 2 rijen" in page
    assert reverse("office:table_csv", args=[tracked.slug]) in page
    assert len(read_csv(streamed(client.get(reverse("office:table_csv", args=[tracked.slug]))))) == 4


def _response_with(n):
    response = ManagementResponseFactory()
    theme = ThemeFactory(group__response=response)
    actions = [ActionFactory(response=response, due_date=datetime.date(2025, 1, 1)) for _i in range(3)]
    for i in range(n):
        rec = RecommendationFactory(theme=theme)
        if i % 2:
            ActionLinkFactory(recommendation=rec, action=actions[i % 3])
    for action in actions:
        ProgressUpdateFactory(action=action)
    return response


@pytest.mark.parametrize("n", [10, 200])
def test_the_table_costs_the_same_queries_at_10_and_200_rows(client, db, django_assert_max_num_queries, n):
    response = _response_with(n)
    # session-less anonymous GET: the response; recommendations; links with actions and parents;
    # owners; latest comments
    with django_assert_max_num_queries(5):
        http = client.get(reverse("office:table_csv", args=[response.slug]))
        rows = read_csv(streamed(http))
    assert len(rows) == n + 1


def test_export_table_writes_xlsx_and_csv_for_several_responses(tracked, seed_response, tmp_path):
    call_command("export_table", tracked.slug, seed_response.slug, "-o", str(tmp_path / "t.xlsx"))
    sheet = open_xlsx((tmp_path / "t.xlsx").read_bytes())
    titles = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles[0] == tracked.title
    assert titles[-1] == seed_response.title
    call_command("export_table", seed_response.slug, "-o", str(tmp_path / "t.csv"))
    rows = read_csv((tmp_path / "t.csv").read_bytes())
    assert {r[0] for r in rows[1:]} == {seed_response.title}
    with pytest.raises(CommandError, match=r"\.xlsx or \.csv"):
        call_command("export_table", tracked.slug, "-o", str(tmp_path / "t.ods"))
    with pytest.raises(CommandError, match="'nope'"):
        call_command("export_table", "nope", "-o", str(tmp_path / "t.csv"))


def test_overdue_is_judged_as_the_pages_judge_it(client, tracked):
    action = Action.objects.get(response=tracked, number="3")
    action.due_date = timezone.localdate()  # due today: not overdue yet
    action.save()
    sheet = open_xlsx(client.get(reverse("office:table_xlsx", args=[tracked.slug])).content)
    assert sheet[2][column("overdue")].value is False


@pytest.mark.parametrize("count", [2, 20])
def test_the_dashboards_table_costs_the_same_queries_for_2_and_20_responses(
    client, db, django_user_model, django_assert_max_num_queries, count
):
    for _i in range(count):
        _response_with(3)
    client.force_login(make_user(django_user_model, "telling", is_superuser=True))
    # session, user; the responses; recommendations; links with actions and parents; owners;
    # latest comments (one batch of up to 50 responses)
    with django_assert_max_num_queries(7):
        rows = read_csv(streamed(client.get(reverse("office:dashboard_csv"))))
    assert len(rows) == 3 * count + 1


def test_a_control_character_stored_before_the_rule_does_not_break_the_exports(client, tracked):
    # A row written around NormalisedText (as rows stored before it were): a vertical tab in a title.
    Action.objects.filter(response=tracked, number="3").update(title="Leer\x0btraject")
    sheet = open_xlsx(client.get(reverse("office:table_xlsx", args=[tracked.slug])).content)
    assert sheet[2][column("action_title")].value == "Leertraject"
    assert client.get(reverse("office:docx", args=[tracked.slug])).status_code == 200
