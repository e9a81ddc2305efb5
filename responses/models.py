import hashlib

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.audit import AuditedHistory, excerpt
from core.models import Versioned
from core.rendered import MarkdownField, RenderedHTMLField
from core.revision import new_revision
from core.text import NormalisedText

from . import vocabulary
from .layouts import layout_for


class ManagementResponseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ManagementResponse.Status.PUBLISHED)

    def visible_to(self, user):
        """Published responses for everyone; drafts only for their members and administrators."""
        if user.is_authenticated and user.is_superuser:
            return self
        if not user.is_authenticated:
            return self.published()
        mine = Membership.objects.filter(user=user).values("response_id")
        return self.filter(models.Q(status=ManagementResponse.Status.PUBLISHED) | models.Q(pk__in=mine))


class ManagementResponse(NormalisedText, Versioned):
    """The formal reaction of an organisation to one evaluation: the document as a whole."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("ontwerp")
        PUBLISHED = "published", _("gepubliceerd")
        # Taken back after publication (``responses.services.withdraw``, with a reason: ``Withdrawal``).
        # Read like a draft (members and administrators only); its versions stay and still verify.
        WITHDRAWN = "withdrawn", _("ingetrokken")

    class Layout(models.TextChoices):
        # One entry per layout in responses/layouts.py.
        TABLE = "table", _("tabel (inleiding, acties, tabel van aanbevelingen)")
        MATRIX = "matrix", _("matrix (UNEG: per aanbeveling de respons en de kernacties)")

    class DatePrecision(models.TextChoices):
        DAY = "day", _("dag")
        MONTH = "month", _("maand")

    class ValidationPolicy(models.TextChoices):
        # Which status changes of the project team evaluation staff must validate before they count
        # (actions.models.Action: "awaiting validation" until validated or sent back).
        NONE = "none", _("geen: een status telt meteen")
        CLOSING = "closing", _("afsluitende statussen (gerealiseerd, niet meer van toepassing, geannuleerd)")
        ALL = "all", _("elke statuswijziging")

    title = models.CharField(_("titel"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    organisation = models.CharField(_("organisatie"), max_length=200)
    responsible_team = models.CharField(
        _("verantwoordelijk team"),
        max_length=200,
        blank=True,
        help_text=_("Het team dat de managementresponse opmaakte."),
    )
    evaluation_title = models.CharField(_("titel van de evaluatie"), max_length=300)
    evaluators = models.TextField(
        _("evaluatoren"), blank=True, max_length=2_000, help_text=_("Wie de evaluatie uitvoerde, zoals in het rapport.")
    )
    evaluation_delivered_on = models.DateField(_("evaluatie opgeleverd op"), null=True, blank=True)
    evaluation_delivered_precision = models.CharField(
        _("datum gedrukt als"),
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text=_("Maand: het document drukt alleen maand en jaar (februari 2025)."),
    )
    language = models.CharField(
        _("taal van het document"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="nl",
        help_text=_("De taal van de tekst en van de vaste labels in de PDF."),
    )
    layout = models.CharField(
        _("opmaak"),
        max_length=20,
        choices=Layout,
        default=Layout.TABLE,
        help_text=_("Hoe de pagina en de PDF het document opbouwen."),
    )
    # The introduction is the first chapter (``Chapter``; migration 0015 made it one).
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    validation_policy = models.CharField(
        _("validatie door evaluatiemedewerkers"),
        max_length=10,
        choices=ValidationPolicy,
        default=ValidationPolicy.NONE,
        help_text=_("Welke statussen het projectteam pas na validatie door evaluatiemedewerkers als afgehandeld telt."),
    )
    published_on = models.DateField(_("gepubliceerd op"), null=True, blank=True)
    published_precision = models.CharField(
        _("publicatiedatum gedrukt als"),
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text=_("Maand: het document drukt alleen maand en jaar (februari 2025)."),
    )
    # The cover block of page 1, in print order: [{"label": "Distr.", "value": "General"}, ...];
    # a label may be empty (a document symbol stands alone).
    cover = models.JSONField(_("titelblok"), default=list, blank=True)
    vocabulary_preset = models.CharField(
        _("woordenschat"),
        max_length=20,
        choices=vocabulary.PRESET_CHOICES,
        blank=True,
        default="",
        help_text=_("De woorden voor de mate van akkoord en de status, zoals het document ze drukt."),
    )
    # Words typed over the preset's: {"agree": "Agree", "in_progress": "Under way", ...}.
    vocabulary_words = models.JSONField(_("eigen woorden"), default=dict, blank=True)
    # The matrix's columns, in print order, each with its header: [{"key": "action", "header": "Action"}, ...];
    # empty: the five of the UNEG matrix (responses/vocabulary.py).
    columns = models.JSONField(_("kolommen"), default=list, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    # updated_at, version, updated_by: Versioned.
    # Changes (to a new random value) with every write to anything the document shows:
    # the key of the PDF, its ETag and its cache entry (core/revision.py).
    revision = models.BigIntegerField(_("revisie van het document"), default=new_revision, editable=False)

    objects = ManagementResponseQuerySet.as_manager()

    history = HistoricalRecords(bases=[AuditedHistory])
    # The audit trail (core/audit.py): the response is its own.
    audit_response_paths = ("pk",)
    audit_subject_quotes = True  # its subject is its title, in the document's language

    @staticmethod
    def audit_subject(record, names):
        return record.title

    class Meta:
        verbose_name = _("managementresponse")
        verbose_name_plural = _("managementresponses")
        ordering = ["-updated_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "withdrawn"]),
                name="response_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="response_language_valid",
            ),
            models.CheckConstraint(condition=models.Q(layout__in=["table", "matrix"]), name="response_layout_valid"),
            models.CheckConstraint(
                condition=models.Q(evaluation_delivered_precision__in=["day", "month"]),
                name="response_delivered_precision_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(validation_policy__in=["none", "closing", "all"]),
                name="response_validation_policy_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("document:detail", kwargs={"slug": self.slug})

    def get_preview_url(self):
        """Where the editing forms of this response's texts preview Markdown (core.editing.live_preview)."""
        return reverse("responses:preview", kwargs={"slug": self.slug})

    def document_date(self):
        """The date the document carries: its publication date, else the day it is exported."""
        return self.published_on or timezone.localdate()

    def pdf_filename(self) -> str:
        """The title and the date the document carries:
        ``managementresponse-evaluatieopdracht-leerecosystemen-2025-03-31.pdf``."""
        name = slugify(self.title)
        if len(name) > 80:
            name = name[:81].rsplit("-", 1)[0]
        return f"{name or slugify(self.slug) or 'managementresponse'}-{self.document_date().isoformat()}.pdf"

    @property
    def layout_spec(self):
        """The layout's templates and what the document app assembles for it (responses/layouts.py)."""
        return layout_for(self)

    @property
    def evaluation_delivered_format(self):
        """The date format of the delivery date: "F Y" when the original gives only a month."""
        return "F Y" if self.evaluation_delivered_precision == self.DatePrecision.MONTH else "j F Y"

    @property
    def evaluation_delivered_in_month(self):
        return self.evaluation_delivered_precision == self.DatePrecision.MONTH

    @property
    def published_format(self):
        """The date format of the publication date: "F Y" when the document gives only a month."""
        return "F Y" if self.published_in_month else "j F Y"

    @property
    def document_date_format(self):
        """The format of ``document_date()``: the publication date's, else a day (the export's)."""
        return self.published_format if self.published_on else "j F Y"

    @property
    def published_in_month(self):
        return self.published_precision == self.DatePrecision.MONTH

    @property
    def document_words(self) -> dict:
        """``{agreement or status value: word}`` as this document prints them (responses/vocabulary.py);
        a value missing here prints in the layout's own words."""
        return vocabulary.words(self.vocabulary_preset, self.vocabulary_words)

    @property
    def column_list(self) -> list:
        """The matrix's columns in print order: ``[(key, header typed or "")]``."""
        return vocabulary.columns(self.columns)

    @property
    def cover_items(self) -> list:
        """The cover block's ``(label, value)`` pairs in print order."""
        return [(item.get("label", ""), item.get("value", "")) for item in self.cover or [] if isinstance(item, dict)]

    def style_key(self) -> tuple:
        """What the document's words and columns depend on beyond the rows (fragment cache keys)."""
        return (self.vocabulary_preset, sorted((self.vocabulary_words or {}).items()), repr(self.columns))

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def is_withdrawn(self):
        return self.status == self.Status.WITHDRAWN

    def last_withdrawal(self):
        """The newest ``Withdrawal`` (who, when, why), or None."""
        return self.withdrawals.select_related("withdrawn_by").order_by("-withdrawn_at", "-pk").first()

    def is_visible_to(self, user):
        """Everyone may read a published response; drafts only their members and administrators."""
        from . import permissions

        return bool(permissions.can_view(user, self))

    def count_contents(self):
        """What a delete takes along, for its confirmation."""
        return {
            "groups": self.recommendation_groups.count(),
            "recommendations": self.recommendations.count(),
            "actions": self.actions.count(),
            "links": self.actions.aggregate(n=models.Count("links"))["n"],
            "progress": self.actions.aggregate(n=models.Count("progress_updates"))["n"],
            "versions": self.published_versions.count(),
        }


class Chapter(NormalisedText, Versioned):
    """A chapter of the document before or after its recommendations ("Overview", "Draft decision"),
    printed in order in both layouts, on the page and in the PDF."""

    class Placement(models.TextChoices):
        BEFORE = "before", _("voor de aanbevelingen")
        AFTER = "after", _("na de aanbevelingen")

    response = models.ForeignKey(
        ManagementResponse, models.CASCADE, related_name="chapters", verbose_name=_("managementresponse")
    )
    placement = models.CharField(_("plaats"), max_length=6, choices=Placement, default=Placement.BEFORE)
    heading = models.CharField(_("titel"), max_length=300, blank=True)
    body = MarkdownField(
        _("tekst"),
        blank=True,
        max_length=100_000,
        help_text=_("Markdown: alinea's, genummerde en andere lijsten, links, voetnoten."),
        rendered_field="body_html",
    )
    body_html = RenderedHTMLField(_("tekst (HTML)"))
    order = models.PositiveIntegerField(_("volgorde"), default=0)

    audit_subject_quotes = True  # its subject is its heading, in the document's language
    history = HistoricalRecords(bases=[AuditedHistory])

    @staticmethod
    def audit_subject(record, names):
        return record.heading or excerpt(record.body, 60)

    class Meta:
        verbose_name = _("hoofdstuk")
        verbose_name_plural = _("hoofdstukken")
        ordering = ["response", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(placement__in=["before", "after"]), name="chapter_placement_valid"
            ),
        ]

    def __str__(self):
        return self.heading or excerpt(self.body, 60)


class FrozenVersion(ValueError):
    """A published version was to be changed or deleted: refused (``ResponseVersion``)."""


# What a version is: every column but the link to the publisher's account, which goes when the
# account is deleted (its name stays in ``published_by_name``). The PostgreSQL trigger of
# migration 0012 refuses an UPDATE of these columns and any DELETE, whatever sends it.
FROZEN_COLUMNS = (
    "response_id",
    "number",
    "published_at",
    "published_by_name",
    "note",
    "override_reason",
    "overridden_errors",
    "snapshot",
    "snapshot_sha256",
    "pdf",
    "sha256",
)


class ResponseVersionQuerySet(models.QuerySet):
    """Versions can be read, never rewritten or deleted in bulk: ``update()`` refuses every column
    but ``published_by=None`` (what deleting the publisher's account does: SET_NULL), ``bulk_update()``
    and ``delete()`` refuse always."""

    def update(self, **kwargs):
        if set(kwargs) - {"published_by", "published_by_id"} or any(value is not None for value in kwargs.values()):
            raise FrozenVersion("A published version is frozen: it cannot be changed.")
        return super().update(**kwargs)

    update.alters_data = True  # type: ignore[attr-defined]  # Django's flag: templates may not call it

    def bulk_update(self, objs, fields, batch_size=None):
        # Refused before it opens its transaction (an error inside would break the caller's).
        if objs:
            raise FrozenVersion("A published version is frozen: it cannot be changed.")
        return 0

    bulk_update.alters_data = True  # type: ignore[attr-defined]

    def delete(self):
        raise FrozenVersion("A published version is frozen: it cannot be deleted.")

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]  # not copied to the manager


class ResponseVersion(models.Model):
    """A published version of a response, frozen: its data and its PDF exactly as they went out.

    Written once by ``publishing.publish.publish`` and never changed afterwards, so that a PDF
    downloaded years later is byte for byte the one that was published, and its SHA-256
    identifies it (``verify_pdf``). Refused: ``save`` of an existing row, ``delete``, the
    querysets' ``update``/``delete`` (``ResponseVersionQuerySet``, also the base manager's), the
    delete of its response (PROTECT), and on PostgreSQL any SQL UPDATE of a frozen column or
    DELETE of a row (a trigger, migration 0012). ``manage.py verify_versions`` re-checks the
    stored PDFs and files against their hashes.
    """

    response = models.ForeignKey(
        ManagementResponse, models.PROTECT, related_name="published_versions", verbose_name=_("managementresponse")
    )
    number = models.PositiveIntegerField(_("versie"))
    published_at = models.DateTimeField(_("gepubliceerd op"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gepubliceerd door"),
    )
    # The name as it was, kept when the account goes.
    published_by_name = models.CharField(_("door"), max_length=200, blank=True)
    note = models.TextField(_("wijzigingsnota"), max_length=5_000)
    override_reason = models.TextField(_("reden om ondanks fouten te publiceren"), blank=True, max_length=5_000)
    overridden_errors = models.JSONField(_("genegeerde fouten"), default=list, blank=True)
    snapshot = models.TextField(_("uitwisselingsbestand"))  # the interchange file (YAML), as export_response wrote it
    # The SHA-256 of the snapshot's UTF-8 bytes, set when the version is written (verify_versions).
    snapshot_sha256 = models.CharField(_("SHA-256 van het uitwisselingsbestand"), max_length=64, blank=True)
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)

    objects = ResponseVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("gepubliceerde versie")
        verbose_name_plural = _("gepubliceerde versies")
        ordering = ["response", "-number"]
        # Also Django's own internal queries (a cascade's SET_NULL) go through the refusing queryset.
        base_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(fields=["response", "number"], name="response_version_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="response_version_number_positive"),
        ]

    def __str__(self):
        return f"{self.response} v{self.number}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise FrozenVersion("A published version is frozen: it cannot be changed.")
        if not self.snapshot_sha256:
            self.snapshot_sha256 = snapshot_hash(self.snapshot)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("responses:version_pdf", kwargs={"slug": self.response.slug, "number": self.number})

    def delete(self, *args, **kwargs):
        raise FrozenVersion("A published version is frozen: it cannot be deleted.")

    @property
    def overridden(self):
        return bool(self.override_reason)

    @property
    def by(self):
        if self.published_by is not None:  # no query when published_by_id is None
            return self.published_by.get_full_name() or self.published_by.get_username()
        return self.published_by_name


def snapshot_hash(snapshot: str) -> str:
    return hashlib.sha256(snapshot.encode("utf-8")).hexdigest()


class Withdrawal(models.Model):
    """A published response taken back: who, when and why (``responses.services.withdraw``).

    The response becomes *ingetrokken* (read like a draft); its versions stay and still verify.
    Kept for good, also when the response is published again, and on the audit trail.
    """

    response = models.ForeignKey(
        ManagementResponse, models.PROTECT, related_name="withdrawals", verbose_name=_("managementresponse")
    )
    reason = models.TextField(_("reden"), max_length=5_000)
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ingetrokken door"),
    )
    # The name as it was, kept when the account goes.
    withdrawn_by_name = models.CharField(_("door"), max_length=200, blank=True)

    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        verbose_name = _("intrekking")
        verbose_name_plural = _("intrekkingen")
        ordering = ["response", "-withdrawn_at"]

    def __str__(self):
        return f"{self.response} ({self.withdrawn_at:%Y-%m-%d})"

    @staticmethod
    def audit_subject(record, names):
        """The trail's entry: the reason (cut short); its record holds who and when."""
        return record.reason if len(record.reason) <= 80 else record.reason[:79] + "…"

    @property
    def by(self):
        user = self.withdrawn_by
        if user is not None:
            return user.get_full_name() or user.get_username()
        return self.withdrawn_by_name


class Membership(models.Model):
    """A user's role on one response. One role per user per response: the People page changes it."""

    class Role(models.TextChoices):
        EVALUATION_STAFF = "evaluation_staff", _("evaluatiemedewerker")
        PROJECT_TEAM = "project_team", _("projectteam")
        READER = "reader", _("lezer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name=_("gebruiker")
    )
    response = models.ForeignKey(
        ManagementResponse, models.CASCADE, related_name="memberships", verbose_name=_("managementresponse")
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    history = HistoricalRecords(bases=[AuditedHistory])
    audit_user_fields = ("user_id",)  # the trail names the member (core/audit.py)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["response", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "response"], name="membership_one_role_per_response"),
            models.CheckConstraint(
                condition=models.Q(role__in=["evaluation_staff", "project_team", "reader"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.response}"

    @staticmethod
    def audit_subject(record, names):
        return names.get(("user", record.user_id), f"#{record.user_id}")
