"""The parts of a Word document the outline reader looks up: paragraph and character styles,
heading levels, Word's list numbering, and the text and formatting of runs (python-docx's
objects and the WordprocessingML beneath them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)


def w(tag: str) -> str:
    """A WordprocessingML tag in lxml's {namespace}name form."""
    return f"{{{W}}}{tag}"


class WordParts:
    def __init__(self, document: Any) -> None:
        self.document = document
        self.part = document.part
        self.styles = {s.style_id: s for s in document.styles if s.type == 1}  # paragraphs
        self.character_styles = {s.style_id: s for s in document.styles if s.type == 2}
        self.formats = self._formats()

    def number_format(self, numbering: tuple[str, int]) -> str:
        """Word's numFmt of a (numId, level): "bullet", "decimal", "none", …"""
        return self.formats.get(numbering, "decimal")

    def _formats(self) -> dict[tuple[str, int], str]:
        """(numId, level) → Word's numFmt ("bullet", "decimal", …)."""
        try:
            numbering = self.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return {}
        abstract: dict[str, dict[int, str]] = {}
        for node in numbering.iterchildren(w("abstractNum")):
            levels: dict[int, str] = {}
            for lvl in node.iterchildren(w("lvl")):
                fmt = lvl.find(w("numFmt"))
                levels[int(lvl.get(w("ilvl"), "0"))] = (
                    fmt.get(w("val"), "decimal") if fmt is not None else "decimal")
            abstract[node.get(w("abstractNumId"), "")] = levels
        formats: dict[tuple[str, int], str] = {}
        for num in numbering.iterchildren(w("num")):
            ref = num.find(w("abstractNumId"))
            levels = abstract.get(ref.get(w("val"), "") if ref is not None else "", {})
            for level, fmt in levels.items():
                formats[(num.get(w("numId"), ""), level)] = fmt
        return formats

    def style_chain(self, p: Any) -> Iterator[Any]:
        """The paragraph's style and the styles it is based on (nearest first)."""
        ppr = p.find(w("pPr"))
        ref = ppr.find(w("pStyle")) if ppr is not None else None
        style = self.styles.get(ref.get(w("val"))) if ref is not None else None
        if style is None:
            style = self.document.styles.default(1) if hasattr(self.document.styles,
                                                                "default") else None
        seen = 0
        while style is not None and seen < 10:
            yield style
            style, seen = style.base_style, seen + 1

    def level(self, p: Any) -> int:
        """The heading level of a paragraph (0: not a heading; -1: the document's title)."""
        ppr = p.find(w("pPr"))
        outline = ppr.find(w("outlineLvl")) if ppr is not None else None
        for style in self.style_chain(p):
            name = (style.name or "").strip()
            if name.casefold() == "title":
                return -1
            if match := _HEADING_STYLE.match(name):
                return int(match.group(1))
            if outline is None:
                spr = style.element.find(w("pPr"))
                outline = spr.find(w("outlineLvl")) if spr is not None else None
        if outline is not None:
            value = int(outline.get(w("val"), "9"))
            return value + 1 if value < 9 else 0
        return 0

    def numbering_of(self, p: Any) -> tuple[str, int] | None:
        """(numId, level) when the paragraph is numbered or bulleted (by itself or its style)."""
        for holder in [p, *(s.element for s in self.style_chain(p))]:
            ppr = holder.find(w("pPr"))
            num = ppr.find(w("numPr")) if ppr is not None else None
            if num is None:
                continue
            num_id = num.find(w("numId"))
            ilvl = num.find(w("ilvl"))
            ident = num_id.get(w("val"), "0") if num_id is not None else "0"
            if ident == "0":
                return None
            return ident, int(ilvl.get(w("val"), "0")) if ilvl is not None else 0
        return None

    def list_kind(self, p: Any) -> tuple[bool, int] | None:
        """(ordered, level) of a list paragraph; None when it is not in a list."""
        numbering = self.numbering_of(p)
        named: tuple[bool, int] | None = None
        for style in self.style_chain(p):
            name = (style.name or "").casefold()
            if name.startswith(("list bullet", "list number")):
                digits = re.findall(r"\d+", name)
                named = name.startswith("list number"), (int(digits[0]) - 1 if digits else 0)
                break
        if numbering is None:
            return named
        fmt = self.formats.get(numbering, "decimal")
        if fmt == "none":
            return None
        level = numbering[1]
        own = p.find(f"{w('pPr')}/{w('numPr')}/{w('ilvl')}")
        if own is None and named is not None:  # "List Bullet 2" numbers with its style's level
            level = max(level, named[1])
        return fmt != "bullet", level

    def run_text(self, r: Any) -> str:
        parts = []
        for child in r.iterchildren():
            if child.tag == w("t"):
                parts.append(child.text or "")
            elif child.tag in (w("br"), w("cr")) and child.get(w("type")) in (
                    None, "textWrapping"):
                parts.append("\n")  # a line break within the paragraph
            elif child.tag in (w("tab"), w("br")):
                parts.append(" ")
            elif child.tag == w("noBreakHyphen"):
                parts.append("-")
        return "".join(parts)

    def run_format(self, r: Any) -> tuple[bool, bool]:
        """(bold, italic) of a run: its own setting, else its character style's ("Strong",
        "Emphasis" or a style that sets them)."""
        rpr = r.find(w("rPr"))
        bold, italic = _switch(rpr, "b"), _switch(rpr, "i")
        ref = rpr.find(w("rStyle")) if rpr is not None else None
        if ref is not None and (bold is None or italic is None):
            style_id = ref.get(w("val")) or ""
            style = self.character_styles.get(style_id)
            style_rpr = style.element.find(w("rPr")) if style is not None else None
            name = (style.name or style_id).casefold() if style is not None else style_id.casefold()
            if bold is None:
                bold = _switch(style_rpr, "b") or name in ("strong", "bold")
            if italic is None:
                italic = _switch(style_rpr, "i") or name in ("emphasis", "italic")
        return bool(bold), bool(italic)

    def link(self, node: Any) -> str:
        rel = node.get(f"{{{R}}}id")
        if not rel:
            return ""
        relation = self.part.rels.get(rel)
        if relation is None or not relation.is_external:
            return ""
        address = str(relation.target_ref)
        return address if address.startswith(("http://", "https://", "mailto:")) else ""


def _switch(rpr: Any, tag: str) -> bool | None:
    """A run property's on/off value (<w:b/>, <w:b w:val="0"/>); None when not set."""
    node = rpr.find(w(tag)) if rpr is not None else None
    if node is None:
        return None
    return node.get(w("val"), "true").casefold() not in ("0", "false", "off")
