"""Markdown in a section prints as a document: headings, numbered and nested lists, bold, and
a table with its header, in the PDF and in Word; no Markdown marks are left in the text."""

from __future__ import annotations

import io

from csa_desktop.services.copy import Copy
from csa_desktop.services.office_export import agreement_docx
from csa_desktop.services.printing import agreement_pdf
from tests.printing.pdfcheck import text

BODY = """The partnership works through its board.

## Partners and duties

| Partner | Duty |
|---|---|
| Lancashire Constabulary | Lead on **serious violence** |
| District councils | Community safety partnerships |

1. The board sets the priorities
2. The partnerships deliver them
   - district plans
   - unitary plans

### How we report

The board receives a *quarterly* report."""


def governance(copy: Copy) -> str:
    """Puts BODY in the second section; returns the section's number."""
    section = copy.records.list_kind("section")[1]
    copy.records.update(section.uid, {"body": BODY})
    return str(section.fields["number"] or "")


def test_markdown_prints_as_headings_lists_and_a_table_with_no_marks_left(demo_copy: Copy):
    governance(demo_copy)
    printed = text(agreement_pdf(demo_copy))
    for words in ("Partners and duties", "Lancashire Constabulary", "Lead on serious violence",
                  "1. The board sets the priorities", "2. The partnerships deliver them",
                  "district plans", "How we report", "receives a quarterly report"):
        assert words in printed, words
    for mark in ("## ", "**", "|---", "| Partner", "*quarterly*"):
        assert mark not in printed, mark


def test_markdown_in_word_uses_headings_list_styles_a_table_and_bold_runs(demo_copy: Copy):
    from docx import Document

    number = governance(demo_copy)
    doc = Document(io.BytesIO(agreement_docx(demo_copy)))
    styles = {p.text: p.style.name for p in doc.paragraphs}
    assert styles[f"{number}.1 Partners and duties"] == "Heading 2"
    assert styles[f"{number}.1.1 How we report"] == "Heading 3"
    assert styles["The board sets the priorities"] == "List Number"
    assert styles["district plans"] == "List Bullet 2"
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Partner")
    assert [c.text for c in table.rows[1].cells] == ["Lancashire Constabulary",
                                                     "Lead on serious violence"]
    bold = [r.text for r in table.rows[1].cells[1].paragraphs[0].runs if r.bold]
    assert bold == ["serious violence"]
