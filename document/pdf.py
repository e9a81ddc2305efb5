"""The formal response as PDF, rendered by WeasyPrint.

``render_pdf(response)`` renders templates/print/response.html with the print
stylesheet (static/print/print.css) into a tagged PDF/UA-1 file;
``cached_pdf(response)`` serves it from the "pdf" cache when the response has
not changed since the last export.

WeasyPrint is imported inside the functions that need it: importing it costs
about a second, which commands and web workers that never make a PDF should
not pay.

Security: the narratives are written by users. They pass through the Markdown
sanitiser, but the renderer must not trust that alone: every URL WeasyPrint
wants to load (stylesheets, fonts, images, attachments) goes through
``StaticFilesFetcher``, which serves our own static files and refuses anything
else -- ``file:``, ``data:``, and http(s) to any host, ours included.
"""

import functools
import hashlib
import importlib.metadata
import logging
import mimetypes
import posixpath
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.views.decorators.csp import csp_override

from core import rendered
from core.text import printable
from document.assembly import build_document
from responses.versions import PDF_CSP

logger = logging.getLogger(__name__)

# The document is rendered with this made-up origin as its base URL: the
# template and the stylesheet refer to static files under it, and it is the
# only origin the fetcher serves. ".invalid" is reserved (RFC 2606), so the URL
# could never reach a real host even if something bypassed the fetcher.
STATIC_ORIGIN = "https://static.invalid/"
TEMPLATE = "print/response.html"
STYLESHEET = "print/print.css"
FONTS = "print/fonts/"
PDF_VARIANT = "pdf/ua-1"
CACHE_ALIAS = "pdf"
PENDING_TIMEOUT = 10 * 60  # a render that has not finished by then may be asked for again


class RefusedURL(ValueError):
    """A URL the PDF renderer may not load. WeasyPrint logs it and renders without it."""


def static_path(url: str) -> Path | None:
    """The file of one of our static files for a URL under STATIC_ORIGIN, or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    origin = urlsplit(STATIC_ORIGIN)
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc) or parts.query:
        return None
    relative = unquote(parts.path).lstrip("/")
    # No way out of the static folders: no "..", no backslashes, no NUL.
    if not relative or "\\" in relative or "\0" in relative:
        return None
    normalised = posixpath.normpath(relative)
    if normalised != relative or normalised.startswith(("../", "/")) or normalised == "..":
        return None
    found = finders.find(normalised)
    if found:
        return Path(found)
    # Deployments that only ship collected files.
    root = Path(settings.STATIC_ROOT).resolve()
    candidate = (root / normalised).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return candidate
    return None


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        """Serves files under STATIC_ORIGIN from our static files; refuses every other URL.

        Refusals are raised as exceptions, which WeasyPrint catches: the
        resource is left out and the PDF still renders. ``refused`` lists them
        (for tests and logs).
        """

        def __init__(self, **kwargs):
            # No redirects and no protocols: nothing of urllib's machinery is ever used.
            super().__init__(allowed_protocols=(), allow_redirects=False, **kwargs)
            self.refused = []

        def fetch(self, url, headers=None):
            path = static_path(url)
            if path is None:
                self.refused.append(url)
                logger.warning("PDF export: refused to load %.200s", url)
                raise RefusedURL(f"not one of our static files: {url[:200]}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    return StaticFilesFetcher


def __getattr__(name):
    # ``from document.pdf import StaticFilesFetcher`` imports WeasyPrint only when asked.
    if name == "StaticFilesFetcher":
        return _fetcher_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def render_html(response, *, document=None, as_of=None) -> str:
    """The print template for ``response``, with its fixed labels in the document's language.

    ``document`` and ``as_of``: a past state (publishing/asof.py) and its date, which the title block says."""
    document = document or build_document(response)
    with translation.override(response.language):
        return render_to_string(
            TEMPLATE,
            {
                "response": document.response,
                "document": document,
                "document_date": document.response.document_date(),
                "as_of": as_of,
                "stylesheet_url": STATIC_ORIGIN + STYLESHEET,
            },
        )


def render_pdf(response, *, fetcher=None, document=None, as_of=None) -> bytes:
    """The response as a tagged PDF/UA-1 document (title, author and language in its metadata)."""
    from weasyprint import HTML

    # Rows stored before core.text cleaned every save may still hold U+2029 and the like.
    html = printable(render_html(response, document=document, as_of=as_of))
    fetcher = fetcher or _fetcher_class()()
    return HTML(string=html, base_url=STATIC_ORIGIN, url_fetcher=fetcher).write_pdf(
        finisher=add_header_scopes,
        pdf_variant=PDF_VARIANT,
        # A stable identifier: the same response gives the same document ID in every version.
        pdf_identifier=hashlib.sha256(response.slug.encode()).hexdigest()[:32].encode(),
    )


COMPARISON_TEMPLATE = "print/comparison.html"


def render_comparison_pdf(response, comparison) -> bytes:
    """A comparison (publishing/comparison.py) as a PDF annex, in the house style, through the same fetcher."""
    from weasyprint import HTML

    with translation.override(response.language):
        html = render_to_string(
            COMPARISON_TEMPLATE,
            {
                "response": response,
                "comparison": comparison,
                "document_date": timezone.localdate(),
                "stylesheet_url": STATIC_ORIGIN + STYLESHEET,
            },
        )
    return HTML(string=printable(html), base_url=STATIC_ORIGIN, url_fetcher=_fetcher_class()()).write_pdf(
        finisher=add_header_scopes, pdf_variant=PDF_VARIANT
    )


def add_header_scopes(document, pdf):
    """Give every table header cell of the tagged PDF its scope (PDF/UA checkers ask for it).

    WeasyPrint tags <th> as TH with Headers links but without the Scope attribute: header cells in
    a table's head head their column; those in its body (the matrix's key action, the table's group
    and theme rows) head their row.
    """
    by_reference = {obj.reference: obj for obj in pdf.objects if isinstance(obj, dict)}
    for obj in by_reference.values():
        if obj.get("Type") != "/StructElem" or obj.get("S") != "/TH" or "A" not in obj:
            continue
        row = by_reference.get(obj.get("P"))
        section = by_reference.get(row.get("P")) if row is not None else None
        in_head = section is not None and section.get("S") == "/THead"
        obj["A"]["Scope"] = "/Column" if in_head else "/Row"


_renderer_version_cache = None


def renderer_version() -> str:
    """Changes whenever the PDF could change without the response changing.

    A hash of WeasyPrint's version, the print templates, the stylesheet, the
    fonts and the compiled translations. Computed once per process, except with
    DEBUG, where templates and CSS are edited while the server runs.
    """
    global _renderer_version_cache
    if _renderer_version_cache is None or settings.DEBUG:
        # The installed version, read without importing WeasyPrint (a cache hit should not pay for it).
        digest = hashlib.sha256(importlib.metadata.version("weasyprint").encode())
        template_path = Path(get_template(TEMPLATE).origin.name)
        files = sorted(template_path.parent.rglob("*.html"))
        files += [static_path(STATIC_ORIGIN + name) for name in [STYLESHEET, *_font_files()]]
        for locale_path in settings.LOCALE_PATHS:
            files += sorted(Path(locale_path).glob("*/LC_MESSAGES/django.mo"))
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _renderer_version_cache = digest.hexdigest()
    return _renderer_version_cache


def _font_files():
    folder = finders.find(FONTS.rstrip("/"))
    if not folder:
        return []
    return sorted(FONTS + p.name for p in Path(folder).iterdir() if p.suffix in {".ttf", ".otf", ".woff", ".woff2"})


def cache_key(response) -> str:
    """A hash of what decides the PDF: the response's revision, its date, the renderers.

    The revision changes with every write to anything the document shows
    (core/revision.py), so the key costs no query beyond the response itself.
    """
    return content_key(f"{response.pk}:{response.revision}", response.document_date().isoformat())


def content_key(*parts: str) -> str:
    """A hash of ``parts`` (what decides a PDF) and the renderers' versions: the key a PDF is
    cached under and its ETag (quoted). The document's, the portfolio's and the round reports'."""
    digest = hashlib.sha256()
    for part in (*parts, renderer_version(), rendered.RENDERER_VERSION):
        digest.update(part.encode(errors="surrogatepass") + b"\0")
    return digest.hexdigest()


def pdf_etag(response) -> str:
    """The HTTP ETag of the response's PDF: its quoted cache key."""
    return f'"{cache_key(response)}"'


def _entry(etag: str) -> str:
    return "response-pdf:" + etag.strip('"')


def _pending(etag: str) -> str:
    return "response-pdf-pending:" + etag.strip('"')


def cached_pdf_or_none(etag: str) -> bytes | None:
    """The PDF for ``etag`` if it has been rendered, else None. Never renders."""
    return caches[CACHE_ALIAS].get(_entry(etag))


def schedule(etag: str, enqueue) -> bool:
    """Call ``enqueue()`` (which enqueues a task that renders the PDF keyed ``etag``) unless that PDF
    is cached or a render of it is pending. Returns True when it was called.

    The pending mark (in the shared PDF cache) is keyed by the PDF's key, so each version is
    rendered at most once however many saves or requests ask for it. Any PDF keyed by a content
    hash can use this: the response's document here, the portfolio report (tracking/pdf.py).
    """
    cache = caches[CACHE_ALIAS]
    if cache.has_key(_entry(etag)):
        return False
    if not cache.add(_pending(etag), True, timeout=PENDING_TIMEOUT):
        return False
    try:
        enqueue()
    except Exception:
        cache.delete(_pending(etag))
        raise
    return True


def store(etag: str, data: bytes) -> None:
    caches[CACHE_ALIAS].set(_entry(etag), data)


@contextmanager
def rendering(etag: str):
    """Around a task's render of the PDF keyed ``etag``: however it ends, it is no longer pending."""
    try:
        yield
    finally:
        caches[CACHE_ALIAS].delete(_pending(etag))


def wait_for(etag: str, *, seconds: float, enqueue) -> bytes | None:
    """The PDF keyed ``etag`` once a background render has cached it (scheduled with ``enqueue`` if
    needed), waiting at most ``seconds``; None if not ready."""
    schedule(etag, enqueue)
    deadline = time.monotonic() + seconds
    while True:
        data = cached_pdf_or_none(etag)
        if data is not None or time.monotonic() >= deadline:
            return data
        time.sleep(0.1)


def schedule_render(response, *, etag=None) -> bool:
    """Enqueue a background render of the response's PDF unless it is cached or one is pending.

    Returns True when a task was enqueued.
    """
    etag = etag or pdf_etag(response)
    return schedule(etag, lambda: _enqueue(response.pk, etag))


def _enqueue(response_id, etag):
    from .tasks import render_pdf_task

    render_pdf_task.enqueue(response_id, etag)


def render_in_background(response_id: int, etag: str) -> bool:
    """The task's work: render and cache the PDF for ``etag`` if it is still the response's current one."""
    from responses.models import ManagementResponse

    with rendering(etag):
        response = ManagementResponse.objects.filter(pk=response_id).first()
        if response is None or pdf_etag(response) != etag:
            return False  # deleted, or changed again since: that change scheduled its own render
        cached_pdf(response, etag=etag)
        return True


def wait_for_pdf(response, *, etag, seconds: float) -> bytes | None:
    """The PDF once the background render has cached it, waiting at most ``seconds``; None if not ready."""
    return wait_for(etag, seconds=seconds, enqueue=lambda: _enqueue(response.pk, etag))


RETRY_SECONDS = 3


@csp_override(PDF_CSP)
def pdf_answer(request, http):
    """``http`` -- a PDF, or the 304 that revalidates one -- with the PDF's CSP (Django's
    ``csp_override``). For the views that answer either a PDF or the "being prepared" page:
    only the PDF goes through here."""
    return http


def being_prepared(request, *, retry_url, back_url, back_label, response=None):
    """202: the PDF is being rendered; the page asks again by itself, by a meta refresh and a
    Retry-After (no ETag: there is nothing to revalidate)."""
    from django.shortcuts import render

    http = render(
        request,
        "document/pdf_pending.html",
        {
            "response": response,
            "retry_seconds": RETRY_SECONDS,
            "retry_url": retry_url,
            "back_url": back_url,
            "back_label": back_label,
        },
        status=202,
    )
    http["Retry-After"] = str(RETRY_SECONDS)
    http["Cache-Control"] = "no-store"
    return http


def cached_pdf(response, *, etag=None) -> tuple[bytes, str]:
    """The PDF and its ETag, rendered only when the response changed since the last export.

    ``etag`` saves computing the key again when the caller already has it (from ``pdf_etag``).
    """
    etag = etag or pdf_etag(response)
    cache = caches[CACHE_ALIAS]
    cache_entry = _entry(etag)
    pdf = cache.get(cache_entry)
    if pdf is None:
        pdf = render_pdf(response)
        cache.set(cache_entry, pdf)
    return pdf, etag
