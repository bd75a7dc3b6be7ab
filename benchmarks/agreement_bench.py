"""The full agreement of the large copy, its governance section given sub-sections, a 300-row
table and an image, and a Chinese heading (a fallback font), against a bare ReportLab floor:
the same texts, tables and image set in one pass (no contents, no outline, no second pass),
in the same embedded fonts, with nothing gathered from a database."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TABLE_ROWS = 300


def structure(folder: Path) -> None:
    """Setup, not timed: sub-sections, a long table, an image and a Chinese heading."""
    from PIL import Image

    from csa_desktop.services.attachments import add_attachment
    from csa_desktop.services.copy import Copy

    buffer = io.BytesIO()
    Image.new("RGB", (1200, 500), (31, 58, 95)).save(buffer, "PNG")
    rows = "\n".join(f"| Partner {n} | Duty {n} | Lead for key issue {n % 8 + 1} |"
                     for n in range(TABLE_ROWS))
    with Copy.open(folder) as copy:
        image = add_attachment(copy, buffer.getvalue(), "structure.png",
                               "The partnership structure [benchmark]")
        section = next(s for s in copy.records.list_kind("section")
                       if s.title.startswith("Governance"))
        body = (f"{section['body']}\n\n## Partners and duties\n\n| Partner | Duty | Lead |\n"
                f"|---|---|---|\n{rows}\n\n### How they report\n\nEvery quarter.\n\n"
                f"{image.markdown}\n\n## 社区安全伙伴关系\n\nThe partnership in Chinese.")
        copy.records.update(section.uid, {"body": body})


def bare_agreement(document: Any) -> Callable[[], bytes]:
    """The agreement's texts as ReportLab sets them at the least: every heading, paragraph
    and list item a Paragraph, every table a Table repeating its header, the image drawn at
    the column's width; one build, DejaVu Sans (and the fallback font) embedded."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Table

    from csa_desktop.domain import rich_text
    from csa_desktop.printing.common import FONT, FONT_BOLD, register_fonts
    from csa_desktop.printing.fonts import FALLBACKS

    register_fonts()
    fallback = FALLBACKS.font_for("社") or FONT
    body = ParagraphStyle("floor", fontName=FONT, fontSize=10, leading=13)
    head = ParagraphStyle("floor-head", parent=body, fontName=FONT_BOLD, fontSize=13)
    cell = ParagraphStyle("floor-cell", parent=body, fontSize=8.5, leading=10.5)
    wide = A4[0] - 2 * 56

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        marked = "".join(f'<font name="{fallback}">{escape(c)}</font>' if ord(c) > 0x2E80
                         else escape(c) for c in text) if not text.isascii() else escape(text)
        return Paragraph(marked, style)

    def blocks(text: str) -> list[Any]:
        out: list[Any] = []
        for block in rich_text.parse(text):
            if isinstance(block, rich_text.Heading):
                out.append(para(rich_text.plain(block.runs), head))
            elif isinstance(block, rich_text.Para):
                out.append(para(rich_text.plain(block.runs), body))
            elif isinstance(block, rich_text.ListBlock):
                out += [para(rich_text.plain(p.runs), body) for item in block.items
                        for p in item if isinstance(p, rich_text.Para)]
            elif isinstance(block, rich_text.TableBlock):
                rows = [[para(rich_text.plain(c), cell) for c in row]
                        for row in (block.header, *block.rows)]
                out.append(Table(rows, repeatRows=1))
            elif isinstance(block, rich_text.ImageBlock):
                image = document.images[block.uid]
                out.append(Image(io.BytesIO(image.data), width=wide, height=wide * 5 / 12))
                out.append(para(image.alt_text, cell))
        return out

    def table(rows: list[tuple[str, ...]]) -> Any:
        return Table([[para(t, cell) for t in row] for row in rows], repeatRows=1)

    def appendices() -> list[Any]:
        """The approvals, the evidence behind each key issue, the consultations and the
        version control, as plain tables of the same texts."""
        out: list[Any] = []
        if document.approvals:
            out += [para("Approvals", head), table([
                (a.body, a.decision, str(a.decided_on or ""), a.minute_ref)
                for a in document.approvals])]
        for group in document.evidence:
            out.append(para(group.key_issue, head))
            if group.lines:
                out.append(table([(f"{e.topic} {e.statement}", f"{e.figure} {e.period}",
                                   e.area, e.source) for e in group.lines]))
        if document.consultations:
            out += [para("Consultation", head), table([
                (c.consultee, f"{c.method} {c.when}", f"{c.outcome} {c.touched}")
                for c in document.consultations])]
        if document.version_lines:
            out += [para("Version control", head), table([
                (v.refresh, v.area, v.item, v.change, v.summary)
                for v in document.version_lines])]
        return out

    def build() -> bytes:
        story: list[Any] = []
        for section in document.sections:
            story.append(para(f"{section.number} {section.title}", head))
            story += blocks(section.body)
            for issue in section.key_issues:
                story.append(para(issue.name, head))
                story += blocks(issue.statement)
            if section.delivery_rows:
                story.append(Table([[para(t, cell) for t in (
                    r.key_issue, r.lead, r.mechanism, r.reports_to)]
                    for r in section.delivery_rows], repeatRows=1))
            for column in section.plan_columns:
                story.append(para(column.heading, head))
                story += [para(e.text, cell) for e in column.entries]
        story += appendices()
        out = io.BytesIO()
        SimpleDocTemplate(out, pagesize=A4, leftMargin=56, rightMargin=56).build(story)
        return out.getvalue()

    return build


def measure_agreement_pdf(case: Any, repeat: int, large: Path, work: Path,
                          copy_folder: Callable[[Path, Path], Path]) -> None:
    from csa_desktop.services.copy import Copy
    from csa_desktop.services.printing import agreement_data, agreement_pdf

    folder = copy_folder(large, work / "agreement-copy")
    structure(folder)
    app_runs: list[float] = []
    floor_runs: list[float] = []
    with Copy.open(folder) as copy:
        floor = bare_agreement(agreement_data(copy))
        data = agreement_pdf(copy)  # warm: fonts registered, modules loaded
        floor()
        for _ in range(max(1, repeat)):
            started = time.perf_counter()
            data = agreement_pdf(copy)
            app_runs.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            floor()
            floor_runs.append((time.perf_counter() - started) * 1000)
    pages = data.count(b"/Type /Page\n") or data.count(b"/Type /Page")
    case.record(app_runs, floor_runs)
    case.note = (f"about {pages} pages, a {TABLE_ROWS}-row table, an image and a Chinese "
                 "heading; the app reads the copy, lays out twice (the contents' page "
                 "numbers) and writes the outline; warm (an untimed first run)")
