import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from responses.models import ResponseVersion
from responses.versions import frozen_files


class Command(BaseCommand):
    help = (
        "Say whether a PDF file is, byte for byte, a version we published, or a file (evidence) a "
        "published version froze (by its SHA-256). "
        "Exit 0 and the response and version when it is; exit 1 otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        version = (
            ResponseVersion.objects.select_related("response")
            .defer("pdf", "snapshot")
            .filter(sha256=digest)
            .order_by("pk")
            .first()
        )
        if version is None:
            for match in frozen_files(digest):  # a file a version froze: an action's evidence
                self.stdout.write(
                    f"{file}: {match.version.response.slug} version {match.version.number}, "
                    f"published {match.version.published_at:%Y-%m-%d %H:%M}: {match.description} (sha256 {digest})"
                    + ("; the response has since been withdrawn" if match.version.response.is_withdrawn else "")
                )
                return
            raise CommandError(f"{file}: not a version we published (sha256 {digest})")
        self.stdout.write(
            f"{file}: {version.response.slug} version {version.number}, "
            f"published {version.published_at:%Y-%m-%d %H:%M} (sha256 {digest})"
            + ("; the response has since been withdrawn" if version.response.is_withdrawn else "")
        )
