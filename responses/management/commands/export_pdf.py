import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from responses.models import ManagementResponse
from responses.pdf import cached_pdf, pdf_filename


class Command(BaseCommand):
    help = "Export one management response as PDF (the formal document, as the PDF button gives it)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help="File or folder to write; in a folder the file gets its usual name. '-' for standard output.",
        )

    def handle(self, *args, slug, output, **options):
        try:
            response = ManagementResponse.objects.get(slug=slug)
        except ManagementResponse.DoesNotExist:
            raise CommandError(f"no management response with slug '{slug}'") from None
        # Through the cache, as the web export: an unchanged response is not rendered again.
        data, _etag = cached_pdf(response)
        if str(output) == "-":
            sys.stdout.buffer.write(data)
            return
        if output is None:
            output = Path(pdf_filename(response))
        elif output.is_dir():
            output = output / pdf_filename(response)
        output.write_bytes(data)
        self.stderr.write(f"Wrote {output} ({len(data) // 1024} kB)")
