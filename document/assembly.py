"""The management response assembled as one document, from all three apps' models.

Used by the document page and the PDF, in every layout (responses/layouts.py).
The whole document costs a fixed number of queries however many
recommendations and actions it has:
  1. the actions and their parts,
  2. the latest progress entry of each (only for a layout that shows it: the matrix's
     "Tracking: Comments"),
  3. the recommendation groups,
  4. their themes,
  5. the recommendations (with and without a theme),
  6. their links,
  7. the sub-recommendations,
  8. the chapters before and after the recommendations.
Plain querysets; the tree is put together here rather than with
``prefetch_related``, whose bookkeeping cost more than the queries on a long
document. Links point at the same action objects as ``actions`` (the templates
read ``link.action``; nothing the document shows reads ``rec.theme`` or
``theme.group``, which are not set).
"""

import re
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from actions.models import Action, ActionLink, ProgressUpdate, action_tree
from core import rendered
from recommendations.models import Recommendation, RecommendationGroup, RecommendationPart, Theme
from responses.models import Chapter

# A line of Markdown that starts with an asterisk as text ("\\*" escaped, or "*" before a word with
# no other asterisk on the line; not "* " (a list item), "**" (bold) or "*...*" (italics)): a
# document's own footnote to a starred header.
OWN_NOTE = re.compile(r"^[ \t]*(\\\*|\*(?=[^\s*])(?![^*\n]*\*))", re.MULTILINE)

# The matrix's columns in print: each one's share of the table's width. A document's columns split
# the whole width in these proportions (``matrix_column_widths``), which print/print.css applies as
# classes ``w-1`` to ``w-100`` on the key-action table's ``<col>``s. The table is laid out with
# ``table-layout: fixed``: with the automatic layout WeasyPrint measured the narrowest width of
# every cell first, which for long action narratives (``overflow-wrap: anywhere``: a break
# opportunity after every letter) cost time quadratic in their length (the seed: 80 s, now about 3 s).
MATRIX_COLUMN_SHARES = {"action": 36, "time_frame": 14, "units": 18, "comments": 20, "status": 12, "documents": 18}


def matrix_column_widths(keys) -> list[int]:
    """Whole percentages, one for each of the column ``keys``, in the proportions of
    ``MATRIX_COLUMN_SHARES`` and adding up to exactly 100 (largest remainders round up)."""
    shares = [MATRIX_COLUMN_SHARES[key] for key in keys]
    if not shares:
        return []
    exact = [100 * share / sum(shares) for share in shares]
    widths = [int(width) for width in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: widths[i] - exact[i])
    for i in by_remainder[: 100 - sum(widths)]:
        widths[i] += 1
    return widths


@dataclass
class Document:
    response: object
    actions: list  # top-level actions, each with .part_list and .latest_comment
    groups: list  # groups with .theme_list -> .recommendation_list -> .link_list
    loose: list  # recommendations without a theme, each with .link_list
    # The document page's pre-rendered fragments (document/fragments.py), joined in document
    # order: all actions, all recommendations; each theme has its own ``.fragments``. None on
    # other pages, which render each item in the layout's template.
    action_fragments: str | None = None
    recommendation_fragments: str | None = None
    loose_fragments: str | None = None
    chapters_before: list = field(default_factory=list)
    chapters_after: list = field(default_factory=list)

    def __post_init__(self):
        # Each recommendation's place in the document, printed when it has no number of its own.
        for position, rec in enumerate(self.recommendations, start=1):
            rec.position = position

    @property
    def has_own_note(self) -> bool:
        """Whether the document carries an asterisk note of its own: a chapter line that starts
        with one ("\\* Implementation status is tracked in the ERC"), not a list item or bold text."""
        return any(OWN_NOTE.search(chapter.body) for chapter in self.chapters_before + self.chapters_after)

    @property
    def prints_tracking_note(self) -> bool:
        """Whether the matrix prints its own "* Implementation is tracked in the database of ..."
        note: it explains the asterisk of the layout's own header "Tracking*: Comments", so only
        when that header prints (the comments column without a header the response typed), and
        only when the document has no note of its own."""
        starred = ("comments", "") in self.response.column_list
        return bool(self.recommendations) and starred and not self.has_own_note

    @property
    def matrix_columns(self) -> list[tuple[str, str, int]]:
        """The matrix's columns in print order: ``[(key, header typed or "", width in percent)]``."""
        columns = self.response.column_list
        widths = matrix_column_widths([key for key, _header in columns])
        return [(key, header, width) for (key, header), width in zip(columns, widths, strict=True)]

    @property
    def recommendations(self):
        """Every recommendation in document order: those without a theme first, then the table's."""
        return self.loose + [r for g in self.groups for t in g.theme_list for r in t.recommendation_list]


def build_document(response, *, stored_html=True) -> Document:
    """The document of ``response``. Without ``stored_html``, the stored HTML of recommendations
    and actions is left out (``defer``), for a caller that loads what it needs with
    ``core.rendered.load_stored_html`` (the document page: only for fragments it renders)."""

    def ordered(queryset):
        model = queryset.model
        if not stored_html:
            queryset = queryset.defer(*rendered.rendered_field_names(model))
        return list(queryset.order_by("order", "pk"))

    actions = ordered(Action.objects.filter(response=response))
    comments = _latest_comments(response) if response.layout_spec.actions_in_recommendations else {}
    for action in actions:
        action.latest_comment = comments.get(action.pk, "")
    groups = ordered(RecommendationGroup.objects.filter(response=response))
    themes = ordered(Theme.objects.filter(group__response=response))
    recs = ordered(Recommendation.objects.filter(response=response))
    links = ordered(ActionLink.objects.filter(recommendation__response=response))
    parts = ordered(RecommendationPart.objects.filter(recommendation__response=response))
    chapters = list(Chapter.objects.filter(response=response).order_by("order", "pk"))  # always shown whole

    # Every row reads the document's vocabulary from the response: the same object, no query.
    for row in (*actions, *recs):
        row.response = response
    part_lists = attach_parts(recs, parts)

    # Each link's action is the action of ``actions`` (assigned: no query when it is read, and one
    # object per action however many links cite it).
    by_pk = {action.pk: action for action in actions}
    link_lists = {rec.pk: [] for rec in recs}
    for link in links:
        link.action = by_pk[link.action_id]
        link_lists[link.recommendation_id].append(link)
    theme_lists = {group.pk: [] for group in groups}
    for theme in themes:
        theme.recommendation_list = []
        theme_lists[theme.group_id].append(theme)
    theme_of = {theme.pk: theme for theme in themes}
    loose = []
    for rec in recs:
        rec.link_list = link_lists[rec.pk]
        rec.part_list = part_lists[rec.pk]
        if rec.theme_id is None:
            loose.append(rec)
        else:
            theme_of[rec.theme_id].recommendation_list.append(rec)
    for group in groups:
        group.theme_list = theme_lists[group.pk]
    return Document(
        response=response,
        actions=action_tree(actions),
        groups=groups,
        loose=loose,
        **split_chapters(chapters),
    )


def split_chapters(chapters) -> dict:
    """``{"chapters_before": [...], "chapters_after": [...]}`` in order."""
    return {
        "chapters_before": [c for c in chapters if c.placement == Chapter.Placement.BEFORE],
        "chapters_after": [c for c in chapters if c.placement == Chapter.Placement.AFTER],
    }


def attach_parts(recs, parts) -> dict:
    """``{recommendation id: its top-level parts}``; each part gets its ``subpart_list``."""
    part_lists = {rec.pk: [] for rec in recs}
    subparts = {part.pk: [] for part in parts}
    for part in parts:
        if part.parent_id is None:
            part_lists[part.recommendation_id].append(part)
        elif part.parent_id in subparts:
            subparts[part.parent_id].append(part)
    for part in parts:
        part.subpart_list = subparts[part.pk]
    return part_lists


def _latest_comments(response) -> dict:
    """``{action id: note}``: the latest progress entry with a note, of each action that has one."""
    latest = ProgressUpdate.objects.filter(action=OuterRef("action_id")).order_by("-date", "-created_at", "-pk")
    return dict(
        ProgressUpdate.objects.filter(action__response=response)
        .exclude(note="")
        .filter(pk=Subquery(latest.exclude(note="").values("pk")[:1]))
        .values_list("action_id", "note")
    )
