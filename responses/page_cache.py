"""The document part of the document page, cached by content.

``templates/responses/_document.html`` (the title block, I, II and III) is the
costly part of the page: it is rendered once per

    (response, revision, document language, interface language, the user's
     editing rights, template and renderer versions)

and kept in the shared "documents" cache (a file cache by default, so every
gunicorn worker reads what one of them rendered). The revision changes with
every write to anything the document shows (core/revision.py), so an edit shows
at once and nothing has to be deleted. What differs per request stays outside
the cached part, in responses/detail.html: the CSRF token and the CSP nonce
(base.html), messages, the toolbars. The document part holds no per-request
value: the status links' ``?next=`` is the document page's own URL.
"""

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from core import rendered

from .layouts import LAYOUTS

CACHE_ALIAS = "documents"
TEMPLATE = "responses/_document.html"
PAGE_TEMPLATE = "responses/detail.html"
# Every template the document part includes.
TEMPLATES = [
    TEMPLATE,
    *(layout.web_template for layout in LAYOUTS.values()),
    "responses/_recommendation_row.html",
    "actions/_status.html",
    "actions/_overdue.html",
    PAGE_TEMPLATE,
    "base.html",
]

_template_version = None


def template_version() -> str:
    """A hash of the document part's templates and the compiled translations (recomputed with DEBUG)."""
    global _template_version
    if _template_version is None or settings.DEBUG:
        digest = hashlib.sha256(rendered.RENDERER_VERSION.encode())
        files = [Path(get_template(name).origin.name) for name in TEMPLATES]
        for locale_path in settings.LOCALE_PATHS:
            files += sorted(Path(locale_path).glob("*/LC_MESSAGES/django.mo"))
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        _template_version = digest.hexdigest()[:16]
    return _template_version


def cache_key(response, rights) -> str:
    rights_variant = hashlib.sha256(repr(rights).encode()).hexdigest()[:12]
    language = translation.get_language() or settings.LANGUAGE_CODE
    # Today's date too: whether an action is overdue changes at midnight without any write.
    return (
        f"document:{response.pk}:{response.revision}:{response.language}:{language}:{rights_variant}"
        f":{timezone.localdate().isoformat()}:{template_version()}"
    )


# Keys name their content (a new revision is a new key), so each process may keep the
# last few parts it used in memory as well: no file to read for a page seen recently.
_recent = OrderedDict()
_recent_lock = threading.Lock()
RECENT_SIZE = 16


def _recall(key):
    with _recent_lock:
        part = _recent.get(key)
        if part is not None:
            _recent.move_to_end(key)
        return part


def _remember(key, part):
    with _recent_lock:
        _recent[key] = part
        _recent.move_to_end(key)
        while len(_recent) > RECENT_SIZE:
            _recent.popitem(last=False)


def forget_recent():
    """Empty this process's memory of recent parts (tests)."""
    with _recent_lock:
        _recent.clear()


def document_part(response, rights) -> dict:
    """``{"html", "recommendation_count", "action_count"}`` for the document page, from the cache if possible."""
    key = cache_key(response, rights)
    part = _recall(key)
    if part is not None:
        return part
    cache = caches[CACHE_ALIAS]
    part = cache.get(key)
    if part is None:
        document = response.layout_spec.build(response)
        html = render_to_string(
            TEMPLATE,
            {
                "response": response,
                "document": document,
                "rights": rights,
                "LANGUAGE_CODE": translation.get_language() or settings.LANGUAGE_CODE,
                # Where the status editor returns to: this page (never a per-request URL).
                "back": response.get_absolute_url(),
            },
        )
        part = {
            "html": html,
            "recommendation_count": len(document.recommendations),
            "action_count": len(document.actions),
        }
        cache.set(key, part)
    part = {**part, "html": mark_safe(part["html"])}
    _remember(key, part)
    return part


# --- the whole page ------------------------------------------------------------------------
#
# The page around the document part is the same for every request of one visitor on one
# URL, except for the CSRF token and the CSP nonce. It is rendered once with placeholders
# for those two and kept beside the document part; each request puts its own token and
# nonce in (``get_token`` also sets the CSRF cookie as rendering would). A request with
# messages to show, or an htmx request, is rendered normally.

CSRF_PLACEHOLDER = "pagecachecsrfplaceholder"
NONCE_PLACEHOLDER = "pagecachenonceplaceholder"


def page_key(request, response, rights) -> str:
    user = request.user
    visitor = (
        f"{user.pk}:{user.get_username()}:{user.get_full_name()}:{user.is_staff}"
        if user.is_authenticated
        else "anonymous"
    )
    variant = hashlib.sha256(f"{visitor}\0{request.get_full_path()}".encode()).hexdigest()[:16]
    return f"page:{cache_key(response, rights)}:{variant}"


def render_page(request, response, rights, render):
    """The document page for ``request``: ``render(extra_context)`` renders it (with ``document_part``)."""
    if getattr(request, "htmx", False) or len(messages.get_messages(request)):
        return render({})
    key = page_key(request, response, rights)
    html = _recall(key)
    if html is None:
        cache = caches[CACHE_ALIAS]
        html = cache.get(key)
        if html is None:
            http = render({"csrf_token": CSRF_PLACEHOLDER, "csp_nonce": NONCE_PLACEHOLDER})
            html = http.content.decode()
            cache.set(key, html)
        _remember(key, html)
    page = html.replace(CSRF_PLACEHOLDER, get_token(request))
    nonce = get_nonce(request)
    if NONCE_PLACEHOLDER in page:
        page = page.replace(NONCE_PLACEHOLDER, str(nonce))
    return HttpResponse(page)
