"""The real management-response documents of issue 21 and their hand-made truth files.

tests/data/documents/README.md lists each document with its SHA-256; beside it lies
<slug>.truth.yaml, what a reader should find in it. These tests keep that folder honest: every
truth file imports, as a whole, into the response it describes, and every document is the file
the README names.
"""

import hashlib
import re
from pathlib import Path

import pytest
import yaml

from interchange.importer import import_file

DOCUMENTS = Path(__file__).parent / "data" / "documents"
TRUTHS = sorted(DOCUMENTS.glob("*.truth.yaml"))
README = (DOCUMENTS / "README.md").read_text(encoding="utf-8")


def slug_of(truth: Path) -> str:
    return truth.name.removesuffix(".truth.yaml")


def recommendations_in(data: dict) -> list[dict]:
    found = list(data.get("recommendations") or [])
    for group in data.get("groups") or []:
        for theme in group.get("themes") or []:
            found.extend(theme.get("recommendations") or [])
    return found


def test_the_folder_holds_eight_documents_of_five_organisations():
    organisations = {yaml.safe_load(t.read_text(encoding="utf-8"))["response"]["organisation"] for t in TRUTHS}
    assert len(TRUTHS) >= 8
    assert len(organisations) >= 5, organisations


@pytest.mark.django_db
@pytest.mark.parametrize("truth", TRUTHS, ids=slug_of)
def test_a_truth_file_imports_as_the_response_it_describes(truth):
    data = yaml.safe_load(truth.read_text(encoding="utf-8"))

    response = import_file(truth)

    assert response.slug == slug_of(truth)
    assert response.recommendations.count() == len(recommendations_in(data))
    texts = sorted(r.text for r in response.recommendations.all())
    assert texts == sorted(r["text"].strip() for r in recommendations_in(data))


@pytest.mark.parametrize("truth", TRUTHS, ids=slug_of)
def test_the_document_beside_a_truth_file_has_the_sha256_the_readme_lists(truth):
    slug = slug_of(truth)
    documents = [p for p in DOCUMENTS.glob(f"{slug}.*") if p.suffix in (".pdf", ".docx")]
    assert len(documents) == 1, documents
    row = re.search(rf"^\| {re.escape(slug)} \|.*`([0-9a-f]{{64}})` \|$", README, re.MULTILINE)
    assert row, f"{slug} has no row with a SHA-256 in tests/data/documents/README.md"

    assert hashlib.sha256(documents[0].read_bytes()).hexdigest() == row.group(1)
