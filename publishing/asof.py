"""The response as it stood at a moment in the past, rebuilt from the audit trail.

Every model of a response keeps its history (django-simple-history, core/audit.py); each
historical row carries the id of its response (``history_response_id``, indexed). For each
model, the latest record at or before the moment, per object, unless that record is a
deletion, is the object as it was then (simple-history's ``latest_of_each`` /
``as_instances``, the machinery behind ``as_of``). From those the same ``Document`` as
document/assembly.py is assembled, so that both layouts' templates render it unchanged.

Progress entries have no history of their own (they are never edited, only added): those
written by then count. Nothing here reads or writes a document or PDF cache.

Queries: 1 response record, 1 actions, 1 progress, 1 groups, 1 themes, 1 recommendations,
1 links -- 7, whatever the size.
"""

import datetime

from django.utils import timezone

from actions.models import Action, ActionLink, ProgressUpdate, action_tree
from document.assembly import Document, attach_parts, split_chapters
from recommendations.models import Recommendation, RecommendationGroup, RecommendationPart, Theme
from responses.models import Chapter, ManagementResponse


class DidNotExist(Exception):
    """The response had not been created yet at that moment."""


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last moment of ``day`` in the site's time zone: "as of 3 March" includes all of 3 March."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def existed(response, when) -> bool:
    """Whether the response existed at ``when`` (one query): as ``build_document_as_of`` decides."""
    return response.history.filter(history_date__lte=when).exists()


def _as_of(model, response_pk, when):
    records = model.history.filter(history_response_id=response_pk, history_date__lte=when)
    return sorted(records.latest_of_each().as_instances(), key=lambda obj: (obj.order, obj.pk))


def build_document_as_of(response, when) -> Document:
    try:
        past = response.history.as_of(when)
    except ManagementResponse.DoesNotExist:
        raise DidNotExist from None
    actions = _as_of(Action, response.pk, when)
    notes = {}
    for update in ProgressUpdate.objects.filter(action__response=response, created_at__lte=when).order_by(
        "-date", "-created_at", "-pk"
    ):
        if update.note:
            notes.setdefault(update.action_id, update.note)
    for action in actions:
        action.latest_comment = notes.get(action.pk, "")
    groups = _as_of(RecommendationGroup, response.pk, when)
    themes = _as_of(Theme, response.pk, when)
    recommendations = _as_of(Recommendation, response.pk, when)
    links = _as_of(ActionLink, response.pk, when)
    parts = _as_of(RecommendationPart, response.pk, when)
    chapters = _as_of(Chapter, response.pk, when)
    for row in (*actions, *recommendations):
        row.response = past  # the document's words as they were, without a query per row
    part_lists = attach_parts(recommendations, parts)

    by_pk = {action.pk: action for action in actions}
    link_lists = {}
    for link in links:
        if link.action_id in by_pk:
            link.action = by_pk[link.action_id]
            link_lists.setdefault(link.recommendation_id, []).append(link)
    rec_lists = {}
    for rec in recommendations:
        rec.link_list = link_lists.get(rec.pk, [])
        rec.part_list = part_lists[rec.pk]
        rec_lists.setdefault(rec.theme_id, []).append(rec)
    theme_lists = {}
    for theme in themes:
        theme.recommendation_list = rec_lists.get(theme.pk, [])
        theme_lists.setdefault(theme.group_id, []).append(theme)
    for group in groups:
        group.theme_list = theme_lists.get(group.pk, [])
    return Document(
        response=past,
        actions=action_tree(actions),
        groups=groups,
        loose=rec_lists.get(None, []),
        **split_chapters(chapters),
    )
