"""Reading a document into a draft: store the upload and queue its reading, read it in the task
worker, and create the draft from the accepted review through the interchange importer."""

import dataclasses
import hashlib
import logging

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from interchange.services import import_upload
from responses.services import unique_slug

from . import review, storage
from .models import Original, Reading
from .read import read_document
from .source import Unreadable

logger = logging.getLogger(__name__)

STARTED = 10  # the progress a claimed reading shows (the reader reports none of its own)


class StaleReview(Exception):
    """The review was accepted already (or the reading changed) since the page was loaded."""


def start_reading(*, upload, file_type, layout: str, user) -> Reading:
    """Store the upload's bytes and queue their reading: the rows and the task in one transaction;
    the bytes are removed again when that transaction fails (no file without its row)."""
    from .tasks import read_document_task

    key = storage.save(storage.new_key(file_type.extension), upload)
    try:
        with transaction.atomic():
            original = Original.objects.create(
                storage_key=key,
                file_name=upload.name,
                size=upload.size,
                content_type=file_type.content_type,
                sha256=storage_sha256(upload),
                uploaded_by=user,
            )
            reading = Reading.objects.create(original=original, file_name=upload.name, layout=layout, created_by=user)
            # The task row is written in this transaction too (the database backend): both or neither.
            read_document_task.enqueue(str(reading.pk))
    except Exception:
        storage.delete(key)
        raise
    return reading


def storage_sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def found_as_json(found) -> dict:
    """A ``Found`` as the JSON the reading keeps (dates as ISO text, tuples as lists)."""
    import json

    return json.loads(json.dumps(dataclasses.asdict(found), cls=DjangoJSONEncoder))


def run_reading(reading_id: str) -> str:
    """The task's work: read the stored document, keep what was found (or why it could not be read).

    The row is claimed first (waiting or reading -> reading: a task run again after its worker died
    finds it reading); a reading that already ended is left alone. A document that cannot be read
    leaves nothing behind but the message: its bytes and its ``Original`` are removed.
    """
    claimed = Reading.objects.filter(pk=reading_id, state__in=[Reading.State.WAITING, Reading.State.READING]).update(
        state=Reading.State.READING, started_at=timezone.now(), progress=STARTED
    )
    if not claimed:
        reading = Reading.objects.filter(pk=reading_id).only("state").first()
        return reading.state if reading else "missing"
    reading = Reading.objects.select_related("original").get(pk=reading_id)
    original = reading.original
    try:
        if original is None:
            raise Unreadable(_("Het opgeslagen document is er niet meer; laad het opnieuw op."))
        data = storage.read(original.storage_key)
        if hashlib.sha256(data).hexdigest() != original.sha256:
            raise Unreadable(_("Het opgeslagen document is beschadigd; laad het opnieuw op."))
        found = read_document(data, original.file_name, layout=reading.layout)
    except Unreadable as exc:
        _fail(reading, exc.message)
        return Reading.State.FAILED
    except Exception:
        logger.exception("Reading %s (%s) failed", reading.pk, reading.file_name)
        _fail(reading, _("Onverwachte fout bij het lezen van het document; meld dit aan de beheerder."))
        raise
    result = found_as_json(found)
    response = result["data"].setdefault("response", {})
    if not response.get("slug"):
        response["slug"] = unique_slug(response.get("title") or original.file_name)
    pages = found.page_count
    with transaction.atomic():
        if pages:
            Original.objects.filter(pk=original.pk).update(pages=pages)
        Reading.objects.filter(pk=reading.pk).update(
            state=Reading.State.READ, progress=100, found=result, finished_at=timezone.now(), error=""
        )
    return Reading.State.READ


def _fail(reading, message):
    """A reading that ended without a result: the message (in the site's language, the catalogue's
    msgid, translated again when shown), and nothing kept of the document."""
    with translation.override("nl"):
        text = str(message)
    original = reading.original
    Reading.objects.filter(pk=reading.pk).update(
        state=Reading.State.FAILED, error=text, finished_at=timezone.now(), original=None
    )
    if original is not None:
        storage.delete(original.storage_key)
        original.delete()


def accept(*, reading_id, version: int, posted, user):
    """Create the draft the reviewed reading describes, with the reviewer's corrections: all or
    nothing, through the interchange importer. Raises ``StaleReview`` when the review was accepted
    since the page was loaded, ``InterchangeError``/``SlugExists`` (nothing written) for bad data."""
    with transaction.atomic():
        reading = Reading.objects.select_for_update().get(pk=reading_id)
        if reading.response_id or reading.version != version or reading.state != Reading.State.READ:
            raise StaleReview(reading)
        data, _items, _left = review.review_items(reading.found, posted=posted)
        from interchange.parse import from_data

        parsed = from_data(data, source="review")
        response = import_upload(parsed=parsed, user=user)
        Original.objects.filter(pk=reading.original_id).update(response=response)
        Reading.objects.filter(pk=reading.pk).update(response=response, version=reading.version + 1)
    return response
