"""The matrix layout in print: its key-action tables have fixed column widths (session 9).

WeasyPrint's automatic table layout first measures the narrowest (min-content) width of every cell.
With print.css's ``overflow-wrap: anywhere`` (a break opportunity after every letter) it does that
in time quadratic in a cell's text: the seed in the matrix layout, whose key actions carry long
narratives, took 80 s for 44 pages. With ``table-layout: fixed`` and the widths on the ``<col>``s it
skips that measurement: about 3 s (benchmarks/README.md, "Matrix layout render time").

These tests hold that structure without timing anything: the print stylesheet, applied with the
selector and CSS libraries WeasyPrint itself uses (cssselect2, tinycss2), must give every key-action
table of a matrix response the fixed layout and columns that fill exactly its width, whichever
columns the response prints.
"""

import itertools
from pathlib import Path

import cssselect2
import pytest
import tinycss2
import tinyhtml5

from document import pdf
from document.assembly import MATRIX_COLUMN_SHARES, build_document, matrix_column_widths
from responses.vocabulary import COLUMN_KEYS
from tests.factories import ActionFactory, ActionLinkFactory, ManagementResponseFactory, RecommendationFactory

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / pdf.STYLESHEET


def print_matcher() -> cssselect2.Matcher:
    """The style rules of print.css (not those inside @page, @media or @font-face), each with its
    declarations."""
    matcher = cssselect2.Matcher()
    rules = tinycss2.parse_stylesheet(STYLESHEET.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True)
    for rule in rules:
        if rule.type != "qualified-rule":
            continue
        declarations = [
            item
            for item in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
            if item.type == "declaration"
        ]
        for selector in cssselect2.compile_selector_list(rule.prelude):
            matcher.add_selector(selector, declarations)
    return matcher


def cascaded(matcher: cssselect2.Matcher, element, name: str) -> str | None:
    """The value print.css gives ``element``'s property ``name`` (the winning declaration: the most
    specific selector, the last of equals; !important first), or None when no rule sets it."""
    found = []
    for specificity, order, pseudo_element, declarations in matcher.match(element):
        if pseudo_element is None:
            for declaration in declarations:
                if declaration.lower_name == name:
                    found.append((declaration.important, specificity, order, tinycss2.serialize(declaration.value)))
    return max(found)[-1].strip() if found else None


def key_action_tables(html: str) -> list:
    root = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(html, namespace_html_elements=False))
    return list(root.query_all("table.key-actions"))


def long_narrative(n: int) -> str:
    """Several paragraphs and a list, as the seed's key actions have."""
    paragraph = f"Actie {n}: de werkgroep herschrijft de oproep, toetst ze bij de partners en past ze aan. " * 12
    items = "\n".join(f"- stap {i}: {paragraph[:160]}" for i in range(1, 6))
    return "\n\n".join([paragraph, paragraph, items, paragraph])


def matrix_response(columns=None):
    response = ManagementResponseFactory(layout="matrix", columns=columns or [])
    for r in range(2):
        rec = RecommendationFactory(response=response, theme=None, number=str(r + 1))
        for a in range(3):
            action = ActionFactory(response=response, number=f"{r + 1}.{a + 1}", narrative=long_narrative(a))
            ActionLinkFactory(recommendation=rec, action=action)
    return response


@pytest.mark.parametrize("count", range(1, len(COLUMN_KEYS) + 1))
def test_the_matrix_columns_share_the_whole_width_in_their_proportions_whichever_are_chosen(count):
    for keys in itertools.permutations(COLUMN_KEYS, count):
        widths = matrix_column_widths(keys)
        assert sum(widths) == 100, keys
        total = sum(MATRIX_COLUMN_SHARES[key] for key in keys)
        for key, width in zip(keys, widths, strict=True):
            assert abs(width - 100 * MATRIX_COLUMN_SHARES[key] / total) < 1, (keys, key, width)


def test_the_default_matrix_columns_keep_the_widths_they_always_printed_in(db):
    response = ManagementResponseFactory(layout="matrix")
    columns = build_document(response).matrix_columns
    assert [(key, width) for key, _header, width in columns] == [
        ("action", 36),
        ("time_frame", 14),
        ("units", 18),
        ("comments", 20),
        ("status", 12),
    ]


@pytest.mark.parametrize(
    "columns",
    [
        None,  # the default five
        [{"key": key, "header": ""} for key in COLUMN_KEYS],  # all six: 118 % of the table before
        [{"key": "action", "header": "Action"}, {"key": "units", "header": ""}, {"key": "status", "header": ""}],
    ],
)
def test_every_key_action_table_of_a_matrix_with_long_narratives_has_fixed_columns_filling_its_width(db, columns):
    response = matrix_response(columns)
    html = pdf.render_html(response)
    matcher = print_matcher()
    tables = key_action_tables(html)
    assert len(tables) == 2  # one for each recommendation
    for table in tables:
        # Without it WeasyPrint measures every cell's min-content width first: the slow path.
        assert cascaded(matcher, table, "table-layout") == "fixed"
        assert cascaded(matcher, table, "width") == "100%"
        headers = list(table.query_all("thead th"))
        cols = list(table.query_all("colgroup > col"))
        assert len(cols) == len(headers) == len(response.column_list)
        widths = [cascaded(matcher, col, "width") for col in cols]
        assert all(width and width.endswith("%") for width in widths), widths
        assert sum(int(width.removesuffix("%")) for width in widths) == 100, widths
        assert "Actie 0: de werkgroep" in "".join(table.etree_element.itertext())
