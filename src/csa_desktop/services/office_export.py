"""Word and Excel for the rest of the council: the agreement as .docx (python-docx) and the
action trackers as .xlsx (openpyxl), written atomically.

The agreement is built from the same plain values as the printed PDF (services.printing), plus
the approval workflow and the version-control table, so the three never disagree. Text goes in
as text: nothing is escaped, but characters XML cannot hold are dropped, and a spreadsheet cell
that starts with = + - @ (or a tab or carriage return) is stored as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csa_desktop.domain import rich_text
from csa_desktop.domain.kinds import ACTION_STATUSES, RAGS
from csa_desktop.domain.records import Record
from csa_desktop.domain.rich_text import HeadingNumbers
from csa_desktop.errors import InputError
from csa_desktop.files import write_atomically
from csa_desktop.printing.model import EVIDENCE_APPENDIX, evidence_intro
from csa_desktop.storage import trackers

if TYPE_CHECKING:
    from csa_desktop.printing.model import AgreementDocument, AgreementSection, PrintImage
    from csa_desktop.services.copy import Copy

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "not-rated": "Not rated"}
RAG_FILLS = {  # (fill, font): strong enough to read at a glance, the word says it too
    "red": ("C00000", "FFFFFF"), "amber": ("FFC000", "000000"),
    "green": ("00B050", "000000"), "not-rated": ("D9D9D9", "000000"),
}
STATUS_WORDS = {s: s.replace("-", " ").capitalize() for s in ACTION_STATUSES}
assert set(RAG_WORDS) == set(RAGS)


def clean(text: str) -> str:
    """Text as it is, less the control characters XML (and so Word and Excel) cannot hold."""
    return _NOT_XML.sub("", text)


def _require_suffix(path: Path, suffix: str) -> None:
    if Path(path).suffix.lower() != suffix:
        raise InputError(f"{path} should end in {suffix}")


# --- Word -------------------------------------------------------------------------------------


def agreement_docx(copy: Copy, *, printed_on: dt.date | None = None,
                   edition: str = "public") -> bytes:
    """The agreement as a Word document: cover details, approvals, every section with its
    bullets, the key issues, the delivery framework as a table, and the version-control
    table as an appendix; the public edition (the default) without restricted content, the
    full one with OFFICIAL-SENSITIVE in every page's header and footer."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm, Pt, RGBColor

    from csa_desktop.services.approvals import current_approvals, workflow
    from csa_desktop.services.printing import agreement_data
    from csa_desktop.services.refresh import version_appendix

    data = agreement_data(copy, printed_on=printed_on, edition=edition)
    flow = workflow(copy)
    appendix = version_appendix(copy, public=edition != "full")
    meta = data.meta
    doc = Document()
    props = doc.core_properties
    props.title = clean(meta.title)
    props.subject = clean(meta.subject)
    props.author = clean(meta.author)
    props.language = "en-GB"
    props.keywords = "Community Safety Agreement"
    props.comments = clean(f"{meta.version}; {flow.print_status}")
    if meta.invariant or printed_on is not None:
        moment = dt.datetime.combine(meta.printed_on, dt.time())
        props.created = props.modified = moment

    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    header = section.header.paragraphs[0]
    marking = data.edition.marking
    if marking:  # the full edition: the protective marking first in the header and footer
        _marking_run(header, marking)
    header.add_run(clean(f"{meta.title} · {meta.version}"))
    if flow.draft:
        run = header.add_run("   DRAFT")
        run.bold = True
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    if meta.sample:
        header.add_run("   Sample data").italic = True
    footer = section.footer.paragraphs[0]
    if marking:
        _marking_run(footer, marking)
    footer.add_run(clean(f"{meta.version} · {flow.print_status} · printed "
                         f"{long_day(meta.printed_on)} · page "))
    _add_page_field(footer)

    doc.add_heading(clean(meta.title), level=0)
    status = doc.add_paragraph()
    status_run = status.add_run(clean(flow.print_status))
    status_run.bold = True
    status_run.font.size = Pt(14)
    if flow.draft:
        status_run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    if meta.sample:
        doc.add_paragraph().add_run("Sample data: this copy holds the demo agreement; "
                                    "figures and names marked [illustrative] are "
                                    "invented.").italic = True
    details = doc.add_table(rows=0, cols=2)
    details.style = "Table Grid"
    for label, value in data.cover_lines:
        cells = details.add_row().cells
        cells[0].text = clean(label)
        cells[1].text = clean(value)
        for run in cells[0].paragraphs[0].runs:
            run.bold = True

    note = data.edition.note()
    if note:  # what this edition leaves out, or that it holds restricted content
        note_run = doc.add_paragraph().add_run(clean(note))
        note_run.bold = True
        if marking:
            note_run.font.color.rgb = RGBColor(0x8A, 0x1C, 0x1C)

    doc.add_heading("Approvals", level=1)
    for line in flow.lines or ("Not yet approved: this refresh is a draft.",):
        doc.add_paragraph(clean(line), style="List Bullet")
    decisions = current_approvals(copy)  # this refresh's; earlier ones stay in their year
    if decisions:
        table = docx_table(doc, ("Body", "Decision", "Date", "Minute"), [
            (a.title, _str(a["decision"]), long_day(_day(a["decided_on"])),
             _str(a["minute_ref"])) for a in decisions])
        table.alignment = WD_TABLE_ALIGNMENT.CENTER

    for part in data.sections:
        _docx_section(doc, part, data.images, data.edition.withheld_images)

    if data.evidence:
        _docx_evidence(doc, data)

    if data.consultations:
        from csa_desktop.printing.model import CONSULTATION_INTRO

        doc.add_heading("Appendix: consultation", level=1)
        doc.add_paragraph(CONSULTATION_INTRO)
        docx_table(doc, ("Consultee", "How and when", "What changed as a result"), [
            (c.consultee, "\n\n".join(p for p in (c.method, c.when) if p),
             c.outcome + (f"\n\nTouched: {c.touched}" if c.touched else ""))
            for c in data.consultations], widths=(4.5, 4.5, 8.0))

    doc.add_heading("Appendix: version control", level=1)
    doc.add_paragraph("What changed in the sections, key issues and delivery framework at each "
                      "annual refresh, derived from the history of the agreement.")
    if appendix.rows:
        docx_table(doc, ("Refresh", "Area", "Item", "Change", "Summary of change"),
                    [(r.refresh, r.area, r.item, r.change, r.summary) for r in appendix.rows],
                    widths=(2.0, 3.0, 4.6, 1.9, 5.5))
    else:
        doc.add_paragraph(clean(appendix.note))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _docx_evidence(doc: Any, data: AgreementDocument) -> None:
    """The evidence appendix: a Heading 2 and a table for each key issue."""
    doc.add_heading(EVIDENCE_APPENDIX, level=1)
    doc.add_paragraph(clean(evidence_intro(data)))
    for number, group in enumerate(data.evidence, start=1):
        doc.add_heading(clean(f"{number}. {group.key_issue}"), level=2)
        if not group.lines:
            doc.add_paragraph(
                "The evidence for this key issue is restricted: this public edition leaves it "
                "out." if group.left_out else "No evidence is linked to this key issue.")
            continue
        table = docx_table(doc, ("Evidence", "Statement", "Figure (period)", "Area",
                                 "Source"), [])
        for line in group.lines:
            cells = table.add_row().cells
            figure = f"{line.figure or '—'}" + (f" ({line.period})" if line.period else "")
            source = line.source or "—"
            if line.assessment and line.assessment not in data.assessment:
                source += f" ({line.assessment})"
            for cell, value in zip(cells, (line.topic, "", figure, line.area, source),
                                   strict=True):
                cell.text = clean(value)
            _cell_text(cells[1], line.statement, data.edition.withheld_images)
        _set_widths(table, (3.4, 6.0, 2.6, 2.2, 2.8))
        if group.left_out:
            doc.add_paragraph(clean(
                f"{group.left_out} restricted evidence item"
                f"{'s' if group.left_out != 1 else ''} left out of this public edition."))


def _marking_run(paragraph: Any, marking: str) -> None:
    from docx.shared import RGBColor

    run = paragraph.add_run(f"{marking}   ")
    run.bold = True
    run.font.color.rgb = RGBColor(0x8A, 0x1C, 0x1C)


def _docx_section(doc: Any, part: AgreementSection,
                  images: Mapping[str, PrintImage] | None = None,
                  withheld: frozenset[str] = frozenset()) -> None:
    from docx.shared import Pt

    title = f"{part.number} {part.title}".strip() if part.number else part.title
    doc.add_heading(clean(title), level=1)
    _docx_text(doc, part.body, images=images, numbers=HeadingNumbers(part.number),
               withheld=withheld)
    if part.signatories:
        doc.add_heading("Signed by", level=2)
        for person in part.signatories:
            line = doc.add_paragraph()
            line.add_run(clean(person.name)).bold = True
            if person.role:
                line.add_run("\n" + clean(person.role))
    if part.glossary:
        docx_table(doc, ("Term", "Definition"),
                   [(e.term, e.definition) for e in part.glossary], widths=(4.5, 12.5))
    for issue in part.key_issues:
        doc.add_heading(clean(issue.name), level=2)
        _docx_text(doc, issue.statement, heading_level=3, images=images, withheld=withheld)
        if issue.themes:
            doc.add_paragraph(clean("Themes: " + "; ".join(issue.themes))).runs[0].italic = True
    if part.delivery_rows:
        themed = any(row.themes for row in part.delivery_rows)
        table = docx_table(doc, ("Key issue", *(["Themes"] if themed else []),
                                 "Lead partnership or board", "Responsibility",
                                 "Delivery mechanism", "Reports to", "How often"), [])
        for row in part.delivery_rows:
            cells = table.add_row().cells
            values = (row.key_issue, *([row.themes] if themed else []), row.lead,
                      row.responsibility, "", row.reports_to, row.frequency)
            for cell, value in zip(cells, values, strict=True):
                cell.text = clean(value)
            _cell_text(cells[4 if themed else 3], row.mechanism, withheld)
        _set_widths(table, (2.2, 2.0, 2.3, 2.1, 4.3, 2.1, 2.0) if themed
                    else (2.5, 2.6, 2.6, 4.7, 2.4, 2.2))
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(9)
    for column in part.plan_columns:
        doc.add_heading(clean(column.heading), level=2)
        for entry in column.entries:
            doc.add_paragraph(clean(entry.text), style="List Bullet")


@dataclass
class _TextPlace:
    """What long text needs where it goes: the attachments (None: images as their alt
    text) and the numbers of a section's sub-headings (None: unnumbered)."""

    images: Mapping[str, PrintImage] | None = None
    numbers: HeadingNumbers | None = None


def _docx_text(doc: Any, text: str, heading_level: int = 2, *,
               images: Mapping[str, PrintImage] | None = None,
               numbers: HeadingNumbers | None = None,
               withheld: frozenset[str] = frozenset()) -> None:
    """Long text into the document: "##" headings as Word headings below `heading_level`
    (numbered 2.1, 2.1.1 from the section's number: the navigation pane shows them), lists in
    Word's list styles, tables as Word tables, images of attachments with their alt text as
    description and caption, bold and italic as run styles."""
    place = _TextPlace(images, numbers)
    for block in rich_text.without_images(rich_text.parse(text), withheld):
        _docx_block(doc, block, heading_level, 0, place)


def _docx_image(doc: Any, block: rich_text.ImageBlock, place: _TextPlace) -> None:
    from docx.shared import Cm

    alt = clean(block.alt.strip() or "an image with no description")
    image = place.images.get(block.uid) if place.images is not None else None
    if image is None:
        text = f"[image: {alt}]" if place.images is None else (
            f"Image not available: {alt} (the attachment {block.uid[:36]} is not in this "
            "copy)")
        doc.add_paragraph().add_run(clean(text)).italic = True
        return
    shape = doc.add_picture(io.BytesIO(image.data))
    width_limit = Cm(17.0)  # the column: A4 less 2 cm margins
    if shape.width > width_limit:
        shape.height = int(shape.height * width_limit / shape.width)
        shape.width = width_limit
    shape._inline.docPr.set("descr", alt)  # the alt text Word reads out
    shape._inline.docPr.set("title", clean(image.name))
    caption = doc.add_paragraph(alt, style="Caption")
    caption.runs[0].italic = True


def _docx_block(doc: Any, block: rich_text.Block, heading_level: int, depth: int,
                place: _TextPlace | None = None) -> None:
    place = place or _TextPlace()
    if isinstance(block, rich_text.Heading):
        # "#" and "##" are the text's own top level (below the section), "###" one deeper
        heading = doc.add_heading("", level=min(heading_level + max(block.level - 2, 0), 9))
        if place.numbers is not None:
            _depth, label = place.numbers.next(block.level)
            if label:
                heading.add_run(f"{label} ")
        _add_runs(heading, block.runs)
    elif isinstance(block, rich_text.Para):
        _add_runs(doc.add_paragraph(), block.runs)
    elif isinstance(block, rich_text.ListBlock):
        style = ("List Number" if block.ordered else "List Bullet") + (
            f" {min(depth + 1, 3)}" if depth else "")
        for item in block.items:
            for part in item:
                if isinstance(part, rich_text.Para):
                    _add_runs(doc.add_paragraph(style=style), part.runs)
                else:
                    _docx_block(doc, part, heading_level, depth + 1, place)
    elif isinstance(block, rich_text.ImageBlock):
        _docx_image(doc, block, place)
    else:
        table = docx_table(doc, [rich_text.plain(c) for c in block.header],
                           [[rich_text.plain(c) for c in row] for row in block.rows])
        for row, cells in zip(table.rows[1:], block.rows, strict=True):
            for cell, runs in zip(row.cells, cells, strict=True):
                if rich_text.styled(runs):
                    cell.paragraphs[0].text = ""
                    _add_runs(cell.paragraphs[0], runs)


def _add_runs(paragraph: Any, runs: rich_text.Inline) -> None:
    for run in runs:
        added = paragraph.add_run(clean(run.text))
        added.bold = run.bold or None
        added.italic = run.italic or None


def _cell_text(cell: Any, text: str, withheld: frozenset[str] = frozenset()) -> None:
    first = True
    for block in rich_text.without_images(rich_text.parse(text), withheld):
        items: list[tuple[rich_text.Inline, str | None]]
        if isinstance(block, rich_text.ListBlock):
            items = [(part.runs, "List Bullet") for item in block.items for part in item
                     if isinstance(part, rich_text.Para)]
        elif isinstance(block, rich_text.TableBlock):
            items = [((rich_text.Run(" | ".join(rich_text.plain(c) for c in row)),), None)
                     for row in (block.header, *block.rows)]
        elif isinstance(block, rich_text.ImageBlock):
            items = [((rich_text.Run(f"[image: {block.alt}]"),), None)]
        else:
            items = [(block.runs, None)]
        for runs, style in items:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            _add_runs(paragraph, runs)
            if style:
                paragraph.style = style


def docx_table(doc: Any, headings: Sequence[str], rows: Sequence[Sequence[str]], *,
                widths: Sequence[float] = ()) -> Any:
    """A grid table with a bold header row repeated on every page; `widths` in cm."""
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_header(table.rows[0])
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = clean(value)
    if widths:
        _set_widths(table, widths)
    return table


def _set_widths(table: Any, widths: Sequence[float]) -> None:
    """Fixed column widths (Word reads the cells' widths, LibreOffice the grid's)."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _add_page_field(paragraph: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def long_day(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def export_agreement_docx(copy: Copy, path: Path, *, printed_on: dt.date | None = None,
                          edition: str = "public") -> Path:
    _require_suffix(path, ".docx")
    return write_atomically(agreement_docx(copy, printed_on=printed_on, edition=edition),
                            path)


# --- Excel ------------------------------------------------------------------------------------

COLUMNS: tuple[tuple[str, float, bool], ...] = (  # heading, width in characters, wrap
    ("Priority", 28, True), ("County key issue", 22, True), ("What we will do", 48, True),
    ("Lead (post)", 24, True), ("Lead organisation", 26, True),
    ("Who else is involved", 28, True), ("How we will know", 32, True),
    ("Start", 12, False), ("Due", 12, False), ("Status", 13, False), ("RAG", 11, False),
    ("Latest update", 16, True), ("Reported on", 12, False), ("Latest progress", 60, True),
)
DATE_FORMAT = "dd/mm/yyyy"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class TrackerSheet:
    """One partnership's action tracker as rows of cell values."""

    partnership: str
    plan_title: str
    rows: tuple[tuple[object, ...], ...]  # values in COLUMNS order; rag as its RAGS name


def tracker_sheets(copy: Copy, partnership: str | None = None) -> list[TrackerSheet]:
    """Every partnership with a local plan (or just `partnership`), its current plan's open
    actions (not archived) grouped by priority, each with its latest progress update."""
    partnerships = copy.records.list_kind("partnership")
    plans = copy.records.list_kind("local-plan")
    if partnership:
        wanted = partnership.strip()
        chosen = [p for p in partnerships if wanted in (p.uid, p.title)
                  or p.title.casefold() == wanted.casefold()]
        if not chosen:
            names = ", ".join(p.title for p in partnerships
                              if any(lp["partnership_uid"] == p.uid for lp in plans))
            raise InputError(f"unknown partnership '{wanted}' (with a local plan: "
                             f"{names or 'none'})")
        if not any(lp["partnership_uid"] == chosen[0].uid for lp in plans):
            raise InputError(f"{chosen[0].title} has no local plan yet: there is nothing to "
                             "export")
    else:
        chosen = [p for p in partnerships if any(lp["partnership_uid"] == p.uid for lp in plans)]
    if not chosen:
        raise InputError("this copy has no local plans: there is nothing to export")
    current_plans: dict[str, Record] = {}
    for p in chosen:
        own = [lp for lp in plans if lp["partnership_uid"] == p.uid]
        current = [lp for lp in own if lp["status"] != "archived"] or own
        current_plans[p.uid] = max(current, key=lambda lp: (_day(lp["period_start"])
                                                            or dt.date.min, lp.uid))
    with copy.store.reader() as session:
        found = trackers.tracker_rows(session, [lp.uid for lp in current_plans.values()])
    by_plan: dict[str, list[tuple[object, ...]]] = {}
    for row in found:
        (plan_uid, priority, issue, title, lead_role, organisation, partners, measure, start,
         due, status, rag, period, reported_on, narrative) = row
        by_plan.setdefault(plan_uid, []).append((
            priority or "", issue or "", title, lead_role or "", organisation or "",
            partners or "", measure or "", _iso(start), _iso(due),
            STATUS_WORDS.get(status, status or ""), rag or "not-rated", period or "",
            _iso(reported_on), narrative or "",
        ))
    return [TrackerSheet(p.title, current_plans[p.uid].title,
                         tuple(by_plan.get(current_plans[p.uid].uid, ()))) for p in chosen]


def _iso(value: object) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if isinstance(value, str) and value else None


def _day(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def sheet_title(name: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\, unique."""
    base = _SHEET_BAD.sub("-", clean(name)).strip("' ") or "Partnership"
    if base.casefold() == "history":
        base = "History (partnership)"
    title = base[:31]
    n = 2
    while title.casefold() in taken:
        suffix = f" ({n})"
        title = base[:31 - len(suffix)] + suffix
        n += 1
    taken.add(title.casefold())
    return title


def set_cell_text(cell: Any, text: str) -> None:
    value = clean(text)
    cell.value = value
    if value.startswith(_FORMULA_START):
        cell.data_type = "s"  # text, never a formula
        cell.quotePrefix = True


def _row_height(values: Sequence[object]) -> float:
    """Points for a row whose wrapped cells all show in full (not every reader fits rows)."""
    lines = 1
    for (_, width, wraps), value in zip(COLUMNS, values, strict=True):
        if wraps and isinstance(value, str) and value:
            per_line = max(int(width * 1.15), 1)
            lines = max(lines, sum(-(-max(len(part), 1) // per_line)
                                   for part in value.splitlines() or [""]))
    return min(15.0 * lines + 3, 409.0)


def local_plans_xlsx(copy: Copy, partnership: str | None = None) -> bytes:
    """The action trackers as an Excel workbook: one sheet per partnership, the RAG as a cell
    colour and a word, filters on, the header frozen, dates as real dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
    from openpyxl.utils import get_column_letter

    sheets = tracker_sheets(copy, partnership)
    book = Workbook()
    book.remove(book.active)
    book.properties.title = "Local partnership plans: action trackers"
    book.properties.creator = clean(copy.identity.name)
    book.properties.language = "en-GB"

    def style(name: str, **parts: Any) -> str:  # one named style per look: fast to assign
        book.add_named_style(NamedStyle(name=name, **parts))
        return name

    top = Alignment(vertical="top")
    header = style("CSA header", font=Font(bold=True), alignment=Alignment(
        vertical="top", wrap_text=True), fill=PatternFill("solid", fgColor="DDEBF7"))
    plain = style("CSA text", alignment=top)
    wrapped = style("CSA wrapped text", alignment=Alignment(vertical="top", wrap_text=True))
    day = style("CSA date", alignment=top, number_format=DATE_FORMAT)
    rags = {rag: style(f"CSA RAG {RAG_WORDS[rag]}", alignment=top,
                       fill=PatternFill("solid", fgColor=fill),
                       font=Font(bold=True, color=font))
            for rag, (fill, font) in RAG_FILLS.items()}
    text_styles = [wrapped if wraps else plain for _, _, wraps in COLUMNS]
    rag_column = [c[0] for c in COLUMNS].index("RAG") + 1
    taken: set[str] = set()
    for sheet in sheets:
        ws = book.create_sheet(sheet_title(sheet.partnership, taken))
        for col, (heading, width, _) in enumerate(COLUMNS, 1):
            ws.cell(row=1, column=col, value=heading).style = header
            ws.column_dimensions[get_column_letter(col)].width = width
        for r, values in enumerate(sheet.rows, 2):
            ws.row_dimensions[r].height = _row_height(values)
            for col, value in enumerate(values, 1):
                cell = ws.cell(row=r, column=col)
                if col == rag_column:
                    rag = str(value) if value in RAG_FILLS else "not-rated"
                    cell.value = RAG_WORDS[rag]
                    cell.style = rags[rag]
                elif isinstance(value, dt.date):
                    cell.value = value
                    cell.style = day
                elif value is None:
                    cell.style = plain
                else:
                    cell.style = text_styles[col - 1]
                    set_cell_text(cell, str(value))
        last = get_column_letter(len(COLUMNS))
        ws.auto_filter.ref = f"A1:{last}{max(len(sheet.rows) + 1, 2)}"
        ws.freeze_panes = "A2"
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.oddHeader.center.text = clean(sheet.plan_title).replace("&", "&&")
        ws.oddFooter.center.text = "Page &P of &N"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_local_plans_xlsx(copy: Copy, path: Path, partnership: str | None = None) -> Path:
    _require_suffix(path, ".xlsx")
    return write_atomically(local_plans_xlsx(copy, partnership), path)
