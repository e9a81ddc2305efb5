import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interchange.exporter import export_response
from responses.models import ManagementResponse


class Command(BaseCommand):
    help = "Export one management response as YAML (docs/interchange.md)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("-o", "--output", type=Path, help="File to write; standard output if omitted.")

    def handle(self, *args, slug, output, **options):
        try:
            response = ManagementResponse.objects.get(slug=slug)
        except ManagementResponse.DoesNotExist:
            raise CommandError(f"no management response with slug '{slug}'") from None
        text = export_response(response)
        if output:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}")
        else:
            sys.stdout.write(text)
