"""Long text (domain/rich_text's blocks) as HTML: headings, paragraphs, nested lists and tables
with header cells, every piece of the user's text escaped. The editor's preview shows it, as
the prints set the same blocks."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

from csa_desktop.domain import rich_text
from csa_desktop.domain.rich_text import (
    Block,
    Heading,
    HeadingNumbers,
    ImageBlock,
    Inline,
    ListBlock,
    Para,
    TableBlock,
)
from csa_desktop.printing.model import PrintImage


def runs_html(runs: Inline) -> str:
    out = []
    for run in runs:
        text = escape(run.text).replace("\n", "<br>")
        if run.italic:
            text = f"<em>{text}</em>"
        if run.bold:
            text = f"<strong>{text}</strong>"
        out.append(text)
    return "".join(out)


class HeadingLevels:
    """Heading levels without a skip: "###" under no "##" is one level below the top."""

    def __init__(self, top: int) -> None:
        self.top, self.last = top, top - 1

    def level(self, markdown_level: int) -> int:
        wanted = self.top + max(markdown_level, 2) - 2
        self.last = min(6, max(self.top, min(wanted, self.last + 1)))
        return self.last


@dataclass
class HtmlText:
    """Where a text is set: its heading levels (never skipping one), the attachments it may
    show, and the numbers of its sub-headings (2.1, 2.1.1 from its section's, as the PDF)."""

    levels: HeadingLevels
    images: Mapping[str, PrintImage] = field(default_factory=dict)
    numbers: HeadingNumbers | None = None


def blocks_html(blocks: list[Block] | tuple[Block, ...], *, top_heading: int = 2,
                levels: HeadingLevels | None = None, images: Mapping[str, PrintImage] | None = None,
                numbers: HeadingNumbers | None = None) -> str:
    """HTML for blocks; a "##" heading becomes <h{top_heading}>, "###" one level below, never
    skipping a level; an attachment's image is embedded with its alternative text (a copy
    that lacks the image says so in its place)."""
    return _blocks(blocks, HtmlText(levels or HeadingLevels(top_heading), images or {}, numbers))


def _blocks(blocks: list[Block] | tuple[Block, ...], place: HtmlText) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            level = place.levels.level(block.level)
            label = place.numbers.next(block.level)[1] if place.numbers else ""
            number = f"{escape(label)} " if label else ""
            out.append(f"<h{level}>{number}{runs_html(block.runs)}</h{level}>")
        elif isinstance(block, Para):
            out.append(f"<p>{runs_html(block.runs)}</p>")
        elif isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
            items = "".join(f"<li>{_item_html(item, place)}</li>" for item in block.items)
            out.append(f"<{tag}{start}>{items}</{tag}>")
        elif isinstance(block, TableBlock):
            out.append(_table_html(block))
        elif isinstance(block, ImageBlock):
            out.append(image_html(block, place.images.get(block.uid)))
    return "\n".join(out)


def image_html(block: ImageBlock, image: PrintImage | None) -> str:
    """An attachment's image embedded in the page (data: URI), its alternative text as `alt`."""
    alt = escape(block.alt or (image.alt_text if image else ""), quote=True)
    if image is None:
        return f'<p class="missing">Image not available in this copy: {alt or "no description"}</p>'
    kind = image.media_type or ("image/png" if image.data[:4] == b"\x89PNG" else "image/jpeg")
    data = base64.b64encode(image.data).decode("ascii")
    return f'<p class="image"><img src="data:{kind};base64,{data}" alt="{alt}"></p>'


def _item_html(item: tuple[Block, ...], place: HtmlText) -> str:
    """A list item: its first paragraph inline, anything else (a nested list) after it."""
    if item and isinstance(item[0], Para):
        return runs_html(item[0].runs) + _blocks(item[1:], place)
    return _blocks(item, place)


def _table_html(table: TableBlock) -> str:
    head = "".join(f'<th scope="col">{runs_html(cell)}</th>' for cell in table.header)
    rows = "".join("<tr>" + "".join(f"<td>{runs_html(cell)}</td>" for cell in row) + "</tr>"
                   for row in table.rows)
    return table_html(f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody>")


def table_html(inner: str, label: str = "") -> str:
    """A table in a region that scrolls sideways on a narrow screen (or at 400 % zoom)
    rather than making the page scroll; `label` names the region."""
    named = f' role="region" aria-label="{escape(label)}" tabindex="0"' if label else ""
    return f'<div class="table"{named}><table>{inner}</table></div>'


def markdown_html(text: str, *, top_heading: int = 2) -> str:
    return blocks_html(rich_text.parse(text), top_heading=top_heading)
