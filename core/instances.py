"""Model instances for long read-only lists, built from ``values_list`` rows.

Django builds each instance of a queryset through ``Model.__init__``: a ``setattr`` per
field and the ``pre_init``/``post_init`` signals, about 30 µs a row. For the document of
a response (300 recommendations, 600 links, 100 actions) that was a third of a page
built after an edit. ``instances()`` builds the objects ``Model.from_db`` would build from
the same rows -- the values in the instance's ``__dict__``, a ``ModelState`` that says
"loaded from this database" -- in a third of the time (tests/test_instances.py compares
them with Django's, field by field, deferred fields included).

Fields left out (``exclude``) are deferred as ``.defer()`` leaves them: reading one loads
it, ``get_deferred_fields()`` names them, and a ``save()`` writes only the loaded fields.

A model with ``pre_init`` or ``post_init`` receivers (an ``ImageField``, for example) is
built by ``from_db``, so that its receivers run.
"""

from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


def instances(queryset, *, exclude=()) -> list:
    """The rows of ``queryset`` (filtered and ordered; no ``select_related``, ``only``,
    ``defer`` or annotations) as model instances, without the fields named in ``exclude``."""
    model = queryset.model
    names = [field.attname for field in model._meta.concrete_fields if field.name not in exclude]
    db = queryset.db
    rows = queryset.values_list(*names)
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return [model.from_db(db, names, row) for row in rows]
    new = model.__new__
    built = []
    for row in rows:
        instance = new(model)
        state = ModelState()
        state.adding = False
        state.db = db
        values = instance.__dict__
        values["_state"] = state
        values.update(zip(names, row, strict=True))
        built.append(instance)
    return built
