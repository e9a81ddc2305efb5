"""The formal response as PDF: what the document says, where its footnotes sit, what it may load, its cache.

The PDFs are read back with pdftotext (Debian's poppler-utils, installed by scripts/test).
"""

import collections
import contextlib
import difflib
import html
import re
import subprocess
import sys
import threading
import unicodedata
import urllib.request
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from actions.models import Action, ActionLink
from core.richtext import plain
from document import pdf
from recommendations.models import Recommendation
from responses.models import ManagementResponse
from tests.factories import ActionFactory, ManagementResponseFactory, RecommendationFactory
from tests.fixtures import SEED, SEED_TEXT
from tests.test_responses_pages import response_with

# Every test here is about the PDF, most render one: they run once, on PostgreSQL (scripts/test).
pytestmark = pytest.mark.pdf

# --- reading PDFs ------------------------------------------------------------------------


def pdf_text(data: bytes, tmp_path: Path, *, page: int | None = None) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def page_count(data: bytes, tmp_path: Path) -> int:
    return pdf_text(data, tmp_path).count("\f")


def words(text: str) -> list[str]:
    """Lower-case word tokens; hyphens dropped, as pdftotext joins a word broken at its hyphen."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "").replace("-", "")
    return [w.lower() for w in re.findall(r"\w+", text)]


def contains_run(text: str, phrase: str) -> bool:
    """The phrase's words, in order and next to each other, somewhere in the text."""
    return f" {' '.join(words(phrase))} " in f" {' '.join(words(text))} "


def pdf_objects(data: bytes) -> bytes:
    """The PDF with its compressed streams (object streams included) inflated, to look for keys."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(data[match.end() :]))
    return b"\n".join(parts)


# The two figures of shared/tools/fidelity.py, with its token rules (URLs left out).
def fidelity_tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"https?://\S+", " ", text)
    return [w.lower() for w in re.findall(r"\w+", text)]


def fidelity(reference: str, generated: str) -> tuple[float, float]:
    ref, gen = fidelity_tokens(reference), fidelity_tokens(generated)
    ref_count, gen_count = collections.Counter(ref), collections.Counter(gen)
    bag = sum(min(n, gen_count[w]) for w, n in ref_count.items()) / len(ref)
    matcher = difflib.SequenceMatcher(None, ref, gen, autojunk=False)
    order = sum(b.size for b in matcher.get_matching_blocks()) / len(ref)
    return bag, order


def get_pdf(client, response, **headers):
    return client.get(reverse("document:pdf", args=[response.slug]), **headers)


# Tests that run the task worker commit for real: the worker closes its database connection
# after each task, which PostgreSQL cannot do inside a test's transaction.
WORKER = pytest.mark.django_db(transaction=True)


def run_worker():
    """The task worker, for real: runs every outstanding task (PDF renders) and exits."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def get_ready_pdf(client, response, **headers):
    """What a browser gets after the background render: first "being prepared" (202), then the PDF.

    A PDF already in the cache comes at once.
    """
    http = get_pdf(client, response, **headers)
    if http.status_code == 202:
        assert "ETag" not in http
        assert http["Retry-After"].isdigit()
        assert '<meta http-equiv="refresh"' in http.content.decode()
        run_worker()
        http = get_pdf(client, response, **headers)
        assert http.status_code != 202, "the worker left no PDF in the cache"
    return http


def get_when_ready(client, url, data=None, **headers):
    """Any PDF URL as a browser gets it: "being prepared" (202) until the task worker has run."""
    http = client.get(url, data, **headers)
    if http.status_code == 202:
        run_worker()
        http = client.get(url, data, **headers)
        assert http.status_code != 202, "the worker left no PDF in the cache"
    return http


# --- the seed document -------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_pdf(django_db_setup, django_db_blocker):
    """The seed document's PDF, rendered once for the tests below that only read it (a render
    takes seconds). The import it is made from is rolled back."""
    from django.db import transaction

    from interchange.importer import import_file

    with django_db_blocker.unblock(), transaction.atomic():
        data = pdf.render_pdf(import_file(SEED))
        transaction.set_rollback(True)
    return data


def test_seed_pdf_reproduces_the_real_documents_text_in_order(seed_pdf, tmp_path):
    bag, order = fidelity(SEED_TEXT.read_text(encoding="utf-8"), pdf_text(seed_pdf, tmp_path))
    assert bag >= 0.99
    assert order >= 0.95


def test_seed_pdf_shows_every_recommendation_action_and_status(seed_response, seed_pdf, tmp_path):
    text = pdf_text(seed_pdf, tmp_path)
    for header in [
        "I. Inleiding",
        "II. Acties als antwoord op de aanbevelingen",
        "III. Aanbevelingen en (re)acties Europa WSE",
        "Locatie rapport",
        "Aanbeveling",
        "Mate van akkoord vanuit Europa WSE",
        "Actienummer(s)",
    ]:
        assert contains_run(text, header), header
    recommendations = Recommendation.objects.for_response(seed_response)
    assert recommendations.count() == 19
    for rec in recommendations:
        assert contains_run(text, html.unescape(plain(rec.text))), rec.text[:60]
        assert contains_run(text, rec.location)
    for action in Action.objects.filter(response=seed_response):
        assert contains_run(text, f"{action.heading_label} {action.title}"), action.title
        if action.status:
            assert contains_run(text, f"Status: {action.status_line}"), action.number
    assert "Status: op te starten in 2025" in text
    assert contains_run(text, "1.1. Een vervolg voor het pilootprogramma via twee oproepen")
    assert contains_run(text, "Spoor 2: inspiratiedagen")
    assert contains_run(text, "Actie 3 – spoor 1 (systematisch leren)")
    assert "Gedeeltelijk akkoord" in " ".join(text.split())
    assert "nog niet bepaald" not in text  # the undecided recommendation's agreement cell stays empty


def test_seed_footnote_is_at_the_foot_of_the_page_of_its_call(seed_pdf, tmp_path):
    pages = page_count(seed_pdf, tmp_path)
    call_pages = [
        n
        for n in range(1, pages + 1)
        if contains_run(pdf_text(seed_pdf, tmp_path, page=n), "NAO core periphery governance model")
    ]
    assert len(call_pages) == 1
    page = pdf_text(seed_pdf, tmp_path, page=call_pages[0])
    assert contains_run(page, "Uit de evaluatie blijkt het Netwerk Administratieve Organisatie (NAO)")
    # Below the text that calls it, not inline.
    assert page.index("Uit de evaluatie blijkt") > page.index("governance model")


def test_seed_pdf_is_tagged_with_title_author_and_language(seed_pdf, tmp_path):
    path = tmp_path / "seed.pdf"
    path.write_bytes(seed_pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    assert re.search(r"^Title:\s+Managementresponse evaluatieopdracht leerecosystemen$", info, re.MULTILINE)
    assert re.search(r"^Author:\s+Europa WSE$", info, re.MULTILINE)
    assert re.search(r"^Page size:.*\(A4\)$", info, re.MULTILINE)
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, check=True, text=True).stdout
    assert 'pdfuaid:part="1"' in meta  # PDF/UA-1
    objects = pdf_objects(seed_pdf)
    assert b"/Lang (nl)" in objects
    assert b"/StructTreeRoot" in objects
    for tag in [b"/S /H1", b"/S /H2", b"/S /Table", b"/S /TH", b"/S /L", b"/S /Link"]:
        assert tag in objects, tag
    # Every header cell has its scope: the column heads (4, repeated on each page of the table) their
    # column, group and theme rows their rows.
    columns, rows = objects.count(b"/Scope /Column"), objects.count(b"/Scope /Row")
    assert columns + rows == objects.count(b"/S /TH/")
    assert columns >= 4
    assert columns % 4 == 0
    assert rows >= 3 + 14


def test_seed_pdf_embeds_its_own_font_and_loads_nothing_it_should_not(seed_response, tmp_path):
    fetcher = pdf.StaticFilesFetcher()
    data = pdf.render_pdf(seed_response, fetcher=fetcher)
    assert fetcher.refused == []
    path = tmp_path / "seed.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
    assert "Carlito" in fonts


def test_narrative_links_are_clickable(seed_pdf):
    objects = pdf_objects(seed_pdf)
    assert b"/URI (https://www.europawse.be/nieuws-en-publicaties/nieuwsberichten/leeraanbod-leerecosystemen" in objects


# --- footnotes on busy pages ---------------------------------------------------------------


def test_every_footnote_lands_on_the_page_of_its_call(db, tmp_path):
    """Forty notes called at all heights of the page (RECIPES.md: the @footnote px trap, widows)."""
    response = ManagementResponseFactory(introduction="")
    parent = ActionFactory(response=response, number="1", narrative="")
    filler = "Dit is een zin die de bladzijde vult en niets bijzonders zegt over het onderwerp. " * 9
    for part in range(10):
        paragraphs = []
        for k in range(4):
            n = part * 4 + k
            paragraphs.append(f"{filler[: 200 + 60 * k]} roep{n:02d}x[^n{n}] {filler[: 150 + 40 * part]}")
        notes = "\n\n".join(f"[^n{part * 4 + k}]: noot{part * 4 + k:02d}x hoort bij zijn oproep." for k in range(4))
        ActionFactory(
            response=response,
            parent=parent,
            number=f"1.{part + 1}",
            status="inherited",
            narrative="\n\n".join(paragraphs) + "\n\n" + notes,
        )
    data = pdf.render_pdf(response)
    seen = set()
    for page in range(1, page_count(data, tmp_path) + 1):
        text = pdf_text(data, tmp_path, page=page)
        calls = set(re.findall(r"roep(\d\d)x", text))
        notes = set(re.findall(r"noot(\d\d)x", text))
        assert calls == notes, f"page {page}: calls {sorted(calls)}, notes {sorted(notes)}"
        seen |= calls
    assert len(seen) == 40


# --- the PDF follows the database ----------------------------------------------------------


@WORKER
def test_changing_an_agreement_level_or_a_status_changes_the_next_export(client, seed_response, tmp_path):
    first = get_ready_pdf(client, seed_response)
    assert first.status_code == 200
    before = pdf_text(first.content, tmp_path)
    assert contains_run(before, "4. Toekomstig onderzoek en evaluatie Status: op te starten in 2025")

    rec = Recommendation.objects.get(agreement=Recommendation.Agreement.PARTIALLY_AGREE)
    rec.agreement = Recommendation.Agreement.DISAGREE
    rec.save()
    second = get_ready_pdf(client, seed_response)
    assert second["ETag"] != first["ETag"]
    text = " ".join(pdf_text(second.content, tmp_path).split())
    assert "Gedeeltelijk akkoord" not in text
    assert "Niet akkoord" in text

    action = Action.objects.get(response=seed_response, number="4")
    action.status, action.status_note = Action.Status.REALISED, ""
    action.save()
    third = get_ready_pdf(client, seed_response)
    assert third["ETag"] not in {first["ETag"], second["ETag"]}
    after = pdf_text(third.content, tmp_path)
    assert contains_run(after, "4. Toekomstig onderzoek en evaluatie Status: gerealiseerd")
    assert "op te starten in 2025" not in after


def test_labels_follow_the_documents_language(db):
    response = ManagementResponseFactory(language="en", organisation="Europa WSE")
    RecommendationFactory(theme__group__response=response)
    page = pdf.render_html(response)
    with translation.override("en"):
        english = translation.gettext("Locatie rapport")
    assert english != "Locatie rapport", "compile the translations first (scripts/test does)"
    assert english in page
    assert "Locatie rapport" not in page
    assert '<html lang="en">' in page


def test_a_draft_that_carries_a_date_shows_it_after_its_status_not_as_the_day_it_was_printed(db):
    """A draft read from its original keeps the original's date: "Ontwerp · 20 november 2024",
    not "afgedrukt op 20 november 2024" (it was printed today); a draft without one says when
    it was printed."""
    import datetime

    dated = ManagementResponseFactory(status="draft", published_on=datetime.date(2024, 11, 20))
    undated = ManagementResponseFactory(status="draft", published_on=None)

    def title_date(response):
        block = re.search(r'<p class="title-block__date">(.*?)</p>', pdf.render_html(response), re.S).group(1)
        return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", block)).split())

    assert title_date(dated) == "Ontwerp · 20 november 2024"
    today = timezone.localdate()
    assert title_date(undated) == f"Ontwerp · afgedrukt op {today.day} {_month(today)} {today.year}"


def _month(day):
    from django.utils.dateformat import format as date_format

    with translation.override("nl"):
        return date_format(day, "F")


# --- the page, the URL and the command -----------------------------------------------------


def test_the_document_page_has_a_pdf_button(client, seed_response):
    page = client.get(seed_response.get_absolute_url()).content.decode()
    assert f'href="{reverse("document:pdf", args=[seed_response.slug])}"' in page
    assert "Exporteer als PDF" in page


@WORKER
def test_pdf_url_returns_the_pdf_with_a_sensible_name(client, seed_response):
    http = get_ready_pdf(client, seed_response)
    assert http.status_code == 200
    assert http["Content-Type"] == "application/pdf"
    assert http.content.startswith(b"%PDF-1.7")
    today = timezone.localdate().isoformat()
    assert http["Content-Disposition"] == (
        f'inline; filename="managementresponse-evaluatieopdracht-leerecosystemen-{today}.pdf"'
    )
    assert http["Cache-Control"] == "public, no-cache"
    assert re.fullmatch(r'"[0-9a-f]{64}"', http["ETag"])


def test_export_pdf_command_writes_the_file(seed_response, tmp_path):
    target = tmp_path / "seed.pdf"
    call_command("export_pdf", seed_response.slug, "-o", str(target))
    assert target.read_bytes().startswith(b"%PDF-")
    call_command("export_pdf", seed_response.slug, "-o", str(tmp_path))
    assert (tmp_path / seed_response.pdf_filename()).read_bytes() == target.read_bytes()


def test_a_draft_pdf_is_not_found_for_anonymous_visitors(client, db):
    draft = ManagementResponseFactory(status=ManagementResponse.Status.DRAFT)
    assert get_pdf(client, draft).status_code == 404


def test_a_logged_in_user_without_a_role_gets_no_draft_pdf(client, outsider):
    draft = ManagementResponseFactory(status=ManagementResponse.Status.DRAFT)
    client.force_login(outsider)
    assert get_pdf(client, draft).status_code == 404


@WORKER
def test_readers_get_a_draft_pdf_that_shared_caches_must_not_keep(client, reader, tmp_path):
    draft = ManagementResponseFactory(status=ManagementResponse.Status.DRAFT)
    client.force_login(reader)
    http = get_ready_pdf(client, draft)
    assert http.status_code == 200
    assert http["Cache-Control"] == "private, no-cache"
    assert "ONTWERP" in pdf_text(http.content, tmp_path)  # a draft says so


def test_pdf_url_refuses_unsafe_methods(client, seed_response):
    assert client.post(reverse("document:pdf", args=[seed_response.slug])).status_code == 405


# --- the cache -----------------------------------------------------------------------------


@pytest.fixture
def renders(monkeypatch):
    """Counts real renders behind the cache."""
    calls = []
    real = pdf.render_pdf

    def counting(response, **kwargs):
        calls.append(response.slug)
        return real(response, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    return calls


@WORKER
def test_an_unchanged_response_is_served_from_the_cache(client, seed_response, renders):
    first = get_ready_pdf(client, seed_response)
    second = get_ready_pdf(client, seed_response)
    assert renders == [seed_response.slug]
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


@WORKER
def test_if_none_match_gets_304_without_rendering(client, seed_response, renders):
    etag = get_ready_pdf(client, seed_response)["ETag"]
    http = get_ready_pdf(client, seed_response, HTTP_IF_NONE_MATCH=etag)
    assert http.status_code == 304
    assert http.content == b""
    assert http["ETag"] == etag
    assert http["Cache-Control"] == "public, no-cache"
    assert renders == [seed_response.slug]
    assert get_ready_pdf(client, seed_response, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


@pytest.mark.parametrize(
    "edit",
    [
        "response_title",
        "introduction",
        "recommendation_text",
        "justification",
        "action_title",
        "part_narrative",
        "link_qualifier",
        "link_removed",
        "link_added",
    ],
)
def test_any_edit_to_the_response_invalidates_the_cached_pdf(seed_response, edit):
    etag = pdf.pdf_etag(seed_response)
    rec = Recommendation.objects.for_response(seed_response).first()
    link = ActionLink.objects.filter(recommendation__theme__group__response=seed_response).first()
    match edit:
        case "response_title":
            seed_response.title += " (herzien)"
            seed_response.save()
        case "introduction":
            intro = seed_response.chapters.first()
            intro.body += "\n\nEen extra alinea."
            intro.save()
        case "recommendation_text":
            rec.text += " Extra."
            rec.save()
        case "justification":
            rec.justification = "Omdat."
            rec.save()
        case "action_title":
            action = Action.objects.get(response=seed_response, number="2")
            action.title = "Nieuwe titel"
            action.save()
        case "part_narrative":
            part = Action.objects.get(response=seed_response, number="2.1")
            part.narrative = "Anders."
            part.save()
        case "link_qualifier":
            link.qualifier = "(deels)"
            link.save()
        case "link_removed":
            link.delete()
        case "link_added":
            ActionLink.objects.create(
                recommendation=rec, action=Action.objects.get(response=seed_response, number="4"), order=99
            )
    seed_response.refresh_from_db()
    assert pdf.pdf_etag(seed_response) != etag


@pytest.mark.parametrize("size", [10, 200])
def test_pdf_query_count_does_not_grow_with_the_response(client, db, django_assert_num_queries, size, tmp_path):
    response = response_with(size)
    # Not rendered yet: 1 response by slug; 1 to enqueue the background render.
    with django_assert_num_queries(2):
        assert get_pdf(client, response).status_code == 202
    # The render itself: the response; the document (actions, groups, themes, recommendations,
    # links, sub-recommendations, chapters; the table layout prints no progress comments, so none are read).
    response.refresh_from_db()  # its revision moved on with every row the factories made
    # Besides those, the render asks once a second whether the response moved on (``pdf.unchanged``):
    # one query per second of rendering, which grows with the render's time, not with a query per row.
    with CaptureQueriesContext(connection) as render:
        assert pdf.render_in_background(response.pk, pdf.pdf_etag(response))
    checks = [
        q for q in render.captured_queries if q["sql"].startswith('SELECT 1 AS "a"') and '"revision" =' in q["sql"]
    ]
    assert len(render.captured_queries) - len(checks) == 8, [q["sql"][:120] for q in render.captured_queries]
    # From the cache: the response by slug only (its revision is the key).
    with django_assert_num_queries(1):
        http = get_pdf(client, response)
    assert pdf_text(http.content, tmp_path).count("Aanbeveling nummer") == size
    with django_assert_num_queries(1):
        assert get_pdf(client, response, HTTP_IF_NONE_MATCH=http["ETag"]).status_code == 304


def test_weasyprint_is_not_imported_until_a_pdf_is_made():
    code = (
        "import django, sys; django.setup(); "
        "import document.pdf, config.urls; "
        "sys.exit(1 if 'weasyprint' in sys.modules else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "x", "TESTING": "1", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


# --- the fetcher: our static files, nothing else -------------------------------------------


@pytest.fixture
def recording_server():
    """An HTTP server on 127.0.0.1 that notes every request it gets."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            received.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.received = received
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def assert_server_works_but_was_not_asked(server):
    assert server.received == []
    with urllib.request.urlopen(f"{server.url}/probe", timeout=5) as answer:  # the server does record
        assert answer.status == 200
    assert server.received == ["/probe"]


def test_fetcher_refuses_local_files_and_every_host_in_raw_html(recording_server, tmp_path):
    from weasyprint import HTML

    url = recording_server.url
    raw = f"""<!doctype html><html><head><title>t</title>
      <link rel="stylesheet" href="{url}/linked.css">
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="attachment" href="file:///etc/passwd">
      <style>@import url("{url}/imported.css"); p {{ background: url("{url}/background.png") }}</style>
      </head><body><p>Hallo wereld</p>
      <img src="file:///etc/passwd" alt="">
      <img src="http://example.org/x.png" alt="">
      <img src="{url}/image.png" alt="">
      <img src="../../../../etc/passwd" alt="">
      <a href="file:///etc/passwd">link</a>
      </body></html>"""
    fetcher = pdf.StaticFilesFetcher()
    data = HTML(string=raw, base_url=pdf.STATIC_ORIGIN, url_fetcher=fetcher).write_pdf()

    assert data.startswith(b"%PDF")
    assert "Hallo wereld" in pdf_text(data, tmp_path)
    assert set(fetcher.refused) >= {
        f"{url}/linked.css",
        "file:///etc/passwd",
        f"{url}/imported.css",
        f"{url}/background.png",
        "http://example.org/x.png",
        f"{url}/image.png",
        f"{pdf.STATIC_ORIGIN}etc/passwd",
    }
    assert b"root:" not in pdf_objects(data)
    assert b"/EmbeddedFile" not in pdf_objects(data)
    assert_server_works_but_was_not_asked(recording_server)


@WORKER
def test_a_narrative_pointing_at_files_or_hosts_still_renders_without_them(
    client, db, recording_server, caplog, tmp_path
):
    url = recording_server.url
    response = ManagementResponseFactory(
        introduction=(
            f"Inleiding. ![wachtwoorden](file:///etc/passwd) ![extern]({url}/markdown.png)\n\n"
            f'<img src="{url}/raw.png"> <link rel="stylesheet" href="{url}/raw.css">\n\n'
            f"[een link]({url}/page) en [nog een](file:///etc/passwd)."
        )
    )
    ActionFactory(response=response, narrative="![x](http://example.org/x.png) Tekst.")
    http = get_ready_pdf(client, response)
    assert http.status_code == 200
    text = pdf_text(http.content, tmp_path)
    assert "Inleiding." in text
    assert "root:" not in text
    assert "<img" not in pdf.render_html(response)  # images in user text are dropped, never fetched
    assert_server_works_but_was_not_asked(recording_server)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "data:text/css,p{color:red}",
        "http://127.0.0.1/static/print/print.css",
        "https://example.org/print/print.css",
        "http://static.invalid/print/print.css",  # our origin is https only
        f"{pdf.STATIC_ORIGIN}print/print.css?x=1",
        f"{pdf.STATIC_ORIGIN}../../etc/passwd",
        f"{pdf.STATIC_ORIGIN}print/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        f"{pdf.STATIC_ORIGIN}%2Fetc%2Fpasswd",
        f"{pdf.STATIC_ORIGIN}print/nothing-here.css",
        f"{pdf.STATIC_ORIGIN}",
    ],
)
def test_fetcher_refuses(url):
    fetcher = pdf.StaticFilesFetcher()
    with pytest.raises(pdf.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_our_static_files():
    fetcher = pdf.StaticFilesFetcher()
    answer = fetcher.fetch(f"{pdf.STATIC_ORIGIN}print/print.css")
    assert answer.read() == Path(finders.find("print/print.css")).read_bytes()
    assert answer.content_type == "text/css"
    font = fetcher.fetch(f"{pdf.STATIC_ORIGIN}print/fonts/Carlito-Regular.ttf")
    assert font.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font
