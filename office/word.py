"""The response as a Word document (python-docx), in its layout, with the PDF's content.

It starts from what the PDF template reads (``document.assembly.build_document``) and the
texts' stored print HTML (footnotes at their call), rendered under the document's language,
so both say the same. What Word users expect to edit further:
  * real headings (Heading 1-6: chapters, actions, parts, the texts' own sub-headings), the
    title in the Title style, a running header with the title and page numbers in the footer;
  * lists in Word's list styles (List Bullet, List Number, their level 2 and 3), each numbered
    list restarting at 1 (a numbering instance of its own);
  * links as hyperlinks (external ones through a relationship; the table's action numbers
    point at a bookmark on the action's heading);
  * footnotes as Word footnotes: python-docx has no footnote API, so a footnotes part is added
    here through its public opc/oxml objects (``XmlPart``, ``relate_to``, ``parse_xml``), with
    the separator notes Word requires, and the Footnote Text / Footnote Reference styles;
  * tables whose header row repeats on every page (``w:tblHeader``) and whose rows do not split.

The body is built as WordprocessingML elements (``OxmlElement``) inserted before the section
properties of a python-docx ``Document``, whose styles, parts and package do the rest.
"""

import io
import itertools

import docx
import lxml.html
from django.template.defaultfilters import date as date_filter
from django.utils import translation
from django.utils.translation import gettext as _
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from core import rendered
from core.text import printable
from document.assembly import build_document

FOOTNOTES_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
TEXT_WIDTH = 9638  # twentieths of a point: A4 less 2 cm margins each side (17 cm)
SHADE = "E7ECF2"


def docx_bytes(response) -> bytes:
    """The Word document of ``response`` (its layout, its language)."""
    with translation.override(response.language):
        document = build_document(response)
        writer = Writer(response)
        title_block(writer)
        LAYOUTS.get(response.layout, table_layout)(writer, document)
        return writer.save()


class Writer:
    def __init__(self, response):
        self.response = response
        self.doc = docx.Document()
        self.part = self.doc.part
        self.sect_pr = self.doc.element.body.find(qn("w:sectPr"))
        self.ids = itertools.count(1)
        self.footnotes = None
        self._setup()

    # --- the document around the body -------------------------------------------------------

    def _setup(self):
        response = self.response
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin = section.bottom_margin = Cm(2.2)
        styles = self.doc.styles
        normal = styles["Normal"]
        normal.font.name = "DejaVu Sans"
        normal.font.size = Pt(9.5)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), {"nl": "nl-BE", "en": "en-GB"}.get(response.language, response.language))
        normal.element.get_or_add_rPr().append(lang)
        if "Footnote Text" not in [s.name for s in styles]:
            note = styles.add_style("Footnote Text", WD_STYLE_TYPE.PARAGRAPH)
            note.base_style = normal
            note.font.size = Pt(8)
            note.paragraph_format.space_after = Pt(0)
            ref = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
            ref.font.superscript = True
            link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
            link.font.color.rgb = RGBColor(0x1F, 0x4E, 0x8C)
            link.font.underline = True
        # The running header (the title) and the page number, as in the PDF.
        header = section.header.paragraphs[0]
        header.text = response.title
        header.style = styles["Header"]
        footer = section.footer.paragraphs[0]
        footer.style = styles["Footer"]
        footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        footer_p = section.footer.part.element.find(qn("w:p"))
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        field.append(self.run("1"))
        footer_p.append(field)
        properties = self.doc.core_properties
        properties.title = response.title
        properties.author = response.organisation
        properties.subject = _("Antwoord op: %(title)s") % {"title": response.evaluation_title}
        properties.language = response.language

    def style_id(self, name):
        return self.doc.styles[name].style_id

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    # --- elements -----------------------------------------------------------------------------

    def add(self, element, container=None):
        """Append a block (paragraph, table) to ``container`` (a cell, a footnote), else the body."""
        if container is None:
            self.sect_pr.addprevious(element)
        else:
            container.append(element)
        return element

    def paragraph(self, style=None, container=None, *, keep_next=False):
        p = OxmlElement("w:p")
        if style or keep_next:
            p_pr = OxmlElement("w:pPr")
            if style:
                p_style = OxmlElement("w:pStyle")
                p_style.set(qn("w:val"), self.style_id(style))
                p_pr.append(p_style)
            if keep_next:
                p_pr.append(OxmlElement("w:keepNext"))
            p.append(p_pr)
        return self.add(p, container)

    def run(self, text="", *, bold=False, italic=False, code=False, vert=None, style=None):
        r = OxmlElement("w:r")
        if bold or italic or code or vert or style:
            r_pr = OxmlElement("w:rPr")
            if style:
                r_style = OxmlElement("w:rStyle")
                r_style.set(qn("w:val"), self.style_id(style))
                r_pr.append(r_style)
            if code:
                fonts = OxmlElement("w:rFonts")
                for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
                    fonts.set(qn(attribute), "DejaVu Sans Mono")
                r_pr.append(fonts)
            if bold:
                r_pr.append(OxmlElement("w:b"))
            if italic:
                r_pr.append(OxmlElement("w:i"))
            if vert:
                align = OxmlElement("w:vertAlign")
                align.set(qn("w:val"), vert)
                r_pr.append(align)
            r.append(r_pr)
        # Rows stored before core.text's rule may hold control characters, which XML cannot.
        for i, line in enumerate(printable(text).split("\n")):
            if i:
                r.append(OxmlElement("w:br"))
            if line:
                t = OxmlElement("w:t")
                t.set(qn("xml:space"), "preserve")
                t.text = line
                r.append(t)
        return r

    def text_paragraph(self, text, style=None, container=None, *, keep_next=False, **run_format):
        p = self.paragraph(style, container, keep_next=keep_next)
        if text:
            p.append(self.run(text, **run_format))
        return p

    def heading(self, text, level, *, bookmark=None, container=None):
        p = self.paragraph(f"Heading {min(level, 9)}", container)
        if bookmark:
            start = OxmlElement("w:bookmarkStart")
            number = str(next(self.ids))
            start.set(qn("w:id"), number)
            start.set(qn("w:name"), bookmark)
            end = OxmlElement("w:bookmarkEnd")
            end.set(qn("w:id"), number)
            p.append(start)
            p.append(self.run(text))
            p.append(end)
        else:
            p.append(self.run(text))
        return p

    def hyperlink(self, p, *, url=None, anchor=None, part=None):
        """A hyperlink in ``p`` (external ``url`` related from ``part``, or a bookmark ``anchor``)."""
        link = OxmlElement("w:hyperlink")
        if anchor:
            link.set(qn("w:anchor"), anchor)
        else:
            link.set(qn("r:id"), (part or self.part).relate_to(url, RT.HYPERLINK, is_external=True))
        p.append(link)
        return link

    # --- footnotes ----------------------------------------------------------------------------

    def _footnotes_root(self):
        if self.footnotes is None:
            xml = (
                f"<w:footnotes {nsdecls('w', 'r')}>"
                '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
                'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
                '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
                'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
                "</w:footnotes>"
            )
            self.footnotes = XmlPart(
                PackURI("/word/footnotes.xml"), FOOTNOTES_CONTENT_TYPE, parse_xml(xml), self.part.package
            )
            self.part.relate_to(self.footnotes, RT.FOOTNOTES)
            self.note_ids = itertools.count(1)
        return self.footnotes.element

    def footnote(self, p, node):
        """A footnote whose text is the inline HTML ``node``, called at the end of ``p``."""
        root = self._footnotes_root()
        number = str(next(self.note_ids))
        note = OxmlElement("w:footnote")
        note.set(qn("w:id"), number)
        root.append(note)
        note_p = self.paragraph("Footnote Text", note)
        mark = self.run(style="Footnote Reference")
        mark.append(OxmlElement("w:footnoteRef"))
        note_p.append(mark)
        note_p.append(self.run(" "))
        HTML(self, part=self.footnotes).inline(node, note_p, {}, with_text=True)
        call = self.run(style="Footnote Reference")
        reference = OxmlElement("w:footnoteReference")
        reference.set(qn("w:id"), number)
        call.append(reference)
        p.append(call)

    # --- tables -------------------------------------------------------------------------------

    def table(self, widths, header, container=None):
        """A table with ``widths`` (percentages) and a ``header`` row that repeats on every page."""
        tbl = OxmlElement("w:tbl")
        tbl_pr = parse_xml(
            f'<w:tblPr {nsdecls("w")}><w:tblStyle w:val="{self.style_id("Table Grid")}"/>'
            f'<w:tblW w:w="{TEXT_WIDTH}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            '<w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="80" w:type="dxa"/>'
            '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
            'w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        )
        tbl.append(tbl_pr)
        grid = OxmlElement("w:tblGrid")
        twips = [round(TEXT_WIDTH * w / 100) for w in widths]
        for width in twips:
            col = OxmlElement("w:gridCol")
            col.set(qn("w:w"), str(width))
            grid.append(col)
        tbl.append(grid)
        self.add(tbl, container)
        table = Table(self, tbl, twips)
        row = table.row(header=True)
        for label in header:
            cell = table.cell(row, shade=SHADE)
            self.text_paragraph(label, container=cell, bold=True)
        return table


class Table:
    def __init__(self, writer, tbl, widths):
        self.writer, self.tbl, self.widths = writer, tbl, widths
        self.column = 0

    def row(self, *, header=False):
        tr = OxmlElement("w:tr")
        tr_pr = OxmlElement("w:trPr")
        tr_pr.append(OxmlElement("w:cantSplit"))
        if header:
            tr_pr.append(OxmlElement("w:tblHeader"))
        tr.append(tr_pr)
        self.tbl.append(tr)
        self.column = 0
        return tr

    def cell(self, tr, *, span=1, shade=None):
        tc = OxmlElement("w:tc")
        tc_pr = OxmlElement("w:tcPr")
        width = OxmlElement("w:tcW")
        width.set(qn("w:w"), str(sum(self.widths[self.column : self.column + span])))
        width.set(qn("w:type"), "dxa")
        tc_pr.append(width)
        if span > 1:
            grid_span = OxmlElement("w:gridSpan")
            grid_span.set(qn("w:val"), str(span))
            tc_pr.append(grid_span)
        if shade:
            shd = OxmlElement("w:shd")
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:color"), "auto")
            shd.set(qn("w:fill"), shade)
            tc_pr.append(shd)
        tc.append(tc_pr)
        tr.append(tc)
        self.column += span
        return tc


def finish_cell(tc):
    """A cell must end with a paragraph."""
    if tc.find(qn("w:p")) is None:
        tc.append(OxmlElement("w:p"))
    return tc


# --- sanitised HTML (core/richtext.py's tags) to WordprocessingML -----------------------------

BLOCKS = {"p", "ul", "ol", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr", "div"}


class HTML:
    """Turns the stored print HTML of a text into paragraphs. ``heading_offset`` is the Word
    heading level of the text's own h3 (h4 one below, ...): the level below the heading around it."""

    def __init__(self, writer, *, part=None, heading_offset=2, style=None):
        self.writer = writer
        self.part = part
        self.heading_offset = heading_offset
        self.style = style

    def blocks(self, html, container=None):
        if not html or not str(html).strip():
            return
        root = lxml.html.fragment_fromstring(str(html), create_parent="div")
        self._blocks(root, container, level=0)

    def _blocks(self, node, container, *, level):
        w = self.writer
        pending = None  # a paragraph for inline content between blocks

        def inline_target():
            nonlocal pending
            if pending is None:
                pending = w.paragraph(self.style, container)
            return pending

        if node.text and node.text.strip():
            self.text(node.text, inline_target(), {})
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in BLOCKS:
                pending = None
                self._block(child, tag, container, level=level)
                if child.tail and child.tail.strip():
                    self.text(child.tail, inline_target(), {})
            else:
                self.node(child, inline_target(), {})
                if child.tail:
                    self.text(child.tail, inline_target(), {})

    def _block(self, node, tag, container, *, level):
        w = self.writer
        if tag == "p":
            p = w.paragraph(self.style, container)
            self.inline(node, p, {}, with_text=True)
        elif tag in ("ul", "ol"):
            self._list(node, tag, container, level=level)
        elif tag in ("h3", "h4", "h5", "h6"):
            p = w.paragraph(f"Heading {min(int(tag[1]) - 3 + self.heading_offset, 9)}", container)
            self.inline(node, p, {}, with_text=True)
        elif tag == "blockquote":
            inner = HTML(w, part=self.part, heading_offset=self.heading_offset, style="Quote")
            inner._blocks(node, container, level=level)
        elif tag == "pre":
            p = w.paragraph(self.style, container)
            self.text(node.text_content(), p, {"code": True})
        elif tag == "hr":
            w.paragraph(self.style, container)
        else:  # div
            self._blocks(node, container, level=level)

    def _list(self, node, tag, container, *, level):
        w = self.writer
        depth = min(level + 1, 3)
        style = ("List Number" if tag == "ol" else "List Bullet") + (f" {depth}" if depth > 1 else "")
        num_id = self._restart(style) if tag == "ol" else None
        for li in node:
            if not isinstance(li.tag, str) or li.tag != "li":
                continue
            p = w.paragraph(style, container)
            if num_id is not None:
                num_pr = parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>')
                p.find(qn("w:pPr")).append(num_pr)
            continued = False  # the item's paragraphs after its first: List Continue
            if li.text and li.text.strip():
                before_block = len(li) == 0 or li[0].tag in ("ul", "ol", "p")
                self.text(li.text.rstrip() if before_block else li.text, p, {})
            for child in li:
                tag_name = child.tag if isinstance(child.tag, str) else ""
                if tag_name in ("ul", "ol"):
                    self._list(child, tag_name, container, level=level + 1)
                    p = None
                elif tag_name == "p":
                    if continued or p is None:
                        p = w.paragraph("List Continue" + (f" {depth}" if depth > 1 else ""), container)
                    self.inline(child, p, {}, with_text=True)
                    continued = True
                else:
                    if p is None:
                        p = w.paragraph("List Continue" + (f" {depth}" if depth > 1 else ""), container)
                    self.node(child, p, {})
                if child.tail and child.tail.strip() and p is not None:
                    self.text(child.tail, p, {})

    def _restart(self, style):
        """A numbering instance of the list style's own numbering, starting again at 1."""
        style_element = self.writer.doc.styles[style].element
        num_id_el = style_element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        numbering = self.writer.part.numbering_part.element
        abstract = numbering.num_having_numId(int(num_id_el.get(qn("w:val")))).abstractNumId.val
        num = numbering.add_num(abstract)
        num.add_lvlOverride(0).add_startOverride(1)
        return num.numId

    def text(self, text, p, fmt):
        text = " ".join(text.split("\n")) if not fmt.get("code") else text
        if text:
            p.append(self.writer.run(text, **fmt))

    def inline(self, node, p, fmt, *, with_text=False):
        """The children of ``node`` (and its text) as runs of ``p``, formatted by ``fmt``."""
        if with_text and node.text:
            self.text(node.text, p, fmt)
        for child in node:
            self.node(child, p, fmt)
            if child.tail:
                self.text(child.tail, p, fmt)

    def node(self, child, p, fmt):
        """One inline element (without its tail) as runs of ``p``."""
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "span" and "footnote" in (child.get("class") or "").split():
            self.writer.footnote(p, child)
        elif tag == "br":
            p.append(self.writer.run("\n"))
        elif tag == "a" and child.get("href") and not child.get("href").startswith("#"):
            link = self.writer.hyperlink(p, url=child.get("href"), part=self.part)
            self.inline(child, link, {**fmt, "style": "Hyperlink"}, with_text=True)
        else:
            self.inline(child, p, {**fmt, **INLINE_FORMATS.get(tag, {})}, with_text=True)


INLINE_FORMATS = {
    "strong": {"bold": True},
    "b": {"bold": True},
    "em": {"italic": True},
    "i": {"italic": True},
    "code": {"code": True},
    "sup": {"vert": "superscript"},
    "sub": {"vert": "subscript"},
}


def print_html(obj, name):
    return rendered.html_of(obj, name, variant="print")


# --- the document ---------------------------------------------------------------------------


def title_block(writer):
    """Title, organisation, the evaluation answered and the date, as print/response.html."""
    response = writer.response
    w = writer
    w.text_paragraph(response.title, "Title")
    line = response.organisation
    if response.responsible_team:
        line += f" · {response.responsible_team}"
    w.text_paragraph(line, "Subtitle")
    evaluation = _("Antwoord op: %(title)s") % {"title": response.evaluation_title}
    if response.evaluation_delivered_on:
        delivered = date_filter(response.evaluation_delivered_on, response.evaluation_delivered_format)
        if response.evaluation_delivered_in_month:  # "delivered in February 2025", not "on"
            evaluation += ", " + _("opgeleverd in %(date)s") % {"date": delivered}
        else:
            evaluation += ", " + _("opgeleverd op %(date)s") % {"date": delivered}
    w.text_paragraph(evaluation)
    # Every date labelled, as print/response.html labels it: never a bare date under the title.
    printed = date_filter(response.document_date(), response.document_date_format)
    if not response.is_published:
        status = response.get_status_display().capitalize()
        # A draft that carries its date (read from its original, or set before publication)
        # shows it after its status; "printed on" would say the draft was printed that day.
        dated = printed if response.published_on else _("afgedrukt op %(date)s") % {"date": printed}
        w.text_paragraph(f"{status} · {dated}")
    elif response.published_on and response.published_in_month:
        w.text_paragraph(_("Gepubliceerd in %(date)s") % {"date": date_filter(response.published_on, "F Y")})
    elif response.published_on:
        w.text_paragraph(_("Gepubliceerd op %(date)s") % {"date": date_filter(response.published_on, "j F Y")})
    else:
        w.text_paragraph(_("Afgedrukt op %(date)s") % {"date": printed})


def bookmark_of(action):
    return f"actie_{action.pk}"


def chapters(w, chapter_list):
    """Chapters before or after the recommendations, each its heading and text (print/_chapters.html)."""
    for chapter in chapter_list:
        if chapter.heading:
            w.heading(chapter.heading, 1)
        HTML(w, heading_offset=2).blocks(print_html(chapter, "body"))


def table_layout(w, document):
    """The chapters before (the first: I. introduction), II. the actions chapter, III. the
    recommendations table, the chapters after (print/layouts/table.html)."""
    response = w.response
    chapters(w, document.chapters_before)
    w.heading(_("II. Acties als antwoord op de aanbevelingen"), 1)
    for action in document.actions:
        w.heading(f"{action.heading_label} {action.title}", 2, bookmark=bookmark_of(action))
        w.text_paragraph(f"{_('Status')}: {action.status_line}")
        HTML(w, heading_offset=3).blocks(print_html(action, "narrative"))
        for part in action.part_list:
            w.heading(f"{part.heading_label} {part.title}", 3, bookmark=bookmark_of(part))
            if not part.is_inherited:
                w.text_paragraph(f"{_('Status')}: {part.status_line}")
            HTML(w, heading_offset=4).blocks(print_html(part, "narrative"))
    w.heading(_("III. Aanbevelingen en (re)acties %(organisation)s") % {"organisation": response.organisation}, 1)
    header = [
        _("Locatie rapport"),
        _("Aanbeveling"),
        _("Mate van akkoord vanuit %(organisation)s") % {"organisation": response.organisation},
        _("Actienummer(s)"),
    ]
    table = w.table([14, 52, 17, 17], header)
    for group in document.groups:
        tr = table.row()
        # A group's and a theme's row stay with the row after them (keepNext in a table row).
        w.text_paragraph(group.title, container=table.cell(tr, span=4, shade=SHADE), keep_next=True, bold=True)
        for theme in group.theme_list:
            tr = table.row()
            w.text_paragraph(theme.section, container=table.cell(tr), keep_next=True, bold=True)
            w.text_paragraph(theme.heading, container=table.cell(tr, span=3), keep_next=True, bold=True)
            for rec in theme.recommendation_list:
                tr = table.row()
                w.text_paragraph(rec.location, container=table.cell(tr))
                cell = table.cell(tr)
                HTML(w, heading_offset=4).blocks(print_html(rec, "text"), cell)
                finish_cell(cell)
                cell = table.cell(tr)
                if rec.agreement:
                    w.text_paragraph(rec.agreement_document_label, container=cell)
                if rec.justification:
                    HTML(w, heading_offset=4).blocks(print_html(rec, "justification"), cell)
                finish_cell(cell)
                cell = table.cell(tr)
                for link in rec.link_list:
                    p = w.paragraph(container=cell)
                    hyperlink = w.hyperlink(p, anchor=bookmark_of(link.action))
                    hyperlink.append(w.run(link.citation, style="Hyperlink"))
                finish_cell(cell)
    w.paragraph()
    chapters(w, document.chapters_after)


def matrix_layout(w, document):
    """The chapters before (the introduction first), per recommendation its band, text, management
    response and key actions, the chapters after (print/layouts/matrix.html)."""
    response = w.response
    chapters(w, document.chapters_before)
    for index, rec in enumerate(document.recommendations, start=1):
        w.heading(_("AANBEVELING %(number)s.") % {"number": rec.number or index}, 1)
        HTML(w, heading_offset=2).blocks(print_html(rec, "text"))
        p = w.paragraph()
        p.append(w.run(f"{_('Managementrespons')}: "))
        p.append(w.run(rec.agreement_document_label, bold=True))
        if rec.response_text:
            HTML(w, heading_offset=2).blocks(print_html(rec, "response_text"))
        if rec.justification:
            HTML(w, heading_offset=2).blocks(print_html(rec, "justification"))
        if rec.link_list:
            header = [
                _("Kernactie(s)"),
                _("Tijdspad"),
                _("Verantwoordelijke dienst(en)"),
                _("Opvolging*: opmerkingen"),
                _("Status"),
            ]
            table = w.table([38, 14, 17, 18, 13], header)
            for link in rec.link_list:
                action = link.action
                tr = table.row()
                cell = table.cell(tr)
                qualifier = link.qualifier_suffix if link.qualifier else ""
                w.text_paragraph(f"{action.number}{qualifier} {action.title}", container=cell, bold=True)
                HTML(w, heading_offset=4).blocks(print_html(action, "narrative"), cell)
                w.text_paragraph(action.time_frame, container=table.cell(tr))
                w.text_paragraph(action.responsible_units_line, container=table.cell(tr))
                w.text_paragraph(action.latest_comment, container=table.cell(tr))
                w.text_paragraph(action.status_document_label, container=table.cell(tr))
            w.paragraph()
    if document.recommendations and not document.has_own_note:  # the note of the starred header above
        w.text_paragraph(
            _("* De uitvoering wordt opgevolgd in de databank van %(organisation)s.")
            % {"organisation": response.organisation},
            italic=True,
        )
    chapters(w, document.chapters_after)


LAYOUTS = {"table": table_layout, "matrix": matrix_layout}
