"""Finding the response a request names, for the views of every app: a draft is not announced
to people who may not read it (404)."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import ManagementResponse


def get_visible_response(request, slug, *, fields=None):
    """The response ``slug`` if the user may see it; with ``fields``, only those columns are loaded."""
    responses = ManagementResponse.objects if fields is None else ManagementResponse.objects.only(*fields)
    response = get_object_or_404(responses, slug=slug)
    if not response.is_visible_to(request.user):
        # A draft is not announced to people who may not read it.
        raise Http404
    return response
