"""Evidence for actions (files and links) and evaluation staff's decisions on claimed statuses.

An action's validation state itself is on the action (``actions.models.Action.validation_state``):
every write path of a status sees it there. This app holds what proves the claim, who decided on
it and why, and what a published version froze of it.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.audit import AuditedHistory
from core.models import Versioned
from core.text import NormalisedText


class EvidenceQuerySet(models.QuerySet):
    def current(self):
        """Not removed (removed evidence stays, for the audit trail and published versions)."""
        return self.filter(removed_at__isnull=True)


class Evidence(NormalisedText, Versioned):
    """A file or a link that supports an action's progress, with a title and a date; on the action, or
    on one of its progress entries.

    A file's bytes are in the ``evidence`` storage (``settings.STORAGES``: the file system, or an
    S3-compatible store) under a random key, never under the name the user gave; they are served
    only through ``evidence:file``. Removing evidence keeps the row and the bytes (``removed_at``),
    so that the trail and the versions that froze it still name it. A file reference without bytes
    (``storage_key`` empty) comes from an interchange file, which carries names and hashes only.
    """

    class Kind(models.TextChoices):
        FILE = "file", _("bestand")
        LINK = "link", _("link")

    action = models.ForeignKey("actions.Action", models.CASCADE, related_name="evidence", verbose_name=_("actie"))
    progress_update = models.ForeignKey(
        "actions.ProgressUpdate",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("voortgangsmelding"),
    )
    evidence_kind = models.CharField(_("soort"), max_length=4, choices=Kind)
    title = models.CharField(_("titel"), max_length=200)
    date = models.DateField(_("datum"), default=timezone.localdate)
    url = models.URLField(_("link"), max_length=2_000, blank=True)
    file_name = models.CharField(_("bestandsnaam"), max_length=200, blank=True)
    storage_key = models.CharField(_("opslagsleutel"), max_length=300, blank=True, editable=False)
    content_type = models.CharField(_("bestandstype"), max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("grootte"), null=True, blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("door")
    )
    added_at = models.DateTimeField(_("toegevoegd op"), auto_now_add=True)
    removed_at = models.DateTimeField(_("verwijderd op"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verwijderd door"),
    )

    objects = EvidenceQuerySet.as_manager()

    history = HistoricalRecords(bases=[AuditedHistory])
    audit_response_paths = ("action.response_id",)
    audit_timeline_of = ("action",)

    class Meta:
        verbose_name = _("bewijsstuk")
        verbose_name_plural = _("bewijsstukken")
        ordering = ["action", "date", "added_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(evidence_kind__in=["file", "link"]), name="evidence_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(evidence_kind="file", url="")
                | models.Q(evidence_kind="link", file_name="", storage_key=""),
                name="evidence_file_or_link",
            ),
        ]

    def __str__(self):
        return self.title

    @staticmethod
    def audit_names(records):
        from actions.models import Action

        actions = Action.objects.filter(pk__in={r.action_id for r in records})
        return {("action", pk): number for pk, number in actions.values_list("pk", "number")}

    audit_subject_quotes = True  # its subject is its title (the document's language); the action: the context

    @staticmethod
    def audit_context(record, names):
        action = names.get(("action", record.action_id), f"#{record.action_id}")
        return _("bij actie %(action)s:") % {"action": action}

    @staticmethod
    def audit_subject(record, names):
        return f"{record.title} ({record.file_name or record.url})"

    @property
    def response(self):
        """Its action's response (``select_related("action__response")`` saves the queries)."""
        return self.action.response

    @property
    def is_file(self):
        return self.evidence_kind == self.Kind.FILE

    @property
    def is_removed(self):
        return self.removed_at is not None

    @property
    def has_bytes(self):
        return bool(self.storage_key)

    def file_url(self, response):
        """Where the file is served: under its response, whose slug the view checks."""
        return reverse("evidence:file", kwargs={"slug": response.slug, "pk": self.pk})


class ValidationDecision(models.Model):
    """Evaluation staff's decision on a claimed status: validated, or sent back with a comment."""

    class Decision(models.TextChoices):
        VALIDATED = "validated", _("gevalideerd")
        SENT_BACK = "sent_back", _("teruggestuurd")

    action = models.ForeignKey(
        "actions.Action", models.CASCADE, related_name="validation_decisions", verbose_name=_("actie")
    )
    decision = models.CharField(_("beslissing"), max_length=10, choices=Decision)
    claimed_status = models.CharField(_("geclaimde status"), max_length=20, blank=True)
    comment = models.TextField(_("opmerking"), blank=True, max_length=5_000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("door")
    )
    decided_by_name = models.CharField(_("naam"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("beslist op"), default=timezone.now)

    history = HistoricalRecords(bases=[AuditedHistory])
    audit_response_paths = ("action.response_id",)
    audit_timeline_of = ("action",)

    class Meta:
        verbose_name = _("validatiebeslissing")
        verbose_name_plural = _("validatiebeslissingen")
        ordering = ["action", "-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decision__in=["validated", "sent_back"]), name="validation_decision_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} ({self.decided_at:%Y-%m-%d})"

    @staticmethod
    def audit_names(records):
        return Evidence.audit_names(records)

    @staticmethod
    def audit_subject(record, names):
        action = names.get(("action", record.action_id), f"#{record.action_id}")
        return _("actie %(action)s, %(date)s") % {
            "action": action,
            "date": date_format(record.decided_at.date(), "j F Y"),
        }

    @property
    def by(self):
        user = self.decided_by
        if user is not None:
            return user.get_full_name() or user.get_username()
        return self.decided_by_name


class FrozenEvidenceQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValueError("Frozen evidence cannot be changed.")

    update.alters_data = True  # type: ignore[attr-defined]

    def delete(self):
        raise ValueError("Frozen evidence cannot be deleted.")

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class FrozenEvidence(models.Model):
    """The evidence list of a published version, as it was: one row per file or link of each action,
    with the file's SHA-256 (``/verify/`` and ``verify_pdf`` recognise the file). Written by
    ``publishing.publish`` with the version, never changed or deleted (like the version itself)."""

    version = models.ForeignKey(
        "responses.ResponseVersion", models.PROTECT, related_name="frozen_evidence", verbose_name=_("versie")
    )
    action_number = models.CharField(_("actienummer"), max_length=40)
    validation_state = models.CharField(_("validatie"), max_length=10, blank=True)
    evidence_kind = models.CharField(_("soort"), max_length=4)
    title = models.CharField(_("titel"), max_length=200)
    date = models.DateField(_("datum"))
    url = models.URLField(_("link"), max_length=2_000, blank=True)
    file_name = models.CharField(_("bestandsnaam"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("grootte"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)

    objects = FrozenEvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("bewijsstuk van een gepubliceerde versie")
        verbose_name_plural = _("bewijsstukken van gepubliceerde versies")
        ordering = ["version", "pk"]
        base_manager_name = "objects"

    def __str__(self):
        return f"{self.version}: {self.title}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Frozen evidence cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Frozen evidence cannot be deleted.")
