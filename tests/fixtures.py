"""Shared fixtures, imported by tests/conftest.py."""

from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models.signals import post_save

from interchange.importer import import_file

SEED = Path(settings.BASE_DIR) / "responses" / "seed" / "leerecosystemen.yaml"
SEED_TEXT = Path(__file__).parent / "data" / "seed_reference.txt"  # the real document's text


@pytest.fixture
def seed_response(db):
    """The real seed document, imported through the interchange format."""
    return import_file(SEED)


@pytest.fixture
def roles(db):
    from responses.roles import ensure_roles

    return ensure_roles()


def make_user(django_user_model, username, group=None, **extra):
    user = django_user_model.objects.create_user(username=username, password="pw-" + username, **extra)
    if group is not None:
        user.groups.add(group)
    return user


def grant(user, response, role):
    """Give ``user`` ``role`` on ``response`` (a Membership; replaces another role there)."""
    from responses.models import Membership
    from responses.permissions import forget_roles

    Membership.objects.update_or_create(user=user, response=response, defaults={"role": role})
    forget_roles(user)


@contextmanager
def member_of_every_response(user, role):
    """``user`` has ``role`` on every response, those that exist and those the test creates next.

    For the many tests about *what a role may do* in the response under test. Tests about
    *which* response a role applies to (tests/test_roles.py, the permission matrix) grant
    memberships one by one with ``grant``.
    """
    from responses.models import ManagementResponse

    for response in ManagementResponse.objects.all():
        grant(user, response, role)

    def on_save(sender, instance, created, raw=False, **kwargs):
        if created and not raw:
            grant(user, instance, role)

    post_save.connect(on_save, sender=ManagementResponse, weak=False, dispatch_uid=f"member-{user.pk}")
    try:
        yield user
    finally:
        post_save.disconnect(sender=ManagementResponse, dispatch_uid=f"member-{user.pk}")


@pytest.fixture
def evaluation_staff(django_user_model, roles):
    """Evaluation staff of every response in the test; may also start responses."""
    from responses.roles import EVALUATION_STAFF

    user = make_user(django_user_model, "eva", roles[EVALUATION_STAFF])
    with member_of_every_response(user, "evaluation_staff"):
        yield user


@pytest.fixture
def project_member(django_user_model, roles):
    """Project team of every response in the test."""
    user = make_user(django_user_model, "piet")
    with member_of_every_response(user, "project_team"):
        yield user


@pytest.fixture
def reader(django_user_model, roles):
    """Reader of every response in the test."""
    user = make_user(django_user_model, "lea")
    with member_of_every_response(user, "reader"):
        yield user


@pytest.fixture
def outsider(django_user_model):
    return make_user(django_user_model, "olaf")


@pytest.fixture
def admin_user_(django_user_model):
    return make_user(django_user_model, "ada", is_superuser=True, is_staff=True)


@pytest.fixture(scope="session")
def our_own_documents(django_db_setup, django_db_blocker):
    """Our own documents, rendered once for the whole run: what each reader must not take for its
    own shape. PDFs of tests/data/uneg-matrix.yaml and board-response.yaml, the seed's PDF in the
    table and in the matrix layout (one render for every test module that needs it; the matrix one
    took over a minute before its key-action tables had a fixed layout, a few seconds since), and
    the seed's Word files in both layouts."""
    from django.db import transaction
    from django.test import override_settings

    from document import pdf
    from office.word import docx_bytes
    from responses.models import ManagementResponse

    data = Path(__file__).parent / "data"
    documents = {}
    # Renders on a machine shared by parallel test runs may pass the 180 s bound of a request.
    with django_db_blocker.unblock(), override_settings(PDF_RENDER_SECONDS=900), transaction.atomic():
        for name in ("uneg-matrix", "board-response"):
            documents[f"{name}.pdf"] = pdf.render_pdf(import_file(data / f"{name}.yaml", replace=True))
        seed = import_file(SEED, replace=True)
        documents["seed-table.pdf"] = pdf.render_pdf(seed)
        documents["seed-table.docx"] = docx_bytes(seed)
        ManagementResponse.objects.filter(pk=seed.pk).update(layout="matrix")
        seed = ManagementResponse.objects.get(pk=seed.pk)
        documents["seed-matrix.pdf"] = pdf.render_pdf(seed)
        documents["seed-matrix.docx"] = docx_bytes(seed)
        transaction.set_rollback(True)
    return documents
