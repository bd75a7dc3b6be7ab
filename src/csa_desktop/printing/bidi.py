"""Right-to-left text in the printed documents (Urdu, Arabic, Persian, Hebrew).

User text reaches ReportLab in logical order (Arabic letters already joined); ReportLab breaks
each paragraph into lines as usual, so the first words are on the first line; just before a
line is drawn it is put into visual order with the Unicode bidi algorithm (UAX #9, implicit
levels: the rules W1-W7, N1-N2, I1-I2, L1, L2 and L4 mirroring; user text carries no explicit
embeddings). A block of text that is mainly right-to-left (the text between hard line breaks)
reads from the right: its lines are set right-aligned, and a bullet goes on the right.

ReportLab 5 has right-to-left paragraphs only with the rlbidi package (not on PyPI) and then
reverses styled runs without the bidi algorithm, so `install()` wraps `Paragraph.drawPara`
once, for every paragraph any document draws (contents entries and table cells included).

Why not python-bidi (0.6): its compiled (Rust) API returns only the reordered string of a whole
text (levels only inside a debugging dump of the Rust structures, per UTF-8 byte), so it cannot
reorder a line's styled runs and inline objects after ReportLab has broken the paragraph; its
pure-Python module is the old algorithm without bracket pairs (N0) or isolates, which "CCTV
(new)" in an Urdu sentence and our marked fields need. This module passes Unicode's own
conformance data instead (BidiCharacterTest.txt: every line with an explicit paragraph direction
and no explicit controls; tests/printing/test_bidi_conformance.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any, TypeVar

Payload = TypeVar("Payload")

# Any right-to-left character (Hebrew, Arabic and their presentation forms, the RLM mark)
# or explicit control: the quick test for text that may need reordering.
RTL_CHAR = re.compile("[\u0590-\u08ff\u200f\u202a-\u202e\u2066-\u2069\ufb1d-\ufdff"
                      "\ufe70-\ufefc]")
OBJECT = "\ufffc"  # stands in for an inline object (an anchor, a contents leader) in a line
_MIRROR = dict(zip("()[]{}<>«»‹›≤≥", ")(][}{><»«›‹≥≤", strict=True))
_BRACKETS = {"(": ")", "[": "]", "{": "}", "\u2045": "\u2046", "\u2329": "\u232a",
             "\u3008": "\u3009", "\uff08": "\uff09", "\uff3b": "\uff3d"}
_CLOSING = set(_BRACKETS.values())
_CANONICAL = {"\u2329": "\u3008", "\u232a": "\u3009"}  # BD16: canonical equivalents pair
_INVISIBLE = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", "BN"}
_OPENERS: dict[str, int | None] = {"\u202a": 0, "\u202b": 1, "\u2066": 0, "\u2067": 1,
                                   "\u2068": None}  # LRE RLE LRI RLI FSI
_CLOSERS = {"\u202c", "\u2069"}  # PDF PDI
CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")  # explicit bidi controls: not drawn
LTR_FIELD, RTL_FIELD, END_FIELD = "\u202a", "\u202b", "\u202c"  # how inline() marks fields
_NEUTRAL = {"B", "S", "WS", "ON"}


def direction(text: str) -> int | None:
    """1 when the text is mainly right-to-left (more right-to-left letters than left-to-right
    ones; on a tie the first strong letter decides), 0 when mainly left-to-right, None when it
    has no letters of either kind (digits and punctuation only)."""
    rtl = ltr = 0
    first: int | None = None
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            rtl += 1
            first = 1 if first is None else first
        elif kind == "L":
            ltr += 1
            first = 0 if first is None else first
    if rtl == ltr:
        return first
    return 1 if rtl > ltr else 0


def levels(text: str, base: int) -> list[int]:
    """The embedding level of each character of one line."""
    resolved = paragraph_levels(text, base)
    _line_end_levels(text, resolved, base)
    return resolved


def paragraph_levels(text: str, base: int) -> list[int]:
    """The levels of a paragraph's characters before it is broken into lines (all but L1).

    Isolates (X5a-X6a, BD13) are resolved apart from the text around them, which sees each
    as one neutral character. Besides LRI/RLI/FSI...PDI, LRE/RLE...PDF count as isolates:
    inline() marks each field of user text so (the fonts draw those marks with no width, and
    they are dropped when drawn), and user text's own explicit controls are removed there.
    An FSI takes the direction its text mainly has, like a block of text here."""
    spans: list[tuple[int, int]] = []  # top-level isolates: opening and closing index
    depth = start = 0
    for i, char in enumerate(text):
        if char in _OPENERS:
            start = i if depth == 0 else start
            depth += 1
        elif char in _CLOSERS and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, i))
    if depth:
        spans.append((start, len(text)))
    inside = {k for first, last in spans for k in range(first + 1, last)}
    outer = [i for i in range(len(text)) if i not in inside]
    types = [("ON" if text[i] in _OPENERS or text[i] in _CLOSERS
              else unicodedata.bidirectional(text[i]) or "L") for i in outer]
    result = [base] * len(text)
    for i, level in zip(outer, _sequence_levels([text[i] for i in outer], types, base),
                        strict=True):
        result[i] = level
    for first, last in spans:
        content = text[first + 1:last]
        rtl = _OPENERS[text[first]]
        if rtl is None:
            rtl = direction(content) or 0
        level = result[first] + 1
        level += (level % 2) != rtl  # the least greater level of the isolate's direction
        result[first + 1:last] = paragraph_levels(content, level)
    return result


def _sequence_levels(chars: list[str], types: list[str], base: int) -> list[int]:
    """The levels of one isolating run sequence at the paragraph's level (W1-I2)."""
    kept = [i for i, kind in enumerate(types) if kind not in _INVISIBLE]
    t = [types[i] for i in kept]
    edge = "R" if base % 2 else "L"  # sos and eos: one run at the paragraph level
    _weak_types(t, edge)
    _bracket_pairs(t, [chars[i] for i in kept], [types[i] for i in kept], edge)
    _neutral_types(t, edge)
    result = [base] * len(chars)
    for i, kind in zip(kept, t, strict=True):
        if base % 2 == 0:
            result[i] = base + (1 if kind == "R" else 2 if kind in ("AN", "EN") else 0)
        else:
            result[i] = base + (1 if kind in ("L", "EN", "AN") else 0)
    for i, kind in enumerate(types):  # invisible characters take their neighbour's level
        if kind in _INVISIBLE:
            result[i] = result[i - 1] if i else base
    return result


def _line_end_levels(line: str, line_levels: list[int], base: int) -> None:
    """L1 in place: separators, and white space before them or at the end of the line, go
    back to the paragraph's level."""
    trailing = True
    for i in range(len(line) - 1, -1, -1):
        kind = unicodedata.bidirectional(line[i])
        if kind in ("S", "B"):
            line_levels[i] = base
            trailing = True
        elif trailing and (kind == "WS" or kind in _INVISIBLE):
            line_levels[i] = base
        else:
            trailing = False


def _weak_types(t: list[str], edge: str) -> None:
    """W1-W7 in place."""
    for i, kind in enumerate(t):  # W1
        if kind == "NSM":
            t[i] = t[i - 1] if i else edge
    strong = edge
    for i, kind in enumerate(t):  # W2, W3
        if kind in ("L", "R", "AL"):
            strong = kind
        elif kind == "EN" and strong == "AL":
            t[i] = "AN"
    t[:] = ["R" if kind == "AL" else kind for kind in t]
    for i in range(1, len(t) - 1):  # W4
        before, kind, after = t[i - 1], t[i], t[i + 1]
        if before == after and (
                (kind == "ES" and before == "EN") or (kind == "CS" and before in ("EN", "AN"))):
            t[i] = before
    i = 0
    while i < len(t):  # W5
        if t[i] != "ET":
            i += 1
            continue
        end = i
        while end < len(t) and t[end] == "ET":
            end += 1
        if (i and t[i - 1] == "EN") or (end < len(t) and t[end] == "EN"):
            t[i:end] = ["EN"] * (end - i)
        i = end
    t[:] = ["ON" if kind in ("ES", "ET", "CS") else kind for kind in t]  # W6
    strong = edge
    for i, kind in enumerate(t):  # W7
        if kind in ("L", "R"):
            strong = kind
        elif kind == "EN" and strong == "L":
            t[i] = "L"


def _strong(kind: str) -> str | None:
    return "L" if kind == "L" else "R" if kind in ("R", "EN", "AN") else None


def _bracket_pairs(t: list[str], chars: list[str], original: list[str], edge: str) -> None:
    """BD16 and N0 in place: a bracket pair takes the direction of the text it encloses when
    that matches the paragraph's, or the opposite one when the text before agrees with it,
    so "CCTV (new)" in an Urdu sentence keeps both brackets with the English."""
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    for i, char in enumerate(chars):
        if t[i] != "ON":
            continue
        char = _CANONICAL.get(char, char)
        if char in _BRACKETS:
            if len(stack) == 63:
                break
            stack.append((_BRACKETS[char], i))
        elif char in _CLOSING:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == char:
                    pairs.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    for opening, closing in sorted(pairs):
        inside = {_strong(kind) for kind in t[opening + 1:closing]} - {None}
        if edge in inside:
            found = edge
        elif inside:
            found = edge  # the opposite direction only when the text before has it too
            for kind in reversed(t[:opening]):
                if _strong(kind):
                    found = _strong(kind) or edge
                    break
        else:
            continue
        for bracket in (opening, closing):
            t[bracket] = found
            k = bracket + 1
            while k < len(t) and original[k] == "NSM":
                t[k] = found
                k += 1


def _neutral_types(t: list[str], edge: str) -> None:
    """N1-N2 in place: a run of neutrals between two of the same direction takes it (numbers
    count as right-to-left here); any other takes the paragraph's direction."""
    i = 0
    while i < len(t):
        if t[i] not in _NEUTRAL:
            i += 1
            continue
        end = i
        while end < len(t) and t[end] in _NEUTRAL:
            end += 1
        before = edge if i == 0 else t[i - 1]
        after = edge if end == len(t) else t[end]
        before = "R" if before in ("EN", "AN") else before
        after = "R" if after in ("EN", "AN") else after
        t[i:end] = [before if before == after else edge] * (end - i)
        i = end


def visual_order(line_levels: Sequence[int]) -> list[int]:
    """L2: the logical indices of a line's characters in the order they are drawn."""
    order = list(range(len(line_levels)))
    if not order:
        return order
    odd = [level for level in line_levels if level % 2]
    if not odd:
        return order
    for level in range(max(line_levels), min(odd) - 1, -1):
        i = 0
        while i < len(order):
            if line_levels[order[i]] < level:
                i += 1
                continue
            end = i
            while end < len(order) and line_levels[order[end]] >= level:
                end += 1
            order[i:end] = order[i:end][::-1]
            i = end
    return order


def visual_lines(lines: Sequence[Sequence[tuple[str, Payload]]],
                 base: int) -> list[list[tuple[str, Payload]]]:
    """The lines of one paragraph, each a sequence of styled pieces (text and whatever styles
    it) in logical order, put into visual order: levels resolved over the whole paragraph (a
    soft line break counts as a space), then each line's right-to-left stretches reversed
    (brackets mirrored), the explicit controls dropped, neighbouring characters of one piece
    kept together. Pieces are told apart by identity."""
    texts = ["".join(piece for piece, _payload in line) for line in lines]
    resolved = paragraph_levels(" ".join(texts), base)
    out: list[list[tuple[str, Payload]]] = []
    start = 0
    for line, text in zip(lines, texts, strict=True):
        line_levels = resolved[start:start + len(text)]
        start += len(text) + 1
        _line_end_levels(text, line_levels, base)
        owners = [payload for piece, payload in line for _char in piece]
        runs: list[tuple[str, Payload]] = []
        for i in visual_order(line_levels):
            char = text[i]
            if CONTROLS.match(char):
                continue
            if line_levels[i] % 2:
                char = _MIRROR.get(char, char)
            if runs and runs[-1][1] is owners[i]:
                runs[-1] = (runs[-1][0] + char, owners[i])
            else:
                runs.append((char, owners[i]))
        out.append(runs)
    return out


def visual_text(text: str, base: int | None = None) -> str:
    """One line of plain text in visual order; `base` None: the text's own direction."""
    if base is None:
        base = direction(text) or 0
    if not base and not RTL_CHAR.search(text):
        return text
    return "".join(piece for piece, _owner in visual_lines([[(text, None)]], base)[0])


# --- ReportLab: every paragraph's lines are drawn in visual order -----------------------------

_original_draw_para: Any = None


def install() -> None:
    """Make every ReportLab paragraph draw right-to-left text in visual order (once)."""
    global _original_draw_para
    from reportlab.platypus.paragraph import Paragraph

    if _original_draw_para is None:
        _original_draw_para = Paragraph.drawPara
        Paragraph.drawPara = _draw_para


def needs_reordering(para: Any) -> bool:
    """Whether a wrapped paragraph has right-to-left text, so that its lines must be drawn by
    Paragraph.drawPara (which install() wraps), not by code that draws `blPara` itself."""
    text = getattr(para, "text", None)
    if isinstance(text, str) and not RTL_CHAR.search(text):
        return False
    lines = getattr(getattr(para, "blPara", None), "lines", None) or []
    return any(RTL_CHAR.search(piece) for line in lines for piece, _o in _line_pieces(line)[0])


def _draw_para(self: Any, debug: int = 0) -> None:
    plan = _visual_plan(self) if needs_reordering(self) else None
    if plan is None:
        _original_draw_para(self, debug)
        return
    blPara, style, bullet = plan  # noqa: N806 - ReportLab's name
    saved = self.blPara, self.style, self.bulletText
    self.blPara, self.style = blPara, style
    if bullet:
        self.bulletText = None
    try:
        _original_draw_para(self, debug)
    finally:
        self.blPara, self.style, self.bulletText = saved
    if bullet:
        _draw_bullet_on_the_right(self, blPara, style)


def _line_pieces(line: Any) -> tuple[list[tuple[str, Any]], list[Any], str]:
    """A line's text pieces (objects as OBJECT), the frags that end it (a hard break), and
    the text that counts towards its direction (not the coloured labels: RAG badges)."""
    if isinstance(line, tuple):  # a paragraph in one font: (spare width, words)
        joined = " ".join(line[1])
        return [(joined, None)], [], joined
    from reportlab.platypus.paragraph import _FK_BREAK

    words = list(line.words)
    tail: list[Any] = []
    while words and getattr(words[-1], "_fkind", None) == _FK_BREAK:
        tail.insert(0, words.pop())
    pieces: list[tuple[str, Any]] = []
    counted: list[str] = []
    for word in words:
        if hasattr(word, "cbDefn"):
            pieces.append((OBJECT, word))
        else:
            pieces.append((word.text, word))
            if not getattr(word, "backColor", None):
                counted.append(word.text)
    return pieces, tail, "".join(counted)


def _visual_plan(para: Any) -> tuple[Any, Any, bool]:
    """The paragraph's lines in visual order, the style to draw them with, and whether the
    bullet goes on the right."""
    from reportlab.lib.enums import TA_LEFT, TA_RIGHT

    blPara = para.blPara  # noqa: N806 - ReportLab's name
    lines = [_line_pieces(line) for line in blPara.lines]
    # A contents entry draws its dot leader from where its text ends to the right margin
    # (an onDraw callback): it stays a left-to-right line with its right-to-left words turned.
    leader = any(hasattr(payload, "cbDefn") and getattr(payload.cbDefn, "kind", "") == "onDraw"
                 for pieces, _tail, _t in lines for _piece, payload in pieces)
    whole = 0 if leader else direction("".join(counted for _p, _t, counted in lines)) or 0
    blocks: list[tuple[list[int], int]] = []  # the lines between hard breaks, and direction
    block: list[int] = []
    for index, (_pieces, tail, _counted) in enumerate(lines):
        block.append(index)
        if tail or index == len(lines) - 1:
            found = None if leader else direction("".join(lines[i][2] for i in block))
            blocks.append((block, whole if found is None else found))
            block = []
    style = para.style
    turn = style.alignment == TA_LEFT and any(base for _block, base in blocks)
    mirrored = turn and whole == 1  # indents and the bullet change sides
    new_lines: list[Any] = []
    for block, base in blocks:
        visual = visual_lines([lines[i][0] for i in block], base)
        for index, runs in zip(block, visual, strict=True):
            line = blPara.lines[index]
            if isinstance(line, tuple):
                extra = line[0] if base or not turn else 0.0
                new_lines.append((extra, runs[0][0].split(" ") if runs else []))
                continue
            words = [payload if hasattr(payload, "cbDefn") else payload.clone(text=text)
                     for text, payload in runs]
            if not words and not lines[index][1]:  # the last word ends the line when drawn
                words = [line.words[0].clone(text="")]
            extra = line.extraSpace if base or not turn else 0.0
            new_lines.append(line.clone(words=words + lines[index][1], extraSpace=extra))
    if turn:  # right-to-left lines align right, the others stay left (no spare width)
        style = style.clone(style.name, alignment=TA_RIGHT)
    if mirrored:
        style = style.clone(style.name, leftIndent=para.style.rightIndent,
                            rightIndent=para.style.leftIndent, firstLineIndent=0)
    return blPara.clone(lines=new_lines), style, mirrored and bool(para.bulletText)


def _draw_bullet_on_the_right(para: Any, blPara: Any, style: Any) -> None:  # noqa: N803
    from reportlab.platypus.paragraph import _drawBullet
    from reportlab.rl_config import paraFontSizeHeightOffset

    first = blPara if blPara.kind == 0 else blPara.lines[0]
    size = first.fontSize
    cur_y = para.height - (size if paraFontSizeHeightOffset else getattr(first, "ascent", size))
    # ReportLab's right-to-left bullet: it ends bulletIndent from the right edge
    _drawBullet(para.canv, 0, cur_y, para.bulletText, style,
                rtl=[para.width - style.rightIndent])
