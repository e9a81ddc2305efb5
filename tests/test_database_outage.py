"""Reads survive a dropped database connection (core/middleware.py): PostgreSQL only, for real."""

import psycopg
import pytest
from django.db import connection

from responses.models import ManagementResponse
from tests.factories import ManagementResponseFactory, RecommendationFactory

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="drops PostgreSQL's connections"),
    pytest.mark.django_db(transaction=True),  # the requests' connections are the pool's, not a test transaction
]


def drop_every_connection_of_the_app():
    """What a restart does to the connections the pool holds (without waiting for one): the server
    ends them under their clients."""
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as admin:
        ended = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    assert ended >= 1


def test_a_read_that_meets_a_dropped_connection_is_answered_on_a_fresh_one(client):
    response = ManagementResponseFactory(status=ManagementResponse.Status.PUBLISHED, title="Na de herstart")
    RecommendationFactory(theme__group__response=response, text="Nog steeds leesbaar.")
    url = response.get_absolute_url()
    assert client.get(url).status_code == 200
    for _round in range(3):
        drop_every_connection_of_the_app()
        page = client.get(url)  # the pool hands out a connection used a moment ago: dead
        assert page.status_code == 200
        assert "Nog steeds leesbaar." in page.content.decode()
        assert client.head(url).status_code == 200


def test_a_write_that_meets_a_dropped_connection_is_not_retried(client, evaluation_staff):
    from django.db import OperationalError
    from django.urls import reverse

    rec = RecommendationFactory()
    client.force_login(evaluation_staff)
    url = reverse("recommendations:agreement", args=[rec.pk])
    assert client.get(url).status_code == 200
    drop_every_connection_of_the_app()
    with pytest.raises(OperationalError):  # the test client re-raises what the site answers 500 to
        client.post(url, {"agreement": "disagree", "justification": "Eén keer.", "version": rec.version})
    # The user decides whether to save again; the next request gets a working connection.
    assert client.get(url).status_code == 200
    rec.refresh_from_db()
    assert rec.agreement == "agree"
