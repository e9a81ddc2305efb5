import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from document.pdf import TooComplex, cached_pdf
from responses.models import ManagementResponse


class Command(BaseCommand):
    help = (
        "Export one management response as PDF (the formal document, as the PDF button gives it); "
        "with --version N, the PDF of published version N, byte for byte as it was frozen."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version (a published version's number) replaces Django's (which prints Django's version).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--version", type=int, dest="number", help="A published version's frozen PDF.")
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help="File or folder to write; in a folder the file gets its usual name. '-' for standard output.",
        )

    def handle(self, *args, slug, output, number=None, **options):
        try:
            response = ManagementResponse.objects.get(slug=slug)
        except ManagementResponse.DoesNotExist:
            raise CommandError(f"no management response with slug '{slug}'") from None
        if number is not None:
            version = response.published_versions.filter(number=number).first()
            if version is None:
                raise CommandError(f"'{slug}' has no published version {number}")
            data = bytes(version.pdf)
            name = response.pdf_filename().removesuffix(".pdf") + f"-v{number}.pdf"
        else:
            # Through the cache, as the web export: an unchanged response is not rendered again.
            try:
                data, _etag = cached_pdf(response)
            except TooComplex as exc:
                raise CommandError(exc.message()) from None
            name = response.pdf_filename()
        if str(output) == "-":
            sys.stdout.buffer.write(data)
            return
        if output is None:
            output = Path(name)
        elif output.is_dir():
            output = output / name
        output.write_bytes(data)
        self.stderr.write(f"Wrote {output} ({len(data) // 1024} kB)")
