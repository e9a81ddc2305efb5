"""The portfolio report: implementation rates per response and overall, overdue actions, rejected
recommendations, as a page and a PDF."""

import datetime
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from .factories import ActionFactory, ManagementResponseFactory, RecommendationFactory
from .fixtures import grant, make_user

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
    assert "Leerecosystemen" in html and "Toekomstig programma" not in html  # delivered after 2025
    assert "50%" in html  # 1 of 2 realised
    assert "2 Leertraject" in html
    assert "Schaf de oproepen af." in html and "Niet haalbaar." in html


def test_the_pdf_says_the_same(client, board, tmp_path):
    client.force_login(board)

    answer = client.get(reverse("tracking:portfolio_pdf"), {"year": "2025"})

    assert answer["Content-Type"] == "application/pdf"
    path = tmp_path / "p.pdf"
    path.write_bytes(answer.content)
    text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(path), "-"], capture_output=True).stdout.decode())
    assert "Portefeuillerapport 2025" in text and "Leerecosystemen" in text and "50%" in text
    assert "Niet aanvaarde aanbevelingen" in text and "Niet haalbaar." in text


def test_a_draft_is_in_its_members_report_only(client, board, django_user_model):
    from responses.models import ManagementResponse

    ManagementResponse.objects.filter(title="Leerecosystemen").update(status="draft")
    client.force_login(make_user(django_user_model, "olaf"))
    assert "Leerecosystemen" not in client.get(reverse("tracking:portfolio"), {"year": "2025"}).content.decode()

    client.force_login(board)
    assert "Leerecosystemen" in client.get(reverse("tracking:portfolio"), {"year": "2025"}).content.decode()
