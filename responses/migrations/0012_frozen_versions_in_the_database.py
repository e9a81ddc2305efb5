"""Published versions, frozen in the database too.

1. Each existing version gets the SHA-256 of its interchange file (``snapshot_sha256``), which
   ``manage.py verify_versions`` re-checks from now on, like the PDF's.
2. On PostgreSQL, a trigger refuses any UPDATE of a version's frozen columns and any DELETE of
   a version, whatever sends it (raw SQL, a shell, a future migration): only ``published_by``
   may become NULL (deleting the publisher's account; the name stays in ``published_by_name``).
   SQLite has no such trigger here: there the model refuses (``ResponseVersion``).

A later migration that really must rewrite versions disables the trigger around its work:
``ALTER TABLE responses_responseversion DISABLE TRIGGER responses_version_frozen`` (and ENABLE;
after ``SET CONSTRAINTS ALL IMMEDIATE`` if the transaction has written rows with foreign keys).
"""

import hashlib

from django.db import migrations

FROZEN = [
    "response_id",
    "number",
    "published_at",
    "published_by_name",
    "note",
    "override_reason",
    "overridden_errors",
    "snapshot",
    "snapshot_sha256",
    "pdf",
    "sha256",
]

CREATE = """
CREATE OR REPLACE FUNCTION responses_version_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'published version % is frozen: it cannot be deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF {changed}
       OR (NEW.published_by_id IS DISTINCT FROM OLD.published_by_id AND NEW.published_by_id IS NOT NULL) THEN
        RAISE EXCEPTION 'published version % is frozen: it cannot be changed', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER responses_version_frozen
    BEFORE UPDATE OR DELETE ON responses_responseversion
    FOR EACH ROW EXECUTE FUNCTION responses_version_frozen();
""".format(changed="\n       OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in FROZEN))

DROP = """
DROP TRIGGER IF EXISTS responses_version_frozen ON responses_responseversion;
DROP FUNCTION IF EXISTS responses_version_frozen();
"""


def hash_snapshots(apps, schema_editor):
    ResponseVersion = apps.get_model("responses", "ResponseVersion")
    for version in ResponseVersion.objects.filter(snapshot_sha256="").only("pk", "snapshot").iterator(chunk_size=50):
        digest = hashlib.sha256(version.snapshot.encode("utf-8")).hexdigest()
        ResponseVersion.objects.filter(pk=version.pk).update(snapshot_sha256=digest)


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0011_withdrawal_and_protected_versions"),
    ]

    operations = [
        migrations.RunPython(hash_snapshots, migrations.RunPython.noop),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
