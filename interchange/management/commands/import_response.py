from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.audit import acting_as
from interchange.importer import HasPublishedVersions, SlugExists, import_file
from interchange.parse import InterchangeError


class Command(BaseCommand):
    help = "Import one management response from a YAML file (docs/interchange.md). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="Replace the response with the same slug if it exists."
        )
        parser.add_argument("--user", help="Username the audit trail records the import under (default: nobody).")

    def handle(self, *args, file, replace, user=None, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no user '{user}'")
        try:
            with acting_as(actor):
                response = import_file(file, replace=replace)
        except InterchangeError as exc:
            raise CommandError("\n".join(exc.lines)) from None
        except SlugExists as exc:
            raise CommandError(
                f"{file}: a response with slug '{exc}' already exists; use --replace to replace it"
            ) from None
        except HasPublishedVersions as exc:
            raise CommandError(
                f"{file}: the response '{exc}' has published versions, which are frozen, so it cannot be "
                "replaced; withdraw it, or give the file another slug"
            ) from None
        counts = (
            f"{response.actions.filter(parent=None).count()} actions, {response.recommendation_groups.count()} groups"
        )
        self.stdout.write(self.style.SUCCESS(f"Imported '{response.slug}' ({counts}) from {file}"))
