"""Where an original's bytes live: the evidence storage (``STORAGES["evidence"]``: the file system
under MEDIA_ROOT, or the S3 bucket), under ``originals/`` and a random key, never the user's name.
Backed up with the evidence files (README, "Backup and restore")."""

import secrets

from evidence.storage import evidence_storage


def new_key(extension: str) -> str:
    return f"originals/{secrets.token_hex(16)}{extension}"


def save(key: str, upload) -> str:
    upload.seek(0)
    return evidence_storage().save(key, upload)


def read(key: str) -> bytes:
    with evidence_storage().open(key, "rb") as handle:
        return handle.read()


def open_file(key: str):
    return evidence_storage().open(key, "rb")


def delete(key: str) -> None:
    evidence_storage().delete(key)
