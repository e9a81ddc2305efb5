"""Workflows over a whole response: start one (blank, from a file, as a copy), delete one."""

from django.db import transaction

from responses import permissions
from responses.models import ManagementResponse

from .exporter import as_data
from .importer import import_response
from .parse import from_data


@transaction.atomic
def import_upload(*, parsed, user) -> ManagementResponse:
    """The response a checked interchange file describes (never replacing one)."""
    response = import_response(parsed=parsed, replace=False)
    permissions.on_response_created(response, user)
    return response


def structure_copy(source: ManagementResponse, *, title: str, slug: str) -> dict:
    """The interchange structure (``as_data``) of ``source`` under a new title and slug, as a draft.

    Kept: metadata, introduction, layout, groups, themes, recommendations (numbers, locations,
    texts), actions with their parts and facts, and the links. Left out: agreements and
    management responses, statuses (not reported yet; parts inherit), the progress log.
    """
    data = as_data(source)
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
    return data


@transaction.atomic
def copy_response(*, source, title, slug, user) -> ManagementResponse:
    """A new draft with ``source``'s structure: read back with the checks of an upload, with no YAML in between."""
    parsed = from_data(structure_copy(source, title=title, slug=slug), source=source.slug)
    return import_upload(parsed=parsed, user=user)
