"""What changed between two versions of a response, or a version and the live data.

Both sides are interchange structures (interchange/parse.py): a frozen version's
snapshot is parsed with ``parse``; the live side is ``as_data`` (interchange/exporter.py; 6
queries, whatever the size), read by ``from_data`` with the same checks and the same
normalisation, without writing it out as YAML: both sides have exactly the same shape.
Nothing else is read from the database.

Items are matched by identity, not position: actions (and their parts) by number;
recommendations by number, else report location, else their place in the document
(with a counter when several share a key). The result lists, per recommendation and per
action, only what changed: agreement levels, justifications, management responses, texts
(a word-level diff), statuses, time frames, units, and links added and removed.

The word diff is bounded (``diff_opcodes``): difflib as before where its work is small (texts
of a few hundred words: the same output as before), else the common ends set aside, lines
compared as lines and words inside the changed lines (difflib, or Myers' algorithm), all
within a budget of work per text and per comparison; what does not fit is shown as removed
and added. The view caches a comparison by the sides it compares (``cache_key``).
"""

import collections
import difflib
import functools
import itertools
import re
from dataclasses import dataclass, field

from django.core.cache import caches
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from actions.models import Action
from core.richtext import reader_text
from interchange.exporter import as_data
from interchange.parse import from_data, parse
from recommendations.models import Recommendation
from responses import vocabulary
from responses.models import Chapter

TOKENS = re.compile(r"\s+|[^\s]+")

# Work budgets, in units of the diff's elementary steps (one token compared, one entry of
# difflib's index visited, one diagonal of Myers' algorithm tried). Measured on the project's
# machine kind: about 10 million units per second (benchmarks/compare.py).
DIAGONAL = 10  # a diagonal tried by Myers' algorithm costs about as much as ten tokens compared
TEXT_WORK = 2_000_000  # one text: ~0.2 s at worst
DIFFLIB_WORK = 300_000  # the old algorithm's share, tried first: the old output whenever it fits
COMPARISON_WORK = 6_000_000  # all the texts of one comparison together: ~1 s at worst


class OverBudget(Exception):
    pass


class Budget:
    """A count of work units that refuses to go below zero: ``spend`` raises ``OverBudget`` before
    the work is done, so the work done never exceeds ``units``. ``share(units)`` is a budget of
    at most that much, charged to this one as well."""

    def __init__(self, units, parent=None):
        self.units = self.left = units
        self.parent = parent

    @property
    def spent(self):
        return self.units - self.left

    def spend(self, units):
        if units > self.left:
            raise OverBudget
        self.left -= units
        if self.parent is not None:
            self.parent.spend(units)

    def share(self, units):
        return Budget(min(units, self.left), self)


class _BoundedMatcher(difflib.SequenceMatcher):
    """difflib's matcher, unchanged, except that each search for the longest match is charged,
    before it runs, an upper bound of its work: the entries of its index of ``b`` it can visit
    (prefix sums over ``a`` of each token's count in ``b``) plus the lengths of both ranges."""

    def __init__(self, a, b, counts, budget):
        self._visits = list(itertools.accumulate(map(counts.get, a, itertools.repeat(0)), initial=0))
        self._budget = budget
        super().__init__(None, a, b, autojunk=False)

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        ahi = len(self.a) if ahi is None else ahi
        bhi = len(self.b) if bhi is None else bhi
        self._budget.spend(self._visits[ahi] - self._visits[alo] + (ahi - alo) + (bhi - blo) + 1)
        return super().find_longest_match(alo, ahi, blo, bhi)


def _difflib(a, b, budget):
    """difflib's opcodes (the old algorithm), or None when they would cost more than ``budget``."""
    if len(a) + len(b) >= budget.left:
        return None  # its first search alone would cost more
    counts = collections.Counter(b)
    if sum(map(counts.get, a, itertools.repeat(0))) + len(a) + len(b) >= budget.left:
        return None  # the same, known before building its index
    try:
        return _BoundedMatcher(a, b, counts, budget).get_opcodes()
    except OverBudget:
        return None


def _opcodes(blocks, n, m):
    """difflib-style opcodes from matching blocks (i, j, size), in order, over sequences of n and m."""
    ops, i, j = [], 0, 0
    for ai, bj, size in [*blocks, (n, m, 0)]:
        if i < ai and j < bj:
            ops.append(("replace", i, ai, j, bj))
        elif i < ai:
            ops.append(("delete", i, ai, j, bj))
        elif j < bj:
            ops.append(("insert", i, ai, j, bj))
        if size:
            ops.append(("equal", ai, ai + size, bj, bj + size))
        i, j = ai + size, bj + size
    return ops


def myers(a, b, budget):
    """Matching blocks of a shortest edit script (Myers' O((N+M)D) algorithm, greedy, forward),
    or None when it would cost more than ``budget``: each diagonal tried costs ``DIAGONAL``
    units and each token compared along it one more. So D, the edits, stays under
    sqrt(2 * budget / DIAGONAL), and the rounds kept for the way back (O(D²) memory) with it."""
    n, m = len(a), len(b)
    rounds = []  # rounds[d][(k + d) // 2]: the furthest x on diagonal k = x - y with d edits (-1: none)
    left = budget.left
    for d in range(n + m + 1):
        if left < DIAGONAL * (d + 1):
            budget.spend(budget.left - left)  # the work done, no more
            return None
        left -= DIAGONAL * (d + 1)
        prev, current = rounds[-1] if rounds else None, [-1] * (d + 1)
        for idx in range(d + 1):
            k = 2 * idx - d
            if d == 0:
                x = 0
            else:  # the furthest of: down from diagonal k + 1 (an insertion), right from k - 1 (a deletion)
                x = prev[idx] if idx < d and prev[idx] >= 0 and prev[idx] - k <= m else -1
                if idx > 0 and 0 <= prev[idx - 1] < n and prev[idx - 1] + 1 > x:
                    x = prev[idx - 1] + 1
                if x < 0:
                    continue
            y, first = x - k, x
            stop = min(n, x + left)  # no more comparisons than are left
            while x < stop and y < m and a[x] == b[y]:
                x += 1
                y += 1
            left -= x - first
            current[idx] = x
            if x == n and y == m:
                rounds.append(current)
                budget.spend(budget.left - left)
                return _back(rounds, n, m)
        rounds.append(current)
    return None  # not reached: n + m edits always suffice


def _step(prev, d, idx, k, n, m):
    """How round d reached diagonal k (as the loop above chose): (x before the run of equal
    tokens, whether it came down from k + 1)."""
    down = prev[idx] if idx < d and prev[idx] >= 0 and prev[idx] - k <= m else -1
    if idx > 0 and 0 <= prev[idx - 1] < n and prev[idx - 1] + 1 > down:
        return prev[idx - 1] + 1, False
    return down, True


def _back(rounds, n, m):
    """The matching blocks of the path Myers' rounds found, from (n, m) back to (0, 0)."""
    blocks, x, y = [], n, m
    for d in range(len(rounds) - 1, 0, -1):
        k = x - y
        idx = (k + d) // 2
        x0, down = _step(rounds[d - 1], d, idx, k, n, m)
        y0 = x0 - k
        if x > x0:
            blocks.append((x0, y0, x - x0))
        x, y = (x0, y0 - 1) if down else (x0 - 1, y0)
    if x:
        blocks.append((0, 0, x))
    blocks.reverse()
    return blocks


def _trimmed(a, b, budget, diff):
    """``diff`` (matching blocks or None) on what lies between the common start and end of a and b;
    the whole middle as one change when that costs too much."""
    n, m = len(a), len(b)
    head = 0
    while head < n and head < m and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < n - head and tail < m - head and a[n - 1 - tail] == b[m - 1 - tail]:
        tail += 1
    inner = diff(a[head : n - tail], b[head : m - tail], budget) if head < n - tail and head < m - tail else []
    blocks = [(head + i, head + j, size) for i, j, size in inner or []]
    return [(0, 0, head), *blocks, (n - tail, m - tail, tail)]


def _lines(tokens):
    """Token ranges of the lines: each ends after a run of white space that holds a line break."""
    bounds, begin = [], 0
    for i, token in enumerate(tokens):
        if "\n" in token:
            bounds.append((begin, i + 1))
            begin = i + 1
    if begin < len(tokens) or not bounds:
        bounds.append((begin, len(tokens)))
    return bounds


def _by_lines(a, b, budget):
    """Lines first (Myers on whole lines), then word by word inside each run of changed lines
    against the run that replaced it; one line on both sides: word by word at once."""
    lines_a, lines_b = _lines(a), _lines(b)
    if len(lines_a) == 1 and len(lines_b) == 1:
        return myers(a, b, budget)
    ids = {}
    key_a = [ids.setdefault("".join(a[i:j]), len(ids)) for i, j in lines_a]
    key_b = [ids.setdefault("".join(b[i:j]), len(ids)) for i, j in lines_b]
    line_blocks = _trimmed(key_a, key_b, budget, myers)
    starts_a = [begin for begin, _end in lines_a] + [len(a)]
    starts_b = [begin for begin, _end in lines_b] + [len(b)]
    blocks = []
    for tag, i1, i2, j1, j2 in _opcodes([block for block in line_blocks if block[2]], len(key_a), len(key_b)):
        ta1, ta2, tb1, tb2 = starts_a[i1], starts_a[i2], starts_b[j1], starts_b[j2]
        if tag == "equal":
            blocks.append((ta1, tb1, ta2 - ta1))
        elif tag == "replace":
            blocks += [(ta1 + i, tb1 + j, size) for i, j, size in _words(a[ta1:ta2], b[tb1:tb2], budget)]
    return blocks


def _words(a, b, budget):
    """Matching blocks of two runs of tokens: difflib's if they fit in its share, else Myers'
    (after the common ends), else none (the runs shown as one change)."""
    ops = _difflib(a, b, budget.share(DIFFLIB_WORK))
    if ops is not None:
        return [(i1, j1, i2 - i1) for tag, i1, i2, j1, _j2 in ops if tag == "equal"]
    return _trimmed(a, b, budget, myers)


def diff_opcodes(a, b, budget):
    """The opcodes (as difflib's) from token list ``a`` to ``b``, within ``budget``.

    1. difflib, as before, when its work fits in ``DIFFLIB_WORK``: the old output, unchanged, for
       texts of ordinary length (a few hundred words).
    2. Else the common start and end are set aside, and the lines in between are compared as
       whole lines with Myers' algorithm; then each run of changed lines against the run that
       replaced it, word by word (difflib if it fits its share, else Myers), each within what
       is left of the budget.
    3. What does not fit is shown as one change: removed, then added.

    Worst case: ``budget.units`` units of comparison work (see ``Budget``, ``_BoundedMatcher``,
    ``myers``: each unit is a token compared, an index entry visited, or a tenth of a
    diagonal tried), plus a few linear passes over the tokens (the common ends, the lines, the
    output); and O(D²) memory for D <= sqrt(2 * budget.units / DIAGONAL) edits in one Myers run.
    """
    ops = _difflib(a, b, budget.share(DIFFLIB_WORK))
    if ops is not None:
        return ops
    blocks = _trimmed(a, b, budget, _by_lines)
    return _opcodes([block for block in blocks if block[2]], len(a), len(b))


def word_diff(old: str, new: str, budget: Budget | None = None):
    """``old`` to ``new`` word by word, as HTML with <del> and <ins> (escaped text), in bounded time
    (``diff_opcodes``): at most ``TEXT_WORK`` units, and no more than is left of ``budget``."""
    a, b = TOKENS.findall(old or ""), TOKENS.findall(new or "")
    budget = Budget(TEXT_WORK) if budget is None else budget.share(TEXT_WORK)
    out = []
    for op, i1, i2, j1, j2 in diff_opcodes(a, b, budget):
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
    kind: str  # "response", "chapter", "recommendation", "action"
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


def _label(choices, value, empty, words=None):
    """The document's own word for ``value`` (its vocabulary, ``words``), else the interface's."""
    if not value:
        return str(empty)
    if words and words.get(value):
        return words[value]
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _agreement(value, words=None):
    return _label(Recommendation.Agreement, value, _("nog niet bepaald"), words)


def _status(action, words=None):
    label = _label(Action.Status, action.status, _("nog niet gerapporteerd"), words)
    return " ".join(part for part in (label, action.status_note) if part)


def _vocabulary_of(parsed):
    """The vocabulary of a parsed response (version 3 files and live data carry it)."""
    return vocabulary.words(parsed.response.get("vocabulary_preset", ""), parsed.response.get("vocabulary_words"))


def _text(changes, name, label, old, new, budget=None):
    if (old or "") != (new or ""):
        changes.append(Change(name, str(label), old, new, diff=word_diff(old, new, budget)))


def _rich(changes, name, label, old, new, budget=None):
    """A Markdown text, compared as readers see it (rendered, without its markup); a change of the
    markup alone (a word made bold) is named as such, with the text as it now reads."""
    if (old or "") == (new or ""):
        return
    seen_old, seen_new = reader_text(old), reader_text(new)
    if seen_old == seen_new:
        label = _("%(field)s (alleen de opmaak)") % {"field": label}
        changes.append(Change(name, str(label), old, new, diff=escape(seen_new)))
        return
    changes.append(Change(name, str(label), old, new, diff=word_diff(seen_old, seen_new, budget)))


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


def _chapter_key(chapter):
    return chapter["heading"] or " ".join(chapter["body"].split()[:8])


def _chapter_name(key, chapter):
    if chapter["heading"]:
        return chapter["heading"]
    return str(_("Hoofdstuk")) + (f": {key}…" if key else "")


def compare_chapter(old, new, budget=None):
    changes = []
    placements = dict(Chapter.Placement.choices)
    _value(changes, "placement", _("Plaats"), *(str(placements.get(c["placement"], "")) for c in (old, new)))
    _rich(changes, "body", _("Tekst"), old["body"], new["body"], budget)
    return changes


def compare_recommendation(old, new, budget=None, words=None):
    changes = []
    agreements = (_agreement(old.agreement, words), _agreement(new.agreement, words))
    _value(changes, "agreement", _("Mate van akkoord"), *agreements)
    _rich(changes, "justification", _("Motivering"), old.justification, new.justification, budget)
    _rich(changes, "response_text", _("Managementrespons"), old.response_text, new.response_text, budget)
    _rich(changes, "text", _("Aanbeveling"), old.text, new.text, budget)
    _value(changes, "location", _("Locatie rapport"), old.location, new.location)
    before = [_citation(link) for link in old.links]
    after = [_citation(link) for link in new.links]
    added, removed = [c for c in after if c not in before], [c for c in before if c not in after]
    if added or removed:
        changes.append(Change("links", str(_("Acties")), added=added, removed=removed))
    return changes


def compare_action(old, new, budget=None, words=None):
    changes = []
    _value(changes, "status", _("Status"), _status(old, words), _status(new, words))
    _text(changes, "title", _("Titel"), old.title, new.title, budget)
    _value(changes, "time_frame", _("Tijdspad"), old.time_frame, new.time_frame)
    _value(
        changes,
        "responsible_units",
        _("Verantwoordelijke diensten"),
        ", ".join(old.responsible_units or []),
        ", ".join(new.responsible_units or []),
    )
    _rich(changes, "narrative", _("Toelichting"), old.narrative, new.narrative, budget)
    return changes


def _pair(kind, old_items, new_items, name, compare, budget):
    items = []
    for key in list(old_items) + [k for k in new_items if k not in old_items]:
        old, new = old_items.get(key), new_items.get(key)
        if old is None:
            items.append(ItemChanges(kind, name(key, new), "added"))
        elif new is None:
            items.append(ItemChanges(kind, name(key, old), "removed"))
        elif changes := compare(old, new, budget):
            items.append(ItemChanges(kind, name(key, new), "changed", changes))
    return items


def compare(old, new, *, old_label="", new_label="") -> Comparison:
    """The changes from ``old`` to ``new`` (two ``ParsedResponse``).

    Bounded: the word diffs of all the texts together do at most ``COMPARISON_WORK`` units of
    work (each text at most ``TEXT_WORK``; see ``diff_opcodes``); the rest is linear in the
    size of both sides."""
    items = []
    head = []
    budget = Budget(COMPARISON_WORK)
    words = _vocabulary_of(new)  # one vocabulary for both sides: the document's as it is now
    _text(head, "title", _("Titel"), old.response["title"], new.response["title"], budget)
    if head:
        items.append(ItemChanges("response", str(_("Gegevens")), "changed", head))
    # The chapters (the introduction is the first; a version frozen with an introduction reads it so).
    items += _pair(
        "chapter",
        _keyed(old.chapters, _chapter_key),
        _keyed(new.chapters, _chapter_key),
        _chapter_name,
        compare_chapter,
        budget,
    )
    items += _pair(
        "recommendation",
        _keyed(old.all_recommendations, _rec_key),
        _keyed(new.all_recommendations, _rec_key),
        _rec_name,
        functools.partial(compare_recommendation, words=words),
        budget,
    )
    items += _pair(
        "action",
        {a.number: a for a in old.all_actions},
        {a.number: a for a in new.all_actions},
        lambda key, action: f"{_('Actie')} {key}. {action.title}",
        functools.partial(compare_action, words=words),
        budget,
    )
    return Comparison(old_label=old_label, new_label=new_label, items=items)


def version_data(version):
    """A frozen version's parsed snapshot."""
    return parse(version.snapshot.encode("utf-8"), source=f"v{version.number}")


def live_data(response):
    """The response as it is now, in the same shape as a version's snapshot."""
    return from_data(as_data(response), source="live")


CACHE_ALIAS = "default"
CACHE_TIMEOUT = 60 * 60 * 24


def side_key(response, version=None):
    """What one side of a comparison is: a published version (frozen: its number, and the hash
    of its PDF against a number used again by a response made anew), or the live data at the
    response's ``revision``, which every write moves on (core/revision.py)."""
    if version is None:
        return f"live-{response.revision}"
    return f"v{version.number}-{version.sha256[:16]}"


def cache_key(response, old_version=None, new_version=None):
    """The key of the comparison of two sides (``None``: the live data), in the active language
    (the names and labels of the comparison are translated)."""
    sides = f"{side_key(response, old_version)}:{side_key(response, new_version)}"
    return f"comparison:1:{response.pk}:{sides}:{translation.get_language()}"


def cached(key, build):
    """The comparison under ``key``, built (``build()``) and stored only when it is not cached."""
    cache = caches[CACHE_ALIAS]
    result = cache.get(key)
    if result is None:
        result = build()
        cache.set(key, result, CACHE_TIMEOUT)
    return result
