"""The ``evidence`` storage (``settings.STORAGES["evidence"]``): the file system under MEDIA_ROOT,
or an S3-compatible object store through django-storages. Looked up on each use, so that a change of
``STORAGES`` (a test, another deployment) is followed."""

import hashlib
import secrets

from django.core.files.storage import storages

ALIAS = "evidence"


def evidence_storage():
    return storages[ALIAS]


def new_key(response_id, action_id, extension):
    """A key nobody can guess or choose: the response and action, then 128 random bits and the
    extension of the type the content showed (never the user's file name)."""
    return f"{response_id}/{action_id}/{secrets.token_hex(16)}{extension}"


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def save(key, upload) -> str:
    """Store ``upload`` under ``key``; returns the key the storage used."""
    upload.seek(0)
    return evidence_storage().save(key, upload)


def open_file(key):
    return evidence_storage().open(key, "rb")
