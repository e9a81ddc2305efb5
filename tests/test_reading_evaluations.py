"""The matrix reader on the common shapes of evaluation management responses (UNEG template, UNDP
annex of an evaluation report, UNICEF, UNFPA, UN-Women/WFP), in PDF and in Word.

MADE-UP DOCUMENTS: tests/evaluation_shapes.py lays out invented responses in the public shapes
(docs/reading.md, "Evaluation management responses: the public formats"); they are not real
documents and do not count among issue 21's real ones (tests/data/documents/). Each is built once
per module, read by ``read_document`` (the shape chosen by score) and scored by the issue's tool
(tests/fieldscore.py) against its truth, made from the same values the document prints.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from interchange.parse import from_data
from reading.read import read_document
from tests import evaluation_shapes as shapes

FIELDSCORE = Path(__file__).parent / "fieldscore.py"
NAMES = list(shapes.SHAPES)


def score(found_data: dict, name: str, tmp_path) -> str:
    """The tool's report (wrong fields, then its summary line) for what was read against the truth."""
    read_path, truth_path = tmp_path / f"{name}.read.yaml", tmp_path / f"{name}.truth.yaml"
    read_path.write_text(yaml.safe_dump(found_data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    truth_path.write_text(
        yaml.safe_dump(shapes.truth(shapes.SHAPES[name]), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, FIELDSCORE, read_path, truth_path, "--show", "40"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip()


def assert_read_whole(report: str):
    last = report.splitlines()[-1]
    assert float(re.search(r"fields (\d\.\d+)", last).group(1)) == 1.0, report
    assert re.search(r"recommendations (\d+)/\1 read, 0 extra; actions (\d+)/\2 read, 0 extra", last), report


def _flat(text) -> str:
    return " ".join(str(text or "").split())


def assert_fields_as_printed(found_data: dict, name: str):
    """Beyond the tool's 0.9 similarity: every recommendation's agreement, response (without the
    label or the agreement word), parts and links, and every action's units, time frame and status
    exactly as the truth has them."""
    truth = shapes.truth(shapes.SHAPES[name])
    read_recs = found_data["recommendations"] + [
        rec for group in found_data["groups"] for theme in group["themes"] for rec in theme["recommendations"]
    ]
    truth_recs = truth["recommendations"] + [
        rec for group in truth["groups"] for theme in group["themes"] for rec in theme["recommendations"]
    ]
    assert [group["title"] for group in found_data["groups"]] == [group["title"] for group in truth["groups"]]
    assert [rec["number"] for rec in read_recs] == [rec["number"] for rec in truth_recs]
    for got, want in zip(read_recs, truth_recs, strict=True):
        assert (got["agreement"], _flat(got["response"]), _flat(got["justification"])) == (
            want["agreement"],
            _flat(want["response"]),
            want["justification"],
        ), got["number"]
        assert [(p["label"], _flat(p["text"])) for p in got.get("parts") or []] == [
            (p["label"], p["text"]) for p in want["parts"]
        ]
        assert got["actions"] == want["actions"]
    actions = {action["number"]: action for action in found_data["actions"]}
    for want in truth["actions"]:
        got = actions[want["number"]]
        assert (got["responsible_units"], got["time_frame"], got["status"]) == (
            want["responsible_units"],
            want["time_frame"],
            want["status"],
        ), want["number"]
        assert _flat(f"{got['title']} {got['narrative']}") == _flat(f"{want['title']} {want['narrative']}")


@pytest.fixture(scope="module")
def word_read():
    """{name: what read_document found in the shape's Word file} (built and read once)."""
    return {name: read_document(shapes.docx(shapes.SHAPES[name]), f"{name}.docx") for name in NAMES}


@pytest.fixture(scope="module")
def pdf_read():
    """{name: what read_document found in the shape's PDF} (rendered by WeasyPrint and read once)."""
    return {name: read_document(shapes.pdf(shapes.SHAPES[name]), f"{name}.pdf") for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_a_made_up_evaluation_response_in_word_reads_whole(word_read, name, tmp_path):
    found = word_read[name]
    assert found.shape == "matrix"
    assert_read_whole(score(found.data, name, tmp_path))
    assert_fields_as_printed(found.data, name)


@pytest.mark.pdf
@pytest.mark.parametrize("name", NAMES)
def test_a_made_up_evaluation_response_in_pdf_reads_whole(pdf_read, name, tmp_path):
    found = pdf_read[name]
    assert found.shape == "matrix"
    assert_read_whole(score(found.data, name, tmp_path))
    assert_fields_as_printed(found.data, name)


@pytest.mark.parametrize("name", NAMES)
def test_each_truth_is_interchange_data_with_every_recommendation_and_action(name):
    shape = shapes.SHAPES[name]
    recs = shapes.recommendations(shape)
    parsed = from_data(yaml.safe_load(yaml.safe_dump(shapes.truth(shape), allow_unicode=True)))
    assert [rec.number for rec in parsed.all_recommendations] == [rec.number for rec in recs]
    assert len(parsed.all_actions) == sum(len(rec.actions) for rec in recs)
    assert {rec.agreement for rec in parsed.all_recommendations} == {"agree", "partially_agree", "disagree"}


@pytest.mark.parametrize("name", NAMES)
def test_what_is_read_from_a_made_up_response_imports_as_a_draft(word_read, name, db):
    from interchange.exporter import dump
    from interchange.importer import import_response
    from interchange.parse import parse

    response = import_response(parsed=parse(dump(word_read[name].data).encode(), f"{name}.yaml"))
    assert response.status == "draft"
    assert response.recommendations.count() == len(shapes.recommendations(shapes.SHAPES[name]))
    assert response.actions.count() == sum(len(rec.actions) for rec in shapes.recommendations(shapes.SHAPES[name]))


@pytest.mark.parametrize(
    ("printed", "number", "rest"),
    [
        ("Recommendation 1.", "1", ""),
        ("RECOMMENDATION 3:", "3", ""),
        ("Evaluation recommendation 2.", "2", ""),
        ("Recommendation 2 (priority: high)", "2", ""),
        ("Recommendation 1.2 Strengthen the framework", "1.2", "Strengthen the framework"),
        ("Recommendation #1: Evaluation integral to the mission", "1", "Evaluation integral to the mission"),
        ("Recommendation No. 4", "4", ""),
        ("Recommendation 4, addressed to legislative bodies", None, None),
        ("recommendation 4 was accepted", None, None),
    ],
)
def test_a_band_is_read_in_the_forms_the_public_templates_print(printed, number, rest):
    from reading.readers.matrix import BAND

    match = BAND.match(printed)
    assert (match and match.group("number"), match and match.group("rest")) == (number, rest)
