"""Publishing a response: check it, freeze a numbered version, mark the response published.

``publish`` is the one write path for versions (run by the task worker for the publish form,
through ``request_publication`` and ``complete``; and by ``manage.py publish``). The PDF is
rendered outside any transaction and lock, within the render bounds (document/pdf.py: a render
past them ends with ``TooComplex`` and nothing is written): the response's state is read at one
revision, its interchange file and PDF made from it as published, and the version is written only
if the response is still at that revision when its row is locked. An edit in between means the
work is done again on the new state (``ATTEMPTS`` times at most). So the version holds exactly the
PDF of the state it records, and two publications of one response cannot take the same number.
"""

import copy
import datetime
import hashlib

from django.db import models, transaction
from django.utils import timezone

from core.audit import acting_as
from document import checks
from document.pdf import TooComplex, render_pdf
from evidence import services as evidence
from interchange.exporter import export_response
from responses.models import ManagementResponse, ResponseVersion

from .models import Publication

ATTEMPTS = 3
# A publication pending for longer than this lost its task (the render bound is minutes).
STALE_AFTER = datetime.timedelta(hours=1)


class PublicationBlocked(Exception):
    """The checks found errors and nobody (allowed to) overrode them."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{e.item}: {e.message}" for e in errors))
        self.errors = errors


class OverrideNotAllowed(Exception):
    """Only an administrator may publish over errors."""


class KeptChanging(Exception):
    """The response changed while its version was being made, ``ATTEMPTS`` times in a row."""


def may_override(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check(response, *, user=None, override_reason=""):
    """The checks' errors, or ``PublicationBlocked`` / ``OverrideNotAllowed`` when they may not be overridden."""
    override_reason = (override_reason or "").strip()
    if override_reason and not may_override(user):
        raise OverrideNotAllowed
    errors = checks.errors(checks.run_checks(response))
    if errors and not override_reason:
        raise PublicationBlocked(errors)
    return errors


def publish(*, response, user=None, note, override_reason="", on_written=None) -> ResponseVersion:
    """Freeze the next version of ``response``: its interchange file, its PDF and the PDF's SHA-256,
    and its evidence list with each file's SHA-256.

    Refused with ``PublicationBlocked`` while the checks (document/checks.py) find errors,
    unless an administrator gives ``override_reason``, which the version records together with
    the errors it overrode. Warnings never block. The response becomes published, dated today.
    ``TooComplex`` when the PDF cannot be made within its bounds; ``KeptChanging`` when the
    response changed under every attempt. Either way nothing is written. ``on_written(version)``
    runs inside the transaction that writes the version (a publication records it there, so a
    worker that dies after the commit cannot publish it twice).
    """
    override_reason = (override_reason or "").strip()
    for _attempt in range(ATTEMPTS):
        current = ManagementResponse.objects.get(pk=response.pk)
        errors = check(current, user=user, override_reason=override_reason)
        # The frozen file and PDF carry the published status and date: made from a copy that has them.
        published = copy.copy(current)
        published.status = ManagementResponse.Status.PUBLISHED
        published.published_on = timezone.localdate()
        snapshot = export_response(published)
        data = render_pdf(published)
        version = _write(response, current.revision, user, note, override_reason, errors, snapshot, data, on_written)
        if version is not None:
            return version
    raise KeptChanging


@transaction.atomic
def _write(given, revision, user, note, override_reason, errors, snapshot, data, on_written):
    """The version and the response's new status, if the response is still at ``revision``; else None."""
    response = ManagementResponse.objects.select_for_update().get(pk=given.pk)
    if response.revision != revision:
        return None  # edited meanwhile: the caller makes the file and PDF again
    response.status = ManagementResponse.Status.PUBLISHED
    response.published_on = timezone.localdate()
    response.version += 1  # open edit forms are now stale (the row is locked: no lost update)
    if user is not None and user.is_authenticated:
        response.updated_by = user
    response.save()
    # The caller's object too, so that a later save of it does not put the old status back.
    for field in ("status", "published_on", "version", "updated_by_id", "updated_at"):
        setattr(given, field, getattr(response, field))
    last = response.published_versions.aggregate(n=models.Max("number"))["n"] or 0
    version = ResponseVersion.objects.create(
        response=response,
        number=last + 1,
        published_by=user if user is not None and user.is_authenticated else None,
        published_by_name=(user.get_full_name() or user.get_username()) if user is not None else "",
        note=note,
        override_reason=override_reason if errors else "",
        overridden_errors=[f"{e.item}: {e.message}" for e in errors],
        snapshot=snapshot,
        pdf=data,
        sha256=sha256(data),
    )
    # The evidence list as it is now, with each file's SHA-256 (the snapshot lists it too):
    # /verify/ and verify_pdf recognise those files as this version's.
    evidence.freeze(version)
    if on_written is not None:
        on_written(version)
    return version


# --- publishing from the web: in the task worker ----------------------------------------


def request_publication(*, response, user, note, override_reason="") -> Publication:
    """Check now (the form shows the errors at once), then queue the publication for the task
    worker: the request answers at once, the version is made when its PDF is ready. While one is
    pending for a response, asking again gives that one."""
    check(response, user=user, override_reason=override_reason)
    from .tasks import publish_task

    with transaction.atomic():
        ManagementResponse.objects.select_for_update().only("pk").get(pk=response.pk)
        pending = Publication.objects.filter(response=response, status=Publication.Status.PENDING).first()
        if pending is not None and pending.requested_at >= timezone.now() - STALE_AFTER:
            return pending
        if pending is not None:  # its task was lost (a worker gone for good): it will not finish now
            pending.fail("lost")
        publication = Publication.objects.create(
            response=response,
            requested_by=user if user.is_authenticated else None,
            note=note,
            override_reason=(override_reason or "").strip(),
        )
        transaction.on_commit(lambda: publish_task.enqueue(publication.pk))
    return publication


def complete(publication_id: int) -> str:
    """The task's work: publish what ``request_publication`` queued; the publication records the
    version, or why there is none (the checks, the render bounds, edits that kept coming)."""
    publication = Publication.objects.select_related("response", "requested_by").filter(pk=publication_id).first()
    if publication is None or publication.status != Publication.Status.PENDING:
        return "gone"
    try:
        with acting_as(publication.requested_by):  # the audit trail names who asked, as on the web
            version = publish(
                response=publication.response,
                user=publication.requested_by,
                note=publication.note,
                override_reason=publication.override_reason,
                on_written=publication.succeed,
            )
    except PublicationBlocked as blocked:
        publication.fail("blocked", errors=[f"{e.item}: {e.message}" for e in blocked.errors])
    except OverrideNotAllowed:
        publication.fail("override")
    except TooComplex as error:
        publication.fail("too_complex", reason=error.reason, detail=error.detail)
    except KeptChanging:
        publication.fail("changing")
    except Exception:
        publication.fail("lost")  # the page says so; the task's own record keeps the traceback
        raise
    else:
        return f"version {version.number}"
    return "failed"


def find_version(data: bytes) -> ResponseVersion | None:
    """The published version whose PDF is exactly ``data`` (by SHA-256), or None."""
    return ResponseVersion.objects.select_related("response").filter(sha256=sha256(data)).order_by("pk").first()
