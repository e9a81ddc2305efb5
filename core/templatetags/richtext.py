from django import template

from core import rendered as stored
from core import richtext

register = template.Library()


@register.filter
def markdown(text, prefix=""):
    """Render a stored Markdown text as sanitised HTML: {{ action.narrative|markdown:"a12" }}."""
    return richtext.render(text, prefix=str(prefix))


@register.filter
def markdown_print(text):
    """As ``markdown``, with footnotes at their call for WeasyPrint's float: footnote."""
    return richtext.render(text, footnotes="inline")


@register.filter
def plaintext(text):
    return richtext.plain(text)


@register.simple_tag
def rendered(obj, field, prefix="", before=""):
    """The stored HTML of a saved Markdown field: {% rendered action "narrative" action.pk %}.

    Footnote anchors get ``before`` + ``prefix`` (as ``markdown:prefix`` would), so
    that several texts on one page keep unique ids.
    """
    prefix = f"{before}{prefix}"
    return stored.html_of(obj, field, prefix=prefix)


@register.simple_tag
def rendered_print(obj, field):
    """The stored print HTML of a saved Markdown field (footnotes at their call, for WeasyPrint)."""
    return stored.html_of(obj, field, variant="print")
