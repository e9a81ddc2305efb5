"""Workflows over a whole response: start one (blank, from a file, as a copy), delete one."""

from django.db import transaction
from django.utils.text import slugify

from . import interchange, permissions
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


@transaction.atomic
def import_upload(*, parsed, user) -> ManagementResponse:
    """The response a checked interchange file describes (never replacing one)."""
    response = interchange.import_response(parsed=parsed, replace=False)
    permissions.on_response_created(response, user)
    return response


def structure_copy(source: ManagementResponse, *, title: str, slug: str) -> bytes:
    """An interchange file of ``source``'s structure under a new title and slug, as a draft.

    Kept: metadata, introduction, layout, groups, themes, recommendations (numbers, locations,
    texts), actions with their parts and facts, and the links. Left out: agreements and
    management responses, statuses (not reported yet; parts inherit), the progress log.
    """
    data = interchange.as_data(source)
    data["response"].update(slug=slug, title=title, status="draft", published_on=None)
    for action in data["actions"]:
        action.update(status="", status_note="", progress=[])
        for part in action["parts"]:
            part.update(status="inherited", status_note="", progress=[])
    recommendations = data["recommendations"] + [
        rec for group in data["groups"] for theme in group["themes"] for rec in theme["recommendations"]
    ]
    for rec in recommendations:
        rec.update(agreement="", response="", justification="")
    return interchange.dump(data).encode()


@transaction.atomic
def copy_response(*, source, title, slug, user) -> ManagementResponse:
    parsed = interchange.parse(structure_copy(source, title=title, slug=slug), source=source.slug)
    return import_upload(parsed=parsed, user=user)
