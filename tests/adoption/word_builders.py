"""An agreement as a county keeps it in Word, built with python-docx (and a little raw XML for
what python-docx cannot write: a link, a text box, tracked changes, a footnote mark, Word's own
heading numbering): for the adoption tests, the GUI journey and README's screenshot."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import docx
from docx.document import Document as DocumentObject
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Inches
from docx.text.paragraph import Paragraph

SECTIONS = ("Foreword", "Introduction", "Legislation", "Governance and partnership structure",
            "Our priorities", "Delivery framework", "Glossary")  # as kent_agreement has them


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG (red pixels), made without an imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def add_link(paragraph: Paragraph, text: str, address: str) -> None:
    rel = paragraph.part.relate_to(address, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    paragraph._p.append(parse_xml(
        f'<w:hyperlink {nsdecls("w", "r")} r:id="{rel}"><w:r><w:t>{text}</w:t></w:r>'
        "</w:hyperlink>"))


def add_text_box(paragraph: Paragraph, text: str) -> None:
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape>'
        f"<v:textbox><w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r>"))


def add_tracked_changes(paragraph: Paragraph, inserted: str, deleted: str) -> None:
    paragraph._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="91" w:author="Editor" w:date="2025-01-01T00:00:00Z">'
        f'<w:r><w:t xml:space="preserve">{inserted}</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="92" w:author="Editor" w:date="2025-01-01T00:00:00Z">'
        f"<w:r><w:delText>{deleted}</w:delText></w:r></w:del>"))


def add_footnote_mark(paragraph: Paragraph) -> None:
    paragraph._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:footnoteReference w:id="1"/></w:r>'))


def number_with_word(document: DocumentObject, paragraph: Paragraph) -> None:
    """Give a heading Word's own numbering (a numPr of the decimal list the template has for
    "List Number"), its number not written in the text."""
    num_id = document.styles["List Number"].element.pPr.numPr.numId.val
    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert(0, parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/>'
                            f'<w:numId w:val="{num_id}"/></w:numPr>'))


def word_numbered(path: Path) -> Path:
    """Headings numbered by Word (1, 2, 3 shown by Word, not typed), and a Word bullet list."""
    document = docx.Document()
    for title in ("Context", "Governance", "Our priorities"):
        number_with_word(document, document.add_heading(title, 1))
        document.add_paragraph(f"About {title.lower()}.")
    document.save(path)
    return path


def kent_agreement(path: Path, *, image: bool = True) -> Path:
    """A Kent-shaped agreement: a title, a foreword before any heading, numbered headings (one
    numbered by Word itself), sub-headings, nested lists, bold and italic, a link, a partners
    table with a merged cell, a delivery framework table, an image, a glossary — and what
    cannot come in: a text box, a comment, a footnote, tracked changes."""
    document = docx.Document()
    document.add_paragraph("Kent Community Safety Agreement 2025–2028", style="Title")
    document.add_paragraph("Partners in Kent and Medway work together to keep people safe.")
    document.add_heading("1. Introduction", 1)
    intro = document.add_paragraph("The ")
    intro.add_run("Crime and Disorder Act 1998").bold = True
    intro.add_run(" requires an ")
    intro.add_run("agreement").italic = True
    intro.add_run(" — see ")
    add_link(intro, "the Act", "https://www.legislation.gov.uk/ukpga/1998/37")
    intro.add_run(".")
    document.add_heading("1.1 Our approach", 2)
    document.add_paragraph("Prevent harm before it happens", style="List Bullet")
    document.add_paragraph("in every district", style="List Bullet 2")
    document.add_paragraph("Support victims", style="List Bullet")
    document.add_paragraph("Agree the priorities", style="List Number")
    document.add_paragraph("Publish the plan", style="List Number")
    document.add_heading("1.1.1 How this document is organised", 3)
    note = document.add_paragraph("Each priority has a lead. ")
    add_text_box(note, "Key fact: 1.9 million residents")
    document.add_heading("2. Legislation", 1)
    law = document.add_paragraph("The partnership reviews the agreement every year.")
    add_tracked_changes(law, " It consults residents.", " It may consult.")
    add_footnote_mark(law)
    commented = document.add_paragraph("Responsible authorities share the duty.")
    document.add_comment(commented.runs, text="Check with legal", author="Editor")
    document.add_heading("3. Governance and partnership structure", 1)
    partners = document.add_table(rows=4, cols=3)
    cells = [["Partner", "Duty", "Since"],
             ["Kent Police", "Responsible authority | crime", "1998"],
             ["Kent County Council", "Responsible authority", "1998"],
             ["Probation", "", "2010"]]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            partners.cell(r, c).text = text
    partners.cell(2, 2).merge(partners.cell(3, 2))
    document.add_heading("4. Our priorities", 1)
    document.add_paragraph("Eight priorities come from the strategic assessment.")
    if image:
        picture = document.add_paragraph()
        picture.add_run().add_picture(str(_png_file(path)), width=Inches(1))
        shape = document.inline_shapes[-1]
        shape._inline.docPr.set("descr", "Map of the Kent districts")
    document.add_heading("5. Delivery framework", 1)
    framework = document.add_table(rows=4, cols=4)
    rows = [["Key issue", "Lead partnership or board", "Delivery mechanism", "Reports to"],
            ["Domestic abuse", "Kent and Medway DA Board", "DA strategy action plan",
             "Kent CSP Board"],
            ["", "District CSPs", "Local plans", "Kent CSP Board"],
            ["Serious violence", "Violence Reduction Unit", "Response strategy",
             "Kent CSP Board"]]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            framework.cell(r, c).text = text
    framework.cell(1, 0).merge(framework.cell(2, 0))
    document.add_heading("Glossary", 1)
    glossary = document.add_paragraph("CSP: Community Safety Partnership")
    glossary.add_run().add_break(WD_BREAK.LINE)
    glossary.add_run("PCC: Police and Crime Commissioner")
    document.save(path)
    return path


def _png_file(path: Path) -> Path:
    image = path.with_suffix(".png")
    image.write_bytes(tiny_png())
    return image


def bold_headed(path: Path) -> Path:
    """An agreement typed without Word's heading styles: the titles are bold paragraphs."""
    document = docx.Document()
    for title, text in (("Introduction", "Why we have an agreement."),
                        ("Our priorities", "What the assessment found.")):
        document.add_paragraph().add_run(title).bold = True
        document.add_paragraph(text)
    run = document.add_paragraph("A sentence with ").add_run("bold words")
    run.bold = True
    document.save(path)
    return path


__all__ = ["SECTIONS", "bold_headed", "kent_agreement", "tiny_png", "word_numbered"]
