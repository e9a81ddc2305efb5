"""Evidence in the interchange format (references, never bytes), frozen with a published version,
and recognised by /verify/ and verify_pdf."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions.models import Action
from evidence import services
from evidence.models import Evidence, FrozenEvidence
from interchange.exporter import export_response
from interchange.importer import import_response
from interchange.parse import InterchangeError, parse
from responses.models import ResponseVersion
from tests import evidence_files as files
from tests.factories import ActionFactory, ManagementResponseFactory


@pytest.fixture
def with_evidence(db):
    response = ManagementResponseFactory(slug="bewezen", status="draft", validation_policy="closing")
    action = ActionFactory(response=response, number="1", status="in_progress")
    part = ActionFactory(response=response, parent=action, number="1.1", status="inherited")
    action = Action.objects.get(pk=action.pk)
    action.status = "realised"
    action.save()  # a claim
    services.add_file(
        action=action,
        user=None,
        title="Eindverslag",
        date=datetime.date(2025, 6, 30),
        upload=files.upload("eindverslag.pdf", files.PDF),
    )
    services.add_link(
        action=part, user=None, title="Persbericht", date=datetime.date(2025, 7, 1), url="https://example.org/pers"
    )
    return response, action


def test_the_export_carries_evidence_as_references_and_the_validation(with_evidence):
    response, _action = with_evidence
    text = export_response(response)
    assert "  validation: closing\n" in text
    assert "  validation: awaiting\n" in text
    assert f"sha256: {hashlib.sha256(files.PDF).hexdigest()}" in text
    assert "file: eindverslag.pdf" in text
    assert "link: https://example.org/pers" in text
    assert "%PDF" not in text  # references, not bytes


def test_export_import_export_gives_the_same_bytes(with_evidence):
    response, _action = with_evidence
    first = export_response(response)
    imported = import_response(parsed=parse(first.encode()), replace=True)
    assert export_response(imported) == first
    reference = Evidence.objects.get(action__response=imported, evidence_kind="file")
    assert reference.storage_key == ""
    assert not reference.has_bytes
    assert Action.objects.get(response=imported, number="1").validation_state == "awaiting"


def test_a_response_without_evidence_exports_no_evidence_keys(db):
    response = ManagementResponseFactory(slug="zonder")
    ActionFactory(response=response, number="1", status="realised")
    text = export_response(response)
    assert "evidence" not in text
    assert "validation" not in text


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("{title: Verslag, date: 2025-01-01}", "geef 'link' of 'file'"),
        ("{title: Verslag, date: 2025-01-01, file: a.pdf, sha256: abc}", "64 hexadecimale cijfers"),
        ('{title: Verslag, date: 2025-01-01, link: "javascript:alert(1)"}', "http(s)-adres"),
        ("{title: Verslag, date: 2025-01-01, file: ../a.pdf, sha256: " + "a" * 64 + "}", "zonder mappen"),
        ("{title: Verslag, file: a.pdf, sha256: " + "a" * 64 + "}", "verplicht veld 'date' ontbreekt"),
    ],
)
def test_a_bad_evidence_reference_is_reported_with_its_line(db, reference, message):
    text = f"""format: managementresponse/2
response:
  slug: x
  title: X
  organisation: O
  evaluation:
    title: E
actions:
- number: '1'
  title: A
  evidence:
  - {reference}
...
"""
    with pytest.raises(InterchangeError) as raised:
        parse(text.encode(), source="x.yaml")
    assert any(message in problem and "actions[0].evidence[0]" in problem for problem in raised.value.errors), (
        raised.value.errors
    )


def freeze_a_version(response):
    version = ResponseVersion.objects.create(
        response=response,
        number=1,
        note="Eerste",
        snapshot=export_response(response),
        pdf=b"%PDF-1.7 x",
        sha256="0" * 64,
    )
    services.freeze(version)
    return version


def test_a_version_freezes_the_evidence_list_with_each_file_s_hash(with_evidence):
    response, _action = with_evidence
    version = freeze_a_version(response)
    rows = list(FrozenEvidence.objects.filter(version=version).values_list("action_number", "title", "sha256"))
    assert rows == [("1", "Eindverslag", hashlib.sha256(files.PDF).hexdigest()), ("1.1", "Persbericht", "")]
    item = Evidence.objects.get(title="Eindverslag")
    services.remove(evidence=item, user=None, base_version=item.version)  # later changes leave it as it was
    assert FrozenEvidence.objects.filter(version=version).count() == 2
    with pytest.raises(ValueError, match="cannot be changed"):
        FrozenEvidence.objects.filter(version=version).update(title="Anders")
    with pytest.raises(ValueError, match="cannot be deleted"):
        FrozenEvidence.objects.filter(version=version).first().delete()


def test_the_verify_page_recognises_a_frozen_evidence_file(client, with_evidence):
    response, _action = with_evidence
    response.status = "published"
    response.save()
    freeze_a_version(response)
    answer = client.post(reverse("responses:verify"), {"file": SimpleUploadedFile("x.pdf", files.PDF)})
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "versie 1" in page
    assert "Eindverslag" in page
    assert "van actie 1" in page
    answer = client.post(reverse("responses:verify"), {"file": SimpleUploadedFile("x.pdf", files.PDF + b" ")})
    assert "is geen versie die wij publiceerden" in answer.content.decode()


def test_verify_pdf_recognises_a_frozen_evidence_file(with_evidence, tmp_path, capsys):
    response, _action = with_evidence
    freeze_a_version(response)
    path = tmp_path / "bewijs.pdf"
    path.write_bytes(files.PDF)
    call_command("verify_pdf", str(path))
    out = capsys.readouterr().out
    assert "bewezen version 1" in out
    assert "Eindverslag" in out
    path.write_bytes(files.PDF + b"changed")
    with pytest.raises(CommandError):
        call_command("verify_pdf", str(path))


@pytest.mark.pdf
def test_publishing_freezes_the_evidence(with_evidence):
    from publishing.publish import publish

    response, _action = with_evidence
    response.recommendations.all().delete()
    version = publish(response=response, note="Met bewijs", override_reason="")
    assert FrozenEvidence.objects.filter(version=version).count() == 2
    assert "eindverslag.pdf" in version.snapshot
