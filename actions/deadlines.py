"""The end of an action's time frame, read from the text the document prints.

A time frame is free text ("januari–april 2025", "Q3 2025", "2025 H1", "eind 2026", "by end
of 2026", "2025-2027"). When it names a period that ends on a known day, that day is the
action's deadline unless the action has a due date of its own (``Action.deadline``). Text that
names no year ("doorlopend", "ongoing", "na de evaluatie") has no end: such an action is
tracked only by a due date.
"""

import calendar
import datetime
import re

MONTHS = {
    # Dutch and English, full and abbreviated (the first three letters, and "sept").
    **dict.fromkeys(["januari", "january", "jan"], 1),
    **dict.fromkeys(["februari", "february", "feb"], 2),
    **dict.fromkeys(["maart", "march", "mrt", "mar"], 3),
    **dict.fromkeys(["april", "apr"], 4),
    **dict.fromkeys(["mei", "may"], 5),
    **dict.fromkeys(["juni", "june", "jun"], 6),
    **dict.fromkeys(["juli", "july", "jul"], 7),
    **dict.fromkeys(["augustus", "august", "aug"], 8),
    **dict.fromkeys(["september", "sept", "sep"], 9),
    **dict.fromkeys(["oktober", "october", "okt", "oct"], 10),
    **dict.fromkeys(["november", "nov"], 11),
    **dict.fromkeys(["december", "dec"], 12),
}
_YEAR = r"(?:19|20)\d\d"
_DATE = re.compile(rf"\b(\d{{1,2}})[/.-](\d{{1,2}})[/.-]({_YEAR})\b|\b({_YEAR})-(\d\d)-(\d\d)\b")
_YEAR_AT = re.compile(rf"\b({_YEAR})\b")
_QUARTER = re.compile(r"\b(?:q|k)([1-4])\b|\b([1-4])(?:e|ste|de|st|nd|rd|th)?\s*(?:kwartaal|quarter)\b")
_HALF = re.compile(r"\b(?:h|s)([12])\b|\b([12])(?:e|ste|de|st|nd)?\s*(?:helft|half|semester)\b")
_WORD = re.compile(r"[a-z]+")


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


_ORDINALS = {
    "eerste": "1",
    "first": "1",
    "tweede": "2",
    "second": "2",
    "derde": "3",
    "third": "3",
    "vierde": "4",
    "fourth": "4",
}
_ORDINAL = re.compile(r"\b(" + "|".join(_ORDINALS) + r")\b")


def time_frame_end(text: str) -> datetime.date | None:
    """The last day of the period ``text`` names, or None when it names no year."""
    text = _ORDINAL.sub(lambda match: _ORDINALS[match.group(1)], (text or "").lower())
    dates = []
    for day, month, year, iso_year, iso_month, iso_day in _DATE.findall(text):
        try:
            if year:
                dates.append(datetime.date(int(year), int(month), int(day)))
            else:
                dates.append(datetime.date(int(iso_year), int(iso_month), int(iso_day)))
        except ValueError:
            continue
    if dates:
        return max(dates)
    years = list(_YEAR_AT.finditer(text))
    if not years:
        return None
    last = years[-1]
    year = int(last.group(1))
    # What the last year is said of: the text since the year before it ("januari 2025 – maart
    # 2026": "maart"), or from the start.
    start = years[-2].end() if len(years) > 1 else 0
    before = text[start : last.start()]
    after = text[last.end() :]
    around = before + " " + after
    quarter = _QUARTER.findall(around)
    if quarter:
        number = int(quarter[-1][0] or quarter[-1][1])
        return _month_end(year, 3 * number)
    half = _HALF.findall(around)
    if half:
        number = int(half[-1][0] or half[-1][1])
        return _month_end(year, 6 * number)
    months = [MONTHS[word] for word in _WORD.findall(before) if word in MONTHS]
    if months:
        return _month_end(year, months[-1])
    return datetime.date(year, 12, 31)
