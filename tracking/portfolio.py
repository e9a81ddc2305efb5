"""The portfolio report: a year's view across every response the user can see, the kind of report
an evaluation office sends its board (implementation rates per response and overall, overdue
actions, rejected recommendations), as a page and as a PDF."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from actions.models import Action
from recommendations.models import Recommendation
from responses.models import ManagementResponse

from .dashboard import STATUSES, Figures, figures_for


@dataclass
class Portfolio:
    year: int
    today: datetime.date
    responses: list
    overall: Figures
    overdue: list
    rejected: list


def portfolio_responses(user, year):
    """The responses of ``user``'s report of ``year``: those they can see, delivered up to the end
    of the year or without a delivery date."""
    return ManagementResponse.objects.visible_to(user).exclude(evaluation_delivered_on__gt=datetime.date(year, 12, 31))


def portfolio(user, year, *, today=None):
    """Responses delivered up to the end of ``year`` (or without a delivery date), with their
    figures as they stand today; the overdue actions; the rejected recommendations."""
    today = today or timezone.localdate()
    responses = list(portfolio_responses(user, year).order_by("organisation", "title"))
    ids = [r.pk for r in responses]
    figures = figures_for(ids, today=today)
    overall = Figures()
    for response in responses:
        response.figures = figures[response.pk]
        for key in STATUSES:
            overall.statuses[key] += response.figures.statuses[key]
        for key in overall.agreements:
            overall.agreements[key] += response.figures.agreements[key]
        overall.overdue += response.figures.overdue
        overall.awaiting += response.figures.awaiting
        overall.validated += response.figures.validated
    overdue = list(
        Action.objects.overdue(today)
        .filter(response_id__in=ids)
        .select_related("response", "parent")
        .prefetch_related("owners")
        .order_by("deadline", "response__title", "order")
    )
    rejected = list(
        Recommendation.objects.filter(response_id__in=ids, agreement=Recommendation.Agreement.DISAGREE)
        .select_related("response", "theme")
        .order_by("response__title", "order", "pk")
    )
    return Portfolio(year, today, responses, overall, overdue, rejected)
