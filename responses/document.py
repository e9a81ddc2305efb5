"""The management response assembled as one document, from all three apps' models.

Used by the document page and the PDF, in every layout (responses/layouts.py).
The whole document costs a fixed number of queries however many
recommendations and actions it has:
  1. the actions and their parts,
  2. the latest progress entry of each (for the matrix's "Tracking: Comments"),
  3. the recommendation groups,
  4. their themes,
  5. the themes' recommendations,
  6. the recommendations' links,
  7. the recommendations without a theme (the matrix's),
  8. their links.
Links point at the same action objects as ``actions`` (no query per link).
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Subquery

from actions.models import Action, ActionLink, ProgressUpdate, action_tree
from recommendations.models import Recommendation, RecommendationGroup, Theme


@dataclass
class Document:
    response: object
    actions: list  # top-level actions, each with .part_list and .latest_comment
    groups: list  # groups with .theme_list -> .recommendation_list -> .link_list
    loose: list  # recommendations without a theme, each with .link_list

    @property
    def recommendations(self):
        """Every recommendation in document order: those without a theme first, then the table's."""
        return self.loose + [r for g in self.groups for t in g.theme_list for r in t.recommendation_list]


def _links():
    return Prefetch("action_links", ActionLink.objects.order_by("order", "pk"), to_attr="link_list")


def build_document(response) -> Document:
    actions = list(Action.objects.filter(response=response).order_by("order", "pk"))
    latest = ProgressUpdate.objects.filter(action=OuterRef("action_id")).order_by("-date", "-created_at", "-pk")
    comments = dict(
        ProgressUpdate.objects.filter(action__response=response)
        .exclude(note="")
        .filter(pk=Subquery(latest.exclude(note="").values("pk")[:1]))
        .values_list("action_id", "note")
    )
    for action in actions:
        action.latest_comment = comments.get(action.pk, "")
    groups = list(
        RecommendationGroup.objects.filter(response=response)
        .order_by("order", "pk")
        .prefetch_related(
            Prefetch("themes", Theme.objects.order_by("order", "pk"), to_attr="theme_list"),
            Prefetch(
                "theme_list__recommendations",
                Recommendation.objects.order_by("order", "pk"),
                to_attr="recommendation_list",
            ),
            Prefetch(
                "theme_list__recommendation_list__action_links",
                ActionLink.objects.order_by("order", "pk"),
                to_attr="link_list",
            ),
        )
    )
    loose = list(
        Recommendation.objects.filter(response=response, theme=None).order_by("order", "pk").prefetch_related(_links())
    )
    document = Document(response=response, actions=action_tree(actions), groups=groups, loose=loose)
    by_pk = {action.pk: action for action in actions}
    for rec in document.recommendations:
        for link in rec.link_list:
            link.action = by_pk[link.action_id]
    return document
