from django import template

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
