"""The register's open data: its tables and their columns, defined here and nowhere else.

Each table is a list of ``Column``: its name, its Table Schema type, a description, and how its
value is read from the row's source (a small object per row, built by ``register.entries`` from
a frozen version's snapshot). The CSV files, the JSON, ``datapackage.json`` and the entries'
stored rows all follow these lists, so that adding a column is one line here (and a new
``entries.SCHEMA``, so that stored rows are built again), as the actions' ``validation`` was.

Codes are the application's own (``agree``, ``in_progress``); beside each code, a ``*_label``
column gives it in the document's words, in the document's language (``document_labels``).
Texts are the Markdown the authors wrote.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

from actions.models import Action
from recommendations.models import Implementation, Recommendation
from responses.models import ManagementResponse

# Codes for the two "nothing yet" states, which the application stores as an empty string.
UNDECIDED = "undecided"
NOT_REPORTED = "not_reported"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Table Schema type: string, integer, date, datetime
    description: str
    value: Callable[[Any], Any]
    required: bool = False
    enum: tuple = ()
    # A path on this site ("/responses/x/"), stored as such and written out as a full URL
    # (``Table.output``: the request's site, or SITE_URL for the command).
    link: bool = False

    def schema(self) -> dict:
        result = {"name": self.name, "type": self.type, "description": self.description}
        if self.type == "date":
            result["format"] = "%Y-%m-%d"
        if self.link:
            result["format"] = "uri"
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            result["constraints"] = constraints
        return result


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: list
    primary_key: list
    foreign_keys: list = field(default_factory=list)  # (fields, table, fields)

    def schema(self) -> dict:
        return {
            "fields": [column.schema() for column in self.columns],
            "primaryKey": self.primary_key,
            "foreignKeys": [
                {"fields": fields, "reference": {"resource": table, "fields": target}}
                for fields, table, target in self.foreign_keys
            ],
        }

    def row(self, source) -> dict:
        """The stored row (JSON values) of one source."""
        return {column.name: _plain(column.value(source)) for column in self.columns}

    def output(self, row: dict, site: str) -> dict:
        """A stored row as the files give it: in the columns' order, links as full URLs on ``site``."""
        result = {}
        for column in self.columns:
            value = row.get(column.name)
            result[column.name] = site + value if column.link and value else value
        return result

    @property
    def names(self):
        return [column.name for column in self.columns]


def _plain(value):
    """A value as JSON holds it: dates as ISO text."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


AGREEMENTS = (UNDECIDED, *[code for code in Recommendation.Agreement.values if code])
STATUSES = (NOT_REPORTED, *[code for code in Action.Status.values if code])
IMPLEMENTATIONS = tuple(code or "not_applicable" for code in Implementation.values)


def agreement_code(value: str) -> str:
    return value or UNDECIDED


def status_code(value: str) -> str:
    return value or NOT_REPORTED


def implementation_code(value: str) -> str:
    return value or "not_applicable"


def document_labels(data: dict) -> dict:
    """The agreement levels and statuses in the document's words and language, for a version
    whose response fields (as ``interchange.parse`` reads them from its snapshot) are ``data``.

    The words are those of ``Recommendation.agreement_document_label`` and
    ``Action.status_document_label``, read from unsaved rows of an unsaved response built from
    the snapshot (never the live one), so that those properties stay the one definition and
    whatever they read of the response (its language, layout, a vocabulary of its own) is what
    the version froze. Plus the implementation states (not a document term: the interface's
    words, in the document's language).
    """
    fields = {field.name for field in ManagementResponse._meta.concrete_fields}
    response = ManagementResponse(**{key: value for key, value in data.items() if key in fields})
    with translation.override(response.language or "nl"):
        return {
            "agreement": {
                agreement_code(code): Recommendation(response=response, agreement=code).agreement_document_label
                for code in Recommendation.Agreement.values
            },
            "status": {
                status_code(code): Action(response=response, status=code).status_document_label
                for code in Action.Status.values
            },
            "implementation": {implementation_code(code): str(label) for code, label in Implementation.choices},
        }


RESPONSE = ("response", "string", "The response's identifier (its slug), stable once published.")

RESPONSES = Table(
    "responses",
    "One row per published management response: its latest published version.",
    [
        Column(*RESPONSE, lambda s: s.slug, required=True),
        Column("version", "integer", "The number of the published version these rows come from.", lambda s: s.number),
        Column("published_at", "datetime", "When this version was published (UTC).", lambda s: s.published_at),
        Column("published_on", "date", "The publication date the document carries.", lambda s: s.published_on),
        Column("title", "string", "The document's title.", lambda s: s.data["title"]),
        Column("organisation", "string", "The organisation that responds.", lambda s: s.data["organisation"]),
        Column("responsible_team", "string", "The team that wrote it.", lambda s: s.data["responsible_team"]),
        Column("evaluation_title", "string", "The evaluation answered.", lambda s: s.data["evaluation_title"]),
        Column("evaluators", "string", "Who carried out the evaluation.", lambda s: s.data["evaluators"]),
        Column(
            "evaluation_delivered_on",
            "string",
            "When the evaluation was delivered: YYYY-MM-DD, or YYYY-MM when the document gives a month.",
            lambda s: s.delivered_on,
        ),
        Column("language", "string", "The document's language (ISO 639-1).", lambda s: s.data["language"]),
        Column(
            "layout", "string", "How the document is laid out.", lambda s: s.data["layout"], enum=("table", "matrix")
        ),
        Column("recommendations", "integer", "How many recommendations it answers.", lambda s: s.recommendations),
        Column("actions", "integer", "How many actions and parts of actions it lists.", lambda s: s.actions),
        Column(
            "introduction",
            "string",
            "The introduction: the first chapter's text (Markdown).",
            lambda s: s.data["introduction"],
        ),
        Column("document_url", "string", "The response's page.", lambda s: s.document_url, link=True),
        Column("pdf_url", "string", "This version's PDF, as published.", lambda s: s.pdf_url, link=True),
        Column("pdf_sha256", "string", "The SHA-256 of that PDF.", lambda s: s.sha256),
    ],
    primary_key=["response"],
)

RECOMMENDATIONS = Table(
    "recommendations",
    "The recommendations of the evaluation and the organisation's agreement with each.",
    [
        Column(*RESPONSE, lambda s: s.slug, required=True),
        Column(
            "recommendation",
            "integer",
            "Its place in the document (1, 2, ...): identifies it within the response.",
            lambda s: s.position,
            required=True,
        ),
        Column("number", "string", "Its number, as printed (may be empty).", lambda s: s.item.number),
        Column("location", "string", 'Where the report gives it ("p. 190").', lambda s: s.item.location),
        Column("group", "string", "The group it is printed under, if any.", lambda s: s.group),
        Column("theme_section", "string", "Its theme's section number in the report.", lambda s: s.theme_section),
        Column("theme", "string", "Its theme's heading.", lambda s: s.theme),
        Column("text", "string", "The recommendation (Markdown).", lambda s: s.item.text),
        Column(
            "agreement",
            "string",
            "The agreement level, as a code.",
            lambda s: agreement_code(s.item.agreement),
            required=True,
            enum=AGREEMENTS,
        ),
        Column(
            "agreement_label",
            "string",
            "The agreement level in the document's words (empty while undecided).",
            lambda s: s.labels["agreement"][agreement_code(s.item.agreement)],
        ),
        Column("response_text", "string", "The management response (Markdown).", lambda s: s.item.response_text),
        Column("justification", "string", "Why (partially) not agreed (Markdown).", lambda s: s.item.justification),
        Column(
            "implementation",
            "string",
            "How far it is implemented, from its linked actions (as published), as a code.",
            lambda s: s.implementation,
            required=True,
            enum=IMPLEMENTATIONS,
        ),
        Column(
            "implementation_label",
            "string",
            "The implementation state in words, in the document's language.",
            lambda s: s.labels["implementation"][s.implementation],
        ),
    ],
    primary_key=["response", "recommendation"],
    foreign_keys=[(["response"], "responses", ["response"])],
)

ACTIONS = Table(
    "actions",
    "The numbered actions that answer the recommendations, and their parts.",
    [
        Column(*RESPONSE, lambda s: s.slug, required=True),
        Column(
            "action",
            "string",
            'Its number, as printed ("1", "1.1", "3 – spoor 2").',
            lambda s: s.item.number,
            required=True,
        ),
        Column(
            "parent", "string", "The number of the action it is a part of (empty for an action).", lambda s: s.parent
        ),
        Column("title", "string", "Its title.", lambda s: s.item.title),
        Column(
            "status",
            "string",
            "Its status as a code; a part without a status of its own has its action's.",
            lambda s: status_code(s.status),
            required=True,
            enum=tuple(code for code in STATUSES if code != "inherited"),
        ),
        Column(
            "status_label",
            "string",
            "The status in the document's words (empty when not reported yet).",
            lambda s: s.labels["status"][status_code(s.status)],
        ),
        Column("status_inherited", "boolean", "Whether a part has its action's status.", lambda s: s.inherited),
        Column(
            "status_note", "string", 'What the document prints after the status ("in 2025").', lambda s: s.status_note
        ),
        Column(
            "validation",
            "string",
            "Evaluation staff's check of the status: awaiting, validated, or empty when none was asked.",
            lambda s: s.validation or None,
            enum=tuple(code for code in Action.Validation.values if code),
        ),
        Column("time_frame", "string", "The time frame, as printed.", lambda s: s.item.time_frame),
        Column("responsible_units", "string", 'The responsible units, separated by "; ".', lambda s: s.units),
        Column("starts_on", "date", "Its start date.", lambda s: s.item.starts_on),
        Column("due_date", "date", "Its due date.", lambda s: s.item.due_date),
        Column(
            "deadline",
            "date",
            "The due date, else the end of the time frame when that names a year.",
            lambda s: s.deadline,
        ),
        Column("narrative", "string", "What the action is and what was done (Markdown).", lambda s: s.item.narrative),
    ],
    primary_key=["response", "action"],
    # No foreign key for (response, parent): Table Schema's validators refuse one with an empty part.
    foreign_keys=[(["response"], "responses", ["response"])],
)

LINKS = Table(
    "links",
    "Which actions answer which recommendations (many to many), with the qualifier the table prints.",
    [
        Column(*RESPONSE, lambda s: s.slug, required=True),
        Column(
            "recommendation",
            "integer",
            "The recommendation (its place in the document).",
            lambda s: s.position,
            required=True,
        ),
        Column("action", "string", "The action's number.", lambda s: s.link.number, required=True),
        Column("qualifier", "string", 'What the citation adds ("kennisdeling 4").', lambda s: s.link.qualifier),
    ],
    primary_key=["response", "recommendation", "action"],
    foreign_keys=[
        (["response", "recommendation"], "recommendations", ["response", "recommendation"]),
        (["response", "action"], "actions", ["response", "action"]),
    ],
)

PROGRESS = Table(
    "progress",
    "The actions' progress logs, as published (without their authors' names).",
    [
        Column(*RESPONSE, lambda s: s.slug, required=True),
        Column("action", "string", "The action's number.", lambda s: s.action.number, required=True),
        Column(
            "entry", "integer", "Its place in the action's log (1 is the oldest).", lambda s: s.position, required=True
        ),
        Column("date", "date", "Its date.", lambda s: s.item.date),
        Column(
            "status",
            "string",
            "The status it recorded, as a code.",
            lambda s: status_code(s.item.status),
            enum=STATUSES,
        ),
        Column(
            "status_label",
            "string",
            "That status in the document's words.",
            lambda s: s.labels["status"].get(status_code(s.item.status), ""),
        ),
        Column("comment", "string", "The comment.", lambda s: s.item.comment),
    ],
    primary_key=["response", "action", "entry"],
    foreign_keys=[(["response", "action"], "actions", ["response", "action"])],
)

TABLES = [RESPONSES, RECOMMENDATIONS, ACTIONS, LINKS, PROGRESS]
TABLES_BY_NAME = {table.name: table for table in TABLES}
