"""The management response assembled as one document, from all three apps' models.

Used by the document page and the PDF. The whole document costs a fixed number
of queries however many recommendations and actions it has:
  1. the actions and their parts,
  2. the recommendation groups,
  3. their themes,
  4. the themes' recommendations,
  5. the recommendations' links, with their actions.
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from actions.models import Action, ActionLink, action_tree
from recommendations.models import Recommendation, RecommendationGroup, Theme


@dataclass
class Document:
    response: object
    actions: list  # top-level actions, each with .part_list
    groups: list  # groups with .theme_list -> .recommendation_list -> .link_list

    @property
    def recommendations(self):
        return [r for g in self.groups for t in g.theme_list for r in t.recommendation_list]


def build_document(response) -> Document:
    actions = list(Action.objects.filter(response=response).order_by("order", "pk"))
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
                ActionLink.objects.select_related("action").order_by("order", "pk"),
                to_attr="link_list",
            ),
        )
    )
    return Document(response=response, actions=action_tree(actions), groups=groups)
