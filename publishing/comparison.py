"""What changed between two versions of a response, or a version and the live data.

Both sides are interchange structures (interchange/format.py): a frozen version's
snapshot is parsed with ``interchange.parse``; the live side is ``as_data`` (6 queries,
whatever the size), read by ``interchange.from_data`` with the same checks and the same
normalisation, without writing it out as YAML: both sides have exactly the same shape.
Nothing else is read from the database.

Items are matched by identity, not position: actions (and their parts) by number;
recommendations by number, else report location, else their place in the document
(with a counter when several share a key). The result lists, per recommendation and per
action, only what changed: agreement levels, justifications, management responses, texts
(a word-level diff), statuses, time frames, units, and links added and removed.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from actions.models import Action
from interchange import format as interchange
from recommendations.models import Recommendation

TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str):
    """``old`` to ``new`` word by word, as HTML with <del> and <ins> (escaped text)."""
    a, b = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))  # every piece of text is escaped above


@dataclass
class Change:
    field: str  # a stable name: "agreement", "text", "links", ...
    label: str
    old: str = ""
    new: str = ""
    diff: str = ""  # word diff (HTML) for texts
    added: list = field(default_factory=list)  # links
    removed: list = field(default_factory=list)

    @property
    def is_text(self):
        return bool(self.diff)


@dataclass
class ItemChanges:
    kind: str  # "response", "recommendation", "action"
    name: str
    state: str = "changed"  # "changed", "added", "removed"
    changes: list = field(default_factory=list)


@dataclass
class Comparison:
    old_label: str
    new_label: str
    items: list  # ItemChanges, in document order: the response, recommendations, actions

    @property
    def is_empty(self):
        return not self.items


def _label(choices, value, empty):
    if not value:
        return str(empty)
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _agreement(value):
    return _label(Recommendation.Agreement, value, _("nog niet bepaald"))


def _status(action):
    label = _label(Action.Status, action.status, _("nog niet gerapporteerd"))
    return " ".join(part for part in (label, action.status_note) if part)


def _text(changes, name, label, old, new):
    if (old or "") != (new or ""):
        changes.append(Change(name, str(label), old, new, diff=word_diff(old, new)))


def _value(changes, name, label, old, new):
    if old != new:
        changes.append(Change(name, str(label), old, new))


def _keyed(items, key):
    """{key: item}, keys made unique with a counter where several items share one."""
    seen, keyed = {}, {}
    for item in items:
        base = key(item)
        seen[base] = seen.get(base, 0) + 1
        keyed[base if seen[base] == 1 else f"{base} ({seen[base]})"] = item
    return keyed


def _rec_key(rec):
    return rec.number or rec.location or " ".join(rec.text.split()[:8])


def _rec_name(key, rec):
    if rec.number:
        return str(_("Aanbeveling %(number)s") % {"number": rec.number})
    words = rec.text.split()
    excerpt = " ".join(words[:10]) + ("…" if len(words) > 10 else "")
    return str(_("Aanbeveling (%(reference)s)") % {"reference": key}) + f": {excerpt}"


def _citation(link):
    if not link.qualifier:
        return f"{_('Actie')} {link.number}"
    separator = " " if link.qualifier.startswith("(") else " – "  # as ActionLink.citation prints it
    return f"{_('Actie')} {link.number}{separator}{link.qualifier}"


def compare_recommendation(old, new):
    changes = []
    _value(changes, "agreement", _("Mate van akkoord"), _agreement(old.agreement), _agreement(new.agreement))
    _text(changes, "justification", _("Motivering"), old.justification, new.justification)
    _text(changes, "response_text", _("Managementrespons"), old.response_text, new.response_text)
    _text(changes, "text", _("Aanbeveling"), old.text, new.text)
    _value(changes, "location", _("Locatie rapport"), old.location, new.location)
    before = [_citation(link) for link in old.links]
    after = [_citation(link) for link in new.links]
    added, removed = [c for c in after if c not in before], [c for c in before if c not in after]
    if added or removed:
        changes.append(Change("links", str(_("Acties")), added=added, removed=removed))
    return changes


def compare_action(old, new):
    changes = []
    _value(changes, "status", _("Status"), _status(old), _status(new))
    _text(changes, "title", _("Titel"), old.title, new.title)
    _value(changes, "time_frame", _("Tijdspad"), old.time_frame, new.time_frame)
    _value(
        changes,
        "responsible_units",
        _("Verantwoordelijke diensten"),
        ", ".join(old.responsible_units or []),
        ", ".join(new.responsible_units or []),
    )
    _text(changes, "narrative", _("Toelichting"), old.narrative, new.narrative)
    return changes


def _pair(kind, old_items, new_items, name, compare):
    items = []
    for key in list(old_items) + [k for k in new_items if k not in old_items]:
        old, new = old_items.get(key), new_items.get(key)
        if old is None:
            items.append(ItemChanges(kind, name(key, new), "added"))
        elif new is None:
            items.append(ItemChanges(kind, name(key, old), "removed"))
        elif changes := compare(old, new):
            items.append(ItemChanges(kind, name(key, new), "changed", changes))
    return items


def compare(old, new, *, old_label="", new_label="") -> Comparison:
    """The changes from ``old`` to ``new`` (two ``ParsedResponse``)."""
    items = []
    head = []
    _text(head, "title", _("Titel"), old.response["title"], new.response["title"])
    _text(head, "introduction", _("Inleiding"), old.response["introduction"], new.response["introduction"])
    if head:
        items.append(ItemChanges("response", str(_("Gegevens en inleiding")), "changed", head))
    items += _pair(
        "recommendation",
        _keyed(old.all_recommendations, _rec_key),
        _keyed(new.all_recommendations, _rec_key),
        _rec_name,
        compare_recommendation,
    )
    items += _pair(
        "action",
        {a.number: a for a in old.all_actions},
        {a.number: a for a in new.all_actions},
        lambda key, action: f"{_('Actie')} {key}. {action.title}",
        compare_action,
    )
    return Comparison(old_label=old_label, new_label=new_label, items=items)


def version_data(version):
    """A frozen version's parsed snapshot."""
    return interchange.parse(version.snapshot.encode("utf-8"), source=f"v{version.number}")


def live_data(response):
    """The response as it is now, in the same shape as a version's snapshot."""
    return interchange.from_data(interchange.as_data(response), source="live")
