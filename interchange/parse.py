"""Read and check an interchange file (docs/interchange.md); nothing here touches the database.

``parse`` reads the bytes of a whole file: it loads the YAML within limits that keep a hostile
or damaged file from costing more than a real one (size, text, anchors, nesting, the end line),
keeps every value's line, and hands the result to the structure reader. ``from_data`` gives the
same reader an interchange structure (``exporter.as_data``) with no YAML in between. The reader
checks everything, collects every problem with its line (``InterchangeError``), reads version 1
files into the current shape, and returns a ``ParsedResponse``: what importer.py writes.
"""

import datetime
import re
from dataclasses import dataclass, field

import yaml
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from actions.models import Action, ActionLink, ProgressUpdate
from core.rendered import MarkdownField
from core.richtext import MAX_FOOTNOTES, footnote_count
from core.text import clean_text, unstorable
from evidence.models import Evidence
from recommendations.models import Recommendation, RecommendationGroup, RecommendationPart, Theme
from responses import vocabulary
from responses.layouts import introduction_chapter
from responses.models import Chapter, ManagementResponse

from .spec import END_MARKER, EXPORTED_KEY, FORMAT, FORMAT_V1, FORMAT_V2, VERSIONS

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
LINK = re.compile(r"^https?://\S+$", re.IGNORECASE)
UNIT_MAX_LENGTH = 200
# The problems a page lists; the rest are counted ("and 1,234 more"). A real file has a few; only
# a damaged or hostile one comes near this (the size limit bounds how many a file can have).
MAX_ERRORS = 1_000

# Limits that keep a hostile or damaged file from costing more than a real one (benchmarks/hostile.py).
# The largest response the forms allow is far beyond any real one; the seed is 30 kB.
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 12  # the format nests 8 deep (groups > themes > recommendations > actions > mapping)
# libyaml's reader where PyYAML has it (its speed: benchmarks/README.md); the same nodes and marks either way.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class InterchangeError(Exception):
    """A file that cannot be imported; ``errors`` holds one line per problem ("file:line: where:
    what", in the active language: the interface's), at most ``MAX_ERRORS``; ``more`` counts the rest."""

    def __init__(self, errors, more=0):
        self.errors = list(errors[:MAX_ERRORS])
        self.more = more + max(0, len(errors) - MAX_ERRORS)
        lines = self.errors + ([more_problems(self.more)] if self.more else [])
        super().__init__("\n".join(lines))

    @property
    def lines(self):
        """The problems as one list of lines, the count of those left out last."""
        return self.errors + ([more_problems(self.more)] if self.more else [])


def more_problems(count: int) -> str:
    return ngettext("… en nog %(count)s probleem.", "… en nog %(count)s problemen.", count) % {"count": f"{count:,}"}


# --- reading YAML while keeping line numbers --------------------------------------------


class Text(str):
    line: int


class Map(dict):
    line: int
    key_lines: dict
    notes: list  # what the reader tells without refusing (the top mapping of a file; set by _load)


class Seq(list):
    line: int


def _build(node, errors, source):
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:null" and not node.style:  # plain: None (PyYAML) or "" (libyaml)
            return None
        value = Text(node.value)
        value.line = line
        return value
    if isinstance(node, yaml.SequenceNode):
        seq = Seq(_build(item, errors, source) for item in node.value)
        seq.line = line
        return seq
    if isinstance(node, yaml.MappingNode):
        result = Map()
        result.line = line
        result.key_lines = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                errors.append(f"{source}:{key_line}: " + _("een sleutel moet een gewoon woord zijn"))
                continue
            key = key_node.value
            if key in result:
                message = _("sleutel '%(key)s' komt twee keer voor (eerst op regel %(line)s)")
                errors.append(f"{source}:{key_line}: " + message % {"key": key, "line": result.key_lines[key]})
                continue
            result[key] = _build(value_node, errors, source)
            result.key_lines[key] = key_line
        return result
    raise TypeError(node)  # pragma: no cover - yaml has no other node kinds


def _check_events(text: str, source: str):
    """Refuse what the format never uses and what makes YAML expensive, before composing.

    Anchors and aliases (``&a`` / ``*a``): a few hundred bytes of aliases expand to
    gigabytes (the "billion laughs"), and an alias inside its own anchor is a cycle.
    Nesting deeper than the format needs would end in a RecursionError when composing.
    The event stream is read one event at a time, so this pass takes little memory.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=LOADER):
            line = event.start_mark.line + 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                message = _("YAML-ankers en -aliassen (& en *) worden niet ondersteund")
                raise InterchangeError([f"{source}:{line}: {message}"])
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    message = _("te diep genest (meer dan %(levels)s niveaus)") % {"levels": MAX_DEPTH}
                    raise InterchangeError([f"{source}:{line}: {message}"])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # not YAML at all: composing reports it, with its line


def _has_end(text: str) -> bool:
    lines = text.rstrip().splitlines()
    return bool(lines) and lines[-1].rstrip() == END_MARKER


def _says_exported(node) -> bool:
    """Whether the file says it is an export (``exported: true`` at the top): then it must be whole."""
    if not isinstance(node, yaml.MappingNode):
        return True  # not the format at all: keep the strict reading
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == EXPORTED_KEY:
            return isinstance(value, yaml.ScalarNode) and value.value in ("true", "True")
    return False


def _load(raw: bytes, source: str):
    if len(raw) > MAX_FILE_BYTES:
        raise InterchangeError([too_large(source, len(raw))])
    if b"\x00" in raw:
        message = _("geen tekstbestand (het bevat NUL-bytes); verwacht: YAML in UTF-8")
        raise InterchangeError([f"{source}:1: {message}"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        message = _("geen tekstbestand in UTF-8 (byte 0x%(byte)s op positie %(offset)s)") % {
            "byte": f"{raw[exc.start]:02x}",
            "offset": exc.start,
        }
        raise InterchangeError([f"{source}:{line}: {message}"]) from None
    _check_events(text, source)
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        # The YAML library's own words for the problem (English) follow ours.
        raise InterchangeError(
            [f"{source}:{line}: " + _("ongeldige YAML: %(problem)s") % {"problem": problem}]
        ) from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise InterchangeError([f"{source}:1: " + _("ongeldige YAML: %(problem)s") % {"problem": problem}]) from None
    if node is None:
        raise InterchangeError([f"{source}:1: " + _("het bestand is leeg")])
    has_end = _has_end(text)
    if not has_end and _says_exported(node):
        lines = len(text.rstrip().splitlines())
        message = _(
            "het bestand eindigt niet op de regel '%(end)s' (afgebroken? een geëxporteerd bestand eindigt ermee)"
        )
        raise InterchangeError([f"{source}:{lines}: " + message % {"end": END_MARKER}])
    errors = []
    data = _build(node, errors, source)
    if errors:
        raise InterchangeError(errors)
    if not has_end and isinstance(data, Map):
        note = _(
            "het bestand eindigt niet op de regel '%(end)s' en zegt niet dat het een export is: gelezen als met"
            " de hand geschreven; kijk na of er aan het einde niets ontbreekt"
        )
        data.notes = [f"{source}: " + note % {"end": END_MARKER}]
    return data


def missing(key: str) -> str:
    return _("verplicht veld '%(key)s' ontbreekt") % {"key": key}


def too_long(length: int, limit: int) -> str:
    return _("te lang: %(length)s tekens, ten hoogste %(limit)s") % {"length": length, "limit": limit}


def too_large(source: str, size: int) -> str:
    message = _("het bestand is te groot (%(size)s bytes; ten hoogste %(limit)s)")
    return f"{source}:1: " + message % {"size": f"{size:,}", "limit": f"{MAX_FILE_BYTES:,}"}


# --- the parsed response --------------------------------------------------------------


@dataclass
class ParsedLink:
    number: str
    qualifier: str
    parts: list = field(default_factory=list)  # the labels of the sub-recommendations it answers


@dataclass
class ParsedRecommendation:
    number: str
    location: str
    text: str
    agreement: str
    response_text: str
    justification: str
    justification_not_in_source: bool = False
    links: list = field(default_factory=list)
    parts: list = field(default_factory=list)  # ParsedPart


@dataclass
class ParsedPart:
    label: str
    text: str
    parts: list = field(default_factory=list)  # nested one level


@dataclass
class ParsedTheme:
    section: str
    heading: str
    recommendations: list = field(default_factory=list)


@dataclass
class ParsedGroup:
    title: str
    themes: list = field(default_factory=list)


@dataclass
class ParsedProgress:
    date: datetime.date | None
    status: str
    comment: str
    by: str


@dataclass
class ParsedAction:
    number: str
    label: str
    title: str
    status: str
    status_note: str
    time_frame: str
    responsible_units: list
    starts_on: datetime.date | None
    due_date: datetime.date | None
    narrative: str
    progress: list = field(default_factory=list)
    parts: list = field(default_factory=list)
    validation: str = ""
    evidence: list = field(default_factory=list)
    lead_unit: bool = False
    supporting_documents: str = ""
    numbered: bool = True


@dataclass
class ParsedEvidence:
    """A reference to evidence: a link, or a file by its name and SHA-256 (the bytes stay behind)."""

    title: str
    date: datetime.date | None
    link: str = ""
    file: str = ""
    sha256: str = ""


@dataclass
class ParsedResponse:
    response: dict
    actions: list
    groups: list
    recommendations: list = field(default_factory=list)  # those without a group (the matrix's)
    chapters: list = field(default_factory=list)  # {"placement", "heading", "body"}, in order
    notes: list = field(default_factory=list)  # what the preview tells without refusing

    @property
    def slug(self):
        return self.response["slug"]

    @property
    def all_recommendations(self):
        grouped = [rec for g in self.groups for t in g.themes for rec in t.recommendations]
        return self.recommendations + grouped

    @property
    def all_actions(self):
        return [a for action in self.actions for a in (action, *action.parts)]


def _max_length(model, name):
    return model._meta.get_field(name).max_length


class _Reader:
    """Walks the loaded YAML, converting values and collecting errors with their place."""

    def __init__(self, source):
        self.source = source
        self.errors = []
        self.more = 0  # the problems past MAX_ERRORS: counted, not written
        self.version = 2  # set from the file's format line

    def error(self, line, path, message):
        if len(self.errors) >= MAX_ERRORS:
            self.more += 1
        else:
            # One printable line, whatever the file held (a lone surrogate cannot even be printed).
            text = f"{self.source}:{line}: {path}: {message}"
            text = " ".join(text.encode("utf-8", "backslashreplace").decode("utf-8").split())
            self.errors.append(text)

    def mapping(self, value, path, line, keys):
        if not isinstance(value, Map):
            self.error(getattr(value, "line", line), path, _("verwacht: sleutels met hun waarden"))
            return None
        for key in value:
            if key not in keys:
                self.error(
                    value.key_lines[key],
                    f"{path}.{key}" if path else key,
                    _("onbekend veld '%(key)s' (verwacht een van: %(keys)s)") % {"key": key, "keys": ", ".join(keys)},
                )
        return value

    def sequence(self, mapping, key, path):
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, Seq):
            self.error(mapping.key_lines[key], f"{path}.{key}", _("verwacht: een lijst"))
            return []
        return value

    def text(self, mapping, key, path, *, required=False, model=None, field=None, multiline=False):
        """A text value, cleaned as every save cleans it (core.text), within its field's
        max_length (``field`` names the model field when it differs from ``key``)."""
        where = f"{path}.{key}" if path else key
        line = mapping.key_lines.get(key, mapping.line)
        value = mapping.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(line, where, _("verwacht: tekst"))
            return ""
        bad = unstorable(value)
        if bad:
            self.error(
                line, where, _("bevat het teken %(character)s, dat een tekst niet kan bevatten") % {"character": bad}
            )
            return ""
        value = clean_text(value.replace("\r\n", "\n"))
        if multiline or "\n" not in value:
            value = value.strip()
        else:  # a one-line field folded over several lines: join it back
            value = " ".join(value.split())
        if required and not value:
            if key in mapping:
                self.error(line, where, _("'%(key)s' mag niet leeg zijn") % {"key": key})
            else:
                self.error(line, where, missing(key))
        if model is not None:
            limit = _max_length(model, field or key)
            if limit and len(value) > limit:
                self.error(line, where, too_long(len(value), limit))
            elif isinstance(model._meta.get_field(field or key), MarkdownField) and value.count("[^") > MAX_FOOTNOTES:
                # The forms' limit (core.richtext.validate_footnotes): a text with hundreds of notes
                # would not print within the render's bound.
                count = footnote_count(value)
                if count > MAX_FOOTNOTES:
                    self.error(
                        line,
                        where,
                        _("te veel voetnoten (%(count)s verschillende; ten hoogste %(max)s per tekst).")
                        % {"count": count, "max": MAX_FOOTNOTES},
                    )
        return value

    def flag(self, mapping, key, path, *, default=False):
        """A yes/no key: ``true`` or ``false``; absent is ``default``."""
        value = mapping.get(key)
        if value is None:
            return default
        # A file's scalars arrive as their text (YAML's own booleans are not resolved: "no" stays
        # "no"); the data of a live response (from_data) brings Python's.
        if value is True or str(value) in ("true", "True"):
            return True
        if value is False or str(value) in ("false", "False"):
            return False
        line = mapping.key_lines.get(key, mapping.line)
        self.error(line, f"{path}.{key}", _("verwacht: true of false, niet '%(value)s'") % {"value": value})
        return False

    def choice(self, mapping, key, path, choices, *, what, default):
        where = f"{path}.{key}"
        line = mapping.key_lines.get(key, mapping.line)
        value = mapping.get(key)
        if value is None:
            if default is None:  # required: the caller reports it missing
                return ""
            value = default
        value = str(value).strip()
        if value not in choices:
            values = {"what": what, "value": value, "expected": ", ".join(c for c in choices if c)}
            if "" in choices:
                message = _(
                    "%(what)s '%(value)s' is onbekend (verwacht een van: %(expected)s, of leeg als nog niet beslist)"
                )
            else:
                message = _("%(what)s '%(value)s' is onbekend (verwacht een van: %(expected)s)")
            self.error(line, where, message % values)
        return value

    def date(self, mapping, key, path, *, month=False):
        """A date; with ``month``, YYYY-MM too, returned as (first day, "month"), else (date, "day")."""
        value = mapping.get(key)
        if value is None or value == "":
            return (None, "day") if month else None
        value = str(value).strip()
        if month and MONTH.match(value):
            try:
                return datetime.date.fromisoformat(value + "-01"), "month"
            except ValueError:
                pass
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            if month:
                message = _("'%(value)s' is geen datum (schrijf JJJJ-MM-DD of JJJJ-MM)")
            else:
                message = _("'%(value)s' is geen datum (schrijf JJJJ-MM-DD)")
            self.error(mapping.key_lines[key], f"{path}.{key}", message % {"value": value})
            return (None, "day") if month else None
        return (day, "day") if month else day

    def names(self, mapping, key, path, *, limit):
        """A list of short texts (responsible units)."""
        names = []
        for index, item in enumerate(self.sequence(mapping, key, path)):
            line = getattr(item, "line", mapping.key_lines.get(key, mapping.line))
            if not isinstance(item, str) or not item.strip():
                self.error(line, f"{path}.{key}[{index}]", _("verwacht: een naam"))
                continue
            name = " ".join(item.split())
            if len(name) > limit:
                self.error(line, f"{path}.{key}[{index}]", too_long(len(name), limit))
            names.append(name)
        return names


RESPONSE_KEYS = [
    "slug",
    "title",
    "organisation",
    "responsible_team",
    "language",
    "layout",
    "status",
    "published_on",
    "evaluation",
    "introduction",
]
# Version 3 adds, each written only when it holds something:
RESPONSE_KEYS_V3 = [*RESPONSE_KEYS, "validation", "cover", "vocabulary", "columns", "chapters"]
COVER_KEYS = ["label", "value"]
VOCABULARY_KEYS = ["preset", "words"]
COLUMN_KEYS = ["key", "header"]
CHAPTER_KEYS = ["placement", "heading", "body"]
PART_KEYS_V3 = ["label", "text", "parts"]
EVALUATION_KEYS = ["title", "evaluators", "delivered_on"]
ACTION_KEYS = [
    "number",
    "label",
    "title",
    "status",
    "status_note",
    "time_frame",
    "responsible_units",
    "starts_on",
    "due_date",
    "narrative",
    "progress",
    "parts",
]
EVIDENCE_KEYS = ["title", "date", "link", "file", "sha256"]
VALIDATION_STATES = ["", "awaiting", "validated"]
ACTION_KEYS_V3 = [
    *ACTION_KEYS[:-1],
    "validation",
    "evidence",
    "lead_unit",
    "supporting_documents",
    "numbered",
    "parts",
]
PART_KEYS = ACTION_KEYS[:-1]
PROGRESS_KEYS = ["date", "status", "comment", "by"]
GROUP_KEYS = ["title", "themes"]
THEME_KEYS = ["section", "heading", "recommendations"]
RECOMMENDATION_KEYS = [
    "number",
    "location",
    "text",
    "agreement",
    "response",
    "justification",
    "justification_not_in_source",
    "actions",
]
RECOMMENDATION_KEYS_V3 = [*RECOMMENDATION_KEYS[:-1], "parts", "actions"]
LINK_KEYS = ["action", "qualifier"]
LINK_KEYS_V3 = ["action", "qualifier", "parts"]

# Version 1 of the format: the same structure with fewer keys.
V1_KEYS = {
    "top": ["format", "response", "actions", "groups"],
    "response": [k for k in RESPONSE_KEYS if k != "layout"],
    "action": [
        "number",
        "label",
        "title",
        "status",
        "status_note",
        "responsible_unit",
        "due_date",
        "narrative",
        "parts",
    ],
    "recommendation": ["location", "text", "agreement", "justification", "actions"],
}


def parse(raw: bytes, source: str = "<input>") -> ParsedResponse:
    """Read and check a whole file; raise InterchangeError listing every problem."""
    data = _load(raw, source)
    parsed = _read(data, source)
    parsed.notes = list(getattr(data, "notes", []))
    return parsed


def from_data(data: dict, source: str = "<data>") -> ParsedResponse:
    """The ``ParsedResponse`` of an interchange structure (``as_data``), with no YAML in between:
    the same result as ``parse`` of its export, checked and normalised the same way."""
    return _read(_as_loaded(data), source)


def _as_loaded(value):
    """``value`` as ``_load`` would return it from its export: mappings and lists with their
    (here unknown: 0) lines, every other value but None as text."""
    if isinstance(value, dict):
        result = Map((key, _as_loaded(item)) for key, item in value.items())
        result.line, result.key_lines = 0, dict.fromkeys(value, 0)
        return result
    if isinstance(value, list):
        result = Seq(_as_loaded(item) for item in value)
        result.line = 0
        return result
    if value is None:
        return None
    text = Text(value.isoformat() if isinstance(value, datetime.date) else value)
    text.line = 0
    return text


def _read(data, source) -> ParsedResponse:
    r = _Reader(source)
    version = VERSIONS.get(data.get("format") if isinstance(data, Map) else None)
    r.version = version or 3
    top_keys = ["format", "response", "actions", "recommendations", "groups"]
    if r.version == 1:
        top_keys = V1_KEYS["top"]
    elif r.version >= 3:
        top_keys = ["format", EXPORTED_KEY, *top_keys[1:]]
    top = r.mapping(data, "", 1, top_keys)
    if top is None:
        raise InterchangeError(r.errors, r.more)
    if version is None:
        r.error(
            top.key_lines.get("format", 1),
            "format",
            _("verwacht 'format: %(format)s' (of %(v2)s, %(v1)s), gevonden: %(found)r")
            % {"format": FORMAT, "v2": FORMAT_V2, "v1": FORMAT_V1, "found": top.get("format")},
        )
    if EXPORTED_KEY in top:
        r.flag(top, EXPORTED_KEY, "")

    response = _parse_response(r, top)
    actions, numbers = _parse_actions(r, top)
    recommendations = []
    for ri, r_item in enumerate(r.sequence(top, "recommendations", "")):
        rec = _parse_recommendation(r, r_item, f"recommendations[{ri}]", top.key_lines["recommendations"], numbers)
        if rec:
            recommendations.append(rec)
    groups = _parse_groups(r, top, numbers)
    chapters = response.pop("chapters", [])
    if r.errors:
        raise InterchangeError(r.errors, r.more)
    return ParsedResponse(
        response=response, actions=actions, groups=groups, recommendations=recommendations, chapters=chapters
    )


def _parse_response(r, top):
    if "response" not in top:
        r.error(1, "response", missing("response"))
        return {}
    keys = {1: V1_KEYS["response"], 2: RESPONSE_KEYS}.get(r.version, RESPONSE_KEYS_V3)
    m = r.mapping(top["response"], "response", top.key_lines["response"], keys)
    if m is None:
        return {}
    path = "response"
    M = ManagementResponse
    result = {
        "slug": r.text(m, "slug", path, required=True, model=M),
        "title": r.text(m, "title", path, required=True, model=M),
        "organisation": r.text(m, "organisation", path, required=True, model=M),
        "responsible_team": r.text(m, "responsible_team", path, model=M),
        "language": r.choice(m, "language", path, _languages(), what=pgettext("interchange", "taal"), default="nl"),
        "layout": r.choice(
            m, "layout", path, M.Layout.values, what=pgettext("interchange", "opmaak"), default=M.Layout.TABLE
        ),
        # Withdrawn is not a state a file can bring in: withdrawing takes a reason, in the application.
        "status": r.choice(
            m,
            "status",
            path,
            [M.Status.DRAFT, M.Status.PUBLISHED],
            what=pgettext("interchange", "status"),
            default="draft",
        ),
        "validation_policy": r.choice(
            m,
            "validation",
            path,
            M.ValidationPolicy.values,
            what=pgettext("interchange", "validatiebeleid"),
            default=M.ValidationPolicy.NONE,
        ),
    }
    # The introduction of versions 1 to 3 (exports no longer write it): the first chapter.
    introduction = r.text(m, "introduction", path, multiline=True, model=Chapter, field="body")
    if r.version == 1:
        result["published_on"] = r.date(m, "published_on", path)
    else:
        result["published_on"], result["published_precision"] = r.date(m, "published_on", path, month=True)
    if r.version >= 3:
        result.update(_parse_document_style(r, m, path))
    if "introduction" in m:
        language = result["language"] if result["language"] in _languages() else settings.LANGUAGE_CODE
        first = introduction_chapter(result["layout"], language, introduction)
        result["chapters"] = ([first] if first else []) + result.get("chapters", [])
    if result["slug"] and not SLUG.match(result["slug"]):
        r.error(
            m.key_lines["slug"],
            f"{path}.slug",
            _("'%(slug)s' is geen geldige slug (alleen letters, cijfers, - en _)") % {"slug": result["slug"]},
        )
    if "evaluation" not in m:
        r.error(m.line, f"{path}.evaluation", missing("evaluation"))
        return result
    e = r.mapping(m["evaluation"], f"{path}.evaluation", m.key_lines["evaluation"], EVALUATION_KEYS)
    if e is not None:
        epath = f"{path}.evaluation"
        result["evaluation_title"] = r.text(e, "title", epath, required=True, model=M, field="evaluation_title")
        result["evaluators"] = r.text(e, "evaluators", epath, multiline=True, model=M)
        if r.version == 1:
            delivered_on, precision = r.date(e, "delivered_on", epath), "day"
        else:
            delivered_on, precision = r.date(e, "delivered_on", epath, month=True)
        result["evaluation_delivered_on"] = delivered_on
        result["evaluation_delivered_precision"] = precision
    return result


def _languages():
    return [code for code, _name in settings.LANGUAGES]


def _parse_actions(r, top):
    actions = []
    numbers = {}  # number -> line of first definition

    def one(item, path, line, *, is_part):
        keys = {1: V1_KEYS["action"], 2: ACTION_KEYS}.get(r.version, ACTION_KEYS_V3)
        m = r.mapping(item, path, line, keys[:-1] if is_part else keys)
        if m is None:
            return None
        number = r.text(m, "number", path, required=True, model=Action)
        if number:
            if number in numbers:
                r.error(
                    m.key_lines["number"],
                    f"{path}.number",
                    _("actienummer '%(number)s' komt twee keer voor (eerst op regel %(line)s)")
                    % {"number": number, "line": numbers[number]},
                )
            else:
                numbers[number] = m.key_lines["number"]
        status, status_note = _parse_status(r, m, path, is_part=is_part)
        units = _parse_units(r, m, path)
        action = ParsedAction(
            number=number,
            label=r.text(m, "label", path, model=Action),
            title=r.text(m, "title", path, required=True, model=Action),
            status=status,
            status_note=status_note,
            time_frame=r.text(m, "time_frame", path, model=Action),
            responsible_units=units,
            starts_on=r.date(m, "starts_on", path),
            due_date=r.date(m, "due_date", path),
            narrative=r.text(m, "narrative", path, multiline=True, model=Action),
            progress=_parse_progress(r, m, path, is_part=is_part),
        )
        action.validation, action.evidence = _parse_validation_and_evidence(r, m, path)
        if r.version >= 3:
            _parse_action_v3(r, m, path, action)
        if not is_part:
            for index, part in enumerate(r.sequence(m, "parts", path)):
                parsed = one(part, f"{path}.parts[{index}]", m.key_lines["parts"], is_part=True)
                if parsed:
                    action.parts.append(parsed)
        return action

    for index, item in enumerate(r.sequence(top, "actions", "")):
        parsed = one(item, f"actions[{index}]", top.key_lines["actions"], is_part=False)
        if parsed:
            actions.append(parsed)
    return actions, numbers


def _parse_units(r, m, path):
    """Version 1: one ``responsible_unit`` (text); later: the list ``responsible_units``."""
    if r.version == 1:
        unit = r.text(m, "responsible_unit", path)
        if len(unit) > UNIT_MAX_LENGTH:
            r.error(m.key_lines["responsible_unit"], f"{path}.responsible_unit", too_long(len(unit), UNIT_MAX_LENGTH))
        return [unit] if unit else []
    return r.names(m, "responsible_units", path, limit=UNIT_MAX_LENGTH)


def _parse_action_v3(r, m, path, action):
    """Version 3's action keys: the lead unit, the supporting documents, whether its number prints."""
    action.lead_unit = r.flag(m, "lead_unit", path)
    action.supporting_documents = r.text(m, "supporting_documents", path, multiline=True, model=Action)
    action.numbered = r.flag(m, "numbered", path, default=True)


def _parse_groups(r, top, numbers):
    groups = []
    for gi, g_item in enumerate(r.sequence(top, "groups", "")):
        gpath = f"groups[{gi}]"
        g = r.mapping(g_item, gpath, top.key_lines["groups"], GROUP_KEYS)
        if g is None:
            continue
        group = ParsedGroup(title=r.text(g, "title", gpath, required=True, model=RecommendationGroup))
        groups.append(group)
        for ti, t_item in enumerate(r.sequence(g, "themes", gpath)):
            tpath = f"{gpath}.themes[{ti}]"
            t = r.mapping(t_item, tpath, g.key_lines["themes"], THEME_KEYS)
            if t is None:
                continue
            theme = ParsedTheme(
                section=r.text(t, "section", tpath, model=Theme),
                heading=r.text(t, "heading", tpath, required=True, model=Theme),
            )
            group.themes.append(theme)
            for ri, r_item in enumerate(r.sequence(t, "recommendations", tpath)):
                rpath = f"{tpath}.recommendations[{ri}]"
                rec = _parse_recommendation(r, r_item, rpath, t.key_lines["recommendations"], numbers)
                if rec:
                    theme.recommendations.append(rec)
    return groups


def _parse_recommendation(r, item, rpath, line, numbers):
    keys = {1: V1_KEYS["recommendation"], 2: RECOMMENDATION_KEYS}.get(r.version, RECOMMENDATION_KEYS_V3)
    m = r.mapping(item, rpath, line, keys)
    if m is None:
        return None
    rec = ParsedRecommendation(
        number=r.text(m, "number", rpath, model=Recommendation),
        location=r.text(m, "location", rpath, model=Recommendation),
        # A recommendation made only of its parts ("Recommendation 1." then 1.1, 1.2) has no text of its own.
        text=r.text(m, "text", rpath, required=not m.get("parts"), multiline=True, model=Recommendation),
        agreement=r.choice(
            m,
            "agreement",
            rpath,
            Recommendation.Agreement.values,
            what=pgettext("interchange", "mate van akkoord"),
            default="",
        ),
        response_text=r.text(m, "response", rpath, multiline=True, model=Recommendation, field="response_text"),
        justification=r.text(m, "justification", rpath, multiline=True, model=Recommendation),
        justification_not_in_source=r.flag(m, "justification_not_in_source", rpath),
    )
    if r.version >= 3:
        rec.parts = _parse_parts(r, m, rpath)
    _parse_links(r, m, rpath, rec, numbers)
    return rec


def _parse_status(r, m, path, *, is_part):
    """Status and its note. Version 1: a part's empty status means inherited, an action must state one.
    Version 2: empty means not reported yet; a part inherits with "inherited"."""
    S = Action.Status
    if r.version == 1:
        if not is_part and "status" not in m:
            r.error(m.line, f"{path}.status", missing("status"))
        statuses = (
            [s for s in S.values if s != S.INHERITED] if is_part else [s for s in S.values if s and s != S.INHERITED]
        )
        status = r.choice(m, "status", path, statuses, what=status_word(), default="" if is_part else None)
        if is_part and status == "":
            status = S.INHERITED
    else:
        statuses = S.values if is_part else [s for s in S.values if s != S.INHERITED]
        status = r.choice(m, "status", path, statuses, what=status_word(), default="")
    return status, r.text(m, "status_note", path, model=Action)


def _parse_progress(r, m, path, *, is_part):
    entries = []
    statuses = Action.Status.values if is_part else [s for s in Action.Status.values if s != Action.Status.INHERITED]
    for index, item in enumerate(r.sequence(m, "progress", path)):
        ppath = f"{path}.progress[{index}]"
        p = r.mapping(item, ppath, m.key_lines.get("progress", m.line), PROGRESS_KEYS)
        if p is None:
            continue
        if "date" not in p:
            r.error(p.line, f"{ppath}.date", missing("date"))
        comment, by = r.text(p, "comment", ppath, multiline=True), r.text(p, "by", ppath)
        for key, value, field_name in (("comment", comment, "note"), ("by", by, "author_name")):
            limit = _max_length(ProgressUpdate, field_name)
            if len(value) > limit:
                r.error(p.key_lines[key], f"{ppath}.{key}", too_long(len(value), limit))
        entries.append(
            ParsedProgress(
                date=r.date(p, "date", ppath),
                status=r.choice(p, "status", ppath, statuses, what=status_word(), default=""),
                comment=comment,
                by=by,
            )
        )
    return entries


def _parse_validation_and_evidence(r, m, path):
    """An action's optional ``validation`` and ``evidence`` (version 2; version 1 has neither)."""
    if r.version == 1:
        return "", []
    what = pgettext("interchange", "validatiestatus")
    validation = r.choice(m, "validation", path, VALIDATION_STATES, what=what, default="")
    return validation, _parse_evidence(r, m, path)


def _parse_evidence(r, m, path):
    """An action's evidence references: a title and a date, and a link or a file name with its SHA-256."""
    found = []
    for index, item in enumerate(r.sequence(m, "evidence", path)):
        epath = f"{path}.evidence[{index}]"
        e = r.mapping(item, epath, m.key_lines.get("evidence", m.line), EVIDENCE_KEYS)
        if e is None:
            continue
        if "date" not in e:
            r.error(e.line, f"{epath}.date", missing("date"))
        reference = ParsedEvidence(
            title=r.text(e, "title", epath, required=True, model=Evidence),
            date=r.date(e, "date", epath),
            link=r.text(e, "link", epath),
            file=r.text(e, "file", epath, model=Evidence, field="file_name"),
            sha256=r.text(e, "sha256", epath).lower(),
        )
        line = e.line
        if bool(reference.link) == bool(reference.file):
            r.error(line, epath, _("geef 'link' of 'file' (met 'sha256'), niet beide of geen van beide"))
        elif reference.link:
            if not LINK.match(reference.link) or len(reference.link) > 2_000:
                r.error(e.key_lines.get("link", line), f"{epath}.link", _("verwacht: een http(s)-adres"))
            if reference.sha256:
                r.error(e.key_lines.get("sha256", line), f"{epath}.sha256", _("een link heeft geen 'sha256'"))
        else:
            if "/" in reference.file or "\\" in reference.file:
                r.error(e.key_lines.get("file", line), f"{epath}.file", _("een bestandsnaam zonder mappen"))
            if not SHA256.match(reference.sha256):
                r.error(
                    e.key_lines.get("sha256", line),
                    f"{epath}.sha256",
                    _("verwacht: de SHA-256 van het bestand (64 hexadecimale cijfers)"),
                )
        found.append(reference)
    return found


def _parse_links(r, m, rpath, rec, numbers):
    seen = {}
    for li, l_item in enumerate(r.sequence(m, "actions", rpath)):
        lpath = f"{rpath}.actions[{li}]"
        line = getattr(l_item, "line", m.key_lines.get("actions", m.line))
        parts = []
        if isinstance(l_item, Map):
            lm = r.mapping(l_item, lpath, line, LINK_KEYS_V3 if r.version >= 3 else LINK_KEYS)
            number = r.text(lm, "action", lpath, required=True)
            qualifier = r.text(lm, "qualifier", lpath, model=ActionLink)
            known = part_labels(rec.parts)
            for pi, label in enumerate(r.sequence(lm, "parts", lpath)):
                label = str(label).strip() if isinstance(label, str) else ""
                if label not in known:
                    shown = ", ".join(sorted(known)) or _("geen")
                    message = _("geen deelaanbeveling '%(label)s' (haar delen: %(parts)s)")
                    r.error(line, f"{lpath}.parts[{pi}]", message % {"label": label, "parts": shown})
                elif label not in parts:
                    parts.append(label)
        elif isinstance(l_item, str):
            number, qualifier = l_item.strip(), ""
        else:
            r.error(line, lpath, _("verwacht: een actienummer, of 'action' met 'qualifier'"))
            continue
        if not number:
            continue
        if number not in numbers:
            known = ", ".join(sorted(numbers)) or _("geen")
            message = _("verwijst naar actie '%(number)s', die niet bestaat (acties: %(known)s)")
            r.error(line, lpath, message % {"number": number, "known": known})
            continue
        if number in seen:
            message = _("verwijst twee keer naar actie '%(number)s' (eerst op regel %(line)s)")
            r.error(line, lpath, message % {"number": number, "line": seen[number]})
            continue
        seen[number] = line
        rec.links.append(ParsedLink(number=number, qualifier=qualifier, parts=parts))


def _parse_document_style(r, m, path):
    """Version 3's response keys: the cover block, the vocabulary, the matrix's columns, the chapters."""
    preset, words = _parse_vocabulary(r, m, path)
    return {
        "cover": _parse_cover(r, m, path),
        "vocabulary_preset": preset,
        "vocabulary_words": words,
        "columns": _parse_columns(r, m, path),
        "chapters": _parse_chapters(r, m, path),
    }


def _parse_cover(r, m, path):
    cover = []
    for index, item in enumerate(r.sequence(m, "cover", path)):
        cpath = f"{path}.cover[{index}]"
        c = r.mapping(item, cpath, m.key_lines.get("cover", m.line), COVER_KEYS)
        if c is None:
            continue
        label, value = r.text(c, "label", cpath), r.text(c, "value", cpath, multiline=True)
        if not label and not value:
            r.error(c.line, cpath, _("een regel van het titelblok heeft een label of een waarde nodig"))
        for key, text in (("label", label), ("value", value)):
            if len(text) > COVER_MAX_LENGTH:
                limit = COVER_MAX_LENGTH
                r.error(c.key_lines[key], f"{cpath}.{key}", too_long(len(text), limit))
        cover.append({"label": label, "value": value})
    return cover


def _parse_vocabulary(r, m, path):
    if m.get("vocabulary") is None:
        return "", {}
    vpath = f"{path}.vocabulary"
    v = r.mapping(m["vocabulary"], vpath, m.key_lines["vocabulary"], VOCABULARY_KEYS)
    if v is None:
        return "", {}
    presets = [key for key, _label in vocabulary.PRESET_CHOICES]
    preset = r.choice(v, "preset", vpath, presets, what=pgettext("interchange", "woordenschat"), default="")
    words = {}
    w = r.mapping(v["words"], f"{vpath}.words", v.key_lines["words"], list(vocabulary.KEYS)) if "words" in v else None
    for key in w or ():
        word = r.text(w, key, f"{vpath}.words")
        if len(word) > WORD_MAX_LENGTH:
            r.error(w.key_lines[key], f"{vpath}.words.{key}", too_long(len(word), WORD_MAX_LENGTH))
        if word and key in vocabulary.KEYS:
            words[key] = word
    return preset, words


def _parse_columns(r, m, path):
    columns = []
    for index, item in enumerate(r.sequence(m, "columns", path)):
        cpath = f"{path}.columns[{index}]"
        line = getattr(item, "line", m.key_lines.get("columns", m.line))
        if isinstance(item, Map):
            c = r.mapping(item, cpath, line, COLUMN_KEYS)
            key, header = r.text(c, "key", cpath, required=True), r.text(c, "header", cpath)
        elif isinstance(item, str):
            key, header = item.strip(), ""
        else:
            r.error(line, cpath, _("verwacht: een kolomsleutel, of 'key' met 'header'"))
            continue
        if key not in vocabulary.COLUMN_KEYS:
            message = _("onbekende kolom '%(key)s' (verwacht een van: %(keys)s)")
            r.error(line, cpath, message % {"key": key, "keys": ", ".join(vocabulary.COLUMN_KEYS)})
        elif key in [c["key"] for c in columns]:
            r.error(line, cpath, _("kolom '%(key)s' komt twee keer voor") % {"key": key})
        elif len(header) > WORD_MAX_LENGTH:
            r.error(line, f"{cpath}.header", too_long(len(header), WORD_MAX_LENGTH))
        else:
            columns.append({"key": key, "header": header})
    if columns and "action" not in [c["key"] for c in columns]:
        r.error(m.key_lines["columns"], f"{path}.columns", _("de kolommen moeten 'action' (de kernactie) bevatten"))
    return columns


def _parse_chapters(r, m, path):
    chapters = []
    for index, item in enumerate(r.sequence(m, "chapters", path)):
        cpath = f"{path}.chapters[{index}]"
        c = r.mapping(item, cpath, m.key_lines.get("chapters", m.line), CHAPTER_KEYS)
        if c is None:
            continue
        placements = Chapter.Placement.values
        chapters.append(
            {
                "placement": r.choice(
                    c, "placement", cpath, placements, what=pgettext("interchange", "plaats"), default="before"
                ),
                "heading": r.text(c, "heading", cpath, model=Chapter),
                "body": r.text(c, "body", cpath, multiline=True, model=Chapter),
            }
        )
    return chapters


COVER_MAX_LENGTH = 300
WORD_MAX_LENGTH = 100


def status_word():
    return pgettext("interchange", "status")


def _parse_parts(r, m, rpath, *, nested=False):
    """A recommendation's sub-recommendations (version 3), nested one level."""
    parts = []
    labels = set()
    for index, item in enumerate(r.sequence(m, "parts", rpath)):
        ppath = f"{rpath}.parts[{index}]"
        p = r.mapping(item, ppath, m.key_lines.get("parts", m.line), PART_KEYS_V3[:-1] if nested else PART_KEYS_V3)
        if p is None:
            continue
        part = ParsedPart(
            label=r.text(p, "label", ppath, required=True, model=RecommendationPart),
            text=r.text(p, "text", ppath, multiline=True, model=RecommendationPart),
        )
        if not nested:
            part.parts = _parse_parts(r, p, ppath, nested=True)
        parts.append(part)
        labels.add(part.label)
    return parts


def part_labels(parts) -> set:
    """Every label of a recommendation's parts, nested ones included."""
    return {p.label for p in parts} | {s.label for p in parts for s in p.parts}
