"""The membership tables take this app's names, and their content types follow them, so that the
permissions and admin log entries that point at them stay attached."""

from django.db import migrations


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("membership", "historicalmembership"):
        if not ContentType.objects.filter(app_label="responses", model=model).exists():
            ContentType.objects.filter(app_label="core", model=model).update(app_label="responses")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("membership", "historicalmembership"):
        if not ContentType.objects.filter(app_label="core", model=model).exists():
            ContentType.objects.filter(app_label="responses", model=model).update(app_label="core")


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0009_membership"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelTable(name="membership", table=None),
        migrations.AlterModelTable(name="historicalmembership", table=None),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
