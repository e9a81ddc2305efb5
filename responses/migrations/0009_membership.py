"""Membership moves from ``core`` to ``responses``: the response is the root of the domain, and who
has which role on it belongs beside it (``core`` keeps only mechanisms that know no app).

This migration replaces ``core.0001_membership`` and ``core.0002_memberships_from_global_groups``.
A database that applied those is marked as having applied this one (Django's ``replaces``), and
keeps its tables, named ``core_membership`` and ``core_historicalmembership`` here; a new database
creates them under those names. The next migration renames both to this app's names and moves
their content types (and so their permissions and admin log entries) along.

The data step of ``core.0002``, kept for a database that still had the old global groups: each
member of *Evaluatiemedewerkers*, *Projectteam* or *Lezers* gets that role on every existing
response, so that nobody loses access on upgrade.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

PRECEDENCE = [("Lezers", "reader"), ("Projectteam", "project_team"), ("Evaluatiemedewerkers", "evaluation_staff")]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Membership = apps.get_model("responses", "Membership")
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

    replaces = [
        ("core", "0001_membership"),
        ("core", "0002_memberships_from_global_groups"),
    ]

    dependencies = [
        ("responses", "0008_responseversion"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalMembership',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_response_id', models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name='managementresponse')),
                ('history_changes', models.JSONField(blank=True, null=True, verbose_name='wijzigingen')),
                ('role', models.CharField(choices=[('evaluation_staff', 'evaluatiemedewerker'), ('project_team', 'projectteam'), ('reader', 'lezer')], max_length=20, verbose_name='rol')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='aangemaakt op')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('response', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='responses.managementresponse', verbose_name='managementresponse')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='gebruiker')),
            ],
            options={
                'verbose_name': 'historical lidmaatschap',
                'verbose_name_plural': 'historical lidmaatschappen',
                'ordering': ('-history_date', '-history_id'),
                'db_table': 'core_historicalmembership',
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('evaluation_staff', 'evaluatiemedewerker'), ('project_team', 'projectteam'), ('reader', 'lezer')], max_length=20, verbose_name='rol')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='aangemaakt op')),
                ('response', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='responses.managementresponse', verbose_name='managementresponse')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL, verbose_name='gebruiker')),
            ],
            options={
                'verbose_name': 'lidmaatschap',
                'verbose_name_plural': 'lidmaatschappen',
                'ordering': ['response', 'role', 'user__username'],
                'db_table': 'core_membership',
                'constraints': [models.UniqueConstraint(fields=('user', 'response'), name='membership_one_role_per_response'), models.CheckConstraint(condition=models.Q(('role__in', ['evaluation_staff', 'project_team', 'reader'])), name='membership_role_valid')],
            },
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
