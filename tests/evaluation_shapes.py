"""Made-up evaluation management responses in the common public shapes, for the matrix reader's tests.

NOT REAL DOCUMENTS. Everything here is invented (the country "Freedonia", its programme, the
symbols, dates and units): these files exercise the shapes UN evaluation offices publish their
management responses in; they do not count among issue 21's "eight real documents"
(tests/data/documents/ holds those).

Each shape is one ``Shape`` (how the document prints a recommendation, its response and its key
actions) over the same kind of content: four or five recommendations, one partly agreed, one
disagreed, key actions with time frames, units and statuses. ``html(shape)`` lays it out for
WeasyPrint (``pdf(shape)``), ``docx(shape)`` for Word (python-docx), and ``truth(shape)`` gives what
a reader should find, as interchange data (``format: managementresponse/3``), built from the same
values the document prints. The shapes follow what the public templates show (docs/reading.md,
"Evaluation management responses"):

* ``uneg``: the UNEG template: "Recommendation N." bands in bold, "Management response: <word>",
  a key-action table "Key action(s) | Time frame | Responsible unit(s) | Tracking*" with "Tracking*"
  over "Comments | Status", and the note "* Status of implementation is tracked electronically in
  the ERC database";
* ``uneg_numbered``: the same template with only the band's label in bold and the recommendation after
  it on the same line (in Word the label is a numbered list's: "Recommendation %1.", bold), the
  key-action header in plain type;
* ``undp_annex``: a 40-page evaluation report (cover, the organisation on page 2, chapters, a recommendations chapter that lists
  the same recommendations without responses), its management response an annex at the end:
  "Evaluation recommendation N.", "Management response:" alone with the agreement in its prose,
  "Key action(s) | Completion date | Responsible unit(s) | Tracking*", lettered parts, the annex on
  landscape pages, key-action tables that run over a page break with their header repeated, then
  another annex (people consulted: a table that is no key-action table);
* ``undp_board``: an Executive Board document (DP/ cover) whose recommendations are one table each,
  the band a row spanning it, "Management response: UNDP agrees ..." in prose on the label's line;
* ``unicef_areas``: "Area N." group headings over "Recommendation 1.1:" ... "2.2:" bands;
* ``wfp``: a WFP Executive Board cover, "Recommendation N: <text>", "Management response: Agreed.
  WFP will ..." (the word and the response on one line), "Actions | Lead office/division | Deadline for
  implementation";
* ``unicef_template``: UNICEF's older Word template: "Recommendation N: <short title>", "Recommendation:
  <text>", "Management response (Agree, Partially agree, Disagree): AGREE", "If recommendation is
  rejected, or partially rejected, report reason:", "Action planned | Responsible office/person |
  Expected completion date | Implementation stage | Actions taken" (a header in plain type, wrapped);
* ``unicef_side``: a two-column table per recommendation ("Recommendation N" and "Management
  response" without its colon on the left, the text and the response in prose on the right);
* ``unicef``: an Executive Board document whose recommendations are one table each: the band a row
  spanning the table, the label "Management response:" in its own cell and the word in the next,
  "Actions to be taken | Responsible | Deadline" without tracking columns, unnumbered actions,
  parts "2.1", "2.2", the reasons of a partial agreement or a rejection in a field of their own ("If
  recommendation is rejected or partially agreed, report reason:");
* ``unfpa``: "Recommendation N (priority: high)" bands, "Management response: Partially agreed" and
  paragraphs, "Key action(s) | Deadline | Responsible unit(s) | Status", units parted by semicolons;
* ``unwomen``: "Recommendation N: <text>" on the band line, "Management response: Accepted / Partially
  accepted / Rejected", "Actions | Lead | Deadline/Target date", no tracking columns.
"""

import dataclasses
import datetime
import html as htmllib
import io

from django.utils.text import slugify

# --- content ------------------------------------------------------------------------------------


@dataclasses.dataclass
class Act:
    number: str
    title: str
    narrative: str
    time_frame: str
    units: list[str]
    status: str = ""  # the model's key
    comment: str = ""


@dataclasses.dataclass
class Rec:
    number: str
    text: str
    agreement: str
    response: list[str]  # paragraphs
    parts: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    actions: list[Act] = dataclasses.field(default_factory=list)
    priority: str = ""
    reason: str = ""  # the reason of a partial agreement or a rejection, in a field of its own
    heading: str = ""  # a short title ("Recommendation 1: Results framework")


def content(*, parts: str = "letters", many_actions: bool = False, who: str = "Management") -> list[Rec]:
    """The recommendations: 1 agreed with two actions, 2 partly agreed with parts, 3 disagreed
    without actions, 4 agreed (with six long actions when ``many_actions``, to run over a page)."""
    if parts == "letters":
        two_parts = [
            ("(a)", "with the international financial institutions active in the country;"),
            ("(b)", "with the private sector, through the chambers of commerce."),
        ]
    else:
        two_parts = [
            ("2.1", "Engage the international financial institutions active in the country."),
            ("2.2", "Engage the private sector, through the chambers of commerce."),
        ]
    fourth = [
        Act(
            "4.1",
            "Map the data held by the national statistics office",
            "List the surveys and registers that can report on the programme's indicators.",
            "March 2026",
            ["Programme Management Support Unit"],
            "realised",
            "Mapping completed and shared with the ministry.",
        ),
        Act(
            "4.2",
            "Agree a data-sharing protocol",
            "Sign a protocol with the national statistics office on the data the programme uses.",
            "June 2026",
            ["Programme Management Support Unit", "Legal Office"],
            "in_progress",
            "Draft protocol under review.",
        ),
    ]
    if many_actions:
        filler = (
            "The unit will work with the ministry's planning department and the regional authorities, "
            "hold consultations in each of the four regions, and report on what it learns to the "
            "programme board at its next meeting, so that the board can adjust the annual work plan."
        )
        for k, (title, when, unit) in enumerate(
            [
                ("Train the regional statistics officers", "September 2026", "Human Resources Unit"),
                ("Publish an open data portal for the programme", "December 2026", "Communications Unit"),
                ("Review the monitoring plan with the regional authorities", "Q1 2027", "Inclusive Growth Unit"),
                ("Report on the data to the programme board", "Q2 2027", "Resident Representative Office"),
            ],
            start=3,
        ):
            fourth.append(Act(f"4.{k}", title, f"{filler} {filler}", when, [unit], "to_start", ""))
    return [
        Rec(
            "1",
            "Strengthen the results framework of the country programme. The country office should revise its "
            "indicators and baselines with the national partners.",
            "agree",
            [f"{who} agrees and will revise the results framework with the planning ministry."],
            actions=[
                Act(
                    "1.1",
                    "Revise the results framework",
                    "Align the indicators with the national development plan 2026-2030.",
                    "January–June 2026",
                    ["Programme Management Support Unit", "Inclusive Growth Unit"],
                    "in_progress",
                    "Draft framework shared with the planning ministry.",
                ),
                Act(
                    "1.2",
                    "Train programme staff in results-based management",
                    "",
                    "Q3 2026",
                    ["Resident Representative", "Deputy Resident Representative"],  # posts, not units
                    "to_start",
                    "",
                ),
            ],
            priority="high",
        ),
        Rec(
            "2",
            "Broaden the partnership base of the programme:",
            "partially_agree",
            [
                f"{who} partially agrees. Work with the international financial institutions will start in 2026.",
                "A strategy for the private sector is not planned in this programme cycle: the resources of "
                "the office do not allow it.",
            ],
            parts=two_parts,
            actions=[
                Act(
                    "2.1",
                    "Set up a partnership strategy with the international financial institutions",
                    "",
                    "by end of 2026",
                    ["Partnerships Unit", "Resident Representative Office"],
                    "in_progress",
                    "",
                )
            ],
            priority="medium",
        ),
        Rec(
            "3",
            "Close the sub-office in the northern region before the end of 2026.",
            "disagree",
            [
                f"{who} does not agree. The sub-office is the only presence of the United Nations in the "
                "northern region and supports the return of displaced families."
            ],
            priority="low",
        ),
        Rec(
            "4",
            "Use national data systems to monitor the programme, rather than parallel surveys.",
            "agree",
            [f"{who} agrees. The programme will rely on the national statistics office wherever it can."],
            actions=fourth,
            priority="high",
        ),
    ]


# --- shapes -------------------------------------------------------------------------------------


@dataclasses.dataclass
class Shape:
    name: str
    band: str  # "Recommendation {n}." ...
    band_text: bool = False  # the text on the band line ("Recommendation 1: <text>")
    band_row: bool = False  # each recommendation one table, the band a row spanning it
    response: str = "word"  # "word": label and word on one line; "prose": label alone, agreement in the prose; "cell"
    label: str = "Management response:"
    words: dict = dataclasses.field(default_factory=dict)  # agreement and status keys -> printed words
    columns: list = dataclasses.field(default_factory=list)  # [(key, header)]
    tracking: str = ""  # a header printed over the comments and status columns
    footnote: str = ""
    numbered: bool = True  # key actions printed with their numbers
    annex: bool = False  # the response is an annex of a long evaluation report
    cover: list = dataclasses.field(default_factory=list)  # the Executive Board cover, above the title
    title: str = ""
    organisation: str = ""
    published_on: datetime.date | None = None
    evaluation: str = ""  # the evaluation's title as the document names it
    parts: str = "letters"
    many_actions: bool = False
    who: str = "Management"  # who answers, in the response's words
    areas: list = dataclasses.field(default_factory=list)  # group headings, two recommendations each
    plain_header: bool = False  # the key-action table's header in plain type (shaded)
    unit_join: str = ""  # units printed on one line, parted by this ("; "), else one a line
    fields: list = dataclasses.field(default_factory=list)  # (label, value) lines under the title
    text_label: str = ""  # a label before the recommendation's text ("Recommendation:")
    reason_label: str = ""  # the label of the reasons' field, when the reasons have one
    numbered_bands: bool = False  # the band only a bold label before the text (Word: a numbered list's label)
    side_by_side: bool = False  # a two-column table: the band and the label on the left, text and response right


UNEG_WORDS = {
    "agree": "Agree",
    "partially_agree": "Partially agree",
    "disagree": "Disagree",
    "to_start": "Not initiated",
    "in_progress": "Initiated",
    "realised": "Completed",
}
SHAPES = {
    "uneg": Shape(
        "uneg",
        band="Recommendation {n}.",
        words=UNEG_WORDS,
        columns=[
            ("action", "Key action(s)"),
            ("time_frame", "Time frame"),
            ("units", "Responsible unit(s)"),
            ("comments", "Comments"),
            ("status", "Status"),
        ],
        tracking="Tracking*",
        footnote="* Status of implementation is tracked electronically in the ERC database.",
        title="Management response to the evaluation of the Freedonia country programme",
        organisation="United Nations Development Programme",
        evaluation="Evaluation of the Freedonia country programme",
    ),
    "uneg_numbered": Shape(
        "uneg_numbered",
        band="Recommendation {n}.",
        band_text=True,
        numbered_bands=True,
        plain_header=True,
        words=UNEG_WORDS,
        columns=[
            ("action", "Key action(s)"),
            ("time_frame", "Time frame"),
            ("units", "Responsible unit(s)"),
            ("comments", "Comments"),
            ("status", "Status"),
        ],
        tracking="Tracking*",
        footnote="* Status of implementation is tracked electronically in the ERC database.",
        title="Management response to the outcome evaluation of the Freedonia governance portfolio",
        organisation="United Nations Development Programme",
        evaluation="Outcome evaluation of the Freedonia governance portfolio",
    ),
    "undp_annex": Shape(
        "undp_annex",
        band="Evaluation recommendation {n}.",
        response="prose",
        words=UNEG_WORDS,
        columns=[
            ("action", "Key action(s)"),
            ("time_frame", "Completion date"),
            ("units", "Responsible unit(s)"),
            ("comments", "Comments"),
            ("status", "Status"),
        ],
        tracking="Tracking*",
        footnote="* Implementation status is tracked electronically in the Evaluation Resource Centre database (ERC).",
        annex=True,
        title="Independent Country Programme Evaluation: Freedonia",
        organisation="United Nations Development Programme",
        evaluation="Independent Country Programme Evaluation: Freedonia",
        many_actions=True,
    ),
    "undp_board": Shape(
        "undp_board",
        band="Recommendation {n}.",
        band_row=True,
        response="inline",
        words=UNEG_WORDS,
        columns=[
            ("action", "Key action(s)"),
            ("time_frame", "Time frame"),
            ("units", "Responsible unit(s)"),
            ("comments", "Comments"),
            ("status", "Status"),
        ],
        tracking="Tracking*",
        footnote="* Implementation status is tracked electronically in the Evaluation Resource Centre database.",
        cover=["DP/2099/7", "Distr.: General", "1 December 2098", "Original: English"],
        title="Management response to the evaluation of UNDP support to local governance in Freedonia",
        organisation="United Nations Development Programme",
        published_on=datetime.date(2098, 12, 1),
        evaluation="Evaluation of UNDP support to local governance in Freedonia",
        who="UNDP",
    ),
    "unicef_areas": Shape(
        "unicef_areas",
        band="Recommendation {n}:",
        words={"agree": "Agreed", "partially_agree": "Partially agreed", "disagree": "Disagreed"},
        columns=[("action", "Actions to be taken"), ("units", "Responsible"), ("time_frame", "Deadline/Timeline")],
        cover=["E/ICEF/2099/9", "Distr.: General", "20 July 2099", "Original: English"],
        title="Management response to the formative evaluation of the UNICEF programme for adolescents in Freedonia",
        organisation="United Nations Children’s Fund",
        published_on=datetime.date(2099, 7, 20),
        evaluation="Formative evaluation of the UNICEF programme for adolescents in Freedonia",
        who="UNICEF",
        areas=["Area 1. Programme focus", "Area 2. Partnerships and monitoring"],
    ),
    "wfp": Shape(
        "wfp",
        band="Recommendation {n}:",
        band_text=True,
        response="word-inline",
        words={"agree": "Agreed", "partially_agree": "Partially agreed", "disagree": "Not agreed"},
        columns=[
            ("action", "Actions"),
            ("units", "Lead office/division"),
            ("time_frame", "Deadline for implementation"),
        ],
        cover=["WFP/EB.A/2099/7-C/Add.1", "Distribution: General", "Date: 12 May 2099", "Original: English"],
        title="Management response to the recommendations of the summary report of the evaluation of the "
        "Freedonia country strategic plan",
        organisation="World Food Programme",
        published_on=datetime.date(2099, 5, 12),
        evaluation="Evaluation of the Freedonia country strategic plan",
        who="WFP",
    ),
    "unicef_side": Shape(
        "unicef_side",
        band="Recommendation {n}",
        side_by_side=True,
        response="prose",
        label="Management response",
        columns=[("action", "Actions"), ("units", "Responsible"), ("time_frame", "Timeline")],
        cover=["E/ICEF/2099/11", "Distr.: General", "3 August 2099", "Original: English"],
        title="Management response to the evaluation of the UNICEF humanitarian response in Freedonia",
        organisation="United Nations Children’s Fund",
        published_on=datetime.date(2099, 8, 3),
        evaluation="Evaluation of the UNICEF humanitarian response in Freedonia",
        who="UNICEF",
    ),
    "unicef_template": Shape(
        "unicef_template",
        band="Recommendation {n}: {heading}",
        text_label="Recommendation:",
        plain_header=True,
        label="Management response (Agree, Partially agree, Disagree):",
        words={
            "agree": "AGREE",
            "partially_agree": "PARTIALLY AGREE",
            "disagree": "DISAGREE",
            "to_start": "Not started",
            "in_progress": "In progress",
            "realised": "Completed",
        },
        reason_label="If recommendation is rejected, or partially rejected, report reason:",
        columns=[
            ("action", "Action planned"),
            ("units", "Responsible office/person"),
            ("time_frame", "Expected completion date"),
            ("status", "Implementation stage"),
            ("comments", "Actions taken"),
        ],
        numbered=False,
        title="UNICEF Evaluation Management Response",
        fields=[("Evaluation title:", "Evaluation of the Freedonia country programme"), ("Region:", "Freedonia")],
        organisation="United Nations Children’s Fund",
        evaluation="Evaluation of the Freedonia country programme",
        who="UNICEF",
    ),
    "unicef": Shape(
        "unicef",
        band="Recommendation {n}",
        band_row=True,
        response="cell",
        words={"agree": "Agreed", "partially_agree": "Partially agreed", "disagree": "Not agreed"},
        columns=[("action", "Actions to be taken"), ("units", "Responsible"), ("time_frame", "Deadline")],
        reason_label="If recommendation is rejected or partially agreed, report reason:",
        numbered=False,
        cover=["E/ICEF/2099/7", "Distr.: General", "14 April 2099", "Original: English"],
        title="Management response to the evaluation of the UNICEF country programme in Freedonia",
        organisation="United Nations Children’s Fund",
        published_on=datetime.date(2099, 4, 14),
        evaluation="Evaluation of the UNICEF country programme in Freedonia",
        parts="dotted",
    ),
    "unfpa": Shape(
        "unfpa",
        band="Recommendation {n} (priority: {priority})",
        words={
            "agree": "Agreed",
            "partially_agree": "Partially agreed",
            "disagree": "Not agreed",
            "to_start": "Not started",
            "in_progress": "Ongoing",
            "realised": "Completed",
        },
        columns=[
            ("action", "Key action(s)"),
            ("time_frame", "Deadline"),
            ("units", "Responsible unit(s)"),
            ("status", "Status"),
        ],
        unit_join="; ",
        cover=["DP/FPA/2099/3", "Distr.: General", "2 March 2099", "Original: English"],
        title="UNFPA management response to the evaluation of the Freedonia country programme",
        organisation="United Nations Population Fund",
        published_on=datetime.date(2099, 3, 2),
        evaluation="Evaluation of the Freedonia country programme",
    ),
    "unwomen": Shape(
        "unwomen",
        band="Recommendation {n}:",
        band_text=True,
        words={"agree": "Accepted", "partially_agree": "Partially accepted", "disagree": "Rejected"},
        columns=[("action", "Actions"), ("units", "Lead"), ("time_frame", "Deadline/Target date")],
        cover=["UNW/2099/4", "Distr.: General", "9 May 2099", "Original: English"],
        title="Management response to the corporate evaluation of UN-Women work in Freedonia",
        organisation="United Nations Entity for Gender Equality and the Empowerment of Women",
        published_on=datetime.date(2099, 5, 9),
        evaluation="Corporate evaluation of UN-Women work in Freedonia",
    ),
}


HEADINGS = ["Results framework", "Partnerships", "Northern sub-office", "National data systems"]


def recommendations(shape: Shape) -> list[Rec]:
    recs = content(parts=shape.parts, many_actions=shape.many_actions, who=shape.who)
    for rec, heading in zip(recs, HEADINGS, strict=True):
        rec.heading = heading
    if shape.reason_label:  # the reasons in a field of their own (UNICEF's template)
        recs[1].reason = recs[1].response.pop()
        recs[2].response, recs[2].reason = (
            [f"{shape.who} does not agree."],
            (
                "The sub-office is the only presence of the United Nations in the northern region and supports the "
                "return of displaced families."
            ),
        )
    if shape.areas:  # two recommendations an area, numbered in it ("1.1", "1.2", "2.1"), their actions under them
        for k, rec in enumerate(recs):
            rec.number = f"{k // 2 + 1}.{k % 2 + 1}"
            for j, act in enumerate(rec.actions, start=1):
                act.number = f"{rec.number}.{j}"
    return recs


def _area(shape: Shape, k: int) -> str:
    """The area heading printed before the k-th recommendation, or ""."""
    return shape.areas[k // 2] if shape.areas and k % 2 == 0 else ""


def _band(shape: Shape, rec: Rec) -> str:
    band = shape.band.format(n=rec.number, priority=rec.priority, heading=rec.heading)
    return f"{band} {rec.text}" if shape.band_text else band


def _response_paragraphs(shape: Shape, rec: Rec) -> tuple[str, list[str]]:
    """(what the label line carries after the label, the paragraphs under it)."""
    if shape.response == "prose":
        return "", rec.response
    if shape.response == "inline":
        return rec.response[0], rec.response[1:]
    if shape.response == "word-inline":  # "Management response: Agreed. WFP will ..."
        return f"{shape.words[rec.agreement]}. {rec.response[0]}", rec.response[1:]
    return shape.words[rec.agreement], rec.response


def _status(shape: Shape, act: Act) -> str:
    return shape.words.get(act.status, "") if act.status else ""


def _cell(shape: Shape, act: Act, key: str) -> list[str]:
    """A key-action cell's lines."""
    if key == "action":
        return [(f"{act.number} " if shape.numbered else "") + act.title] + ([act.narrative] if act.narrative else [])
    if key == "time_frame":
        return [act.time_frame]
    if key == "units":
        return [shape.unit_join.join(act.units)] if shape.unit_join else list(act.units)
    if key == "comments":
        return [act.comment] if act.comment else []
    if key == "status":
        return [_status(shape, act)] if _status(shape, act) else []
    return []


# --- the evaluation report around an annex -------------------------------------------------------

SENTENCES = [
    "The programme worked with the ministries of planning, health and local government in all four regions.",
    "Its portfolio grew from twelve projects in 2021 to nineteen in 2024, most of them in governance.",
    "Interviews with partners show that the office is valued for its convening role and its technical advice.",
    "The monitoring system reports on outputs; few indicators measure the outcomes the programme aims at.",
    "Resources were concentrated in the capital, while the needs are greatest in the northern region.",
    "The evaluation team visited eleven project sites and met two hundred and forty people.",
]
PEOPLE = [
    ("A. Lindqvist", "Ministry of Planning", "Director of Planning"),
    ("B. Okoro", "National Statistics Office", "Head of Surveys"),
    ("C. Mendes", "Country office", "Programme Specialist"),
]
CHAPTERS = ["Introduction", "Context", "Findings", "Conclusions"]


def _report_paragraphs(chapter: int, count: int) -> list[str]:
    return [
        " ".join(SENTENCES[(chapter + k + j) % len(SENTENCES)] for j in range(4)) + f" ({chapter + 1}.{k + 1})"
        for k in range(count)
    ]


# --- HTML, for WeasyPrint ------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 20mm 18mm 22mm 18mm; font-family: DejaVu Sans;
  @bottom-center { content: "%(running)s  " counter(page); font-size: 8pt; } }
body { font-family: DejaVu Sans; font-size: 9.5pt; line-height: 1.35; }
p { margin: 0 0 6pt 0; }
.cover p { margin: 0 0 2pt 0; font-size: 9pt; }
h1 { font-size: 16pt; margin: 14pt 0 12pt 0; }
h2 { font-size: 13pt; margin: 14pt 0 8pt 0; }
.band { font-weight: bold; font-size: 10.5pt; margin-top: 14pt; }
table { border-collapse: collapse; width: 100%%; margin: 6pt 0 4pt 0; }
th, td { border: 0.6pt solid #444; padding: 3pt 4pt; vertical-align: top; text-align: left; font-size: 9pt; }
th { font-weight: bold; }
th.plain { font-weight: normal; background: #e4e4e4; }
td p { margin: 0 0 3pt 0; }
.note { font-size: 8pt; }
.report-page { break-after: page; }
.annex { page: annex; break-before: page; }
@page annex { size: A4 landscape; }
.side-label { width: 28%%; }
"""


def _e(text: str) -> str:
    return htmllib.escape(text, quote=False)


def html(shape: Shape) -> str:
    out = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_e(shape.title)}</title>"]
    out.append(f"<style>{CSS % {'running': shape.title[:60].replace('"', '')}}</style></head><body>")
    if shape.cover:
        out.append("<div class='cover'>" + "".join(f"<p>{_e(item)}</p>" for item in shape.cover) + "</div>")
    out.append(f"<h1>{_e(shape.title)}</h1>")
    out.extend(f"<p><strong>{_e(label)}</strong> {_e(value)}</p>" for label, value in shape.fields)
    recs = recommendations(shape)
    if shape.annex:
        out.append("<p class='report-page'>Independent Evaluation Office. Made-up test document.</p>")
        # The organisation is named on the page after the cover (a cover is often an image).
        out.append(f"<p class='report-page'>Copyright © 2099 {_e(shape.organisation)}. All rights reserved.</p>")
        for c, heading in enumerate(CHAPTERS):
            out.append(f"<h2>{c + 1}. {heading}</h2>")
            out.extend(f"<p>{_e(p)}</p>" for p in _report_paragraphs(c, 88))
        out.append("<h2>5. Recommendations</h2>")
        for rec in recs:
            out.append(f"<p class='band'>Recommendation {rec.number}.</p><p>{_e(rec.text)}</p>")
            out.extend(f"<p>{_e(label)} {_e(text)}</p>" for label, text in rec.parts)
            out.append(f"<p>{_e(SENTENCES[int(rec.number) % len(SENTENCES)])}</p>")
        out.append("<div class='annex'><h2>Annex 6. Management response</h2>")
    else:
        if not shape.cover:
            out.append(f"<p>{_e(shape.organisation)}, Freedonia country office</p>")
        out.append(
            "<p>The management of the country office welcomes the evaluation and responds to each of its "
            "recommendations below. (A made-up test document, not a real management response.)</p>"
        )
    for k, rec in enumerate(recs):
        if _area(shape, k):
            out.append(f"<h2>{_e(_area(shape, k))}</h2>")
        out.append(_html_rec(shape, rec))
    if shape.annex:
        out.append("</div>")
        # Another annex after the response: a table that is no key-action table, and prose.
        out.append("<h2 style='break-before: page'>Annex 7. People consulted</h2>")
        rows = "".join(f"<tr><td>{_e(n)}</td><td>{_e(o)}</td><td>{_e(r)}</td></tr>" for n, o, r in PEOPLE)
        out.append(f"<table><tr><th>Name</th><th>Organization</th><th>Position</th></tr>{rows}</table>")
        out.append(f"<p>{_e(SENTENCES[0])}</p>")
    out.append("</body></html>")
    return "\n".join(out)


def _html_actions_table(shape: Shape, rec: Rec, *, rows_only: bool = False) -> str:
    keys = [key for key, _header in shape.columns]
    th = " class='plain'" if shape.plain_header else ""
    head = []
    if shape.tracking:
        plain = [(k, h) for k, h in shape.columns if k not in ("comments", "status")]
        tracked = [(k, h) for k, h in shape.columns if k in ("comments", "status")]
        head.append(
            "<tr>"
            + "".join(f"<th rowspan='2'{th}>{_e(h)}</th>" for _k, h in plain)
            + f"<th colspan='{len(tracked)}'{th}>{_e(shape.tracking)}</th></tr>"
        )
        head.append("<tr>" + "".join(f"<th{th}>{_e(h)}</th>" for _k, h in tracked) + "</tr>")
        keys = [k for k, _h in plain] + [k for k, _h in tracked]
    else:
        head.append("<tr>" + "".join(f"<th{th}>{_e(h)}</th>" for _k, h in shape.columns) + "</tr>")
    body = []
    for act in rec.actions:
        cells = []
        for key in keys:
            lines = _cell(shape, act, key)
            if key == "action" and lines:
                cells.append(
                    f"<td><p><strong>{_e(lines[0])}</strong></p>"
                    + "".join(f"<p>{_e(x)}</p>" for x in lines[1:])
                    + "</td>"
                )
            else:
                cells.append("<td>" + "<br>".join(_e(x) for x in lines) + "</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if rows_only:
        return "".join(head) + "".join(body)
    return f"<table><thead>{''.join(head)}</thead><tbody>{''.join(body)}</tbody></table>"


def _html_rec(shape: Shape, rec: Rec) -> str:  # noqa: C901 -- one recommendation in each shape, as printed
    word, paragraphs = _response_paragraphs(shape, rec)
    parts = "".join(f"<p>{_e(label)} {_e(text)}</p>" for label, text in rec.parts)
    if shape.band_row:
        n = len(shape.columns)
        rows = [
            f"<tr><th colspan='{n}'>{_e(_band(shape, rec))}</th></tr>",
            f"<tr><td colspan='{n}'><p>{_e(rec.text)}</p>{parts}</td></tr>",
        ]
        if shape.response == "inline":
            first = f"<p><strong>{_e(shape.label)}</strong> {_e(word)}</p>"
            rows.append(
                f"<tr><td colspan='{n}'>{first}" + "".join(f"<p>{_e(p)}</p>" for p in paragraphs) + "</td></tr>"
            )
        else:
            rows.append(f"<tr><td><strong>{_e(shape.label)}</strong></td><td colspan='{n - 1}'>{_e(word)}</td></tr>")
            rows.append(f"<tr><td colspan='{n}'>" + "".join(f"<p>{_e(p)}</p>" for p in paragraphs) + "</td></tr>")
        if rec.reason:
            rows.append(
                f"<tr><td><strong>{_e(shape.reason_label)}</strong></td><td colspan='{n - 1}'>{_e(rec.reason)}</td></tr>"
            )
        if rec.actions:
            rows.append(_html_actions_table(shape, rec, rows_only=True))
        note = f"<p class='note'>{_e(shape.footnote)}</p>" if shape.footnote and rec.actions else ""
        return "<table>" + "".join(rows) + "</table>" + note
    if shape.side_by_side:
        text = f"<p>{_e(rec.text)}</p>{parts}"
        answer = (f"<p>{_e(word)}</p>" if word else "") + "".join(f"<p>{_e(p)}</p>" for p in paragraphs)
        out = [
            "<table class='side'><colgroup><col class='side-label'><col></colgroup>"
            f"<tr><th>{_e(_band(shape, rec))}</th><td>{text}</td></tr>"
            f"<tr><th>{_e(shape.label)}</th><td>{answer}</td></tr></table>"
        ]
        if rec.actions:
            out.append(_html_actions_table(shape, rec))
        return "\n".join(out)
    if shape.numbered_bands:  # only the label in bold, the text after it on the same line
        label = shape.band.format(n=rec.number, priority=rec.priority)
        out = [f"<p class='band-line'><strong>{_e(label)}</strong> {_e(rec.text)}</p>"]
    else:
        out = [f"<p class='band'>{_e(_band(shape, rec))}</p>"]
    if shape.text_label:
        out.append(f"<p><strong>{_e(shape.text_label)}</strong> {_e(rec.text)}</p>")
    elif not shape.band_text:
        out.append(f"<p>{_e(rec.text)}</p>")
    out.append(parts)
    label = f"<strong>{_e(shape.label)}</strong>" + (f" {_e(word)}" if word else "")
    out.append(f"<p>{label}</p>")
    out.extend(f"<p>{_e(p)}</p>" for p in paragraphs)
    if shape.reason_label:  # the template's field, empty when the recommendation is agreed
        out.append(f"<p><strong>{_e(shape.reason_label)}</strong> {_e(rec.reason)}</p>")
    if rec.actions:
        out.append(_html_actions_table(shape, rec))
        if shape.footnote:
            out.append(f"<p class='note'>{_e(shape.footnote)}</p>")
    return "\n".join(out)


def pdf(shape: Shape) -> bytes:
    from weasyprint import HTML

    return HTML(string=html(shape)).write_pdf()


# --- Word ---------------------------------------------------------------------------------------


def docx(shape: Shape) -> bytes:  # noqa: C901 -- one document, in print order
    import docx as python_docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = python_docx.Document()
    document.styles["Normal"].font.size = Pt(10)

    def paragraph(text: str, *, bold: bool = False, size: float = 10, container=None, label: str = ""):
        p = (container or document).add_paragraph()
        if label:
            run = p.add_run(label + " ")
            run.bold = True
            run.font.size = Pt(size)
        run = p.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)
        return p

    def cell_text(cell, lines: list[str], *, bold_first: bool = False, bold: bool = False):
        cell.text = ""
        first = cell.paragraphs[0]
        for k, text in enumerate(lines):
            p = first if k == 0 else cell.add_paragraph()
            run = p.add_run(text)
            run.bold = bold or (bold_first and k == 0)

    def repeat_header(row):
        properties = row._tr.get_or_add_trPr()  # noqa: SLF001 -- python-docx has no API for it
        mark = OxmlElement("w:tblHeader")
        mark.set(qn("w:val"), "true")
        properties.append(mark)

    def band_numbering() -> int:
        """A list whose level 0 Word prints as "Recommendation %1." in bold (made once); its numId."""
        numbering = document.part.numbering_part.element
        if not any(num.get(qn("w:numId")) == "90" for num in numbering.findall(qn("w:num"))):
            abstract = OxmlElement("w:abstractNum")
            abstract.set(qn("w:abstractNumId"), "90")
            level = OxmlElement("w:lvl")
            level.set(qn("w:ilvl"), "0")
            for tag, value in (("w:start", "1"), ("w:numFmt", "decimal"), ("w:lvlText", "Recommendation %1.")):
                node = OxmlElement(tag)
                node.set(qn("w:val"), value)
                level.append(node)
            properties = OxmlElement("w:rPr")
            properties.append(OxmlElement("w:b"))
            level.append(properties)
            abstract.append(level)
            nums = numbering.findall(qn("w:num"))
            if nums:
                nums[0].addprevious(abstract)
            else:
                numbering.append(abstract)
            num = OxmlElement("w:num")
            num.set(qn("w:numId"), "90")
            reference = OxmlElement("w:abstractNumId")
            reference.set(qn("w:val"), "90")
            num.append(reference)
            numbering.append(num)
        return 90

    def header_rows(table, shape: Shape, repeat: bool = False) -> list[str]:
        """The key-action header (with "Tracking*" over comments and status); the columns' keys."""
        if not shape.tracking:
            cells = table.add_row().cells
            for k, (_key, header) in enumerate(shape.columns):
                cell_text(cells[k], [header], bold=not shape.plain_header)
            if repeat:
                repeat_header(table.rows[-1])
            return [key for key, _header in shape.columns]
        plain = [(k, h) for k, h in shape.columns if k not in ("comments", "status")]
        tracked = [(k, h) for k, h in shape.columns if k in ("comments", "status")]
        keys = [k for k, _h in plain] + [k for k, _h in tracked]
        top, under = table.add_row().cells, table.add_row().cells
        for k, (_key, header) in enumerate(plain):
            cell_text(top[k].merge(under[k]), [header], bold=not shape.plain_header)
        cell_text(top[len(plain)].merge(top[len(keys) - 1]), [shape.tracking], bold=not shape.plain_header)
        for k, (_key, header) in enumerate(tracked):
            cell_text(under[len(plain) + k], [header], bold=not shape.plain_header)
        if repeat:
            repeat_header(table.rows[-2])
            repeat_header(table.rows[-1])
        return keys

    for item in shape.cover:
        if ":" in item:
            label, value = item.split(":", 1)
            paragraph(value.strip(), label=label + ":")
        else:
            paragraph(item)
    title = document.add_paragraph(style="Title")
    title.add_run(shape.title).bold = True
    for label, value in shape.fields:
        paragraph(value, label=label)
    recs = recommendations(shape)
    if shape.annex:
        paragraph("Independent Evaluation Office. Made-up test document.")
        document.add_page_break()
        paragraph(f"Copyright © 2099 {shape.organisation}. All rights reserved.")
        document.add_page_break()
        for c, heading in enumerate(CHAPTERS):
            paragraph(f"{c + 1}. {heading}", bold=True, size=13)
            for k, text in enumerate(_report_paragraphs(c, 88)):
                paragraph(text)
                if k % 9 == 8:
                    document.add_page_break()
        paragraph("5. Recommendations", bold=True, size=13)
        for rec in recs:
            paragraph(f"Recommendation {rec.number}.", bold=True, size=10.5)
            paragraph(rec.text)
            for label, text in rec.parts:
                paragraph(f"{label} {text}")
            paragraph(SENTENCES[int(rec.number) % len(SENTENCES)])
        document.add_page_break()
        paragraph("Annex 6. Management response", bold=True, size=13)
    else:
        if not shape.cover:
            paragraph(f"{shape.organisation}, Freedonia country office")
        paragraph(
            "The management of the country office welcomes the evaluation and responds to each of its "
            "recommendations below. (A made-up test document, not a real management response.)"
        )
    for k, rec in enumerate(recs):
        if _area(shape, k):
            paragraph(_area(shape, k), bold=True, size=13)
        word, paragraphs = _response_paragraphs(shape, rec)
        keys = [key for key, _header in shape.columns]
        if shape.band_row:
            n = len(shape.columns)
            table = document.add_table(rows=0, cols=n)
            table.style = "Table Grid"

            def spanning(lines, *, bold=False, table=table, n=n):
                cells = table.add_row().cells
                merged = cells[0].merge(cells[n - 1])
                cell_text(merged, lines, bold=bold)

            spanning([_band(shape, rec)], bold=True)
            spanning([rec.text] + [f"{label} {text}" for label, text in rec.parts])
            if shape.response == "inline":
                cells = table.add_row().cells
                merged = cells[0].merge(cells[n - 1])
                cell_text(merged, [word, *paragraphs])
                merged.paragraphs[0].insert_paragraph_before("").add_run(shape.label + " ").bold = True
                label_paragraph, first = merged.paragraphs[0], merged.paragraphs[1]
                for run in list(first.runs):
                    label_paragraph.add_run(run.text)
                first._p.getparent().remove(first._p)  # noqa: SLF001 -- python-docx removes no paragraph
            else:
                cells = table.add_row().cells
                cell_text(cells[0], [shape.label], bold=True)
                cell_text(cells[1].merge(cells[n - 1]), [word])
                spanning(paragraphs)
            if rec.reason:
                cells = table.add_row().cells
                cell_text(cells[0], [shape.reason_label], bold=True)
                cell_text(cells[1].merge(cells[n - 1]), [rec.reason])
            if rec.actions:
                keys = header_rows(table, shape)
                for act in rec.actions:
                    cells = table.add_row().cells
                    for k, key in enumerate(keys):
                        cell_text(cells[k], _cell(shape, act, key), bold_first=key == "action")
            if shape.footnote and rec.actions:
                paragraph(shape.footnote, size=8)
            paragraph("")
            continue
        if shape.side_by_side:
            table = document.add_table(rows=2, cols=2)
            table.style = "Table Grid"
            cell_text(table.rows[0].cells[0], [_band(shape, rec)], bold=True)
            cell_text(table.rows[0].cells[1], [rec.text] + [f"{label} {text}" for label, text in rec.parts])
            cell_text(table.rows[1].cells[0], [shape.label], bold=True)
            cell_text(table.rows[1].cells[1], ([word] if word else []) + paragraphs)
            if rec.actions:
                paragraph("")
                table = document.add_table(rows=0, cols=len(keys))
                table.style = "Table Grid"
                keys = header_rows(table, shape, repeat=True)
                for act in rec.actions:
                    cells = table.add_row().cells
                    for k, key in enumerate(keys):
                        cell_text(cells[k], _cell(shape, act, key), bold_first=key == "action")
            paragraph("")
            continue
        if shape.numbered_bands:  # Word numbers the band ("Recommendation %1.", in bold); the text follows
            band = paragraph(rec.text)
            number_properties = band._p.get_or_add_pPr().get_or_add_numPr()  # noqa: SLF001 -- no API for it
            number_properties.get_or_add_ilvl().val = 0
            number_properties.get_or_add_numId().val = band_numbering()
        else:
            paragraph(_band(shape, rec), bold=True, size=10.5)
        if shape.text_label:
            paragraph(rec.text, label=shape.text_label)
        elif not shape.band_text:
            paragraph(rec.text)
        for label, text in rec.parts:
            paragraph(f"{label} {text}")
        paragraph(word, label=shape.label)
        for text in paragraphs:
            paragraph(text)
        if shape.reason_label:
            paragraph(rec.reason, label=shape.reason_label)
        if not rec.actions:
            continue
        table = document.add_table(rows=0, cols=len(keys))
        table.style = "Table Grid"
        keys = header_rows(table, shape, repeat=True)
        for act in rec.actions:
            cells = table.add_row().cells
            for k, key in enumerate(keys):
                cell_text(cells[k], _cell(shape, act, key), bold_first=key == "action")
        if shape.footnote:
            paragraph(shape.footnote, size=8)
    if shape.annex:
        document.add_page_break()
        paragraph("Annex 7. People consulted", bold=True, size=13)
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for k, header in enumerate(("Name", "Organization", "Position")):
            cell_text(table.rows[0].cells[k], [header], bold=True)
        for person in PEOPLE:
            cells = table.add_row().cells
            for k, value in enumerate(person):
                cell_text(cells[k], [value])
        paragraph(SENTENCES[0])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- the truth ----------------------------------------------------------------------------------


def truth(shape: Shape) -> dict:
    """What a reader should find, as interchange data (the values the document prints)."""
    recs = recommendations(shape)
    actions = []
    numbers = {}
    for rec in recs:
        for act in rec.actions:
            number = act.number if shape.numbered else str(len(actions) + 1)
            numbers[id(act)] = number
            actions.append(
                {
                    "number": number,
                    "label": "",
                    "title": act.title,
                    "status": act.status if "status" in dict(shape.columns) else "",
                    "status_note": "",
                    "time_frame": act.time_frame,
                    "responsible_units": list(act.units),
                    "starts_on": None,
                    "due_date": None,
                    "narrative": act.narrative,
                    "progress": (
                        [{"date": "2099-01-01", "status": act.status, "comment": act.comment, "by": ""}]
                        if act.comment and "comments" in dict(shape.columns)
                        else []
                    ),
                    "parts": [],
                }
                | ({} if shape.numbered else {"numbered": False})
            )
    return {
        "format": "managementresponse/3",
        "response": {
            "slug": slugify(shape.title)[:50].strip("-"),
            "title": shape.title,
            "organisation": shape.organisation,
            "responsible_team": "",
            "language": "en",
            "layout": "matrix",
            "status": "draft",
            "published_on": shape.published_on,
            "evaluation": {"title": shape.evaluation, "evaluators": "", "delivered_on": None},
        },
        "actions": actions,
        "recommendations": [] if shape.areas else [_truth_rec(shape, rec, numbers) for rec in recs],
        "groups": [
            {
                "title": title,
                "themes": [
                    {
                        "section": "",
                        "heading": title,  # the format names every theme: the area's own
                        "recommendations": [_truth_rec(shape, rec, numbers) for rec in recs[2 * k : 2 * k + 2]],
                    }
                ],
            }
            for k, title in enumerate(shape.areas)
        ],
    }


def _truth_rec(shape: Shape, rec: Rec, numbers: dict) -> dict:
    return {
        "number": rec.number,
        "location": "",
        "text": f"{rec.heading}\n\n{rec.text}" if "{heading}" in shape.band else rec.text,
        "agreement": rec.agreement,
        "response": "\n\n".join(rec.response),
        "justification": rec.reason,
        "justification_not_in_source": rec.agreement in ("partially_agree", "disagree") and not rec.reason,
        "parts": [{"label": label, "text": text} for label, text in rec.parts],
        "actions": [numbers[id(act)] for act in rec.actions],
    }
