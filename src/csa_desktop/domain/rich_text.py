"""How long text is written: a documented subset of Markdown (CommonMark with GFM tables),
parsed by markdown-it-py into a few plain blocks that every output (PDF, Word) sets the same way.

The subset: paragraphs (lines join; a blank line separates), "##" and "###" headings, bulleted
("- ") and numbered ("1. ") lists, nested by indenting, **bold**, *italic*, links (printed as
their text and address), tables (a header row, then rows), and images of the copy's
attachments: `![alternative text](attachment:UID)`, where UID is the attachment's uid (`csa
attach FILE --alt TEXT` prints the line to paste; domain.attachments.markdown_reference writes
it, escaping the alternative text's Markdown characters). Raw HTML is text, never markup; a
line starting "• " is a bullet too, as text pasted from Word often is. Plain text written
before Markdown is valid Markdown that reads as it did: paragraphs and "- " bullets.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

_WORD_BULLET = re.compile(r"^(\s*)•(\s)", re.MULTILINE)


@dataclass(frozen=True)
class Run:
    """A piece of text in one style."""

    text: str
    bold: bool = False
    italic: bool = False


Inline = tuple[Run, ...]


@dataclass(frozen=True)
class Heading:
    level: int  # 1 for "#", 2 for "##", …
    runs: Inline


@dataclass(frozen=True)
class Para:
    runs: Inline


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    start: int  # the first number of a numbered list
    items: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True)
class TableBlock:
    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class ImageBlock:
    """An image of the copy's attachments, `![alt](attachment:UID)`, as a block of its own
    (text around it in the same paragraph becomes paragraphs before and after)."""

    uid: str
    alt: str


Block = Heading | Para | ListBlock | TableBlock | ImageBlock

ATTACHMENT_SCHEME = "attachment:"


def plain(runs: Inline) -> str:
    return "".join(run.text for run in runs)


def styled(runs: Inline) -> bool:
    """Whether any run is bold or italic."""
    return any(run.bold or run.italic for run in runs)


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")


def parse(text: str) -> list[Block]:
    """The blocks of `text`, in order (empty text: none)."""
    source = _WORD_BULLET.sub(r"\1-\2", text.replace("\r\n", "\n").replace("\r", "\n"))
    tokens = _parser().parse(source)
    blocks, _end = _blocks(tokens, 0, None)
    return blocks


def _blocks(tokens: list[Any], at: int, until: str | None) -> tuple[list[Block], int]:
    """Blocks from tokens[at:] up to the closing token `until`; returns them and the index
    after that closing token."""
    out: list[Block] = []
    while at < len(tokens):
        token = tokens[at]
        kind = token.type
        if kind == until:
            return out, at + 1
        if kind == "heading_open":
            out.append(Heading(int(token.tag[1:]), _runs(tokens[at + 1])))
            at += 3
        elif kind == "paragraph_open":
            for part in _paragraph(tokens[at + 1]):
                if isinstance(part, ImageBlock) or plain(part.runs).strip():
                    out.append(part)
            at += 3
        elif kind in ("bullet_list_open", "ordered_list_open"):
            ordered = kind == "ordered_list_open"
            start = int(token.attrGet("start") or 1) if ordered else 1
            items: list[tuple[Block, ...]] = []
            at += 1
            closing = kind.replace("_open", "_close")
            while tokens[at].type != closing:  # list_item_open ... list_item_close
                item, at = _blocks(tokens, at + 1, "list_item_close")
                items.append(tuple(item))
            out.append(ListBlock(ordered, start, tuple(items)))
            at += 1
        elif kind == "table_open":
            block, at = _table(tokens, at + 1)
            out.append(block)
        elif kind in ("code_block", "fence"):
            out.append(Para((Run(token.content.rstrip("\n")),)))
            at += 1
        else:  # blockquote and hr open/close, list items' hidden wrappers: their content counts
            at += 1
    return out, at


def _table(tokens: list[Any], at: int) -> tuple[TableBlock, int]:
    header: list[Inline] = []
    rows: list[tuple[Inline, ...]] = []
    row: list[Inline] = []
    in_head = False
    while tokens[at].type != "table_close":
        kind = tokens[at].type
        if kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            if in_head:
                header = row
            else:
                rows.append(tuple(row))
        elif kind == "inline":
            row.append(_runs(tokens[at]))
        at += 1
    width = len(header)
    rows = [tuple(list(r[:width]) + [()] * (width - len(r))) for r in rows]
    return TableBlock(tuple(header), tuple(rows)), at + 1


def _attachment(child: Any) -> str | None:
    """The uid an image token shows, if it is one of the copy's attachments."""
    source = str(child.attrGet("src") or "") if child.type == "image" else ""
    return source[len(ATTACHMENT_SCHEME):].strip() if source.startswith(
        ATTACHMENT_SCHEME) else None


def _paragraph(token: Any) -> list[Para | ImageBlock]:
    """A paragraph's inline token as paragraphs, split where it shows an attachment."""
    children = list(token.children or ())
    if not any(_attachment(c) is not None for c in children):
        return [Para(_runs(token))]
    parts: list[Para | ImageBlock] = []
    piece: list[Any] = []
    for child in children:
        uid = _attachment(child)
        if uid is None:
            piece.append(child)
            continue
        parts.append(Para(_runs_of(piece)))
        parts.append(ImageBlock(uid, _alt(child)))
        piece = []
    parts.append(Para(_runs_of(piece)))
    return parts


def _alt(child: Any) -> str:
    return "".join(c.content for c in child.children or ()) or str(child.content or "")


class HeadingNumbers:
    """Numbers for a section's sub-headings from the section's own ("2" gives 2.1, 2.1.1):
    "#" and "##" are the first level below the section, "###" and deeper the second. A
    section without a number gives none ("")."""

    def __init__(self, section_number: str) -> None:
        self.section = section_number.strip().rstrip(".")
        self.counts = [0, 0]

    def next(self, level: int) -> tuple[int, str]:
        """The depth below the section (1 or 2) and the number of the next heading."""
        depth = 1 if level <= 2 else 2
        if depth == 1:
            self.counts = [self.counts[0] + 1, 0]
        else:
            self.counts[1] += 1
        if not self.section:
            return depth, ""
        return depth, ".".join([self.section, *map(str, self.counts[:depth])])


def image_uids(blocks: list[Block]) -> list[str]:
    """The attachments `blocks` show, in order (nested lists included)."""
    found: list[str] = []
    for block in blocks:
        if isinstance(block, ImageBlock):
            found.append(block.uid)
        elif isinstance(block, ListBlock):
            for item in block.items:
                found += image_uids(list(item))
    return found


def without_images(blocks: list[Block], uids: Collection[str]) -> list[Block]:
    """`blocks` without the images of the attachments `uids` (in nested lists too): what an
    edition leaves out of a text leaves no trace, neither the image nor its alt text."""
    if not uids:
        return blocks
    kept: list[Block] = []
    for block in blocks:
        if isinstance(block, ImageBlock) and block.uid in uids:
            continue
        if isinstance(block, ListBlock):
            block = ListBlock(block.ordered, block.start, tuple(
                tuple(without_images(list(item), uids)) for item in block.items))
        kept.append(block)
    return kept


def _runs(token: Any) -> Inline:
    return _runs_of(list(token.children or ()))


def _runs_of(children: list[Any]) -> Inline:
    """The runs of an inline token's children: bold and italic kept, links as text and
    address."""
    runs: list[Run] = []
    bold = italic = 0
    links: list[str] = []
    link_text: list[str] = []

    def add(text: str) -> None:
        if not text:
            return
        if links:
            link_text.append(text)
        last = runs[-1] if runs else None
        if last is not None and (last.bold, last.italic) == (bold > 0, italic > 0):
            runs[-1] = Run(last.text + text, last.bold, last.italic)
        else:
            runs.append(Run(text, bold > 0, italic > 0))

    for child in children:
        kind = child.type
        if kind in ("text", "code_inline", "html_inline"):
            add(child.content)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            links.append(str(child.attrGet("href") or ""))
            link_text.clear()
        elif kind == "link_close" and links:
            address = links.pop()
            shown = "".join(link_text)
            if address and address not in (shown, f"mailto:{shown}"):
                add(f" ({address})")
        elif kind == "image":
            add(f"[image: {_alt(child) or 'no description'}]")
    return tuple(runs)


# --- writing ----------------------------------------------------------------------------------

_ESCAPED = re.compile(r"([\\`*_\[\]|&<])")


def escape(text: str) -> str:
    """Text as Markdown that reads back as exactly this text."""
    return _ESCAPED.sub(r"\\\1", text)


def runs_markdown(runs: Sequence[Run], links: Mapping[int, str] | None = None) -> str:
    """Runs as Markdown that `parse` reads back as the same text and styles: consecutive runs
    of one style joined, emphasis markers kept tight against the text (CommonMark ignores
    "** text**"), `links[i]` making run i (and its neighbours to the same address) a link, a
    "\\n" in a run a line break, whitespace otherwise collapsed."""
    merged: list[tuple[str, bool, bool, str]] = []
    for index, run in enumerate(runs):
        text, bold, italic = run.text, run.bold, run.italic
        address = (links or {}).get(index, "")
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
        body = escape(stripped)
        marker = ("**" if bold else "") + ("*" if italic else "")
        if marker:
            body = marker + body + marker[::-1]
        if address:
            body = f"[{body}](<{address.replace('>', '%3E').replace(' ', '%20')}>)"
        out.append(lead + body + trail)
    lines = [re.sub(r"\s+", " ", line).strip() for line in "".join(out).split("\n")]
    return "\\\n".join(block_safe(line) for line in lines if line)


def block_safe(line: str) -> str:
    """Escape what would make a paragraph start a heading, list, quote or rule."""
    stripped = line.lstrip()
    match = re.match(r"([#>+=-]|\d+[.)])", stripped)
    if not match:
        return stripped
    token = match.group(1)
    if token[0].isdigit():
        return token[:-1] + "\\" + token[-1] + stripped[len(token):]
    return "\\" + stripped


def table_markdown(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GFM table of cells already written as Markdown (a "|" in a cell escaped)."""
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


# --- the foreword's signatories and the glossary's terms ------------------------------------
#
# A foreword's text may end with a heading "Signatories" (or "Signed by"); every line after
# it, as list items or lines of a paragraph, is one signatory: "Name, Role" (the first comma
# ends the name). A glossary's lists of "Term: definition" items ("**Term** definition" and
# "Term — definition" too) and its two-column tables are its terms; anything else in its text
# prints as written, before them.

SIGNATORY_HEADINGS = ("signatories", "signed by", "signed")


@dataclass(frozen=True)
class Signatory:
    name: str
    role: str


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str


def _source(text: str) -> str:
    return _WORD_BULLET.sub(r"\1-\2", text.replace("\r\n", "\n").replace("\r", "\n"))


def _lines(blocks: Sequence[Block]) -> list[Inline]:
    """Each line of the paragraphs and list items of `blocks`, as runs."""
    found: list[Inline] = []
    for block in blocks:
        if isinstance(block, Para):
            line: list[Run] = []
            for run in block.runs:
                pieces = run.text.split("\n")
                for number, piece in enumerate(pieces):
                    if number:
                        found.append(tuple(line))
                        line = []
                    line.append(Run(piece, run.bold, run.italic))
            found.append(tuple(line))
        elif isinstance(block, ListBlock):
            for item in block.items:
                found += _lines(item)
    return [line for line in found if plain(line).strip()]


def split_signatories(text: str) -> tuple[str, tuple[Signatory, ...]]:
    """A foreword's text before its signatories heading, and the signatories after it (the
    text unchanged and none when it has no such heading)."""
    source = _source(text)
    tokens = _parser().parse(source)
    lines = source.split("\n")
    for at, token in enumerate(tokens):
        if token.type != "heading_open" or token.level != 0 or token.map is None:
            continue
        if tokens[at + 1].content.strip().rstrip(":").casefold() not in SIGNATORY_HEADINGS:
            continue
        people = []
        for line in _lines(parse("\n".join(lines[token.map[1]:]))):
            name, _comma, role = plain(line).partition(",")
            people.append(Signatory(name.strip(), role.strip()))
        if people:
            return "\n".join(lines[:token.map[0]]).rstrip(), tuple(people)
    return text, ()


_TERM_SPLIT = re.compile(r"\s*(?::|\s[—–-])\s+")


def _entry(line: Inline) -> GlossaryEntry | None:
    """A "Term: definition" line (or "**Term** definition", "Term — definition")."""
    if line and line[0].bold and len(line) > 1:
        term = line[0].text.strip().rstrip(":").strip()
        definition = plain(line[1:]).strip().lstrip(":—–-").strip()
    else:
        parts = _TERM_SPLIT.split(plain(line).strip(), maxsplit=1)
        if len(parts) != 2:
            return None
        term, definition = parts[0].strip(), parts[1].strip()
    return GlossaryEntry(term, definition) if term and definition else None


def split_glossary(text: str) -> tuple[str, tuple[GlossaryEntry, ...]]:
    """A glossary's text without its terms, and its terms in the order written: the items of
    each list whose every item is a term, and the rows of each table of two or more columns
    (the first is the term, the second its definition)."""
    source = _source(text)
    tokens = _parser().parse(source)
    lines = source.split("\n")
    used: set[int] = set()
    entries: list[GlossaryEntry] = []
    for token in tokens:
        if token.level != 0 or token.map is None or token.type not in (
                "bullet_list_open", "ordered_list_open", "table_open"):
            continue
        start, end = token.map
        blocks = parse("\n".join(lines[start:end]))
        found: list[GlossaryEntry] = []
        for block in blocks:
            if isinstance(block, TableBlock) and len(block.header) >= 2:
                found += [GlossaryEntry(plain(r[0]).strip(), plain(r[1]).strip())
                          for r in block.rows if plain(r[0]).strip()]
            elif isinstance(block, ListBlock):
                made = [_entry(line) for line in _lines([block])]
                if made and all(m is not None for m in made):
                    found += [m for m in made if m is not None]
        if found:
            entries += found
            used.update(range(start, end))
    if not entries:
        return text, ()
    kept = "\n".join(line for number, line in enumerate(lines) if number not in used)
    return kept.strip(), tuple(entries)
