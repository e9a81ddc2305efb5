"""Finding what a request is about, for the views of every app, and refusing it before anything
else happens: a draft is not announced to people who may not read it (404)."""

from functools import wraps

from django.http import Http404
from django.shortcuts import get_object_or_404

from . import permissions
from .models import ManagementResponse


def get_visible_response(request, slug, *, fields=None):
    """The response ``slug`` if the user may see it; with ``fields``, only those columns are loaded."""
    responses = ManagementResponse.objects if fields is None else ManagementResponse.objects.only(*fields)
    response = get_object_or_404(responses, slug=slug)
    if not response.is_visible_to(request.user):
        # A draft is not announced to people who may not read it.
        raise Http404
    return response


def response_of(obj):
    """The response ``obj`` belongs to (a response is its own)."""
    return obj if isinstance(obj, ManagementResponse) else obj.response


def with_response_object(queryset, *, permission, field="pk", url_kwarg=None):
    """Hand the view the object its URL names, once ``permission`` allows it on the object's response.

    ``queryset`` is a model, manager or queryset (``select_related`` what the view and the
    permission need: the response at least); the object is looked up by ``field`` from the
    URL's ``url_kwarg`` (default: ``field``) with ``get_object_or_404``, and its response is
    ``obj.response`` (a response is its own). Then, before the view reads a form or picks a
    template, ``permissions.require(permission(request.user, response))``: 404 for a draft the
    user may not see, 403 for a visible one without the role. The view is called as
    ``view(request, obj, **other_url_kwargs)``::

        @require_http_methods(["GET", "POST"])
        @login_required
        @with_response_object(Theme.objects.select_related("group__response"), permission=permissions.can_edit_recommendations)
        def theme_edit(request, theme):
            ...

    Put it below ``login_required`` (someone not logged in goes to the login page, whatever
    the URL names) and the method decorators (a wrong method is 405 before any query).
    """
    url_kwarg = url_kwarg or field

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            obj = get_object_or_404(queryset, **{field: kwargs.pop(url_kwarg)})
            permissions.require(permission(request.user, response_of(obj)))
            return view(request, obj, *args, **kwargs)

        return wrapper

    return decorator
