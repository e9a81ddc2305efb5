"""The document page, cached in two layers: fragments by content, the page by revision.

**Fragments.** ``templates/responses/_document.html`` (the title block, I, II and
III) is made of one fragment per recommendation (a table row, or a matrix block)
and, in the table layout, one per action section of chapter II (the layout names
them: responses/layouts.py). Each fragment is rendered once per

    (what it shows -- the values of its rows and of the rows it links to --,
     response, document language, interface language, the user's editing rights,
     today's date, template and renderer versions)

and kept in this process's memory; a render of many fragments at once (a new
process, a new day) is shared through the "documents" cache (a file cache by
default, so every gunicorn worker reads what one of them rendered). The key holds
the values themselves, not a version number, so that no write path can leave a
fragment stale: after an edit, only the fragments that show the edited rows are
rendered again, and the document is assembled around the others.

**The page.** The page around the document part is the same for every request of
one visitor on one URL, except for the CSRF token and the CSP nonce. It is kept
in this process's memory by the response's revision (core/revision.py, which
moves with every write), rendered with placeholders for the token and the nonce,
and each request puts its own in (``get_token`` also sets the CSRF cookie as
rendering would). A request with messages to show, or an htmx request, is
rendered normally. The fragments hold no per-request value: the status links'
``?next=`` is the document page's own URL.
"""

import hashlib
import operator
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
    *(layout.recommendation_template for layout in LAYOUTS.values()),
    *(layout.action_template for layout in LAYOUTS.values() if layout.action_template),
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


def _variant(response, rights) -> str:
    """What every fragment and page of ``response`` for these rights and languages, today, shares."""
    rights_variant = hashlib.sha256(repr(rights).encode()).hexdigest()[:12]
    language = translation.get_language() or settings.LANGUAGE_CODE
    # Today's date too: whether an action is overdue changes at midnight without any write.
    return (
        f"{response.pk}:{response.language}:{language}:{rights_variant}"
        f":{timezone.localdate().isoformat()}:{template_version()}"
    )


# --- memory of this process ------------------------------------------------------------------
#
# Keys name their content (new content is a new key), so each process may keep what it
# rendered recently: the last few pages, and the fragments of the documents it showed.


class _Recent:
    """A small thread-safe LRU map."""

    def __init__(self, size):
        self.size = size
        self.items = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value):
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self):
        with self.lock:
            self.items.clear()


_pages = _Recent(16)
_fragments = _Recent(20_000)


def forget_recent():
    """Empty this process's memory of recent pages and fragments (tests)."""
    _pages.clear()
    _fragments.clear()


# --- fragments -------------------------------------------------------------------------------

# A render of at least this many fragments is shared with the other processes, and a
# process missing at least this many looks there first (below it, rendering is cheaper
# than reading and writing the shared table).
SHARE_AT = 20


_getters = {}


def _values(instance) -> tuple:
    """Every stored value of ``instance`` but the rendered HTML (a function of the text, which is in)."""
    model = type(instance)
    getter = _getters.get(model)
    if getter is None:
        names = [
            field.attname for field in model._meta.concrete_fields if not isinstance(field, rendered.RenderedHTMLField)
        ]
        # From the instance's dict, past the fields' descriptors (a foreign key's costs a Python call).
        getter = _getters[model] = operator.itemgetter(*names)
    try:
        return getter(instance.__dict__)
    except KeyError:  # a deferred field: load it as reading the attribute would
        instance.refresh_from_db(fields=instance.get_deferred_fields() - set(rendered.rendered_field_names(model)))
        return getter(instance.__dict__)


def _digest(state) -> str:
    return hashlib.blake2b(repr(state).encode(), digest_size=16).hexdigest()


def _action_digest(action) -> str:
    """What an action shows, once per action: its values, its status (a part's may be its
    parent's) and its latest comment (the matrix's "Tracking")."""
    digest = getattr(action, "_fragment_digest", None)
    if digest is None:
        state = (_values(action), action.effective_status, getattr(action, "latest_comment", ""))
        digest = action._fragment_digest = _digest(state)
    return digest


def _context(response, rights) -> dict:
    """What the document part and each of its fragments are rendered with (no per-request value)."""
    return {
        "response": response,
        "rights": rights,
        "LANGUAGE_CODE": translation.get_language() or settings.LANGUAGE_CODE,
        # Where the status editor returns to: this page (never a per-request URL).
        "back": response.get_absolute_url(),
    }


def _wanted(response, document, rights):
    """``{key: (object, template, context)}``: every fragment of the document, keyed by what it shows."""
    layout = response.layout_spec
    variant = _variant(response, rights)
    base = _context(response, rights)
    # The response's own values that fragments show: its URL (the links back) and its organisation.
    shared = (response.slug, response.organisation)
    wanted = {}
    if layout.action_template:
        template = layout.action_template
        for action in document.actions:
            state = (shared, _action_digest(action), [_action_digest(part) for part in action.part_list])
            wanted[f"fragment:{variant}:{template}:{_digest(state)}"] = (action, template, {**base, "action": action})
    template = layout.recommendation_template
    for number, rec in enumerate(document.recommendations, start=1):
        links = [(_values(link), _action_digest(link.action)) for link in rec.link_list]
        state = (shared, number if layout.positional else None, _values(rec), links)
        context = {**base, "rec": rec, "number": number}
        wanted[f"fragment:{variant}:{template}:{_digest(state)}"] = (rec, template, context)
    return variant, wanted


def _shown_by(objects, layout):
    """The recommendations and actions whose texts the fragments of ``objects`` show."""
    for obj in objects:
        yield obj
        yield from getattr(obj, "part_list", ())
        if layout.actions_in_recommendations:
            for link in getattr(obj, "link_list", ()):
                yield link.action


def attach_fragments(response, document, rights) -> int:
    """Give each recommendation and action of ``document`` its ``.fragment``; return how many were rendered."""
    variant, wanted = _wanted(response, document, rights)
    html = {key: _fragments.get(key) for key in wanted}
    missing = [key for key, value in html.items() if value is None]
    cache = caches[CACHE_ALIAS]
    table_key = f"fragments:{variant}"
    if len(missing) >= SHARE_AT:
        table = cache.get(table_key) or {}
        for key in missing:
            html[key] = table.get(key)
        missing = [key for key in missing if html[key] is None]
    layout = response.layout_spec
    if missing:
        rendered.load_stored_html(_shown_by((wanted[key][0] for key in missing), layout))
    for key in missing:
        _obj, template, context = wanted[key]
        html[key] = get_template(template).render(context)
    for key, (obj, _template, _context) in wanted.items():
        _fragments.put(key, html[key])
        obj.fragment = mark_safe(html[key])
    if len(missing) >= SHARE_AT:
        cache.set(table_key, html)
    # The runs of fragments the layouts' templates show one after the other, joined here: a
    # template's loop (two lookups and an escape check per fragment) took milliseconds.
    if layout.action_template:
        document.action_fragments = _joined(document.actions)
    document.recommendation_fragments = _joined(document.recommendations)
    for group in document.groups:
        for theme in group.theme_list:
            theme.fragments = _joined(theme.recommendation_list)
    return len(missing)


def _joined(objects):
    return mark_safe("".join(obj.fragment for obj in objects))


def document_part(response, rights, document=None) -> dict:
    """``{"html", "recommendation_count", "action_count"}`` for the document page, from fragments."""
    if document is None:
        document = response.layout_spec.build(response, stored_html=False)
    attach_fragments(response, document, rights)
    html = render_to_string(TEMPLATE, {**_context(response, rights), "document": document})
    return {
        "html": mark_safe(html),
        "recommendation_count": len(document.recommendations),
        "action_count": len(document.actions),
    }


# --- the whole page ------------------------------------------------------------------------

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
    return f"page:{response.revision}:{_variant(response, rights)}:{variant}"


def render_page(request, response, rights, render):
    """The document page for ``request``: ``render(extra_context)`` renders it (with ``document_part``)."""
    if getattr(request, "htmx", False) or len(messages.get_messages(request)):
        return render({})
    key = page_key(request, response, rights)
    html = _pages.get(key)
    if html is None:
        http = render({"csrf_token": CSRF_PLACEHOLDER, "csp_nonce": NONCE_PLACEHOLDER})
        html = http.content.decode()
        _pages.put(key, html)
    page = html.replace(CSRF_PLACEHOLDER, get_token(request))
    nonce = get_nonce(request)
    if NONCE_PLACEHOLDER in page:
        page = page.replace(NONCE_PLACEHOLDER, str(nonce))
    return HttpResponse(page)
