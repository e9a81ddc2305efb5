"""The one text format of the application: Markdown, rendered through a sanitiser.

Introduction, narratives, recommendation texts and justifications are stored as
Markdown (see docs/interchange.md). Rendering turns them into HTML that is safe
to put in a page or a PDF whatever the author typed: nh3 (ammonia) keeps only
the tags the format produces and links to http(s) and mailto; ids survive only
where the renderer made them (footnote anchors), and images are not kept at all
(user text must not make the browser or the PDF fetch paths it chose).

The parser is markdown-it-py (CommonMark), whose work grows linearly with the
input; a small guard rule (``_unmatched_brackets``) takes runs of ``[`` that can
never close as plain text in one step, so hostile texts such as 100,000 ``[`` stay
well within a second (benchmarks/hostile.py).

Footnotes are rendered two ways: for the screen, a numbered list at the end of
the text; for print, inline at the call as ``<span class="footnote">``, so that
WeasyPrint's ``float: footnote`` puts the note at the foot of the page of its call.
A note called again later in the text is printed once: the later calls are
``<a class="footnote-again">`` links to it, which print its number.
"""

import functools
import hashlib
import html
import re

import nh3
from django.core.exceptions import ValidationError
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_ref

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
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "sup": {"id"},
    "li": {"id"},
    # An ordered list that starts at 5 prints from 5; <ol type="a"> (written as HTML) is lettered,
    # <ol type="i"> roman.
    "ol": {"start", "type"},
    "span": {"id"},
}
ALLOWED_CLASSES = {
    "div": {"footnote"},
    "span": {"footnote"},
    "a": {"footnote-ref", "footnote-backref", "footnote-again"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# The only ids that survive: the renderer's footnote anchors (fn-<prefix>:<label>, fnref2-<prefix>:<label>).
FOOTNOTE_ID = re.compile(r"fn(?:ref\d*)?(?:-[A-Za-z0-9_-]+)?:[^\s\"'<>]+")


def _keep_attribute(tag, attribute, value):
    if attribute == "id" and not FOOTNOTE_ID.fullmatch(value):
        return None
    if attribute == "start" and not (value.isdigit() and len(value) <= 9):
        return None
    if attribute == "type" and value not in ("1", "a", "A", "i", "I"):
        return None
    return value


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_keep_attribute,
    )


# --- the parser ---------------------------------------------------------------------------


def _closers(src):
    """For each ``[`` in ``src``, the position of the ``]`` that closes it, or None.

    Brackets pair up as in a link text (nested pairs balance; backslash escapes are
    skipped). Code spans are not looked into, so a ``[`` inside one may look open or
    closed; the guard below only acts on brackets that nothing can make a link of.
    """
    closers: dict[int, int | None] = {}
    open_at: list[int] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            open_at.append(i)
            closers[i] = None
        elif c == "]" and open_at:
            closers[open_at.pop()] = i
        i += 1
    return closers


def _inert(src, pos, closers, env):
    """True when the ``[`` at ``pos`` cannot start a link, an image or a footnote call."""
    close = closers.get(pos)
    if close is None:
        return True  # nothing closes it
    if env.get("references") or (env.get("footnotes") or {}).get("refs"):
        return False  # "[label]" and "[^label]" may refer to a definition
    return src[close + 1 : close + 2] != "("  # an inline link needs "](" ...


def _unmatched_brackets(state, silent):
    """Inline rule before ``link``: a run of ``[`` (or ``![``) that cannot open a link is text.

    markdown-it-py is linear, but each ``[`` it tries as a link costs it tens of
    microseconds; a run of them that cannot be links is taken here in one step.
    """
    pos = state.pos
    src = state.src
    if src[pos] not in "[!":
        return False
    cache = state.env.setdefault("_closers", {})
    entry = cache.get(id(src))
    if entry is None or entry[0] is not src:
        entry = cache[id(src)] = (src, _closers(src))
    closers = entry[1]
    end, limit = pos, state.posMax
    while end < limit:
        c = src[end]
        if c == "[" and _inert(src, end, closers, state.env):
            end += 1
        elif c == "!" and src[end + 1 : end + 2] == "[" and _inert(src, end + 1, closers, state.env):
            end += 2
        elif c == "^" and end > pos:
            end += 1
        else:
            break
    if end == pos:
        return False
    if not silent:
        state.pending += src[pos:end]
    state.pos = end
    return True


def _footnote_ref(self, tokens, idx, options, env):
    meta = tokens[idx].meta
    if env.get("inline_footnotes"):
        # The first call of a note carries it (a footnote at the foot of the page); a later call of
        # the same note refers to it by its number (print.css: target-counter), as on the screen.
        # Each call a footnote of its own made WeasyPrint's layout superlinear (500 calls: minutes).
        anchor = f"fn{_anchor(meta['label'], env)}"
        if meta.get("subId", 0):
            return f'<a class="footnote-again" href="#{anchor}"></a>'
        return f'<span class="footnote" id="{anchor}">{env["notes"].get(meta["id"], "")}</span>'
    label = _anchor(meta["label"], env)
    sub = meta.get("subId", 0)
    ref = f"fnref{sub + 1 if sub else ''}{label}"
    return f'<sup id="{ref}"><a class="footnote-ref" href="#fn{label}">{meta["id"] + 1}</a></sup>'


def _footnote_anchor(self, tokens, idx, options, env):
    # One way back, to the first call: a note called 19,000 times does not get 19,000 arrows.
    meta = tokens[idx].meta
    if meta.get("subId", 0):
        return ""
    return f'&#160;<a class="footnote-backref" href="#fnref{_anchor(meta["label"], env)}" title="">↩</a>'


def _anchor(label, env):
    prefix = env.get("prefix")
    return f"{'-' + prefix if prefix else ''}:{html.escape(label or '')}"


def _footnote_open(self, tokens, idx, options, env):
    return f'<li id="fn{_anchor(tokens[idx].meta["label"], env)}">'


def _make_parser():
    md = MarkdownIt("commonmark", {"html": True})
    md.use(footnote_plugin, inline=False)
    # A footnote call is tried before a link: "[^1]" is a call when the note exists (as in
    # Python-Markdown), and the link rule's label scan is not paid for every call.
    md.inline.ruler.before("link", "footnote_call", functools.partial(footnote_ref, always_match=False))
    md.inline.ruler.before("link", "unmatched_brackets", _unmatched_brackets)
    md.add_render_rule("footnote_ref", _footnote_ref)
    md.add_render_rule("footnote_anchor", _footnote_anchor)
    md.add_render_rule("footnote_open", _footnote_open)
    md.add_render_rule("footnote_close", lambda self, tokens, idx, options, env: "</li>\n")
    md.add_render_rule(
        "footnote_block_open", lambda self, tokens, idx, options, env: '<div class="footnote">\n<hr>\n<ol>\n'
    )
    md.add_render_rule("footnote_block_close", lambda self, tokens, idx, options, env: "</ol>\n</div>\n")
    return md


_md = _make_parser()


def _convert(text: str, *, prefix: str = "", inline_footnotes: bool = False) -> str:
    env = {"prefix": prefix, "inline_footnotes": inline_footnotes}
    tokens = _md.parse(text, env)
    if inline_footnotes:
        tokens = _inline_notes(tokens, env)
    return _md.renderer.render(tokens, _md.options, env)


def _inline_notes(tokens, env):
    """Take the footnote list off the end; render each note once, for its calls to use."""
    if not tokens or tokens[-1].type != "footnote_block_close":
        env["notes"] = {}
        return tokens
    start = max(i for i, token in enumerate(tokens) if token.type == "footnote_block_open")
    notes: dict[int, str] = {}
    body: list[Token] = []
    current: int | None = None
    for token in tokens[start + 1 : -1]:
        if token.type == "footnote_open":
            current, body = token.meta["id"], []
        elif token.type == "footnote_close":
            rendered = _md.renderer.render(body, _md.options, {"inline_footnotes": True, "notes": {}}).strip()
            # A note is one run of text at its call: its paragraphs become line breaks.
            rendered = re.sub(r"</p>\s*<p>", "<br>", rendered)
            assert current is not None, "a footnote_close follows its footnote_open"
            notes[current] = re.sub(r"^<p>(.*)</p>$", r"\1", rendered, flags=re.DOTALL)
        elif token.type != "footnote_anchor":
            body.append(token)
    env["notes"] = notes
    return tokens[:start]


# The distinct footnotes one text may call. WeasyPrint lays the footnote area of a page out again
# for every note it places or moves on (docs/pdf.md): notes that do not fit the page of their call
# make the render quadratic (and past about 150 it leaves some out). At this limit, with every text
# of the seed at the limit and its notes called one after another (the worst layout), the seed
# prints in a quarter of the render bound on a loaded machine; 50 took more than half of it
# (benchmarks/footnotes.py; benchmarks/README.md, "Footnotes"). Real documents have a few notes.
MAX_FOOTNOTES = 25


def footnote_count(text: str) -> int:
    """The distinct footnotes ``text`` calls: each prints as a note of its own (a note called again
    prints its number, and a note never called does not print)."""
    if not text or "[^" not in text:
        return 0
    env: dict = {}
    _md.parse(text.replace("\r\n", "\n"), env)
    return len((env.get("footnotes") or {}).get("list") or {})


def validate_footnotes(text: str) -> None:
    """A field validator (every Markdown field has it: core.rendered.MarkdownField): at most
    MAX_FOOTNOTES distinct footnotes."""
    if not text or text.count("[^") <= MAX_FOOTNOTES:
        return  # no more calls than that: the parse is not needed
    count = footnote_count(text)
    if count > MAX_FOOTNOTES:
        raise ValidationError(
            _("Te veel voetnoten: %(count)s verschillende; ten hoogste %(max)s per tekst."),
            code="footnotes",
            params={"count": count, "max": MAX_FOOTNOTES},
        )


def render(text: str, *, prefix: str = "", footnotes: str = "end") -> SafeString:
    """Markdown to sanitised HTML.

    ``prefix`` keeps footnote anchors unique when several texts share a page;
    ``footnotes="inline"`` puts each note at its call (for print).
    """
    if not text:
        return mark_safe("")
    text = text.replace("\r\n", "\n")
    if footnotes == "inline" and not prefix:
        # Print: the notes' anchors must differ between the texts of one document.
        prefix = "p" + hashlib.blake2b(text.encode(errors="surrogatepass"), digest_size=4).hexdigest()
    return mark_safe(sanitise(_convert(text, prefix=prefix, inline_footnotes=footnotes == "inline")))


@functools.lru_cache(maxsize=2048)
def reader_text(text: str) -> str:
    """A Markdown text as its reader sees it, without markup: each paragraph and list item on a line of
    its own ("• " before an item). What the comparison of versions compares."""
    rendered = sanitise(_convert(text or ""))
    rendered = re.sub(r"<li\b[^>]*>", "• ", rendered)
    rendered = re.sub(r"</(?:p|li|h\d|blockquote|tr|div|pre)>|<br\s*/?>", "\n", rendered)
    text = html.unescape(nh3.clean(rendered, tags=set())).replace("↩", "")  # a footnote's way back
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def plain(text: str) -> str:
    """The first words of a Markdown text, without markup (for titles and lists)."""
    rendered = sanitise(_convert(text or ""))
    return html.unescape(re.sub(r"\s+", " ", nh3.clean(rendered, tags=set())).strip())
