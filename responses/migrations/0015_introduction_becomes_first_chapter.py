"""Each response's introduction becomes its first chapter, before the recommendations (issue 20).

Headed as the layout printed it (the table: "I. Inleiding" in the document's language, even
without text; the matrix: no heading, and no chapter without text). The audit trail follows: the
response's records of its introduction become the chapter's records (same dates and users), and
the response's records no longer list the field. Migration 0016 then removes the field.

Reversible: the first chapter, when it is such a chapter, goes back into the introduction.
"""

from django.db import migrations
from django.db.models import F
from django.utils import translation

# As the layouts printed the introduction when this was written (responses/layouts.py).
HEADINGS = {"table": "I. Inleiding"}
FIELDS = ("introduction", "introduction_html")


def heading_of(response):
    heading = HEADINGS.get(response.layout, "")
    if heading:
        with translation.override(response.language):
            heading = translation.gettext(heading)
    return heading


def without_introduction(changes):
    if not changes:
        return changes
    changes = {key: value for key, value in changes.items() if key not in FIELDS}
    return changes or None


def forwards(apps, schema_editor):
    Response = apps.get_model("responses", "ManagementResponse")
    Chapter = apps.get_model("responses", "Chapter")
    HistoricalResponse = apps.get_model("responses", "HistoricalManagementResponse")
    HistoricalChapter = apps.get_model("responses", "HistoricalChapter")
    for response in Response.objects.order_by("pk").iterator():
        heading = heading_of(response)
        records = list(HistoricalResponse.objects.filter(id=response.pk).order_by("history_date", "history_id"))
        if heading or response.introduction or any(r.introduction for r in records):
            # First: the chapters already there move one place down (their past too).
            Chapter.objects.filter(response=response).update(order=F("order") + 1)
            HistoricalChapter.objects.filter(response_id=response.pk).update(order=F("order") + 1)
            chapter = Chapter.objects.create(
                response=response,
                placement="before",
                heading=heading,
                body=response.introduction,
                body_html=response.introduction_html,
                order=0,
                updated_by_id=response.updated_by_id,
            )
            version, previous = 0, None
            for record in records:
                if record.history_type == "-" or record.introduction == previous:
                    continue
                version += 1
                if previous is None:
                    changes = {"placement": [None, "before"]}
                    changes |= {"heading": [None, heading]} if heading else {}
                    changes |= {"body": [None, record.introduction]} if record.introduction else {}
                    kind = "+"
                else:
                    changes, kind = {"body": [previous, record.introduction]}, "~"
                HistoricalChapter.objects.create(
                    id=chapter.pk,
                    response_id=response.pk,
                    history_response_id=response.pk,
                    placement="before",
                    heading=heading,
                    body=record.introduction,
                    body_html=record.introduction_html,
                    order=0,
                    version=version,
                    updated_at=record.updated_at,
                    updated_by_id=record.updated_by_id,
                    history_date=record.history_date,
                    history_user_id=record.history_user_id,
                    history_type=kind,
                    history_changes=changes,
                )
                previous = record.introduction
            Chapter.objects.filter(pk=chapter.pk).update(version=max(version, 1))
    # The response's records no longer list the field (also those of responses deleted since).
    for record in HistoricalResponse.objects.filter(history_changes__isnull=False).iterator():
        changes = without_introduction(record.history_changes)
        if changes != record.history_changes:
            HistoricalResponse.objects.filter(history_id=record.history_id).update(history_changes=changes)


def backwards(apps, schema_editor):
    Response = apps.get_model("responses", "ManagementResponse")
    Chapter = apps.get_model("responses", "Chapter")
    HistoricalResponse = apps.get_model("responses", "HistoricalManagementResponse")
    HistoricalChapter = apps.get_model("responses", "HistoricalChapter")
    for response in Response.objects.order_by("pk").iterator():
        first = Chapter.objects.filter(response=response).order_by("order", "pk").first()
        expected = heading_of(response)
        if first is None or first.placement != "before" or first.heading != expected:
            continue
        if not expected and not first.body:
            continue  # the matrix made no chapter of an empty introduction
        Response.objects.filter(pk=response.pk).update(introduction=first.body, introduction_html=first.body_html)
        # The response's records take the introduction as the chapter's records had it at their date.
        past = list(HistoricalChapter.objects.filter(id=first.pk).order_by("history_date", "history_id"))
        for record in HistoricalResponse.objects.filter(id=response.pk).iterator():
            then = [c for c in past if c.history_date <= record.history_date and c.history_type != "-"]
            if then:
                HistoricalResponse.objects.filter(history_id=record.history_id).update(
                    introduction=then[-1].body, introduction_html=then[-1].body_html
                )
        HistoricalChapter.objects.filter(id=first.pk).delete()
        first.delete()
        Chapter.objects.filter(response=response).update(order=F("order") - 1)
        HistoricalChapter.objects.filter(response_id=response.pk, order__gt=0).update(order=F("order") - 1)


class Migration(migrations.Migration):
    dependencies = [
        ("responses", "0014_chapters_cover_vocabulary_columns"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
