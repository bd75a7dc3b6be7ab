"""The agreement as a real document: sub-sections numbered from their section, in the
contents and the PDF outline; long tables split across pages with their header repeated;
images scaled to the column with their alt text as caption, a missing one as a placeholder.
Word gets the same structure: heading styles, tables and pictures."""

from __future__ import annotations

import io
import re
from typing import Any

from csa_desktop.domain.attachments import attachment_uid
from csa_desktop.services.attachments import add_attachment
from csa_desktop.services.copy import Copy
from csa_desktop.services.office_export import agreement_docx
from csa_desktop.services.printing import agreement_pdf
from tests.attachments.images import png
from tests.printing.pdfcheck import page_texts, reader

ROWS = "\n".join(f"| Partner {n} | Duty {n} of the partnership |" for n in range(1, 90))


def structured(copy: Copy, *, with_image: bool = True) -> tuple[str, str]:
    """Gives the second section sub-sections, a long table and an image; returns the
    section's number and the image's uid."""
    image = add_attachment(copy, png(1600, 400), "districts.png",
                           "A map of the twelve districts") if with_image else None
    uid = image.uid if image else attachment_uid("f" * 64)
    body = f"""The partnership works through its board.

## Partners and duties

| Partner | Duty |
|---|---|
{ROWS}

### Statutory partners

The responsible authorities.

### Other partners

![A map of the twelve districts](attachment:{uid})

## Funding

The board pools funding."""
    section = copy.records.list_kind("section")[1]
    copy.records.update(section.uid, {"body": body})
    return str(section.fields["number"] or ""), uid


def outline(data: bytes) -> list[tuple[int, str]]:
    """(level, title) of every PDF bookmark, in order."""
    found: list[tuple[int, str]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, str(item.title)))

    walk(reader(data).outline, 0)
    return found


def test_sub_sections_are_numbered_in_the_outline_under_their_section(demo_copy: Copy):
    number, _uid = structured(demo_copy)
    entries = outline(agreement_pdf(demo_copy))
    titles = [t for _level, t in entries]
    start = next(i for i, (level, t) in enumerate(entries)
                 if level == 0 and t.startswith(f"{number} "))
    assert entries[start + 1:start + 5] == [
        (1, f"{number}.1  Partners and duties"), (2, f"{number}.1.1  Statutory partners"),
        (2, f"{number}.1.2  Other partners"), (1, f"{number}.2  Funding")]
    assert len(titles) == len(set(titles))


def test_the_contents_list_the_sub_sections_with_their_numbers(demo_copy: Copy):
    number, _uid = structured(demo_copy)
    contents = page_texts(agreement_pdf(demo_copy))[1]
    for entry in (f"{number}.1 Partners and duties", f"{number}.1.1 Statutory partners",
                  f"{number}.2 Funding"):
        assert entry in contents, entry


def test_a_long_table_runs_onto_the_next_page_with_its_header_repeated(demo_copy: Copy):
    structured(demo_copy)
    pages = page_texts(agreement_pdf(demo_copy))
    first = next(n for n, page in enumerate(pages) if "Partner 1 Duty 1" in page)
    last = next(n for n, page in enumerate(pages) if "Partner 89 Duty 89" in page)
    assert last > first
    for page in pages[first:last + 1]:
        assert "Partner Duty" in page  # the header row, on every page the table reaches


def _pages_with_images(data: bytes) -> list[int]:
    return [index for index, page in enumerate(reader(data).pages) if page.images]


def test_an_image_is_scaled_to_the_column_with_its_alt_text_as_caption(demo_copy: Copy):
    structured(demo_copy)
    data = agreement_pdf(demo_copy)
    pages = page_texts(data)
    with_caption = [n for n, page in enumerate(pages)
                    if "A map of the twelve districts" in page]
    assert with_caption
    assert with_caption[0] in _pages_with_images(data)
    page = reader(data).pages[with_caption[0]]
    content = page.get_contents().get_data().decode("latin-1")  # type: ignore[union-attr]
    # the image is drawn with a matrix "w 0 0 h x y cm": at most the column (A4 less 2 × 2 cm)
    widths = [float(m.group(1)) for m in re.finditer(
        r"([\d.]+) 0 0 ([\d.]+) [\d.]+ [\d.]+ cm\s*/[\w.]+ Do", content)]
    assert widths and max(widths) <= 595.27 - 2 * 56.0 + 0.01
    assert max(widths) > 400  # 1,600 pixels wide: scaled down to the column, not left small


def test_an_image_missing_from_the_copy_prints_as_a_placeholder(demo_copy: Copy):
    _number, uid = structured(demo_copy, with_image=False)
    printed = " ".join(page_texts(agreement_pdf(demo_copy)))
    assert "Image not available: A map of the twelve districts" in printed
    assert uid in printed


def test_word_has_the_headings_the_table_and_the_picture(demo_copy: Copy):
    from docx import Document

    number, _uid = structured(demo_copy)
    doc = Document(io.BytesIO(agreement_docx(demo_copy)))
    styles = {p.text: p.style.name for p in doc.paragraphs}
    assert styles[f"{number}.1 Partners and duties"] == "Heading 2"
    assert styles[f"{number}.1.1 Statutory partners"] == "Heading 3"
    assert styles[f"{number}.2 Funding"] == "Heading 2"
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Partner")
    assert len(table.rows) == 90
    (shape,) = doc.inline_shapes
    assert shape.width <= 17.0 * 360000  # the column: 17 cm in EMU
    described = shape._inline.docPr.get("descr")
    assert described == "A map of the twelve districts"
    assert styles["A map of the twelve districts"] == "Caption"


def test_word_shows_a_missing_image_as_a_placeholder(demo_copy: Copy):
    from docx import Document

    structured(demo_copy, with_image=False)
    doc = Document(io.BytesIO(agreement_docx(demo_copy)))
    assert not doc.inline_shapes
    assert any(p.text.startswith("Image not available: A map of the twelve districts")
               for p in doc.paragraphs)
