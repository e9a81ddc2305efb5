from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.rendered import MarkdownField, RenderedHTMLField


class Action(models.Model):
    """A numbered action in answer to the recommendations, or a part of one ("1.1", "3 – spoor 2")."""

    class Status(models.TextChoices):
        INHERITED = "", _("zoals de hoofdactie")
        TO_START = "to_start", _("op te starten")
        IN_PROGRESS = "in_progress", _("in uitvoering")
        REALISED = "realised", _("gerealiseerd")
        NO_LONGER_APPLICABLE = "not_applicable", _("niet meer van toepassing")

    response = models.ForeignKey(
        "responses.ManagementResponse",
        models.CASCADE,
        related_name="actions",
        verbose_name=_("managementresponse"),
    )
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("hoofdactie"),
    )
    number = models.CharField(
        _("actienummer"),
        max_length=40,
        help_text=_("Zoals in de tabel geciteerd: 1, 1.1, 3 – spoor 2."),
    )
    label = models.CharField(
        _("label"),
        max_length=40,
        blank=True,
        help_text=_('Hoe de titel het nummer drukt, bv. "Spoor 2:". Leeg: het nummer met een punt.'),
    )
    title = models.CharField(_("titel"), max_length=300)
    narrative = MarkdownField(
        _("toelichting"),
        blank=True,
        max_length=100_000,
        help_text=_("Markdown: alinea's, lijsten, tussentitels, links, voetnoten."),
        rendered_field="narrative_html",
    )
    narrative_html = RenderedHTMLField(_("toelichting (HTML)"))
    status = models.CharField(_("status"), max_length=20, choices=Status, blank=True, default=Status.TO_START)
    status_note = models.CharField(
        _("tijdsaanduiding"), max_length=100, blank=True, help_text=_('Gedrukt na de status, bv. "in 2025".')
    )
    responsible_unit = models.CharField(_("verantwoordelijke dienst"), max_length=200, blank=True)
    due_date = models.DateField(_("streefdatum"), null=True, blank=True)
    order = models.PositiveIntegerField(_("volgorde"), default=0)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("gewijzigd door"),
    )

    recommendations = models.ManyToManyField(
        "recommendations.Recommendation",
        through="ActionLink",
        related_name="actions",
        verbose_name=_("aanbevelingen"),
    )

    class Meta:
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        ordering = ["response", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["response", "number"], name="action_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=["", "to_start", "in_progress", "realised", "not_applicable"]),
                name="action_status_valid",
            ),
            # Only parts may inherit their status; a top-level action states one.
            models.CheckConstraint(
                condition=models.Q(parent__isnull=False) | ~models.Q(status=""),
                name="action_top_level_has_status",
            ),
        ]
        permissions = [("change_status", _("Kan status en voortgang van acties wijzigen"))]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("actions:detail", kwargs={"pk": self.pk})

    @property
    def heading_label(self):
        """The number as the document's heading prints it: "1.1." or "Spoor 1:"."""
        return self.label or f"{self.number}."

    @property
    def effective_status(self):
        """A part without a status of its own has its parent's."""
        if self.status or self.parent_id is None:
            return self.status
        return self.parent.effective_status

    @property
    def effective_status_note(self):
        if self.status or self.parent_id is None:
            return self.status_note
        return self.parent.effective_status_note

    def get_effective_status_display(self):
        return self.Status(self.effective_status).label

    @property
    def status_line(self):
        """The status as the document prints it: "op te starten in 2025"."""
        return " ".join(str(part) for part in (self.get_effective_status_display(), self.effective_status_note) if part)


class ActionLink(models.Model):
    """A recommendation answered by an action, optionally narrowed ("kennisdeling 4", "(systematisch leren)")."""

    recommendation = models.ForeignKey(
        "recommendations.Recommendation",
        models.CASCADE,
        related_name="action_links",
        verbose_name=_("aanbeveling"),
    )
    action = models.ForeignKey(Action, models.CASCADE, related_name="links", verbose_name=_("actie"))
    qualifier = models.CharField(
        _("verduidelijking"),
        max_length=200,
        blank=True,
        help_text=_('Gedrukt na het actienummer: "kennisdeling 4" of "(systematisch leren)".'),
    )
    order = models.PositiveIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("koppeling aanbeveling–actie")
        verbose_name_plural = _("koppelingen aanbeveling–actie")
        ordering = ["recommendation", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "action"], name="link_unique"),
        ]

    def __str__(self):
        return self.citation

    def clean(self):
        # A link stays inside one response: the table cites the response's own actions.
        if (
            self.action_id
            and self.recommendation_id
            and self.recommendation.theme.group.response_id != self.action.response_id
        ):
            raise ValidationError({"action": _("Kies een actie van dezelfde managementresponse als de aanbeveling.")})

    @property
    def citation(self):
        """How the table cites the action: "Actie 3 – spoor 1 (systematisch leren)"."""
        return f"{_('Actie')} {self.action.number}{self.qualifier_suffix}"

    @property
    def qualifier_suffix(self):
        if not self.qualifier:
            return ""
        if self.qualifier.startswith("("):
            return f" {self.qualifier}"
        return f" – {self.qualifier}"


class ProgressUpdate(models.Model):
    """One entry of an action's progress log: the status it was given, when, by whom, and a note.

    Written each time the project team changes an action's status or reports progress;
    the action itself keeps only its current status.
    """

    action = models.ForeignKey(Action, models.CASCADE, related_name="progress_updates", verbose_name=_("actie"))
    status = models.CharField(_("status"), max_length=20, choices=Action.Status, blank=True)
    status_note = models.CharField(_("tijdsaanduiding"), max_length=100, blank=True)
    note = models.TextField(_("voortgang"), blank=True, max_length=5_000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    created_at = models.DateTimeField(_("datum"), auto_now_add=True)

    class Meta:
        verbose_name = _("voortgangsmelding")
        verbose_name_plural = _("voortgangsmeldingen")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.action.number}: {self.get_status_display()} ({self.created_at:%Y-%m-%d})"


def action_tree(actions):
    """Top-level actions in order, each with ``part_list``; parts get their parent object set."""
    by_pk = {a.pk: a for a in actions}
    top = []
    for action in actions:
        action.part_list = []
    for action in actions:
        if action.parent_id is None:
            top.append(action)
        else:
            parent = by_pk[action.parent_id]
            action.parent = parent  # no query when a part asks for its inherited status
            parent.part_list.append(action)
    return top
