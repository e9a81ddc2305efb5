"""UN-style responses (UNEG matrix): the model, interchange v2, the matrix layout, the PDF's order."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from actions.models import Action, ProgressUpdate
from document import pdf
from interchange.exporter import export_response
from interchange.importer import import_file
from interchange.parse import InterchangeError, parse
from recommendations.models import Recommendation
from responses.models import ManagementResponse
from tests.factories import ActionFactory, ActionLinkFactory, ManagementResponseFactory, RecommendationFactory
from tests.fixtures import SEED
from tests.test_responses_pdf import pdf_objects, pdf_text, words

DATA = Path(__file__).parent / "data"
MATRIX = DATA / "uneg-matrix.yaml"
SEED_V1 = DATA / "leerecosystemen-v1.yaml"


@pytest.fixture
def matrix_response(db):
    return import_file(MATRIX)


def un_response(size, *, language="en"):
    """A matrix response of ``size`` numbered recommendations without groups, two key actions each."""
    response = ManagementResponseFactory(layout="matrix", language=language)
    for n in range(1, size + 1):
        rec = Recommendation.objects.create(
            response=response,
            number=str(n),
            text=f"Recommendation text {n}.",
            agreement="agree",
            response_text=f"Response text {n}.",
            order=n,
        )
        for k in (1, 2):
            action = ActionFactory(
                response=response,
                number=f"{n}.{k}",
                title=f"Key action {n}.{k}",
                time_frame="Q3 2025",
                responsible_units=["Unit A", "Unit B"],
                status="in_progress",
            )
            ActionLinkFactory(recommendation=rec, action=action, order=k)
            ProgressUpdate.objects.create(action=action, status="in_progress", note=f"Comment {n}.{k}")
    return response


# --- the model ------------------------------------------------------------------------------


def test_a_recommendation_without_a_theme_belongs_to_its_response(db):
    response = ManagementResponseFactory()
    rec = Recommendation.objects.create(response=response, number="R3", text="Do better.")
    assert list(Recommendation.objects.for_response(response)) == [rec]
    assert rec.name == "Aanbeveling R3"
    assert rec.reference == "R3"


def test_a_recommendation_in_a_theme_takes_the_themes_response(db):
    rec = RecommendationFactory()
    assert rec.response_id == rec.theme.group.response_id


def test_a_recommendation_without_number_or_location_is_named_by_its_first_words(db):
    rec = RecommendationFactory(location="", text="**Strengthen** the results framework of the office now and later on")
    assert rec.reference == "Strengthen the results framework of the office now and later…"
    assert "·" not in str(rec.name)
    # The words are kept per text (recommendations.models.first_words): a new text, new words.
    rec.text = "Broaden the partnership base"
    assert rec.reference == "Broaden the partnership base"


def test_agreement_and_status_print_in_the_documents_vocabulary(db):
    rec = RecommendationFactory(agreement="partially_agree")
    action = ActionFactory(status="realised")
    with translation.override("en"):
        assert (rec.agreement_document_label, action.status_document_label) == ("Partially accepted", "Completed")
    with translation.override("nl"):
        assert (rec.agreement_document_label, action.status_document_label) == ("Gedeeltelijk akkoord", "gerealiseerd")


def test_a_delivery_date_may_be_a_month(matrix_response):
    assert matrix_response.evaluation_delivered_precision == "month"
    page = matrix_response.get_absolute_url()
    assert matrix_response.evaluation_delivered_format == "F Y"
    assert page


# --- interchange v2 -------------------------------------------------------------------------


def test_a_matrix_file_imports_with_numbers_responses_time_frames_units_and_progress(matrix_response):
    rec = Recommendation.objects.get(response=matrix_response, number="1")
    assert rec.theme is None
    assert rec.response_text.startswith("Management agrees")
    action = Action.objects.get(response=matrix_response, number="1.1")
    assert action.time_frame == "January–April 2025"
    assert action.responsible_units == ["Programme Management Support Unit", "Inclusive Governance"]
    assert str(action.starts_on) == "2025-01-06"
    update = action.progress_updates.get()
    assert (str(update.date), update.status, update.note, update.by) == (
        "2025-03-31",
        "in_progress",
        "Draft framework shared with partners.",
        "M. Okafor",
    )
    assert Action.objects.get(response=matrix_response, number="1.2").status == ""  # not reported yet


@pytest.mark.parametrize("path", [MATRIX, SEED], ids=["matrix", "table"])
def test_export_import_export_is_byte_identical_for_both_layouts(db, tmp_path, path):
    response = import_file(path)
    first = export_response(response)
    (tmp_path / "first.yaml").write_text(first, encoding="utf-8")
    call_command("import_response", str(tmp_path / "first.yaml"), "--replace")
    assert export_response(ManagementResponse.objects.get(slug=response.slug)) == first
    assert "delivered_on: 2025-02\n" in first or path == SEED


def test_a_version_1_file_still_imports_as_the_same_response(db):
    import_file(SEED_V1)
    # The same response, but for what version 1 had no place for: that the document gives one
    # agreement level without reasons (justification_not_in_source, written only when true).
    expected = SEED.read_text(encoding="utf-8").replace("      justification_not_in_source: true\n", "")
    assert export_response(ManagementResponse.objects.get()) == expected


def test_version_2_checks_its_new_keys_with_their_lines(db):
    text = MATRIX.read_text(encoding="utf-8")
    bad = (
        text.replace("layout: matrix", "layout: poster")
        .replace("delivered_on: 2025-02", "delivered_on: 2025-13")
        .replace("status: to_start", "status: inherited")
        .replace("- date: 2025-03-31", "- date: yesterday")
    )
    with pytest.raises(InterchangeError) as excinfo:
        parse(bad.encode(), source="un.yaml")
    errors = excinfo.value.errors
    assert any("response.layout: opmaak 'poster' is onbekend" in e for e in errors)
    assert any("delivered_on: '2025-13' is geen datum (schrijf JJJJ-MM-DD of JJJJ-MM)" in e for e in errors)
    assert any("actions[2].status: status 'inherited' is onbekend" in e for e in errors)
    assert any("progress[0].date: 'yesterday' is geen datum" in e for e in errors)
    assert all(re.match(r"un\.yaml:\d+: ", e) for e in errors)


def test_a_version_1_file_may_not_use_version_2_keys(db):
    text = SEED_V1.read_text(encoding="utf-8").replace("  language: nl\n", "  language: nl\n  layout: matrix\n")
    with pytest.raises(InterchangeError) as excinfo:
        parse(text.encode(), source="old.yaml")
    assert "onbekend veld 'layout'" in excinfo.value.errors[0]


# --- the matrix layout: page and PDF ------------------------------------------------------


def test_matrix_page_prints_each_recommendation_with_its_response_and_key_actions(client, matrix_response, reader):
    client.force_login(reader)
    page = client.get(matrix_response.get_absolute_url()).content.decode()
    assert "RECOMMENDATION 1." in page
    assert "RECOMMENDATION 2." in page
    assert "Management response: <strong>Accepted</strong>" in page
    assert "Management response: <strong>Partially accepted</strong>" in page
    for header in ["Key action(s)", "Time frame", "Responsible unit(s)", "Tracking*: Comments", "Status"]:
        assert f">{header}</th>" in page
    # One unit per line (a name may hold a comma).
    assert "Programme Management Support Unit<br>Inclusive Governance" in page
    assert "Draft framework shared with partners." in page
    assert page.index("RECOMMENDATION 1.") < page.index("1.1 Revise") < page.index("RECOMMENDATION 2.")
    assert "February 2025" in page  # the month the original gives
    assert "II. Acties" not in page
    assert "III." not in page


@pytest.mark.parametrize("size", [10, 200])
def test_matrix_page_query_count_does_not_grow(client, db, django_assert_num_queries, size):
    response = un_response(size)
    # 2 response (its key columns for the cached part's key, then on this miss the rest of the
    # row), 1 actions (with parts), 1 their latest comments, 1 groups, 1 themes (none),
    # 1 recommendations, 1 their links, 1 published versions, and for the fragments rendered
    # now (all, on a first visit) 1 stored HTML of their recommendations and 1 of their actions,
    # 1 sub-recommendations, 1 chapters, 1 the documents it was read from (document/panels.py)
    with django_assert_num_queries(14):
        page = client.get(response.get_absolute_url())
    assert page.content.decode().count('class="matrix-rec"') == size
    # Again: the document part from the cache by the response's revision: the response's key
    # columns, its published versions and the documents it was read from, nothing of the document's rows.
    with django_assert_num_queries(3):
        page = client.get(response.get_absolute_url())
    assert page.content.decode().count('class="matrix-rec"') == size


@pytest.mark.pdf
def test_matrix_pdf_reads_recommendation_response_then_its_actions_in_order(matrix_response, tmp_path):
    data = pdf.render_pdf(matrix_response)
    text = " ".join(words(pdf_text(data, tmp_path)))
    expected = [
        "recommendation 1",
        "strengthen the results framework",
        "management response accepted",
        "management agrees and will revise",
        "key action s",
        "1 1 revise the results framework",
        "january april 2025",
        "programme management support unit inclusive governance",
        "draft framework shared with partners",
        "initiated",
        "1 2 train staff",
        "q3 2025",
        "human resources",
        "recommendation 2",
        "broaden the partnership base",
        "management response partially accepted",
        "2 1 set up a partnership strategy",
        "in 2025",
        "partnerships unit resident representative office",
        "not initiated",
        "implementation is tracked in the database of country office",
    ]
    at = 0
    for phrase in expected:
        found = text.find(phrase, at)
        assert found >= 0, (phrase, text[at : at + 300])
        at = found + len(phrase)


@pytest.mark.pdf
def test_both_layouts_give_every_pdf_header_cell_its_scope(matrix_response):
    objects = pdf_objects(pdf.render_pdf(matrix_response))
    # Two key-action tables: five column headers each, and a row header per key action.
    assert objects.count(b"/Scope /Column") == 10
    assert objects.count(b"/Scope /Row") >= 3
    assert objects.count(b"/Scope /Column") + objects.count(b"/Scope /Row") == objects.count(b"/S /TH/")


# --- small things -------------------------------------------------------------------------


def test_favicon_ico_is_served(client, db):
    answer = client.get("/favicon.ico")
    assert answer.status_code == 301
    assert answer["Location"].endswith("img/favicon.ico")


def test_the_table_names_a_recommendation_without_location_by_its_number(client, db):
    rec = RecommendationFactory(location="", number="4", theme__group__response__status="published")
    page = client.get(rec.response.get_absolute_url()).content.decode()
    assert "(geen)" not in page
    assert 'title="Aanbeveling openen">4</a>' in page


def test_the_link_picker_gives_numbers_and_locations(client, project_member):
    action = ActionFactory()
    RecommendationFactory(theme__group__response=action.response, location="p. 12", number="")
    Recommendation.objects.create(response=action.response, number="R3", text="Ungrouped recommendation text.")
    client.force_login(project_member)
    page = client.get(reverse("actions:link_add", args=[action.pk])).content.decode()
    assert "p. 12 · Aanbeveling nummer" in page
    assert "Aanbeveling R3 · Ungrouped recommendation text." in page


def test_an_undecided_recommendation_says_so_on_the_matrix_page(client, matrix_response, reader):
    Recommendation.objects.filter(response=matrix_response, number="2").update(agreement="")
    client.force_login(reader)
    page = client.get(matrix_response.get_absolute_url()).content.decode()
    assert "Management response: <strong>not decided yet</strong>" in page
