"""Writing recommendations read from a filled template (office/sheet.py) into a response."""

from dataclasses import dataclass, field

from django.db import transaction

from core import revision
from core.editing import next_order
from recommendations.models import Recommendation, RecommendationGroup, Theme


class ResponseChanged(Exception):
    """The response changed between the preview and the confirmation: nothing was written."""


@dataclass
class Plan:
    """What an import will create: new groups and themes (existing ones are reused), recommendations."""

    rows: list
    new_groups: list = field(default_factory=list)  # titles
    new_themes: list = field(default_factory=list)  # (group title, section, heading)

    @property
    def count(self):
        return len(self.rows)


def _theme_key(section, heading):
    return (section or "", heading or "")


def plan(response, rows) -> Plan:
    """Which groups and themes ``rows`` add to ``response`` (matched by title; section and title)."""
    groups = set(RecommendationGroup.objects.filter(response=response).values_list("title", flat=True))
    themes = set(Theme.objects.filter(group__response=response).values_list("group__title", "section", "heading"))
    result = Plan(rows=rows)
    for row in rows:
        group = row.get("group", "")
        if not group:
            continue
        if group not in groups:
            groups.add(group)
            result.new_groups.append(group)
        key = (group, *_theme_key(row.get("section"), row.get("theme")))
        if key not in themes:
            themes.add(key)
            result.new_themes.append(key)
    return result


def import_rows(*, response, rows, user, expected_revision=None) -> list:
    """Create the recommendations of ``rows`` in ``response``, after those it has: all or nothing.

    Groups and themes the response already has (same title; same section and title in that
    group) are reused, the others created after its own. With ``expected_revision``, the import
    is refused (``ResponseChanged``) if the response changed since (its revision moved on): the
    preview the user confirmed no longer says what would happen.
    """
    with transaction.atomic(), revision.batch():
        locked = type(response)._default_manager.select_for_update().get(pk=response.pk)
        if expected_revision is not None and locked.revision != expected_revision:
            raise ResponseChanged
        groups = {g.title: g for g in RecommendationGroup.objects.filter(response=response).order_by("order", "pk")}
        themes = {
            (t.group_id, *_theme_key(t.section, t.heading)): t
            for t in Theme.objects.filter(group__response=response).order_by("order", "pk")
        }
        created = []
        for row in rows:
            theme = None
            if row.get("group"):
                group = groups.get(row["group"])
                if group is None:
                    group = RecommendationGroup(response=response, title=row["group"], updated_by=user)
                    group.order = next_order(RecommendationGroup.objects.filter(response=response))
                    group.save()
                    groups[group.title] = group
                key = (group.pk, *_theme_key(row.get("section"), row.get("theme")))
                theme = themes.get(key)
                if theme is None:
                    theme = Theme(group=group, section=key[1], heading=key[2], updated_by=user)
                    theme.order = next_order(Theme.objects.filter(group=group))
                    theme.save()
                    themes[key] = theme
            siblings = (
                Recommendation.objects.filter(theme=theme)
                if theme
                else Recommendation.objects.filter(response=response, theme=None)
            )
            rec = Recommendation(
                response=response,
                theme=theme,
                number=row.get("number", ""),
                location=row.get("location", ""),
                text=row["text"],
                agreement=row.get("agreement", ""),
                response_text=row.get("response_text", ""),
                justification=row.get("justification", ""),
                justification_not_in_source=bool(row.get("justification_not_in_source")),
                order=next_order(siblings),
                updated_by=user,
            )
            rec.full_clean(exclude=["theme", "response", "order"])
            rec.save()
            created.append(rec)
        return created
