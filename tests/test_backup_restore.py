"""Backup and restore as README.md describes it ("Backup and restore"): pg_dump -Fc, then pg_restore
into an empty database, which serves the same published PDFs, byte for byte. PostgreSQL only."""

import hashlib
import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from publishing.publish import publish
from recommendations.models import Recommendation
from tests.fixtures import make_user
from tests.pgserver import PG_BIN

BASE_DIR = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="pg_dump and pg_restore are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),  # pg_dump sees only what is committed
]

# Run in the restored database by a fresh process: what a visitor gets for each version's PDF.
SERVE = """
import hashlib, json, django
django.setup()
from django.test import Client
from responses.models import ResponseVersion
client = Client()
found = {}
for version in ResponseVersion.objects.order_by("number"):
    answer = client.get(f"/responses/{version.response.slug}/versions/{version.number}/pdf/")
    assert answer.status_code == 200, answer.status_code
    found[version.number] = hashlib.sha256(b"".join(answer.streaming_content) if answer.streaming else answer.content).hexdigest()
print(json.dumps(found))
"""


def pg(tool, *args):
    params = connection.settings_dict
    command = [os.path.join(PG_BIN, tool), "-h", params["HOST"], "-U", params["USER"] or "postgres", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)


@pytest.mark.pdf
def test_a_dump_restored_into_an_empty_database_serves_the_same_published_pdfs(
    seed_response, django_user_model, tmp_path
):
    admin = make_user(django_user_model, "ada", is_superuser=True, is_staff=True)
    first = publish(response=seed_response, user=admin, note="Eerste publicatie")
    rec = Recommendation.objects.for_response(seed_response).order_by("pk").first()
    rec.text = rec.text + " Bijgewerkt na de eerste publicatie."
    rec.save()
    second = publish(response=seed_response, user=admin, note="Tweede publicatie")
    served = {1: first.sha256, 2: second.sha256}
    assert served[1] != served[2]

    dump = tmp_path / "app.dump"
    pg("pg_dump", "-Fc", "-f", str(dump), connection.settings_dict["NAME"])
    pg("createdb", "restored")
    try:
        pg("pg_restore", "--no-owner", "--exit-on-error", "-d", "restored", str(dump))
        host = urllib.parse.quote(connection.settings_dict["HOST"], safe="")
        env = {**os.environ, "DATABASE_URL": f"postgres://postgres@{host}/restored", "DB_POOL": "off"}
        out = subprocess.run(
            [sys.executable, "-c", SERVE], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=300
        )
        assert out.returncode == 0, out.stderr[-3000:]
        assert json.loads(out.stdout.strip().splitlines()[-1]) == {str(n): sha for n, sha in served.items()}
        # The stored hashes came along too, and the versions are still frozen (the trigger).
        verify = subprocess.run(
            [sys.executable, "manage.py", "verify_versions"], env=env, cwd=BASE_DIR, capture_output=True, text=True
        )
        assert verify.returncode == 0, verify.stdout + verify.stderr
        restored_db = {"host": connection.settings_dict["HOST"], "user": "postgres", "dbname": "restored"}
        with psycopg.connect(**restored_db, autocommit=True) as restored:
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation):
                restored.execute("UPDATE responses_responseversion SET note = 'anders'")
            history = restored.execute("SELECT count(*) FROM recommendations_historicalrecommendation").fetchone()[0]
        assert history == Recommendation.history.count()  # the audit trail came along
        assert hashlib.sha256(bytes(second.pdf)).hexdigest() == served[2]
    finally:
        connection.close()
        pg("dropdb", "--if-exists", "--force", "restored")
