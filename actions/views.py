from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from .models import Action, ActionLink


def action_detail(request, pk):
    action = get_object_or_404(Action.objects.select_related("response", "parent"), pk=pk)
    if not action.response.is_visible_to(request.user):
        raise Http404
    parts = list(action.parts.order_by("order", "pk"))
    for part in parts:
        part.parent = action  # parts show the status they inherit without a query each
    # An action answers what it is linked to itself and what its parts are linked to.
    links = ActionLink.objects.filter(Q(action=action) | Q(action__parent=action)).select_related(
        "action", "recommendation__theme__group"
    ).order_by(
        "recommendation__theme__group__order",
        "recommendation__theme__order",
        "recommendation__order",
        "order",
    )
    return render(
        request,
        "actions/detail.html",
        {"action": action, "response": action.response, "parts": parts, "links": links},
    )
