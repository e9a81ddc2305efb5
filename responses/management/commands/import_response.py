from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from responses.interchange import InterchangeError, SlugExists, import_file


class Command(BaseCommand):
    help = "Import one management response from a YAML file (docs/interchange.md). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="Replace the response with the same slug if it exists."
        )

    def handle(self, *args, file, replace, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            response = import_file(file, replace=replace)
        except InterchangeError as exc:
            raise CommandError("\n".join(exc.errors)) from None
        except SlugExists as exc:
            raise CommandError(
                f"{file}: a response with slug '{exc}' already exists; use --replace to replace it"
            ) from None
        counts = (
            f"{response.actions.filter(parent=None).count()} actions, {response.recommendation_groups.count()} groups"
        )
        self.stdout.write(self.style.SUCCESS(f"Imported '{response.slug}' ({counts}) from {file}"))
