"""Scripts the shipped fonts lack print through a system fallback font, embedded as a subset;
a character no font has is left out and named in the print's message, never drawn as a box."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from csa_desktop.printing.fonts import FALLBACKS
from csa_desktop.services.copy import Copy
from csa_desktop.services.documents import print_document
from tests.bundle.builders import csa
from tests.printing.pdfcheck import fonts, text

CHINESE = "社区安全伙伴关系"  # "community safety partnership"
CUNEIFORM = "\U00012000"  # no font on a desktop computer has it

needs_cjk_font = pytest.mark.skipif(
    FALLBACKS.font_for("社") is None,
    reason="no CJK font on this machine (Debian: apt-get install fonts-droid-fallback)")


def _fallbacks(used: dict[str, bool]) -> list[str]:
    """The fonts of a print other than the shipped ones (DejaVu Sans, Amiri)."""
    return [name for name in used if "DejaVu" not in name and "Amiri" not in name]


def _title(copy: Copy, title: str) -> None:
    section = copy.records.list_kind("section")[0]
    copy.records.update(section.uid, {"body": f"## {title}\n\nThe text of {title}."})


@needs_cjk_font
def test_chinese_text_prints_in_an_embedded_fallback_font(demo_copy: Copy):
    _title(demo_copy, CHINESE)
    printed = print_document(demo_copy, "agreement")
    assert CHINESE in text(printed.data)
    used = fonts(printed.data)
    fallback = _fallbacks(used)
    assert fallback and all(used[name] for name in fallback)  # embedded
    assert all(re.match(r"^/[A-Z]{6}\+", name) for name in fallback)  # as a subset
    assert printed.message == ""


@needs_cjk_font
def test_only_the_glyphs_used_are_embedded(demo_copy: Copy):
    _title(demo_copy, CHINESE)
    size = len(print_document(demo_copy, "agreement").data)
    font_file = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
    if font_file.is_file():
        assert size < font_file.stat().st_size / 4  # a subset, not the 4 MB font


def test_a_character_no_font_has_is_named_in_the_message_not_printed_as_a_box(
        demo_copy: Copy):
    _title(demo_copy, f"Tablet {CUNEIFORM} sign")
    printed = print_document(demo_copy, "agreement")
    assert "1 character could not be printed" in printed.message
    assert "U+12000 CUNEIFORM SIGN A in “Tablet" in printed.message
    assert CUNEIFORM not in text(printed.data)
    assert "Tablet sign" in " ".join(text(printed.data).split())


def test_csa_print_says_which_character_could_not_be_printed(
        demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    with Copy.open(demo_dir) as copy:
        _title(copy, f"Tablet {CUNEIFORM} sign")
    out = tmp_path / "agreement.pdf"
    assert csa(demo_dir, "print", "agreement", "--out", str(out)) == 0
    captured = capsys.readouterr()
    assert out.is_file()
    assert "note: 1 character could not be printed" in captured.err
    assert "U+12000" in captured.err


def test_text_the_shipped_fonts_cover_needs_no_fallback(demo_copy: Copy):
    printed = print_document(demo_copy, "agreement")
    assert not _fallbacks(fonts(printed.data))
    assert printed.message == ""
