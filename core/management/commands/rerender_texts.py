"""Render the stored HTML of every Markdown text again (core/rendered.py).

Run after a change to the renderer or the sanitiser (core/richtext.py, or a
new Python-Markdown or nh3): rows whose HTML was made by another renderer
version, or whose text changed behind the model's back, are rendered again;
``--force`` renders every row. Every response then gets a new revision, so
cached document pages and PDFs are made afresh.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core import rendered, revision


class Command(BaseCommand):
    help = "Render the stored HTML of every Markdown text again (after a renderer or sanitiser change)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="render every text, not only stale ones")

    def handle(self, *args, force=False, **options):
        total = 0
        with transaction.atomic():
            for model in apps.get_models():
                if not rendered.markdown_fields(model):
                    continue
                count = rendered.rerender(model, force=force)
                total += count
                self.stdout.write(f"{model._meta.label}: {count} rendered")
            if total:
                revision.touch_all()  # bulk_update sends no signals
        self.stdout.write(self.style.SUCCESS(f"{total} rows rendered (renderer {rendered.RENDERER_VERSION})."))
