"""The home page: the follow-up dashboard for a logged-in user, the published responses for
everyone else."""

from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from responses import permissions
from responses.models import ManagementResponse

from . import dashboard


@require_safe
@vary_on_headers("HX-Request")
def response_list(request):
    """The home page: the dashboard for a logged-in user, the published responses for everyone else."""
    if request.user.is_authenticated:
        return dashboard.dashboard(request)
    responses = ManagementResponse.objects.visible_to(request.user).order_by("-updated_at", "title")
    return render(
        request,
        "tracking/list.html",
        {
            "responses": responses,
            "can_create": permissions.can_create_response(request.user),
        },
    )
