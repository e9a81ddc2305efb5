from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.audit import acting_as
from document.pdf import TooComplex
from publishing.publish import KeptChanging, OverrideNotAllowed, PublicationBlocked, publish
from responses.models import ManagementResponse


class Command(BaseCommand):
    help = (
        "Publish a version of a management response: run the checks, freeze its PDF and interchange file. "
        "Refused while the checks find errors, unless an administrator (--user) gives --override REASON."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--note", required=True, help="The change note of this version.")
        parser.add_argument("--override", default="", metavar="REASON", help="Publish over errors (administrators).")
        parser.add_argument("--user", help="Username recorded as the publisher (and in the audit trail).")

    def handle(self, *args, slug, note, override, user=None, **options):
        try:
            response = ManagementResponse.objects.get(slug=slug)
        except ManagementResponse.DoesNotExist:
            raise CommandError(f"no management response with slug '{slug}'") from None
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no user '{user}'")
        if not note.strip():
            raise CommandError("--note must not be empty")
        try:
            with acting_as(actor):
                version = publish(response=response, user=actor, note=note, override_reason=override)
        except PublicationBlocked as exc:
            lines = [f"  {e.item}: {e.message} ({e.code})" for e in exc.errors]
            raise CommandError(
                f"not published: {len(exc.errors)} error(s) in '{slug}':\n"
                + "\n".join(lines)
                + "\nFix them, or publish over them as an administrator: --override REASON --user NAME"
            ) from None
        except OverrideNotAllowed:
            raise CommandError("--override needs --user naming an administrator (superuser)") from None
        except TooComplex as exc:
            raise CommandError(f"not published: {exc.message()}") from None
        except KeptChanging:
            raise CommandError(f"not published: '{slug}' kept changing while its version was made; try again") from None
        self.stdout.write(
            self.style.SUCCESS(f"Published '{slug}' version {version.number} (PDF sha256 {version.sha256})")
        )
