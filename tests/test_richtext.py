"""The one text format: Markdown through a sanitiser."""

import re

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
    assert re.search(
        r'<p>Tekst\.<span class="footnote" id="fn-p[0-9a-f]{8}:n">De <em>noot</em>\.</span> Verder\.</p>', html
    )


def test_a_note_called_again_is_printed_once_and_its_later_calls_refer_to_it():
    html = render("Een[^n] twee[^n] drie[^n].\n\n[^n]: De noot.", footnotes="inline")
    assert html.count("De noot.") == 1
    anchor = re.search(r'<span class="footnote" id="(fn-p[0-9a-f]{8}:n)">', html).group(1)
    assert html.count(f'<a class="footnote-again" href="#{anchor}"') == 2


def test_the_print_anchors_of_two_texts_differ():
    first = render("Een[^1].\n\n[^1]: Noot een.", footnotes="inline")
    second = render("Twee[^1].\n\n[^1]: Noot twee.", footnotes="inline")
    assert re.search(r'id="([^"]+)"', first).group(1) != re.search(r'id="([^"]+)"', second).group(1)


def test_an_unknown_footnote_reference_is_left_as_typed():
    assert "[^x]" in render("Tekst[^x].", footnotes="inline")


def test_plain_text_is_unescaped_so_templates_escape_it_once():
    from core.richtext import plain

    assert plain("**Q&A** <b>x</b>") == "Q&A x"
