"""Read and write one whole management response as YAML (docs/interchange.md).

``parse`` reads a file completely and checks it, collecting every error with its
line; nothing touches the database until the whole file is known to be good.
``import_response`` then writes it in one transaction; ``export_response``
writes the same format back, so that export -> import -> export is byte-identical.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from actions.models import Action, ActionLink
from core import revision
from recommendations.models import Recommendation, RecommendationGroup, Theme
from responses.models import ManagementResponse

from . import yaml_emit

FORMAT = "managementresponse/1"
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
MAX_ERRORS = 20


class InterchangeError(Exception):
    """A file that cannot be imported; ``errors`` holds one line per problem."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("\n".join(errors))


class SlugExists(Exception):
    pass


# --- reading YAML while keeping line numbers --------------------------------------------


class Text(str):
    line: int


class Map(dict):
    line: int
    key_lines: dict


class Seq(list):
    line: int


def _build(node, errors, source):
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        if node.tag == "tag:yaml.org,2002:null" and node.style is None:
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
                errors.append(f"{source}:{key_line}: a key must be a plain word")
                continue
            key = key_node.value
            if key in result:
                errors.append(f"{source}:{key_line}: duplicate key '{key}' (first at line {result.key_lines[key]})")
                continue
            result[key] = _build(value_node, errors, source)
            result.key_lines[key] = key_line
        return result
    raise TypeError(node)  # pragma: no cover - yaml has no other node kinds


def _load(raw: bytes, source: str):
    if b"\x00" in raw:
        raise InterchangeError([f"{source}:1: not a text file (it contains NUL bytes); expected UTF-8 YAML"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InterchangeError(
            [f"{source}:{line}: not a UTF-8 text file (byte 0x{raw[exc.start]:02x} at offset {exc.start})"]
        ) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise InterchangeError([f"{source}:{line}: invalid YAML: {problem}"]) from None
    except yaml.YAMLError as exc:
        raise InterchangeError([f"{source}:1: invalid YAML: {' '.join(str(exc).split())}"]) from None
    if node is None:
        raise InterchangeError([f"{source}:1: the file is empty"])
    errors = []
    data = _build(node, errors, source)
    if errors:
        raise InterchangeError(errors)
    return data


# --- the parsed response --------------------------------------------------------------


@dataclass
class ParsedLink:
    number: str
    qualifier: str


@dataclass
class ParsedRecommendation:
    location: str
    text: str
    agreement: str
    justification: str
    links: list = field(default_factory=list)


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
class ParsedAction:
    number: str
    label: str
    title: str
    status: str
    status_note: str
    responsible_unit: str
    due_date: datetime.date | None
    narrative: str
    parts: list = field(default_factory=list)


@dataclass
class ParsedResponse:
    response: dict
    actions: list
    groups: list

    @property
    def slug(self):
        return self.response["slug"]


def _max_length(model, name):
    return model._meta.get_field(name).max_length


class _Reader:
    """Walks the loaded YAML, converting values and collecting errors with their place."""

    def __init__(self, source):
        self.source = source
        self.errors = []

    def error(self, line, path, message):
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"{self.source}:{line}: {path}: {message}")

    def mapping(self, value, path, line, keys):
        if not isinstance(value, Map):
            self.error(getattr(value, "line", line), path, "expected a mapping of keys to values")
            return None
        for key in value:
            if key not in keys:
                self.error(
                    value.key_lines[key],
                    f"{path}.{key}" if path else key,
                    f"unknown field '{key}' (expected one of: {', '.join(keys)})",
                )
        return value

    def sequence(self, mapping, key, path):
        value = mapping.get(key)
        if value is None:
            return []
        if not isinstance(value, Seq):
            self.error(mapping.key_lines[key], f"{path}.{key}", "expected a list")
            return []
        return value

    def text(self, mapping, key, path, *, required=False, model=None, multiline=False):
        where = f"{path}.{key}" if path else key
        line = mapping.key_lines.get(key, mapping.line)
        value = mapping.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(line, where, "expected text")
            return ""
        value = value.replace("\r\n", "\n")
        if multiline or "\n" not in value:
            value = value.strip()
        else:  # a one-line field folded over several lines: join it back
            value = " ".join(value.split())
        if required and not value:
            if key in mapping:
                self.error(line, where, f"'{key}' must not be empty")
            else:
                self.error(line, where, f"missing required field '{key}'")
        if model is not None:
            limit = _max_length(model, key)
            if limit and len(value) > limit:
                self.error(line, where, f"too long: {len(value)} characters, at most {limit}")
        return value

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
            shown = ", ".join(c for c in choices if c)
            extra = ", or leave empty when not decided" if "" in choices else ""
            self.error(line, where, f"unknown {what} '{value}' (expected one of: {shown}{extra})")
        return value

    def date(self, mapping, key, path):
        value = mapping.get(key)
        if value is None or value == "":
            return None
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.error(mapping.key_lines[key], f"{path}.{key}", f"'{value}' is not a date (write YYYY-MM-DD)")
            return None


RESPONSE_KEYS = [
    "slug",
    "title",
    "organisation",
    "responsible_team",
    "language",
    "status",
    "published_on",
    "evaluation",
    "introduction",
]
EVALUATION_KEYS = ["title", "evaluators", "delivered_on"]
ACTION_KEYS = [
    "number",
    "label",
    "title",
    "status",
    "status_note",
    "responsible_unit",
    "due_date",
    "narrative",
    "parts",
]
PART_KEYS = ACTION_KEYS[:-1]
GROUP_KEYS = ["title", "themes"]
THEME_KEYS = ["section", "heading", "recommendations"]
RECOMMENDATION_KEYS = ["location", "text", "agreement", "justification", "actions"]
LINK_KEYS = ["action", "qualifier"]


def parse(raw: bytes, source: str = "<input>") -> ParsedResponse:
    """Read and check a whole file; raise InterchangeError listing every problem."""
    data = _load(raw, source)
    r = _Reader(source)
    top = r.mapping(data, "", 1, ["format", "response", "actions", "groups"])
    if top is None:
        raise InterchangeError(r.errors)
    if top.get("format") != FORMAT:
        r.error(top.key_lines.get("format", 1), "format", f"expected 'format: {FORMAT}', found {top.get('format')!r}")

    response = _parse_response(r, top)
    actions, numbers = _parse_actions(r, top)
    groups = _parse_groups(r, top, numbers)
    if r.errors:
        raise InterchangeError(r.errors)
    return ParsedResponse(response=response, actions=actions, groups=groups)


def _parse_response(r, top):
    if "response" not in top:
        r.error(1, "response", "missing required field 'response'")
        return {}
    m = r.mapping(top["response"], "response", top.key_lines["response"], RESPONSE_KEYS)
    if m is None:
        return {}
    path = "response"
    M = ManagementResponse
    result = {
        "slug": r.text(m, "slug", path, required=True, model=M),
        "title": r.text(m, "title", path, required=True, model=M),
        "organisation": r.text(m, "organisation", path, required=True, model=M),
        "responsible_team": r.text(m, "responsible_team", path, model=M),
        "language": r.choice(m, "language", path, _languages(), what="language", default="nl"),
        "status": r.choice(m, "status", path, M.Status.values, what="status", default="draft"),
        "published_on": r.date(m, "published_on", path),
        "introduction": r.text(m, "introduction", path, multiline=True),
    }
    if result["slug"] and not SLUG.match(result["slug"]):
        r.error(
            m.key_lines["slug"],
            f"{path}.slug",
            f"'{result['slug']}' is not a valid slug (letters, digits, - and _ only)",
        )
    if "evaluation" not in m:
        r.error(m.line, f"{path}.evaluation", "missing required field 'evaluation'")
        return result
    e = r.mapping(m["evaluation"], f"{path}.evaluation", m.key_lines["evaluation"], EVALUATION_KEYS)
    if e is not None:
        epath = f"{path}.evaluation"
        result["evaluation_title"] = r.text(e, "title", epath, required=True)
        result["evaluators"] = r.text(e, "evaluators", epath, multiline=True)
        result["evaluation_delivered_on"] = r.date(e, "delivered_on", epath)
        limit = _max_length(M, "evaluation_title")
        if len(result["evaluation_title"]) > limit:
            r.error(e.key_lines["title"], f"{epath}.title", f"too long: at most {limit} characters")
    return result


def _languages():
    return [code for code, _name in settings.LANGUAGES]


def _parse_actions(r, top):
    actions = []
    numbers = {}  # number -> line of first definition

    def one(item, path, line, *, is_part):
        m = r.mapping(item, path, line, PART_KEYS if is_part else ACTION_KEYS)
        if m is None:
            return None
        number = r.text(m, "number", path, required=True, model=Action)
        if number:
            if number in numbers:
                r.error(
                    m.key_lines["number"],
                    f"{path}.number",
                    f"duplicate action number '{number}' (first at line {numbers[number]})",
                )
            else:
                numbers[number] = m.key_lines["number"]
        # Parts may leave their status empty (they inherit it); actions must state one.
        statuses = Action.Status.values if is_part else [s for s in Action.Status.values if s]
        if not is_part and "status" not in m:
            r.error(m.line, f"{path}.status", "missing required field 'status'")
        action = ParsedAction(
            number=number,
            label=r.text(m, "label", path, model=Action),
            title=r.text(m, "title", path, required=True, model=Action),
            status=r.choice(m, "status", path, statuses, what="status", default="" if is_part else None),
            status_note=r.text(m, "status_note", path, model=Action),
            responsible_unit=r.text(m, "responsible_unit", path, model=Action),
            due_date=r.date(m, "due_date", path),
            narrative=r.text(m, "narrative", path, multiline=True),
        )
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
                m = r.mapping(r_item, rpath, t.key_lines["recommendations"], RECOMMENDATION_KEYS)
                if m is None:
                    continue
                rec = ParsedRecommendation(
                    location=r.text(m, "location", rpath, model=Recommendation),
                    text=r.text(m, "text", rpath, required=True, multiline=True),
                    agreement=r.choice(
                        m, "agreement", rpath, Recommendation.Agreement.values, what="agreement level", default=""
                    ),
                    justification=r.text(m, "justification", rpath, multiline=True),
                )
                theme.recommendations.append(rec)
                _parse_links(r, m, rpath, rec, numbers)
    return groups


def _parse_links(r, m, rpath, rec, numbers):
    seen = {}
    for li, l_item in enumerate(r.sequence(m, "actions", rpath)):
        lpath = f"{rpath}.actions[{li}]"
        line = getattr(l_item, "line", m.key_lines.get("actions", m.line))
        if isinstance(l_item, Map):
            lm = r.mapping(l_item, lpath, line, LINK_KEYS)
            number = r.text(lm, "action", lpath, required=True)
            qualifier = r.text(lm, "qualifier", lpath)
            if len(qualifier) > _max_length(ActionLink, "qualifier"):
                r.error(line, f"{lpath}.qualifier", "too long")
        elif isinstance(l_item, str):
            number, qualifier = l_item.strip(), ""
        else:
            r.error(line, lpath, "expected an action number or a mapping with 'action' and 'qualifier'")
            continue
        if not number:
            continue
        if number not in numbers:
            known = ", ".join(sorted(numbers)) or "none"
            r.error(line, lpath, f"links to action '{number}', which does not exist (actions: {known})")
            continue
        if number in seen:
            r.error(line, lpath, f"links to action '{number}' twice (first at line {seen[number]})")
            continue
        seen[number] = line
        rec.links.append(ParsedLink(number=number, qualifier=qualifier))


# --- writing to the database ---------------------------------------------------------------


@transaction.atomic
def import_response(*, parsed: ParsedResponse, replace: bool = False) -> ManagementResponse:
    """Create the response described by ``parsed``; with ``replace``, the old one with its slug goes."""
    existing = ManagementResponse.objects.filter(slug=parsed.slug)
    if existing.exists() and not replace:
        raise SlugExists(parsed.slug)
    with revision.batch():  # one revision bump per response, not one per row
        existing.delete()
        return _create_response(parsed)


def _create_response(parsed):
    response = ManagementResponse.objects.create(**parsed.response)

    by_number = {}
    for order, item in enumerate(parsed.actions):
        action = _create_action(response, item, order, parent=None)
        by_number[action.number] = action
        for part_order, part in enumerate(item.parts):
            child = _create_action(response, part, part_order, parent=action)
            by_number[child.number] = child

    links = []
    for g_order, g in enumerate(parsed.groups):
        group = RecommendationGroup.objects.create(response=response, title=g.title, order=g_order)
        for t_order, t in enumerate(g.themes):
            theme = Theme.objects.create(group=group, section=t.section, heading=t.heading, order=t_order)
            for r_order, rec in enumerate(t.recommendations):
                recommendation = Recommendation.objects.create(
                    theme=theme,
                    location=rec.location,
                    text=rec.text,
                    agreement=rec.agreement,
                    justification=rec.justification,
                    order=r_order,
                )
                links.extend(
                    ActionLink(
                        recommendation=recommendation,
                        action=by_number[link.number],
                        qualifier=link.qualifier,
                        order=l_order,
                    )
                    for l_order, link in enumerate(rec.links)
                )
    ActionLink.objects.bulk_create(links)
    revision.touch(response.pk)  # bulk_create sends no signals
    return response


def _create_action(response, item, order, *, parent):
    return Action.objects.create(
        response=response,
        parent=parent,
        number=item.number,
        label=item.label,
        title=item.title,
        narrative=item.narrative,
        status=item.status,
        status_note=item.status_note,
        responsible_unit=item.responsible_unit,
        due_date=item.due_date,
        order=order,
    )


def import_file(path: Path, *, replace: bool = False) -> ManagementResponse:
    parsed = parse(Path(path).read_bytes(), source=str(path))
    return import_response(parsed=parsed, replace=replace)


# --- writing YAML ----------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow=False, indentless=False):
        # Indent list items under their key, as people write YAML by hand.
        return super().increase_indent(flow, False)


def _represent_str(dumper, value):
    value = str(value)  # choices enums are str subclasses: write their value
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_multi_representer(str, _represent_str)


def as_data(response: ManagementResponse) -> dict:
    """The interchange structure of a response (5 queries, whatever its size)."""
    actions = list(response.actions.order_by("order", "pk"))
    parts = {}
    for action in actions:
        parts.setdefault(action.parent_id, []).append(action)

    def action_data(action, with_parts):
        data = {
            "number": action.number,
            "label": action.label,
            "title": action.title,
            "status": action.status,
            "status_note": action.status_note,
            "responsible_unit": action.responsible_unit,
            "due_date": action.due_date,
            "narrative": action.narrative,
        }
        if with_parts:
            data["parts"] = [action_data(p, False) for p in parts.get(action.pk, [])]
        return data

    links = {}
    for link in (
        ActionLink.objects.filter(recommendation__theme__group__response=response)
        .select_related("action")
        .order_by("order", "pk")
    ):
        links.setdefault(link.recommendation_id, []).append(
            {"action": link.action.number, "qualifier": link.qualifier} if link.qualifier else link.action.number
        )
    recommendations = {}
    for rec in Recommendation.objects.for_response(response).order_by("order", "pk"):
        recommendations.setdefault(rec.theme_id, []).append(
            {
                "location": rec.location,
                "text": rec.text,
                "agreement": rec.agreement,
                "justification": rec.justification,
                "actions": links.get(rec.pk, []),
            }
        )
    themes = {}
    for theme in Theme.objects.filter(group__response=response).order_by("order", "pk"):
        themes.setdefault(theme.group_id, []).append(
            {
                "section": theme.section,
                "heading": theme.heading,
                "recommendations": recommendations.get(theme.pk, []),
            }
        )
    groups = [
        {"title": group.title, "themes": themes.get(group.pk, [])}
        for group in response.recommendation_groups.order_by("order", "pk")
    ]
    return {
        "format": FORMAT,
        "response": {
            "slug": response.slug,
            "title": response.title,
            "organisation": response.organisation,
            "responsible_team": response.responsible_team,
            "language": response.language,
            "status": response.status,
            "published_on": response.published_on,
            "evaluation": {
                "title": response.evaluation_title,
                "evaluators": response.evaluators,
                "delivered_on": response.evaluation_delivered_on,
            },
            "introduction": response.introduction,
        },
        "actions": [action_data(a, True) for a in parts.get(None, [])],
        "groups": groups,
    }


def export_response(response: ManagementResponse) -> str:
    """The response as interchange YAML. Written by responses/yaml_emit.py when it can (about
    ten times faster), else by PyYAML: the bytes are the same either way."""
    data = as_data(response)
    return yaml_emit.dump(data, _Dumper) or _pyyaml_dump(data)


def _pyyaml_dump(data) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=100_000,
        indent=2,
        default_flow_style=False,
    )
