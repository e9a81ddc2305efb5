"""Accounts: what django-axes shows a locked-out user."""

import math

from axes.helpers import get_cool_off
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    """The login page's answer once a username and address are locked (AXES_LOCKOUT_CALLABLE): why, and until when."""
    cool_off = get_cool_off(request)
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else None
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
