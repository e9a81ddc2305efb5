"""Shared test basics.

Environment defaults that config.settings needs at import time (TESTING,
SECRET_KEY, ALLOWED_HOSTS, ...) are set by the tests.pgserver plugin, which
also starts the throwaway PostgreSQL server for TEST_POSTGRES=1 runs: this
conftest is imported too late for either.

Shared fixtures live in tests/fixtures.py (imported below); model factories
in tests/factories.py.
"""

import pytest
from django.core.cache import caches

from tests.fixtures import *  # noqa: F403  shared fixtures


@pytest.fixture(autouse=True)
def _dutch_by_default(settings):
    """Start every test in the site's language: management commands switch the thread to en-us."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_caches():
    """Every test starts with empty caches (including the rendered-PDF cache)."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _evidence_storage(settings, tmp_path_factory):
    """Evidence files go to a folder of the test's own, never under the project's media/ (the
    S3 tests in tests/test_evidence_storage.py point the same alias at moto's server)."""
    location = tmp_path_factory.mktemp("evidence")
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location, "base_url": None},
        },
    }
