"""Write a checked interchange file into the database: all of it, in one transaction.

``import_response`` creates the response a ``ParsedResponse`` (parse.py) describes, replacing the
one with its slug only when asked; ``import_file`` reads, checks and imports a file. Uses parse.py
(for ``import_file`` and the ``ParsedResponse`` it writes); knows nothing of exporting.
"""

import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from actions.models import Action, ActionLink, ProgressUpdate
from core import audit, revision
from evidence.models import Evidence
from recommendations.models import Recommendation, RecommendationGroup, RecommendationPart, Theme
from responses.models import Chapter, ManagementResponse

from .parse import MAX_FILE_BYTES, InterchangeError, ParsedResponse, parse, too_large


class SlugExists(Exception):
    """A response with the file's slug exists, and replacing it was not asked for."""


class HasPublishedVersions(Exception):
    """The response to be replaced has published versions: they are frozen, so it stays (withdraw it,
    or import the file under another slug)."""


@transaction.atomic
def import_response(*, parsed: ParsedResponse, replace: bool = False) -> ManagementResponse:
    """Create the response described by ``parsed``; with ``replace``, the old one with its slug goes."""
    existing = ManagementResponse.objects.filter(slug=parsed.slug)
    if existing.exists() and not replace:
        raise SlugExists(parsed.slug)
    if existing.filter(published_versions__isnull=False).exists():
        raise HasPublishedVersions(parsed.slug)
    with revision.batch():  # one revision bump per response, not one per row
        existing.delete()
        began = timezone.now()
        response = _create_response(parsed)
    # The imported state is the document's: its history starts on the date the document carries
    # (its publication, else the evaluation's delivery), not on the day of the import.
    dated = response.published_on or response.evaluation_delivered_on
    if dated and dated < timezone.localdate():
        audit.backdate(
            response.pk,
            since=began,
            to=datetime.datetime.combine(dated, datetime.time.min, tzinfo=timezone.get_current_timezone()),
        )
    return response


def _create_response(parsed):
    response = ManagementResponse.objects.create(**parsed.response)
    for order, chapter in enumerate(parsed.chapters):
        Chapter.objects.create(response=response, order=order, **chapter)

    by_number = {}
    progress = []
    for order, item in enumerate(parsed.actions):
        action = _create_action(response, item, order, parent=None)
        by_number[action.number] = action
        for part_order, part in enumerate(item.parts):
            child = _create_action(response, part, part_order, parent=action)
            by_number[child.number] = child
    for item in parsed.all_actions:
        progress.extend(
            ProgressUpdate(
                action=by_number[item.number], date=p.date, status=p.status, note=p.comment, author_name=p.by
            )
            for p in item.progress
        )
    ProgressUpdate.objects.bulk_create(progress)
    _create_evidence(parsed, by_number)
    revision.touch(response.pk)  # bulk_create sends no signals; the matrix prints the log

    links = []

    def create_recommendation(rec, order, theme=None):
        recommendation = Recommendation.objects.create(
            response=response,
            theme=theme,
            number=rec.number,
            location=rec.location,
            text=rec.text,
            agreement=rec.agreement,
            response_text=rec.response_text,
            justification=rec.justification,
            justification_not_in_source=rec.justification_not_in_source,
            order=order,
        )
        _create_parts(recommendation, rec.parts)
        links.extend(
            ActionLink(
                recommendation=recommendation,
                action=by_number[link.number],
                qualifier=link.qualifier,
                parts=link.parts,
                order=i,
            )
            for i, link in enumerate(rec.links)
        )

    for r_order, rec in enumerate(parsed.recommendations):
        create_recommendation(rec, r_order)
    for g_order, g in enumerate(parsed.groups):
        group = RecommendationGroup.objects.create(response=response, title=g.title, order=g_order)
        for t_order, t in enumerate(g.themes):
            theme = Theme.objects.create(group=group, section=t.section, heading=t.heading, order=t_order)
            for r_order, rec in enumerate(t.recommendations):
                create_recommendation(rec, r_order, theme)
    for link in links:
        link.save()  # one by one: bulk_create would bypass the audit trail (core/audit.py)
    return response


def _create_evidence(parsed, by_number):
    """The evidence references of every action, one by one: the audit trail records each."""
    for item in parsed.all_actions:
        for reference in item.evidence:
            Evidence.objects.create(
                action=by_number[item.number],
                evidence_kind=Evidence.Kind.FILE if reference.file else Evidence.Kind.LINK,
                title=reference.title,
                date=reference.date,
                url=reference.link,
                file_name=reference.file,
                sha256=reference.sha256,
            )


def _create_parts(recommendation, parts):
    for order, part in enumerate(parts):
        parent = RecommendationPart.objects.create(
            recommendation=recommendation, label=part.label, text=part.text, order=order
        )
        for sub_order, sub in enumerate(part.parts):
            RecommendationPart.objects.create(
                recommendation=recommendation, parent=parent, label=sub.label, text=sub.text, order=sub_order
            )


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
        time_frame=item.time_frame,
        responsible_units=item.responsible_units,
        starts_on=item.starts_on,
        due_date=item.due_date,
        validation_state=item.validation,
        lead_unit=item.lead_unit,
        supporting_documents=item.supporting_documents,
        numbered=item.numbered,
        order=order,
    )


def import_file(path: Path, *, replace: bool = False) -> ManagementResponse:
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:  # refused before reading it into memory
        raise InterchangeError([too_large(str(path), size)])
    parsed = parse(path.read_bytes(), source=str(path))
    return import_response(parsed=parsed, replace=replace)
