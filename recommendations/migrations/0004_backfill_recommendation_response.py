from django.db import migrations, models


def backfill_response(apps, schema_editor):
    """Every existing recommendation has a theme: its response is the theme's group's."""
    Recommendation = apps.get_model("recommendations", "Recommendation")
    Theme = apps.get_model("recommendations", "Theme")
    Recommendation.objects.update(
        response_id=models.Subquery(Theme.objects.filter(pk=models.OuterRef("theme_id")).values("group__response_id"))
    )


class Migration(migrations.Migration):
    # Its own migration (and transaction): PostgreSQL refuses to alter a table with pending
    # foreign-key checks from the update.
    dependencies = [("recommendations", "0003_recommendation_response_number_text")]

    operations = [migrations.RunPython(backfill_response, migrations.RunPython.noop)]
