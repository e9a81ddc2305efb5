"""Reminders: each owner gets one digest of their overdue actions and those due soon.

``send_reminders(today=..., days=N)`` is what ``manage.py send_reminders`` runs. A digest is
identified by the state it reports (each action, its status and due date); the same state is
never sent twice to the same person on the same day (``ReminderLog``), so running the command
more than once a day is harmless, and a change during the day (a new overdue action) does
send a new digest.
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from actions.models import Action
from responses.models import Membership

from .models import ReminderLog


@dataclass
class Digest:
    user: object
    overdue: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)

    @property
    def key(self):
        state = sorted(
            (kind, a.pk, a.effective_status, str(a.deadline))
            for kind, rows in (("overdue", self.overdue), ("soon", self.due_soon))
            for a in rows
        )
        return hashlib.sha256(repr(state).encode()).hexdigest()


def digests(*, today, days):
    """One ``Digest`` per owner with something to report, for actions of responses they are still a member of."""
    horizon = today + datetime.timedelta(days=days)
    actions = (
        Action.objects.open()
        .filter(deadline__lte=horizon)
        .select_related("response", "parent")
        .prefetch_related("owners")
        .order_by("deadline", "response__title", "order", "pk")
    )
    memberships = set(Membership.objects.values_list("user_id", "response_id"))
    by_user = {}
    for action in actions:
        for user in action.owners.all():
            if not (user.is_active and user.email) or (user.pk, action.response_id) not in memberships:
                continue
            digest = by_user.setdefault(user.pk, Digest(user=user))
            (digest.overdue if action.is_overdue(today) else digest.due_soon).append(action)
    return list(by_user.values())


def send_reminders(*, today=None, days=7):
    """Send the digests; returns (sent, skipped as already sent today)."""
    today = today or timezone.localdate()
    sent = skipped = 0
    for digest in digests(today=today, days=days):
        try:
            with transaction.atomic():
                ReminderLog.objects.create(user=digest.user, date=today, digest=digest.key)
                context = {"digest": digest, "site_url": settings.SITE_URL, "today": today, "days": days}
                subject = render_to_string("tracking/reminder_subject.txt", context).strip()
                body = render_to_string("tracking/reminder_email.txt", context)
                EmailMessage(subject, body, to=[digest.user.email]).send()
        except IntegrityError:  # the same state went out today already
            skipped += 1
            continue
        sent += 1
    return sent, skipped
