"""The words a document prints for its agreement levels and statuses, and its matrix columns.

Each response has a vocabulary: a preset (the words of a known house style) and the words its
evaluation staff typed over it. The empty preset keeps the layout's own words in the document's
language (``Recommendation.DOCUMENT_AGREEMENT``, ``Action.DOCUMENT_STATUS``). The keys are the
values of ``Recommendation.Agreement`` and ``Action.Status`` (named here without importing those
apps, which sit above this one).
"""

from django.utils.translation import gettext_lazy as _

AGREEMENT_KEYS = ("agree", "partially_agree", "disagree")
STATUS_KEYS = ("to_start", "in_progress", "realised", "not_applicable", "cancelled")
KEYS = AGREEMENT_KEYS + STATUS_KEYS

PRESETS = {
    # UNEG guidance as UNDP's Evaluation Resource Centre words it.
    "uneg": {
        "agree": "Accepted",
        "partially_agree": "Partially accepted",
        "disagree": "Rejected",
        "to_start": "Not initiated",
        "in_progress": "Initiated",
        "realised": "Completed",
        "not_applicable": "No longer applicable",
        "cancelled": "Cancelled",
    },
    # UN Executive Board management responses (UNICEF, UNFPA, UN-Women).
    "executive_board": {
        "agree": "Agree",
        "partially_agree": "Partially agree",
        "disagree": "Disagree",
        "to_start": "Not started",
        "in_progress": "Under way",
        "realised": "Completed",
        "not_applicable": "No longer applicable",
        "cancelled": "Cancelled",
    },
    # The Flemish table (the seed's).
    "flemish": {
        "agree": "Akkoord",
        "partially_agree": "Gedeeltelijk akkoord",
        "disagree": "Niet akkoord",
        "to_start": "op te starten",
        "in_progress": "in uitvoering",
        "realised": "gerealiseerd",
        "not_applicable": "niet meer van toepassing",
        "cancelled": "geannuleerd",
    },
}
# A preset is named in its own words (its language in PRESET_LANGUAGES: the form marks each option).
PRESET_CHOICES = [
    ("", _("de woorden van de opmaak, in de taal van het document")),
    ("uneg", "UNEG/UNDP (Accepted, Not initiated, Initiated, Completed)"),
    ("executive_board", "UN Executive Board (Agree, Not started, Under way, Completed, Cancelled)"),
    ("flemish", "Vlaamse tabel (Akkoord, op te starten, in uitvoering, gerealiseerd)"),
]
PRESET_LANGUAGES = {"uneg": "en", "executive_board": "en", "flemish": "nl"}


def words(preset: str, typed: dict | None) -> dict:
    """``{value: word}``: the preset's words with the typed ones over them (empty ones ignored)."""
    result = dict(PRESETS.get(preset or "", {}))
    for key, word in (typed or {}).items():
        if key in KEYS and isinstance(word, str) and word.strip():
            result[key] = word.strip()
    return result


# The matrix's columns (print/_column_header.html holds the layout's header for each, in the
# document's language). "action" is the key action: number, title, text.
COLUMN_KEYS = ("action", "time_frame", "units", "comments", "status", "documents")
DEFAULT_COLUMNS = ("action", "time_frame", "units", "comments", "status")


def columns(chosen: list | None) -> list:
    """``[(key, header or "")]`` in print order: the chosen ones, else the default five."""
    result: list[tuple[str, str]] = []
    for item in chosen or []:
        key = item.get("key") if isinstance(item, dict) else item
        if key in COLUMN_KEYS and key not in [k for k, _h in result]:
            result.append((key, (item.get("header") or "") if isinstance(item, dict) else ""))
    if not result:
        result = [(key, "") for key in DEFAULT_COLUMNS]
    return result
