"""Read an agreement written in Word (.docx) into an outline of sections, with python-docx.

Heading 1 starts a section (a number written in the heading, "2." or "2.1", or Word's own
numbering of the heading style, is kept as the section's number); deeper headings become "##"
and "###" in the section's text (a number written in them, "2.1", is left to the print, which
numbers sub-sections from their section); paragraphs, bulleted and numbered lists (nested), bold and
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

from csa_desktop.domain.rich_text import Run, block_safe, escape, runs_markdown, table_markdown
from csa_desktop.errors import InputError
from csa_desktop.files import check_size
from csa_desktop.services.word_parts import R as _R
from csa_desktop.services.word_parts import WordParts
from csa_desktop.services.word_parts import w as _w

_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_V = "urn:schemas-microsoft-com:vml"


MAX_FILE_BYTES = 64 * 1024 * 1024
IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpeg"}

_NUMBERED = re.compile(r"^\s*((?:\d+\.)*\d+)\.?\s+(\S.*)$")
_SUB_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)+\.?\s+")  # 2.1, 2.1.1: sub-sections' numbers


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
        check_size(path, MAX_FILE_BYTES, "a Word file")
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
        self.parts = WordParts(document)
        self.notes: list[NotBrought] = []
        self.sections: list[OutlineSection] = []
        self.preamble = OutlineSection("", "")
        self.title = ""
        self.images = 0
        self.auto_numbered = 0  # headings numbered by Word itself, so far
        self.lists: list[_ListLevel] = []
        self.list_lines: list[str] = []
        self.bold_headings = False

    # --- the document's parts ---------------------------------------------------------------

    # --- the body ---------------------------------------------------------------------------

    def read(self) -> Outline:
        body = self.document.element.body
        blocks = list(self._blocks(body))
        has_heading = any(kind == "p" and self.parts.level(el) == 1 for kind, el in blocks)
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
        if self.parts.list_kind(p) is not None:
            return False
        runs = [r for r in p.iter(_w("r")) if self.parts.run_text(r).strip()]
        text = "".join(self.parts.run_text(r) for r in runs).strip()
        if not text or len(text) > 120 or text.endswith((".", ",", ";", ":")):
            return False
        return all(self.parts.run_format(r)[0] for r in runs)

    def _paragraph(self, p: Any) -> None:
        level = self.parts.level(p)
        if level == 0 and self.bold_headings and self._bold_heading(p):
            level = 1
        inline, plain = self._inline(p, heading=level != 0)
        if level == -1:
            self._end_list()
            if plain.strip():
                if not self.title:
                    self.title = plain.strip()
                else:
                    self._current().pieces.append(block_safe(escape(plain.strip())))
            return
        if level >= 1:
            self._end_list()
            self._heading(p, level, plain.strip())
            return
        listed = self.parts.list_kind(p)
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
            elif (numbering := self.parts.numbering_of(p)) is not None and (
                    self.parts.number_format(numbering) not in ("bullet", "none")):
                self.auto_numbered += 1
                number = str(self.auto_numbered)
            self.sections.append(OutlineSection(number, title))
            return
        shown = min(level, 3)
        section = self._current()
        text = _SUB_NUMBER.sub("", text) or text  # "2.1 Our approach": the print numbers it
        section.subheadings.append((shown, text))
        section.pieces.append("#" * shown + " " + escape(text))

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
        rows: list[list[tuple[str, str]]] = []  # cells as (Markdown, plain text)
        nested = False
        for tr in tbl.iterchildren(_w("tr")):
            cells: list[tuple[str, str]] = []
            for tc in tr.iterchildren(_w("tc")):
                span_el = tc.find(f"{_w('tcPr')}/{_w('gridSpan')}")
                span = int(span_el.get(_w("val"), "1")) if span_el is not None else 1
                merge = tc.find(f"{_w('tcPr')}/{_w('vMerge')}")
                continued = merge is not None and merge.get(_w("val")) in (None, "continue")
                if tc.find(f".//{_w('tbl')}") is not None:
                    nested = True
                texts = [] if continued else [self._inline(p, heading=False)
                                              for p in tc.iter(_w("p"))]
                cell = (" ".join(m.replace("\\\n", " ") for m, _ in texts if m),
                        " ".join(t.strip() for _, t in texts if t.strip()))
                cells.extend([cell] + [("", "")] * (span - 1))
            rows.append(cells)
        rows = [r for r in rows if any(m for m, _ in r)]
        if not rows:
            return
        width = max(len(r) for r in rows)
        rows = [r + [("", "")] * (width - len(r)) for r in rows]
        header, *body = rows
        markdown = table_markdown([m for m, _ in header], [[m for m, _ in r] for r in body])
        where = self._where()
        if nested:
            self.notes.append(NotBrought(where, "a table inside a table: its text is kept in "
                                                "the outer table's cell"))
        table = Table(tuple(t for _, t in header), tuple(tuple(t for _, t in r) for r in body),
                      markdown)
        section = self._current()
        section.tables.append(table)
        section.pieces.append(markdown)

    # --- inline content ---------------------------------------------------------------------

    def _inline(self, p: Any, *, heading: bool) -> tuple[str, str]:
        """(Markdown, plain text) of a paragraph's runs; notes what cannot come in."""
        runs: list[Run] = []
        links: dict[int, str] = {}  # run index → link address
        inserted = deleted = 0

        def add(r: Any, address: str = "") -> None:
            text = self.parts.run_text(r)
            if not text:
                return
            bold, italic = self.parts.run_format(r) if not heading else (False, False)
            if address:
                links[len(runs)] = address
            runs.append(Run(text, bold, italic))

        for node in self._inline_nodes(p):
            tag = node.tag
            if tag == _w("r"):
                self._run_objects(node)
                add(node)
            elif tag == _w("hyperlink"):
                address = self.parts.link(node)
                for r in node.iter(_w("r")):
                    add(r, address)
            elif tag == _w("ins"):
                inserted += 1
            elif tag == _w("del"):
                deleted += 1
        if inserted or deleted:
            self.notes.append(NotBrought(self._where(), _changes_text(inserted, deleted)))
        for ref in p.iter(_w("commentReference")):
            self.notes.append(NotBrought(self._where(), self._comment(ref.get(_w("id"), ""))))
        plain = re.sub(r"\s+", " ", "".join(run.text for run in runs))
        return runs_markdown(runs, links), plain

    def _comment(self, ident: str) -> str:
        try:
            comment = self.document.comments.get(int(ident))
            said = f" by {comment.author}: '{comment.text.strip()}'" if comment else ""
        except (AttributeError, KeyError, ValueError, TypeError):
            said = ""
        return f"a comment{said} (comments are not brought in)"

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

    def _run_objects(self, r: Any) -> None:
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
