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
import functools
from contextlib import contextmanager
from typing import NamedTuple

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.richtext import reader_text

# Bookkeeping columns: they change on every save and say nothing a reader needs to see
# (a document revision counter, stored renderings of Markdown fields: derived, not authored).
IGNORED = {"version", "updated_at", "updated_by_id", "created_at", "revision"}
IGNORED_SUFFIXES = ("_html",)


class AuditedHistory(models.Model):
    """The columns every historical model of ours adds to simple-history's.

    A model with ``HistoricalRecords(bases=[AuditedHistory])`` is on the trail. It may declare:

    ``audit_response_paths``
        attribute paths from a row to its response's id, the first that works wins
        (default ``("response_id",)``);
    ``audit_subject(record, names)``
        a static method: what an entry is about, from a historical record (default its id);
    ``audit_user_fields``
        attnames of users a record names, whose names ``names`` then holds as ``("user", pk)``;
    ``audit_names(records)``
        a static method: other names the subjects need, read once for a page of records;
    ``audit_timeline_of``
        foreign keys (names) whose targets show this model's records in their timeline (a link
        appears in the timelines of its recommendation and of its action).
    """

    history_response_id = models.BigIntegerField(_("managementresponse"), null=True, blank=True, db_index=True)
    history_changes = models.JSONField(_("wijzigingen"), null=True, blank=True)

    class Meta:
        abstract = True


def response_id_of(instance):
    """The id of the response ``instance`` belongs to (None if it cannot be found any more)."""
    for path in getattr(type(instance), "audit_response_paths", ("response_id",)):
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
    return [
        f
        for f in model._meta.concrete_fields
        if f.attname not in IGNORED and not f.attname.endswith(IGNORED_SUFFIXES) and not f.primary_key
    ]


def on_pre_create_historical_record(sender, instance, history_instance, **kwargs):
    history_instance.history_response_id = response_id_of(instance)
    if history_instance.history_type == "-":
        history_instance.history_changes = None
        return
    m2m_pending = getattr(instance, "audit_m2m_pending", False)
    instance.audit_m2m_pending = False
    known = getattr(instance, "audit_previous", None)
    if history_instance.history_type == "~" and known is not None and not m2m_pending:
        # A versioned save knows the row as it was just before (``compared_with``): no read. Its
        # many-to-many fields did not change since the previous record: any change outside
        # ``m2m_recorded_by_next_save`` wrote a record of its own (simple-history's m2m_changed).
        history_instance.history_changes = _field_changes(instance, history_instance, known.get) or None
        return
    previous = None
    if history_instance.history_type != "+":  # a new row has no earlier state (SQLite may reuse a deleted row's id)
        previous = (
            type(history_instance)
            ._default_manager.filter(id=instance.pk)
            .order_by("-history_date", "-history_id")
            .first()
        )
    old_value = (lambda attname: getattr(previous, attname)) if previous is not None else None
    changes = _field_changes(instance, history_instance, old_value)
    # A row just created has no many-to-many rows yet (they need its id): nothing to compare, no query.
    m2m_changes = _m2m_changes(instance, history_instance, previous) if history_instance.history_type != "+" else []
    for field, (old, new) in m2m_changes:
        changes[field.name] = [old, new]
    history_instance.history_changes = changes or None


def _field_changes(instance, history_instance, old_value):
    """{attname: [old, new]} of the tracked columns; ``old_value(attname)`` gives the earlier value,
    or is None when there was no earlier state (then only the values set are listed)."""
    changes = {}
    for field in tracked_fields(type(instance)):
        new = _plain(getattr(history_instance, field.attname))
        old = _plain(old_value(field.attname)) if old_value is not None else None
        if old_value is None and new in (None, ""):
            continue
        if old != new:
            changes[field.attname] = [old, new]
    return changes


@contextmanager
def compared_with(instance, values):
    """Inside the block, the record that a save of ``instance`` writes takes ``values`` ({attname:
    value}, every tracked column) as the row's previous state instead of reading the previous
    record: one query less per save. For a caller that knows the row was in that state just
    before (``core.editing.save_if_unchanged``: the values were read at the version it claimed).
    ``values`` None changes nothing."""
    if values is None or any(field.attname not in values for field in tracked_fields(type(instance))):
        yield
        return
    instance.audit_previous = values
    try:
        yield
    finally:
        del instance.audit_previous


@functools.cache
def history_m2m_fields(history_model):
    """The many-to-many fields whose state each record of ``history_model`` keeps (simple-history's
    ``m2m_fields``, as registered on the model: an action's owners).

    simple-history gives a historical record a manager named after each such field (documented:
    ``action.history.first().owners.all()`` are the owners at that time); a field it does not
    track has none there."""
    model = history_model.instance_type
    return tuple(
        field
        for field in model._meta.many_to_many
        if isinstance(getattr(history_model, field.name, None), models.Manager)
    )


def m2m_history_model(history_model, field):
    """The model of simple-history's snapshots of ``field`` (a many-to-many tracked with ``m2m_fields``)."""
    return getattr(history_model, field.name).model


def _m2m_changes(instance, history_instance, previous):
    """[(field, (old ids, new ids))] of the tracked many-to-many fields that differ from ``previous``'s
    snapshot (simple-history's ``m2m_fields``: an action's owners). Sorted ids, so that a change of
    order alone is none."""
    from simple_history.utils import get_m2m_field_name, get_m2m_reverse_field_name

    result = []
    # mypy does not count type[Any] (simple-history has no types) as Hashable; every class is.
    for field in history_m2m_fields(type(history_instance)):  # type: ignore[arg-type]
        source, target = get_m2m_field_name(field), get_m2m_reverse_field_name(field)
        through = field.remote_field.through
        new = sorted(through._default_manager.filter(**{source: instance.pk}).values_list(f"{target}_id", flat=True))
        old = []
        if previous is not None:
            snapshots = m2m_history_model(type(history_instance), field)._default_manager.filter(history=previous)
            old = sorted(snapshots.values_list(f"{target}_id", flat=True))
        if old != new:
            result.append((field, (old, new)))
    return result


# --- Reading the trail: a response's activity feed, an object's timeline ------------------


def backdate(response_id, *, since, to):
    """Date at ``to`` every record of response ``response_id`` written since ``since`` (an import's).

    An imported response existed before it was imported: its file is the state it had on the date
    the document carries. Dated so, "as of" a day between that date and the import shows it, and the
    implementation over time starts from it, rather than from nothing until the day of the import.
    """
    for model in audited_models():
        model.history.model._default_manager.filter(history_response_id=response_id, history_date__gte=since).update(
            history_date=to
        )


def audited_models():
    """The models on the trail: those whose history carries ``AuditedHistory``'s columns."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        history_model = getattr(getattr(model, "history", None), "model", None)
        if isinstance(history_model, type) and issubclass(history_model, AuditedHistory):
            found.append(model)
    return found


VERBS = {"+": _("aangemaakt"), "~": _("gewijzigd"), "-": _("verwijderd")}
EXCERPT = 300  # characters of an old or new text value the trail shows


def history_of(label):
    from django.apps import apps

    return apps.get_model(label).history.model


def _rows(label, **lookup):
    """(history_id, history_date, label) of the meaningful records of one model: saves that
    changed nothing a reader cares about (only the version moved) are left out."""
    return (
        history_of(label)
        ._default_manager.filter(**lookup)
        .exclude(history_type="~", history_changes__isnull=True)
        .annotate(kind=models.Value(label, output_field=models.CharField()))
        .order_by()  # historical models order themselves; a part of a UNION may not
        .values_list("history_id", "history_date", "kind")
    )


def _union(parts):
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-history_date", "-history_id")


def response_feed(response):
    """Every change to ``response`` and what is in it, newest first: (history_id, date, model label) rows,
    to paginate and hand to ``entries``. One query for a page (and one to count)."""
    return _union([_rows(model._meta.label, history_response_id=response.pk) for model in audited_models()])


def timeline(obj):
    """The changes to ``obj`` (a recommendation or an action) and to its links, newest first."""
    parts = [_rows(obj._meta.label, id=obj.pk)]
    for model in audited_models():
        for name in getattr(model, "audit_timeline_of", ()):
            field = model._meta.get_field(name)
            if field.related_model is type(obj):
                parts.append(_rows(model._meta.label, **{field.attname: obj.pk}))
    return _union(parts)


class Entry:
    """One change as the trail shows it: who, when, what, and the old and new values."""

    def __init__(self, record, label, *, subject, changes, context=""):
        self.record = record
        self.when = record.history_date
        user = record.history_user
        self.who = (user.get_full_name() or user.get_username()) if user else None
        self.verb = VERBS[record.history_type]
        self.kind = history_of(label).instance_type._meta.verbose_name
        self.subject = subject
        # Whether the subject quotes the document (a title, a heading: in the document's language)
        # or is a phrase of the interface ("actie 3 – aanbeveling 2").
        self.subject_quotes = getattr(history_of(label).instance_type, "audit_subject_quotes", False)
        self.context = context  # an interface phrase before a quoted subject ("bij actie 3")
        self.changes = changes
        self.type = record.history_type


def entries(rows):
    """The ``Entry`` of each (history_id, date, label) row, in the rows' order.

    Queries: one per model present on the page (with the users), plus at most one each for
    the names of the members and of the owners in a change of owners, the links' actions and
    recommendations.
    """
    rows = list(rows)
    records = _records(rows)
    names = _names(records)
    result = []
    for history_id, _date, label in rows:
        record = records.get((label, history_id))
        if record is None:
            continue
        model = history_of(label).instance_type
        context = model.audit_context(record, names) if hasattr(model, "audit_context") else ""
        result.append(
            Entry(
                record,
                label,
                subject=_subject(label, record, names),
                changes=_changes(label, record, names),
                context=context,
            )
        )
    return result


def _records(rows):
    """{(label, history_id): historical record} of the rows: one query per model, with the users."""
    ids_by_label: dict[str, list[int]] = {}
    for history_id, _date, label in rows:
        ids_by_label.setdefault(label, []).append(history_id)
    records = {}
    for label, ids in ids_by_label.items():
        for record in history_of(label)._default_manager.filter(history_id__in=ids).select_related("history_user"):
            records[(label, record.history_id)] = record
    return records


def _names(records):
    """The names the records' changes refer to: {("user", pk): name} and each model's ``audit_names``."""
    from django.contrib.auth import get_user_model

    names: dict[tuple[str, object], str] = {}
    user_ids: set[int | None] = set()
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for (label, _id), record in records.items():
        model = history_of(label).instance_type
        by_model.setdefault(model, []).append(record)
        user_ids.update(getattr(record, attname) for attname in getattr(model, "audit_user_fields", ()))
        for attname, values in (record.history_changes or {}).items():  # a many-to-many change (owners)
            if attname in _m2m_names(record):
                user_ids.update(pk for ids in values for pk in ids)
    user_ids.discard(None)
    if user_ids:
        for user in get_user_model().objects.filter(pk__in=[pk for pk in user_ids if pk is not None]):
            names[("user", user.pk)] = user.get_full_name() or user.get_username()
    for model, model_records in by_model.items():
        if hasattr(model, "audit_names"):
            names.update(model.audit_names(model_records))
    return names


def _subject(label, record, names):
    model = history_of(label).instance_type
    if hasattr(model, "audit_subject"):
        return model.audit_subject(record, names)
    return str(record.id)


def _m2m_names(record) -> set[str]:
    return {field.name for field in history_m2m_fields(type(record))}  # type: ignore[arg-type]  # as above


def _changes(label, record, names):
    """[(field label, old, new)] of a record, readable: choices by their label, long texts cut, the
    users of a many-to-many change (owners) by their names."""
    if not record.history_changes:
        return []
    model = history_of(label).instance_type
    fields = {f.attname: f for f in model._meta.concrete_fields}
    many = _m2m_names(record)
    changes = []
    for attname, (old, new) in record.history_changes.items():
        if attname in many:
            field = model._meta.get_field(attname)
            old, new = _users(old, names), _users(new, names)
            sentence = _("gewijzigd van %(old)s naar %(new)s") % {
                "old": old or _("niemand"),
                "new": new or _("niemand"),
            }
            changes.append(Change(field.verbose_name, old, new, sentence=sentence))
            continue
        field = fields.get(attname)
        if field is None or (record.history_type == "+" and (field.is_relation or attname == "order")):
            continue  # a new row's parents are in its subject already, its place in the list says nothing
        quoted = not (field.choices or field.is_relation or isinstance(field, (models.DateField, models.BooleanField)))
        if f"{attname}_html" in fields:  # a Markdown text: shown as its readers read it, without the markup
            # Its start only: the trail shows an excerpt, and a page of entries renders in bounded time.
            old, new = (reader_text(value[: EXCERPT * 4]) if isinstance(value, str) else value for value in (old, new))
        changes.append(Change(field.verbose_name, _display(field, old), _display(field, new), quoted=quoted))
    return changes


class Change(NamedTuple):
    """One changed field of a record: its label, the old and new values as shown; for a many-to-many
    field (owners) also ``sentence``, which says it in words ("gewijzigd van X naar Y")."""

    label: str
    old: str
    new: str
    sentence: str = ""
    quoted: bool = False  # the values are the document's own text (in its language), not the interface's


def _users(ids, names):
    return ", ".join(names.get(("user", pk), f"#{pk}") for pk in ids)


def _display(field, value):
    """A stored value as a reader writes it: a list as "A, B", a date as "6 January 2025", a choice by its label."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list):
        return excerpt(", ".join(str(item) for item in value), EXCERPT)
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:
            return date_format(datetime.date.fromisoformat(value), "j F Y")
        except ValueError:
            return value
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return f"#{value}"
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    return excerpt(str(value), EXCERPT)


def excerpt(text, limit):
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextmanager
def acting_as(user):
    """Record the changes made inside the block as ``user``'s, where no request says who
    (management commands, scripts): ``with acting_as(user): import_file(...)``."""
    from types import SimpleNamespace

    from simple_history.models import HistoricalRecords

    if user is None:  # nobody to name: leave whatever the request says
        yield
        return
    previous = getattr(HistoricalRecords.context, "request", None)
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is None:
            del HistoricalRecords.context.request
        else:
            HistoricalRecords.context.request = previous


@contextmanager
def m2m_recorded_by_next_save(instance):
    """Many-to-many changes made inside the block (``instance.owners.set(...)``) write no records
    of their own: the save of ``instance`` that follows records them, with its other changes, so
    that one edit is one entry ("owners changed from X to Y", not "X removed" and "Y added").
    Without it, simple-history writes a record after each add, remove and clear."""
    instance.skip_history_when_saving = True
    try:
        yield
    finally:
        del instance.skip_history_when_saving
    instance.audit_m2m_pending = True  # the next record compares the many-to-many fields
