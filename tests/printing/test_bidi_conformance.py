"""Our bidirectional algorithm (printing/bidi.py) against the Unicode conformance data,
BidiCharacterTest.txt (Debian's unicode-data package; CI installs it).

The subset checked is every line but two kinds, which the prints handle on purpose in their own
way: lines whose paragraph direction is "auto" (a block of user text takes the direction its
letters *mainly* have, not its first strong letter's: bidi.direction), and lines with explicit
embedding or isolate controls (inline() removes user text's own controls and marks each field
as an isolate). Everything else, 91,600 lines of Unicode 15's data, must give the same levels
and the same visual order."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from csa_desktop.printing import bidi

DATA = Path("/usr/share/unicode/BidiCharacterTest.txt")
EXPLICIT = re.compile("[\u202a-\u202e\u2066-\u2069]")


def conformance_cases() -> list[tuple[int, str, int, list[str], list[int]]]:
    if not DATA.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{DATA} is missing: CI installs the unicode-data package")
        pytest.skip(f"{DATA} is missing (apt install unicode-data)")
    cases = []
    for number, line in enumerate(DATA.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        points, direction, _level, levels, order = line.split(";")
        text = "".join(chr(int(point, 16)) for point in points.split())
        if direction == "2" or EXPLICIT.search(text):
            continue
        cases.append((number, text, int(direction), levels.split(),
                      [int(i) for i in order.split()]))
    return cases


def test_levels_and_visual_order_match_the_unicode_conformance_data():
    cases = conformance_cases()
    assert len(cases) > 90_000  # the subset is the data, not a handful of lines
    wrong = []
    for number, text, base, expected, order in cases:
        got = bidi.levels(text, base)
        shown = [i for i in bidi.visual_order(got) if expected[i] != "x"]
        if any(e not in ("x", str(g)) for e, g in zip(expected, got, strict=True)) or (
                shown != order):
            wrong.append((number, " ".join(f"{ord(c):04X}" for c in text), base))
    assert not wrong, f"{len(wrong)} lines differ, the first: {wrong[:5]}"


def test_canonically_equivalent_angle_brackets_pair():
    """BD16: U+2329 pairs with U+3009 as with U+232A (a line of the data that failed)."""
    text = "\u05d0 \u2329\u05d1.1\u3009"
    assert bidi.levels(text, 0) == [1, 1, 1, 1, 1, 2, 1]
