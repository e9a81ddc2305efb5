"""The evidence storage works the same on the file system and on an S3-compatible object store:
moto's server mode (a real HTTP server speaking the S3 protocol), started here by the test suite,
with django-storages' S3 backend talking to it over the network as it would to AWS or MinIO."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from evidence import services
from evidence.models import Evidence
from evidence.storage import evidence_storage
from tests import evidence_files as files
from tests.factories import ActionFactory, ManagementResponseFactory
from tests.fixtures import grant, make_user

BUCKET = "evidence-test"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# uv, as scripts/_lib.sh installs it: for the Python the project's environment was made from.
UV = [str(Path(sys.base_prefix) / "bin" / "python3"), "-m", "uv"]
MOTO = "moto[server]==5.2.5"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """moto's S3 server on a free local port, for the whole session; a bucket in it.

    A process of its own, in an environment of its own (``uv tool run``, moto pinned): moto needs the
    PyPI package ``responses``, which must not enter the project's environment, where it would
    shadow our app of that name for any script not started from the repository root. The first
    run installs it into uv's cache (the package registry, as ``uv sync`` needs); later runs reuse it."""
    import boto3

    port = free_port()
    folder = tmp_path_factory.mktemp("moto")
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    server = subprocess.Popen(
        [*UV, "tool", "run", "--from", MOTO, "moto_server", "-H", "127.0.0.1", "-p", str(port)],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(folder / "moto.log").open("w"),
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # the first run installs moto
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto's server did not start: " + (folder / "moto.log").read_text()) from None
                time.sleep(0.2)
        client = boto3.client(
            "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
        )
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(params=["filesystem", "s3"])
def backend(request, settings):
    """The evidence storage on each backend (the file system one is tests/conftest.py's)."""
    if request.param == "s3":
        endpoint, client = request.getfixturevalue("s3_server")
        settings.STORAGES = {
            **settings.STORAGES,
            "evidence": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "endpoint_url": endpoint,
                    "access_key": "test",
                    "secret_key": "test",
                    "region_name": "us-east-1",
                    "location": f"run-{request.node.name}",
                    "default_acl": "private",
                    "file_overwrite": False,
                },
            },
        }
        return "s3", client
    return "filesystem", None


@pytest.fixture
def world(db, django_user_model):
    response = ManagementResponseFactory(status="draft", slug="ours")
    piet = make_user(django_user_model, "piet")
    grant(piet, response, "project_team")
    return response, piet, ActionFactory(response=response, number="1")


def test_a_file_goes_in_and_comes_out_byte_for_byte(client, backend, world):
    kind, s3 = backend
    response, piet, action = world
    client.force_login(piet)
    answer = client.post(
        reverse("evidence:add", args=[action.pk]),
        {"title": "Verslag", "date": "2025-06-30", "file": files.upload("verslag.pdf", files.PDF)},
    )
    assert answer.status_code == 302
    item = Evidence.objects.get()
    assert evidence_storage().exists(item.storage_key)
    if kind == "s3":  # really in the bucket, under the random key, not under the user's name
        keys = [obj["Key"] for obj in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        assert any(key.endswith(item.storage_key) for key in keys)
        assert not any("verslag" in key for key in keys)
    served = client.get(reverse("evidence:file", args=[response.slug, item.pk]))
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == files.PDF
    assert served["Content-Disposition"].startswith("attachment;")


def test_two_files_of_the_same_name_are_both_kept(backend, world):
    _response, piet, action = world
    first = services.add_file(
        action=action, user=piet, title="A", date="2025-01-01", upload=files.upload("a.pdf", files.PDF)
    )
    second = services.add_file(
        action=action, user=piet, title="B", date="2025-01-02", upload=files.upload("a.pdf", files.PDF + b"% second\n")
    )
    assert first.storage_key != second.storage_key
    with evidence_storage().open(second.storage_key) as stored:
        assert stored.read().endswith(b"% second\n")


def test_a_refused_file_leaves_nothing_in_the_storage(backend, world):
    kind, s3 = backend
    _response, piet, action = world
    with pytest.raises(Exception, match="Windows-programma"):
        services.add_file(
            action=action, user=piet, title="x", date="2025-01-01", upload=files.upload("x.pdf", files.EXE)
        )
    assert Evidence.objects.count() == 0
    if kind == "s3":
        prefix = evidence_storage().location
        assert s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("KeyCount", 0) == 0
    else:
        assert evidence_storage().listdir("")[1] == []


def test_a_missing_object_is_not_found_not_an_error(client, backend, world):
    response, piet, action = world
    item = services.add_file(
        action=action, user=piet, title="A", date="2025-01-01", upload=files.upload("a.pdf", files.PDF)
    )
    evidence_storage().delete(item.storage_key)
    client.force_login(piet)
    assert client.get(reverse("evidence:file", args=[response.slug, item.pk])).status_code == 404
