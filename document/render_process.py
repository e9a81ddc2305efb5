"""Imported by the fork server of the PDF render processes when it starts (core/bounded.py,
document/pdf.py: ``write_pdf``): Django set up (the fetcher finds our static files through it)
and WeasyPrint loaded, once, so that each render's process starts with both."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

import weasyprint  # noqa: E402, F401
