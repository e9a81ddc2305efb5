from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from office.word import docx_bytes
from responses.models import ManagementResponse


class Command(BaseCommand):
    help = "Export one management response as a Word document (.docx), in its layout, with the PDF's content."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "-o", "--output", type=Path, help="File or folder to write; in a folder the file gets its usual name."
        )

    def handle(self, *args, slug, output, **options):
        try:
            response = ManagementResponse.objects.get(slug=slug)
        except ManagementResponse.DoesNotExist:
            raise CommandError(f"no management response with slug '{slug}'") from None
        data = docx_bytes(response)
        name = response.pdf_filename().removesuffix(".pdf") + ".docx"
        if output is None:
            output = Path(name)
        elif output.is_dir():
            output = output / name
        output.write_bytes(data)
        self.stderr.write(f"Wrote {output} ({len(data) // 1024} kB)")
