import hashlib

from django.core.management.base import BaseCommand, CommandError

from responses.models import ResponseVersion, snapshot_hash


class Command(BaseCommand):
    help = (
        "Re-check every published version: the stored PDF against its SHA-256, and the stored "
        "interchange file against its own where the version has one. One line per mismatch and "
        "exit 1 if there is any; exit 0 and one summary line (none with --quiet) when all match. Run daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Say nothing when every version matches (cron).")

    def handle(self, *args, quiet=False, **options):
        checked = 0
        mismatches = 0
        # One version in memory at a time: the PDFs are large.
        versions = (
            ResponseVersion.objects.select_related("response")
            .only("number", "pdf", "sha256", "snapshot", "snapshot_sha256", "response__slug")
            .order_by("pk")
            .iterator(chunk_size=20)
        )
        for version in versions:
            checked += 1
            name = f"{version.response.slug} version {version.number}"
            digest = hashlib.sha256(bytes(version.pdf)).hexdigest()
            if digest != version.sha256:
                mismatches += 1
                self.stdout.write(f"MISMATCH {name}: PDF has sha256 {digest}, published as {version.sha256}")
            if version.snapshot_sha256:
                digest = snapshot_hash(version.snapshot)
                if digest != version.snapshot_sha256:
                    mismatches += 1
                    self.stdout.write(
                        f"MISMATCH {name}: interchange file has sha256 {digest}, published as {version.snapshot_sha256}"
                    )
        if mismatches:
            raise CommandError(f"{mismatches} mismatch(es) in {checked} published version(s)")
        if not quiet:
            self.stdout.write(f"{checked} published version(s): every PDF and interchange file matches its SHA-256")
