"""Reading printed PDFs back: pages, text, fonts, metadata (pypdf, no poppler needed)."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader


def reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-"), "not a PDF"
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in reader(data).pages]


def text(data: bytes) -> str:
    """All the text of a PDF with runs of white space made one space."""
    return " ".join(page_texts(data))


def squashed(value: str) -> str:
    return " ".join(value.split())


def fonts(data: bytes) -> dict[str, bool]:
    """Every font used on any page (also inside forms) -> whether its font file is embedded."""
    found: dict[str, bool] = {}

    def visit(resources: Any) -> None:
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            name = str(font.get("/BaseFont"))
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and font.get("/DescendantFonts"):
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2",
                                                           "/FontFile3"))
            found[name] = embedded
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    for page in reader(data).pages:
        visit(page.get("/Resources"))
    return found


def layout_lines(data: bytes, page: int) -> list[str]:
    """The lines of one page as laid out (columns and dot leaders kept in place)."""
    laid_out = reader(data).pages[page].extract_text(extraction_mode="layout") or ""
    return [squashed(line) for line in laid_out.splitlines() if line.strip()]
