"""Rules the database holds, and the small rules of one row."""

import pytest
from django.db import IntegrityError, transaction

from actions.models import Action
from tests.factories import ActionFactory, ActionLinkFactory, ManagementResponseFactory, RecommendationFactory


def test_action_numbers_are_unique_within_a_response(db):
    response = ManagementResponseFactory()
    ActionFactory(response=response, number="1.1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(response=response, number="1.1")
    ActionFactory(number="1.1")  # another response may use it


def test_an_unknown_agreement_level_is_refused_by_the_database(db):
    rec = RecommendationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(rec).objects.filter(pk=rec.pk).update(agreement="maybe")


def test_an_unknown_status_is_refused_by_the_database(db):
    action = ActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(status="done")


def test_a_top_level_action_cannot_inherit_a_status(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(status=Action.Status.INHERITED)


def test_an_action_may_be_not_reported_yet(db):
    action = ActionFactory(status=Action.Status.NOT_REPORTED)
    assert action.status_line == ""
    assert action.status_document_label == ""


def test_a_recommendation_links_to_an_action_once(db):
    link = ActionLinkFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionLinkFactory(recommendation=link.recommendation, action=link.action)


def test_a_part_inherits_status_and_time_qualifier_unless_it_has_its_own(db):
    parent = ActionFactory(status=Action.Status.TO_START, status_note="in 2025")
    inherits = ActionFactory(response=parent.response, parent=parent, number="4.1", status=Action.Status.INHERITED)
    own = ActionFactory(response=parent.response, parent=parent, number="4.2", status=Action.Status.REALISED)
    assert inherits.status_line == "op te starten in 2025"
    assert own.status_line == "gerealiseerd"


def test_heading_label_defaults_to_the_number_with_a_full_stop(db):
    assert ActionFactory(number="1.1").heading_label == "1.1."
    assert ActionFactory(number="3 – spoor 2", label="Spoor 2:").heading_label == "Spoor 2:"


def test_link_citation_prints_qualifiers_as_the_document_does(db):
    action = ActionFactory(number="5")
    assert ActionLinkFactory(action=action, qualifier="kennisdeling 4").citation == "Actie 5 – kennisdeling 4"
    spoor = ActionFactory(response=action.response, number="3 – spoor 1")
    assert ActionLinkFactory(action=spoor, qualifier="(systematisch leren)").citation == (
        "Actie 3 – spoor 1 (systematisch leren)"
    )
    assert ActionLinkFactory(action=action).citation == "Actie 5"


def test_the_models_and_their_migrations_agree(db):
    # A model change without its migration (say, a shared field moved into core.models.Versioned
    # with another definition) would reach production as a schema the code does not expect.
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
