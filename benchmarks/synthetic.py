"""The large response both benchmarks use: built with the ORM, about 100 pages as a PDF.

Import it after ``django.setup()``; the benchmark scripts set up their own throwaway database first.
"""

from django.db import transaction

from actions.models import Action, ActionLink
from core import revision
from recommendations.models import Recommendation, RecommendationGroup, Theme
from responses.models import Chapter, ManagementResponse

SENTENCE = (
    "De evaluatie beveelt aan om te blijven inzetten op de ondersteuning en opvolging van "
    "leerecosystemen, ook met het oog op verduurzaming van de partnerschappen. "
)

LIST = (
    "#### Tussentitel\n\n- Een eerste punt van de lijst;\n- Een tweede punt, met [een link](https://example.org/);\n\n"
)
RECOMMENDATION = (
    "Zorg voor een visie die zich kenmerkt door:\n\n- gedeelde taal;\n- draagvlak bij partners;\n- flexibiliteit."
)


def synthetic_response(*, actions=24, parts=3, groups=3, themes_per_group=10, recommendations=300, slug="synthetisch"):
    """A large response built with the ORM: long narratives with lists and a footnote, a long table."""
    with transaction.atomic(), revision.batch():  # one revision bump, not one per row
        return _build(actions, parts, groups, themes_per_group, recommendations, slug)


def _build(actions, parts, groups, themes_per_group, recommendations, slug):
    response = ManagementResponse.objects.create(
        title="Managementresponse synthetische evaluatie",
        slug=slug,
        organisation="Europa WSE",
        evaluation_title="Synthetische evaluatie",
        status="published",
    )
    Chapter.objects.create(response=response, heading="I. Inleiding", body=(SENTENCE * 6 + "\n\n") * 3)
    narrative = (SENTENCE * 5 + "\n\n") * 2 + LIST + SENTENCE * 3 + "Met een voetnoot.[^1]\n\n[^1]: " + SENTENCE
    all_actions = []
    for a in range(actions):
        top = Action.objects.create(
            response=response,
            number=str(a + 1),
            title=f"Actie {a + 1} van het synthetische plan",
            status="in_progress",
            narrative=narrative,
            order=a * 10,
        )
        all_actions.append(top)
        for p in range(parts):
            all_actions.append(
                Action.objects.create(
                    response=response,
                    parent=top,
                    number=f"{a + 1}.{p + 1}",
                    title=f"Onderdeel {p + 1}",
                    status="inherited",
                    narrative=narrative,
                    order=a * 10 + p + 1,
                )
            )
    per_theme = recommendations // (groups * themes_per_group)
    links = []
    for g in range(groups):
        group = RecommendationGroup.objects.create(response=response, title=f"Aanbevelingen groep {g + 1}", order=g)
        for t in range(themes_per_group):
            theme = Theme.objects.create(group=group, section=f"8.2.{g + 1}", heading=f"THEMA {g + 1}.{t + 1}", order=t)
            for r in range(per_theme):
                rec = Recommendation.objects.create(
                    theme=theme,
                    location=f"p. {190 + r}",
                    order=r,
                    text=RECOMMENDATION,
                    agreement="partially_agree" if r % 4 == 0 else "agree",
                )
                for k in range(2):
                    action = all_actions[(r * 7 + k * 3 + t) % len(all_actions)]
                    links.append(ActionLink(recommendation=rec, action=action, order=k))
    ActionLink.objects.bulk_create(links)
    revision.touch(response.pk)  # bulk_create sends no signals
    return ManagementResponse.objects.get(pk=response.pk)  # fresh, as a request would load it
