"""The one text format: Markdown through a sanitiser."""

from core.richtext import render


def test_markdown_constructs_of_the_seed_render():
    html = render("Alinea met [een link](https://example.org).\n\n#### Tussentitel\n\n- een\n- twee\n")
    assert '<a href="https://example.org" rel="noopener noreferrer">een link</a>' in html
    assert "<h4>Tussentitel</h4>" in html
    assert "<li>een</li>" in html


def test_scripts_event_handlers_and_dangerous_links_are_removed():
    html = render(
        '<script>alert(1)</script>\n\n<p onclick="x()">hi</p>\n\n'
        '[a](javascript:alert(1)) <a href="javascript:alert(2)">b</a> ![i](file:///etc/passwd)'
    )
    assert "<script" not in html
    assert "onclick" not in html
    assert 'href="javascript' not in html
    assert "alert(2)" not in html
    assert "src=" not in html
    assert "<img" not in html


def test_footnotes_on_screen_are_numbered_at_the_end_with_unique_anchors():
    html = render("Tekst.[^1]\n\n[^1]: De noot.", prefix="a7")
    assert 'id="fnref-a7:1"' in html
    assert 'href="#fn-a7:1"' in html
    assert html.index("Tekst.") < html.index("De noot.")


def test_footnotes_for_print_sit_at_their_call():
    html = render("Tekst.[^n] Verder.\n\n[^n]: De *noot*.", footnotes="inline")
    assert '<p>Tekst.<span class="footnote">De <em>noot</em>.</span> Verder.</p>' in html


def test_an_unknown_footnote_reference_is_left_as_typed():
    assert "[^x]" in render("Tekst[^x].", footnotes="inline")


def test_plain_text_is_unescaped_so_templates_escape_it_once():
    from core.richtext import plain

    assert plain("**Q&A** <b>x</b>") == "Q&A x"
