"""core/instances.py: the document's long lists built without Model.__init__ are the objects Django builds."""

import pytest
from django.db.models.signals import post_init

from actions.models import Action, ActionLink
from core import rendered
from core.instances import instances
from recommendations.models import Recommendation
from tests.factories import ActionFactory, ActionLinkFactory, ManagementResponseFactory, RecommendationFactory


def _state(instance):
    return (instance._state.adding, instance._state.db, instance.get_deferred_fields())


@pytest.fixture
def rows(db):
    response = ManagementResponseFactory()
    recommendation = RecommendationFactory(response=response, theme=None, justification="Omdat het kan.")
    action = ActionFactory(response=response, due_date="2026-03-31")
    ActionLinkFactory(recommendation=recommendation, action=action, qualifier="(deels)")
    return response


@pytest.mark.parametrize("model", [Recommendation, Action, ActionLink])
def test_instances_hold_the_values_and_state_django_gives_them(rows, model):
    queryset = model.objects.order_by("pk")
    fast, django = instances(queryset), list(queryset)
    assert [obj.pk for obj in fast] == [obj.pk for obj in django] != []
    for mine, theirs in zip(fast, django, strict=True):
        for field in model._meta.concrete_fields:
            assert getattr(mine, field.attname) == getattr(theirs, field.attname), field.name
        assert _state(mine) == _state(theirs) == (False, "default", set())


def test_left_out_fields_are_deferred_and_load_when_read(rows, django_assert_num_queries):
    names = rendered.rendered_field_names(Recommendation)
    (fast,) = instances(Recommendation.objects.all(), exclude=names)
    (django,) = Recommendation.objects.defer(*names)
    assert fast.get_deferred_fields() == django.get_deferred_fields() == set(names)
    with django_assert_num_queries(1):
        html = fast.text_html
    assert html == Recommendation.objects.get().text_html
    assert "Aanbeveling nummer" in html["screen"]


def test_an_instance_saves_and_follows_its_relations_like_any_other(rows):
    (fast,) = instances(Action.objects.all())
    fast.title = "Nieuwe titel"
    fast.save()
    assert Action.objects.get().title == "Nieuwe titel"
    # The relations work as on Django's instances: the response, and the links back.
    assert fast.response == rows
    assert [link.qualifier for link in fast.links.all()] == ["(deels)"]


def test_a_model_with_init_receivers_is_built_by_django(rows):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Action)
    try:
        built = instances(Action.objects.all())
    finally:
        post_init.disconnect(receiver, sender=Action)
    assert seen == built and len(built) == 1
