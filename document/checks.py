"""Consistency checks: what to fix (errors) or look at (warnings) before a response is published.

Each check is a small function ``check_x(document) -> list[Finding]`` over the assembled
document (document/assembly.py), so that the document page, which builds the document
anyway, lists the findings without a query more. ``run_checks(response)`` builds it first.
Errors block publication (publishing/publish.py); warnings do not.

Not a check: "a link whose action was deleted". ``ActionLink.action`` is a foreign key with
``on_delete=CASCADE``: deleting an action deletes its links in the same transaction (the
audit trail records them), so the schema cannot hold a link without its action.
"""

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from document.assembly import build_document

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    severity: str  # ERROR or WARNING
    code: str  # the check's name, stable for tests and scripts
    message: str
    url: str  # the page of the item concerned
    item: str  # how the item is named ("Aanbeveling 3", "Actie 2.1")

    @property
    def is_error(self):
        return self.severity == ERROR


def _rec(rec):
    """A recommendation named in the interface's words: its number, else its place in the report, else
    its first words in quotation marks (the document's, quoted)."""
    if rec.number or rec.location:
        name = _("Aanbeveling %(number)s") % {"number": rec.number or rec.location}
    else:
        name = _("Aanbeveling “%(start)s”") % {"start": rec.first_words}
    return reverse("recommendations:detail", kwargs={"pk": rec.pk}), str(name)


def _action(action):
    return reverse("actions:detail", kwargs={"pk": action.pk}), str(_("Actie %(number)s") % {"number": action.number})


def _all_actions(document):
    for action in document.actions:
        yield action
        yield from action.part_list


def check_agreement_missing(document):
    """A recommendation without agreement level: allowed ("not decided yet"), but worth a look."""
    return [
        Finding(WARNING, "agreement_missing", _("Geen mate van akkoord."), *_rec(rec))
        for rec in document.recommendations
        if not rec.agreement
    ]


def check_justification_missing(document):
    """Partial or no agreement needs its reasons (UNEG), unless the data says that the original
    document gives none (``justification_not_in_source``: a response read in from its document)."""
    needs = {"partially_agree", "disagree"}
    messages = {}  # one per agreement level: its label costs a lookup in the translated choices

    def message(rec):
        if rec.agreement not in messages:
            label = rec.get_agreement_display().capitalize()
            messages[rec.agreement] = _("%(agreement)s zonder motivering.") % {"agreement": label}
        return messages[rec.agreement]

    return [
        Finding(ERROR, "justification_missing", message(rec), *_rec(rec))
        for rec in document.recommendations
        if rec.agreement in needs and not rec.justification.strip() and not rec.justification_not_in_source
    ]


def check_agreed_without_action(document):
    """A recommendation the organisation agrees with (fully or partly) but answers with no action."""
    return [
        Finding(ERROR, "agreed_without_action", _("Akkoord, maar geen actie gekoppeld."), *_rec(rec))
        for rec in document.recommendations
        if rec.agreement in {"agree", "partially_agree"} and not rec.link_list
    ]


def check_action_without_recommendation(document):
    """A top-level action that answers no recommendation, neither itself nor through one of its parts."""
    linked = {link.action_id for rec in document.recommendations for link in rec.link_list}
    return [
        Finding(WARNING, "action_unlinked", _("Beantwoordt geen enkele aanbeveling."), *_action(action))
        for action in document.actions
        if action.pk not in linked and not any(part.pk in linked for part in action.part_list)
    ]


def check_action_tracking(document):
    """The matrix prints each key action's time frame, responsible units and status: missing ones show."""
    if document.response.layout != "matrix":
        return []
    findings = []
    for action in _all_actions(document):
        if not action.effective_status:
            findings.append(Finding(WARNING, "action_status_missing", _("Geen status."), *_action(action)))
        if not action.time_frame.strip():
            findings.append(Finding(WARNING, "action_time_frame_missing", _("Geen tijdspad."), *_action(action)))
        if not action.responsible_units:
            findings.append(
                Finding(WARNING, "action_units_missing", _("Geen verantwoordelijke dienst."), *_action(action))
            )
    return findings


def check_empty_texts(document):
    """The text each layout prints: the actions' narratives (table), the management responses (matrix)."""
    if document.response.layout == "matrix":
        return [
            Finding(WARNING, "response_text_missing", _("Geen managementrespons."), *_rec(rec))
            for rec in document.recommendations
            if rec.agreement and not rec.response_text.strip()
        ]
    return [
        Finding(WARNING, "narrative_missing", _("Geen toelichting."), *_action(action))
        for action in document.actions
        if not action.narrative.strip() and not any(part.narrative.strip() for part in action.part_list)
    ]


# A footnote call "[^label]" (not the definition "[^label]: ...") and a definition at the start of a line.
FOOTNOTE_CALL = re.compile(r"\[\^([^\]\s]+)\](?!:)")
FOOTNOTE_NOTE = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:", re.MULTILINE)


def dangling_footnotes(text):
    """The labels called in ``text`` without a note in the same text (the renderer prints them as "[^1]")."""
    if "[^" not in text:
        return []
    notes = set(FOOTNOTE_NOTE.findall(text))
    return sorted({label for label in FOOTNOTE_CALL.findall(text) if label not in notes})


def check_footnotes(document):
    findings = []
    response = document.response

    def add(text, where):
        """``where()``: the page and the name of the item, worked out only for a finding."""
        for label in dangling_footnotes(text or ""):
            findings.append(
                Finding(
                    ERROR,
                    "footnote_missing",
                    _("Voetnootverwijzing [^%(label)s] zonder voetnoot.") % {"label": label},
                    *where(),
                )
            )

    for chapter in document.chapters_before + document.chapters_after:
        add(
            chapter.body,
            lambda chapter=chapter: (
                reverse("responses:chapter", kwargs={"slug": response.slug, "pk": chapter.pk}),
                chapter.heading or str(_("Hoofdstuk")),
            ),
        )
    for rec in document.recommendations:
        for text in (rec.text, rec.response_text, rec.justification):
            add(text, lambda rec=rec: _rec(rec))
    for action in _all_actions(document):
        add(action.narrative, lambda action=action: _action(action))
    return findings


CHECKS = [
    check_agreement_missing,
    check_justification_missing,
    check_agreed_without_action,
    check_action_without_recommendation,
    check_action_tracking,
    check_empty_texts,
    check_footnotes,
]


def check_document(document) -> list[Finding]:
    """Every finding, errors first, then in document order."""
    findings = [finding for check in CHECKS for finding in check(document)]
    return sorted(findings, key=lambda f: not f.is_error)


def run_checks(response) -> list[Finding]:
    return check_document(build_document(response))


def errors(findings):
    return [f for f in findings if f.is_error]
