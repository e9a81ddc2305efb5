"""The public register's index of published versions.

This app sits at the top, beside ``tracking``: it reads the frozen versions of ``responses``
(their interchange snapshots, through ``interchange.parse``) and never the live rows of a
response. Models refer to the others by string.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    """What the register knows of one published version, read once from its frozen snapshot.

    A version never changes, so neither does its entry, except when the extraction itself
    changes: ``schema`` is the ``register.entries.SCHEMA`` it was built with, and an entry of an
    older schema is built again when it is next needed. Built lazily and in bounded batches by
    ``register.entries.ensure_entries`` (the register's pages, its feed, its downloads and
    ``export_open_data``); nothing else writes it, and deleting entries loses nothing.
    """

    version = models.OneToOneField(
        "responses.ResponseVersion", models.CASCADE, related_name="register_entry", verbose_name=_("versie")
    )
    # The version's response and number, kept here so that the register's queries need no join.
    response = models.ForeignKey(
        "responses.ManagementResponse", models.CASCADE, related_name="+", verbose_name=_("managementresponse")
    )
    number = models.PositiveIntegerField(_("versie"))
    schema = models.PositiveSmallIntegerField(_("schema"))
    published_at = models.DateTimeField(_("gepubliceerd op"))
    # From the snapshot (never the live response): what the list shows and filters on.
    slug = models.SlugField(_("slug"), max_length=100)
    title = models.CharField(_("titel"), max_length=300)
    organisation = models.CharField(_("organisatie"), max_length=200)
    evaluation_title = models.CharField(_("titel van de evaluatie"), max_length=300)
    published_on = models.DateField(_("gepubliceerd op"))
    year = models.PositiveSmallIntegerField(_("jaar"), db_index=True)
    # Title, organisation, evaluation and every text of the version, case-folded, for the search.
    search_text = models.TextField(_("zoektekst"))
    # The agreement levels and implementation states of its recommendations, as " code code ",
    # so that a filter is one ``contains`` on both databases.
    agreement_codes = models.CharField(_("mate van akkoord"), max_length=200)
    implementation_codes = models.CharField(_("uitvoering"), max_length=200)
    # Counts per agreement level and implementation state, for the list.
    summary = models.JSONField(_("samenvatting"))
    # The open-data rows of this version: {table name: [row, ...]} (register/columns.py).
    tables = models.JSONField(_("tabellen"))

    class Meta:
        verbose_name = _("registerregel")
        verbose_name_plural = _("registerregels")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return f"{self.title} v{self.number}"
