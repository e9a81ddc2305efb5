"""The register's Atom feed: every new publication and every new version of a published response."""

from django.contrib.syndication.views import Feed
from django.urls import reverse, reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import entries
from .models import Entry

ITEMS = 50  # the newest versions in the feed


class RegisterFeed(Feed):
    """The newest ``ITEMS`` versions of the responses in the register, newest first.

    Each item is one version: its title and organisation as that version froze them, its change
    note, and a link to its PDF exactly as published. A withdrawn response's versions leave the feed
    with it. Queries: the missing entries (1, a few more when new versions are built), the items (1).
    """

    feed_type = Atom1Feed
    title = gettext_lazy("Register van gepubliceerde managementresponses")
    subtitle = gettext_lazy("Nieuwe publicaties en nieuwe versies van managementresponses.")
    link = reverse_lazy("register:index")

    def items(self):
        newest = entries.published_versions().order_by("-published_at", "-pk")[:ITEMS]
        entries.ensure_entries(entries.published_versions().filter(pk__in=newest.values("pk")), limit=ITEMS)
        return list(
            Entry.objects.filter(schema=entries.SCHEMA, version__in=newest.values("pk"))
            .select_related("version")
            .only("pk", "slug", "number", "title", "organisation", "published_at", "version__note")
            .order_by("-published_at", "-pk")
        )

    def item_title(self, item):
        if item.number == 1:
            return _("Gepubliceerd: %(title)s") % {"title": item.title}
        return _("Nieuwe versie %(number)s: %(title)s") % {"number": item.number, "title": item.title}

    def item_description(self, item):
        return f"{item.organisation} · {_('versie')} {item.number} · {item.version.note}"

    def item_link(self, item):
        return reverse("responses:version_pdf", kwargs={"slug": item.slug, "number": item.number})

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.organisation
