"""The one text format of the application: Markdown, rendered through a sanitiser.

Introduction, narratives, recommendation texts and justifications are stored as
Markdown (see docs/interchange.md). Rendering turns them into HTML that is safe
to put in a page or a PDF whatever the author typed: nh3 (ammonia) keeps only
the tags the format produces and links to http(s) and mailto.

Footnotes are rendered two ways: for the screen, as Python-Markdown does (a
numbered list at the end of the text); for print, inline at the call as
``<span class="footnote">``, so that WeasyPrint's ``float: footnote`` puts the
note at the foot of the page of its call.
"""

import functools
import html
import re
import threading

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "a",
    "em",
    "strong",
    "b",
    "i",
    "h3",
    "h4",
    "h5",
    "h6",
    "sup",
    "sub",
    "span",
    "div",
    "hr",
    "blockquote",
    "code",
    "pre",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "sup": {"id"},
    "li": {"id"},
}
ALLOWED_CLASSES = {
    "div": {"footnote"},
    "span": {"footnote"},
    "a": {"footnote-ref", "footnote-backref"},
}
URL_SCHEMES = {"http", "https", "mailto"}

FOOTNOTE_DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]*(.*(?:\n(?:[ \t]{4}|\t).*)*)", re.MULTILINE)
FOOTNOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]")
PLACEHOLDER = "richtextfootnote{}placeholder"


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


_local = threading.local()


def _convert(text: str) -> str:
    # Building a Markdown instance costs more than most conversions (a page of 300
    # recommendations converts 600 texts), so each thread keeps one and resets it
    # between texts, as Python-Markdown's documentation advises.
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(
            extensions=["footnotes", "sane_lists"],
            extension_configs={"footnotes": {"BACKLINK_TITLE": "", "BACKLINK_TEXT": "↩"}},
            output_format="html",
        )
    return md.reset().convert(text)


def render(text: str, *, prefix: str = "", footnotes: str = "end") -> SafeString:
    """Markdown to sanitised HTML.

    ``prefix`` keeps footnote anchors unique when several texts share a page;
    ``footnotes="inline"`` puts each note at its call (for print).
    """
    if not text:
        return mark_safe("")
    text = text.replace("\r\n", "\n")
    if footnotes == "inline":
        html = _render_inline_footnotes(text)
    else:
        html = _convert(text)
        if prefix:
            html = re.sub(r'(id="|href="#)fn(ref)?:', rf"\1fn\2-{prefix}:", html)
    return mark_safe(sanitise(html))


def _render_inline_footnotes(text: str) -> str:
    notes = {key: body.strip() for key, body in FOOTNOTE_DEFINITION.findall(text)}
    text = FOOTNOTE_DEFINITION.sub("", text)
    keys = []

    def call(match):
        key = match.group(1)
        if key not in notes:
            return match.group(0)
        keys.append(key)
        return PLACEHOLDER.format(len(keys) - 1)

    html = _convert(FOOTNOTE_CALL.sub(call, text))
    for index, key in enumerate(keys):
        body = _convert(re.sub(r"\n[ \t]+", "\n", notes[key])).strip()
        body = re.sub(r"^<p>(.*)</p>$", r"\1", body, flags=re.DOTALL)
        html = html.replace(PLACEHOLDER.format(index), f'<span class="footnote">{body}</span>')
    return html


@functools.lru_cache(maxsize=2048)
def plain(text: str) -> str:
    """The first words of a Markdown text, without markup (for titles and lists)."""
    rendered = sanitise(_convert(text or ""))
    return html.unescape(re.sub(r"\s+", " ", nh3.clean(rendered, tags=set())).strip())
