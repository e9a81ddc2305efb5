"""Workflows over a whole response: start a blank one (a file or a copy: interchange/services.py),
withdraw a published one."""

from django.db import transaction
from django.utils.text import slugify

from . import permissions
from .layouts import introduction_chapter
from .models import Chapter, ManagementResponse, Withdrawal


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
    """A blank response from the new-response form; its creator becomes its evaluation staff.

    A layout that heads its introduction (the table's "I. Inleiding") starts with that chapter,
    empty, as its document has always printed it."""
    response = form.save(commit=False)
    if not response.slug:
        response.slug = unique_slug(response.title)
    response.updated_by = user
    response.save()
    first = introduction_chapter(response.layout, response.language, "")
    if first:
        Chapter.objects.create(response=response, order=0, updated_by=user, **first)
    permissions.on_response_created(response, user)
    return response


class NotWithdrawable(Exception):
    """Only a published response can be withdrawn."""


@transaction.atomic
def withdraw(*, response, user, reason) -> Withdrawal:
    """Take a published response back: it becomes *ingetrokken*, read like a draft (members and
    administrators only), and ``reason`` is kept with who and when (``Withdrawal``, on the audit trail).

    Its published versions stay, byte for byte, and still verify: a published PDF stays provably
    ours. Publishing a new version publishes the response again. Refused (``NotWithdrawable``)
    unless the response is published; the row is locked meanwhile, as publishing locks it.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a withdrawal needs a reason")
    given, response = response, ManagementResponse.objects.select_for_update().get(pk=response.pk)
    if not response.is_published:
        raise NotWithdrawable
    known = user is not None and user.is_authenticated
    response.status = ManagementResponse.Status.WITHDRAWN
    response.version += 1  # open edit forms are now stale
    if known:
        response.updated_by = user
    response.save()
    # The caller's object too, so that a later save of it does not put the old status back.
    for field in ("status", "version", "updated_by_id", "updated_at"):
        setattr(given, field, getattr(response, field))
    return Withdrawal.objects.create(
        response=response,
        reason=reason,
        withdrawn_by=user if known else None,
        withdrawn_by_name=(user.get_full_name() or user.get_username()) if known else "",
    )
