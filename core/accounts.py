"""Accounts: login throttling (django-axes) and what a locked-out user is shown.

django-axes locks a username from one address after ``AXES_FAILURE_LIMIT`` failures
(``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]``). It has one limit for all its
lockout parameters, so it cannot also lock an address that tries many usernames a few times
each (password spraying) at a higher limit. ``LoginThrottle``, its database handler with a
second limit (``AXES_HANDLER``), does: once ``AXES_ADDRESS_FAILURE_LIMIT`` failures from one
address fall within the cool-off, that address is locked for every username. It counts the
attempts axes records anyway (``AccessAttempt``), so the admin's *Axes* pages show them and
``manage.py axes_reset_ip`` (or ``axes_reset``) lifts the lock.
"""

import math

from axes.attempts import get_cool_off_threshold
from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render


def address_failure_limit():
    """Failures from one address (all usernames together) that lock it; 0 or None: no such limit."""
    return getattr(settings, "AXES_ADDRESS_FAILURE_LIMIT", None)


def address_failures(request):
    """Failed logins from the request's address within the cool-off, for every username."""
    attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)
    if get_cool_off(request) is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_locked(request):
    limit = address_failure_limit()
    if not limit or not axes_settings.AXES_LOCK_OUT_AT_FAILURE or not getattr(request, "axes_ip_address", None):
        return False
    return address_failures(request) >= limit


class LoginThrottle(AxesDatabaseHandler):
    """django-axes' database handler, with the per-address limit besides the per-username one."""

    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        if address_locked(request):
            request.axes_address_locked = True  # the lockout page says why
            return True
        return False

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.is_whitelisted(request, credentials) or not address_locked(request):
            return
        # This failure reached the address's limit: the answer is the lockout page already.
        request.axes_locked_out = True
        request.axes_address_locked = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )


def lockout_response(request, original_response=None, credentials=None):
    """The login page's answer once a username and address, or a whole address, are locked
    (AXES_LOCKOUT_CALLABLE): why, and until when."""
    cool_off = get_cool_off(request)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else None
    context = {"minutes": minutes, "whole_address": getattr(request, "axes_address_locked", False)}
    return render(request, "registration/locked_out.html", context, status=429)
