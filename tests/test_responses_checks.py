"""The consistency checks before publication (document/checks.py): each fires, and is quiet once fixed."""

import pytest
from django.urls import reverse

from actions.models import Action
from document.checks import dangling_footnotes, run_checks
from recommendations.models import Recommendation
from responses.permissions import EVALUATION_STAFF, READER
from tests.factories import (
    ActionFactory,
    ActionLinkFactory,
    ManagementResponseFactory,
    RecommendationFactory,
    ThemeFactory,
    introduction_of,
)
from tests.fixtures import grant, make_user


@pytest.fixture
def clean(db):
    """A response that passes every check: one agreed recommendation answered by one action."""
    response = ManagementResponseFactory(status="draft")
    theme = ThemeFactory(group__response=response)
    rec = RecommendationFactory(theme=theme, agreement="agree")
    action = ActionFactory(response=response, time_frame="Q3 2025", responsible_units=["Team A"])
    ActionLinkFactory(recommendation=rec, action=action)
    return response, rec, action


def codes(response):
    return [f.code for f in run_checks(response)]


def test_a_clean_response_has_no_findings(clean):
    assert run_checks(clean[0]) == []


def test_a_recommendation_without_agreement_is_a_warning_until_decided(clean):
    response, rec, _action = clean
    rec.agreement = ""
    rec.save()
    [finding] = run_checks(response)
    assert (finding.code, finding.severity) == ("agreement_missing", "warning")
    assert finding.url == reverse("recommendations:detail", kwargs={"pk": rec.pk})
    rec.agreement = "agree"
    rec.save()
    assert codes(response) == []


@pytest.mark.parametrize("agreement", ["partially_agree", "disagree"])
def test_partial_or_no_agreement_without_justification_is_an_error_until_justified(clean, agreement):
    response, rec, _action = clean
    rec.agreement = agreement
    rec.save()
    findings = [f for f in run_checks(response) if f.code == "justification_missing"]
    assert [f.severity for f in findings] == ["error"]
    rec.justification = "Te duur voor dit jaar."
    rec.save()
    assert "justification_missing" not in codes(response)


def test_an_agreed_recommendation_without_action_is_an_error_until_linked(clean):
    response, _rec, action = clean
    lonely = RecommendationFactory(theme=_rec.theme, agreement="agree")
    findings = run_checks(response)
    # Named in the interface's words: by its number, else its place in the report.
    expected = f"Aanbeveling {lonely.number or lonely.location}"
    assert [(f.code, f.severity, f.item) for f in findings] == [("agreed_without_action", "error", expected)]
    ActionLinkFactory(recommendation=lonely, action=action)
    assert codes(response) == []


def test_a_disagreed_recommendation_needs_no_action(clean):
    response, rec, _action = clean
    RecommendationFactory(theme=rec.theme, agreement="disagree", justification="Buiten ons mandaat.")
    assert codes(response) == []


def test_an_action_answering_no_recommendation_is_a_warning_until_linked(clean):
    response, rec, _action = clean
    other = ActionFactory(response=response)
    findings = run_checks(response)
    assert [(f.code, f.severity, f.url) for f in findings] == [
        ("action_unlinked", "warning", reverse("actions:detail", kwargs={"pk": other.pk}))
    ]
    part = ActionFactory(response=response, parent=other, number=f"{other.number}.1")
    ActionLinkFactory(recommendation=rec, action=part)  # linked through one of its parts
    assert codes(response) == []


def test_the_matrix_wants_status_time_frame_and_units_of_every_key_action(clean):
    response, _rec, action = clean
    Action.objects.filter(pk=action.pk).update(status="", time_frame="", responsible_units=[])
    assert codes(response) == []  # the table layout prints none of them
    response.layout = "matrix"
    response.save()
    _rec.response_text = "We doen het."
    _rec.save()
    assert sorted(codes(response)) == ["action_status_missing", "action_time_frame_missing", "action_units_missing"]
    Action.objects.filter(pk=action.pk).update(status="to_start", time_frame="2025", responsible_units=["Team"])
    assert codes(response) == []


def test_a_part_inheriting_its_parents_status_has_one(clean):
    response, _rec, action = clean
    response.layout = "matrix"
    response.save()
    _rec.response_text = "We doen het."
    _rec.save()
    ActionFactory(response=response, parent=action, status="inherited", time_frame="2025", responsible_units=["X"])
    assert codes(response) == []


def test_an_empty_narrative_is_a_warning_in_the_table_layout(clean):
    response, _rec, action = clean
    Action.objects.filter(pk=action.pk).update(narrative="  ")
    assert codes(response) == ["narrative_missing"]
    Action.objects.filter(pk=action.pk).update(narrative="Nu wel.")
    assert codes(response) == []


def test_an_empty_management_response_is_a_warning_in_the_matrix(clean):
    response, rec, _action = clean
    response.layout = "matrix"
    response.save()
    assert codes(response) == ["response_text_missing"]
    rec.response_text = "Het management neemt de aanbeveling over."
    rec.save()
    assert codes(response) == []


def test_a_footnote_call_without_its_note_is_an_error_until_the_note_is_written(clean):
    response, _rec, action = clean
    Action.objects.filter(pk=action.pk).update(narrative="Zie het model[^nao].")
    findings = run_checks(response)
    assert [(f.code, f.severity) for f in findings] == [("footnote_missing", "error")]
    assert "[^nao]" in str(findings[0].message)
    Action.objects.filter(pk=action.pk).update(narrative="Zie het model[^nao].\n\n[^nao]: Kern-periferie.")
    assert codes(response) == []


def test_a_footnote_call_in_the_introduction_links_to_its_chapter(clean):
    response, _rec, _action = clean
    intro = introduction_of(response)
    intro.body = "Inleiding[^1]."
    intro.save()
    [finding] = run_checks(response)
    assert finding.url == reverse("responses:chapter", kwargs={"slug": response.slug, "pk": intro.pk})


def test_dangling_footnotes_reads_calls_and_notes():
    assert dangling_footnotes("a[^1] b[^2]\n\n[^1]: note") == ["2"]
    assert dangling_footnotes("no notes here [link](x)") == []


def test_errors_come_before_warnings(clean):
    response, rec, _action = clean
    RecommendationFactory(theme=rec.theme, agreement="")
    RecommendationFactory(theme=rec.theme, agreement="disagree")
    assert [f.severity for f in run_checks(response)] == ["error", "warning"]


def test_the_response_page_lists_the_checklist_for_editors_only(client, clean, django_user_model):
    response, rec, _action = clean
    rec.agreement = "partially_agree"
    rec.save()
    editor = make_user(django_user_model, "eva")
    reader = make_user(django_user_model, "rita")
    grant(editor, response, EVALUATION_STAFF)
    grant(reader, response, READER)
    client.force_login(editor)
    page = client.get(response.get_absolute_url()).content.decode()
    assert "Controle voor publicatie" in page
    assert "Gedeeltelijk akkoord zonder motivering." in page
    assert reverse("recommendations:detail", kwargs={"pk": rec.pk}) in page
    client.force_login(reader)
    assert "Controle voor publicatie" not in client.get(response.get_absolute_url()).content.decode()


def test_the_seed_passes_its_own_checks_and_says_in_the_data_why_one_justification_is_missing(seed_response):
    """The real document agrees partially with one recommendation (p. 191) and prints no reasons;
    the data says so, and the checklist honours it. What remains is a warning: one recommendation
    the document gives no agreement level."""
    findings = run_checks(seed_response)
    assert [(f.code, f.severity) for f in findings] == [("agreement_missing", "warning")]
    partial = Recommendation.objects.get(response=seed_response, agreement="partially_agree")
    assert (partial.location, partial.justification, partial.justification_not_in_source) == ("p. 191", "", True)


def test_without_the_datas_word_a_partial_agreement_without_reasons_is_an_error_again(seed_response):
    Recommendation.objects.filter(response=seed_response).update(justification_not_in_source=False)
    findings = run_checks(seed_response)
    assert [(f.code, f.severity) for f in findings] == [
        ("justification_missing", "error"),
        ("agreement_missing", "warning"),
    ]
