"""Long text (domain/rich_text's blocks) as HTML: headings, paragraphs, nested lists and tables
with header cells, every piece of the user's text escaped. The editor's preview shows it, as
the prints set the same blocks."""

from __future__ import annotations

from html import escape

from csa_desktop.domain import rich_text
from csa_desktop.domain.rich_text import Block, Heading, Inline, ListBlock, Para, TableBlock


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


def blocks_html(blocks: list[Block] | tuple[Block, ...], *, top_heading: int = 2,
                levels: HeadingLevels | None = None) -> str:
    """HTML for blocks; a "##" heading becomes <h{top_heading}>, "###" one level below, never
    skipping a level."""
    levels = levels or HeadingLevels(top_heading)
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            level = levels.level(block.level)
            out.append(f"<h{level}>{runs_html(block.runs)}</h{level}>")
        elif isinstance(block, Para):
            out.append(f"<p>{runs_html(block.runs)}</p>")
        elif isinstance(block, ListBlock):
            tag = "ol" if block.ordered else "ul"
            start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
            items = "".join(f"<li>{_item_html(item, levels)}</li>" for item in block.items)
            out.append(f"<{tag}{start}>{items}</{tag}>")
        elif isinstance(block, TableBlock):
            out.append(_table_html(block))
    return "\n".join(out)


def _item_html(item: tuple[Block, ...], levels: HeadingLevels) -> str:
    """A list item: its first paragraph inline, anything else (a nested list) after it."""
    if item and isinstance(item[0], Para):
        return runs_html(item[0].runs) + blocks_html(item[1:], levels=levels)
    return blocks_html(item, levels=levels)


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
