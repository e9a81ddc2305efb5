"""Workflows of the follow-up: recording a review round, and what a round's report says."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from actions.models import Action, ProgressUpdate, action_tree
from core.editing import save_if_unchanged
from recommendations.models import Recommendation


@dataclass
class Entry:
    """What the project team records for one action in a round."""

    action: Action
    status: str
    note: str
    base_version: int


@transaction.atomic
def record_round(*, review_round, user, entries):
    """Give each action its new status (versioned: ``StaleEdit`` if someone saved it since) and write
    one progress entry per action, dated on the round's day and linked to the round.

    An entry whose status is unchanged and whose note is empty records nothing.
    """
    recorded = []
    for entry in entries:
        action = entry.action
        if entry.status == action.status and not entry.note:
            continue
        if entry.status != action.status or entry.base_version != action.version:
            action.status = entry.status
            save_if_unchanged(action, base_version=entry.base_version, user=user, fields=["status"])
        update = ProgressUpdate.objects.create(
            action=action,
            status=action.status,
            status_note=action.status_note,
            note=entry.note,
            date=review_round.date,
            author=user,
        )
        recorded.append(update)
    review_round.updates.add(*recorded)
    return recorded


class AwaitingValidation(Exception):
    """A round cannot close while statuses await validation, unless the closer says why."""

    def __init__(self, actions):
        super().__init__(", ".join(a.number for a in actions))
        self.actions = actions


def awaiting_validation(response):
    """The actions and parts of ``response`` whose status awaits validation, in document order."""
    actions = action_tree(list(Action.objects.filter(response=response).order_by("order", "pk")))
    return [a for top in actions for a in (top, *top.part_list) if a.awaits_validation]


@transaction.atomic
def close_round(*, review_round, user, reason=""):
    """Close the round. Refused with ``AwaitingValidation`` while a status awaits validation, unless
    ``reason`` says why it closes anyway (kept with the round)."""
    reason = (reason or "").strip()
    waiting = awaiting_validation(review_round.response)
    if waiting and not reason:
        raise AwaitingValidation(waiting)
    review_round.closed_at = timezone.now()
    review_round.closed_by = user
    review_round.closed_despite = reason if waiting else ""
    review_round.save(update_fields=["closed_at", "closed_by", "closed_despite"])


@dataclass
class ReportRow:
    action: Action
    before: str  # the status at the previous round ("" when unknown)
    now: str  # the status at this round
    note: str = ""  # the comment recorded in this round
    overdue: bool = False
    validation: str = ""  # "awaiting" or "validated" when the status at the round is the action's current one
    words: dict = field(default_factory=dict)  # the document's own words (ManagementResponse.document_words)

    @property
    def validation_label(self):
        return str(Action.Validation(self.validation).label) if self.validation else ""

    @property
    def changed(self):
        return self.before != self.now

    @property
    def before_label(self):
        return label(self.before, self.words)

    @property
    def now_label(self):
        return label(self.now, self.words)


def label(status, words=None):
    """A status as the document words it (its vocabulary), else as the interface does."""
    if words and words.get(status):
        return words[status]
    return str(Action.Status(status).label) if status in Action.Status.values else ""


@dataclass
class Report:
    review_round: object
    previous: object
    rows: list = field(default_factory=list)
    recommendations: list = field(default_factory=list)

    @property
    def changed(self):
        return [row for row in self.rows if row.changed]

    @property
    def overdue(self):
        return [row for row in self.rows if row.overdue]

    @property
    def awaiting(self):
        return [row for row in self.rows if row.validation == "awaiting"]

    @property
    def validated_count(self):
        return sum(1 for row in self.rows if row.validation == "validated" and row.now == Action.Status.REALISED)

    @property
    def implementation_rate(self):
        """Share of the (not dropped) top-level actions and parts that are realised, in percent; a
        realisation that awaits validation does not count yet."""
        counted = [row for row in self.rows if row.now != Action.Status.NO_LONGER_APPLICABLE]
        if not counted:
            return None
        realised = [row for row in counted if row.now == Action.Status.REALISED and row.validation != "awaiting"]
        return round(100 * len(realised) / len(counted))


def effective_at(action, date, updates_by_action):
    """The action's status on ``date``: its newest progress entry on or before that day; with no
    entry at all, its current status (it never changed through the log); with entries only after
    that day, unknown (""). A part that inherits takes its parent's."""
    log = updates_by_action.get(action.pk, [])  # newest first
    status = "" if log else action.status
    for update in log:
        if update.date <= date:
            status = update.status
            break
    if status == Action.Status.INHERITED and action.parent_id:
        return effective_at(action.parent, date, updates_by_action)
    return status


def round_report(review_round):
    """Each action's status at this round and at the previous one, its comment in this round,
    whether it was overdue on the round's day, and the implementation of each recommendation."""
    response = review_round.response
    previous = review_round.previous()
    actions = action_tree(list(Action.objects.filter(response=response).order_by("order", "pk")))
    flat = [a for top in actions for a in (top, *top.part_list)]
    updates_by_action = {}
    for update in ProgressUpdate.objects.filter(action__response=response).order_by("-date", "-created_at", "-pk"):
        updates_by_action.setdefault(update.action_id, []).append(update)
    notes = {u.action_id: u.note for u in review_round.updates.order_by("created_at", "pk")}
    rows = []
    words = response.document_words
    for action in flat:
        now = effective_at(action, review_round.date, updates_by_action)
        before = effective_at(action, previous.date, updates_by_action) if previous else ""
        closed = now in ("realised", "not_applicable", "cancelled")
        overdue = action.deadline is not None and action.deadline < review_round.date and not closed
        # Validation is known as it stands now: it belongs to the row when the round's status is the current one.
        validation = action.effective_validation_state if now == action.effective_status else ""
        rows.append(
            ReportRow(
                action=action,
                before=before,
                now=now,
                note=notes.get(action.pk, ""),
                overdue=overdue,
                validation=validation,
                words=words,
            )
        )
    recommendations = list(Recommendation.objects.filter(response=response).with_implementation())
    for rec in recommendations:
        rec.response = response  # its vocabulary, without a query per recommendation
    return Report(review_round=review_round, previous=previous, rows=rows, recommendations=recommendations)
