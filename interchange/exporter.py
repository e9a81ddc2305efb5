"""Write a response as an interchange file: the structure (``as_data``), then its YAML (``dump``).

``export_response`` is both; an export imports back (importer.py) into the same response, and
exporting that again gives the same bytes. The dumper and its options (docs/interchange.md,
"How an export is written") are here. Knows neither parse.py nor importer.py: what the reader must
agree with comes from spec.py (``FORMAT``, beside the end line ``END_MARKER`` that the dumper writes).
"""

import yaml

from actions.models import ActionLink, ProgressUpdate
from evidence.models import Evidence
from recommendations.models import Recommendation, RecommendationPart, Theme
from responses.models import ManagementResponse

from .spec import EXPORTED_KEY, FORMAT


def represent_str(dumper, value):
    value = str(value)  # choices enums are str subclasses: write their value
    style = "|" if "\n" in value else None  # several lines: a literal block, as written by hand
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def make_dumper(base):
    """A dumper for exports on ``base`` (one of PyYAML's safe dumpers), with the text style above."""

    class Dumper(base):
        pass

    Dumper.add_representer(str, represent_str)
    Dumper.add_multi_representer(str, represent_str)  # str subclasses (choices enums) too
    return Dumper


# libyaml's emitter when PyYAML has it; else PyYAML's own, which writes the same bytes (a test compares them).
_Dumper = make_dumper(yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper)

# The layout of an export (docs/interchange.md, "How an export is written"): keys in the
# format's order, block style, two spaces per level (a list's "- " at its key's indentation),
# text as is (no \u escapes; lines up to 100,000 characters kept whole), and the end line "..." (spec.END_MARKER).
DUMP_OPTIONS = {
    "sort_keys": False,
    "default_flow_style": False,
    "allow_unicode": True,
    "width": 100_000,
    "indent": 2,
    "explicit_end": True,  # the END_MARKER line, by which the reader knows the file is whole
}


def as_data(response: ManagementResponse) -> dict:
    """The interchange structure of a response (9 queries, whatever its size).

    What version 3 added is written only when it holds something (a file without it reads the same)."""
    actions = list(response.actions.order_by("order", "pk"))
    parts = {}
    for action in actions:
        parts.setdefault(action.parent_id, []).append(action)
    progress = {}
    for update in (
        ProgressUpdate.objects.filter(action__response=response)
        .select_related("author")
        .order_by("date", "created_at", "pk")
    ):
        progress.setdefault(update.action_id, []).append(
            {"date": update.date, "status": update.status, "comment": update.note, "by": update.by}
        )

    evidence = evidence_references(response)

    def action_data(action, with_parts):
        data = {
            "number": action.number,
            "label": action.label,
            "title": action.title,
            "status": action.status,
            "status_note": action.status_note,
        }
        if action.validation_state:  # written only when set: files without it stay as they were
            data["validation"] = action.validation_state
        data |= {
            "time_frame": action.time_frame,
            "responsible_units": list(action.responsible_units or []),
            "starts_on": action.starts_on,
            "due_date": action.due_date,
            "narrative": action.narrative,
            "progress": progress.get(action.pk, []),
        }
        if action.pk in evidence:  # written only when there is some, as "validation"
            data["evidence"] = evidence[action.pk]
        data.update(_action_extras(action))
        if with_parts:
            data["parts"] = [action_data(p, False) for p in parts.get(action.pk, [])]
        return data

    links = _links_of(response)
    rec_parts = _parts_of(response)
    recommendations = {}
    for rec in Recommendation.objects.for_response(response).order_by("order", "pk"):
        item = {
            "number": rec.number,
            "location": rec.location,
            "text": rec.text,
            "agreement": rec.agreement,
            "response": rec.response_text,
            "justification": rec.justification,
        }
        if rec.justification_not_in_source:  # written only when set: files without it stay as they were
            item["justification_not_in_source"] = True
        if rec.pk in rec_parts:
            item["parts"] = rec_parts[rec.pk]
        item["actions"] = links.get(rec.pk, [])
        recommendations.setdefault(rec.theme_id, []).append(item)
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
        EXPORTED_KEY: True,
        "response": {
            "slug": response.slug,
            "title": response.title,
            "organisation": response.organisation,
            "responsible_team": response.responsible_team,
            "language": response.language,
            "layout": response.layout,
            "status": response.status,
            "published_on": _published_on(response),
            **({"validation": response.validation_policy} if response.validation_policy != "none" else {}),
            "evaluation": {
                "title": response.evaluation_title,
                "evaluators": response.evaluators,
                "delivered_on": _delivered_on(response),
            },
            **_document_style(response),
        },
        "actions": [action_data(a, True) for a in parts.get(None, [])],
        "recommendations": recommendations.get(None, []),
        "groups": groups,
    }


def evidence_references(response) -> dict:
    """{action id: [reference]}: each action's evidence as references (title, date, and the link or the
    file's name and SHA-256), never the bytes. One query."""
    evidence: dict = {}
    for item in Evidence.objects.current().filter(action__response=response).order_by("date", "added_at", "pk"):
        reference = {"title": item.title, "date": item.date}
        if item.is_file:
            reference |= {"file": item.file_name, "sha256": item.sha256}
        else:
            reference["link"] = item.url
        evidence.setdefault(item.action_id, []).append(reference)
    return evidence


def _action_extras(action):
    """Version 3's action keys, each only when it differs from the default."""
    extras = {}
    if action.lead_unit:
        extras["lead_unit"] = True
    if action.supporting_documents:
        extras["supporting_documents"] = action.supporting_documents
    if not action.numbered:
        extras["numbered"] = False
    return extras


def _links_of(response):
    """``{recommendation id: [link]}``: a number, or a mapping with a qualifier and/or parts."""
    links = {}
    for link in (
        ActionLink.objects.filter(recommendation__response=response).select_related("action").order_by("order", "pk")
    ):
        if link.parts:
            item = {"action": link.action.number, "qualifier": link.qualifier, "parts": list(link.parts)}
        elif link.qualifier:
            item = {"action": link.action.number, "qualifier": link.qualifier}
        else:
            item = link.action.number
        links.setdefault(link.recommendation_id, []).append(item)
    return links


def _parts_of(response):
    """``{recommendation id: [part]}``, each part with its nested ones (one query)."""
    top, nested = {}, {}
    for part in RecommendationPart.objects.filter(recommendation__response=response).order_by("order", "pk"):
        if part.parent_id is None:
            top.setdefault(part.recommendation_id, []).append(part)
        else:
            nested.setdefault(part.parent_id, []).append({"label": part.label, "text": part.text})
    return {
        rec_id: [
            {"label": p.label, "text": p.text, **({"parts": nested[p.pk]} if p.pk in nested else {})} for p in parts
        ]
        for rec_id, parts in top.items()
    }


def _document_style(response):
    """Version 3's response keys, each only when set."""
    style = {}
    if response.cover:
        style["cover"] = [{"label": item.get("label", ""), "value": item.get("value", "")} for item in response.cover]
    if response.vocabulary_preset or response.vocabulary_words:
        words = {"preset": response.vocabulary_preset}
        if response.vocabulary_words:
            words["words"] = dict(response.vocabulary_words)
        style["vocabulary"] = words
    if response.columns:
        style["columns"] = [{"key": c["key"], "header": c.get("header", "")} for c in response.columns]
    chapters = list(response.chapters.order_by("order", "pk"))
    if chapters:
        style["chapters"] = [{"placement": c.placement, "heading": c.heading, "body": c.body} for c in chapters]
    return style


def _published_on(response):
    day = response.published_on
    if day and response.published_precision == ManagementResponse.DatePrecision.MONTH:
        return f"{day:%Y-%m}"
    return day


def _delivered_on(response):
    day = response.evaluation_delivered_on
    if day and response.evaluation_delivered_precision == ManagementResponse.DatePrecision.MONTH:
        return f"{day:%Y-%m}"
    return day


def export_response(response: ManagementResponse) -> str:
    return dump(as_data(response))


def dump(data: dict) -> str:
    """The interchange structure as YAML, exactly as exports write it."""
    return yaml.dump(data, Dumper=_Dumper, **DUMP_OPTIONS)
