"""The dashboard: the home page of a logged-in user (anonymous visitors get the published list).

Every response the user can see with its implementation rate, counts per status, overdue
actions, agreement split and last change; the user's own open actions first; filters, a
text search, and two small server-rendered SVG charts. The figures come from a fixed number
of grouped queries, whatever the number of responses (no query per row).
"""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Max, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import AWAITING, CLOSED_STATUSES, VALIDATED, Action
from recommendations.models import Recommendation
from responses import permissions
from responses.models import ManagementResponse

MINE_SHOWN = 10  # the user's own open actions, overdue and soonest first
PER_PAGE = 25  # responses per page of the table; the charts and totals count every one that matches
STATUSES = ("to_start", "in_progress", "realised", "not_applicable", "cancelled", "")
AGREEMENTS = ("agree", "partially_agree", "disagree", "")


def _status_is(status):
    """An action whose effective status is ``status`` (a part that inherits has its parent's)."""
    return Q(status=status) | Q(status="inherited", parent__status=status)


def _validation_is(state):
    """An action whose effective validation state is ``state`` (a part that inherits has its parent's)."""
    return (Q(validation_state=state) & ~Q(status="inherited")) | Q(status="inherited", parent__validation_state=state)


def _not_awaiting():
    return (~Q(status="inherited") & ~Q(validation_state=AWAITING)) | (
        Q(status="inherited") & ~Q(parent__validation_state=AWAITING)
    )


@dataclass
class Figures:
    """The follow-up figures of one response (or of all of them together)."""

    # Per status, the actions whose status counts: a status that awaits validation is counted under
    # ``awaiting`` instead (actions.models.Action.validation_state), not under the status it claims.
    statuses: dict = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    agreements: dict = field(default_factory=lambda: dict.fromkeys(AGREEMENTS, 0))
    overdue: int = 0
    awaiting: int = 0  # claimed statuses evaluation staff have not decided on yet
    validated: int = 0  # realised, and validated by evaluation staff
    last_change: datetime.datetime | None = None

    @property
    def total(self):
        return sum(self.statuses.values()) + self.awaiting

    @property
    def implementation_rate(self):
        """Share of the actions realised, dropped and cancelled ones left out; None without actions. A
        realisation that awaits validation does not count yet."""
        counted = self.total - self.statuses["not_applicable"] - self.statuses["cancelled"]
        return round(100 * self.statuses["realised"] / counted) if counted else None

    def status_rows(self):
        rows = [(key, Action.Status(key).label, self.statuses[key]) for key in STATUSES]
        rows.append(("awaiting", Action.Validation.AWAITING.label, self.awaiting))
        return rows

    def agreement_rows(self):
        return [(key or "undecided", Recommendation.Agreement(key).label, self.agreements[key]) for key in AGREEMENTS]


def figures_for(response_ids, *, today):
    """{response id: Figures}, in two grouped queries (actions; recommendations)."""
    figures = {pk: Figures() for pk in response_ids}
    counts = _not_awaiting()
    aggregates = {f"s_{key or 'none'}": Count("pk", filter=_status_is(key) & counts) for key in STATUSES}
    aggregates["awaiting"] = Count("pk", filter=_validation_is(AWAITING))
    aggregates["validated"] = Count("pk", filter=_status_is("realised") & _validation_is(VALIDATED))
    aggregates["overdue"] = Count("pk", filter=Q(pk__in=Action.objects.overdue(today).values("pk")))
    aggregates["last"] = Max("updated_at")
    for row in Action.objects.filter(response_id__in=response_ids).values("response_id").annotate(**aggregates):
        f = figures[row["response_id"]]
        f.statuses = {key: row[f"s_{key or 'none'}"] for key in STATUSES}
        f.overdue = row["overdue"]
        f.awaiting, f.validated = row["awaiting"], row["validated"]
        f.last_change = row["last"]
    recs = Recommendation.objects.filter(response_id__in=response_ids).values("response_id", "agreement")
    for row in recs.annotate(n=Count("pk"), last=Max("updated_at")):
        f = figures[row["response_id"]]
        f.agreements[row["agreement"]] = row["n"]
        if row["last"] and (f.last_change is None or row["last"] > f.last_change):
            f.last_change = row["last"]
    return figures


def search(responses, text):
    """Responses whose title, evaluation, recommendations or actions mention ``text``.

    PostgreSQL: full-text search with the Dutch and the English configuration (stemming:
    "oproepen" finds "oproep"); elsewhere (SQLite) a case-insensitive substring match.
    """
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        def matching(model, *fields):
            vector = SearchVector(*fields, config="dutch") + SearchVector(*fields, config="english")
            query = SearchQuery(text, config="dutch") | SearchQuery(text, config="english")
            return model.objects.annotate(search=vector).filter(search=query)

        own = matching(ManagementResponse, "title", "evaluation_title", "organisation").values("pk")
        recs = matching(Recommendation, "text", "response_text").values("response_id")
        acts = matching(Action, "title", "narrative").values("response_id")
    else:
        own = ManagementResponse.objects.filter(
            Q(title__icontains=text) | Q(evaluation_title__icontains=text) | Q(organisation__icontains=text)
        ).values("pk")
        recs = Recommendation.objects.filter(Q(text__icontains=text) | Q(response_text__icontains=text)).values(
            "response_id"
        )
        acts = Action.objects.filter(Q(title__icontains=text) | Q(narrative__icontains=text)).values("response_id")
    return responses.filter(Q(pk__in=own) | Q(pk__in=recs) | Q(pk__in=acts))


@dataclass
class DashboardFilters:
    organisation: str = ""
    year: int | None = None
    status: str = ""
    overdue: bool = False
    q: str = ""

    @classmethod
    def from_query(cls, query):
        year = query.get("year", "")
        status = query.get("status", "")
        return cls(
            organisation=query.get("organisation", "").strip()[:200],
            year=int(year) if year.isdigit() and len(year) == 4 else None,
            status=status if status in ManagementResponse.Status.values else "",
            overdue=query.get("overdue") == "1",
            q=query.get("q", "").strip()[:200],
        )

    def apply(self, responses, today):
        if self.organisation:
            responses = responses.filter(organisation=self.organisation)
        if self.year:
            responses = responses.filter(evaluation_delivered_on__year=self.year)
        if self.status:
            responses = responses.filter(status=self.status)
        if self.overdue:
            responses = responses.filter(pk__in=Action.objects.overdue(today).values("response_id"))
        if self.q:
            responses = search(responses, self.q)
        return responses

    @property
    def active(self):
        return bool(self.organisation or self.year or self.status or self.overdue or self.q)


def quarter_ends(today, quarters):
    """[(label, last day)] of the last ``quarters`` quarters, oldest first, this one last."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    ends = []
    for _i in range(quarters):
        end_month = quarter * 3
        end = datetime.date(year + end_month // 12, end_month % 12 + 1, 1) - datetime.timedelta(days=1)
        ends.append((_("K%(quarter)s %(year)s") % {"quarter": quarter, "year": year}, end))
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return list(reversed(ends))


def _rate(states):
    """The implementation rate of {action id: (parent id, status, validation state)}: realised (and not
    awaiting validation) among those not dropped."""

    def effective(status, validation, parent_id):
        if status == "inherited" and parent_id in states:
            _parent, status, validation = states[parent_id]
        return "awaiting" if validation == AWAITING else status  # a claim counts once validated

    statuses = [effective(status, validation, parent_id) for parent_id, status, validation in states.values()]
    counted = [s for s in statuses if s not in ("not_applicable", "cancelled")]
    return round(100 * sum(1 for s in counted if s == "realised") / len(counted)) if counted else 0


def implementation_over_time(response_ids, *, today, current_rate, quarters=8):
    """[(label, percent)] for the last ``quarters`` quarters: the share of the actions that existed at
    the end of each quarter whose status then was "realised" (dropped ones left out), read from the
    audit trail's status history (core/audit.py), so whatever wrote the status counts (a review
    round, the status form, the admin, an import). The current quarter shows ``current_rate``: the
    state now, as the rest of the dashboard counts it.

    One query: the historical action records that created, deleted, or changed the status or the
    parent of an action of these responses, up to the end of the last quarter before this one.
    """
    ends = quarter_ends(today, quarters)
    tz = timezone.get_current_timezone()

    def after(day):
        return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)

    history = Action.history.model
    rows = (
        history._default_manager.filter(history_response_id__in=response_ids, history_date__lt=after(ends[-2][1]))
        .filter(
            Q(history_type__in=["+", "-"])
            | Q(history_changes__has_key="status")
            | Q(history_changes__has_key="parent_id")
            | Q(history_changes__has_key="validation_state")
        )
        .order_by("history_date", "history_id")
        .values_list("id", "parent_id", "status", "validation_state", "history_type", "history_date")
    )
    rows = iter(rows)
    states = {}  # action id -> (parent id, status, validation state) at the moment reached
    pending = next(rows, None)
    points = []
    for label, end in ends[:-1]:
        moment = after(end)
        while pending is not None and pending[5] < moment:
            pk, parent_id, status, validation, kind, _date = pending
            if kind == "-":
                states.pop(pk, None)
            else:
                states[pk] = (parent_id, status, validation)
            pending = next(rows, None)
        points.append((label, _rate(states)))
    points.append((ends[-1][0], current_rate or 0))
    return points


def bar_chart(rows, *, width=260, bar=18, gap=6):
    """Geometry of a horizontal bar chart: [(key, label, value, y, bar width)], drawn by the template."""
    biggest = max((value for _key, _label, value in rows), default=0) or 1
    return [
        (key, label, value, index * (bar + gap), round(width * value / biggest))
        for index, (key, label, value) in enumerate(rows)
    ]


def column_chart(points, *, height=100, column=28, gap=8):
    """Geometry of a column chart of percentages: [(label, percent, x, y, column height)]."""
    return [
        (label, percent, index * (column + gap), height - round(height * percent / 100), round(height * percent / 100))
        for index, (label, percent) in enumerate(points)
    ]


def dashboard(request):
    user = request.user
    today = timezone.localdate()
    visible = ManagementResponse.objects.visible_to(user)
    filters = DashboardFilters.from_query(request.GET)
    # Every matching response (one query, what the table shows of them): the charts and the totals
    # count them all; the table shows one page. The figures come from grouped queries either way.
    responses = list(
        filters.apply(visible, today)
        .order_by("-updated_at", "title", "pk")
        .only(
            "pk",
            "slug",
            "title",
            "language",
            "organisation",
            "status",
            "evaluation_delivered_on",
            "updated_at",
        )
    )
    ids = [r.pk for r in responses]
    figures = figures_for(ids, today=today)
    overall = Figures()
    for response in responses:
        f = figures[response.pk]
        response.figures = f
        for key in STATUSES:
            overall.statuses[key] += f.statuses[key]
        for key in AGREEMENTS:
            overall.agreements[key] += f.agreements[key]
        overall.overdue += f.overdue
        overall.awaiting += f.awaiting
        overall.validated += f.validated
        response.last_change = max(filter(None, (response.updated_at, f.last_change)))
    page = Paginator(responses, PER_PAGE).get_page(request.GET.get("page"))
    mine = list(
        Action.objects.open()
        .filter(owners=user, response__in=visible)
        .select_related("response", "parent")
        .order_by("deadline", "response__title", "order", "pk")
    )
    mine.sort(key=lambda a: (not a.is_overdue(today), a.deadline is None, a.deadline or today))
    organisations = visible.order_by("organisation").values_list("organisation", flat=True).distinct()
    years = sorted(
        {
            d.year
            for d in visible.exclude(evaluation_delivered_on=None).values_list("evaluation_delivered_on", flat=True)
        },
        reverse=True,
    )
    over_time = implementation_over_time(ids, today=today, current_rate=overall.implementation_rate)
    context = {
        "responses": page.object_list,
        "page": page,
        "overall": overall,
        "mine": mine[:MINE_SHOWN],
        "mine_more": max(0, len(mine) - MINE_SHOWN),
        "today": today,
        "filters": filters,
        "organisations": list(organisations),
        "years": years,
        "status_choices": ManagementResponse.Status.choices,
        "status_bars": bar_chart(overall.status_rows()),
        "status_height": (len(STATUSES) + 1) * 24,  # and "awaiting validation"
        "over_time": column_chart(over_time),
        "can_create": permissions.can_create_response(user),
        "closed_statuses": CLOSED_STATUSES,
    }
    template = "tracking/dashboard.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, context)
