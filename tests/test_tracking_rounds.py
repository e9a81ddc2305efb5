"""Review rounds: evaluation staff open a round, the project team records statuses and comments,
staff close it, and the round's report (PDF) shows what changed since the previous round."""

import datetime
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate
from tests.factories import ActionFactory, ActionLinkFactory, ManagementResponseFactory, RecommendationFactory
from tests.fixtures import grant, make_user
from tests.test_responses_pdf import WORKER, run_worker
from tracking.models import ReviewRound


def pdf_text(data, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return re.sub(r"\s+", " ", done.stdout.decode())


@pytest.fixture
def team(db, django_user_model):
    response = ManagementResponseFactory(status="draft", slug="tracked")
    eva = make_user(django_user_model, "eva")
    piet = make_user(django_user_model, "piet", first_name="Piet", last_name="Janssens")
    grant(eva, response, "evaluation_staff")
    grant(piet, response, "project_team")
    first = ActionFactory(response=response, number="1", title="Oproepkader aanpassen", status="to_start")
    second = ActionFactory(
        response=response, number="2", title="Leertraject", status="in_progress", due_date=datetime.date(2025, 3, 1)
    )
    recommendation = RecommendationFactory(theme__group__response=response, agreement="agree")
    ActionLinkFactory(recommendation=recommendation, action=first)
    return response, eva, piet, first, second


def record(client, review_round, entries):
    data = {}
    for action, status, note in entries:
        action.refresh_from_db()
        data |= {f"status-{action.pk}": status, f"note-{action.pk}": note, f"version-{action.pk}": action.version}
    return client.post(review_round.get_absolute_url(), data)


def open_round(client, response, name, date):
    answer = client.post(reverse("tracking:rounds", args=[response.slug]), {"name": name, "date": date})
    assert answer.status_code == 302, answer.content.decode()
    return ReviewRound.objects.get(response=response, name=name)


@pytest.mark.pdf
@WORKER
def test_a_round_from_opening_to_its_report(client, team, tmp_path):
    response, eva, piet, first, second = team

    client.force_login(eva)
    h1 = open_round(client, response, "2025 H1", "2025-06-30")
    assert h1.opened_by == eva
    assert h1.is_open
    client.force_login(piet)
    assert (
        record(client, h1, [(first, "to_start", "Nog niet begonnen."), (second, "in_progress", "")]).status_code == 302
    )
    client.force_login(eva)
    client.post(reverse("tracking:round_close", args=[h1.pk]))

    h2 = open_round(client, response, "2025 H2", "2025-12-15")
    client.force_login(piet)
    answer = record(client, h2, [(first, "realised", "Nieuw oproepkader gepubliceerd."), (second, "in_progress", "")])
    assert answer.status_code == 302
    first.refresh_from_db()
    assert first.status == "realised"
    entry = h2.updates.get()  # the second action: unchanged status, no note -> nothing recorded
    assert (entry.action, entry.status, entry.date, entry.author) == (
        first,
        "realised",
        datetime.date(2025, 12, 15),
        piet,
    )
    client.force_login(eva)
    assert client.post(reverse("tracking:round_close", args=[h2.pk])).status_code == 302
    h2.refresh_from_db()
    assert not h2.is_open
    assert h2.closed_by == eva

    # The report is rendered by the task worker: meanwhile "being prepared" (202), then the PDF,
    # then a 304 for a browser that has it.
    url = reverse("tracking:round_report", args=[h2.pk])
    waiting = client.get(url)
    assert waiting.status_code == 202
    assert "Terug naar de ronde" in waiting.content.decode()
    assert "script-src" in waiting["Content-Security-Policy"]  # the site's policy, not the PDF's
    run_worker()
    report = client.get(url)
    assert report.status_code == 200
    assert report["Content-Type"] == "application/pdf"
    assert client.get(url, HTTP_IF_NONE_MATCH=report["ETag"]).status_code == 304
    text = pdf_text(report.content, tmp_path)
    assert "Voortgangsronde 2025 H2" in text
    assert "Vorige ronde: 2025 H1 (30 juni 2025)." in text
    assert "1 gewijzigd sinds de vorige ronde" in text
    changed = text.split("Wat veranderde sinds de vorige ronde", 1)[1].split("Achterstallige acties", 1)[0]
    assert "1 Oproepkader aanpassen op te starten gerealiseerd Nieuw oproepkader gepubliceerd." in changed
    assert "Leertraject" not in changed
    overdue = text.split("Achterstallige acties", 1)[1].split("Stand van elke actie", 1)[0]
    assert "2 Leertraject 1 maart 2025 in uitvoering" in overdue
    assert "Oproepkader" not in overdue
    assert "Uitvoering per aanbeveling" in text
    assert "Uitgevoerd" in text


def test_a_closed_round_takes_no_more_statuses(client, team):
    response, eva, piet, first, _second = team
    review_round = ReviewRound.objects.create(response=response, name="2025 H1", date="2025-06-30")
    client.force_login(eva)
    client.post(reverse("tracking:round_close", args=[review_round.pk]))
    client.force_login(piet)

    assert 'name="status-' not in client.get(review_round.get_absolute_url()).content.decode()
    record(client, review_round, [(first, "realised", "Te laat.")])

    first.refresh_from_db()
    assert first.status == "to_start"
    assert not ProgressUpdate.objects.exists()


def test_a_stale_round_save_keeps_the_input_and_saves_nothing(client, team):
    response, _eva, piet, first, second = team
    review_round = ReviewRound.objects.create(response=response, name="2025 H1", date="2025-06-30")
    client.force_login(piet)
    data = {
        f"status-{first.pk}": "realised",
        f"note-{first.pk}": "Klaar.",
        f"version-{first.pk}": first.version,
        f"status-{second.pk}": "realised",
        f"note-{second.pk}": "Ook klaar.",
        f"version-{second.pk}": second.version,
    }
    Action.objects.filter(pk=second.pk).update(version=second.version + 1)  # someone saved it meanwhile

    answer = client.post(review_round.get_absolute_url(), data)

    assert answer.status_code == 409
    assert "Ook klaar." in answer.content.decode()
    first.refresh_from_db()
    assert first.status == "to_start"
    assert not ProgressUpdate.objects.exists()


def test_a_bad_status_is_refused_next_to_its_action(client, team):
    response, _eva, piet, first, _second = team
    review_round = ReviewRound.objects.create(response=response, name="2025 H1", date="2025-06-30")
    client.force_login(piet)

    answer = record(client, review_round, [(first, "inherited", "Kan niet: een hoofdactie.")])

    assert answer.status_code == 422
    assert 'aria-invalid="true"' in answer.content.decode()
    assert "Kies een geldige status." in answer.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_round_name_is_unique_per_response(client, team):
    response, eva, _piet, _first, _second = team
    client.force_login(eva)
    open_round(client, response, "2025 H1", "2025-06-30")

    again = client.post(reverse("tracking:rounds", args=[response.slug]), {"name": "2025 H1", "date": "2025-07-01"})

    assert again.status_code == 422
    assert ReviewRound.objects.count() == 1


@pytest.mark.pdf
def test_the_reports_status_cells_are_never_broken_over_two_lines(seed_response, django_user_model, tmp_path):
    """The seed's long action titles and recommendations squeeze the status columns: "in uitvoering"
    stays on one line in every table (changes, overdue actions, every action, per recommendation)."""
    from tracking import services
    from tracking.pdf import render_report_pdf

    staff = make_user(django_user_model, "eva")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for action in Action.objects.filter(response=seed_response, parent=None)[:3]:
        action.due_date = yesterday
        action.save()
    review_round = ReviewRound.objects.create(response=seed_response, name="2026 H2", date=yesterday, opened_by=staff)
    entries = [
        services.Entry(action=a, status="in_progress", note="Loopt.", base_version=a.version)
        for a in Action.objects.filter(response=seed_response, parent=None)[:4]
    ]
    services.record_round(review_round=review_round, user=staff, entries=entries)
    path = tmp_path / "report.pdf"
    path.write_bytes(render_report_pdf(services.round_report(review_round)))

    lines = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    lines = [line.strip() for line in lines.stdout.decode().splitlines()]

    assert lines.count("in uitvoering") >= 4 + 3 + 4  # changed, overdue, every action
    assert "In uitvoering" in lines  # a recommendation's implementation
    assert not {"in", "In", "uitvoering"} & set(lines)


def test_a_round_reports_pdf_is_kept_until_its_response_or_a_round_changes(seed_response, django_user_model):
    from tracking import services
    from tracking.pdf import round_report_etag

    staff = make_user(django_user_model, "eva")
    review_round = ReviewRound.objects.create(response=seed_response, name="2026 H1", date="2026-06-30")

    def key():
        review_round.refresh_from_db()
        return round_report_etag(ReviewRound.objects.select_related("response").get(pk=review_round.pk))

    first = key()
    assert key() == first  # nothing changed: the same PDF
    action = Action.objects.filter(response=seed_response).first()
    action.status = "realised"
    action.save()
    after_status = key()
    assert after_status != first
    services.close_round(review_round=review_round, user=staff)
    assert key() != after_status  # "round still open" is printed on it


def test_the_round_form_refuses_a_name_taken_in_its_response_and_allows_it_in_another(team):
    """The name is unique per response (a model constraint); the response is no form field, so
    RoundForm checks the constraint itself and reports it above the form."""
    from tracking.forms import RoundForm

    response, eva, _piet, _first, _second = team
    ReviewRound.objects.create(response=response, name="2025 H1", date=datetime.date(2025, 6, 30), opened_by=eva)

    taken = RoundForm({"name": "2025 H1", "date": "2025-07-01"}, response=response)
    elsewhere = RoundForm({"name": "2025 H1", "date": "2025-07-01"}, response=ManagementResponseFactory())

    assert not taken.is_valid()
    assert list(taken.errors) == ["__all__"]
    assert taken.non_field_errors()
    assert elsewhere.is_valid(), elsewhere.errors
