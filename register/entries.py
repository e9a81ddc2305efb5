"""The register's entries: what each published version says, read once from its frozen snapshot.

The register shows a response as its latest published version froze it (the interchange file in
``ResponseVersion.snapshot``), never its live rows, which may hold edits nobody published yet.
Parsing a snapshot costs a few milliseconds (8 ms for the seed), so each version is parsed once
into an ``Entry`` (its list data, its search text and its open-data rows) and read from there.

Which responses are in the register: those whose status is *published* and that have at least one
published version. A withdrawn response is not (it reads like a draft: its pages answer 404 to the
public, as the document and verify pages do), nor a draft, nor a response marked published by hand
before versions existed (the seed in the demo): the register publishes only frozen versions.

Bounded work: ``ensure_entries`` builds at most ``limit`` missing entries per call (a request
builds ``PER_REQUEST``); its queries do not grow with the number of responses or entries.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from actions.deadlines import time_frame_end
from actions.models import AWAITING, CLOSED_STATUSES
from interchange.parse import InterchangeError, parse
from recommendations.models import implementation_of
from responses.models import ManagementResponse, ResponseVersion

from .columns import ACTIONS, LINKS, PROGRESS, RECOMMENDATIONS, RESPONSES, document_labels, implementation_code
from .models import Entry

logger = logging.getLogger(__name__)

# The version of what an entry holds: raise it when a column or the extraction changes, and
# entries of an older schema are built again as they are needed.
SCHEMA = 2  # 2: the actions' validation state
# Missing entries built within one web request (about 8 ms each for a document like the seed);
# more wait for the next request. ``export_open_data`` builds them all.
PER_REQUEST = 25


def published_versions():
    """Every version of a response that is published now (not a draft, not withdrawn)."""
    return ResponseVersion.objects.filter(response__status=ManagementResponse.Status.PUBLISHED)


def latest_published_versions():
    """The newest version of each published response."""
    newest = ResponseVersion.objects.filter(response=OuterRef("response")).order_by("-number").values("pk")[:1]
    return published_versions().filter(pk=Subquery(newest))


def current_entries():
    """The register: the entry of the newest version of each published response (built or not yet)."""
    newest = ResponseVersion.objects.filter(response=OuterRef("response")).order_by("-number").values("pk")[:1]
    return Entry.objects.filter(
        schema=SCHEMA, response__status=ManagementResponse.Status.PUBLISHED, version=Subquery(newest)
    )


def ensure_entries(versions, *, limit: int | None = PER_REQUEST) -> int:
    """Build the missing (or outdated) entries of ``versions`` (a queryset), at most ``limit``.

    Returns how many are still missing afterwards (0 when all are there; counted only when the
    limit was reached). 1 query when nothing is missing; when something is, the batch, one
    delete, one insert (and a count when the batch was full), whatever the number.
    """
    missing = versions.exclude(register_entry__schema=SCHEMA).order_by("-published_at", "-pk")
    batch = list(
        missing.select_related("response").only(
            "pk", "number", "published_at", "snapshot", "sha256", "response__slug", "response__status"
        )[: limit if limit is not None else None]
    )
    if not batch:
        return 0
    entries = [entry for entry in map(build_entry, batch) if entry is not None]
    with transaction.atomic():
        Entry.objects.filter(version__in=[version.pk for version in batch]).delete()
        Entry.objects.bulk_create(entries, ignore_conflicts=True)
    if limit is not None and len(batch) == limit:
        return missing.count()
    return 0


@dataclass
class _Response:
    slug: str
    number: int
    published_at: Any
    published_on: Any
    sha256: str
    data: dict
    delivered_on: str
    recommendations: int
    actions: int
    document_url: str
    pdf_url: str


@dataclass
class _Recommendation:
    slug: str
    position: int
    item: Any
    group: str
    theme_section: str
    theme: str
    implementation: str
    labels: dict


@dataclass
class _Action:
    slug: str
    item: Any
    parent: str
    status: str
    inherited: bool
    status_note: str
    validation: str
    units: str
    deadline: Any
    labels: dict


@dataclass
class _Link:
    slug: str
    position: int
    link: Any


@dataclass
class _Progress:
    slug: str
    action: Any
    position: int
    item: Any
    labels: dict


def build_entry(version) -> Entry | None:
    """The entry of one version, from its snapshot alone; None (logged) if it cannot be read."""
    try:
        parsed = parse(version.snapshot.encode("utf-8"), source=f"{version.response.slug} v{version.number}")
    except InterchangeError:
        logger.exception("The snapshot of %s v%s cannot be read: not in the register", version.response, version.number)
        return None
    # The column "introduction": the first chapter before the recommendations (what the introduction
    # became, migration responses.0015; a snapshot with an introduction reads it as that chapter).
    first = next((c for c in parsed.chapters if c["placement"] == "before"), None)
    data = {**parsed.response, "introduction": first["body"] if first else ""}
    slug = version.response.slug
    labels = document_labels(data)

    # Actions: a part without a status of its own has its action's.
    action_rows, effective = [], {}
    for action in parsed.actions:
        for item, parent in [(action, None), *[(part, action) for part in action.parts]]:
            inherited = parent is not None and item.status == "inherited"
            source = parent if inherited else item
            # As Recommendation.implementation_state counts it: a realisation (or drop) that awaits
            # validation is still in progress.
            awaiting = source.validation == AWAITING and source.status in CLOSED_STATUSES
            effective[item.number] = "in_progress" if awaiting else source.status
            action_rows.append(
                ACTIONS.row(
                    _Action(
                        slug=slug,
                        item=item,
                        parent=parent.number if parent else "",
                        status=source.status,
                        inherited=inherited,
                        status_note=source.status_note,
                        validation=source.validation,
                        units="; ".join(item.responsible_units or []),
                        deadline=item.due_date or time_frame_end(item.time_frame),
                        labels=labels,
                    )
                )
            )
    progress_rows = [
        PROGRESS.row(_Progress(slug=slug, action=item, position=position, item=entry, labels=labels))
        for item in parsed.all_actions
        for position, entry in enumerate(sorted(item.progress, key=_progress_order), start=1)
    ]

    # Recommendations in the document's order: those without a group first (the matrix), then by group and theme.
    placed = [(rec, "", "", "") for rec in parsed.recommendations] + [
        (rec, group.title, theme.section, theme.heading)
        for group in parsed.groups
        for theme in group.themes
        for rec in theme.recommendations
    ]
    recommendation_rows, link_rows = [], []
    agreements, implementations = {}, {}
    for position, (rec, group, section, heading) in enumerate(placed, start=1):
        state = implementation_code(
            implementation_of(rec.agreement, [effective.get(link.number, "") for link in rec.links])
        )
        recommendation_rows.append(
            RECOMMENDATIONS.row(
                _Recommendation(
                    slug=slug,
                    position=position,
                    item=rec,
                    group=group,
                    theme_section=section,
                    theme=heading,
                    implementation=state,
                    labels=labels,
                )
            )
        )
        agreement = recommendation_rows[-1]["agreement"]
        agreements[agreement] = agreements.get(agreement, 0) + 1
        implementations[state] = implementations.get(state, 0) + 1
        link_rows += [LINKS.row(_Link(slug=slug, position=position, link=link)) for link in rec.links]

    published_on = data.get("published_on") or timezone.localdate(version.published_at)
    delivered_on = data.get("evaluation_delivered_on")
    if delivered_on and data.get("evaluation_delivered_precision") == "month":
        delivered_on = f"{delivered_on:%Y-%m}"
    response_row = RESPONSES.row(
        _Response(
            slug=slug,
            number=version.number,
            published_at=version.published_at,
            published_on=published_on,
            sha256=version.sha256,
            data=data,
            delivered_on=delivered_on.isoformat() if hasattr(delivered_on, "isoformat") else (delivered_on or ""),
            recommendations=len(recommendation_rows),
            actions=len(action_rows),
            document_url=reverse("document:detail", kwargs={"slug": slug}),
            pdf_url=reverse("responses:version_pdf", kwargs={"slug": slug, "number": version.number}),
        )
    )
    texts = [
        data.get("title", ""),
        data.get("organisation", ""),
        data.get("responsible_team", ""),
        data.get("evaluation_title", ""),
        data.get("evaluators", ""),
        *[text for chapter in parsed.chapters for text in (chapter["heading"], chapter["body"])],
        *[
            text
            for rec, *_ in placed
            for text in (rec.number, rec.location, rec.text, rec.response_text, rec.justification)
        ],
        *[text for item in parsed.all_actions for text in (item.number, item.title, item.narrative)],
        *[entry.comment for item in parsed.all_actions for entry in item.progress],
        *[heading for _rec, group, _section, heading in placed for heading in (group, heading)],
    ]
    return Entry(
        version=version,
        response_id=version.response_id,
        number=version.number,
        schema=SCHEMA,
        published_at=version.published_at,
        slug=slug,
        title=data.get("title", ""),
        organisation=data.get("organisation", ""),
        evaluation_title=data.get("evaluation_title", ""),
        published_on=published_on,
        year=published_on.year,
        search_text="\n".join(text for text in texts if text).casefold(),
        agreement_codes=" " + " ".join(sorted(agreements)) + " ",
        implementation_codes=" " + " ".join(sorted(implementations)) + " ",
        summary={"agreement": agreements, "implementation": implementations, "actions": len(action_rows)},
        tables={
            RESPONSES.name: [response_row],
            RECOMMENDATIONS.name: recommendation_rows,
            ACTIONS.name: action_rows,
            LINKS.name: link_rows,
            PROGRESS.name: progress_rows,
        },
    )


def _progress_order(entry):
    return entry.date is None, entry.date or timezone.localdate()
