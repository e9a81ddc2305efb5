"""The fast YAML writer writes exactly what PyYAML's pure-Python dumper writes (responses/yaml_emit.py)."""

import datetime
import random

import pytest

from benchmarks.synthetic import synthetic_response
from responses import yaml_emit
from responses.interchange import _Dumper, _pyyaml_dump, as_data, export_response

TRICKY = [
    "",
    " ",
    " leading",
    "trailing ",
    "a: b",
    "a:b",
    "ends with:",
    ":start",
    ": start",
    "?",
    "? x",
    "-",
    "- x",
    "-x",
    "--- x",
    "...",
    "a #b",
    "a#b",
    "#hash",
    "it's",
    "'quoted'",
    '"double"',
    "[list]",
    "{map}",
    "a, b",
    "&anchor",
    "*alias",
    "!tag",
    "|pipe",
    ">fold",
    "%pct",
    "@at",
    "`tick",
    "1.10",
    "1",
    "0x1F",
    "1e3",
    "-5",
    ".5",
    "+1",
    "yes",
    "No",
    "on",
    "null",
    "~",
    "true",
    "2024-09-30",
    "2024-09-30 10:00:00",
    "p. 191-192",
    "Actie 3 – spoor 1 (systematisch leren)",
    "€ ü é ñ 中文 🙂",
    "\u00a0nbsp",
    "tab\there",
    "line\nbreak",
    "line\nbreak\n",
    "two\n\nparagraphs",
    "ends\n\n",
    "\nleading break",
    " leading space\nmore",
    "space before \nbreak",
    "after\n indented",
    "- item\n- item",
    "# heading\n\ntext",
    "trailing space \n",
    "crlf\r\nline",
    "bell\x07",
    "nel\x85x",
    "ls\u2028x",
    "bom\ufeffx",
    "é\n",
    "\n",
    "a\n\n\nb",
    "x\n  \ny",
    "'",
    "''",
    "a'b\nc'd",
    'back\\slash \n"q" 🙂',
    "x" * 60_000 + " \n",
]


def pyyaml(data):
    return _pyyaml_dump(data)


def test_the_seed_is_written_byte_for_byte_as_pyyaml_writes_it(seed_response):
    data = as_data(seed_response)
    fast = yaml_emit.dump(data, _Dumper)
    assert fast is not None, "the seed should not need PyYAML"
    assert fast == pyyaml(data)
    assert export_response(seed_response) == fast


def test_a_large_synthetic_response_is_written_byte_for_byte(db):
    response = synthetic_response(actions=6, recommendations=60)
    data = as_data(response)
    fast = yaml_emit.dump(data, _Dumper)
    assert fast is not None
    assert fast == pyyaml(data)


@pytest.mark.parametrize("text", TRICKY)
def test_awkward_strings_come_out_as_pyyaml_writes_them(text):
    data = {
        "format": "managementresponse/1",
        "response": {"title": text, "published_on": datetime.date(2025, 3, 31), "none": None, "n": 3},
        "actions": [{"number": text, "narrative": text, "parts": []}, text],
        "groups": [{"title": "g", "themes": [{"recommendations": [{"text": text, "actions": [text, "1"]}]}]}],
    }
    fast = yaml_emit.dump(data, _Dumper)
    if fast is not None:
        assert fast == pyyaml(data)


def test_random_texts_come_out_as_pyyaml_writes_them():
    rng = random.Random(10)
    alphabet = list("ab \\:#-'\"?|>!&*%@`,[]{}\n\t.0123456789eE+~xyzé–€🙂\u00a0") + ["\n\n", "  ", ": ", " #"]
    written_fast = 0
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        data = {"a": {"b": [{"c": text, "d": [text]}]}, "e": text}
        fast = yaml_emit.dump(data, _Dumper)
        if fast is not None:
            written_fast += 1
            assert fast == pyyaml(data), repr(text)
    assert written_fast > 1000  # the fast path is the common one
