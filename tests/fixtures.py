"""Shared fixtures, imported by tests/conftest.py."""

from pathlib import Path

import pytest
from django.conf import settings

from responses.interchange import import_file

SEED = Path(settings.BASE_DIR) / "responses" / "seed" / "leerecosystemen.yaml"
SEED_TEXT = Path(__file__).parent / "data" / "seed_reference.txt"  # the real document's text


@pytest.fixture
def seed_response(db):
    """The real seed document, imported through the interchange format."""
    return import_file(SEED)


@pytest.fixture
def roles(db):
    from core.roles import ensure_roles

    return ensure_roles()


def make_user(django_user_model, username, group=None, **extra):
    user = django_user_model.objects.create_user(username=username, password="pw-" + username, **extra)
    if group is not None:
        user.groups.add(group)
    return user


@pytest.fixture
def evaluation_staff(django_user_model, roles):
    from core.roles import EVALUATION_STAFF

    return make_user(django_user_model, "eva", roles[EVALUATION_STAFF])


@pytest.fixture
def project_member(django_user_model, roles):
    from core.roles import PROJECT_TEAM

    return make_user(django_user_model, "piet", roles[PROJECT_TEAM])


@pytest.fixture
def reader(django_user_model, roles):
    from core.roles import READERS

    return make_user(django_user_model, "lea", roles[READERS])


@pytest.fixture
def outsider(django_user_model):
    return make_user(django_user_model, "olaf")
