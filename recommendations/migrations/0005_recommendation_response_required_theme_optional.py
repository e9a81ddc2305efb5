import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0004_backfill_recommendation_response")]

    operations = [
        migrations.AlterField(
            model_name='recommendation',
            name='response',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='recommendations', to='responses.managementresponse', verbose_name='managementresponse'),
        ),
        migrations.AddField(
            model_name='recommendation',
            name='response_text',
            field=models.TextField(blank=True, help_text='Wat het management doet met de aanbeveling en waarom; Markdown.', max_length=20000, verbose_name='managementrespons'),
        ),
        migrations.AlterField(
            model_name='recommendation',
            name='theme',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='recommendations', to='recommendations.theme', verbose_name='thema'),
        ),
        migrations.AddConstraint(
            model_name='recommendation',
            constraint=models.UniqueConstraint(condition=models.Q(('theme__isnull', True)), fields=('response', 'order'), name='recommendation_order_unique_without_theme'),
        ),
    ]
