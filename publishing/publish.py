"""Publishing a response: check it, freeze a numbered version, mark the response published.

``publish`` is the one write path for versions (the publish form, ``manage.py publish``).
It renders the PDF synchronously, inside the transaction: publishing is a deliberate, rare
act, and the version must hold the PDF exactly as it went out before anyone can download it.
The response row is locked meanwhile, so two publications of one response cannot take the
same number.
"""

import hashlib

from django.db import models, transaction
from django.utils import timezone

from document import checks
from document.pdf import render_pdf
from evidence import services as evidence
from interchange.exporter import export_response
from responses.models import ManagementResponse, ResponseVersion


class PublicationBlocked(Exception):
    """The checks found errors and nobody (allowed to) overrode them."""

    def __init__(self, errors):
        super().__init__("; ".join(f"{e.item}: {e.message}" for e in errors))
        self.errors = errors


class OverrideNotAllowed(Exception):
    """Only an administrator may publish over errors."""


def may_override(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@transaction.atomic
def publish(*, response, user=None, note, override_reason="") -> ResponseVersion:
    """Freeze the next version of ``response``: its interchange file, its PDF and the PDF's SHA-256,
    and its evidence list with each file's SHA-256.

    Refused with ``PublicationBlocked`` while the checks (document/checks.py) find errors,
    unless an administrator gives ``override_reason``, which the version records together with
    the errors it overrode. Warnings never block. The response becomes published, dated today.
    """
    override_reason = (override_reason or "").strip()
    if override_reason and not may_override(user):
        raise OverrideNotAllowed
    given, response = response, ManagementResponse.objects.select_for_update().get(pk=response.pk)
    errors = checks.errors(checks.run_checks(response))
    if errors and not override_reason:
        raise PublicationBlocked(errors)

    # The response first: the frozen file and PDF carry its status and publication date.
    response.status = ManagementResponse.Status.PUBLISHED
    response.published_on = timezone.localdate()
    response.version += 1  # open edit forms are now stale (the row is locked: no lost update)
    if user is not None and user.is_authenticated:
        response.updated_by = user
    response.save()
    # The caller's object too, so that a later save of it does not put the old status back.
    for field in ("status", "published_on", "version", "updated_by_id", "updated_at"):
        setattr(given, field, getattr(response, field))

    data = render_pdf(response)
    last = response.published_versions.aggregate(n=models.Max("number"))["n"] or 0
    version = ResponseVersion.objects.create(
        response=response,
        number=last + 1,
        published_by=user if user is not None and user.is_authenticated else None,
        published_by_name=(user.get_full_name() or user.get_username()) if user is not None else "",
        note=note,
        override_reason=override_reason if errors else "",
        overridden_errors=[f"{e.item}: {e.message}" for e in errors],
        snapshot=export_response(response),
        pdf=data,
        sha256=sha256(data),
    )
    # The evidence list as it is now, with each file's SHA-256 (the snapshot lists it too):
    # /verify/ and verify_pdf recognise those files as this version's.
    evidence.freeze(version)
    return version


def find_version(data: bytes) -> ResponseVersion | None:
    """The published version whose PDF is exactly ``data`` (by SHA-256), or None."""
    return ResponseVersion.objects.select_related("response").filter(sha256=sha256(data)).order_by("pk").first()
