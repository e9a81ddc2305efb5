"""Workflows over a whole response: start a blank one (a file or a copy: interchange/services.py)."""

from django.db import transaction
from django.utils.text import slugify

from . import permissions
from .models import ManagementResponse


def unique_slug(text, *, exclude_pk=None) -> str:
    """A free slug made from ``text``: "evaluation-x", else "evaluation-x-2", "-3", ..."""
    base = slugify(text)[:90].strip("-") or "managementresponse"
    taken = set(
        ManagementResponse.objects.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
    )
    taken.add("new")  # /responses/new/
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_response(*, form, user) -> ManagementResponse:
    """A blank response from the new-response form; its creator becomes its evaluation staff."""
    response = form.save(commit=False)
    if not response.slug:
        response.slug = unique_slug(response.title)
    response.updated_by = user
    response.save()
    permissions.on_response_created(response, user)
    return response
