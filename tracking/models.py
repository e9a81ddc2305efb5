"""Following responses up over the years: review rounds and the reminders log.

This app sits above ``responses`` (it assembles across all apps); models refer to the
others by string.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ReviewRound(models.Model):
    """A progress review of one response ("2025 H1"): evaluation staff open and close it; the
    project team records a status and a comment per action, each a progress entry (``updates``)."""

    response = models.ForeignKey(
        "responses.ManagementResponse",
        models.CASCADE,
        related_name="review_rounds",
        verbose_name=_("managementresponse"),
    )
    name = models.CharField(_("naam"), max_length=100, help_text=_('Bv. "2025 H1".'))
    date = models.DateField(_("datum"))
    participants = models.TextField(_("deelnemers"), blank=True, max_length=2_000)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("geopend door"),
    )
    opened_at = models.DateTimeField(_("geopend op"), auto_now_add=True)
    closed_at = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gesloten door"),
    )
    # Why the round was closed while statuses still awaited validation (tracking.services.close_round).
    closed_despite = models.TextField(_("gesloten ondanks wachtende validaties, omdat"), blank=True, max_length=2_000)
    updates = models.ManyToManyField(
        "actions.ProgressUpdate", blank=True, related_name="review_rounds", verbose_name=_("voortgangsmeldingen")
    )

    class Meta:
        verbose_name = _("voortgangsronde")
        verbose_name_plural = _("voortgangsrondes")
        ordering = ["response", "-date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["response", "name"], name="review_round_name_unique")]

    def __str__(self):
        return f"{self.name} ({self.date:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("tracking:round", kwargs={"pk": self.pk})

    @property
    def is_open(self):
        return self.closed_at is None

    def previous(self):
        """The round before this one (by date, then by creation), or None."""
        earlier = ReviewRound.objects.filter(response_id=self.response_id).exclude(pk=self.pk)
        earlier = earlier.filter(models.Q(date__lt=self.date) | models.Q(date=self.date, pk__lt=self.pk))
        return earlier.order_by("-date", "-pk").first()


class ReminderLog(models.Model):
    """One reminder e-mail sent: to whom, on which day, for which state of their actions.

    ``send_reminders`` sends nothing when the same user already got the same digest that day.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("gebruiker"))
    date = models.DateField(_("datum"))
    digest = models.CharField(_("toestand"), max_length=64)
    sent_at = models.DateTimeField(_("verzonden op"), auto_now_add=True)

    class Meta:
        verbose_name = _("herinnering")
        verbose_name_plural = _("herinneringen")
        constraints = [models.UniqueConstraint(fields=["user", "date", "digest"], name="reminder_once_a_day")]

    def __str__(self):
        return f"{self.user} {self.date:%Y-%m-%d}"
