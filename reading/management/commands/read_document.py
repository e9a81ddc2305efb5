import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interchange.exporter import dump
from reading.read import read_document
from reading.source import Unreadable


class Command(BaseCommand):
    help = (
        "Read a management response from its PDF or Word document and write what was read as an "
        "interchange file (docs/reading.md); imports nothing: import_response imports the file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--layout", choices=["auto", "table", "matrix"], default="auto")
        parser.add_argument("-o", "--output", type=Path, help="File to write; standard output if omitted.")

    def handle(self, *args, file, layout, output, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        try:
            found = read_document(data, file.name, layout)
        except Unreadable as error:
            raise CommandError(f"{file}: {error.message}") from None
        text = dump(found.data)
        if output:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output} ({found.shape} shape)")
        else:
            sys.stdout.write(text)
        for item, name in found.unread:
            self.stderr.write(f"not read: {item}.{name} (page {found.pages.get(item, '?')})")
        for note in found.notes:
            self.stderr.write(str(note))
