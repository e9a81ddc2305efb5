"""The register as open data: a Frictionless Data package (``datapackage.json`` and one CSV per
table of ``register.columns``) and the same rows as JSON, for every response in the register or
for one.

Everything is written as a stream: the rows are read from the entries a few at a time
(``CHUNK``) and written out as they come, so that memory stays flat however many responses the
register holds; a zip is streamed too (``zip_chunks``). The web views and ``export_open_data``
write the same bytes through the same functions.

CSV: UTF-8 without a byte order mark, comma-separated, a header row, ``\\r\\n`` line ends
(RFC 4180), empty cells for missing values; JSON: UTF-8.
"""

import csv
import io
import json
import zipfile

from django.utils import timezone

from .columns import TABLES, TABLES_BY_NAME

CHUNK = 50  # entries read per query when the rows are streamed
JSON_NAME = "register.json"
PACKAGE_NAME = "datapackage.json"
FILES = [PACKAGE_NAME, *[f"{table.name}.csv" for table in TABLES], JSON_NAME]


def package_name(slug=None):
    return f"managementresponse-{slug}" if slug else "managementresponse-register"


def descriptor(slug=None) -> dict:
    """``datapackage.json``: the package and a table schema for each CSV (register/columns.py)."""
    return {
        "profile": "tabular-data-package",
        "name": package_name(slug),
        "title": f"Management response {slug}" if slug else "Register of published management responses",
        "description": (
            "Published management responses, each as its latest published version froze it: the "
            "recommendations with the organisation's agreement, the actions that answer them, their "
            "links and progress. Codes are the application's; *_label columns give them in the "
            "document's words. Texts are Markdown. The same rows are in register.json."
        ),
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "resources": [
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "description": table.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "doubleQuote": True, "header": True},
                "schema": table.schema(),
            }
            for table in TABLES
        ],
    }


def descriptor_bytes(slug=None) -> bytes:
    return (json.dumps(descriptor(slug), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _rows(entries, table_name):
    """The rows of one table, entry by entry (``CHUNK`` entries a query), in the register's order."""
    for rows in entries.order_by("slug", "pk").values_list("tables__" + table_name, flat=True).iterator(CHUNK):
        yield from rows or []


def _cell(value):
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    return value


def csv_chunks(entries, table_name, site):
    """One CSV file as a stream of bytes (a chunk per few rows)."""
    table = TABLES_BY_NAME[table_name]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.names)
    for count, row in enumerate(_rows(entries, table_name), start=1):
        writer.writerow([_cell(value) for value in table.output(row, site).values()])
        if count % 200 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def json_chunks(entries, site, slug=None):
    """``register.json``: {"name", "created", "tables": {table: [row, ...]}} as a stream of bytes."""
    head = {"name": package_name(slug), "created": timezone.now().replace(microsecond=0).isoformat()}
    yield (json.dumps(head, ensure_ascii=False)[:-1] + ', "tables": {').encode("utf-8")
    for index, table in enumerate(TABLES):
        yield ((", " if index else "") + json.dumps(table.name) + ": [").encode("utf-8")
        for count, row in enumerate(_rows(entries, table.name)):
            # In the columns' order (PostgreSQL's jsonb keeps the keys sorted its own way).
            ordered = table.output(row, site)
            yield (("," if count else "") + "\n" + json.dumps(ordered, ensure_ascii=False)).encode("utf-8")
        yield b"\n]"
    yield b"}}\n"


def file_chunks(entries, name, *, site, slug=None):
    """The bytes of one file of the package, by its name (``FILES``); links are full URLs on ``site``
    ("https://mr.example.org")."""
    if name == PACKAGE_NAME:
        return iter([descriptor_bytes(slug)])
    if name == JSON_NAME:
        return json_chunks(entries, site, slug)
    return csv_chunks(entries, name.removesuffix(".csv"), site)


class _Sink:
    """A write-only file for ``zipfile`` that hands on what was written (the zip is not seekable,
    so zipfile writes each member's sizes after its data)."""

    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data, self.parts = b"".join(self.parts), []
        return data


def zip_chunks(entries, *, site, slug=None):
    """The whole package (``FILES``, in a folder named after the package) as a streamed zip."""
    sink = _Sink()
    folder = package_name(slug)
    now = timezone.localtime().timetuple()[:6]
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in FILES:
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=now)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16  # readable by all once unpacked
            with archive.open(info, "w", force_zip64=True) as member:
                for chunk in file_chunks(entries, name, site=site, slug=slug):
                    member.write(chunk)
                    yield sink.take()
    yield sink.take()


def write_package(entries, directory, *, site, slug=None):
    """Write the package's files into ``directory`` (``export_open_data``); returns their paths."""
    paths = []
    for name in FILES:
        path = directory / name
        with path.open("wb") as out:
            for chunk in file_chunks(entries, name, site=site, slug=slug):
                out.write(chunk)
        paths.append(path)
    return paths
