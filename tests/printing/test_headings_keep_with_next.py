"""A sub-heading in a section's text is never left at the foot of a page while what it heads
(an image, a table, a paragraph) starts overleaf: wherever the page breaks, the heading
prints on the page where its image is drawn."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from csa_desktop.printing.common import register_fonts, styles
from csa_desktop.printing.model import PrintImage
from csa_desktop.printing.rich_text import TextContext, long_text
from tests.attachments.images import png

HEADING = "Where the districts are"


def _pages(filler: int) -> tuple[list[str], list[bool]]:
    """The text of each page and whether an image is drawn on it."""
    text = "\n\n".join(f"Paragraph {n} of the context." for n in range(filler))
    text += f"\n\n## {HEADING}\n\n![The twelve districts](attachment:map)\n\nAfter the map."
    image = PrintImage("map", "map.png", "The twelve districts", png(600, 400), "image/png")
    register_fonts()
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(
        long_text(text, styles(), context=TextContext(images={"map": image})))
    reader = PdfReader(io.BytesIO(buffer.getvalue()))
    drawn = [any(o.get_object().get("/Subtype") == "/Image"
                 for o in (page["/Resources"].get("/XObject") or {}).values())
             for page in reader.pages]
    return [page.extract_text() for page in reader.pages], drawn


def test_a_sub_heading_prints_on_the_page_of_the_image_it_heads_wherever_the_page_breaks():
    moved = 0
    for filler in range(24, 52, 2):  # the heading falls ever lower on the first page
        texts, drawn = _pages(filler)
        [page] = [i for i, t in enumerate(texts) if HEADING in t]
        assert drawn[page], f"{filler} paragraphs: the heading is on page {page + 1} alone"
        moved += page > 0 and f"Paragraph {filler - 1}" in texts[0]
    assert moved  # in some of them the break fell between the text and the heading
