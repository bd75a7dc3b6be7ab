"""The detailed agreement: cover, contents with page numbers, sections in order (paragraphs,
bullets, numbered sub-sections, tables, images, key issues, the delivery framework table, the
plan on a page), approvals. Sections and their "##" and "###" headings are in the contents
and in the PDF outline (bookmarks), three levels deep."""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus.tableofcontents import TableOfContents

from csa_desktop.domain.rich_text import Heading, HeadingNumbers
from csa_desktop.domain.rich_text import plain as plain_text
from csa_desktop.errors import PrintFitError
from csa_desktop.printing.common import (
    FONT,
    FONT_BOLD,
    FONT_ITALIC,
    INK,
    MUTED,
    NAVY,
    PALE,
    RULE,
    Styles,
    body_frame,
    document_options,
    draw_sample_marker,
    inline,
    numbered_canvas,
    register_fonts,
    spacer,
    styles,
)
from csa_desktop.printing.model import (
    CONSULTATION_INTRO,
    EVIDENCE_APPENDIX,
    AgreementDocument,
    AgreementSection,
    DeliveryRow,
    PlanColumn,
    evidence_intro,
    long_date,
)
from csa_desktop.printing.rich_text import HeadingMaker, TextContext, long_text

PAGE = A4
MARGIN = 56.0  # 2 cm
MARKING = colors.HexColor("#8A1C1C")  # the protective marking's red (7:1 on white)


class _Heading(Paragraph):  # type: ignore[misc]
    """A heading that goes into the contents and the PDF outline."""

    def __init__(self, markup: str, style: ParagraphStyle, *, outline: str, level: int,
                 key: str) -> None:
        super().__init__(markup, style)
        self.toc_markup = markup  # already escaped
        self.outline = outline  # plain text: the outline is not markup
        self.level = level
        self.key = key


class _AgreementTemplate(BaseDocTemplate):  # type: ignore[misc]
    _outline_level = -1

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - ReportLab's name
        if isinstance(flowable, _Heading):
            self.canv.bookmarkPage(flowable.key)
            # an outline may not skip a level (a "###" straight under a section)
            level = min(flowable.level, self._outline_level + 1)
            self._outline_level = level
            self.canv.addOutlineEntry(flowable.outline, flowable.key, level=level)
            self.notify("TOCEntry", (flowable.level, flowable.toc_markup, self.page,
                                     flowable.key))


def render_agreement(document: AgreementDocument) -> bytes:
    register_fonts()
    st = styles(10)
    buffer = io.BytesIO()
    width, height = PAGE
    meta = document.meta

    marking = document.edition.marking

    def furniture(canvas: Canvas, _page: int, _pages: int) -> None:
        if meta.sample:
            draw_sample_marker(canvas, width - MARGIN, height - 18)
        if marking:  # the full edition: its protective marking at the top and the bottom
            draw_marking(canvas, marking, width, height)

    doc = _AgreementTemplate(buffer, **document_options(meta, PAGE, MARGIN))
    frame = body_frame(PAGE, MARGIN)
    doc.addPageTemplates([PageTemplate("cover", [frame]), PageTemplate("body", [frame])])
    story = _cover(document, st, width - 2 * MARGIN)
    story += [NextPageTemplate("body"), PageBreak()]
    story += _contents(st, document.edition.note(), marked=document.edition.full)
    story.append(PageBreak())
    context = TextContext(images=document.images,
                          withheld=document.edition.withheld_images)
    for index, section in enumerate(document.sections):
        story += _section(section, st, width - 2 * MARGIN, f"s{index}", context)
    if document.approvals:
        story += _approvals(document, st, width - 2 * MARGIN)
    if document.evidence:
        story += _evidence_appendix(document, st, width - 2 * MARGIN, context)
    if document.consultations:
        story += _consultation(document, st, width - 2 * MARGIN)
    if document.version_lines or document.version_note:
        story += _version_control(document, st, width - 2 * MARGIN)
    try:
        doc.multiBuild(story, canvasmaker=numbered_canvas(meta, MARGIN, furniture))
    except LayoutError as exc:  # something no page can hold: say so, never crash or cut
        raise PrintFitError(
            f"{meta.title} cannot be printed: one part of it is taller than a page and "
            "cannot be split (a very long table cell or heading). Shorten it; nothing was "
            "printed.") from exc
    return buffer.getvalue()


def _cover(document: AgreementDocument, st: Styles, width: float) -> list[Flowable]:
    kicker = ParagraphStyle("kicker", parent=st.body, fontName=FONT_BOLD, fontSize=11,
                            textColor=colors.HexColor("#DCE6F0"), spaceAfter=8)
    title = ParagraphStyle("cover-title", parent=st.title, textColor=colors.white,
                           fontSize=26, leading=31)
    label = ParagraphStyle("cover-label", parent=st.body, fontName=FONT_BOLD,
                           textColor=MUTED, fontSize=9.5, spaceAfter=0)
    value = ParagraphStyle("cover-value", parent=st.body, fontSize=10.5, leading=14,
                           spaceAfter=0)
    meta = document.meta
    band = Table([[Paragraph("Community Safety Agreement", kicker)],
                  [Paragraph(inline(meta.title), title)]], colWidths=[width])
    band.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BACKGROUND", (0, 0), (-1, -1), NAVY),
        ("LEFTPADDING", (0, 0), (-1, -1), 22), ("RIGHTPADDING", (0, 0), (-1, -1), 22),
        ("TOPPADDING", (0, 0), (-1, 0), 26), ("BOTTOMPADDING", (0, -1), (-1, -1), 30),
    ]))
    story: list[Flowable] = [spacer(40), band, spacer(40)]
    status = ParagraphStyle("cover-status", parent=st.body, fontName=FONT_BOLD, fontSize=16,
                            leading=20, textColor=NAVY, spaceAfter=2)
    status_box = Table([[Paragraph(inline(meta.status), status)],
                        [Paragraph(inline(meta.status_detail), st.small)]],
                       colWidths=[width])
    status_box.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BACKGROUND", (0, 0), (-1, -1), PALE), ("LINEBEFORE", (0, 0), (0, -1), 4, NAVY),
        ("LEFTPADDING", (0, 0), (-1, -1), 12), ("TOPPADDING", (0, 0), (-1, 0), 9),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 9),
    ]))
    story += [status_box, spacer(22)]
    rows = [[Paragraph(inline(k), label), Paragraph(inline(v), value)]
            for k, v in document.cover_lines if k != "Status"]
    if rows:
        table = Table(rows, colWidths=[width * 0.3, width * 0.7])
        table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -2), 0.5, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ]))
        story.append(table)
    story.append(spacer(28))
    note = ParagraphStyle("cover-note", parent=st.small, fontName=FONT_ITALIC)
    story.append(Paragraph(
        f"Printed {long_date(meta.printed_on)} by {inline(meta.author)} · {inline(meta.version)}",
        note))
    if meta.sample:
        story.append(spacer(6))
        story.append(Paragraph(
            "This copy contains sample data: text marked [illustrative] or [sample] is "
            "invented for demonstration and is not part of any published agreement.", note))
    return story


def draw_marking(canvas: Canvas, marking: str, width: float, height: float) -> None:
    """The protective marking, bold and centred, in the header and below the footer."""
    canvas.saveState()
    canvas.setFillColor(MARKING)
    canvas.setFont(FONT_BOLD, 10)
    canvas.drawCentredString(width / 2, height - 28, marking)
    canvas.drawCentredString(width / 2, 12, marking)
    canvas.restoreState()


def _contents(st: Styles, note: str = "", *, marked: bool = False) -> list[Flowable]:
    toc = TableOfContents(dotsMinLevel=0)
    toc.tableStyle = TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ])
    toc.levelStyles = [
        ParagraphStyle("toc0", fontName=FONT, fontSize=10.5, leading=15, leftIndent=0,
                       firstLineIndent=0, textColor=INK, spaceBefore=3),
        ParagraphStyle("toc1", fontName=FONT, fontSize=9.5, leading=13, leftIndent=18,
                       firstLineIndent=0, textColor=MUTED),
        ParagraphStyle("toc2", fontName=FONT, fontSize=9, leading=12, leftIndent=36,
                       firstLineIndent=0, textColor=MUTED),
    ]
    story: list[Flowable] = [Paragraph("Contents", st.heading)]
    if note:  # what this edition leaves out, or that it holds restricted content
        story += [Paragraph(inline(note), ParagraphStyle(
            "edition-note", parent=st.body, fontName=FONT_BOLD,
            textColor=MARKING if marked else INK))]
    return [*story, spacer(6), toc]


def _heading_text(section: AgreementSection) -> tuple[str, str]:
    number = section.number.strip()
    plain = f"{number}  {section.title}" if number else section.title
    markup = (f"{inline(number)}\u2003{inline(section.title)}" if number
              else inline(section.title))
    return markup, plain


def sub_heading_maker(number: str, key: str) -> HeadingMaker:
    """Headings of a section's text, numbered from the section's number (HeadingNumbers:
    2.1, 2.1.1), each in the contents and the outline."""
    numbers = HeadingNumbers(number)
    made = [0]

    def make(block: Heading, markup: str, style: ParagraphStyle) -> Flowable:
        depth, label = numbers.next(block.level)
        made[0] += 1
        text = plain_text(block.runs)
        shown = f"{inline(label)}\u2002{markup}" if label else markup
        return _Heading(shown, style, outline=f"{label}  {text}" if label else text,
                        level=depth, key=f"{key}-h{made[0]}")

    return make


def _section(section: AgreementSection, st: Styles, width: float,
             key: str, context: TextContext | None = None) -> list[Flowable]:
    markup, plain = _heading_text(section)
    heading_style = ParagraphStyle("section-heading", parent=st.heading)
    # A page break when less than ~6 lines are left, instead of keepWithNext: grouping the
    # heading with what follows would report the wrong page to the contents.
    story: list[Flowable] = [PageBreak() if section.kind == "appendix" else CondPageBreak(90)]
    story.append(_Heading(markup, heading_style, outline=plain, level=0, key=key))
    text_context = replace(context or TextContext(),
                           heading=sub_heading_maker(section.number.strip(), key))
    story += long_text(section.body, st, context=text_context)
    if section.signatories:
        story += _signatories(section, st, width)
    if section.glossary:
        story.append(_glossary_table(section, st, width))
    if section.key_issues:
        story.append(CondPageBreak(110))
        story.append(Paragraph("The key issues", st.subheading))
        for number, issue in enumerate(section.key_issues, start=1):
            name = f"{number}.\u2002{inline(issue.name)}"
            if issue.themes:
                name += f'\u2002<font name="{FONT}" size="8" color="#1F3A5F">' \
                        f"[{inline(' · '.join(issue.themes))}]</font>"
            block: list[Flowable] = [Paragraph(name, ParagraphStyle(
                "issue", parent=st.body, fontName=FONT_BOLD, spaceAfter=2, keepWithNext=1))]
            if issue.statement:
                block += long_text(issue.statement, st, body=ParagraphStyle(
                    "issue-text", parent=st.body, leftIndent=14),
                    context=TextContext(images=text_context.images,
                                        withheld=text_context.withheld))
            story.append(KeepTogether(block))
    if section.delivery_rows:
        story.append(spacer(4))
        story.append(_delivery_table(section.delivery_rows, st, width))
    if section.plan_columns:
        story.append(spacer(4))
        story.append(_plan_table(section.plan_columns, st, width))
    return story


def _signatories(section: AgreementSection, st: Styles, width: float) -> list[Flowable]:
    """The foreword's signatories, two to a row: a line to sign on, the name, the role."""
    name = ParagraphStyle("signatory", parent=st.body, fontName=FONT_BOLD, spaceAfter=0)
    role = ParagraphStyle("signatory-role", parent=st.small, textColor=MUTED)
    cells: list[Any] = [[Paragraph(inline(s.name), name), Paragraph(inline(s.role), role)]
                        for s in section.signatories]
    if len(cells) % 2:
        cells.append("")
    rows: list[list[Any]] = []
    lines: list[tuple[Any, ...]] = []
    for at in range(0, len(cells), 2):
        # room to sign, then the line and the name; a gap between the two signatures
        rows += [["", "", ""], [cells[at], "", cells[at + 1]]]
        lines += [("LINEABOVE", (col, len(rows) - 1), (col, len(rows) - 1), 0.6, MUTED)
                  for col, cell in ((0, cells[at]), (2, cells[at + 1])) if cell != ""]
    table = Table(rows, colWidths=[width * 0.44, width * 0.12, width * 0.44],
                  rowHeights=[34 if n % 2 == 0 else None for n in range(len(rows))])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        *lines,
    ]))
    return [KeepTogether([Paragraph("Signed by", st.subheading), table])]


def _glossary_table(section: AgreementSection, st: Styles, width: float) -> Table:
    data: list[list[Any]] = [[Paragraph("Term", st.cell_head),
                              Paragraph("Definition", st.cell_head)]]
    data += [[Paragraph(inline(e.term), st.cell_bold), Paragraph(inline(e.definition), st.cell)]
             for e in section.glossary]
    table = Table(data, colWidths=[width * 0.28, width * 0.72], repeatRows=1)
    table.setStyle(_header_style(st))
    return table


def _header_style(st: Styles) -> TableStyle:
    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, PALE]),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ])


def _delivery_table(rows: tuple[DeliveryRow, ...], st: Styles, width: float) -> Table:
    themed = any(row.themes for row in rows)  # a county with no themes prints no empty column
    head = ["Key issue", *(["Themes"] if themed else []), "Lead partnership or board",
            "Delivery mechanism", "Reports to (how often)"]
    bullet = ParagraphStyle("cell-bullet", parent=st.cell, leftIndent=10, bulletIndent=1,
                            spaceAfter=2, bulletFontName=FONT)
    body = ParagraphStyle("cell-para", parent=st.cell, spaceAfter=3)
    data: list[list[Any]] = [[Paragraph(h, st.cell_head) for h in head]]
    for row in rows:
        lead = inline(row.lead) or "—"
        if row.responsibility:
            lead += f"<br/><font color=\"#555555\">{inline(row.responsibility)} " \
                    "responsibility</font>"
        reports = inline(row.reports_to) or "—"
        if row.frequency:
            reports += f"<br/><font color=\"#555555\">{inline(row.frequency)}</font>"
        data.append([
            Paragraph(inline(row.key_issue), st.cell_bold),
            *([Paragraph(inline(row.themes) or "—", st.cell)] if themed else []),
            Paragraph(lead, st.cell),
            long_text(row.mechanism, st, body=body, bullet=bullet) or Paragraph("—", st.cell),
            Paragraph(reports, st.cell),
        ])
    shares = (0.18, 0.13, 0.19, 0.33, 0.17) if themed else (0.21, 0.23, 0.35, 0.21)
    table = Table(data, colWidths=[width * f for f in shares], repeatRows=1)
    table.setStyle(_header_style(st))
    return table


def _plan_table(columns: tuple[PlanColumn, ...], st: Styles, width: float) -> Table:
    bullet = ParagraphStyle("plan-bullet", parent=st.cell, leftIndent=10, bulletIndent=1,
                            spaceAfter=3, bulletFontName=FONT)
    head = [Paragraph(inline(c.heading), st.cell_head) for c in columns]
    cells = [[Paragraph(inline(e.text), bullet, bulletText="•") for e in c.entries]
             or Paragraph("—", st.cell) for c in columns]
    # One row holds every column's items: a long plan (one too long for its own page) would
    # make that row taller than a page, which ReportLab cannot place (LayoutError). Rows
    # that split across pages, headings repeated, print it whole.
    table = Table([head, cells], colWidths=[width / len(columns)] * len(columns),
                  repeatRows=1, splitInRow=1)
    table.setStyle(_header_style(st))
    return table


def _approvals(document: AgreementDocument, st: Styles, width: float) -> list[Flowable]:
    markup = "Approvals"
    story: list[Flowable] = [
        CondPageBreak(90),
        _Heading(markup, ParagraphStyle("approvals-heading", parent=st.heading),
                 outline=markup, level=0, key="approvals"),
    ]
    data: list[list[Any]] = [[Paragraph(h, st.cell_head)
                              for h in ("Body", "Decision", "Date", "Minute reference")]]
    for approval in document.approvals:
        data.append([Paragraph(inline(approval.body), st.cell_bold),
                     Paragraph(inline(approval.decision), st.cell),
                     Paragraph(long_date(approval.decided_on) or "—", st.cell),
                     Paragraph(inline(approval.minute_ref) or "—", st.cell)])
    table = Table(data, colWidths=[width * f for f in (0.3, 0.4, 0.15, 0.15)], repeatRows=1)
    table.setStyle(_header_style(st))
    story.append(table)
    return story


def _evidence_appendix(document: AgreementDocument, st: Styles, width: float,
                       context: TextContext) -> list[Flowable]:
    story: list[Flowable] = [
        PageBreak(),
        _Heading(inline(EVIDENCE_APPENDIX), ParagraphStyle("evidence-heading",
                                                           parent=st.heading),
                 outline=EVIDENCE_APPENDIX, level=0, key="evidence"),
        Paragraph(inline(evidence_intro(document)), st.body),
        spacer(4),
    ]
    statement = ParagraphStyle("evidence-statement", parent=st.cell, spaceAfter=2)
    for number, group in enumerate(document.evidence, start=1):
        title = f"{number}.\u2002{group.key_issue}"
        story.append(CondPageBreak(80))
        story.append(_Heading(inline(title), ParagraphStyle(
            "evidence-issue", parent=st.subheading, keepWithNext=1),
            outline=title.replace("\u2002", " "), level=1, key=f"evidence-{number}"))
        if not group.lines:
            story.append(Paragraph(inline(
                "The evidence for this key issue is restricted: this public edition leaves "
                "it out." if group.left_out else "No evidence is linked to this key issue."),
                st.body))
            continue
        data: list[list[Any]] = [[Paragraph(h, st.cell_head)
                                  for h in ("Evidence", "Figure (period)", "Area", "Source")]]
        for line in group.lines:
            figure = inline(line.figure) or "—"
            if line.period:
                figure += f'<br/><font color="#555555">{inline(line.period)}</font>'
            source = inline(line.source) or "—"
            if line.assessment and line.assessment not in document.assessment:
                source += f'<br/><font color="#555555">{inline(line.assessment)}</font>'
            data.append([
                [Paragraph(inline(line.topic), st.cell_bold),
                 *long_text(line.statement, st, body=statement, bullet=statement,
                            context=TextContext(withheld=context.withheld))],
                Paragraph(figure, st.cell), Paragraph(inline(line.area), st.cell),
                Paragraph(source, st.cell)])
        table = Table(data, colWidths=[width * f for f in (0.44, 0.18, 0.15, 0.23)],
                      repeatRows=1)
        table.setStyle(_header_style(st))
        story.append(table)
        if group.left_out:
            story.append(Paragraph(inline(
                f"{group.left_out} restricted evidence item{'s' if group.left_out != 1 else ''}"
                " left out of this public edition."), st.small))
    return story


def _consultation(document: AgreementDocument, st: Styles, width: float) -> list[Flowable]:
    """The appendix of consultations: consultee groups and what changed."""
    markup = "Appendix: consultation"
    story: list[Flowable] = [
        PageBreak(),
        _Heading(markup, ParagraphStyle("consultation-heading", parent=st.heading),
                 outline=markup, level=0, key="consultation"),
        Paragraph(CONSULTATION_INTRO, st.body),
        spacer(4),
    ]
    body = ParagraphStyle("consultation-cell", parent=st.cell, spaceAfter=3)
    bullet = ParagraphStyle("consultation-bullet", parent=st.cell, leftIndent=10,
                            bulletIndent=1, spaceAfter=2, bulletFontName=FONT)
    data: list[list[Any]] = [[Paragraph(h, st.cell_head) for h in (
        "Consultee", "How and when", "What changed as a result")]]
    for line in document.consultations:
        how = inline(line.method) or "—"
        if line.when:
            how += f"<br/><font color=\"#555555\">{inline(line.when)}</font>"
        changed: list[Flowable] = (long_text(line.outcome, st, body=body, bullet=bullet)
                                   or [Paragraph("—", st.cell)])
        if line.touched:
            changed.append(Paragraph(f"<font color=\"#555555\">Touched: "
                                     f"{inline(line.touched)}</font>", st.cell))
        data.append([Paragraph(inline(line.consultee), st.cell_bold),
                     Paragraph(how, st.cell), changed])
    table = Table(data, colWidths=[width * f for f in (0.28, 0.27, 0.45)], repeatRows=1)
    table.setStyle(_header_style(st))
    story.append(table)
    return story


def _version_control(document: AgreementDocument, st: Styles,
                     width: float) -> list[Flowable]:
    """The appendix listing what changed at each annual refresh."""
    markup = "Appendix: version control"
    story: list[Flowable] = [
        PageBreak(),
        _Heading(markup, ParagraphStyle("version-heading", parent=st.heading),
                 outline=markup, level=0, key="version-control"),
        Paragraph("What changed in the sections, key issues and delivery framework at each "
                  "annual refresh, found by comparing each refresh with the one before.",
                  st.body),
        spacer(4),
    ]
    if not document.version_lines:
        story.append(Paragraph(inline(document.version_note), st.body))
        return story
    data: list[list[Any]] = [[Paragraph(h, st.cell_head) for h in (
        "Refresh", "Area", "Item", "Change", "Summary of change")]]
    for line in document.version_lines:
        data.append([Paragraph(inline(line.refresh), st.cell_bold),
                     Paragraph(inline(line.area), st.cell),
                     Paragraph(inline(line.item), st.cell),
                     Paragraph(inline(line.change), st.cell),
                     Paragraph(inline(line.summary), st.cell)])
    table = Table(data, colWidths=[width * f for f in (0.11, 0.16, 0.3, 0.11, 0.32)],
                  repeatRows=1)
    table.setStyle(_header_style(st))
    story.append(table)
    return story
