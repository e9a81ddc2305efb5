"""An upload lists every problem at once, each with its line, in the interface's language (issue 20)."""

import hashlib
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interchange.models import PendingImport
from interchange.parse import MAX_ERRORS, InterchangeError, parse
from interchange.services import run_pending_import
from tests.fixtures import SEED

UPLOAD = reverse("interchange:upload")
PROBLEM = re.compile(r"<li><code>bad\.yaml:(\d+): ")


def with_unknown_keys(count: int) -> bytes:
    """The seed with ``count`` unknown keys in its response, one a line: ``count`` problems."""
    text = SEED.read_text(encoding="utf-8")
    keys = "".join(f"  colour_{n}: blue\n" for n in range(count))
    return text.replace("response:\n", "response:\n" + keys, 1).encode()


def upload(client, content, language):
    return client.post(
        UPLOAD,
        {"upload-file": SimpleUploadedFile("bad.yaml", content, "application/yaml")},
        headers={"accept-language": language},
    )


def test_every_problem_is_listed_with_its_line(client, evaluation_staff):
    client.force_login(evaluation_staff)
    answer = upload(client, with_unknown_keys(45), "nl")
    page = html.unescape(answer.content.decode())
    assert answer.status_code == 422
    assert "het bestand heeft 45 problemen" in page
    assert [int(line) for line in PROBLEM.findall(page)] == list(range(4, 49))  # lines 4 to 48, in order
    assert "onbekend veld 'colour_44'" in page


def test_the_problems_speak_the_interfaces_language(client, evaluation_staff):
    client.force_login(evaluation_staff)
    content = with_unknown_keys(1).replace(b"agreement: agree", b"agreement: misschien", 1)
    english = html.unescape(upload(client, content, "en").content.decode())
    assert "the file has 2 problems" in english
    assert "response.colour_0: unknown field 'colour_0' (expected one of: slug, title," in english
    assert "unknown agreement level 'misschien'" in english
    assert "onbekend" not in english
    assert 'class="upload-problems" lang="en"' not in english  # the page's own language: no mark needed
    dutch = html.unescape(upload(client, content, "nl").content.decode())
    assert "response.colour_0: onbekend veld 'colour_0' (verwacht een van: slug, title," in dutch
    assert "mate van akkoord 'misschien' is onbekend" in dutch
    assert "unknown" not in dutch


def test_beyond_a_thousand_problems_the_page_says_how_many_more(client, evaluation_staff):
    client.force_login(evaluation_staff)
    answer = upload(client, with_unknown_keys(MAX_ERRORS + 234), "en")
    page = html.unescape(answer.content.decode())
    assert "the file has 1,234 problems" in page or "the file has 1234 problems" in page
    assert len(PROBLEM.findall(page)) == MAX_ERRORS
    assert "The first 1000 are listed above; there are 234 more problems." in page


def test_the_error_counts_past_the_cap_without_writing_them(db):
    with pytest.raises(InterchangeError) as refused:
        parse(with_unknown_keys(MAX_ERRORS * 3), "bad.yaml")
    assert (len(refused.value.errors), refused.value.more) == (MAX_ERRORS, MAX_ERRORS * 2)
    assert refused.value.lines[-1] == "… en nog 2,000 problemen."


def test_a_background_import_writes_its_problems_in_the_uploaders_language(db, evaluation_staff):
    text = with_unknown_keys(2).decode()
    pending = PendingImport.objects.create(
        file_name="bad.yaml",
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        size=len(text.encode()),
        created_by=evaluation_staff,
    )
    assert run_pending_import(str(pending.pk), language="en") == "failed"
    pending.refresh_from_db()
    assert len(pending.problems) == 2
    assert all("unknown field" in problem for problem in pending.problems)
