"""The review of what a reader found: its items and fields as the review page shows them, the
reviewer's corrections applied to the interchange data, and the importer's problems put back next
to the fields they are about.

Items are named as ``reading.found`` names them: ``"response"`` (the title block), ``"chapters[i]"``,
``"recommendations[i]"`` (ungrouped first, then groups and themes, in document order) and
``"actions[i]"`` (each part after its action). A field is named by its interchange key
(docs/interchange.md): ``"title"``, ``"evaluation.title"``, ``"agreement"``; two are the review's
own: an action's ``"comment"`` (its latest progress comment) and a recommendation's ``"actions"``
(its links, one per line, a qualifier after " | "). A form field is named ``"<item>.<field>"``.

Nothing here touches the database.
"""

import copy
import datetime
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actions.models import Action
from interchange.spec import FORMAT
from recommendations.models import Recommendation
from responses.models import ManagementResponse

TEXT, AREA, CHOICE = "text", "area", "choice"
LINK_SEPARATOR = " | "


@dataclass(frozen=True)
class Spec:
    key: str  # the interchange key, dotted for a nested one
    label: object
    widget: str = TEXT
    choices: object = None  # a callable: the item's choices


def _agreements(item):
    return Recommendation.Agreement.choices


def _statuses(item):
    statuses = Action.Status.choices
    if not item.get("_part"):
        return [(value, label) for value, label in statuses if value != Action.Status.INHERITED]
    return statuses


def _languages(item):
    from django.conf import settings

    return settings.LANGUAGES


def _layouts(item):
    return ManagementResponse.Layout.choices


RESPONSE_FIELDS = [
    Spec("title", _("Titel")),
    Spec("organisation", _("Organisatie")),
    Spec("slug", _("Slug")),
    Spec("evaluation.title", _("Evaluatie")),
    Spec("evaluation.evaluators", _("Evaluatoren"), AREA),
    Spec("evaluation.delivered_on", _("Opgeleverd op (JJJJ-MM-DD of JJJJ-MM)")),
    Spec("published_on", _("Datum van het document (JJJJ-MM-DD of JJJJ-MM)")),
    Spec("language", _("Taal van het document"), CHOICE, _languages),
    Spec("layout", _("Opmaak"), CHOICE, _layouts),
]
CHAPTER_FIELDS = [Spec("heading", _("Titel")), Spec("body", _("Tekst"), AREA)]
RECOMMENDATION_FIELDS = [
    Spec("number", _("Nummer")),
    Spec("location", _("Locatie in het rapport")),
    Spec("text", _("Aanbeveling"), AREA),
    Spec("agreement", _("Mate van akkoord"), CHOICE, _agreements),
    Spec("response", _("Managementresponse"), AREA),
    Spec("actions", _("Acties (één per regel; een kwalificatie na „ | ”)"), AREA),
]
ACTION_FIELDS = [
    Spec("number", _("Nummer")),
    Spec("title", _("Titel")),
    Spec("narrative", _("Beschrijving"), AREA),
    Spec("time_frame", _("Termijn")),
    Spec("responsible_units", _("Verantwoordelijke eenheden (één per regel)"), AREA),
    Spec("status", _("Status"), CHOICE, _statuses),
    Spec("comment", _("Laatste commentaar"), AREA),
]
SPECS = {"response": RESPONSE_FIELDS, "chapter": CHAPTER_FIELDS, "recommendation": RECOMMENDATION_FIELDS}
SPECS["action"] = ACTION_FIELDS


@dataclass
class Field:
    name: str  # the form field's name
    key: str
    label: object
    widget: str
    value: str
    choices: list = field(default_factory=list)
    unread: bool = False
    problems: list = field(default_factory=list)

    @property
    def rows(self):
        """A textarea's height: its text, about 60 characters a row, within 3 to 14 rows."""
        lines = sum(1 + len(line) // 60 for line in self.value.splitlines()) if self.value else 0
        return min(14, max(3, lines + 1))

    @property
    def id(self):
        return "f-" + re.sub(r"[^a-zA-Z0-9_-]", "-", self.name)


@dataclass
class Item:
    key: str  # "recommendations[3]"
    kind: str  # response, chapter, recommendation, action
    path: str  # where it sits in the interchange data: "groups[0].themes[1].recommendations[0]"
    data: dict
    page: int | None = None
    group: str = ""  # a recommendation's group title and theme, as the document prints them
    theme: str = ""
    part: bool = False  # an action's part
    fields: list = field(default_factory=list)

    @property
    def problems(self):
        return [p for f in self.fields for p in f.problems]


def prepared(data: dict) -> dict:
    """The found data as a draft's interchange file: the current format, a draft, a slug."""
    data = copy.deepcopy(data)
    data["format"] = FORMAT
    data.pop("exported", None)
    response = data.setdefault("response", {})
    response["status"] = "draft"
    response.setdefault("evaluation", {})
    for key in ("actions", "recommendations", "groups"):
        data.setdefault(key, [])
    return data


def items(data: dict) -> list[Item]:
    """Every item of ``data`` (prepared) in the order the review page shows them."""
    response = data["response"]
    found = [Item("response", "response", "response", response)]
    for index, chapter in enumerate(response.get("chapters") or []):
        found.append(Item(f"chapters[{index}]", "chapter", f"response.chapters[{index}]", chapter))
    count = 0
    for index, rec in enumerate(data.get("recommendations") or []):
        found.append(Item(f"recommendations[{count}]", "recommendation", f"recommendations[{index}]", rec))
        count += 1
    for gi, group in enumerate(data.get("groups") or []):
        for ti, theme in enumerate(group.get("themes") or []):
            heading = " ".join(str(x) for x in (theme.get("section"), theme.get("heading")) if x)
            for ri, rec in enumerate(theme.get("recommendations") or []):
                path = f"groups[{gi}].themes[{ti}].recommendations[{ri}]"
                item = Item(f"recommendations[{count}]", "recommendation", path, rec)
                item.group, item.theme = group.get("title") or "", heading
                found.append(item)
                count += 1
    count = 0
    for ai, action in enumerate(data.get("actions") or []):
        found.append(Item(f"actions[{count}]", "action", f"actions[{ai}]", action))
        count += 1
        for pi, part in enumerate(action.get("parts") or []):
            item = Item(f"actions[{count}]", "action", f"actions[{ai}].parts[{pi}]", part, part=True)
            found.append(item)
            count += 1
    return found


def _get(item: Item, key: str) -> str:
    data = item.data
    if key == "comment":
        progress = data.get("progress") or []
        return _text(progress[-1].get("comment")) if progress else ""
    if key == "actions":
        return "\n".join(_link_text(link) for link in data.get("actions") or [])
    if key == "responsible_units":
        return "\n".join(_text(unit) for unit in data.get("responsible_units") or [])
    for part in key.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    if key == "status" and item.part and data is None:
        return Action.Status.INHERITED
    return _text(data)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _link_text(link) -> str:
    if isinstance(link, dict):
        number, qualifier = _text(link.get("action")), _text(link.get("qualifier"))
        return f"{number}{LINK_SEPARATOR}{qualifier}" if qualifier else number
    return _text(link)


def _set(item: Item, key: str, value: str) -> None:
    data = item.data
    if key == "comment":
        progress = data.setdefault("progress", [])
        if progress:
            progress[-1]["comment"] = value
        elif value:
            # A comment the reader missed and the reviewer typed: the log's first entry, dated today.
            today = timezone.localdate().isoformat()
            progress.append({"date": today, "status": data.get("status") or "", "comment": value, "by": ""})
        return
    if key == "actions":
        old = {(_link_text(link)): link for link in data.get("actions") or []}
        links = []
        for line in value.splitlines():
            line = line.strip()
            if not line:
                continue
            if line in old:  # unchanged: keep what the reader found with it (the parts it answers)
                links.append(old[line])
                continue
            number, _sep, qualifier = line.partition(LINK_SEPARATOR.strip())
            number, qualifier = number.strip(), qualifier.strip()
            links.append({"action": number, "qualifier": qualifier} if qualifier else number)
        data["actions"] = links
        return
    if key == "responsible_units":
        data["responsible_units"] = [line.strip() for line in value.splitlines() if line.strip()]
        return
    *parents, last = key.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value or None if key.endswith(("delivered_on", "published_on")) else value


def review_items(found: dict, *, posted=None, problems=None) -> tuple[dict, list[Item], list[str]]:
    """The prepared data (with ``posted`` corrections applied) and its items with their fields:
    each field's value (the posted one, else the found one), whether the reader could not read it,
    and the importer's ``problems`` about it; and the problems about no field."""
    data = prepared(found.get("data") or {})
    pages = found.get("pages") or {}
    unread = {(item, key) for item, key in found.get("unread") or []}
    result = items(data)
    for item in result:
        item.page = pages.get(item.key)
        for spec in SPECS[item.kind]:
            name = f"{item.key}.{spec.key}"
            value = _get(item, spec.key)
            if posted is not None and name in posted:
                typed = posted[name].replace("\r\n", "\n")
                if spec.widget != AREA:
                    typed = typed.strip()
                if typed != value:
                    _set(item, spec.key, typed)
                    value = typed
            item.fields.append(
                Field(
                    name=name,
                    key=spec.key,
                    label=spec.label,
                    widget=spec.widget,
                    value=value,
                    choices=list(spec.choices(item.data | {"_part": item.part})) if spec.choices else [],
                    unread=(item.key, spec.key) in unread,
                )
            )
    left = place(result, problems) if problems else []
    return data, result, left


ERROR = re.compile(r"^[^:]*:\d+: (?P<path>[^:]+): (?P<message>.*)$", re.DOTALL)
INDEX = re.compile(r"\[\d+\]$")


def place(result: list[Item], problems: list[str]) -> list[str]:
    """Put each of the importer's problems (``source:line: path: message``) next to its field;
    returns those that belong to no field (shown above the form)."""
    by_path = sorted(((item.path, item) for item in result), key=lambda pair: -len(pair[0]))
    left = []
    for problem in problems:
        match = ERROR.match(problem)
        target = None
        if match:
            path, message = match["path"], match["message"]
            for prefix, item in by_path:
                if path == prefix or path.startswith(prefix + "."):
                    rest = path[len(prefix) + 1 :]
                    target = _field_for(item, rest)
                    break
        if target is None:
            left.append(problem)
        else:
            target.problems.append(message)
    return left


def _field_for(item: Item, rest: str):
    """The field a problem's path (below its item) is about: its first key, or the closest field."""
    head = rest.split(".")[0]
    head = INDEX.sub("", head)
    if rest.startswith("evaluation."):
        head = ".".join(rest.split(".")[:2])
    if head == "progress":
        head = "comment"
    for candidate in item.fields:
        if candidate.key == head:
            return candidate
    return item.fields[0] if item.fields else None
