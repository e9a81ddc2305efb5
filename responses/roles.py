"""The global role left once roles are granted per response: who may *start* a response.

What a user may do inside a response is their membership of it (``responses.models.Membership``,
decided in ``responses.permissions``). One thing has no response yet to be a member of: starting
one. That is the *Evaluatiemedewerkers* group. Run through ``python manage.py setup_roles``
(idempotent; the demo loader calls it too). Administrators are superusers and need no group.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

EVALUATION_STAFF = "Evaluatiemedewerkers"

# The global groups of before roles per response: their permissions no longer decide
# anything, and leaving them would suggest otherwise.
OBSOLETE = ["Projectteam", "Lezers"]

ROLES = {
    # The evaluation function starts responses (and becomes their evaluation staff).
    EVALUATION_STAFF: ["responses.add_managementresponse"],
}


@transaction.atomic
def ensure_roles():
    """Create or update the role groups so that each has exactly its permissions; drop obsolete ones."""
    Group.objects.filter(name__in=OBSOLETE).delete()
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
