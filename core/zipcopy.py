"""An Office file's zip copied member by member within a byte budget: the zip-bomb guard shared by
the Excel import (office/sheet.py) and the Word reader (reading/source.py).

The sizes a zip's directory states are checked first (their sum, and each large member's ratio of
unpacked to packed size); then every member is read, never more than the budget left, since the
directory may lie. The copy is stored uncompressed, so what reads it next cannot unpack more.
"""

import io
import zipfile

MAX_RATIO = 200  # unpacked / packed, for members larger than a megabyte


class TooLarge(Exception):
    """The members unpack to more than the budget (a zip bomb, or a file too large to read)."""


class Damaged(Exception):
    """The zip cannot be read."""


def copy_within(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], budget: int) -> io.BytesIO:
    if sum(m.file_size for m in members) > budget:
        raise TooLarge
    for m in members:
        if m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise TooLarge
    copy = io.BytesIO()
    try:
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as out:
            for m in members:
                with archive.open(m) as member:
                    content = member.read(budget + 1)  # the directory may lie: read no more than allowed
                budget -= len(content)
                if budget < 0:
                    raise TooLarge
                out.writestr(m.filename, content)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
        raise Damaged from None
    copy.seek(0)
    return copy
