"""The document layouts: how the page and the PDF show a response's document.

A layout is a template pair (web, print) and a few facts the document app needs to
assemble what both templates read (``document.assembly.build_document``).
``ManagementResponse.layout`` names one; they live here, beside the response, so that
the response can say which it has without knowing the document app. To add a layout: a
``Layout`` entry here, its templates (web, print, and the web template's fragments)
under templates/document/layouts/ and templates/print/layouts/, a choice in
``ManagementResponse.Layout`` and its name in the model's check constraint (then
``makemigrations``). document/_document.html and print/response.html include the
layout's template; nothing else needs to know.
"""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class Layout:
    name: str
    web_template: str  # the body of the document page, included by document/_document.html
    print_template: str  # the body of the PDF, included by print/response.html
    # The fragments the web template shows, each cached on its own by the document page
    # (document/fragments.py): one per recommendation, and one per top-level action if any.
    recommendation_template: str
    action_template: str | None = None
    # Whether a recommendation's fragment shows its position (a recommendation without a number).
    positional: bool = False
    # Whether a recommendation shows its actions whole (text, time frame, status and the latest
    # progress comment: the matrix) rather than citing their numbers (the table). Only then does
    # the document load each action's latest comment, and a recommendation's fragment the
    # stored HTML of its actions.
    actions_in_recommendations: bool = False
    # The heading of the introduction, the first chapter (a msgid, printed in the document's
    # language): the table numbers its parts (I. introduction, II. actions, III. table); empty: the
    # matrix prints an introduction without a heading, and none when it has no text.
    introduction_heading: str = ""


LAYOUTS = {
    layout.name: layout
    for layout in [
        # The seed's: I. introduction, II. actions chapter, III. recommendations table.
        Layout(
            "table",
            "document/layouts/table.html",
            "print/layouts/table.html",
            recommendation_template="document/_recommendation_row.html",
            action_template="document/_action_section.html",
            introduction_heading=gettext_noop("I. Inleiding"),
        ),
        # UNEG: per recommendation its text, the management response and the key-action table.
        Layout(
            "matrix",
            "document/layouts/matrix.html",
            "print/layouts/matrix.html",
            recommendation_template="document/layouts/_matrix_recommendation.html",
            positional=True,
            actions_in_recommendations=True,
        ),
    ]
}
DEFAULT = "table"


def layout_for(response) -> Layout:
    return LAYOUTS.get(response.layout, LAYOUTS[DEFAULT])


def introduction_chapter(layout: str, language: str, text: str) -> dict | None:
    """The first chapter that an introduction (the field of version 1 to 3 of the interchange
    format, and of the model before migration responses.0015) becomes: ``{"placement", "heading",
    "body"}``, headed as the layout printed it, in the document's language; None when the layout
    printed nothing for it (the matrix, without text)."""
    heading = LAYOUTS.get(layout, LAYOUTS[DEFAULT]).introduction_heading
    if not heading and not text:
        return None
    if heading:
        with translation.override(language):
            heading = translation.gettext(heading)
    return {"placement": "before", "heading": heading, "body": text}
