"""The document part of the document page, made of fragments cached by the rows they show.

``templates/document/_document.html`` (the title block, I, II and III) is made of one
fragment per recommendation (a table row, or a matrix block) and, in the table layout,
one per action section of chapter II (the layout names them: document/layouts.py).
Each fragment is rendered once per

    (the rows it shows -- each by its id, ``version`` and ``updated_at`` --,
     the response's slug and organisation, the document's layout and language,
     the interface language, the user's editing rights, today's date,
     template and renderer versions)

and kept in the "documents" cache. All of a page's fragments are read with one
``get_many``; the ones missing are rendered and written with one ``set_many``. After an
edit only the fragments that show the edited rows are rendered again, and the document
is assembled around the others.

Why a row's ``version`` and ``updated_at`` name its content: every edit moves ``version``
on (core/editing.py: the forms, the admin, ``save_if_unchanged``) and every ``.save()``
moves ``updated_at`` (``auto_now``). A queryset ``.update()`` moves neither: code that
changes what the document shows that way moves ``version`` itself (``F("version") + 1``),
besides touching the response's revision for the PDF (core/revision.py).

The page around the document part is rendered for each request as any page is: the
fragments hold no per-request value (no CSRF token, no CSP nonce; the status links'
``?next=`` is the document page's own URL).

The document part as a whole is kept too, in the "document_parts" cache (few entries, each
as large as the document: config/settings.py), under a content key (``part_key``): the
response's ``revision`` (core/revision.py: every write path moves it, in the writer's
transaction), its layout and language, the interface language, the visitor's editing
rights, today's date and the templates' version. It is rendered with
``render_to_string(template, context)`` and no request, from fragments that are rendered
so too: it cannot hold a per-visitor value, whoever caused it. A warm view reads it with
one ``cache.get`` and reads none of the document's rows (views.response_detail).
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from core import rendered
from responses.layouts import LAYOUTS

CACHE_ALIAS = "documents"
PART_CACHE_ALIAS = "document_parts"  # few and large (config/settings.py)
TEMPLATE = "document/_document.html"
# Every template a fragment or the document part includes.
TEMPLATES = [
    TEMPLATE,
    *(layout.web_template for layout in LAYOUTS.values()),
    *(layout.recommendation_template for layout in LAYOUTS.values()),
    *(layout.action_template for layout in LAYOUTS.values() if layout.action_template),
    "actions/_status.html",
    "actions/_overdue.html",
    "document/_parts.html",
    "document/_chapters.html",
    "print/_column_header.html",
    "print/_units.html",
]

_template_version = None


def template_version() -> str:
    """A hash of the fragments' templates and the compiled translations (recomputed with DEBUG)."""
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


def _variant(response, rights) -> tuple:
    """What every fragment of ``response`` for these rights and languages, today, shares."""
    return (
        response.pk,
        response.slug,  # the links back to the document page
        response.organisation,
        response.layout,
        response.language,
        response.style_key(),  # its words and columns
        translation.get_language() or settings.LANGUAGE_CODE,
        repr(rights),
        # Whether an action is overdue changes at midnight without any write.
        timezone.localdate().isoformat(),
        template_version(),
    )


def part_key(response, rights) -> str:
    """The key of the document part of ``response`` for these rights and languages, today.

    ``response`` needs only ``revision``, ``slug``, ``layout`` and ``language`` (the document
    page reads no more of the row when the part is cached). The key is read before the
    content: a part rendered from rows newer than the key's revision is only ever stored
    under a revision that is no longer current, never the other way round.
    """
    state = (
        response.pk,
        response.revision,
        response.slug,
        response.layout,
        response.language,
        translation.get_language() or settings.LANGUAGE_CODE,
        repr(rights),
        timezone.localdate().isoformat(),
        template_version(),
    )
    return "part:" + hashlib.blake2b(repr(state).encode(), digest_size=16).hexdigest()


def cached_part(key):
    """The document part kept under ``key`` (``document_part``'s dict), or None."""
    part = caches[PART_CACHE_ALIAS].get(key)
    if part is not None:
        part["html"] = mark_safe(part["html"])
    return part


def keep_part(key, part):
    caches[PART_CACHE_ALIAS].set(key, part)


def _row(obj) -> tuple:
    """A row's content, by name: see the module docstring."""
    return (obj.pk, obj.version, obj.updated_at.isoformat())


def _key(*state) -> str:
    return "fragment:" + hashlib.blake2b(repr(state).encode(), digest_size=16).hexdigest()


def _context(response, rights) -> dict:
    """What the document part and each of its fragments are rendered with (no per-request value)."""
    return {
        "response": response,
        "rights": rights,
        "LANGUAGE_CODE": translation.get_language() or settings.LANGUAGE_CODE,
        # Where the status editor returns to: this page (never a per-request URL).
        "back": response.get_absolute_url(),
    }


def _wanted(response, document, rights) -> dict:
    """``{key: (object, template, context)}``: every fragment of the document, keyed by what it shows."""
    layout = response.layout_spec
    variant = _variant(response, rights)
    base = _context(response, rights)
    actions = {}  # what each action shows, worked out once however many links cite it

    def action_state(action):
        if action.pk not in actions:
            # Its status may be its parent's (an inherited part), its latest comment is another row's.
            actions[action.pk] = (
                _row(action),
                action.effective_status,
                action.effective_status_note,
                getattr(action, "latest_comment", ""),
            )
        return actions[action.pk]

    wanted = {}
    if layout.action_template:
        template = layout.action_template
        for action in document.actions:
            key = _key(variant, template, action_state(action), [action_state(part) for part in action.part_list])
            wanted[key] = (action, template, {**base, "action": action})
    template = layout.recommendation_template
    for number, rec in enumerate(document.recommendations, start=1):
        links = [(_row(link), action_state(link.action)) for link in rec.link_list]
        parts = [_row(part) for part in rec.part_list] + [_row(s) for p in rec.part_list for s in p.subpart_list]
        key = _key(variant, template, number if layout.positional else None, _row(rec), links, parts)
        wanted[key] = (rec, template, {**base, "rec": rec, "number": number})
    return wanted


def _shown_by(objects, layout):
    """The recommendations and actions whose texts the fragments of ``objects`` show."""
    for obj in objects:
        yield obj
        yield from getattr(obj, "part_list", ())
        for part in getattr(obj, "part_list", ()):
            yield from getattr(part, "subpart_list", ())
        if layout.actions_in_recommendations:
            for link in getattr(obj, "link_list", ()):
                yield link.action


def attach_fragments(response, document, rights) -> int:
    """Give each recommendation and action of ``document`` its ``.fragment``; return how many were rendered."""
    wanted = _wanted(response, document, rights)
    cache = caches[CACHE_ALIAS]
    html = cache.get_many(list(wanted))
    missing = [key for key in wanted if key not in html]
    layout = response.layout_spec
    if missing:
        rendered.load_stored_html(_shown_by((wanted[key][0] for key in missing), layout))
        fresh = {}
        for key in missing:
            _obj, template, context = wanted[key]
            fresh[key] = get_template(template).render(context)
        cache.set_many(fresh)
        html.update(fresh)
    for key, (obj, _template, _context) in wanted.items():
        obj.fragment = mark_safe(html[key])
    # The runs of fragments the layouts' templates show one after the other, joined here: a
    # template's loop (two lookups and an escape check per fragment) took milliseconds.
    if layout.action_template:
        document.action_fragments = _joined(document.actions)
    document.recommendation_fragments = _joined(document.recommendations)
    document.loose_fragments = _joined(document.loose)
    for group in document.groups:
        for theme in group.theme_list:
            theme.fragments = _joined(theme.recommendation_list)
    return len(missing)


def _joined(objects):
    return mark_safe("".join(obj.fragment for obj in objects))


def document_part(response, rights, document) -> dict:
    """``{"html", "recommendation_count", "action_count", "part_count"}`` for the document page, from fragments.
    Actions and parts are counted apart: the dashboard counts both together and says so."""
    attach_fragments(response, document, rights)
    html = render_to_string(TEMPLATE, {**_context(response, rights), "document": document})
    return {
        "html": mark_safe(html),
        "recommendation_count": len(document.recommendations),
        "action_count": len(document.actions),
        "part_count": sum(len(action.part_list) for action in document.actions),
    }
