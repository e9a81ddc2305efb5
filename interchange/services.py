"""Workflows over a whole response: start one (blank, from a file, as a copy), delete one."""

import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.audit import acting_as
from responses import permissions
from responses.models import ManagementResponse

from .exporter import as_data
from .importer import SlugExists, import_response
from .models import PendingImport
from .parse import InterchangeError, from_data, parse

logger = logging.getLogger(__name__)


@transaction.atomic
def import_upload(*, parsed, user) -> ManagementResponse:
    """The response a checked interchange file describes (never replacing one)."""
    response = import_response(parsed=parsed, replace=False)
    permissions.on_response_created(response, user)
    return response


def slug_taken_message(file_name: str, slug: str) -> str:
    return _("%(file)s: er bestaat al een managementresponse met slug “%(slug)s”; wijzig response.slug.") % {
        "file": file_name,
        "slug": slug,
    }


@transaction.atomic
def queue_upload(*, text: str, file_name: str, user) -> PendingImport:
    """Store a checked upload and enqueue its import (both or neither: one transaction)."""
    from .tasks import import_upload_task

    data = text.encode("utf-8")
    pending = PendingImport.objects.create(
        file_name=file_name[:255],
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        created_by=user,
    )
    # The problems, if any, in the uploader's language (the progress page shows them to them).
    import_upload_task.enqueue(str(pending.pk), translation.get_language())
    return pending


def run_pending_import(pending_id: str, *, language: str | None = None) -> str:
    """``run_import`` in ``language`` (the uploader's interface language; default the site's)."""
    with translation.override(language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE):
        return run_import(pending_id)


def run_import(pending_id: str) -> str:
    """The task's work: import a ``PendingImport`` as the confirm would have, all or nothing.

    The row is claimed first (queued or running -> running: a task run again after its worker
    died finds it running, and its first import was rolled back with the worker's transaction);
    an import that already ended is left alone. The import and the "done" status are written
    in one transaction; a failure writes only the error. Returns the final status.
    """
    claimed = PendingImport.objects.filter(
        pk=pending_id, status__in=[PendingImport.Status.QUEUED, PendingImport.Status.RUNNING]
    ).update(status=PendingImport.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        pending = PendingImport.objects.filter(pk=pending_id).only("status").first()
        return pending.status if pending else "missing"
    pending = PendingImport.objects.select_related("created_by").get(pk=pending_id)
    try:
        data = pending.text.encode("utf-8")
        if hashlib.sha256(data).hexdigest() != pending.sha256:
            raise InterchangeError([_("%(file)s: het opgeslagen bestand is beschadigd.") % {"file": pending.file_name}])
        parsed = parse(data, source=pending.file_name)
        with transaction.atomic(), acting_as(pending.created_by):
            response = import_upload(parsed=parsed, user=pending.created_by)
            PendingImport.objects.filter(pk=pending.pk).update(
                status=PendingImport.Status.DONE, response=response, finished_at=timezone.now(), text="", error=""
            )
    except InterchangeError as exc:
        _fail(pending, exc.lines)
    except SlugExists:
        _fail(pending, [slug_taken_message(pending.file_name, parsed.slug)])
    except Exception:
        logger.exception("Background import %s (%s) failed", pending.pk, pending.file_name)
        _fail(pending, [_("Onverwachte fout bij het inladen; meld dit aan de beheerder.")])
        raise
    return PendingImport.objects.values_list("status", flat=True).get(pk=pending.pk)


def _fail(pending, problems):
    PendingImport.objects.filter(pk=pending.pk).update(
        status=PendingImport.Status.FAILED, error="\n".join(str(p) for p in problems), finished_at=timezone.now()
    )


def structure_copy(source: ManagementResponse, *, title: str, slug: str) -> dict:
    """The interchange structure (``as_data``) of ``source`` under a new title and slug, as a draft.

    Kept: metadata, chapters (the introduction first), layout, groups, themes, recommendations (numbers, locations,
    texts), actions with their parts and facts, and the links. Left out: agreements and
    management responses, statuses (not reported yet; parts inherit), the progress log.
    """
    data = as_data(source)
    data["response"].update(slug=slug, title=title, status="draft", published_on=None)
    for action in data["actions"]:
        action.update(status="", status_note="", progress=[])
        action.pop("validation", None)  # nor their validation or evidence: they were about the source's progress
        action.pop("evidence", None)
        for part in action["parts"]:
            part.update(status="inherited", status_note="", progress=[])
            part.pop("validation", None)
            part.pop("evidence", None)
    recommendations = data["recommendations"] + [
        rec for group in data["groups"] for theme in group["themes"] for rec in theme["recommendations"]
    ]
    for rec in recommendations:
        rec.update(agreement="", response="", justification="")
        rec.pop("justification_not_in_source", None)  # about the agreement, which a copy leaves out
    return data


@transaction.atomic
def copy_response(*, source, title, slug, user) -> ManagementResponse:
    """A new draft with ``source``'s structure: read back with the checks of an upload, with no YAML in between."""
    parsed = from_data(structure_copy(source, title=title, slug=slug), source=source.slug)
    return import_upload(parsed=parsed, user=user)
