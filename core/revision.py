"""One revision per response: the cheap key of everything derived from its document.

The PDF (its ETag and its cache entry) is keyed by
``ManagementResponse.revision``. (The document page's fragments are keyed by the
``version`` and ``updated_at`` of the rows they show: document/fragments.py.) Every write to a row the
document shows gives the response a new revision: a random number, so that a
stale in-memory copy saved over it can never bring back a key that is already
in a cache.

How every write path is covered:
  * ``.save()`` and ``.delete()`` (forms, the admin, commands, imports' creates,
    cascades): post_save / post_delete handlers, connected by ``track()`` for
    each model that appears in the document (each app registers its own in its
    ``AppConfig.ready``, the response itself with the path ``"pk"``);
  * ``bulk_create``, ``bulk_update`` and ``queryset.update()`` send no signals:
    code that uses them calls ``touch()`` itself (``core.editing.move``, the
    import, ``rerender_texts``), and, when it changes what the document page
    shows, moves the rows' ``version`` on too (``F("version") + 1``).

The new revision is written inside the writer's transaction, so readers see the
new content and the new key together, at commit. Each write bumps (one UPDATE);
inside ``batch()`` (imports, deletes of many rows) a response is bumped once.
After the commit, the ``after_commit`` hooks run: the document app uses this to
render the PDF in the background (it renders each revision once, however
often it is asked).
"""

import functools
import secrets
import threading
from collections.abc import Callable
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

_paths: dict[type[Model], str] = {}


def response_model():
    """The root the revisions belong to: the model tracked with the path ``"pk"`` (the responses app
    tracks its ``ManagementResponse`` so; this module names no app)."""
    for model, path in _paths.items():
        if path == "pk":
            return model
    raise LookupError("no model is tracked with the path 'pk': track the root model first")


_hooks: list[Callable[[int], object]] = []


def new_revision() -> int:
    return secrets.randbits(62) + 1


def track(model, path: str):
    """Bump the revision of the response of every saved or deleted ``model`` row.

    ``path`` leads from a row to its response's id: ``"pk"`` for the response
    itself, ``"response_id"``, ``"theme__group__response_id"``...
    """
    _paths[model] = path
    uid = f"core.revision:{model._meta.label}"
    post_save.connect(_on_write, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(_on_write, sender=model, dispatch_uid=uid, weak=False)


def after_commit(hook):
    """``hook(response_id)`` runs after each commit that changed the response's document."""
    if hook not in _hooks:
        _hooks.append(hook)


def _on_write(sender, instance, using=DEFAULT_DB_ALIAS, **kwargs):
    response_id = response_id_of(instance, using=using)
    if response_id is not None:
        # The response's own save writes its in-memory revision: always follow it with a new one.
        touch(response_id, using=using, force=_paths.get(sender) == "pk")


_local = threading.local()


@contextmanager
def batch():
    """Within the block, each response is bumped (and its hooks scheduled) once, however many rows change.

    For writes of many rows in one transaction: an import, a cascading delete.
    """
    if getattr(_local, "done", None) is not None:
        yield  # already inside a batch
        return
    _local.done, _local.lookups = set(), {}
    try:
        yield
    finally:
        _local.done = _local.lookups = None


def touch(response_id, *, using=DEFAULT_DB_ALIAS, force=False):
    """Give the response a new revision now (inside the writer's transaction); run the hooks after commit."""
    done = getattr(_local, "done", None)
    if done is not None and response_id in done and not force:
        return
    updated = response_model()._default_manager.using(using).filter(pk=response_id).update(revision=new_revision())
    if not updated:
        return  # the response is being deleted
    if done is not None:
        if response_id in done:
            return
        done.add(response_id)
    # Outside a transaction on_commit runs at once; a rollback drops it (and the new revision with it).
    transaction.on_commit(functools.partial(_run_hooks, response_id), using=using, robust=True)


def touch_for(instance, *, using=DEFAULT_DB_ALIAS):
    """``touch`` the response of ``instance`` (a row of a tracked model)."""
    response_id = response_id_of(instance, using=using)
    if response_id is not None:
        touch(response_id, using=using)


def touch_all(*, using=DEFAULT_DB_ALIAS):
    """Every response gets a new revision (after re-rendering all texts, say)."""
    model = response_model()
    for pk in model._default_manager.using(using).values_list("pk", flat=True):
        model._default_manager.using(using).filter(pk=pk).update(revision=new_revision())


def response_id_of(instance, *, using=DEFAULT_DB_ALIAS):
    path = _paths.get(type(instance))
    if path is None:
        return None
    return _resolve(instance, path, using)


def _resolve(obj, path, using):
    if path == "pk":
        return obj.pk
    head, _sep, rest = path.partition("__")
    if not rest:
        return getattr(obj, head)
    field = obj._meta.get_field(head)
    if field.is_cached(obj):
        return _resolve(getattr(obj, head), rest, using)
    key = (field.related_model, getattr(obj, field.attname), rest)
    if key[1] is None:
        return None
    lookups = getattr(_local, "lookups", None)
    if lookups is not None and key in lookups:
        return lookups[key]
    found = field.related_model._default_manager.using(using).filter(pk=key[1]).values_list(rest, flat=True).first()
    if lookups is not None:
        lookups[key] = found
    return found


def _run_hooks(response_id):
    for hook in _hooks:
        hook(response_id)
