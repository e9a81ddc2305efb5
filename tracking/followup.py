"""Following a response up: every action with its owners, units, deadline, status and progress.

The follow-up page assembles actions (with owners and progress) and recommendations (with
their implementation state), so it lives here, above both apps. The rows of one response
are a few hundred at most: they are read in a fixed number of queries and filtered and
sorted in Python, which works the same on SQLite and PostgreSQL (a JSON list of units
cannot be searched with ``contains`` on SQLite).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from actions.models import Action, ProgressUpdate
from core.editing import login_required
from recommendations.models import Recommendation
from responses import permissions
from responses.models import ManagementResponse

User = get_user_model()

SORTS = ("number", "deadline", "status", "updated")
STATUS_ORDER = {value: index for index, (value, _label) in enumerate(Action.Status.choices)}


def tracked_actions(response):
    """The response's actions and parts in document order, with parents, owners and progress log.

    Four queries whatever the number of actions: actions (with parents), owners, progress
    updates (with authors). Each action gets ``last_update`` (its newest progress entry or None).
    """
    actions = list(
        Action.objects.filter(response=response)
        .select_related("parent")
        .prefetch_related(
            Prefetch("owners", queryset=User.objects.order_by("first_name", "last_name", "username")),
            Prefetch("progress_updates", queryset=ProgressUpdate.objects.select_related("author")),
        )
        .order_by("parent__order", "parent_id", "order", "pk")
    )
    for action in actions:
        action.response = response  # its vocabulary, without a query per action
        log = list(action.progress_updates.all())
        action.last_update = log[0] if log else None
    return sorted(actions, key=document_order)


def document_order(action):
    """Top-level actions in their order, each followed by its parts."""
    if action.parent_id is None:
        return (action.order, action.pk, -1, 0)
    return (action.parent.order, action.parent_id, action.order, action.pk)


@dataclass
class Filters:
    status: str = ""
    owner: int | None = None
    unit: str = ""
    overdue: bool = False
    sort: str = "number"

    @classmethod
    def from_query(cls, query):
        status = query.get("status", "")
        if status not in {"", "open", "awaiting", *(value or "none" for value in Action.Status.values)}:
            status = ""
        owner = query.get("owner", "")
        sort = query.get("sort", "number")
        return cls(
            status=status,
            owner=int(owner) if owner.isdigit() else None,
            unit=query.get("unit", "").strip()[:200],
            overdue=query.get("overdue") == "1",
            sort=sort if sort in SORTS else "number",
        )

    def apply(self, actions, today):
        rows = actions
        if self.status == "open":
            rows = [a for a in rows if not a.is_closed]
        elif self.status == "awaiting":
            rows = [a for a in rows if a.awaits_validation]
        elif self.status:
            wanted = "" if self.status == "none" else self.status
            rows = [a for a in rows if a.effective_status == wanted]
        if self.owner is not None:
            rows = [a for a in rows if any(user.pk == self.owner for user in a.owners.all())]
        if self.unit:
            rows = [a for a in rows if self.unit in (a.responsible_units or [])]
        if self.overdue:
            rows = [a for a in rows if a.is_overdue(today)]
        if self.sort == "deadline":
            rows = sorted(rows, key=lambda a: (a.deadline is None, a.deadline or today))
        elif self.sort == "status":
            rows = sorted(rows, key=lambda a: STATUS_ORDER.get(a.effective_status, 0))
        elif self.sort == "updated":
            rows = sorted(rows, key=lambda a: a.last_update.date if a.last_update else today.min, reverse=True)
        return rows

    @property
    def active(self):
        return bool(self.status or self.owner is not None or self.unit or self.overdue)


def status_choices():
    return [
        ("open", _("open (niet gerealiseerd of geschrapt)")),
        ("awaiting", _("wacht op validatie")),
        *[(value or "none", label) for value, label in Action.Status.choices if value != Action.Status.INHERITED],
    ]


@require_safe
@login_required
@vary_on_headers("HX-Request")  # the page, or with htmx the table, at the same URL
def followup(request, slug):
    """The follow-up page: filters and sorting in the query string; htmx swaps the table only."""
    response = get_object_or_404(ManagementResponse, slug=slug)
    permissions.require(permissions.can_follow_up(request.user, response))
    today = timezone.localdate()
    actions = tracked_actions(response)
    filters = Filters.from_query(request.GET)
    rows = filters.apply(actions, today)
    owners = {user.pk: user for action in actions for user in action.owners.all()}
    units = sorted({unit for action in actions for unit in action.responsible_units or []}, key=str.casefold)
    recommendations = list(Recommendation.objects.filter(response=response).with_implementation())
    query = request.GET.copy()
    query.pop("sort", None)
    context = {
        "response": response,
        "rows": rows,
        "total": len(actions),
        "overdue_count": sum(1 for a in actions if a.is_overdue(today)),
        "awaiting_count": sum(1 for a in actions if a.awaits_validation),
        "validated_count": sum(1 for a in actions if a.is_validated),
        "filters": filters,
        "status_choices": status_choices(),
        "owners": sorted(owners.values(), key=lambda u: (u.get_full_name() or u.get_username()).casefold()),
        "units": units,
        "base_query": query.urlencode(),
        "recommendations": recommendations,
        "today": today,
        "rights": permissions.rights(request.user, response),
    }
    template = "tracking/followup.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#table"
    return render(request, template, context)
