"""The portfolio report: implementation rates per response and overall, overdue actions, rejected
recommendations, as a page and a PDF."""

import datetime
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from tests.factories import ActionFactory, ManagementResponseFactory, RecommendationFactory
from tests.fixtures import grant, make_user
from tests.test_responses_pdf import WORKER, run_worker

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def board(db, django_user_model):
    anna = make_user(django_user_model, "anna")
    old = ManagementResponseFactory(title="Leerecosystemen", evaluation_delivered_on=datetime.date(2024, 9, 30))
    new = ManagementResponseFactory(title="Toekomstig programma", evaluation_delivered_on=datetime.date(2030, 1, 1))
    grant(anna, old, "reader")
    ActionFactory(response=old, number="1", status="realised")
    ActionFactory(response=old, number="2", status="in_progress", title="Leertraject", due_date=YESTERDAY)
    ActionFactory(response=new, number="1", status="realised")
    RecommendationFactory(
        theme__group__response=old, agreement="disagree", text="Schaf de oproepen af.", justification="Niet haalbaar."
    )
    return anna


def test_the_page_shows_rates_overdue_and_rejected(client, board):
    client.force_login(board)

    html = client.get(reverse("tracking:portfolio"), {"year": "2025"}).content.decode()

    assert "Portefeuillerapport 2025" in html
    assert "Leerecosystemen" in html
    assert "Toekomstig programma" not in html
    assert "50%" in html  # 1 of 2 realised
    assert re.search(r">2</a> <span lang=\"nl\">Leertraject", html)  # the action, linked, its title in its language
    assert "Schaf de oproepen af." in html
    assert "Niet haalbaar." in html


def pdf_text(data, tmp_path):
    path = tmp_path / "p.pdf"
    path.write_bytes(data)
    return re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(path), "-"], capture_output=True).stdout.decode())


def get_portfolio_pdf(client, year="2025", **headers):
    return client.get(reverse("tracking:portfolio_pdf"), {"year": year}, **headers)


@pytest.mark.pdf
@WORKER
def test_the_pdf_is_rendered_by_the_task_worker_and_says_the_same(client, board, tmp_path, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from tracking import pdf

    client.force_login(board)
    tasks = DBTaskResult.objects.filter(task_path="tracking.tasks.render_portfolio_task")

    # Not rendered in the request: "being prepared" (202), a page that asks again by itself.
    waiting = get_portfolio_pdf(client)
    assert waiting.status_code == 202
    assert waiting["Retry-After"].isdigit()
    assert "ETag" not in waiting
    html = waiting.content.decode()
    assert '<meta http-equiv="refresh"' in html
    assert "De PDF wordt voorbereid" in html
    assert "Terug naar het portefeuillerapport" in html
    assert [t.status for t in tasks.all()] == ["READY"]
    assert get_portfolio_pdf(client).status_code == 202
    assert tasks.count() == 1  # asking again queues no second render

    renders = []
    real = pdf.render_portfolio_pdf
    monkeypatch.setattr(pdf, "render_portfolio_pdf", lambda report: renders.append(report.year) or real(report))
    run_worker()
    assert renders == [2025]
    assert [t.status for t in tasks.all()] == ["SUCCESSFUL"]

    answer = get_portfolio_pdf(client)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    text = pdf_text(answer.content, tmp_path)
    assert "Portefeuillerapport 2025" in text
    assert "Leerecosystemen" in text
    assert "50%" in text
    assert "Niet aanvaarde aanbevelingen" in text
    assert "Niet haalbaar." in text

    # Kept until something changes: the same PDF again (a 304 for a browser that has it), no render.
    etag = answer["ETag"]
    assert get_portfolio_pdf(client).content == answer.content
    assert get_portfolio_pdf(client, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert renders == [2025]
    assert tasks.count() == 1

    # A change in a response of the report: a new key, a new render with the new figures.
    action = Action.objects.get(title="Leertraject")
    action.status = "realised"
    action.save()
    assert get_portfolio_pdf(client).status_code == 202
    run_worker()
    answer = get_portfolio_pdf(client)
    assert answer.status_code == 200
    assert answer["ETag"] != etag
    assert "100%" in pdf_text(answer.content, tmp_path)
    assert renders == [2025, 2025]


@pytest.mark.pdf
@WORKER
def test_the_pdf_of_another_year_or_language_is_another_pdf(client, board, tmp_path):
    client.force_login(board)
    for year, language in [("2025", "nl"), ("2024", "nl"), ("2025", "en")]:
        assert get_portfolio_pdf(client, year, HTTP_ACCEPT_LANGUAGE=language).status_code == 202
    run_worker()
    dutch = pdf_text(get_portfolio_pdf(client, "2025", HTTP_ACCEPT_LANGUAGE="nl").content, tmp_path)
    earlier = pdf_text(get_portfolio_pdf(client, "2024", HTTP_ACCEPT_LANGUAGE="nl").content, tmp_path)
    english = get_portfolio_pdf(client, "2025", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    assert "Portefeuillerapport 2025" in dutch
    assert "Portefeuillerapport 2024" in earlier
    assert "Portfolio report 2025" in pdf_text(english.content, tmp_path)


@pytest.mark.pdf
@WORKER
def test_a_render_whose_report_changed_since_it_was_asked_renders_nothing(client, board):
    from tracking import pdf

    client.force_login(board)
    assert get_portfolio_pdf(client).status_code == 202
    ActionFactory(response=Action.objects.get(title="Leertraject").response, number="3")  # a new revision
    etag = get_portfolio_pdf(client)
    run_worker()
    # The first task found its key out of date and left nothing; the second one rendered.
    from django_tasks_db.models import DBTaskResult

    results = DBTaskResult.objects.filter(task_path="tracking.tasks.render_portfolio_task").order_by("enqueued_at")
    assert [r.return_value for r in results] == [False, True]
    assert etag.status_code == 202
    assert get_portfolio_pdf(client).status_code == 200
    assert pdf.portfolio_etag(board, 2025, language="nl") == get_portfolio_pdf(client)["ETag"]


def test_a_draft_is_in_its_members_report_only(client, board, django_user_model):
    from responses.models import ManagementResponse

    ManagementResponse.objects.filter(title="Leerecosystemen").update(status="draft")
    client.force_login(make_user(django_user_model, "olaf"))
    assert "Leerecosystemen" not in client.get(reverse("tracking:portfolio"), {"year": "2025"}).content.decode()

    client.force_login(board)
    assert "Leerecosystemen" in client.get(reverse("tracking:portfolio"), {"year": "2025"}).content.decode()
