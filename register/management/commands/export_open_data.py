from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from register import entries, opendata


class Command(BaseCommand):
    help = (
        "Write the public register as open data into a folder: datapackage.json (a Frictionless Data "
        "package with a table schema per CSV), one CSV per table and register.json. Only published "
        "responses, each as its latest published version froze it; drafts and withdrawn responses never. "
        "Links are full URLs on SITE_URL."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="The folder to write into (created if missing).")
        parser.add_argument("slug", nargs="?", help="Only this response (it must be in the register).")

    def handle(self, *args, output, slug, **options):
        directory = Path(output)
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} exists and is not a folder")
        entries.ensure_entries(entries.latest_published_versions(), limit=None)  # every one, however many
        register = entries.current_entries()
        if slug:
            register = register.filter(slug=slug)
            if not register.exists():
                raise CommandError(
                    f"'{slug}' is not in the register (not published, withdrawn, or without a published version)"
                )
        directory.mkdir(parents=True, exist_ok=True)
        for path in opendata.write_package(register, directory, site=settings.SITE_URL, slug=slug):
            self.stdout.write(str(path))
        self.stdout.write(self.style.SUCCESS(f"{register.count()} response(s) written to {directory}"))
