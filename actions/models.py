from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.audit import AuditedHistory
from core.models import Versioned
from core.rendered import MarkdownField, RenderedHTMLField
from core.text import NormalisedText

from .deadlines import time_frame_end

# Statuses that end an action: realised, or dropped ("no longer applicable"). An action with
# one of these is never overdue.
CLOSED_STATUSES = ("realised", "not_applicable", "cancelled")

# The statuses a response's "closing statuses" validation policy asks evaluation staff to validate
# ("cancelled" where the status exists; the value is named here either way).
CLOSING_STATUSES = ("realised", "not_applicable", "cancelled")

AWAITING = "awaiting"
VALIDATED = "validated"


def needs_validation(status, policy):
    """Whether the project team's change to ``status`` awaits validation under the response's ``policy``
    (``ManagementResponse.ValidationPolicy``: "none", "closing", "all")."""
    if policy == "closing":
        return status in CLOSING_STATUSES
    if policy == "all":
        return status not in ("", "inherited")
    return False


class DeadlineField(models.DateField):
    """``Action.deadline``, set from the due date and the time frame whenever the row is written
    (a form, the admin, an import's ``create``/``bulk_create``, a plain ``.save()``)."""

    def pre_save(self, model_instance, add):
        value = model_instance.due_date or time_frame_end(model_instance.time_frame)
        setattr(model_instance, self.attname, value)
        return value


class ActionQuerySet(models.QuerySet):
    def overdue(self, today=None):
        """Actions whose deadline (the due date, else the end of the time frame) has passed and that
        are neither realised nor dropped.

        A part that inherits its status is judged by its parent's status.
        """
        today = today or timezone.localdate()
        return (
            self.filter(deadline__lt=today)
            .exclude(status__in=CLOSED_STATUSES)
            .exclude(status="inherited", parent__status__in=CLOSED_STATUSES)
        )

    def open(self):
        """Not realised and not dropped (own status, or the parent's for an inheriting part)."""
        return self.exclude(status__in=CLOSED_STATUSES).exclude(status="inherited", parent__status__in=CLOSED_STATUSES)


class Action(NormalisedText, Versioned):
    """A numbered action in answer to the recommendations, or a part of one ("1.1", "3 – spoor 2").

    Validation: when the response's policy asks for it (``ManagementResponse.validation_policy``), a
    change of status is a claim: ``save`` marks it ``awaiting`` (whatever wrote it: the status form, a
    review round, the admin, a shell) and keeps the status it replaced in ``status_before_claim``.
    Evaluation staff then validate it or send it back (``settle_claim``; the evidence app's
    services), which puts the old status back.
    """

    class Validation(models.TextChoices):
        NONE = "", _("geen validatie gevraagd")
        AWAITING = AWAITING, _("wacht op validatie")
        VALIDATED = VALIDATED, _("gevalideerd")

    class Status(models.TextChoices):
        NOT_REPORTED = "", _("nog niet gerapporteerd")
        INHERITED = "inherited", _("zoals de hoofdactie")
        TO_START = "to_start", _("op te starten")
        IN_PROGRESS = "in_progress", _("in uitvoering")
        REALISED = "realised", _("gerealiseerd")
        NO_LONGER_APPLICABLE = "not_applicable", _("niet meer van toepassing")
        CANCELLED = "cancelled", _("geannuleerd")

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
    time_frame = models.CharField(
        _("tijdspad"),
        max_length=100,
        blank=True,
        help_text=_('Zoals het document het drukt, bv. "januari–april 2025".'),
    )
    # Names in the order the document prints them; a key action often has several.
    responsible_units = models.JSONField(_("verantwoordelijke diensten"), default=list, blank=True)
    lead_unit = models.BooleanField(
        _("eerste dienst leidt"),
        default=False,
        help_text=_("De eerste dienst is de leidende: het document drukt ze in het vet."),
    )
    supporting_documents = MarkdownField(
        _("ondersteunende documenten"),
        blank=True,
        max_length=20_000,
        help_text=_("Markdown: titels en links, één per regel of als lijst."),
        rendered_field="supporting_documents_html",
    )
    supporting_documents_html = RenderedHTMLField(_("ondersteunende documenten (HTML)"))
    numbered = models.BooleanField(
        _("nummer drukken"),
        default=True,
        help_text=_(
            "Uit: het document drukt deze actie zonder nummer (het nummer blijft de sleutel van de koppelingen)."
        ),
    )
    starts_on = models.DateField(_("startdatum"), null=True, blank=True)
    due_date = models.DateField(
        _("streefdatum"),
        null=True,
        blank=True,
        help_text=_("Leeg: het einde van het tijdspad, als dat een jaar noemt (bv. „Q3 2025”, „januari–april 2025”)."),
    )
    # The date by which the action should be done: its due date, else the end of its time frame
    # (actions/deadlines.py). Kept on every save, for the queries of overdue actions and reminders.
    deadline = DeadlineField(_("uiterste datum"), null=True, blank=True, editable=False, db_index=True)
    # Who answers for the action, besides its responsible units: members of the response.
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="owned_actions",
        verbose_name=_("eigenaars"),
    )
    order = models.PositiveIntegerField(_("volgorde"), default=0)
    validation_state = models.CharField(
        _("validatie"), max_length=10, choices=Validation, blank=True, default=Validation.NONE
    )
    # The status a claim replaced, put back when the claim is sent back. None: not known (a claim
    # that came in through an import); sending it back then gives "in uitvoering".
    # Null, not "": "" is a status of its own (not reported yet).
    status_before_claim = models.CharField(  # noqa: DJ001
        _("status voor de claim"), max_length=20, choices=Status, null=True, blank=True
    )

    recommendations = models.ManyToManyField(
        "recommendations.Recommendation",
        through="ActionLink",
        related_name="actions",
        verbose_name=_("aanbevelingen"),
    )

    # Owners (a many-to-many) are on the trail too: each record keeps who owned the action then.
    history = HistoricalRecords(bases=[AuditedHistory], m2m_fields=["owners"])

    audit_subject_quotes = True  # its subject is its own text, in the document's language

    @staticmethod
    def audit_subject(record, names):
        return f"{record.number} {record.title}".strip()

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("actie")
        verbose_name_plural = _("acties")
        ordering = ["response", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["response", "number"], name="action_number_unique"),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["", "inherited", "to_start", "in_progress", "realised", "not_applicable", "cancelled"]
                ),
                name="action_status_valid_v3",
            ),
            models.CheckConstraint(
                condition=models.Q(validation_state__in=["", "awaiting", "validated"]),
                name="action_validation_state_valid",
            ),
            # Only parts may inherit their status.
            models.CheckConstraint(
                condition=models.Q(parent__isnull=False) | ~models.Q(status="inherited"),
                name="action_top_level_does_not_inherit",
            ),
        ]
        permissions = [("change_status", _("Kan status en voortgang van acties wijzigen"))]

    # Statuses in the document's vocabulary (the matrix's "Status" column), rendered under
    # translation.override(response.language); the interface's labels are Status's.
    DOCUMENT_STATUS = {
        Status.TO_START: pgettext_lazy("document", "op te starten"),
        Status.IN_PROGRESS: pgettext_lazy("document", "in uitvoering"),
        Status.REALISED: pgettext_lazy("document", "gerealiseerd"),
        Status.NO_LONGER_APPLICABLE: pgettext_lazy("document", "niet meer van toepassing"),
        Status.CANCELLED: pgettext_lazy("document", "geannuleerd"),
    }

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return reverse("actions:detail", kwargs={"pk": self.pk})

    @property
    def is_inherited(self):
        return self.status == self.Status.INHERITED

    @property
    def responsible_units_line(self):
        return ", ".join(self.responsible_units or [])

    @property
    def unit_list(self):
        """``[(name, is_lead)]`` in print order: one per line, the lead (the first, if it leads) in bold."""
        return [(name, self.lead_unit and index == 0) for index, name in enumerate(self.responsible_units or [])]

    @property
    def status_document_label(self):
        """The effective status in the document's vocabulary ("Under way", "Initiated"); empty when not
        reported yet. The response's words (``ManagementResponse.document_words``), else the layout's
        own in the language active. Reads ``self.response``: ``select_related("response")`` for many."""
        status = self.effective_status
        if not status:
            return ""
        word = self.response.document_words.get(status)
        if word:
            return word
        label = self.DOCUMENT_STATUS.get(status)
        return str(label) if label else ""

    @property
    def status_word(self):
        """The effective status as pages beside the document name it (the follow-up page): the
        document's own word when its vocabulary has one, else the interface's label."""
        status = self.effective_status
        return self.response.document_words.get(status) or self.get_effective_status_display()

    @property
    def heading_label(self):
        """The number as the document's heading prints it: "1.1." or "Spoor 1:"; empty when unnumbered."""
        if not self.numbered:
            return self.label
        return self.label or f"{self.number}."

    @property
    def printed_number(self):
        """The number as the key-action table prints it: empty for an unnumbered action."""
        return self.number if self.numbered else ""

    @property
    def effective_status(self):
        """A part without a status of its own has its parent's."""
        if not self.is_inherited or self.parent_id is None:
            return self.status
        return self.parent.effective_status

    @property
    def effective_status_note(self):
        if not self.is_inherited or self.parent_id is None:
            return self.status_note
        return self.parent.effective_status_note

    def get_effective_status_display(self):
        status = self.effective_status
        return "" if status == self.Status.NOT_REPORTED else self.Status(status).label

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # The status as stored: a save that changes it is a claim (``note_claim``). Django's documented
        # way to know a loaded value (Model.from_db).
        instance.loaded_status = dict(zip(field_names, values, strict=False)).get("status")
        return instance

    def save(self, *args, update_fields=None, **kwargs):
        claimed = self.note_claim()
        if update_fields is not None:
            extra = []
            # A save of some fields (an edit form's) brings the deadline along when it depends on them.
            if {"due_date", "time_frame"} & set(update_fields):
                extra.append("deadline")
            if claimed:
                extra += ["validation_state", "status_before_claim"]
            update_fields = [*update_fields, *(name for name in extra if name not in update_fields)]
        super().save(*args, update_fields=update_fields, **kwargs)
        self.loaded_status = self.status
        self.settling_claim = False

    def note_claim(self):
        """Before a save: a new status awaits validation when the response's policy asks for it; a
        status that needs none clears the validation state. True when the state was looked at
        (the status changed). A new action's status is no claim, nor is the status that
        ``settle_claim`` puts back."""
        before = getattr(self, "loaded_status", None)
        if self._state.adding or getattr(self, "settling_claim", False) or before is None or before == self.status:
            return False
        if needs_validation(self.status, self.response.validation_policy):
            if self.validation_state != AWAITING:  # a second claim while awaiting keeps the first's old status
                self.status_before_claim = before
            self.validation_state = AWAITING
        else:
            self.validation_state = self.Validation.NONE
            self.status_before_claim = None
        return True

    def settle_claim(self, *, validated):
        """Evaluation staff's decision on a claim, to be saved by the caller: validated, or sent back to
        the status it replaced (``in_progress`` when that is not known)."""
        self.settling_claim = True
        if validated:
            self.validation_state = VALIDATED
        else:
            before = self.status_before_claim
            self.status = self.Status.IN_PROGRESS if before is None else before
            self.validation_state = self.Validation.NONE
        self.status_before_claim = None

    @property
    def effective_validation_state(self):
        """A part that inherits its status has its parent's validation too."""
        if not self.is_inherited or self.parent_id is None:
            return self.validation_state
        return self.parent.effective_validation_state

    @property
    def awaits_validation(self):
        return self.effective_validation_state == AWAITING

    @property
    def is_validated(self):
        return self.effective_validation_state == VALIDATED

    def get_effective_validation_state_display(self):
        return self.Validation(self.effective_validation_state).label if self.effective_validation_state else ""

    @property
    def is_closed(self):
        """Realised or dropped: nothing more to do."""
        return self.effective_status in CLOSED_STATUSES

    def is_overdue(self, today=None):
        """The deadline has passed (not today: the action is due today) and it is neither realised nor dropped."""
        today = today or timezone.localdate()
        return self.deadline is not None and self.deadline < today and not self.is_closed

    @property
    def overdue(self):
        return self.is_overdue()

    @property
    def owner_names(self):
        """Owners' names, for pages; uses ``owners.all()`` so that a prefetch serves it."""
        return ", ".join(user.get_full_name() or user.get_username() for user in self.owners.all())

    @property
    def status_line(self):
        """The status as the document prints it: "op te starten in 2025"."""
        return " ".join(str(part) for part in (self.get_effective_status_display(), self.effective_status_note) if part)


class ActionLink(NormalisedText, Versioned):
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
    # The sub-recommendations it answers, by their letters ("(a)", "(b)"); empty: the whole recommendation.
    parts = models.JSONField(_("deelaanbevelingen"), default=list, blank=True)
    order = models.PositiveIntegerField(_("volgorde"), default=0)

    history = HistoricalRecords(bases=[AuditedHistory])
    # The audit trail (core/audit.py): a link shows in its recommendation's and its action's timelines.
    audit_response_paths = ("action.response_id",)
    audit_timeline_of = ("recommendation", "action")

    @staticmethod
    def audit_names(records):
        """The numbers of the links' actions and of their recommendations (else their locations): two queries."""
        from recommendations.models import Recommendation

        names = {}
        for pk, number in Action.objects.filter(pk__in={r.action_id for r in records}).values_list("pk", "number"):
            names[("action", pk)] = number
        recommendations = Recommendation.objects.filter(pk__in={r.recommendation_id for r in records})
        for pk, number, location in recommendations.values_list("pk", "number", "location"):
            names[("recommendation", pk)] = number or location
        return names

    @staticmethod
    def audit_subject(record, names):
        action = names.get(("action", record.action_id), f"#{record.action_id}")
        recommendation = names.get(("recommendation", record.recommendation_id), f"#{record.recommendation_id}")
        return _("actie %(action)s – aanbeveling %(recommendation)s") % {
            "action": action,
            "recommendation": recommendation,
        }

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
        if self.action_id and self.recommendation_id and self.recommendation.response_id != self.action.response_id:
            raise ValidationError({"action": _("Kies een actie van dezelfde managementresponse als de aanbeveling.")})

    @property
    def response(self):
        """Its action's response (``select_related("action__response")`` saves the queries)."""
        return self.action.response

    @property
    def citation(self):
        """How the table cites the action: "Actie 3 – spoor 1 (systematisch leren)"."""
        return f"{_('Actie')} {self.action.number}{self.qualifier_suffix}"

    @property
    def qualifier_suffix(self):
        if not self.qualifier:
            if self.parts:
                return " " + ", ".join(self.parts)
            return ""
        if self.qualifier.startswith("("):
            return f" {self.qualifier}"
        return f" – {self.qualifier}"


class ProgressUpdate(NormalisedText, models.Model):
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
    # Imported entries name their author without a user account.
    author_name = models.CharField(_("door"), max_length=200, blank=True)
    date = models.DateField(_("datum"), default=timezone.localdate)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    # On the audit trail like every other row: an edit or delete (the admin) keeps the old value.
    history = HistoricalRecords(bases=[AuditedHistory])
    audit_response_paths = ("action.response_id",)

    class Meta:
        verbose_name = _("voortgangsmelding")
        verbose_name_plural = _("voortgangsmeldingen")
        ordering = ["-date", "-created_at", "-pk"]

    def __str__(self):
        return f"{self.action.number}: {self.get_status_display()} ({self.date:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            record_unrecorded([self.pk])
        super().save(*args, **kwargs)

    @staticmethod
    def audit_names(records):
        """The numbers of the notes' actions: one query."""
        actions = Action.objects.filter(pk__in={r.action_id for r in records})
        return {("action", pk): number for pk, number in actions.values_list("pk", "number")}

    @staticmethod
    def audit_subject(record, names):
        """What the entry is about: "actie 3, 12 maart 2025" (its note, the document's words, is among the
        changes, in the document's language; the subject is the interface's)."""
        action = names.get(("action", record.action_id), f"#{record.action_id}")
        return _("actie %(action)s, %(date)s") % {"action": action, "date": date_format(record.date, "j F Y")}

    @property
    def by(self):
        """Who wrote it: the user's name, else the name an import gave."""
        if self.author_id:
            return self.author.get_full_name() or self.author.get_username()
        return self.author_name


def record_unrecorded(pks):
    """Give the progress notes ``pks`` that have no historical record yet (written by ``bulk_create``:
    the import) one of their stored state, dated when they were written, before they change: the
    trail then says what the change replaced. One query when they all have one."""
    History = ProgressUpdate.history.model
    recorded = set(History.objects.filter(id__in=pks).values_list("id", flat=True))
    missing = ProgressUpdate.objects.filter(pk__in=set(pks) - recorded).select_related("action")
    fields = [f.attname for f in ProgressUpdate._meta.concrete_fields]
    for row in missing:
        values = {name: getattr(row, name) for name in fields}
        History.objects.create(
            **values,
            history_type="+",
            history_date=row.created_at,
            history_user_id=row.author_id,
            history_response_id=row.action.response_id,
            history_changes=initial_changes(values),
        )


def initial_changes(values):
    """A new row's ``history_changes`` as core/audit.py writes them: every tracked field with a value."""
    from core.audit import tracked_fields

    changes = {}
    for field in tracked_fields(ProgressUpdate):
        value = values[field.attname]
        if value not in (None, ""):
            changes[field.attname] = [None, value.isoformat() if hasattr(value, "isoformat") else value]
    return changes or None


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
            # No query when a part asks for its inherited status (as select_related would set it).
            Action.parent.field.set_cached_value(action, parent)
            parent.part_list.append(action)
    return top
