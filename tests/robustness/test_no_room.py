"""A write that fails for want of room or permission loses nothing already saved, says so in
plain words, and leaves the copy readable but read-only."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from csa_desktop.cli import main
from csa_desktop.errors import StoreError
from csa_desktop.services.copy import Copy
from tests.helpers import dump
from tests.robustness.faults import WriteCounter, import_like, injected


def writes_of(demo_dir: Path, operation: Any) -> int:
    with Copy.open(demo_dir) as copy, injected(copy.store.engine, WriteCounter()) as counter:
        operation(copy)
    return counter.count


def delete_a_partnership(copy: Copy) -> None:
    partnership = next(p for p in copy.records.list_kind("partnership")
                       if p.title == "West Lancashire CSP")
    copy.records.delete(partnership.uid)


@pytest.mark.slow  # the real import has a quick every-write test in test_import_faults.py
@pytest.mark.parametrize("operation", [import_like, delete_a_partnership],
                         ids=["import-like", "delete-with-children"])
def test_a_full_disk_at_any_write_of_a_multi_row_operation_leaves_the_copy_unchanged(
        demo_template, tmp_path, operation):
    import shutil

    probe_dir = tmp_path / "probe"
    probe_dir.mkdir()
    shutil.copy2(demo_template / "csa.sqlite3", probe_dir)
    total = writes_of(probe_dir, operation)
    assert total > 50  # the operation is many writes, and the commit is one of them

    folder = tmp_path / "copy"
    folder.mkdir()
    shutil.copy2(demo_template / "csa.sqlite3", folder)
    before = dump(folder)
    for nth in range(1, total + 1):
        with Copy.open(folder) as copy:
            counter = WriteCounter(fail_at=nth)
            with injected(copy.store.engine, counter), pytest.raises(StoreError) as failed:
                operation(copy)
            assert counter.failed, nth
            assert "this change was not saved because the disk is full" in str(failed.value)
            assert copy.store.read_only
            assert copy.records.list_kind("area")  # still readable
        assert dump(folder) == before, f"write {nth} of {total} left a change behind"
    with Copy.open(folder) as copy:  # room again: the same operation now goes through
        operation(copy)
    assert dump(folder) != before
    assert main(["--data-dir", str(folder), "check"]) == 0


def test_a_really_full_database_file_reports_a_full_disk_and_keeps_what_was_saved(demo_dir):
    def no_room_to_grow(dbapi_connection: Any, _record: Any) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    with Copy.open(demo_dir) as copy:
        uid = copy.records.list_kind("section")[0].uid
        copy.records.update(uid, {"title": "Saved before the disk filled"})
        before = dump(demo_dir)
        copy.store.engine.dispose()
        event.listen(copy.store.engine, "connect", no_room_to_grow)
        with pytest.raises(StoreError) as failed:
            copy.records.update(uid, {"body": "A long new text. " * 5_000})
        assert isinstance(failed.value.__cause__.orig, sqlite3.OperationalError)  # type: ignore[union-attr]
        assert failed.value.__cause__.orig.sqlite_errorname == "SQLITE_FULL"  # type: ignore[union-attr]
        assert "the disk is full" in str(failed.value)
        assert "Everything saved before it is safe" in str(failed.value)
        with pytest.raises(StoreError, match="read-only until you free some space"):
            copy.records.update(uid, {"title": "Tiny"})
        assert copy.records.get(uid).title == "Saved before the disk filled"
    assert dump(demo_dir) == before
    with Copy.open(demo_dir) as copy:
        assert copy.check() == []


def test_the_read_only_switch_is_announced_to_listeners(demo_dir):
    heard: list[str] = []
    with Copy.open(demo_dir) as copy:
        copy.store.on_read_only(heard.append)
        uid = copy.records.list_kind("section")[0].uid
        with injected(copy.store.engine, WriteCounter(fail_at=1)), pytest.raises(StoreError):
            copy.records.update(uid, {"title": "Never saved"})
        with pytest.raises(StoreError):
            copy.records.update(uid, {"title": "Also refused"})
    assert len(heard) == 1 and "disk is full" in heard[0]


@pytest.mark.parametrize(("error", "words"), [
    (lambda: sqlite3.OperationalError("attempt to write a readonly database"),
     "may not write to this copy"),
    (lambda: sqlite3.OperationalError("disk I/O error"), "the disk reported an error"),
])
def test_a_folder_turned_read_only_or_a_failing_disk_gives_a_plain_message_from_the_cli(
        demo_dir, capsys, monkeypatch, error, words):
    with Copy.open(demo_dir) as copy:
        uid = copy.records.list_kind("section")[0].uid
    before = dump(demo_dir)
    from csa_desktop.storage import database

    real_make_engine = database.make_engine

    def failing_engine(path: Path, *, read_only: bool = False) -> Any:
        engine = real_make_engine(path, read_only=read_only)
        event.listen(engine, "before_cursor_execute",
                     WriteCounter(fail_at=1, error=error).before_cursor_execute)
        return engine

    monkeypatch.setattr(database, "make_engine", failing_engine)
    assert main(["--data-dir", str(demo_dir), "set", uid, "title=Never saved"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("csa: this change was not saved") and words in err
    assert err.count("\n") == 1 and "Traceback" not in err
    monkeypatch.undo()
    assert dump(demo_dir) == before
