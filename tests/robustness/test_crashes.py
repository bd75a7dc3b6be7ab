"""SIGKILL at any moment of an edit, an import, a restore or a backup leaves a copy that opens
and passes `csa check`, and keeps every change that was reported saved before the kill.

Each trial forks a process (a separate process, sharing nothing open with the test) that
edits the copy through the services in a loop and reports each saved change on a pipe; the
test kills it with SIGKILL at a random moment, then checks the copy."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from csa_desktop.cli import main
from csa_desktop.services import backups, safety
from csa_desktop.services.copy import Copy
from csa_desktop.storage import backups as stored_backups
from csa_desktop.storage.database import schema_revision
from csa_desktop.storage.migrations import HEAD_REVISION, KNOWN_REVISIONS
from tests.helpers import dump
from tests.robustness.faults import import_like

pytestmark = pytest.mark.skipif(sys.platform == "win32" or not hasattr(os, "fork"),
                                reason="SIGKILL and fork are POSIX")

Report = Callable[[str], None]
QUICK_TRIALS = 4
SLOW_TRIALS = 30


def killed_at_random(work: Callable[[Report], None], delay: float) -> list[str]:
    """Run `work` in a forked process, SIGKILL it after `delay` seconds; its reported lines."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: work until killed
        os.close(read_fd)
        code = 0
        try:
            work(lambda line: os.write(write_fd, f"{line}\n".encode()) and None)
        except BaseException as exc:  # reported, then the parent fails the test
            os.write(write_fd, f"error {type(exc).__name__}: {exc}\n".encode())
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and os.waitpid(pid, os.WNOHANG) == (0, 0):
        time.sleep(0.005)  # the child may end sooner (e.g. it killed itself)
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    chunks = []
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    lines = b"".join(chunks).decode().splitlines()
    assert not [line for line in lines if line.startswith("error")], lines
    return lines


def edit_forever(folder: Path) -> Callable[[Report], None]:
    def work(report: Report) -> None:
        copy = safety.open_for_gui(folder)  # lock, daily backup, as the GUI starts
        section = copy.records.list_kind("section")[0].uid
        plan = copy.records.list_kind("local-plan")[0].uid
        report("ready")
        for n in range(1, 100_000):
            copy.records.update(section, {"body": f"edit {n}\n" + "Text of the section. " * n})
            report(f"saved {n}")
            if n % 3 == 0:
                created = copy.records.create("action", {"plan_uid": plan, "title": f"A{n}"})
                copy.records.delete(created.created[0][1])
            if n % 5 == 0:
                import_like(copy)

    return work


def assert_sound(folder: Path) -> None:
    assert main(["--data-dir", str(folder), "check"]) == 0
    with Copy.open(folder) as copy:  # opens, and can be written again
        uid = copy.records.list_kind("area")[0].uid
        copy.records.update(uid, {"place_group": "After the crash"})


def run_edit_trials(demo_template: Path, tmp_path: Path, trials: int, seed: int) -> None:
    chance = random.Random(seed)
    for trial in range(trials):
        folder = tmp_path / f"trial-{trial}"
        folder.mkdir()
        shutil.copy2(demo_template / "csa.sqlite3", folder)
        lines = killed_at_random(edit_forever(folder), chance.uniform(0.0, 1.5))
        saved = [int(line.split()[1]) for line in lines if line.startswith("saved")]
        with Copy.open(folder) as copy:
            body = str(copy.records.list_kind("section")[0].fields["body"])
        if saved:  # every change reported saved survived; at most one more was saved
            kept = int(body.split("\n", 1)[0].split()[1])
            assert saved[-1] <= kept <= saved[-1] + 1, (seed, trial, saved[-1], kept)
        assert_sound(folder)


def test_sigkill_during_edits_leaves_a_sound_copy_with_every_saved_change(demo_template,
                                                                          tmp_path):
    run_edit_trials(demo_template, tmp_path, QUICK_TRIALS, seed=int(time.time()))


@pytest.mark.slow
def test_sigkill_at_random_moments_of_edits_and_imports_many_times(demo_template, tmp_path):
    run_edit_trials(demo_template, tmp_path, SLOW_TRIALS, seed=int(time.time()))


def test_sigkill_during_the_first_start_still_gives_a_copy_that_opens(tmp_path):
    chance = random.Random(int(time.time()))
    for trial in range(QUICK_TRIALS):
        folder = tmp_path / f"trial-{trial}"

        def first_start(report: Report, folder: Path = folder) -> None:
            safety.open_for_gui(folder)  # builds the demo copy: migrations, then the data
            report("ready")
            time.sleep(60)

        killed_at_random(first_start, chance.uniform(0.05, 1.2))
        safety.open_for_gui(folder).close()  # the next start works
        assert_sound(folder)


@pytest.fixture(scope="session")
def old_demo_template(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo copy as the first released schema had it (migrated down)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    folder = tmp_path_factory.mktemp("old-demo")
    shutil.copy2(demo_template / "csa.sqlite3", folder)
    engine = create_engine(f"sqlite:///{folder / 'csa.sqlite3'}")
    config = Config()
    config.set_main_option("script_location", "csa_desktop.storage:migrations")
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, KNOWN_REVISIONS[0])
        connection.commit()
    engine.dispose()
    return folder


@pytest.mark.skipif(len(KNOWN_REVISIONS) < 2, reason="no upgrade to interrupt yet")
def test_sigkill_during_an_upgrade_leaves_the_old_or_the_new_schema_never_half(
        old_demo_template, tmp_path):
    chance = random.Random(int(time.time()))
    for trial in range(QUICK_TRIALS):
        folder = tmp_path / f"trial-{trial}"
        folder.mkdir()
        shutil.copy2(old_demo_template / "csa.sqlite3", folder)

        def upgrade(report: Report, folder: Path = folder) -> None:
            Copy.open(folder).close()  # backs up, then migrates to the newest schema
            report("upgraded")
            time.sleep(60)

        killed_at_random(upgrade, chance.uniform(0.0, 0.5))
        assert schema_revision(folder / "csa.sqlite3") in (KNOWN_REVISIONS[0], HEAD_REVISION)
        assert_sound(folder)
        with Copy.open(folder) as copy:
            assert len(copy.records.list_kind("area")) == 14


@pytest.mark.slow
def test_sigkill_at_every_step_of_an_upgrade_leaves_the_old_or_the_new_schema(
        old_demo_template, tmp_path, monkeypatch):
    """Deterministic companion of the random kills: the upgrading process kills itself just
    before its k-th SQL statement, for k spread over the whole upgrade."""
    from sqlalchemy import event

    from csa_desktop.storage import database

    real_make_engine = database.make_engine
    statements: list[str] = []

    def counting_engine(path: Path, *, read_only: bool = False) -> Any:
        engine = real_make_engine(path, read_only=read_only)
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        return engine

    probe = tmp_path / "probe"
    probe.mkdir()
    shutil.copy2(old_demo_template / "csa.sqlite3", probe)
    monkeypatch.setattr(database, "make_engine", counting_engine)
    Copy.open(probe).close()
    total = len(statements)
    assert total > 20

    for k in sorted({*range(1, total + 1, max(1, total // 12)), total}):
        folder = tmp_path / f"kill-at-{k}"
        folder.mkdir()
        shutil.copy2(old_demo_template / "csa.sqlite3", folder)

        def upgrade(report: Report, folder: Path = folder, k: int = k) -> None:
            seen = [0]

            def die_at_k(*_args: Any) -> None:
                seen[0] += 1
                if seen[0] == k:
                    os.kill(os.getpid(), signal.SIGKILL)

            def dying_engine(path: Path, *, read_only: bool = False) -> Any:
                engine = real_make_engine(path, read_only=read_only)
                event.listen(engine, "before_cursor_execute", die_at_k)
                return engine

            database.make_engine = dying_engine  # type: ignore[assignment]  # child only
            Copy.open(folder).close()
            report("upgraded")
            time.sleep(60)

        killed_at_random(upgrade, 3.0)
        revision = schema_revision(folder / "csa.sqlite3")
        assert revision in (KNOWN_REVISIONS[0], HEAD_REVISION), (k, total, revision)
        assert_sound(folder)


@pytest.mark.slow
def test_sigkill_during_restores_leaves_the_old_or_the_restored_copy(demo_dir, tmp_path):
    first = backups.create_backup(demo_dir)
    with Copy.open(demo_dir) as copy:
        uid = copy.records.list_kind("section")[0].uid
        copy.records.update(uid, {"title": "The second state"})
    second = backups.create_backup(demo_dir)
    states = {dump_of(first.path), dump_of(second.path)}

    def restore_forever(report: Report) -> None:
        for n in range(100_000):
            backups.restore_backup(demo_dir, (first, second)[n % 2].id)
            report(f"restored {n}")

    chance = random.Random(int(time.time()))
    for _ in range(8):
        killed_at_random(restore_forever, chance.uniform(0.0, 1.0))
        assert dump(demo_dir) in states
        assert main(["--data-dir", str(demo_dir), "check"]) == 0
        for backup in backups.list_backups(demo_dir):  # killed backups never look whole
            assert stored_backups.file_problems(backup.path) == [], backup.id


def dump_of(database: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(database)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()
