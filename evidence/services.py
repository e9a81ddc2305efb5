"""The workflows of evidence and validation: adding and removing evidence, validating a claimed
status or sending it back (with a progress entry, a decision on the trail and a mail to the owners),
freezing the evidence list into a published version, and finding a frozen file by its SHA-256."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from actions.models import AWAITING, Action, ProgressUpdate
from core import revision
from core.editing import save_if_unchanged

from . import filetypes, storage
from .models import Evidence, FrozenEvidence, ValidationDecision


class NotAwaiting(Exception):
    """The action has no claim awaiting validation (someone decided already, or the status changed)."""


def name_of(user):
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def add_file(*, action, user, title, date, upload, progress_update=None) -> Evidence:
    """Check ``upload`` by its content (``filetypes``; ValidationError when refused), store it under a
    random key and record it."""
    name = filetypes.check_name(upload.name)
    kind = filetypes.identify(upload)
    sha256 = storage.sha256_of(upload)
    key = storage.save(storage.new_key(action.response_id, action.pk, kind.extension), upload)
    try:
        return Evidence.objects.create(
            action=action,
            progress_update=progress_update,
            evidence_kind=Evidence.Kind.FILE,
            title=title,
            date=date,
            file_name=name,
            storage_key=key,
            content_type=kind.content_type,
            size=upload.size,
            sha256=sha256,
            added_by=user,
            updated_by=user,
        )
    except Exception:
        storage.evidence_storage().delete(key)  # no row, no orphan bytes
        raise


def add_link(*, action, user, title, date, url, progress_update=None) -> Evidence:
    return Evidence.objects.create(
        action=action,
        progress_update=progress_update,
        evidence_kind=Evidence.Kind.LINK,
        title=title,
        date=date,
        url=url,
        added_by=user,
        updated_by=user,
    )


def remove(*, evidence, user, base_version):
    """Take evidence off the action; the row and the bytes stay (audit trail, published versions).
    ``StaleEdit`` when someone changed it since."""
    evidence.removed_at = timezone.now()
    evidence.removed_by = user
    save_if_unchanged(evidence, base_version=base_version, user=user, fields=["removed_at", "removed_by"])


@transaction.atomic
def decide(*, action, user, validated, comment, base_version) -> ValidationDecision:
    """Validate the action's claimed status, or send it back: the status returns to what it was, a
    progress entry says so with the comment, and the owners are told by e-mail (after the commit).
    ``NotAwaiting`` when there is no claim to decide on; ``StaleEdit`` when the action changed
    since the decision was shown."""
    action = Action.objects.select_for_update().select_related("response").get(pk=action.pk)
    if action.validation_state != AWAITING:
        raise NotAwaiting
    claimed = action.status
    with revision.batch():
        action.settle_claim(validated=validated)
        save_if_unchanged(
            action,
            base_version=base_version,
            user=user,
            fields=["status", "validation_state", "status_before_claim"],
        )
        decision = ValidationDecision.objects.create(
            action=action,
            decision=ValidationDecision.Decision.VALIDATED if validated else ValidationDecision.Decision.SENT_BACK,
            claimed_status=claimed,
            comment=comment,
            decided_by=user,
            decided_by_name=name_of(user),
        )
        if not validated:
            ProgressUpdate.objects.create(
                action=action,
                status=action.status,
                status_note=action.status_note,
                note=sent_back_note(claimed, comment),
                author=user,
            )
    if not validated:
        transaction.on_commit(lambda: mail_owners(action, decision))
    return decision


def sent_back_note(claimed, comment):
    with translation.override(settings.LANGUAGE_CODE):
        label = Action.Status(claimed).label if claimed in Action.Status.values else claimed
        text = translation.gettext("Teruggestuurd door de evaluatiemedewerkers (geclaimd: %(status)s).") % {
            "status": label
        }
    return f"{text}\n\n{comment}" if comment else text


def mail_owners(action, decision):
    """One e-mail to each owner of the action with an address: the claim was sent back, and why."""
    owners = [user for user in action.owners.all() if user.is_active and user.email]
    for owner in owners:
        context = {"action": action, "decision": decision, "owner": owner, "site_url": settings.SITE_URL}
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("evidence/sent_back_subject.txt", context).strip()
            body = render_to_string("evidence/sent_back_email.txt", context)
        EmailMessage(subject, body, to=[owner.email]).send()
    return len(owners)


def evidence_of(actions):
    """{action id: [Evidence]} of ``actions`` (not removed), in order: one query."""
    found: dict[int, list] = {}
    for item in Evidence.objects.current().filter(action__in=actions).order_by("date", "added_at", "pk"):
        found.setdefault(item.action_id, []).append(item)
    return found


def freeze(version):
    """Freeze the evidence list of ``version``'s response (publishing.publish calls it with the new
    version): every current file and link of every action, with the file's SHA-256."""
    actions = Action.objects.filter(response_id=version.response_id).select_related("parent")
    numbers = {action.pk: action for action in actions}
    rows = []
    for item in (
        Evidence.objects.current()
        .filter(action__response_id=version.response_id)
        .order_by("action__order", "action_id", "date", "added_at", "pk")
    ):
        action = numbers[item.action_id]
        rows.append(
            FrozenEvidence(
                version=version,
                action_number=action.number,
                validation_state=action.effective_validation_state,
                evidence_kind=item.evidence_kind,
                title=item.title,
                date=item.date,
                url=item.url,
                file_name=item.file_name,
                size=item.size,
                sha256=item.sha256,
            )
        )
    for row in rows:
        row.save()
    return rows


@dataclass
class FrozenMatch:
    version: object
    description: str


def frozen_matches(sha256):
    """The published versions that froze a file with this SHA-256 (responses.versions' lookup)."""
    matches = []
    for row in (
        FrozenEvidence.objects.filter(sha256=sha256)
        .select_related("version__response")
        .defer("version__pdf", "version__snapshot")
        .order_by("pk")
    ):
        description = translation.gettext("bewijsstuk „%(title)s” (%(name)s) van actie %(number)s") % {
            "title": row.title,
            "name": row.file_name,
            "number": row.action_number,
        }
        matches.append(FrozenMatch(version=row.version, description=description))
    return matches
