"""The roles of the application as Django groups, with their permissions.

Run through ``python manage.py setup_roles`` (idempotent; the demo loader calls it
too). Administrators are superusers and need no group.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

EVALUATION_STAFF = "Evaluatiemedewerkers"
PROJECT_TEAM = "Projectteam"
READERS = "Lezers"

READ = [
    "responses.view_managementresponse",
    "recommendations.view_recommendationgroup",
    "recommendations.view_theme",
    "recommendations.view_recommendation",
    "actions.view_action",
    "actions.view_actionlink",
    "actions.view_progressupdate",
]

ROLES = {
    # The evaluation function: enters the report's recommendations, sets and revises agreement.
    EVALUATION_STAFF: READ
    + [
        "responses.add_managementresponse",
        "responses.change_managementresponse",
        "recommendations.add_recommendationgroup",
        "recommendations.change_recommendationgroup",
        "recommendations.delete_recommendationgroup",
        "recommendations.add_theme",
        "recommendations.change_theme",
        "recommendations.delete_theme",
        "recommendations.add_recommendation",
        "recommendations.change_recommendation",
        "recommendations.delete_recommendation",
        "recommendations.change_agreement",
        "actions.add_actionlink",
        "actions.change_actionlink",
        "actions.delete_actionlink",
    ],
    # The team that owns the programme: writes actions, updates their status and progress.
    PROJECT_TEAM: READ
    + [
        "actions.add_action",
        "actions.change_action",
        "actions.delete_action",
        "actions.change_status",
        "actions.add_actionlink",
        "actions.change_actionlink",
        "actions.delete_actionlink",
    ],
    # Management and partners: read everything, drafts included.
    READERS: READ,
}

ROLE_DESCRIPTIONS = {
    EVALUATION_STAFF: _("evaluatiemedewerker"),
    PROJECT_TEAM: _("projectteam"),
    READERS: _("lezer"),
}


@transaction.atomic
def ensure_roles():
    """Create or update the role groups so that each has exactly its permissions."""
    groups = {}
    for name, codenames in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        permissions = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(permissions)
        groups[name] = group
    return groups
