"""Published versions stay as they went out: no queryset, ORM call, delete of their response or
(on PostgreSQL) raw SQL changes or removes one, and ``verify_versions`` re-checks what is stored."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from interchange.exporter import export_response
from responses.models import FrozenVersion, ManagementResponse, ResponseVersion
from tests.factories import ManagementResponseFactory
from tests.fixtures import make_user

PDF = b"%PDF-1.7 frozen test version"


@pytest.fixture
def publisher(django_user_model):
    return make_user(django_user_model, "eva", first_name="Eva")


@pytest.fixture
def version(db, publisher):
    """A frozen version, written without rendering (these tests are about what may touch it)."""
    response = ManagementResponseFactory(slug="gepubliceerd", status="published")
    return ResponseVersion.objects.create(
        response=response,
        number=1,
        note="Eerste versie",
        published_by=publisher,
        published_by_name="Eva",
        snapshot=export_response(response),
        pdf=PDF,
        sha256=hashlib.sha256(PDF).hexdigest(),
    )


def stored(version):
    row = ResponseVersion.objects.get(pk=version.pk)
    return row.note, bytes(row.pdf), row.sha256, row.snapshot


def test_a_version_keeps_the_hash_of_its_interchange_file(version):
    assert version.snapshot_sha256 == hashlib.sha256(version.snapshot.encode()).hexdigest()


def test_querysets_refuse_to_update_or_delete_versions(version):
    before = stored(version)
    with pytest.raises(FrozenVersion):
        ResponseVersion.objects.filter(pk=version.pk).update(pdf=b"%PDF forged")
    with pytest.raises(FrozenVersion):
        ResponseVersion.objects.update(note="Achteraf")
    with pytest.raises(FrozenVersion):
        version.response.published_versions.update(sha256="0" * 64)
    with pytest.raises(FrozenVersion):
        ResponseVersion.objects.bulk_update([version], ["note"])
    with pytest.raises(FrozenVersion):
        ResponseVersion.objects.all().delete()
    with pytest.raises(FrozenVersion):
        version.response.published_versions.all().delete()
    with pytest.raises(FrozenVersion):
        ResponseVersion._meta.base_manager.filter(pk=version.pk).update(note="Achteraf")
    assert stored(version) == before


def test_the_orm_refuses_to_save_or_delete_a_version(version):
    before = stored(version)
    version.note = "Achteraf"
    with pytest.raises(FrozenVersion):
        version.save()
    with pytest.raises(FrozenVersion):
        version.delete()
    assert stored(version) == before
    assert isinstance(FrozenVersion(), ValueError)  # what save() raised before


def test_the_response_of_a_version_cannot_be_deleted(version):
    with pytest.raises(ProtectedError):
        version.response.delete()
    with pytest.raises(ProtectedError):
        ManagementResponse.objects.filter(pk=version.response_id).delete()
    assert ResponseVersion.objects.filter(pk=version.pk).exists()


def test_deleting_the_publishers_account_keeps_the_version_and_the_name(version, publisher):
    publisher.delete()  # SET_NULL: the one update a version allows
    version = ResponseVersion.objects.get(pk=version.pk)
    assert (version.published_by_id, version.by, bytes(version.pdf)) == (None, "Eva", PDF)


def test_the_delete_page_lists_the_versions_and_refuses(admin_client, version):
    url = reverse("responses:delete", args=[version.response.slug])
    page = admin_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "kan niet verwijderd worden" in html
    assert "1 gepubliceerde versie" in html
    assert reverse("responses:version_pdf", args=[version.response.slug, 1]) in html
    assert reverse("responses:withdraw", args=[version.response.slug]) in html  # what to do instead
    assert "Definitief verwijderen" not in html
    answer = admin_client.post(url, {"recommendations": 0, "actions": 0})
    assert answer.status_code == 409
    assert ManagementResponse.objects.filter(pk=version.response_id).exists()
    assert ResponseVersion.objects.filter(pk=version.pk).exists()


def test_the_admin_cannot_delete_a_response_with_versions(admin_client, version):
    change = admin_client.get(reverse("admin:responses_managementresponse_change", args=[version.response_id]))
    assert change.status_code == 200
    delete = reverse("admin:responses_managementresponse_delete", args=[version.response_id])
    assert delete not in change.content.decode()
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:responses_managementresponse_changelist")
    admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [version.response_id], "post": "yes"}
    )
    assert ManagementResponse.objects.filter(pk=version.response_id).exists()
    assert ResponseVersion.objects.filter(pk=version.pk).exists()


def test_a_draft_without_versions_can_still_be_deleted_in_the_admin(admin_client, db):
    draft = ManagementResponseFactory(status="draft")
    delete = reverse("admin:responses_managementresponse_delete", args=[draft.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not ManagementResponse.objects.filter(pk=draft.pk).exists()


# --- verify_versions ---------------------------------------------------------------------------


def tamper(version, **columns):
    """Change stored columns behind the model's back, as a raw SQL statement would (on PostgreSQL
    past the trigger, which the test disables for the moment)."""
    table = ResponseVersion._meta.db_table
    sets = ", ".join(f"{column} = %s" for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's own inserts leave deferred foreign-key checks pending, which ALTER TABLE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER responses_version_frozen")
        cursor.execute(f"UPDATE {table} SET {sets} WHERE id = %s", [*columns.values(), version.pk])
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER responses_version_frozen")


def test_verify_versions_passes_when_every_stored_pdf_matches(version):
    out = io.StringIO()
    call_command("verify_versions", stdout=out)
    assert "1 published version(s)" in out.getvalue()
    assert "MISMATCH" not in out.getvalue()
    quiet = io.StringIO()
    call_command("verify_versions", "--quiet", stdout=quiet)
    assert quiet.getvalue() == ""


def test_verify_versions_names_each_mismatch_and_fails(version):
    tamper(version, pdf=b"%PDF-1.7 forged")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 mismatch"):
        call_command("verify_versions", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("MISMATCH gepubliceerd version 1: PDF has sha256 ")
    assert hashlib.sha256(b"%PDF-1.7 forged").hexdigest() in lines[0]


def test_verify_versions_checks_the_interchange_file_where_it_has_a_hash(version):
    tamper(version, snapshot=version.snapshot + "# achteraf\n")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_versions", stdout=out)
    assert "interchange file has sha256" in out.getvalue()
    tamper(version, snapshot_sha256="")  # a version from before the snapshot's hash: only its PDF
    call_command("verify_versions", stdout=io.StringIO())


# --- PostgreSQL: the trigger ---------------------------------------------------------------------

postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the trigger is PostgreSQL's")


def raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@postgres_only
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("pdf", b"%PDF forged"),
        ("sha256", "0" * 64),
        ("note", "Achteraf"),
        ("snapshot", "forged: yes"),
        ("published_at", "2001-01-01T00:00:00Z"),
        ("number", 7),
    ],
)
def test_postgres_refuses_a_raw_update_of_a_frozen_column(version, column, value):
    with pytest.raises(IntegrityError, match="frozen"):
        raw(f"UPDATE responses_responseversion SET {column} = %s WHERE id = %s", [value, version.pk])
    assert stored(version)[:3] == ("Eerste versie", PDF, hashlib.sha256(PDF).hexdigest())


@postgres_only
def test_postgres_refuses_a_raw_delete_of_a_version(version):
    with pytest.raises(IntegrityError, match="frozen"):
        raw("DELETE FROM responses_responseversion WHERE id = %s", [version.pk])
    with pytest.raises(DatabaseError):
        raw("DELETE FROM responses_responseversion", [])
    assert ResponseVersion.objects.filter(pk=version.pk).exists()


@postgres_only
def test_postgres_lets_the_publishers_account_go_but_not_be_swapped(version, publisher, django_user_model):
    other = make_user(django_user_model, "mallory")
    with pytest.raises(IntegrityError, match="frozen"):
        raw("UPDATE responses_responseversion SET published_by_id = %s WHERE id = %s", [other.pk, version.pk])
    raw("UPDATE responses_responseversion SET published_by_id = NULL WHERE id = %s", [version.pk])
    assert ResponseVersion.objects.get(pk=version.pk).published_by_id is None
