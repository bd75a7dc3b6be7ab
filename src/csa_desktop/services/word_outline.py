"""Read an agreement written in Word (.docx) into an outline of sections, with python-docx.

Heading 1 starts a section (a number written in the heading, "2." or "2.1", or Word's own
numbering of the heading style, is kept as the section's number); deeper headings become "##"
and "###" in the section's text; paragraphs, bulleted and numbered lists (nested), bold and
italic, links and tables become Markdown (domain/rich_text.py). Images are collected with their
alt text. What cannot be brought in (text boxes, comments, embedded objects, charts, footnotes,
fields) is listed where it was, never dropped silently; tracked changes are read as accepted and
listed too. A document with no Heading 1 at all takes its short bold-only paragraphs as the
section titles (and says so). Nothing here writes to a copy.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csa_desktop.errors import InputError

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_V = "urn:schemas-microsoft-com:vml"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


MAX_FILE_BYTES = 64 * 1024 * 1024
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpeg"}

_NUMBERED = re.compile(r"^\s*((?:\d+\.)*\d+)\.?\s+(\S.*)$")
_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_ESCAPED = re.compile(r"([\\`*_\[\]|&<])")


@dataclass(frozen=True)
class Image:
    """An image in the text: its bytes, media type and alt text (empty when the file has none)."""

    number: int  # 1, 2, … in the document
    name: str
    media_type: str
    data: bytes
    alt_text: str
    where: str


@dataclass(frozen=True)
class ImageRef:
    """The place of an image in a section's text."""

    image: Image


Piece = str | ImageRef  # a block of Markdown, or an image between blocks


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]  # plain text of each heading cell
    rows: tuple[tuple[str, ...], ...]
    markdown: str
    where: str


@dataclass(frozen=True)
class NotBrought:
    """Something in the file that is not brought in (or brought in only in part)."""

    where: str  # "before the first heading", "in 'Governance'"
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class OutlineSection:
    number: str
    title: str
    pieces: list[Piece] = field(default_factory=list)
    subheadings: list[tuple[int, str]] = field(default_factory=list)  # (level 2 or 3, text)
    tables: list[Table] = field(default_factory=list)

    @property
    def images(self) -> tuple[Image, ...]:
        return tuple(p.image for p in self.pieces if isinstance(p, ImageRef))

    def markdown(self, image_text: dict[int, str] | None = None,
                 leave_out: Sequence[Table] = ()) -> str:
        """The section's text; an image becomes `image_text[number]` (nothing when absent);
        the tables in `leave_out` are left out (they became records)."""
        skipped = {t.markdown for t in leave_out}
        blocks = []
        for piece in self.pieces:
            if isinstance(piece, ImageRef):
                text = (image_text or {}).get(piece.image.number, "")
                if text:
                    blocks.append(text)
            elif piece not in skipped:
                blocks.append(piece)
        return "\n\n".join(blocks)


@dataclass(frozen=True)
class Outline:
    file: Path
    title: str  # the document's Title paragraph, if it has one
    sections: tuple[OutlineSection, ...]
    not_brought: tuple[NotBrought, ...]
    bold_headings: bool  # no Heading 1: bold-only paragraphs were taken as section titles

    @property
    def images(self) -> tuple[Image, ...]:
        return tuple(image for s in self.sections for image in s.images)


def read_outline(path: Path, data: bytes | None = None) -> Outline:
    """The outline of a .docx file (`data`: its bytes, when already read)."""
    if data is None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise InputError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
        if size > MAX_FILE_BYTES:
            raise InputError(f"{path.name}: {size / 1e6:.0f} MB is too large for a Word file "
                             f"(at most {MAX_FILE_BYTES // 1024 // 1024} MB)")
        data = path.read_bytes()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        hint = (" — an older .doc file: save it as .docx (Word document) in Word first"
                if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" else "")
        raise InputError(f"{path.name}: not a Word document (.docx){hint}")
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path.name}: not a Word document (.docx) that can be read "
                         f"({exc})") from None
    except Exception as exc:  # lxml's XMLSyntaxError and kin: a damaged file
        raise InputError(f"{path.name}: the Word document is damaged ({exc})") from None
    return _Reader(path, document).read()


# --- reading ----------------------------------------------------------------------------------


@dataclass
class _ListLevel:
    ordered: bool
    indent: int  # spaces before this level's marker
    count: int = 0


class _Reader:
    def __init__(self, path: Path, document: Any) -> None:
        self.path = path
        self.document = document
        self.part = document.part
        self.styles = {s.style_id: s for s in document.styles if s.type == 1}  # paragraphs
        self.character_styles = {s.style_id: s for s in document.styles if s.type == 2}
        self.numbering = self._numbering_formats()
        self.notes: list[NotBrought] = []
        self.sections: list[OutlineSection] = []
        self.preamble = OutlineSection("", "")
        self.title = ""
        self.images = 0
        self.auto_numbers: list[int] = []  # Word's own numbering of numbered headings
        self.lists: list[_ListLevel] = []
        self.list_lines: list[str] = []
        self.bold_headings = False
        self.image_names: dict[str, int] = {}

    # --- the document's parts ---------------------------------------------------------------

    def _numbering_formats(self) -> dict[tuple[str, int], str]:
        """(numId, level) → Word's numFmt ("bullet", "decimal", …)."""
        try:
            numbering = self.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return {}
        abstract: dict[str, dict[int, str]] = {}
        for node in numbering.iterchildren(_w("abstractNum")):
            levels: dict[int, str] = {}
            for lvl in node.iterchildren(_w("lvl")):
                fmt = lvl.find(_w("numFmt"))
                levels[int(lvl.get(_w("ilvl"), "0"))] = (
                    fmt.get(_w("val"), "decimal") if fmt is not None else "decimal")
            abstract[node.get(_w("abstractNumId"), "")] = levels
        formats: dict[tuple[str, int], str] = {}
        for num in numbering.iterchildren(_w("num")):
            ref = num.find(_w("abstractNumId"))
            levels = abstract.get(ref.get(_w("val"), "") if ref is not None else "", {})
            for level, fmt in levels.items():
                formats[(num.get(_w("numId"), ""), level)] = fmt
        return formats

    def _style_chain(self, p: Any) -> Iterator[Any]:
        """The paragraph's style and the styles it is based on (nearest first)."""
        ppr = p.find(_w("pPr"))
        ref = ppr.find(_w("pStyle")) if ppr is not None else None
        style = self.styles.get(ref.get(_w("val"))) if ref is not None else None
        if style is None:
            style = self.document.styles.default(1) if hasattr(self.document.styles,
                                                                "default") else None
        seen = 0
        while style is not None and seen < 10:
            yield style
            style, seen = style.base_style, seen + 1

    def _level(self, p: Any) -> int:
        """The heading level of a paragraph (0: not a heading; -1: the document's title)."""
        ppr = p.find(_w("pPr"))
        outline = ppr.find(_w("outlineLvl")) if ppr is not None else None
        for style in self._style_chain(p):
            name = (style.name or "").strip()
            if name.casefold() == "title":
                return -1
            if match := _HEADING_STYLE.match(name):
                return int(match.group(1))
            if outline is None:
                spr = style.element.find(_w("pPr"))
                outline = spr.find(_w("outlineLvl")) if spr is not None else None
        if outline is not None:
            value = int(outline.get(_w("val"), "9"))
            return value + 1 if value < 9 else 0
        return 0

    def _numbering(self, p: Any) -> tuple[str, int] | None:
        """(numId, level) when the paragraph is numbered or bulleted (by itself or its style)."""
        for holder in [p, *(s.element for s in self._style_chain(p))]:
            ppr = holder.find(_w("pPr"))
            num = ppr.find(_w("numPr")) if ppr is not None else None
            if num is None:
                continue
            num_id = num.find(_w("numId"))
            ilvl = num.find(_w("ilvl"))
            ident = num_id.get(_w("val"), "0") if num_id is not None else "0"
            if ident == "0":
                return None
            return ident, int(ilvl.get(_w("val"), "0")) if ilvl is not None else 0
        return None

    def _list_kind(self, p: Any) -> tuple[bool, int] | None:
        """(ordered, level) of a list paragraph; None when it is not in a list."""
        numbering = self._numbering(p)
        named: tuple[bool, int] | None = None
        for style in self._style_chain(p):
            name = (style.name or "").casefold()
            if name.startswith(("list bullet", "list number")):
                digits = re.findall(r"\d+", name)
                named = name.startswith("list number"), (int(digits[0]) - 1 if digits else 0)
                break
        if numbering is None:
            return named
        fmt = self.numbering.get(numbering, "decimal")
        if fmt == "none":
            return None
        level = numbering[1]
        own = p.find(f"{_w('pPr')}/{_w('numPr')}/{_w('ilvl')}")
        if own is None and named is not None:  # "List Bullet 2" numbers with its style's level
            level = max(level, named[1])
        return fmt != "bullet", level

    # --- the body ---------------------------------------------------------------------------

    def read(self) -> Outline:
        body = self.document.element.body
        blocks = list(self._blocks(body))
        has_heading = any(kind == "p" and self._level(el) == 1 for kind, el in blocks)
        if not has_heading:
            self.bold_headings = any(kind == "p" and self._bold_heading(el)
                                     for kind, el in blocks)
        for kind, el in blocks:
            if kind == "toc":
                self.notes.append(NotBrought(self._where(), "the table of contents (the print "
                                                            "makes its own)"))
            elif kind == "tbl":
                self._end_list()
                self._table(el)
            else:
                self._paragraph(el)
        self._end_list()
        self._headers_and_footers()
        sections = list(self.sections)
        if self.preamble.pieces:
            self.preamble.title = "Foreword"
            sections.insert(0, self.preamble)
        if not sections:
            raise InputError(f"{self.path.name}: no text to bring in (the document is empty)")
        return Outline(self.path, self.title, tuple(sections), tuple(self.notes),
                       self.bold_headings)

    def _blocks(self, parent: Any) -> Iterator[tuple[str, Any]]:
        """("p" | "tbl" | "toc", element) in reading order, looking inside content controls."""
        for el in parent.iterchildren():
            if el.tag == _w("p"):
                yield "p", el
            elif el.tag == _w("tbl"):
                yield "tbl", el
            elif el.tag == _w("sdt"):
                gallery = el.find(f"{_w('sdtPr')}/{_w('docPartObj')}/{_w('docPartGallery')}")
                if gallery is not None and "contents" in (gallery.get(_w("val")) or "").casefold():
                    yield "toc", el
                    continue
                content = el.find(_w("sdtContent"))
                if content is not None:
                    yield from self._blocks(content)
            elif el.tag == f"{{{_MC}}}AlternateContent":
                choice = el.find(f"{{{_MC}}}Choice")
                if choice is not None:
                    yield from self._blocks(choice)
            elif el.tag in (_w("altChunk"),):
                self.notes.append(NotBrought(self._where(), "an embedded document (altChunk)"))

    def _current(self) -> OutlineSection:
        return self.sections[-1] if self.sections else self.preamble

    def _where(self) -> str:
        if not self.sections:
            return "before the first heading"
        section = self.sections[-1]
        return f"in '{(section.number + ' ' + section.title).strip()}'"

    def _bold_heading(self, p: Any) -> bool:
        """A short paragraph all in bold, not ending as a sentence: a title typed as bold text."""
        if self._list_kind(p) is not None:
            return False
        runs = [r for r in p.iter(_w("r")) if self._run_text(r).strip()]
        text = "".join(self._run_text(r) for r in runs).strip()
        if not text or len(text) > 120 or text.endswith((".", ",", ";", ":")):
            return False
        return all(self._run_format(r, p)[0] for r in runs)

    def _paragraph(self, p: Any) -> None:
        level = self._level(p)
        if level == 0 and self.bold_headings and self._bold_heading(p):
            level = 1
        inline, plain = self._inline(p, heading=level != 0)
        if level == -1:
            self._end_list()
            if plain.strip():
                if not self.title:
                    self.title = plain.strip()
                else:
                    self._current().pieces.append(_escape_line(plain.strip()))
            return
        if level >= 1:
            self._end_list()
            self._heading(p, level, plain.strip())
            return
        listed = self._list_kind(p)
        if listed is not None and inline.strip():
            self._list_item(listed, inline.strip())
            return
        self._end_list()
        if inline.strip():
            self._current().pieces.append(inline.strip())

    def _heading(self, p: Any, level: int, text: str) -> None:
        if not text:
            return
        if level == 1:
            number, title = "", text
            if match := _NUMBERED.match(text):
                number, title = match.group(1), match.group(2).strip()
            elif self._numbering(p) is not None:
                self.auto_numbers.append(0)
                number = str(len(self.auto_numbers))
            self.sections.append(OutlineSection(number, title))
            return
        shown = min(level, 3)
        section = self._current()
        section.subheadings.append((shown, text))
        section.pieces.append("#" * shown + " " + _escape(text))

    def _list_item(self, listed: tuple[bool, int], text: str) -> None:
        ordered, level = listed
        level = max(0, min(level, len(self.lists)))  # a level can only open one deeper
        del self.lists[level + 1:]
        if len(self.lists) == level:
            indent = (self.lists[-1].indent + (4 if self.lists[-1].ordered else 2)
                      if self.lists else 0)
            self.lists.append(_ListLevel(ordered, indent))
        current = self.lists[level]
        if current.ordered != ordered:  # a different list at this level
            if level == 0:
                self._end_list()
                self._list_item(listed, text)
                return
            current.ordered, current.count = ordered, 0
        current.count += 1
        marker = f"{current.count}. " if ordered else "- "
        if ordered:
            marker = marker.ljust(4)
        self.list_lines.append(" " * current.indent + marker + text)

    def _end_list(self) -> None:
        if self.list_lines:
            self._current().pieces.append("\n".join(self.list_lines))
        self.list_lines = []
        self.lists = []

    def _table(self, tbl: Any) -> None:
        rows: list[list[str]] = []
        nested = False
        for tr in tbl.iterchildren(_w("tr")):
            cells: list[str] = []
            for tc in tr.iterchildren(_w("tc")):
                span_el = tc.find(f"{_w('tcPr')}/{_w('gridSpan')}")
                span = int(span_el.get(_w("val"), "1")) if span_el is not None else 1
                merge = tc.find(f"{_w('tcPr')}/{_w('vMerge')}")
                continued = merge is not None and merge.get(_w("val")) in (None, "continue")
                if tc.find(f".//{_w('tbl')}") is not None:
                    nested = True
                texts = [self._inline(p, heading=False)[0].strip()
                         for p in tc.iter(_w("p"))]
                text = "" if continued else " ".join(t for t in texts if t)
                cells.extend([text] + [""] * (span - 1))
            rows.append(cells)
        rows = [r for r in rows if any(c for c in r)]
        if not rows:
            return
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        header, *body = rows
        lines = ["| " + " | ".join(header) + " |",
                 "| " + " | ".join("---" for _ in header) + " |"]
        lines.extend("| " + " | ".join(r) + " |" for r in body)
        markdown = "\n".join(lines)
        where = self._where()
        if nested:
            self.notes.append(NotBrought(where, "a table inside a table: its text is kept in "
                                                "the outer table's cell"))
        table = Table(tuple(_unescape(c) for c in header),
                      tuple(tuple(_unescape(c) for c in r) for r in body), markdown, where)
        section = self._current()
        section.tables.append(table)
        section.pieces.append(markdown)

    # --- inline content ---------------------------------------------------------------------

    def _inline(self, p: Any, *, heading: bool) -> tuple[str, str]:
        """(Markdown, plain text) of a paragraph's runs; notes what cannot come in."""
        pieces: list[tuple[str, bool, bool]] = []  # (text, bold, italic)
        links: dict[int, str] = {}  # piece index → link address
        inserted = deleted = 0
        for node in self._inline_nodes(p):
            tag = node.tag
            if tag == _w("r"):
                self._run_objects(node, p)
                text = self._run_text(node)
                if text:
                    bold, italic = self._run_format(node, p)
                    pieces.append((text, bold and not heading, italic and not heading))
            elif tag == _w("hyperlink"):
                address = self._link(node)
                for r in node.iter(_w("r")):
                    text = self._run_text(r)
                    if text:
                        bold, italic = self._run_format(r, p)
                        if address:
                            links[len(pieces)] = address
                        pieces.append((text, bold and not heading, italic and not heading))
            elif tag == _w("ins"):
                inserted += 1
            elif tag == _w("del"):
                deleted += 1
            elif tag == _w("commentReference"):
                pass
        if inserted or deleted:
            self.notes.append(NotBrought(self._where(), _changes_text(inserted, deleted)))
        for ref in p.iter(_w("commentReference")):
            self.notes.append(NotBrought(self._where(), f"comment {ref.get(_w('id'), '')} "
                                         f"(comments are not brought in)"))
        plain = "".join(text for text, _b, _i in pieces)
        return _markdown_runs(pieces, links), plain

    def _inline_nodes(self, p: Any) -> Iterator[Any]:
        """Runs and links in reading order; tracked insertions read as accepted, deletions left
        out (each is also yielded once so the caller can count it)."""
        for node in p.iterchildren():
            tag = node.tag
            if tag in (_w("r"), _w("hyperlink")):
                yield node
            elif tag == _w("ins"):
                yield node
                yield from self._inline_nodes(node)
            elif tag in (_w("del"), _w("moveFrom")):
                yield node
            elif tag in (_w("smartTag"), _w("fldSimple"), _w("moveTo"), _w("customXml")):
                yield from self._inline_nodes(node)
            elif tag == _w("sdt"):
                content = node.find(_w("sdtContent"))
                if content is not None:
                    yield from self._inline_nodes(content)

    def _run_text(self, r: Any) -> str:
        parts = []
        for child in r.iterchildren():
            if child.tag == _w("t"):
                parts.append(child.text or "")
            elif child.tag in (_w("tab"), _w("br"), _w("cr")):
                parts.append(" ")
            elif child.tag == _w("noBreakHyphen"):
                parts.append("-")
        return "".join(parts)

    def _run_format(self, r: Any, p: Any) -> tuple[bool, bool]:
        """(bold, italic) of a run: its own setting, else its character style's ("Strong",
        "Emphasis" or a style that sets them)."""
        rpr = r.find(_w("rPr"))
        bold, italic = _switch(rpr, "b"), _switch(rpr, "i")
        ref = rpr.find(_w("rStyle")) if rpr is not None else None
        if ref is not None and (bold is None or italic is None):
            style_id = ref.get(_w("val")) or ""
            style = self.character_styles.get(style_id)
            style_rpr = style.element.find(_w("rPr")) if style is not None else None
            name = (style.name or style_id).casefold() if style is not None else style_id.casefold()
            if bold is None:
                bold = _switch(style_rpr, "b") or name in ("strong", "bold")
            if italic is None:
                italic = _switch(style_rpr, "i") or name in ("emphasis", "italic")
        return bool(bold), bool(italic)

    def _link(self, node: Any) -> str:
        rel = node.get(f"{{{_R}}}id")
        if not rel:
            return ""
        relation = self.part.rels.get(rel)
        if relation is None or not relation.is_external:
            return ""
        address = str(relation.target_ref)
        return address if address.startswith(("http://", "https://", "mailto:")) else ""

    def _run_objects(self, r: Any, p: Any) -> None:
        """Images, text boxes, charts, embedded objects and notes inside a run."""
        where = self._where()
        for child in r.iterchildren():
            tag = child.tag
            if tag == f"{{{_MC}}}AlternateContent":
                choice = child.find(f"{{{_MC}}}Choice")
                if choice is not None:
                    for inner in choice.iterchildren():
                        self._object(inner, where)
            else:
                self._object(child, where)

    def _object(self, node: Any, where: str) -> None:
        tag = node.tag
        if tag == _w("drawing"):
            if node.find(f".//{_w('txbxContent')}") is not None:
                self._text_box(node, where)
                return
            blip = node.find(f".//{{{_A}}}blip")
            if blip is None:
                kind = "a chart" if "chart" in _uri(node) else "a drawing or diagram"
                self.notes.append(NotBrought(where, f"{kind} (not brought in)"))
                return
            doc_pr = node.find(f".//{{{_WP}}}docPr")
            alt = ((doc_pr.get("descr") or doc_pr.get("title") or "") if doc_pr is not None
                   else "").strip()
            self._image(blip.get(f"{{{_R}}}embed") or "", alt, where)
        elif tag == _w("pict"):
            if node.find(f".//{_w('txbxContent')}") is not None:
                self._text_box(node, where)
                return
            data = node.find(f".//{{{_V}}}imagedata")
            if data is not None:
                shape = node.find(f".//{{{_V}}}shape")
                alt = (shape.get("alt") or "") if shape is not None else ""
                self._image(data.get(f"{{{_R}}}id") or "", alt.strip(), where)
            else:
                self.notes.append(NotBrought(where, "a drawing (not brought in)"))
        elif tag == _w("object"):
            self.notes.append(NotBrought(where, "an embedded object (not brought in)"))
        elif tag == _w("footnoteReference"):
            self.notes.append(NotBrought(where, f"footnote {node.get(_w('id'), '')} "
                                                "(footnotes are not brought in)"))
        elif tag == _w("endnoteReference"):
            self.notes.append(NotBrought(where, f"endnote {node.get(_w('id'), '')} "
                                                "(endnotes are not brought in)"))

    def _text_box(self, node: Any, where: str) -> None:
        text = " ".join("".join(t.text or "" for t in p.iter(_w("t")))
                        for p in node.find(f".//{_w('txbxContent')}").iter(_w("p"))).strip()
        shown = text if len(text) <= 80 else text[:79] + "…"
        self.notes.append(NotBrought(where, f"a text box ('{shown}'): not brought in; "
                                            "copy its text into the section"))

    def _image(self, rel: str, alt: str, where: str) -> None:
        part = self.part.related_parts.get(rel) if rel else None
        media_type = str(getattr(part, "content_type", "") or "")
        if part is None:
            self.notes.append(NotBrought(where, "an image linked from outside the file "
                                                "(not brought in)"))
            return
        self.images += 1
        name = Path(str(getattr(part, "partname", f"image{self.images}"))).name
        if media_type not in IMAGE_TYPES:
            self.notes.append(NotBrought(where, f"image {name} ({media_type or 'unknown type'}):"
                                                " only PNG and JPEG images can be brought in"))
            return
        image = Image(self.images, name, media_type, bytes(part.blob), alt, where)
        self._end_list()
        self._current().pieces.append(ImageRef(image))

    def _headers_and_footers(self) -> None:
        seen: set[str] = set()
        for section in self.document.sections:
            for part_name, holder in (("header", section.header), ("footer", section.footer)):
                try:
                    if holder.is_linked_to_previous:
                        continue
                    text = " ".join(p.text for p in holder.paragraphs).strip()
                except (AttributeError, KeyError, ValueError):
                    continue
                if text and text not in seen:
                    seen.add(text)
                    shown = text if len(text) <= 80 else text[:79] + "…"
                    self.notes.append(NotBrought(f"the page {part_name}",
                                                 f"'{shown}' (headers and footers are not "
                                                 "brought in; the print makes its own)"))


def _switch(rpr: Any, tag: str) -> bool | None:
    """A run property's on/off value (<w:b/>, <w:b w:val="0"/>); None when not set."""
    node = rpr.find(_w(tag)) if rpr is not None else None
    if node is None:
        return None
    return node.get(_w("val"), "true").casefold() not in ("0", "false", "off")


def _uri(node: Any) -> str:
    data = node.find(f".//{{{_A}}}graphicData")
    return str(data.get("uri") or "") if data is not None else ""


def _changes_text(inserted: int, deleted: int) -> str:
    parts = []
    if inserted:
        parts.append(f"{inserted} tracked insertion{'s' if inserted != 1 else ''}")
    if deleted:
        parts.append(f"{deleted} tracked deletion{'s' if deleted != 1 else ''}")
    return (" and ".join(parts) + ": brought in as if accepted (insertions kept, deletions "
            "left out) — check the text")


# --- Markdown writing ---------------------------------------------------------------------------


def _escape(text: str) -> str:
    """Text as Markdown that reads back as exactly this text."""
    return _ESCAPED.sub(r"\\\1", text)


def _escape_line(text: str) -> str:
    """A paragraph's text, escaped, with what would start a block at its start escaped too."""
    return _block_safe(_escape(text))


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _markdown_runs(pieces: Sequence[tuple[str, bool, bool]], links: dict[int, str]) -> str:
    """Runs as Markdown: consecutive runs of one style joined, emphasis markers kept tight
    against the text (CommonMark ignores "** text**"), links as [text](address)."""
    merged: list[tuple[str, bool, bool, str]] = []
    for index, (text, bold, italic) in enumerate(pieces):
        address = links.get(index, "")
        if merged and merged[-1][1:] == (bold, italic, address):
            merged[-1] = (merged[-1][0] + text, bold, italic, address)
        else:
            merged.append((text, bold, italic, address))
    out: list[str] = []
    for text, bold, italic, address in merged:
        stripped = text.strip()
        if not stripped:
            out.append(text)
            continue
        lead = text[:len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()):]
        body = _escape(stripped)
        marker = ("**" if bold else "") + ("*" if italic else "")
        if marker:
            body = marker + body + marker[::-1]
        if address:
            body = f"[{body}](<{address.replace('>', '%3E').replace(' ', '%20')}>)"
        out.append(lead + body + trail)
    line = re.sub(r"\s+", " ", "".join(out))
    return _block_safe(line)


def _block_safe(line: str) -> str:
    """Escape what would make a paragraph start a heading, list, quote or rule."""
    stripped = line.lstrip()
    match = re.match(r"([#>+=-]|\d+[.)])", stripped)
    if not match:
        return stripped
    token = match.group(1)
    if token[0].isdigit():
        return token[:-1] + "\\" + token[-1] + stripped[len(token):]
    return "\\" + stripped
