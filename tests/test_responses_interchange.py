"""The interchange format: the seed as data, import errors, round trips."""

import datetime
import io

import pytest
import yaml
from django.core.management import CommandError, call_command

from actions.models import Action, ActionLink
from benchmarks.synthetic import synthetic_response
from interchange import exporter
from interchange.exporter import as_data, export_response
from interchange.importer import import_file
from interchange.parse import LOADER, parse
from recommendations.models import Recommendation, RecommendationGroup, Theme
from responses.models import ManagementResponse
from tests.fixtures import SEED, SEED_TEXT


def seed_text_flat():
    return " ".join(SEED_TEXT.read_text(encoding="utf-8").split())


def test_seed_has_the_documents_structure(seed_response):
    assert RecommendationGroup.objects.filter(response=seed_response).count() == 3
    assert Theme.objects.filter(group__response=seed_response).count() == 14
    recs = Recommendation.objects.for_response(seed_response)
    assert recs.count() == 19
    assert recs.filter(agreement="agree").count() == 17
    assert recs.filter(agreement="partially_agree").count() == 1
    assert recs.undecided().count() == 1
    actions = Action.objects.filter(response=seed_response)
    assert list(actions.filter(parent=None).values_list("number", flat=True)) == ["1", "2", "3", "4", "5"]
    assert list(actions.exclude(parent=None).order_by("parent__order", "order").values_list("number", flat=True)) == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.5",
        "2.1",
        "2.2",
        "3 – spoor 1",
        "3 – spoor 2",
        "3 – spoor 3",
    ]
    assert ActionLink.objects.filter(action__response=seed_response).count() == 38


def test_seed_statuses_are_as_printed(seed_response):
    lines = {a.number: a.status_line for a in Action.objects.filter(response=seed_response, parent=None)}
    assert lines == {
        "1": "gerealiseerd",
        "2": "in uitvoering",
        "3": "in uitvoering",
        "4": "op te starten in 2025",
        "5": "in uitvoering",
    }
    part = Action.objects.select_related("parent").get(response=seed_response, number="3 – spoor 2")
    assert part.is_inherited
    assert part.status_line == "in uitvoering"


def test_seed_qualifiers_are_as_printed(seed_response):
    qualified = {
        (link.action.number, link.qualifier)
        for link in ActionLink.objects.select_related("action").exclude(qualifier="")
    }
    assert qualified == {
        ("5", "kennisdeling 4"),
        ("3 – spoor 1", "(systematisch leren)"),
        ("3 – spoor 3", "(Broedplekken)"),
        ("3 – spoor 2", "(impact)"),
    }
    citations = {str(link) for link in ActionLink.objects.select_related("action")}
    assert "Actie 5 – kennisdeling 4" in citations
    assert "Actie 3 – spoor 1 (systematisch leren)" in citations


def test_the_undecided_recommendation_is_monitoring(seed_response):
    rec = Recommendation.objects.undecided().select_related("theme").get()
    assert rec.theme.heading == "MONITORING VAN AANBOD EN EFFECTEN"
    assert [link.action.number for link in rec.action_links.order_by("order")] == [
        "3 – spoor 2",
        "3 – spoor 1",
        "4",
    ]


def test_seed_texts_are_word_for_word(seed_response):
    reference = seed_text_flat()
    partial = Recommendation.objects.get(agreement="partially_agree")
    assert "Platos-platform" in partial.text
    four = Action.objects.get(number="4")
    assert "kange termijn" in four.narrative  # the author's typo, kept
    assert "[^" in four.narrative  # the footnote
    five = Action.objects.get(number="5")
    assert "](https://www.europawse.be/" in five.narrative
    assert Recommendation.objects.filter(location="p. 196-1967").exists()
    # Every sentence-sized stretch of plain text in the seed data occurs in the reference.
    for sentence in [
        "De management response werd opgemaakt door het team Ondernemen en Leren in Ecosystemen",
        "Blijf inzetten op kennisdeling tussen de projecten",
    ]:
        assert sentence in reference
        assert sentence in (seed_response.chapters.first().body + export_response(seed_response))


def test_export_import_export_is_byte_identical(seed_response, tmp_path):
    first = tmp_path / "first.yaml"
    call_command("export_response", seed_response.slug, "-o", str(first))
    call_command("import_response", str(first), "--replace")
    second = tmp_path / "second.yaml"
    call_command("export_response", seed_response.slug, "-o", str(second))
    assert first.read_bytes() == second.read_bytes()
    assert ManagementResponse.objects.count() == 1


def test_seed_file_is_already_in_export_form(seed_response):
    """The committed seed is exactly what an export writes, so diffs of exports stay readable."""
    assert export_response(seed_response) == SEED.read_text(encoding="utf-8")


def test_import_refuses_an_existing_slug_without_replace(seed_response):
    with pytest.raises(CommandError, match="already exists; use --replace"):
        call_command("import_response", str(SEED))
    assert ManagementResponse.objects.count() == 1


def test_import_with_replace_replaces(seed_response):
    Recommendation.objects.update(agreement="disagree")
    call_command("import_response", str(SEED), "--replace", stdout=io.StringIO())
    assert Recommendation.objects.filter(agreement="agree").count() == 17
    assert ManagementResponse.objects.count() == 1


# --- bad files: a one-line error naming file, place and problem; the database untouched ---


def broken_copy(tmp_path, old, new, *, count=1):
    text = SEED.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path, text[: text.index(old)].count("\n") + 1


def database_snapshot():
    return (
        list(ManagementResponse.objects.values_list("slug", "title")),
        list(Recommendation.objects.order_by("pk").values_list("pk", "agreement", "text")),
        list(Action.objects.order_by("pk").values_list("pk", "number", "status")),
        ActionLink.objects.count(),
    )


def assert_refused(path, *fragments, replace=True):
    before = database_snapshot()
    args = ["import_response", str(path)] + (["--replace"] if replace else [])
    with pytest.raises(CommandError) as excinfo:
        call_command(*args)
    message = str(excinfo.value)
    first_line = message.splitlines()[0]
    assert first_line.startswith(f"{path}:"), message
    for fragment in fragments:
        assert fragment in first_line, message
    assert database_snapshot() == before
    return first_line


def test_broken_yaml_syntax_is_refused(seed_response, tmp_path):
    path, _line = broken_copy(tmp_path, "groups:\n", "groups: [\n")
    assert_refused(path, "ongeldige YAML")


def test_unknown_agreement_level_is_refused_with_its_line(seed_response, tmp_path):
    path, line = broken_copy(tmp_path, "agreement: partially_agree", "agreement: misschien")
    assert_refused(path, f"{path}:{line}:", ".agreement", "mate van akkoord 'misschien' is onbekend")


def test_link_to_a_missing_action_is_refused(seed_response, tmp_path):
    path, line = broken_copy(tmp_path, "- '2.2'", "- '2.9'")
    assert_refused(path, f"{path}:{line}:", "verwijst naar actie '2.9', die niet bestaat")


def test_duplicate_action_number_is_refused(seed_response, tmp_path):
    path, line = broken_copy(tmp_path, "number: '1.2'", "number: '1.1'")
    assert_refused(path, f"{path}:{line}:", "actienummer '1.1' komt twee keer voor")


def test_missing_required_field_is_refused(seed_response, tmp_path):
    path, _line = broken_copy(tmp_path, "  organisation: Europa WSE\n", "")
    assert_refused(path, "response.organisation", "verplicht veld 'organisation' ontbreekt")


def test_a_file_that_is_not_text_is_refused(seed_response, tmp_path):
    path = tmp_path / "picture.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert_refused(path, "geen tekstbestand")


def test_a_file_in_another_encoding_is_refused(seed_response, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(SEED.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    assert_refused(path, "geen tekstbestand in UTF-8")


def test_an_unknown_field_is_refused_not_ignored(seed_response, tmp_path):
    path, line = broken_copy(
        tmp_path, "  organisation: Europa WSE\n", "  organisation: Europa WSE\n  organization: X\n"
    )
    assert_refused(path, f"{path}:{line + 1}:", "onbekend veld 'organization'")


def test_refused_import_of_a_new_slug_creates_nothing(db, tmp_path):
    path, _line = broken_copy(tmp_path, "agreement: partially_agree", "agreement: misschien")
    assert_refused(path, "is onbekend", replace=False)
    assert ManagementResponse.objects.count() == 0


def test_an_import_that_fails_while_writing_rolls_back(seed_response, tmp_path, monkeypatch):
    """A failure after the first rows are written (here: the links) leaves the old response intact."""
    from actions.models import ActionLink as Link

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Link, "save", fail)
    before = database_snapshot()
    with pytest.raises(RuntimeError):
        call_command("import_response", str(SEED), "--replace")
    assert database_snapshot() == before


def test_export_of_an_unknown_slug_says_so(db):
    with pytest.raises(CommandError, match="no management response with slug 'nope'"):
        call_command("export_response", "nope")


def test_numbers_stay_text(db, tmp_path):
    text = SEED.read_text(encoding="utf-8").replace("number: '1.1'", "number: 1.10").replace("- '1.1'", "- 1.10")
    path = tmp_path / "numbers.yaml"
    path.write_text(text, encoding="utf-8")
    call_command("import_response", str(path))
    assert Action.objects.filter(number="1.10").exists()


def test_a_freshly_created_response_exports(db):
    """Choices set from enums (not yet read back from the database) are written as their values."""
    from tests.factories import ActionFactory

    action = ActionFactory(status=Action.Status.REALISED)
    text = export_response(action.response)
    assert "status: published" in text
    assert "status: realised" in text


# --- how an export is written (docs/interchange.md) ---------------------------------------------


def test_an_export_is_laid_out_for_people(seed_response):
    text = export_response(seed_response)
    assert text.startswith("format: managementresponse/3\nexported: true\nresponse:\n  slug: leerecosystemen\n")
    assert "\nactions:\n- number: '1'\n  label: ''\n" in text  # a list's "- " at its key's indentation
    assert "\n  parts:\n  - number: '1.1'\n" in text
    # The introduction is the first chapter: a literal block, unicode as is.
    assert (
        "\n  chapters:\n  - placement: before\n    heading: I. Inleiding\n    body: |-\n      Deze ‘management" in text
    )
    assert text.endswith("\n...\n")  # the end line


def test_pyyaml_without_libyaml_writes_the_same_bytes(seed_response):
    """The dumper falls back on PyYAML's own emitter when libyaml is missing: same file."""
    pure = exporter.make_dumper(yaml.SafeDumper)
    for response in (seed_response, synthetic_response(actions=6, recommendations=60)):
        assert yaml.dump(as_data(response), Dumper=pure, **exporter.DUMP_OPTIONS) == export_response(response)


def earlier_layout(text):
    """``text`` laid out as exports were written before: PyYAML's Python emitter, lists indented under their key."""

    class Indented(yaml.SafeDumper):
        def increase_indent(self, flow=False, indentless=False):
            return super().increase_indent(flow, False)

    Indented.add_representer(str, exporter.represent_str)
    return yaml.dump(yaml.safe_load(text), Dumper=Indented, **exporter.DUMP_OPTIONS)


def test_a_file_in_the_earlier_layout_imports_as_the_same_response(db, tmp_path):
    text = SEED.read_text(encoding="utf-8")
    earlier = earlier_layout(text)
    assert "\nactions:\n  - number: '1'\n    label: ''\n" in earlier
    assert "\n      - number: '1.1'\n" in earlier
    assert parse(earlier.encode("utf-8")) == parse(text.encode("utf-8"))
    path = tmp_path / "earlier.yaml"
    path.write_text(earlier, encoding="utf-8")
    assert export_response(import_file(path)) == text  # and it exports in today's layout


AWKWARD = [
    "",
    " leading",
    "trailing ",
    "a: b",
    "a #b",
    "#hash",
    "- x",
    "...",
    "---",
    "it's",
    '"double"',
    "[list]",
    "&anchor",
    "*alias",
    "!tag",
    "|pipe",
    "1.10",
    "0x1F",
    "yes",
    "null",
    "~",
    "2024-09-30",
    "€ ü é ñ 中文 🙂",
    "\u00a0nbsp",
    "tab\there",
    "line\nbreak",
    "line\nbreak\n",
    "ends\n\n",
    "\nleading break",
    " leading space\nmore",
    "space before \nbreak",
    "after\n indented",
    "- item\n- item",
    "# heading\n\ntext",
    "crlf\r\nline",
    "bell\x07",
    "nel\x85x",
    "ls\u2028x",
    "bom\ufeffx",
    "a\n\n\nb",
    "x\n  \ny",
    'back\\slash \n"q" 🙂',
    "x" * 60_000 + " \n",
]


@pytest.mark.parametrize("text", AWKWARD)
def test_awkward_texts_are_read_back_as_written(text):
    data = {
        "format": text,
        "response": {"title": text, "published_on": datetime.date(2025, 3, 31), "none": None},
        "actions": [{"number": text, "narrative": text, "responsible_units": [text, text], "parts": []}, text],
    }
    written = exporter.dump(data)
    assert written.endswith("\n...\n")
    assert yaml.load(written, Loader=LOADER) == data


def test_the_flag_that_the_document_gives_no_justification_is_read_written_and_checked(seed_response, tmp_path):
    from interchange.exporter import export_response as export

    text = export(seed_response)
    assert text.count("justification_not_in_source: true") == 1  # only where it is set
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(text.replace("justification_not_in_source: true", "justification_not_in_source: misschien"))
    with pytest.raises(CommandError, match="justification_not_in_source: verwacht: true of false, niet 'misschien'"):
        call_command("import_response", str(wrong), "--replace")
