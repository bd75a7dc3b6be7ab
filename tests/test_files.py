"""Files the user asks for are written whole or not at all, with ordinary permissions."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from csa_desktop.errors import InputError
from csa_desktop.files import write_atomically


def test_a_written_file_replaces_the_old_one_and_gets_umask_permissions(tmp_path: Path):
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"old")
    old_mask = os.umask(0o022)
    try:
        write_atomically(b"new", target)
    finally:
        os.umask(old_mask)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pdf"]


def test_writing_into_a_missing_folder_names_the_folder_and_writes_nothing(tmp_path: Path):
    with pytest.raises(InputError, match="does not exist"):
        write_atomically(b"x", tmp_path / "nowhere" / "plan.pdf")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path, monkeypatch):
    target = tmp_path / "tracker.xlsx"
    target.write_bytes(b"old")

    def refuse(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(Exception, match="No space left"):
        write_atomically(b"new", target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["tracker.xlsx"]


def test_the_user_guide_in_docs_is_the_one_shown_in_the_app():
    root = Path(__file__).resolve().parents[1]
    in_app = (root / "resources" / "guide" / "user-guide.md").read_text("utf-8")
    for image in ("welcome.png", "join.png"):
        assert f"]({image})" in in_app
        assert (root / "resources" / "guide" / image).is_file()
        in_app = in_app.replace(f"]({image})", f"](screenshots/{image})")
    assert (root / "docs" / "user-guide.md").read_text("utf-8") == in_app
