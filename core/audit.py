"""The audit trail: django-simple-history on every model of a response, plus what we add to it.

Each historical row (one per save or delete, written by simple-history's post_save and
post_delete handlers, so also for admin saves, imports, management commands and a plain
``.save()`` in a shell) carries two columns of ours:

``history_response_id``
    the response the record belongs to, so that a response's activity feed is one
    indexed query per model, also for records whose parents are gone;
``history_changes``
    ``{field: [old, new]}`` against the object's previous record, computed when the
    record is written (None for a save that changed nothing a reader cares about).

The writers that bypass signals (``QuerySet.update()``, ``bulk_create``) are avoided in
our code or followed by a save: see ``core.editing.renumber`` and the interchange import.
"""

import datetime
import decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

# Bookkeeping columns: they change on every save and say nothing a reader needs to see.
IGNORED = {"version", "updated_at", "updated_by_id", "created_at"}

# How to find the response a record belongs to, per model (first attribute path that works).
RESPONSE_PATHS = {
    "responses.managementresponse": ["pk"],
    "recommendations.recommendationgroup": ["response_id"],
    "recommendations.theme": ["group.response_id"],
    "recommendations.recommendation": ["response_id", "theme.group.response_id"],
    "actions.action": ["response_id"],
    "actions.actionlink": ["action.response_id"],
    "core.membership": ["response_id"],
}


class AuditedHistory(models.Model):
    """The columns every historical model of ours adds to simple-history's."""

    history_response_id = models.BigIntegerField(_("managementresponse"), null=True, blank=True, db_index=True)
    history_changes = models.JSONField(_("wijzigingen"), null=True, blank=True)

    class Meta:
        abstract = True


def response_id_of(instance):
    """The id of the response ``instance`` belongs to (None if it cannot be found any more)."""
    for path in RESPONSE_PATHS.get(instance._meta.label_lower, ["response_id"]):
        value = instance
        try:
            for attr in path.split("."):
                value = getattr(value, attr)
        except (AttributeError, ObjectDoesNotExist):
            continue
        if value is not None:
            return value
    return None


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def tracked_fields(model):
    return [f for f in model._meta.concrete_fields if f.attname not in IGNORED and not f.primary_key]


def on_pre_create_historical_record(sender, instance, history_instance, **kwargs):
    history_instance.history_response_id = response_id_of(instance)
    if history_instance.history_type == "-":
        history_instance.history_changes = None
        return
    previous = (
        type(history_instance)._default_manager.filter(id=instance.pk).order_by("-history_date", "-history_id").first()
    )
    changes = {}
    for field in tracked_fields(type(instance)):
        new = _plain(getattr(history_instance, field.attname))
        old = _plain(getattr(previous, field.attname)) if previous is not None else None
        if previous is None and new in (None, ""):
            continue
        if old != new:
            changes[field.attname] = [old, new]
    history_instance.history_changes = changes or None
