"""Carry the global role groups of before over to roles per response.

Until now a member of the group *Evaluatiemedewerkers*, *Projectteam* or *Lezers* had that
role on every response. So that nobody loses access on upgrade, each of them gets that role
on every existing response (one role per response: evaluation staff before project team
before reader, for someone in several groups). Administrators then narrow it down on each
response's People page. New responses follow the new rules.
"""

from django.db import migrations

PRECEDENCE = [("Lezers", "reader"), ("Projectteam", "project_team"), ("Evaluatiemedewerkers", "evaluation_staff")]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Membership = apps.get_model("core", "Membership")
    ManagementResponse = apps.get_model("responses", "ManagementResponse")
    roles = {}
    for name, role in PRECEDENCE:  # later entries win
        group = Group.objects.filter(name=name).first()
        if group is not None:
            for user_id in group.user_set.values_list("pk", flat=True):
                roles[user_id] = role
    responses = list(ManagementResponse.objects.values_list("pk", flat=True))
    existing = set(Membership.objects.values_list("user_id", "response_id"))
    Membership.objects.bulk_create(
        Membership(user_id=user_id, response_id=response_id, role=role)
        for user_id, role in roles.items()
        for response_id in responses
        if (user_id, response_id) not in existing
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_membership"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
