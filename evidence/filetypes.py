"""What an uploaded evidence file is, by its content (its first bytes, and for Office files the
names inside the zip), never by its name; and whether we keep it.

Kept: PDF, Word (.docx), Excel (.xlsx), PNG, JPEG, GIF and WebP. Refused with a message that says
what the file seems to be: programs, HTML and SVG (they can carry scripts), old Office files
(.doc/.xls: macros, and no way to look inside), Office files with macros, zips that are no Office
file or that unpack to more than ``EVIDENCE_MAX_UNPACKED_BYTES`` (a zip bomb), files over
``EVIDENCE_MAX_BYTES``, and names with folders, control characters or more than 200 characters.
Whatever is kept is served as an attachment that browsers do not sniff or run (evidence/views.py).
"""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

NAME_MAX_LENGTH = 200
HEAD_BYTES = 4096
ZIP_MAX_MEMBERS = 5_000


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


PDF = FileType("application/pdf", ".pdf", "PDF")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel")
PNG = FileType("image/png", ".png", "PNG")
JPEG = FileType("image/jpeg", ".jpg", "JPEG")
GIF = FileType("image/gif", ".gif", "GIF")
WEBP = FileType("image/webp", ".webp", "WebP")

ALLOWED_LABEL = "PDF, Word (.docx), Excel (.xlsx), PNG, JPEG, GIF, WebP"


def refuse(message, code):
    raise ValidationError(message, code=code)


def check_name(name: str) -> str:
    """The file's name as the user gave it, if we may show it: no folders, no control characters,
    at most 200 characters. (Django keeps only the last part after "/" already; "\\" is a folder too
    for a Windows browser.)"""
    if "/" in name or "\\" in name:
        refuse(_("De bestandsnaam bevat een map (/ of \\). Geef het bestand een naam zonder map."), "path")
    if any(ord(char) < 32 or ord(char) == 127 for char in name) or name.strip(". ") == "":
        refuse(_("De bestandsnaam bevat tekens die geen naam vormen. Geef het bestand een gewone naam."), "name")
    if len(name) > NAME_MAX_LENGTH:
        refuse(
            _(
                "De bestandsnaam is te lang (%(length)s tekens; ten hoogste %(limit)s). Geef het bestand een kortere naam."
            )
            % {"length": len(name), "limit": NAME_MAX_LENGTH},
            "name_length",
        )
    return name


def identify(upload) -> FileType:
    """The type of ``upload`` (a Django UploadedFile or any seekable binary file with ``size``), by
    content; ``ValidationError`` when it is not one we keep."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        refuse(
            _("Het bestand is te groot (%(size)s; ten hoogste %(limit)s).")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            "too_large",
        )
    if upload.size == 0:
        refuse(_("Het bestand is leeg."), "empty")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return office(upload)
    refuse(
        _("Dit bestandstype nemen we niet aan: de inhoud is %(what)s. Toegestaan: %(allowed)s.")
        % {"what": describe(head), "allowed": ALLOWED_LABEL},
        "type",
    )
    raise AssertionError  # refuse() raised


def describe(head: bytes) -> str:
    """What a refused file seems to be, for the message."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"MZ"):
        return _("een Windows-programma")
    if head.startswith(b"\x7fELF") or head[:4] in (b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe"):
        return _("een programma")
    if head.startswith(b"#!"):
        return _("een script")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _("een oud Office-bestand (.doc, .xls); bewaar het als .docx of .xlsx")
    if b"<svg" in text[:HEAD_BYTES]:
        return _("een SVG-afbeelding, die scripts kan bevatten; bewaar ze als PNG")
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")) or b"<script" in text:
        return _("een webpagina (HTML), die scripts kan bevatten; bewaar ze als PDF")
    if text.startswith(b"<?xml"):
        return _("een XML-bestand")
    return _("niet herkend")


def office(upload) -> FileType:
    """A .docx or .xlsx: a zip with the parts Word or Excel need, without macros, and not a zip bomb
    (its members, as the zip declares them, unpack to at most ``EVIDENCE_MAX_UNPACKED_BYTES``). We
    read the zip's directory only; nothing is unpacked."""
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        refuse(_("Het bestand lijkt een zip (Word of Excel) maar is beschadigd."), "bad_zip")
    finally:
        upload.seek(0)
    unpacked = sum(member.file_size for member in members)
    limit = settings.EVIDENCE_MAX_UNPACKED_BYTES
    if len(members) > ZIP_MAX_MEMBERS or unpacked > limit:
        refuse(
            _(
                "Het bestand pakt uit tot %(size)s (ten hoogste %(limit)s): dat is geen gewoon Word- of "
                "Excel-bestand (een zipbom?)."
            )
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(limit)},
            "zip_bomb",
        )
    names = {member.filename for member in members}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        refuse(_("Het bestand bevat macro's. Bewaar het zonder macro's (.docx of .xlsx)."), "macros")
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    refuse(
        _(
            "Dit bestandstype nemen we niet aan: de inhoud is een zip, geen Word- of Excel-bestand. Toegestaan: %(allowed)s."
        )
        % {"allowed": ALLOWED_LABEL},
        "type",
    )
    raise AssertionError  # refuse() raised
