"""Fallback fonts for the scripts the shipped fonts lack (Chinese, Japanese, Korean, …): found
on the system when a text first needs one, embedded as a subset of the glyphs used; and a note
of every character no font here can print, so the print says so instead of drawing a box.

The shipped DejaVu Sans covers Latin, Greek, Cyrillic and much else; Amiri sets Arabic script
(printing.common). For any other character, the system's fonts are asked: fontconfig's
`fc-match` for a font with that character (Linux, and macOS where fontconfig is installed),
then a few known paths (Debian's fonts-droid-fallback and fonts-wqy-zenhei, Windows' and
macOS's own CJK fonts). Only TrueType outlines can be embedded by ReportLab; a font it cannot
read (CFF-based OpenType, as Noto CJK) is passed over.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import threading
import unicodedata
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

log = logging.getLogger(__name__)

ENV_VAR = "CSA_FALLBACK_FONTS"
"""A list of font files (os.pathsep between them) to use instead of looking for them: for a
council whose machines keep fonts elsewhere, and for tests."""

KNOWN_FILES = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "C:/Windows/Fonts/msyh.ttc", "C:/Windows/Fonts/simsun.ttc", "C:/Windows/Fonts/msgothic.ttc",
    "C:/Windows/Fonts/malgun.ttf", "C:/Windows/Fonts/Nirmala.ttf", "C:/Windows/Fonts/seguisym.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf",
)
NAME_PREFIX = "CSAFallback"


@dataclass(frozen=True)
class Unprintable:
    """A character no font can print, and the start of the text it is in."""

    character: str
    where: str

    def __str__(self) -> str:
        name = unicodedata.name(self.character, "")
        code = f"U+{ord(self.character):04X}"
        return f"{code}{' ' + name if name else ''} in “{self.where}”"


_NOTES: ContextVar[list[Unprintable] | None] = ContextVar("csa_unprintable", default=None)


@contextlib.contextmanager
def noting_unprintable() -> Iterator[list[Unprintable]]:
    """Collect, while a document is built, the characters that print as nothing."""
    notes: list[Unprintable] = []
    token = _NOTES.set(notes)
    try:
        yield notes
    finally:
        _NOTES.reset(token)


def note_unprintable(character: str, text: str) -> None:
    notes = _NOTES.get()
    if notes is None or any(n.character == character for n in notes):
        return
    where = " ".join(text.split())
    notes.append(Unprintable(character, where if len(where) <= 40 else where[:39] + "…"))


def unprintable_message(notes: list[Unprintable], limit: int = 5) -> str:
    """One sentence naming what could not be printed ("" when all could)."""
    if not notes:
        return ""
    shown = "; ".join(str(n) for n in notes[:limit])
    more = f" and {len(notes) - limit} more" if len(notes) > limit else ""
    return (f"{len(notes)} character{'s' if len(notes) != 1 else ''} could not be printed "
            f"(no font on this computer has {'them' if len(notes) != 1 else 'it'}; they are "
            f"left out): {shown}{more}. Installing a font for that script (on Linux, for "
            "example fonts-noto or fonts-wqy-zenhei) prints them")


class FallbackFonts:
    """The fonts found for characters the shipped fonts lack, registered with ReportLab
    under NAME_PREFIX-N as they are first needed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fonts: list[tuple[str, frozenset[int]]] = []  # (registered name, its cmap)
        self._tried: set[str] = set()  # font files looked at (usable or not)
        self._found: dict[str, str | None] = {}  # character -> font name, or None: no font
        self._listed = False

    def font_for(self, character: str) -> str | None:
        """The name of a registered fallback font that has `character`, or None."""
        if character in self._found:
            return self._found[character]
        with self._lock:
            found = self._search(character)
            self._found[character] = found
        return found

    def _search(self, character: str) -> str | None:
        code = ord(character)
        for name, cmap in self._fonts:
            if code in cmap:
                return name
        for path in self._candidates(code):
            loaded = self._load(path)
            if loaded is not None and code in self._fonts[-1][1]:
                return loaded
        return None

    def _candidates(self, code: int) -> Iterator[str]:
        configured = os.environ.get(ENV_VAR)
        if configured is not None:
            yield from (p for p in configured.split(os.pathsep) if p)
            return
        matched = _fc_match(code)
        if matched:
            yield matched
        if not self._listed:
            self._listed = True
            yield from (p for p in KNOWN_FILES if Path(p).is_file())

    def _load(self, path: str) -> str | None:
        """Register the font at `path` (once); its name, or None if it cannot be used."""
        if path in self._tried:
            return None
        self._tried.add(path)
        name = f"{NAME_PREFIX}-{len(self._fonts) + 1}"
        try:
            font = TTFont(name, path, subfontIndex=0) if path.lower().endswith(
                (".ttc", ".otc")) else TTFont(name, path)
        except (TTFError, OSError, ValueError, KeyError, IndexError) as exc:
            log.info("fallback font %s cannot be used: %s", path, exc)
            return None
        pdfmetrics.registerFont(font)
        pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name,
                                      boldItalic=name)
        self._fonts.append((name, frozenset(font.face.charToGlyph)))
        log.info("fallback font %s: %s", name, path)
        return name


def _fc_match(code: int) -> str | None:
    """The file of the font fontconfig picks for the character (it may lack it: the caller
    checks), or None without fontconfig."""
    program = shutil.which("fc-match")
    if program is None:
        return None
    try:
        result = subprocess.run([program, "-f", "%{file}", f"sans-serif:charset={code:x}"],
                                capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    path = result.stdout.strip()
    return path if result.returncode == 0 and path else None


FALLBACKS = FallbackFonts()
