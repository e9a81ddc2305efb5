from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.rendered import MarkdownField, RenderedHTMLField


class RecommendationGroup(models.Model):
    """A band of the recommendations table ("Aanbevelingen voor partnerschappen")."""

    response = models.ForeignKey(
        "responses.ManagementResponse",
        models.CASCADE,
        related_name="recommendation_groups",
        verbose_name=_("managementresponse"),
    )
    title = models.CharField(_("titel"), max_length=300)
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


class Theme(models.Model):
    """A section of the evaluation report that holds recommendations ("8.2.1 GEPASTE LOOPTIJD EN TIMING")."""

    group = models.ForeignKey(RecommendationGroup, models.CASCADE, related_name="themes", verbose_name=_("groep"))
    section = models.CharField(
        _("sectienummer"), max_length=20, blank=True, help_text=_("Zoals in het rapport, bv. 8.2.1")
    )
    heading = models.CharField(_("titel"), max_length=300)
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

    class Meta:
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")
        ordering = ["group", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "order"], name="theme_order_unique"),
        ]

    def __str__(self):
        return f"{self.section} {self.heading}".strip()

    def count_contents(self):
        """What a delete takes along: {"themes": 0, "recommendations": n, "links": n} (links to actions)."""
        counts = self.recommendations.aggregate(
            recommendations=models.Count("pk", distinct=True), links=models.Count("action_links")
        )
        return {"themes": 0, **counts}


class RecommendationQuerySet(models.QuerySet):
    def for_response(self, response):
        return self.filter(theme__group__response=response)

    def undecided(self):
        return self.filter(agreement=Recommendation.Agreement.UNDECIDED)


class Recommendation(models.Model):
    """One recommendation of the evaluation report and the organisation's agreement with it."""

    class Agreement(models.TextChoices):
        UNDECIDED = "", _("nog niet bepaald")
        AGREE = "agree", _("akkoord")
        PARTIALLY_AGREE = "partially_agree", _("gedeeltelijk akkoord")
        DISAGREE = "disagree", _("niet akkoord")

    theme = models.ForeignKey(Theme, models.CASCADE, related_name="recommendations", verbose_name=_("thema"))
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
    justification = MarkdownField(
        _("motivering"),
        blank=True,
        max_length=10_000,
        help_text=_("Waarom (gedeeltelijk) niet akkoord; Markdown."),
        rendered_field="justification_html",
    )
    justification_html = RenderedHTMLField(_("motivering (HTML)"))
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

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("aanbeveling")
        verbose_name_plural = _("aanbevelingen")
        ordering = ["theme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "order"], name="recommendation_order_unique"),
            models.CheckConstraint(
                condition=models.Q(agreement__in=["", "agree", "partially_agree", "disagree"]),
                name="recommendation_agreement_valid",
            ),
        ]
        permissions = [("change_agreement", _("Kan de mate van akkoord wijzigen"))]

    def __str__(self):
        first_line = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return first_line[:80]

    def get_absolute_url(self):
        return reverse("recommendations:detail", kwargs={"pk": self.pk})

    def count_contents(self):
        """What a delete takes along: its links to actions."""
        return {"themes": 0, "recommendations": 0, "links": self.action_links.count()}

    @property
    def is_decided(self):
        return self.agreement != self.Agreement.UNDECIDED
