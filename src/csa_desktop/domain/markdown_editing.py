"""The formatting commands of a long text field, as edits of its Markdown source (the subset in
domain/rich_text.py): bold and italic, headings, bulleted and numbered lists, tables (insert,
add or remove a row or a column), links. Each takes the text and the selection (start, end as
indexes into the text) and returns the new text and the selection to show, so the editor in the
window and the tests use the same rules. A command that cannot apply returns the text as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^(#{1,6})\s+")
_BULLET = re.compile(r"^(\s*)[-*+]\s+")
_NUMBER = re.compile(r"^(\s*)\d{1,9}[.)]\s+")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class Edit:
    text: str
    start: int
    end: int


def _lines_of(text: str, start: int, end: int) -> tuple[int, int]:
    """The first character of the first line the selection touches, and the end of the last."""
    first = text.rfind("\n", 0, start) + 1
    if end > start and end > 0 and text[end - 1] == "\n":
        end -= 1  # a selection ending at a line's start does not take that line
    last = text.find("\n", end)
    return first, len(text) if last < 0 else last


def toggle_emphasis(text: str, start: int, end: int, marker: str) -> Edit:
    """Wrap the selection in `marker` ("**" bold, "*" italic), or unwrap it when it is
    wrapped already. Spaces at the selection's ends stay outside the markers (CommonMark
    would not read "** bold **"); with nothing selected, the word at the cursor is taken, or
    an empty pair is put in with the cursor inside."""
    if start == end:
        left = start
        while left > 0 and (text[left - 1].isalnum() or text[left - 1] in "'’-"):
            left -= 1
        right = end
        while right < len(text) and (text[right].isalnum() or text[right] in "'’-"):
            right += 1
        if left == right:
            return Edit(text[:start] + marker * 2 + text[start:], start + len(marker),
                        start + len(marker))
        start, end = left, right
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    size = len(marker)
    inner = text[start:end]
    if _wrapped(inner, marker):
        return Edit(text[:start] + inner[size:-size] + text[end:], start, end - 2 * size)
    if (text[max(0, start - size):start] == marker and text[end:end + size] == marker
            and _wrapped(text[start - size:end + size], marker)):
        return Edit(text[:start - size] + inner + text[end + size:], start - size, end - size)
    return Edit(text[:start] + marker + inner + marker + text[end:], start + size, end + size)


def _wrapped(text: str, marker: str) -> bool:
    """Whether `text` is `marker`…`marker` (and for "*", not "**"…"**" alone)."""
    size = len(marker)
    if len(text) <= 2 * size or not (text.startswith(marker) and text.endswith(marker)):
        return False
    if marker == "*":  # "**bold**" is not italic; "***both***" is
        return not (text.startswith("**") and text.endswith("**")) or text.startswith("***")
    return True


def set_heading(text: str, start: int, end: int, level: int) -> Edit:
    """Make the lines the selection touches headings of `level` (2 or 3; 0: ordinary text).
    Lines that are already headings of that level become ordinary text again."""
    first, last = _lines_of(text, start, end)
    lines = text[first:last].split("\n")
    plain = [_HEADING.sub("", line) for line in lines]
    prefix = "#" * level + " " if level else ""
    already = all(line.startswith(prefix) and not line.startswith(prefix[:-1] + "#")
                  for line in lines if line.strip()) if level else False
    new = [(p if already else prefix + p) if p.strip() else p for p in plain]
    block = "\n".join(new)
    return Edit(text[:first] + block + text[last:], first, first + len(block))


def toggle_list(text: str, start: int, end: int, *, ordered: bool) -> Edit:
    """Make the lines the selection touches a bulleted (or numbered) list, keeping their
    indentation; when they all are one already, make them ordinary lines again."""
    first, last = _lines_of(text, start, end)
    lines = text[first:last].split("\n")
    mine, other = (_NUMBER, _BULLET) if ordered else (_BULLET, _NUMBER)
    filled = [line for line in lines if line.strip()]
    if filled and all(mine.match(line) for line in filled):
        new = [mine.sub(r"\1", line) for line in lines]
    else:
        new = []
        levels: list[tuple[int, int, int]] = []  # (indent as written, indent now, count)
        for line in lines:
            if not line.strip():
                new.append(line)
                continue
            bare = other.sub(r"\1", mine.sub(r"\1", _HEADING.sub("", line))).lstrip()
            written = len(line) - len(line.lstrip())
            while levels and levels[-1][0] > written:
                levels.pop()
            if levels and levels[-1][0] == written:
                _w, indent, count = levels.pop()
            else:  # one level deeper: under the marker of the item above (CommonMark)
                indent = (levels[-1][1] + len(_marker(levels[-1][2], ordered))
                          if levels else written)
                count = 0
            levels.append((written, indent, count + 1))
            new.append(" " * indent + _marker(count + 1, ordered) + bare)
    block = "\n".join(new)
    return Edit(text[:first] + block + text[last:], first, first + len(block))


def _marker(number: int, ordered: bool) -> str:
    return f"{number}. " if ordered else "- "


def make_link(text: str, start: int, end: int, address: str) -> Edit:
    """The selection as a link to `address` (the address itself when nothing is selected);
    the link's text is selected afterwards."""
    address = address.strip()
    if not address:
        return Edit(text, start, end)
    shown = text[start:end].strip() or address.replace("[", "\\[").replace("]", "\\]")
    plain = not any(c.isspace() or c in "()<>" for c in address)
    target = address if plain else "<" + address.replace(">", "%3E") + ">"
    link = f"[{shown}]({target})"
    return Edit(text[:start] + link + text[end:], start + 1, start + 1 + len(shown))


# --- tables -----------------------------------------------------------------------------------


def insert_table(text: str, position: int, rows: int = 2, columns: int = 2) -> Edit:
    """A table of `columns` headings and `rows` empty rows, as a paragraph of its own after
    the line the cursor is on; the first heading is selected, ready to type over."""
    rows, columns = max(rows, 1), max(columns, 1)
    header = [f"Heading {i + 1}" for i in range(columns)]
    table = _render([header] + [[""] * columns for _ in range(rows)])
    inserted = insert_block(text, position, table)
    at = inserted.start + 2
    return Edit(inserted.text, at, at + len(header[0]))


def insert_block(text: str, position: int, block: str) -> Edit:
    """`block` (a table, an image) as a paragraph of its own after the line the cursor is on;
    the cursor then stands at the block's start and the selection covers it."""
    _first, last = _lines_of(text, position, position)
    before, after = text[:last].rstrip(" \n"), text[last:].lstrip(" \n")
    head = before + "\n\n" if before.strip() else ""
    trail = "\n\n" if after.strip() else ""
    return Edit(head + block + trail + after, len(head), len(head) + len(block))


def table_row(text: str, position: int, *, add: bool) -> Edit:
    """Add an empty row below the cursor's row (or below the heading row), or remove the
    cursor's row (never the heading row)."""
    found = _table_at(text, position)
    if found is None:
        return Edit(text, position, position)
    first, last, rows, row, _column = found
    if add:
        at = max(row, 0) + 1
        rows.insert(at, [""] * len(rows[0]))
        focus = (at, 0)
    else:
        if row <= 0 or len(rows) <= 2:
            return Edit(text, position, position)
        del rows[row]
        focus = (min(row, len(rows) - 1), 0)
    return _replaced(text, first, last, rows, focus)


def table_column(text: str, position: int, *, add: bool) -> Edit:
    """Add an empty column right of the cursor's column, or remove the cursor's column (a
    table keeps one)."""
    found = _table_at(text, position)
    if found is None:
        return Edit(text, position, position)
    first, last, rows, row, column = found
    if add:
        for index, cells in enumerate(rows):
            cells.insert(column + 1, f"Heading {len(cells) + 1}" if index == 0 else "")
        focus = (max(row, 0), column + 1)
    else:
        if len(rows[0]) <= 1:
            return Edit(text, position, position)
        for cells in rows:
            del cells[column]
        focus = (max(row, 0), min(column, len(rows[0]) - 1))
    return _replaced(text, first, last, rows, focus)


def _table_at(text: str, position: int) -> tuple[int, int, list[list[str]], int, int] | None:
    """The table around the cursor: its span, its rows of cells (the delimiter row left
    out), the cursor's row (-1: on the delimiter row) and column."""
    lines = text.split("\n")
    offsets = []
    at = 0
    for line in lines:
        offsets.append(at)
        at += len(line) + 1
    here = max(i for i, o in enumerate(offsets) if o <= position)
    if not lines[here].lstrip().startswith("|"):
        return None
    top = here
    while top > 0 and lines[top - 1].lstrip().startswith("|"):
        top -= 1
    bottom = here
    while bottom + 1 < len(lines) and lines[bottom + 1].lstrip().startswith("|"):
        bottom += 1
    block = lines[top:bottom + 1]
    if len(block) < 2 or not re.fullmatch(r"\s*\|?(\s*:?-+:?\s*\|)*\s*:?-+:?\s*\|?\s*",
                                          block[1]):
        return None
    rows = [_cells(line) for i, line in enumerate(block) if i != 1]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    index = here - top
    row = -1 if index == 1 else (index if index == 0 else index - 1)
    before = lines[here][:position - offsets[here]]
    column = max(0, min(len(_CELL_SPLIT.findall(before)) - 1, width - 1))
    last = offsets[bottom] + len(lines[bottom])
    return offsets[top], last, rows, row, column


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [cell.strip() for cell in _CELL_SPLIT.split(body)]


def _render(rows: list[list[str]]) -> str:
    width = [max(3, *(len(r[c]) for r in rows)) for c in range(len(rows[0]))]
    lines = ["| " + " | ".join(cell.ljust(width[c]) for c, cell in enumerate(r)) + " |"
             for r in rows]
    lines.insert(1, "| " + " | ".join("-" * w for w in width) + " |")
    return "\n".join(lines)


def _replaced(text: str, first: int, last: int, rows: list[list[str]],
              focus: tuple[int, int]) -> Edit:
    table = _render(rows)
    lines = table.split("\n")
    line = focus[0] + (1 if focus[0] >= 1 else 0)  # past the delimiter row
    offset = first + sum(len(lines[i]) + 1 for i in range(line))
    cell_start = 2
    for _ in range(focus[1]):
        cell_start = lines[line].index("|", cell_start) + 2
    at = offset + cell_start
    return Edit(text[:first] + table + text[last:], at, at + len(rows[focus[0]][focus[1]]))
