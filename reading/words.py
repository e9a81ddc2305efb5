"""The words documents use for agreement levels and statuses, and the fixed labels of our layouts,
in every language the product prints (nl, en), for the readers to recognise.

Agreement and status words come from responses/vocabulary.py (its presets) and from the models'
own labels (``Recommendation.DOCUMENT_AGREEMENT``, ``Action.DOCUMENT_STATUS`` and the status
choices the table layout prints), each in Dutch and English: a reader maps a document's word to its
key (``agree``, ``in_progress``, ...) and keeps the word itself as the response's vocabulary
(``vocabulary_of``).
"""

import re
from functools import cache

from django.utils import translation
from django.utils.translation import gettext

from actions.models import Action
from recommendations.models import Recommendation
from responses import vocabulary

LANGUAGES = ("nl", "en")


def in_languages(make) -> dict[str, str]:
    """``{language: make()}`` with each language active (``make`` calls gettext)."""
    out = {}
    for language in LANGUAGES:
        with translation.override(language):
            out[language] = str(make())
    return out


@cache
def label(msgid: str, **params) -> dict[str, str]:
    """A fixed label of our templates in each language: ``{"nl": "I. Inleiding", "en": "I. Introduction"}``."""
    return in_languages(lambda: gettext(msgid) % params if params else gettext(msgid))


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


@cache
def _words() -> dict[str, dict[str, str]]:
    """``{"agreement": {word (normalised): key}, "status": {...}}``: every word we know."""
    agreement: dict[str, str] = {}
    status: dict[str, str] = {}
    for words in vocabulary.PRESETS.values():
        for key, word in words.items():
            (agreement if key in vocabulary.AGREEMENT_KEYS else status)[normal(word)] = key
    for language in LANGUAGES:
        with translation.override(language):
            for key, word in Recommendation.DOCUMENT_AGREEMENT.items():
                agreement.setdefault(normal(str(word)), str(key))
            for key, word in Recommendation.Agreement.choices:
                if key:
                    agreement.setdefault(normal(str(word)), str(key))
            for key, word in Action.DOCUMENT_STATUS.items():
                status.setdefault(normal(str(word)), str(key))
            for key, word in Action.Status.choices:
                if key and key != Action.Status.INHERITED:
                    status.setdefault(normal(str(word)), str(key))
    # Words documents use that no preset names (UN Executive Board and UNEG practice).
    for word, key in {
        "agreed": "agree",
        "partially agreed": "partially_agree",
        "not agreed": "disagree",
        "accept": "agree",
        "partially accept": "partially_agree",
        "reject": "disagree",
        "ongoing": "in_progress",
        "in progress": "in_progress",
        "initiated": "in_progress",
        "completed": "realised",
        "not started": "to_start",
        "not initiated": "to_start",
        # Follow-up reports on a response plan (the follow-up shape): a status sentence closes each item.
        "completed to planned scope": "realised",
        "on track for completion": "in_progress",
        "on track": "in_progress",
        "recommendation not operationalized": "not_applicable",
        "recommendation not operationalised": "not_applicable",
        "not operationalized": "not_applicable",
        "not operationalised": "not_applicable",
        "planned": "to_start",
        "gedeeltelijk aanvaard": "partially_agree",
        "aanvaard": "agree",
        "niet aanvaard": "disagree",
        "afgerond": "realised",
        "lopend": "in_progress",
        "gepland": "to_start",
    }.items():
        (agreement if key in vocabulary.AGREEMENT_KEYS else status).setdefault(word, key)
    return {"agreement": agreement, "status": status}


def match(kind: str, text: str) -> tuple[str, str, str]:
    """The longest known word of ``kind`` ("agreement" or "status") that starts ``text``:
    ``(key, the word as printed, the rest)``; ``("", "", text)`` when none does."""
    known = _words()[kind]
    flat = re.sub(r"\s+", " ", text or "").strip()
    folded = flat.casefold()
    best = ""
    for word in known:
        if folded.startswith(word) and len(word) > len(best):
            rest = folded[len(word) :]
            if not rest or not rest[0].isalnum():
                best = word
    if not best:
        return "", "", flat
    return known[best], flat[: len(best)], flat[len(best) :].strip(" \t:;,.")


def vocabulary_of(found: dict[str, str], language: str) -> dict:
    """The response's vocabulary for the words a document used (``{key: word}``): the preset that
    has them all, or the layout's own words when those are the document's (an empty vocabulary),
    else the closest preset with the other words typed over it."""
    found = {key: word for key, word in found.items() if word}
    own = {}
    with translation.override(language):
        for key, word in Recommendation.DOCUMENT_AGREEMENT.items():
            own[str(key)] = str(word)
        for key, word in Action.DOCUMENT_STATUS.items():
            own[str(key)] = str(word)
        for key, word in Action.Status.choices:
            own.setdefault(str(key), str(word))

    def same(words, key):
        return normal(words.get(key, "")) == normal(found[key])

    with translation.override(language):  # the table prints a status's own label
        status_labels = {str(key): str(word) for key, word in Action.Status.choices}
    differing = [key for key in found if not (same(own, key) or same(status_labels, key))]
    if not differing:
        return {"preset": "", "words": {}}
    best, best_count = "", -1
    for name, words in vocabulary.PRESETS.items():
        count = sum(same(words, key) for key in differing)
        if count > best_count:
            best, best_count = name, count
    typed = {key: word for key, word in found.items() if not same(vocabulary.PRESETS[best], key)}
    return {"preset": best, "words": typed}
