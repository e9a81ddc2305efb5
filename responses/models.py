from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.rendered import MarkdownField, RenderedHTMLField
from core.revision import new_revision


class ManagementResponseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ManagementResponse.Status.PUBLISHED)

    def visible_to(self, user):
        """Published responses for everyone; drafts only for people who may view them."""
        if user.has_perm("responses.view_managementresponse"):
            return self
        return self.published()


class ManagementResponse(models.Model):
    """The formal reaction of an organisation to one evaluation: the document as a whole."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("ontwerp")
        PUBLISHED = "published", _("gepubliceerd")

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
    language = models.CharField(
        _("taal van het document"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="nl",
        help_text=_("De taal van de tekst en van de vaste labels in de PDF."),
    )
    introduction = MarkdownField(
        _("inleiding"),
        blank=True,
        max_length=100_000,
        help_text=_("Markdown: alinea's, lijsten, links, voetnoten."),
        rendered_field="introduction_html",
    )
    introduction_html = RenderedHTMLField(_("inleiding (HTML)"))
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    published_on = models.DateField(_("gepubliceerd op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)
    # Changes (to a new random value) with every write to anything the document shows:
    # the key of the cached document part and of the PDF (core/revision.py).
    revision = models.BigIntegerField(_("revisie van het document"), default=new_revision, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("gewijzigd door"),
    )

    objects = ManagementResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("managementresponse")
        verbose_name_plural = _("managementresponses")
        ordering = ["-updated_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published"]),
                name="response_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="response_language_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("responses:detail", kwargs={"slug": self.slug})

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    def is_visible_to(self, user):
        """Everyone may read a published response; drafts are for people with view permission."""
        return self.is_published or user.has_perm("responses.view_managementresponse")
