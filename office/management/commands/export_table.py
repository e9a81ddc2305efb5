import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from office import table
from responses.models import ManagementResponse


class Command(BaseCommand):
    help = (
        "Export the tracking table of one or more management responses (one row per recommendation-"
        "action link, and one for a recommendation without actions): .xlsx or .csv, by the output's "
        f"extension. An XLSX holds at most {table.MAX_XLSX_ROWS:,} rows; the CSV has no bound (it is "
        "written as it is read)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="+", metavar="SLUG")
        parser.add_argument("-o", "--output", type=Path, required=True, help="FILE.xlsx or FILE.csv")

    def handle(self, *args, slugs, output, **options):
        fmt = output.suffix.lower().lstrip(".")
        if fmt not in ("xlsx", "csv"):
            raise CommandError(f"{output}: the output must end in .xlsx or .csv")
        found = ManagementResponse.objects.in_bulk(slugs, field_name="slug")
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            raise CommandError("no management response with slug " + ", ".join(f"'{s}'" for s in missing))
        responses = [found[slug] for slug in dict.fromkeys(slugs)]
        values = table.rows(responses)
        if fmt == "csv":
            with output.open("wb") as out:
                count = -1  # the header
                for line in table.csv_lines(values):
                    out.write(line)
                    count += 1
        else:
            try:
                with output.open("wb") as out:
                    count = table.write_xlsx(values, out)
            except table.TooManyRows as exc:
                output.unlink(missing_ok=True)
                raise CommandError(
                    f"more than {exc.limit:,} rows: too many for the XLSX; export as .csv instead"
                ) from None
        self.stderr.write(f"Wrote {output} ({count} rows)")
        sys.stderr.flush()
