"""Crash safety: an import killed with SIGKILL at any moment leaves the copy exactly as it was
before or exactly as it is after the import, and the copy passes its check."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from csa_desktop.domain.kinds import KINDS
from tests.bundle.builders import csa
from tests.merge.conftest import Lab

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")]

TRIALS = 20
TABLES = [spec.table for spec in KINDS.values()]


def content(folder: Path) -> tuple[object, ...]:
    """Everything an import changes, without the clock (updated_at, at, processed_at)."""
    conn = sqlite3.connect(folder / "csa.sqlite3")
    try:
        records = []
        for table in TABLES:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")
                       if row[1] != "updated_at"]
            records.append(conn.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY uid").fetchall())
        return (tuple(map(tuple, records)),
                conn.execute("SELECT bundle_id, status FROM bundle_log ORDER BY 1").fetchall(),
                conn.execute("SELECT count(*) FROM change_records").fetchone(),
                conn.execute("SELECT uid, data FROM merge_states ORDER BY 1").fetchall(),
                conn.execute("SELECT record_uid, field, status FROM conflicts "
                             "ORDER BY 1, 2").fetchall())
    finally:
        conn.close()


def command(folder: Path, bundle: Path) -> list[str]:
    code = "import sys; from csa_desktop.cli import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", code, "--data-dir", str(folder), "import", str(bundle)]


def test_an_import_killed_at_any_moment_leaves_the_before_or_the_after_state(lab: Lab):
    west, skem, _ = lab.districts
    changes = [lab.create(title=f"Generated action {i}", rag="amber") for i in range(1500)]
    changes += [lab.update(uid, partners="Fire and rescue") for uid in lab.actions]
    big = lab.bundle(west, changes)
    other = lab.bundle(skem, [lab.update(uid, partners="Police") for uid in lab.actions])
    assert csa(lab.lead, "import", str(other)) == 0  # conflicts will arise too
    before = content(lab.lead)

    reference = lab.fresh_lead("reference")
    started = time.perf_counter()
    subprocess.run(command(reference, big), check=True, capture_output=True)
    duration = time.perf_counter() - started
    after = content(reference)
    assert after != before

    # the kills are spread over the whole run and past its usual end; a loaded machine runs
    # some trials slower (or faster) than the reference, so where one outcome has not occurred
    # yet, more trials follow, later (or earlier), until both have
    delays = [duration * 1.6 * (trial + 0.5) / TRIALS for trial in range(TRIALS)]
    seen = {"before": 0, "after": 0}
    trial = 0
    while trial < len(delays):
        folder = lab.fresh_lead(f"trial-{trial}")
        process = subprocess.Popen(command(folder, big), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delays[trial])
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert csa(folder, "check") == 0, f"trial {trial}"
        state = content(folder)
        assert state in (before, after), f"trial {trial} left a state in between"
        seen["before" if state == before else "after"] += 1
        trial += 1
        if trial == len(delays) and len(delays) < 3 * TRIALS:
            if not seen["after"]:
                delays.append(delays[-1] * 1.5)
            elif not seen["before"]:
                delays.append(min(delays) / 2)
    assert seen["before"] and seen["after"], seen
