import factory

from actions.models import Action, ActionLink
from recommendations.models import Recommendation, RecommendationGroup, Theme
from responses.layouts import introduction_chapter
from responses.models import Chapter, ManagementResponse


class ManagementResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManagementResponse
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Managementresponse evaluatie {n}")
    slug = factory.Sequence(lambda n: f"response-{n}")
    organisation = "Europa WSE"
    responsible_team = "team Ondernemen en Leren in Ecosystemen"
    evaluation_title = factory.Sequence(lambda n: f"Evaluatie van programma {n}")
    evaluators = "IDEA Consult"
    status = ManagementResponse.Status.PUBLISHED

    @factory.post_generation
    def introduction(obj, create, extracted, **kwargs):
        """``introduction=text``: the first chapter, as the introduction became one (migration
        responses.0015); headed "I. Inleiding" in the table layout, as a blank response starts."""
        text = "Deze managementresponse is een formele reactie." if extracted is None else extracted
        first = introduction_chapter(obj.layout, obj.language, text)
        if create and first:
            Chapter.objects.create(response=obj, order=0, **first)


class RecommendationGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecommendationGroup

    response = factory.SubFactory(ManagementResponseFactory)
    title = factory.Sequence(lambda n: f"Aanbevelingen groep {n}")
    order = factory.Sequence(int)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    group = factory.SubFactory(RecommendationGroupFactory)
    section = "8.2.1"
    heading = factory.Sequence(lambda n: f"THEMA {n}")
    order = factory.Sequence(int)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    theme = factory.SubFactory(ThemeFactory)
    location = factory.Sequence(lambda n: f"p. {100 + n}")
    text = factory.Sequence(lambda n: f"Aanbeveling nummer {n}.\n\n- eerste punt\n- tweede punt")
    agreement = Recommendation.Agreement.AGREE
    order = factory.Sequence(int)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    response = factory.SubFactory(ManagementResponseFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Actie titel {n}")
    narrative = "Wat we doen en waarom."
    status = Action.Status.IN_PROGRESS
    order = factory.Sequence(int)


class ActionLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionLink

    recommendation = factory.SubFactory(RecommendationFactory)
    action = factory.SubFactory(ActionFactory)
    order = factory.Sequence(int)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "actions.ProgressUpdate"

    action = factory.SubFactory(ActionFactory)
    status = factory.SelfAttribute("action.status")
    note = factory.Sequence(lambda n: f"Voortgang {n}: de werkgroep kwam samen.")


def introduction_of(response):
    """The response's introduction: its first chapter."""
    return Chapter.objects.filter(response=response).order_by("order", "pk").first()
