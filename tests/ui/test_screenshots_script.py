"""`./run screenshots` re-takes every screenshot README shows, from the real windows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]


def test_the_script_retakes_every_screenshot_the_readme_shows(qapp, tmp_path):
    from tools.screenshots import take

    shown = set(re.findall(r"docs/screenshots/([\w-]+\.png)", (ROOT / "README.md").read_text()))
    written = {path.name for path in take(tmp_path / "shots")}
    assert shown <= written
    assert all((tmp_path / "shots" / name).stat().st_size > 10_000 for name in shown)
