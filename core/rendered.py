"""Markdown rendered once, on save, and stored beside its source.

A ``MarkdownField`` is a TextField that names a companion ``RenderedHTMLField``.
Whenever the row is written -- a form, the admin, an import (``objects.create``
and ``bulk_create`` both call ``pre_save``), a plain ``.save()`` -- the field
renders its text through ``core.richtext`` into the companion:

    {"v": RENDERER_VERSION, "src": <digest of the text>,
     "screen": <HTML for pages, footnote ids with PREFIX>, "print": <HTML for the PDF>}

Pages and the PDF read the stored HTML (``{% rendered obj "field" prefix %}``).
Stored HTML that does not match its text or the renderer (a queryset
``.update()`` of the text, a new renderer not yet re-rendered) is detected and
rendered on the fly, so a reader never sees stale text; ``manage.py
rerender_texts`` brings every row up to date after a renderer change.

Declare the companion *after* its source field: Django calls ``pre_save`` in
field order, and the companion's value is taken after the source filled it.
"""

import hashlib
import importlib.metadata
from pathlib import Path
from typing import Any

from django.db import models
from django.utils.safestring import mark_safe

from . import richtext

# Screen footnote anchors are stored with this prefix and given the object's own
# prefix when shown, so that several texts on one page keep unique ids.
PREFIX = "rtxprefix"


def _renderer_version() -> str:
    """Changes whenever rendering could: the renderer's code, Python-Markdown's and nh3's versions."""
    digest = hashlib.sha256(Path(richtext.__file__).read_bytes())
    for package in ("markdown", "nh3"):
        digest.update(b"\0" + importlib.metadata.version(package).encode())
    return digest.hexdigest()[:16]


RENDERER_VERSION = _renderer_version()


def digest(text: str) -> str:
    return hashlib.blake2b((text or "").encode(), digest_size=8).hexdigest()


def render_all(text: str) -> dict:
    """Everything stored for one text: both HTML variants, the renderer version and the text's digest."""
    text = text or ""
    return {
        "v": RENDERER_VERSION,
        "src": digest(text),
        "screen": str(richtext.render(text, prefix=PREFIX)),
        "print": str(richtext.render(text, footnotes="inline")),
    }


def is_current(stored, text: str) -> bool:
    return isinstance(stored, dict) and stored.get("v") == RENDERER_VERSION and stored.get("src") == digest(text or "")


def with_prefix(html: str, prefix) -> str:
    """The stored screen HTML with its footnote anchors as ``render(text, prefix=prefix)`` makes them."""
    if PREFIX not in html:
        return html
    new = f"-{prefix}:" if prefix != "" else ":"
    return html.replace(f"fn-{PREFIX}:", f"fn{new}").replace(f"fnref-{PREFIX}:", f"fnref{new}")


def html_of(instance, name: str, *, prefix="", variant: str = "screen"):
    """The HTML of Markdown field ``name`` of ``instance``: stored, or rendered now when stale."""
    field = instance._meta.get_field(name)
    text = getattr(instance, name)
    stored = getattr(instance, field.rendered_field)
    if not is_current(stored, text):
        stored = render_all(text)
    html = stored[variant]
    if variant == "screen":
        html = with_prefix(html, prefix)
    return mark_safe(html)  # sanitised when it was rendered


class RenderedHTMLField(models.JSONField):
    """The stored HTML of a MarkdownField (see the module docstring). Never edited by hand."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", dict)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


class MarkdownField(models.TextField):
    """A Markdown text that renders itself into ``rendered_field`` whenever its row is saved.

    Its validator bounds the distinct footnotes of one text (``richtext.validate_footnotes``): forms,
    the admin and ``full_clean`` show the error next to the field; the imports check the same."""

    default_validators = [richtext.validate_footnotes]  # noqa: RUF012 -- as Django declares it (read, never changed)

    def __init__(self, *args, rendered_field: str, **kwargs):
        self.rendered_field = rendered_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["rendered_field"] = self.rendered_field
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        text = super().pre_save(model_instance, add)
        if not is_current(getattr(model_instance, self.rendered_field, None), text):
            setattr(model_instance, self.rendered_field, render_all(text))
        return text


def markdown_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, MarkdownField)]


def rendered_field_names(model) -> list[str]:
    return [field.rendered_field for field in markdown_fields(model)]


def load_stored_html(instances):
    """Fill in the stored HTML that a query deferred (``.defer(*rendered_field_names(model))``):
    one query per model, whatever the number of instances."""
    by_model: dict[type[models.Model], dict[Any, models.Model]] = {}
    for instance in instances:
        by_model.setdefault(type(instance), {})[instance.pk] = instance
    for model, by_pk in by_model.items():
        names = [
            name for name in rendered_field_names(model) if name in next(iter(by_pk.values())).get_deferred_fields()
        ]
        if not names:
            continue
        for pk, *values in model._default_manager.filter(pk__in=list(by_pk)).values_list("pk", *names):
            for name, value in zip(names, values, strict=True):
                setattr(by_pk[pk], name, value)


def with_rendered_fields(model, names):
    """``update_fields`` for a save: each Markdown field brings its stored HTML along."""
    names = list(names)
    for field in markdown_fields(model):
        if field.name in names and field.rendered_field not in names:
            names.append(field.rendered_field)
    return names


def rerender(model, *, force=False, batch_size=200) -> int:
    """Re-render the stored HTML of every row of ``model`` that is stale (or all, with ``force``)."""
    fields = markdown_fields(model)
    if not fields:
        return 0
    names = ["pk", *(f.name for f in fields), *(f.rendered_field for f in fields)]
    changed, count = [], 0
    for row in model._default_manager.only(*names).iterator(chunk_size=batch_size):
        dirty = False
        for field in fields:
            text = getattr(row, field.name)
            if force or not is_current(getattr(row, field.rendered_field), text):
                setattr(row, field.rendered_field, render_all(text))
                dirty = True
        if dirty:
            changed.append(row)
        if len(changed) >= batch_size:
            model._default_manager.bulk_update(changed, [f.rendered_field for f in fields])
            count += len(changed)
            changed = []
    if changed:
        model._default_manager.bulk_update(changed, [f.rendered_field for f in fields])
        count += len(changed)
    return count


def render_existing_rows(app_label: str, model_name: str):
    """A data migration's RunPython function: fill the stored HTML of the rows already there."""

    def forwards(apps, schema_editor):
        model = apps.get_model(app_label, model_name)
        rerender(model, force=True)

    return forwards
