"""core/prepared.py: a lookup compiled once returns what the ORM's own query returns."""

import datetime

import pytest

from core.prepared import by_unique
from responses.models import ManagementResponse
from tests.factories import ManagementResponseFactory

FIELDS = ["slug", "status", "published_on", "revision", "title"]


@pytest.mark.django_db
def test_a_prepared_lookup_gives_the_instance_only_would(django_assert_num_queries):
    wanted = ManagementResponseFactory(slug="gezocht", published_on=datetime.date(2025, 6, 30))
    ManagementResponseFactory(slug="een-andere")
    lookup = by_unique(ManagementResponse, "slug", FIELDS)
    for _ in range(2):  # compiled on the first call, reused on the second
        with django_assert_num_queries(1):
            found = lookup("gezocht")
        expected = ManagementResponse.objects.only(*FIELDS).get(slug="gezocht")
        assert found.pk == wanted.pk
        for name in ["id", *FIELDS]:
            assert getattr(found, name) == getattr(expected, name), name
        # A date comes back as a date on SQLite too (the ORM's converters ran).
        assert found.published_on == datetime.date(2025, 6, 30)
        assert found.get_deferred_fields() == expected.get_deferred_fields() != set()
        assert not found._state.adding and found._state.db == "default"
    with django_assert_num_queries(1):  # a field left out loads when it is read
        assert found.organisation == wanted.organisation


@pytest.mark.django_db
def test_a_prepared_lookup_of_an_unknown_value_gives_none_and_quotes_what_it_is_given():
    ManagementResponseFactory(slug="bestaat")
    lookup = by_unique(ManagementResponse, "slug", FIELDS)
    assert lookup("bestaat-niet") is None
    assert lookup("' OR '1'='1") is None  # a parameter, never SQL
    assert lookup("bestaat").slug == "bestaat"
