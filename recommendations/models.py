import hashlib

from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.audit import AuditedHistory, excerpt
from core.models import Versioned
from core.rendered import MarkdownField, RenderedHTMLField
from core.richtext import plain
from core.text import NormalisedText


class RecommendationGroup(NormalisedText, Versioned):
    """A band of the recommendations table ("Aanbevelingen voor partnerschappen")."""

    response = models.ForeignKey(
        "responses.ManagementResponse",
        models.CASCADE,
        related_name="recommendation_groups",
        verbose_name=_("managementresponse"),
    )
    title = models.CharField(_("titel"), max_length=500)  # a UN report title can pass 300 characters (E/ICEF/2025/14)
    order = models.PositiveIntegerField(_("volgorde"), default=0)

    history = HistoricalRecords(bases=[AuditedHistory])

    audit_subject_quotes = True  # its subject is its own text, in the document's language

    @staticmethod
    def audit_subject(record, names):
        return record.title

    class Meta:
        verbose_name = _("groep aanbevelingen")
        verbose_name_plural = _("groepen aanbevelingen")
        ordering = ["response", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["response", "order"], name="group_order_unique"),
        ]

    def __str__(self):
        return self.title

    def count_contents(self):
        """What a delete takes along: {"themes": n, "recommendations": n, "links": n} (links to actions)."""
        counts = Recommendation.objects.filter(theme__group=self).aggregate(
            recommendations=models.Count("pk", distinct=True), links=models.Count("action_links")
        )
        return {"themes": self.themes.count(), **counts}


class Theme(NormalisedText, Versioned):
    """A section of the evaluation report that holds recommendations ("8.2.1 GEPASTE LOOPTIJD EN TIMING")."""

    group = models.ForeignKey(RecommendationGroup, models.CASCADE, related_name="themes", verbose_name=_("groep"))
    section = models.CharField(
        _("sectienummer"), max_length=20, blank=True, help_text=_("Zoals in het rapport, bv. 8.2.1")
    )
    heading = models.CharField(_("titel"), max_length=300)
    order = models.PositiveIntegerField(_("volgorde"), default=0)

    history = HistoricalRecords(bases=[AuditedHistory])
    audit_response_paths = ("group.response_id",)  # the audit trail (core/audit.py)

    audit_subject_quotes = True  # its subject is its own text, in the document's language

    @staticmethod
    def audit_subject(record, names):
        return f"{record.section} {record.heading}".strip()

    class Meta:
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")
        ordering = ["group", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "order"], name="theme_order_unique"),
        ]

    def __str__(self):
        return f"{self.section} {self.heading}".strip()

    @property
    def response(self):
        """Its group's response (``select_related("group__response")`` saves the queries)."""
        return self.group.response

    def count_contents(self):
        """What a delete takes along: {"themes": 0, "recommendations": n, "links": n} (links to actions)."""
        counts = self.recommendations.aggregate(
            recommendations=models.Count("pk", distinct=True), links=models.Count("action_links")
        )
        return {"themes": 0, **counts}


class RecommendationQuerySet(models.QuerySet):
    def for_response(self, response):
        return self.filter(response=response)

    def undecided(self):
        return self.filter(agreement=Recommendation.Agreement.UNDECIDED)

    def with_implementation(self):
        """Prefetch what ``implementation_state`` reads: the linked actions and their parents (two queries)."""
        return self.prefetch_related("actions__parent")


# An action's statuses as far as implementation is concerned (actions.Action.Status values;
# this app names them without importing actions).
_REALISED, _DROPPED, _IN_PROGRESS, _CANCELLED = "realised", "not_applicable", "in_progress", "cancelled"


class Implementation(models.TextChoices):
    """How far a recommendation is implemented, derived from its linked actions."""

    NOT_APPLICABLE = "", _("niet van toepassing")
    NO_ACTION_PLANNED = "no_action", _("geen actie gepland")
    NOT_STARTED = "not_started", _("niet gestart")
    IN_PROGRESS = "in_progress", _("in uitvoering")
    IMPLEMENTED = "implemented", _("uitgevoerd")


def implementation_of(agreement, statuses):
    """The implementation state from an agreement level and the effective statuses of the linked actions.

    Dropped actions ("no longer applicable") do not count. Nothing left: "no action planned" when
    the recommendation is (partially) agreed, else not applicable (undecided or rejected, nothing
    promised). Every action realised: implemented; any realised or in progress: in progress;
    otherwise (to be started, not reported yet): not started.
    """
    live = [status for status in statuses if status not in (_DROPPED, _CANCELLED)]
    if not live:
        agreed = agreement in (Recommendation.Agreement.AGREE, Recommendation.Agreement.PARTIALLY_AGREE)
        return Implementation.NO_ACTION_PLANNED if agreed else Implementation.NOT_APPLICABLE
    if all(status == _REALISED for status in live):
        return Implementation.IMPLEMENTED
    if any(status in (_REALISED, _IN_PROGRESS) for status in live):
        return Implementation.IN_PROGRESS
    return Implementation.NOT_STARTED


class Recommendation(NormalisedText, Versioned):
    """One recommendation of the evaluation report and the organisation's agreement with it."""

    class Agreement(models.TextChoices):
        UNDECIDED = "", _("nog niet bepaald")
        AGREE = "agree", _("akkoord")
        PARTIALLY_AGREE = "partially_agree", _("gedeeltelijk akkoord")
        DISAGREE = "disagree", _("niet akkoord")

    # The response directly: a recommendation may stand without a group or theme (the UNEG matrix).
    # With a theme, save() keeps it equal to the theme's response.
    response = models.ForeignKey(
        "responses.ManagementResponse",
        models.CASCADE,
        related_name="recommendations",
        verbose_name=_("managementresponse"),
    )
    theme = models.ForeignKey(
        Theme, models.CASCADE, null=True, blank=True, related_name="recommendations", verbose_name=_("thema")
    )
    number = models.CharField(_("nummer"), max_length=20, blank=True, help_text=_("Zoals in het rapport, bv. 1 of R3."))
    location = models.CharField(_("locatie rapport"), max_length=100, blank=True, help_text=_("Bv. p. 191-192"))
    text = MarkdownField(
        _("aanbeveling"),
        max_length=20_000,
        help_text=_("Markdown: alinea's en lijsten."),
        rendered_field="text_html",
    )
    text_html = RenderedHTMLField(_("aanbeveling (HTML)"))
    agreement = models.CharField(
        _("mate van akkoord"), max_length=20, choices=Agreement, default=Agreement.UNDECIDED, blank=True
    )
    response_text = MarkdownField(
        _("managementrespons"),
        blank=True,
        max_length=20_000,
        help_text=_("Wat het management doet met de aanbeveling en waarom; Markdown."),
        rendered_field="response_text_html",
    )
    response_text_html = RenderedHTMLField(_("managementrespons (HTML)"))
    justification = MarkdownField(
        _("motivering"),
        blank=True,
        max_length=10_000,
        help_text=_("Waarom (gedeeltelijk) niet akkoord; Markdown."),
        rendered_field="justification_html",
    )
    justification_html = RenderedHTMLField(_("motivering (HTML)"))
    justification_not_in_source = models.BooleanField(
        _("geen motivering in het oorspronkelijke document"),
        default=False,
        help_text=_(
            "Het document geeft deze mate van akkoord zonder motivering, en zo blijft het: de controle "
            "voor publicatie meldt de ontbrekende motivering dan niet als fout."
        ),
    )
    order = models.PositiveIntegerField(_("volgorde"), default=0)

    objects = RecommendationQuerySet.as_manager()

    history = HistoricalRecords(bases=[AuditedHistory])
    audit_response_paths = ("response_id", "theme.group.response_id")  # the audit trail (core/audit.py)

    audit_subject_quotes = True  # its subject is its own text, in the document's language

    @staticmethod
    def audit_subject(record, names):
        # By its number, as the document names it; else where the report has it, else its first words.
        return record.number or record.location or excerpt(record.text, 60)

    class Meta:
        verbose_name = _("aanbeveling")
        verbose_name_plural = _("aanbevelingen")
        ordering = ["response", "theme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "order"], name="recommendation_order_unique"),
            models.UniqueConstraint(
                fields=["response", "order"],
                condition=models.Q(theme__isnull=True),
                name="recommendation_order_unique_without_theme",
            ),
            models.CheckConstraint(
                condition=models.Q(agreement__in=["", "agree", "partially_agree", "disagree"]),
                name="recommendation_agreement_valid",
            ),
        ]
        permissions = [("change_agreement", _("Kan de mate van akkoord wijzigen"))]

    # The agreement as the document prints it, in the document's language (rendered under
    # translation.override(response.language)); the interface's labels are Agreement's.
    DOCUMENT_AGREEMENT = {
        Agreement.AGREE: pgettext_lazy("document", "Akkoord"),
        Agreement.PARTIALLY_AGREE: pgettext_lazy("document", "Gedeeltelijk akkoord"),
        Agreement.DISAGREE: pgettext_lazy("document", "Niet akkoord"),
    }

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.response_id = self.theme_response_id() or self.response_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("recommendations:detail", kwargs={"pk": self.pk})

    def theme_response_id(self):
        """The response of its theme (None without one): from the loaded theme when at hand, else one query."""
        if not self.theme_id:
            return None
        theme = self.theme if Recommendation.theme.is_cached(self) else None  # no query for it here
        if theme is not None and theme.pk == self.theme_id:
            return theme.group.response_id  # the group is usually loaded with it
        if self.response_id is not None:
            return self.response_id  # only an id was set, as importers and moves within a response do
        return Theme.objects.values_list("group__response_id", flat=True).get(pk=self.theme_id)

    @property
    def first_words(self):
        """The first words of the text, as plain text."""
        return first_words(self.text)

    @property
    def reference(self):
        """Short, after the word "aanbeveling": its number, else its report location, else its first words."""
        return self.number or self.location or self.first_words

    @property
    def name(self):
        """How pages and messages name it without a location or section: by number, else its first words."""
        if self.number:
            return _("Aanbeveling %(number)s") % {"number": self.number}
        return self.first_words or _("Aanbeveling zonder tekst")

    @property
    def agreement_document_label(self):
        """The agreement level in the document's vocabulary ("Agree", "Accepted"), empty when undecided.

        The response's words (``ManagementResponse.document_words``), else the layout's own in the
        language active (the document's, under ``translation.override(response.language)``).
        Reads ``self.response``: load it with ``select_related("response")`` for many."""
        if not self.agreement:
            return ""
        word = self.response.document_words.get(self.agreement)
        if word:
            return word
        label = self.DOCUMENT_AGREEMENT.get(self.agreement)
        return str(label) if label else ""

    @property
    def agreement_word(self):
        """The agreement as pages beside the document name it (round reports): the document's own
        word when its vocabulary has one, else the interface's label."""
        return self.response.document_words.get(self.agreement) or str(self.get_agreement_display())

    def count_contents(self):
        """What a delete takes along: its links to actions."""
        return {"themes": 0, "recommendations": 0, "links": self.action_links.count()}

    @property
    def implementation_state(self):
        """An ``Implementation``; reads ``actions.all()`` (``with_implementation()`` prefetches it). A
        realisation (or drop) that awaits evaluation staff's validation counts as in progress until it is
        validated."""
        statuses = [
            _IN_PROGRESS if a.awaits_validation and a.effective_status in (_REALISED, _DROPPED) else a.effective_status
            for a in self.actions.all()
        ]
        return Implementation(implementation_of(self.agreement, statuses))

    @property
    def is_decided(self):
        return self.agreement != self.Agreement.UNDECIDED


_first_words = {}


def first_words(text) -> str:
    """The first ten words of a Markdown text, as plain text ("Zorg voor een visie…").

    Kept per text and language in this process (at most 4,096): converting the Markdown is
    what it costs, and the editors' checklist names every recommendation with a finding.
    """
    text = text or ""
    key = (hashlib.blake2b(text.encode(), digest_size=16).digest(), translation.get_language())
    words = _first_words.get(key)
    if words is None:
        if len(_first_words) >= 4096:
            _first_words.clear()
        words = _first_words[key] = Truncator(plain(text)).words(10)
    return words


class RecommendationPart(NormalisedText, Versioned):
    """A sub-recommendation, lettered as the document letters it ("(a)"), nested one level ("(i)")."""

    recommendation = models.ForeignKey(
        Recommendation, models.CASCADE, related_name="parts", verbose_name=_("aanbeveling")
    )
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="subparts", verbose_name=_("onderdeel van")
    )
    label = models.CharField(
        _("letter"), max_length=20, help_text=_("Zoals het document het onderdeel nummert: (a), (ii).")
    )
    text = MarkdownField(_("tekst"), blank=True, max_length=20_000, rendered_field="text_html")
    text_html = RenderedHTMLField(_("tekst (HTML)"))
    order = models.PositiveIntegerField(_("volgorde"), default=0)

    history = HistoricalRecords(bases=[AuditedHistory])
    audit_response_paths = ("recommendation.response_id",)

    @staticmethod
    def audit_subject(record, names):
        return f"{record.label} {excerpt(record.text, 50)}".strip()

    class Meta:
        verbose_name = _("deelaanbeveling")
        verbose_name_plural = _("deelaanbevelingen")
        ordering = ["recommendation", "order", "pk"]

    def __str__(self):
        return f"{self.label} {first_words(self.text)}".strip()

    @property
    def response(self):
        return self.recommendation.response


def parts_as_text(recommendation) -> str:
    """The parts as the recommendation form shows them: "(a) text" per line, nested ones indented."""
    lines = []
    parts = list(recommendation.parts.order_by("order", "pk"))
    for part in (p for p in parts if p.parent_id is None):
        lines.append(f"{part.label} {part.text}".strip())
        lines.extend(f"  {sub.label} {sub.text}".rstrip() for sub in parts if sub.parent_id == part.pk)
    return "\n".join(lines)


def replace_parts(recommendation, parts):
    """Give ``recommendation`` exactly ``parts``: ``[(label, text, [(label, text), ...])]``, in order.
    Links name parts by their labels, so they keep pointing at the same letters."""
    recommendation.parts.all().delete()
    for order, (label, text, subs) in enumerate(parts):
        parent = RecommendationPart.objects.create(recommendation=recommendation, label=label, text=text, order=order)
        for sub_order, (sub_label, sub_text) in enumerate(subs):
            RecommendationPart.objects.create(
                recommendation=recommendation, parent=parent, label=sub_label, text=sub_text, order=sub_order
            )
