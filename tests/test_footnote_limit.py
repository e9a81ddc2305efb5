"""At most MAX_FOOTNOTES distinct footnotes in one text (core.richtext): hundreds of them do not print
within a render's bound (docs/pdf.md; benchmarks/README.md, "Footnotes"). Every write path that
takes Markdown refuses more with a clear message: forms (htmx too) and the admin next to the field,
the interchange import with the file's line, the Excel import with its row and column (in
tests/test_office_sheet.py, with the other bad files). A text at the limit prints within its bound.
"""

import time

import pytest
from django.urls import reverse

from core.richtext import MAX_FOOTNOTES, footnote_count
from document import pdf
from interchange.parse import InterchangeError, parse
from recommendations.models import Recommendation
from tests.factories import ManagementResponseFactory
from tests.fixtures import SEED
from tests.pageforms import form_on
from tests.test_responses_pdf import pdf_text

HTMX = {"HX-Request": "true"}
TOO_MANY = f"Te veel voetnoten: {MAX_FOOTNOTES + 1} verschillende; ten hoogste {MAX_FOOTNOTES} per tekst."


def with_notes(count, *, lead="Tekst."):
    """A text whose one sentence calls ``count`` distinct notes one after another (the layout that
    costs WeasyPrint most: benchmarks/footnotes.py)."""
    calls = "".join(f"[^{n}]" for n in range(count))
    notes = "\n".join(f"[^{n}]: Zie het evaluatierapport, hoofdstuk 8, p. {n + 1}." for n in range(count))
    return f"{lead}{calls}\n\n{notes}"


def test_footnotes_are_counted_once_each_and_only_when_called():
    text = "Een[^a] twee[^b] weer[^a].\n\n[^a]: A.\n[^b]: B.\n[^c]: Nooit opgeroepen."
    assert footnote_count(text) == 2
    assert footnote_count(with_notes(MAX_FOOTNOTES + 1)) == MAX_FOOTNOTES + 1
    assert footnote_count("Een [^x] zonder noot.") == 0


@pytest.fixture
def rec(seed_response):
    return Recommendation.objects.for_response(seed_response).order_by("pk").first()


def save_justification(client, rec, justification):
    url = reverse("recommendations:agreement", args=[rec.pk])
    data = {"agreement": "partially_agree", "justification": justification, "version": rec.version}
    return client.post(url, data, headers=HTMX)


def test_a_text_with_too_many_footnotes_is_refused_next_to_the_field_and_kept(client, evaluation_staff, rec):
    client.force_login(evaluation_staff)
    before = Recommendation.objects.values_list("justification", "version").get(pk=rec.pk)

    answer = save_justification(client, rec, with_notes(MAX_FOOTNOTES + 1))

    assert answer.status_code == 422
    html = answer.content.decode()
    error = html[html.index(f'id="id_rec{rec.pk}_justification_error"') :]
    assert TOO_MANY in error[: error.index("</")]
    assert f"[^{MAX_FOOTNOTES}]: Zie het evaluatierapport" in html  # the user's text is still in the field
    assert Recommendation.objects.values_list("justification", "version").get(pk=rec.pk) == before


def test_a_text_at_the_limit_is_saved(client, evaluation_staff, rec):
    client.force_login(evaluation_staff)
    assert save_justification(client, rec, with_notes(MAX_FOOTNOTES)).status_code == 200
    rec.refresh_from_db()
    assert footnote_count(rec.justification) == MAX_FOOTNOTES


def test_the_admin_shows_the_limit_next_to_the_field(admin_client, rec):
    url = reverse("admin:recommendations_recommendation_change", args=[rec.pk])
    data = form_on(admin_client, url, "justification")
    data["justification"] = with_notes(MAX_FOOTNOTES + 1)

    answer = admin_client.post(url, data)

    assert answer.status_code == 200  # the form again
    html = answer.content.decode()
    field = html[html.index('id="id_justification"') - 1500 : html.index('id="id_justification"')]
    assert TOO_MANY in field
    assert Recommendation.objects.get(pk=rec.pk).justification == rec.justification


def test_the_interchange_import_names_the_line_of_a_text_with_too_many_footnotes(db):
    seed = SEED.read_text(encoding="utf-8")
    old = next(line for line in seed.splitlines() if "text: Blijf een doordachte keuze maken" in line)
    number = seed.splitlines().index(old) + 1
    indent = old[: old.index("text:")]
    notes = with_notes(MAX_FOOTNOTES + 1, lead="Blijf een doordachte keuze maken.").replace("\n", "\\n")
    changed = seed.replace(old, f'{indent}text: "{notes}"', 1)

    with pytest.raises(InterchangeError) as refused:
        parse(changed.encode(), source="seed.yaml")

    assert any(
        error.startswith(f"seed.yaml:{number}: ")
        and error.endswith(
            f"text: te veel voetnoten ({MAX_FOOTNOTES + 1} verschillende; ten hoogste {MAX_FOOTNOTES} per tekst)."
        )
        for error in refused.value.errors
    ), refused.value.errors


@pytest.mark.pdf
def test_a_text_at_the_limit_prints_within_its_bound(db, settings, tmp_path):
    # A sixth of the production bound (180 s); on a quiet machine this takes about 1.5 s
    # (benchmarks/README.md, "Footnotes"), on one loaded 15 times over about ten times that.
    settings.PDF_RENDER_SECONDS = 30
    response = ManagementResponseFactory(introduction=with_notes(MAX_FOOTNOTES))
    began = time.monotonic()

    data = pdf.render_pdf(response)  # TooComplex past the bound

    assert time.monotonic() - began < settings.PDF_RENDER_SECONDS
    text = pdf_text(data, tmp_path).replace("\u200b", "")
    for n in range(MAX_FOOTNOTES):
        assert f"hoofdstuk 8, p. {n + 1}." in text  # every note printed
