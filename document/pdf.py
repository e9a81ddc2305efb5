"""The formal response as PDF, rendered by WeasyPrint.

``render_pdf(response)`` renders templates/print/response.html with the print
stylesheet (static/print/print.css) into a tagged PDF/UA-1 file; every PDF of the
application is written by ``write_pdf``, in a process of its own bounded in time and
memory (core/bounded.py; ``TooComplex`` past the bounds). ``cached_pdf(response)``
serves it from the "pdf" cache when the response has not changed since the last export.

Renders run in the task worker only: ``serve`` answers a request for any PDF at once (the
PDF, 304, or 202 with a render queued and the previous rendering offered, or why it cannot
be made); ``schedule_after_edits`` makes a burst of saves one render. docs/pdf.md says how.

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
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csp import csp_override

from core import bounded, rendered
from core.text import printable
from document.assembly import MATRIX_COLUMN_SHARES, build_document
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
FAILURE_TIMEOUT = 60 * 60  # a render past its bounds is tried again after this, if asked


class TooComplex(Exception):
    """A render went past its time or memory bound (settings.PDF_RENDER_SECONDS, PDF_RENDER_MEMORY_MIB),
    or failed inside WeasyPrint. ``reason`` is "time", "memory" or "error"; ``detail`` says more.
    ``message()`` is what the reader sees, in the active language."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail

    def message(self) -> str:
        return failure_message({"reason": self.reason, "detail": self.detail})


def failure_message(failure: dict) -> str:
    reason, detail = failure.get("reason"), failure.get("detail", "")
    if reason == "time":
        why = _("de opmaak duurde langer dan %(limit)s.") % {"limit": detail}
    elif reason == "memory":
        why = _("de opmaak had meer dan %(limit)s geheugen nodig.") % {"limit": detail}
    else:
        why = _("de opmaak mislukte (%(error)s).") % {"error": detail}
    return _("Dit document is te complex om af te drukken: %(why)s") % {"why": why}


class Outdated(Exception):
    """A render stopped because the response's revision moved on while it ran (``keep_going``):
    nobody will be served that PDF. Not a failure: nothing is recorded, the next revision renders."""


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


def render_pdf(response, *, fetcher=None, document=None, as_of=None, keep_going=None) -> bytes:
    """The response as a tagged PDF/UA-1 document (title, author and language in its metadata).

    Within the render bounds (``write_pdf``): raises ``TooComplex`` past them, and ``Outdated``
    when ``keep_going`` (asked about once a second during the render) returns False."""
    # A stable identifier: the same response gives the same document ID in every version.
    html = render_html(response, document=document, as_of=as_of)
    return write_pdf(html, identifier=response.slug, fetcher=fetcher, keep_going=keep_going)


def unchanged(response) -> bool:
    """Whether ``response`` is still at the revision it was read at (one query). A database that
    cannot answer just now counts as unchanged: the render goes on."""
    from django.db import DatabaseError

    from responses.models import ManagementResponse

    try:
        return ManagementResponse.objects.filter(pk=response.pk, revision=response.revision).exists()
    except DatabaseError:
        return True


# A run of this many characters without a break opportunity gets one (U+200B, zero width) after
# each such run. WeasyPrint breaks an unbreakable run (overflow-wrap: anywhere) by shaping the
# rest of the run again for every line: quadratic in the run's length (100,000 "[" took minutes).
# With a break opportunity every 40 characters each line is shaped once. Only text between tags
# is touched, never a tag, an attribute or an entity.
UNBROKEN_RUN = 40
_LONG_RUN = re.compile(r"[^\s<>&\u200b]{%d}(?=[^\s<>&\u200b])" % UNBROKEN_RUN)
_TEXT = re.compile(r">([^<]{%d,})<" % (UNBROKEN_RUN + 1))


def breakable(html: str) -> str:
    """``html`` with a zero-width break opportunity in every run of text longer than UNBROKEN_RUN."""

    def text(match):
        return ">" + _LONG_RUN.sub(lambda run: run.group(0) + "\u200b", match.group(1)) + "<"

    return _TEXT.sub(text, html)


def write_pdf(html: str, *, identifier: str | None = None, fetcher=None, keep_going=None) -> bytes:
    """``html`` (a print template, stylesheet under STATIC_ORIGIN) as a tagged PDF/UA-1 file.

    Every PDF of the application is made here, by WeasyPrint in a child process bounded in time
    and memory (core/bounded.py; settings.PDF_RENDER_SECONDS and PDF_RENDER_MEMORY_MIB): a text
    that would take minutes or gigabytes to lay out ends with ``TooComplex``, and the process that
    asked (the task worker) goes on, its memory unchanged by the render. ``identifier`` seeds the
    PDF's document ID (stable across versions of one thing). The render always loads through
    ``StaticFilesFetcher``; a ``fetcher`` given here gets the URLs that were refused. ``keep_going``
    (core/bounded.py): asked about once a second; False stops the render with ``Outdated``.
    """
    # Rows stored before core.text cleaned every save may still hold U+2029 and the like.
    html = breakable(printable(html))
    pdf_identifier = hashlib.sha256(identifier.encode()).hexdigest()[:32].encode() if identifier else None
    try:
        data, refused = bounded.run(
            "document.render_process:write_pdf",  # imported in the render's process, not here
            html,
            pdf_identifier,
            seconds=settings.PDF_RENDER_SECONDS,
            memory_mib=settings.PDF_RENDER_MEMORY_MIB,
            preload=["document.render_process"],
            keep_going=keep_going,
        )
    except bounded.Abandoned:
        raise Outdated() from None
    except bounded.TimeLimit:
        raise TooComplex("time", f"{settings.PDF_RENDER_SECONDS:g} s") from None
    except bounded.MemoryLimit:
        raise TooComplex("memory", f"{settings.PDF_RENDER_MEMORY_MIB} MiB") from None
    except bounded.ChildFailed as error:
        raise TooComplex("error", str(error)[:300]) from None
    if fetcher is not None:  # the caller's, to read what was refused (tests, logs)
        fetcher.refused.extend(url for url in refused if url not in fetcher.refused)
    return data


COMPARISON_TEMPLATE = "print/comparison.html"


def render_comparison_pdf(response, comparison) -> bytes:
    """A comparison (publishing/comparison.py) as a PDF annex, in the house style, through the same fetcher."""
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
    return write_pdf(html)


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
    fonts, the compiled translations and the matrix's column shares. Computed once per process, except with
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
        # The matrix's column widths are computed here, not written in a template or the stylesheet.
        digest.update(repr(sorted(MATRIX_COLUMN_SHARES.items())).encode())
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


def _failed(etag: str) -> str:
    return "response-pdf-failed:" + etag.strip('"')


def _latest(key: str) -> str:
    return "response-pdf-latest:" + key


def cached_pdf_or_none(etag: str) -> bytes | None:
    """The PDF for ``etag`` if it has been rendered, else None. Never renders."""
    return caches[CACHE_ALIAS].get(_entry(etag))


def failure(etag: str) -> dict | None:
    """Why the PDF for ``etag`` could not be made (``{"reason", "detail"}``: ``failure_message``), or None."""
    return caches[CACHE_ALIAS].get(_failed(etag))


def schedule(etag: str, enqueue) -> bool:
    """Call ``enqueue()`` (which enqueues a task that renders the PDF keyed ``etag``) unless that PDF
    is cached, has failed, or a render of it is pending. Returns True when it was called.

    The pending mark (in the shared PDF cache) is keyed by the PDF's key, so each version is
    rendered at most once however many saves or requests ask for it. Any PDF keyed by a content
    hash can use this: the response's document here, the portfolio report (tracking/pdf.py).
    """
    cache = caches[CACHE_ALIAS]
    if cache.has_key(_entry(etag)) or cache.has_key(_failed(etag)):
        return False
    if not cache.add(_pending(etag), True, timeout=PENDING_TIMEOUT):
        return False
    try:
        enqueue()
    except Exception:
        cache.delete(_pending(etag))
        raise
    return True


def store(etag: str, data: bytes, *, latest: str | None = None, label: dict | None = None) -> None:
    """Keep the PDF for ``etag``; with ``latest``, remember it as the newest rendering of that
    thing (``previous``), with ``label`` (what the reader is told about it: its date, its revision)."""
    cache = caches[CACHE_ALIAS]
    cache.set(_entry(etag), data)
    if latest:
        cache.set(_latest(latest), {"etag": etag, "rendered_at": timezone.now().isoformat(), **(label or {})})


def previous(key: str, *, current_etag: str) -> tuple[bytes, dict] | None:
    """The newest rendering remembered under ``key`` (``store(latest=...)``) that is not the
    current one, with its label, while the cache still holds it; else None."""
    cache = caches[CACHE_ALIAS]
    label = cache.get(_latest(key))
    if not label or label["etag"] == current_etag:
        return None
    data = cache.get(_entry(label["etag"]))
    return (data, label) if data is not None else None


@contextmanager
def rendering(etag: str):
    """Around a task's render of the PDF keyed ``etag``: however it ends, it is no longer pending.

    A render that goes past its bounds (``TooComplex``) is recorded as failed for ``etag``: the
    PDF's page says why, and the task ends normally (the worker goes on with the next one). The
    same content is not tried again for FAILURE_TIMEOUT (a busy machine may have been the cause),
    or until it changes (a new revision is a new key)."""
    cache = caches[CACHE_ALIAS]
    try:
        yield
    except Outdated:
        logger.info("PDF %s not finished: its revision moved on", etag)
    except TooComplex as error:
        logger.warning("PDF %s not made: %s", etag, error)
        cache.set(_failed(etag), {"reason": error.reason, "detail": error.detail}, timeout=FAILURE_TIMEOUT)
    finally:
        cache.delete(_pending(etag))


def render_once(etag: str, make) -> bool:
    """In a task: ``make()`` (which renders and stores the PDF keyed ``etag``) unless that PDF is
    cached, has failed, or another render of it is queued or running. For renders nobody asked
    for yet (after a burst of saves): a request's render (``schedule``) holds the pending mark."""
    cache = caches[CACHE_ALIAS]
    if cache.has_key(_entry(etag)) or cache.has_key(_failed(etag)):
        return False
    if not cache.add(_pending(etag), True, timeout=PENDING_TIMEOUT):
        return False
    with rendering(etag):
        make()
        return True
    return False  # too complex: recorded by rendering()


def schedule_render(response, *, etag=None) -> bool:
    """Enqueue a background render of the response's PDF now (a reader asked for it) unless it is
    cached, failed, or one is pending. Returns True when a task was enqueued.
    """
    etag = etag or pdf_etag(response)
    return schedule(etag, lambda: enqueue_render(response.pk, etag))


def enqueue_render(response_id, etag):
    from .tasks import render_pdf_task

    render_pdf_task.enqueue(response_id, etag)


def latest_key(response_id) -> str:
    return f"document:{response_id}"


def render_in_background(response_id: int, etag: str) -> bool:
    """The task's work: render and cache the PDF for ``etag`` if it is still the response's current one."""
    from responses.models import ManagementResponse

    with rendering(etag):
        response = ManagementResponse.objects.filter(pk=response_id).first()
        if response is None or pdf_etag(response) != etag:
            return False  # deleted, or changed again since: a render of an outdated revision is not started
        if cached_pdf_or_none(etag) is None:
            _render_and_store(response, etag)
        return True
    return False  # too complex: recorded by rendering()


def _render_and_store(response, etag):
    # Stopped when the response moves on while it renders (``unchanged``, once a second): nobody
    # would be served this PDF, and under steady edits the render of the latest revision, which a
    # reader's request or the debounced task queues, then starts at once when the edits stop,
    # instead of after the end of an outdated one (benchmarks/steady.py).
    store(
        etag,
        render_pdf(response, keep_going=lambda: unchanged(response)),
        latest=latest_key(response.pk),
        label={"revision": response.revision, "public": response.is_published},
    )


# --- renders after saves: one per burst ----------------------------------------------------


def _debounce(response_id) -> str:
    return f"response-pdf-after-edits:{response_id}"


def schedule_after_edits(response_id: int) -> bool:
    """After a save (core.revision's after-commit hook): make sure one render of the response's PDF
    follows once its edits settle. Returns True when a task was enqueued.

    A burst of saves enqueues one task: the first save sets a mark per response (one cache add,
    no query), the others find it. The task (``render_after_edits``) runs PDF_DEBOUNCE_SECONDS
    later and renders only when the revision has not moved since its previous look; otherwise it
    looks again after another PDF_DEBOUNCE_SECONDS. A reader who asks for the PDF meanwhile gets
    a render at once (``schedule_render``) and the previous rendering if they want it.
    """
    if not caches[CACHE_ALIAS].add(_debounce(response_id), True, timeout=PENDING_TIMEOUT):
        return False
    try:
        _enqueue_after_edits(response_id, None)
    except Exception:
        caches[CACHE_ALIAS].delete(_debounce(response_id))
        raise
    return True


def _enqueue_after_edits(response_id, seen_revision):
    import datetime

    from .tasks import render_after_edits_task

    delay = datetime.timedelta(seconds=settings.PDF_DEBOUNCE_SECONDS)
    render_after_edits_task.using(run_after=timezone.now() + delay).enqueue(response_id, seen_revision)


def render_after_edits(response_id: int, seen_revision: int | None) -> bool:
    """The debounced task's work (``schedule_after_edits``). Returns True when it rendered."""
    from responses.models import ManagementResponse

    cache = caches[CACHE_ALIAS]
    response = ManagementResponse.objects.filter(pk=response_id).first()
    if response is None:
        cache.delete(_debounce(response_id))
        return False
    if response.revision != seen_revision:
        # Still being edited (or the first look): look again once the edits may have settled.
        cache.set(_debounce(response_id), True, timeout=PENDING_TIMEOUT)
        _enqueue_after_edits(response_id, response.revision)
        return False
    # Settled. From here on a save schedules the next round; this one renders what it saw.
    cache.delete(_debounce(response_id))
    etag = pdf_etag(response)
    return render_once(etag, lambda: _render_and_store(response, etag))


RETRY_SECONDS = 3


@csp_override(PDF_CSP)
def pdf_answer(request, http):
    """``http`` -- a PDF, or the 304 that revalidates one -- with the PDF's CSP (Django's
    ``csp_override``). For the views that answer either a PDF or the "being prepared" page:
    only the PDF goes through here."""
    return http


def being_prepared(request, *, retry_url, back_url, back_label, response=None, failed=None, previous=None):
    """202: the PDF is being rendered; the page asks again by itself, by a meta refresh and a
    Retry-After (no ETag: there is nothing to revalidate).

    ``failed`` (a ``failure`` record): the PDF cannot be made; the page says why (422), without
    refreshing. ``previous``: the label of the previous rendering (``previous()``), offered with
    its date and revision at ``?previous=1``."""
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
            "failure": failure_message(failed) if failed else None,
            "previous": _previous_context(previous, retry_url),
        },
        status=422 if failed else 202,
    )
    if not failed:
        http["Retry-After"] = str(RETRY_SECONDS)
    http["Cache-Control"] = "no-store"
    return http


def _previous_context(label, url):
    if not label:
        return None
    import datetime

    separator = "&" if "?" in url else "?"
    return {
        "url": f"{url}{separator}previous=1",
        "rendered_at": timezone.localtime(datetime.datetime.fromisoformat(label["rendered_at"])),
        "revision": revision_label(label.get("revision")),
    }


def revision_label(revision) -> str:
    """A short, readable name for a revision (a random 62-bit number): its first 8 hex digits."""
    return f"{int(revision):016x}"[:8] if revision is not None else ""


def previous_filename(name: str, label: dict) -> str:
    """``name`` (``x.pdf``) marked as an earlier rendering: ``x-vorige-2026-12-02-0712-1a2b3c4d.pdf``."""
    import datetime

    when = timezone.localtime(datetime.datetime.fromisoformat(label["rendered_at"])).strftime("%Y-%m-%d-%H%M")
    stem = name.removesuffix(".pdf")
    revision = revision_label(label.get("revision"))
    return f"{stem}-{_('vorige')}-{when}{'-' + revision if revision else ''}.pdf"


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


def serve(request, *, etag, enqueue, filename, public=False, prepared, latest=None, previous_allowed=None):
    """The answer to a request for a PDF keyed ``etag``, never waiting for a render:

    * 304 when the browser has it (``If-None-Match``), the PDF when it is in the cache;
    * else, when its render failed (too complex), the page that says why (422);
    * else a render is queued (``enqueue``, once: ``schedule``) and 202 with the page that asks
      again by itself (``being_prepared(**prepared)``), which offers the previous rendering
      remembered under ``latest`` when there is one (``previous_allowed(label)`` decides whether
      this visitor may have it); ``?previous=1`` serves that one, its file named with its date and
      revision.

    ``public``: a shared cache may keep it (``Cache-Control``); ``no-cache`` in every case, so
    each use revalidates and an edit shows at once.
    """
    from django.http import HttpResponse
    from django.utils.cache import get_conditional_response

    def earlier():
        found = previous(latest, current_etag=etag) if latest else None
        if found is not None and previous_allowed is not None and not previous_allowed(found[1]):
            return None
        return found

    cache_control = f"{'public' if public else 'private'}, no-cache"
    http = get_conditional_response(request, etag=etag)
    if http is None:
        data = cached_pdf_or_none(etag)
        if data is None:
            found = earlier()
            if found is not None and request.GET.get("previous") == "1":
                data, label = found
                http = HttpResponse(data, content_type="application/pdf")
                http["Content-Disposition"] = f'inline; filename="{previous_filename(filename, label)}"'
                http["Cache-Control"] = "private, no-cache"
                return pdf_answer(request, http)
            failed = failure(etag)
            if failed is None:
                schedule(etag, enqueue)
            retry = request.get_full_path()
            if request.GET.get("previous") == "1":
                query = request.GET.copy()
                del query["previous"]
                retry = request.path + (f"?{query.urlencode()}" if query else "")
            return being_prepared(
                request, retry_url=retry, failed=failed, previous=found[1] if found else None, **prepared
            )
        http = HttpResponse(data, content_type="application/pdf")
        # inline: the browser shows it; saving it proposes the file name.
        http["Content-Disposition"] = f'inline; filename="{filename}"'
    http["ETag"] = etag
    http["Cache-Control"] = cache_control
    return pdf_answer(request, http)
