"""The large-copy generator and a tiny benchmark run (no timing assertions)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from csa_desktop.cli import main as csa
from csa_desktop.services.copy import Copy
from csa_desktop.services.generate import generate_copy

ROOT = Path(__file__).resolve().parents[1]


def generated_content(folder: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(folder / "csa.sqlite3")
    try:
        return conn.execute(
            "SELECT uid, title, status, rag, position, start_on, due_on FROM actions "
            "WHERE updated_by = 'Benchmark generator' ORDER BY uid").fetchall()
    finally:
        conn.close()


def test_generate_adds_the_asked_numbers_of_records_and_the_copy_passes_check(tmp_path, capsys):
    folder = tmp_path / "large"
    code = csa(["dev", "generate", "--out", str(folder), "--actions", "120", "--evidence", "30",
                "--partnerships", "4", "--updates-per-action", "2"])
    assert code == 0
    assert "generated a copy" in capsys.readouterr().out
    with Copy.open(folder) as copy:
        info = copy.info()
        plans = copy.records.list_kind("local-plan")
        assert copy.check() == []
    demo_counts = {"action": 25, "progress-update": 40, "evidence-item": 17}
    assert info.counts["action"] == demo_counts["action"] + 120
    assert info.counts["progress-update"] == demo_counts["progress-update"] + 240
    assert info.counts["evidence-item"] == demo_counts["evidence-item"] + 30
    generated = [p for p in plans if "[generated]" in p.title]
    assert len(generated) == 4
    assert csa(["--data-dir", str(folder), "check"]) == 0


def test_generate_spreads_actions_over_every_generated_plan_in_order(tmp_path):
    result = generate_copy(tmp_path / "c", actions=50, evidence=0, partnerships=3,
                           updates_per_action=0)
    assert result.added["action"] == 50
    with Copy.open(tmp_path / "c") as copy:
        plans = [p for p in copy.records.list_kind("local-plan") if "[generated]" in p.title]
        per_plan = [copy.records.list_kind("action", where={"plan_uid": p.uid}) for p in plans]
    assert sorted(len(actions) for actions in per_plan) == [16, 17, 17]
    for actions in per_plan:
        positions = [a["position"] for a in actions]
        assert positions == sorted(positions) and len(set(positions)) == len(positions)


def test_generate_makes_more_partnerships_than_the_demo_has_when_asked(tmp_path):
    result = generate_copy(tmp_path / "c", actions=40, evidence=0, partnerships=16,
                           updates_per_action=0)
    assert result.added["partnership"] == 2
    assert result.added["local-plan"] == 16
    with Copy.open(tmp_path / "c") as copy:
        assert copy.check() == []


def test_generate_with_the_same_seed_gives_the_same_records(tmp_path):
    for name in ("a", "b"):
        generate_copy(tmp_path / name, actions=40, evidence=5, partnerships=2, seed=7)
    generate_copy(tmp_path / "other", actions=40, evidence=5, partnerships=2, seed=8)
    assert generated_content(tmp_path / "a") == generated_content(tmp_path / "b")
    assert generated_content(tmp_path / "a") != generated_content(tmp_path / "other")


def test_generate_refuses_an_existing_copy_and_bad_sizes(tmp_path, demo_dir, capsys):
    assert csa(["dev", "generate", "--out", str(demo_dir), "--actions", "5"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert csa(["dev", "generate", "--out", str(tmp_path / "x"), "--actions", "-1"]) == 2
    assert csa(["dev", "generate", "--out", str(tmp_path / "y"),
                "--updates-per-action", "5"]) == 2
    assert "at most 4" in capsys.readouterr().err
    assert not (tmp_path / "x" / "csa.sqlite3").exists()


@pytest.mark.slow
def test_quick_benchmark_run_writes_a_report_with_every_case(tmp_path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run as bench
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    report = tmp_path / "benchmarks.md"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--actions", "60",
         "--evidence", "10", "--partnerships", "2", "--contribution", "10", "--bundles", "2",
         "--bundle-changes", "5", "--report", str(report),
         "--work", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    text = report.read_text(encoding="utf-8")
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ")
            for line in text.splitlines() if (line.startswith("| ") and " ms |" in line)
            or line.startswith("| Peak memory")}
    for case in bench.make_cases(bench.Sizes(contribution=10, bundles=2, bundle_changes=5)):
        assert case.name in rows, f"{case.name} missing from the report"
        median = rows[case.name][1]
        assert median != "—", f"{case.name} was not measured"
    assert "not measured" not in text
    for heading in ("| CPU |", "| cores |", "| Python |", "| Qt |", "| SQLAlchemy |",
                    "| ReportLab |", "| SQLite |"):
        assert heading in text
    assert "Cold start to first paint, demo copy" in done.stdout


@pytest.mark.slow
def test_scaling_run_writes_its_table_into_its_own_block_and_keeps_the_report(tmp_path):
    report = tmp_path / "benchmarks.md"
    report.write_text("# Benchmarks\n\nkept above\n\n## What was slow, why, and what was done\n"
                      "\nkept below\n", encoding="utf-8")
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--scaling", "--quick",
               "--actions", "40", "--evidence", "5", "--partnerships", "2", "--bundles", "2",
               "--report", str(report), "--work", str(tmp_path / "work")]
    for _run in range(2):  # the second run replaces the block of the first
        done = subprocess.run(command, capture_output=True, text=True, timeout=600,
                              check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    text = report.read_text(encoding="utf-8")
    assert text.count("<!-- scaling: generated") == 1
    assert text.count("## How cost grows") == 1
    assert text.index("kept above") < text.index("## How cost grows") < text.index(
        "## What was slow") < text.index("kept below")
    block = text.split("<!-- scaling: generated", 1)[1].split("<!-- end of scaling -->")[0]
    rows = [line for line in block.splitlines() if line.startswith("| ") and " ms |" in line]
    assert [row.split(" | ")[1] for row in rows] == [
        "10 changes", "40 changes", "160 changes", *(row.split(" | ")[1] for row in rows[3:])]
    assert len(rows) == 6
    assert all("µs a change" in row for row in rows[:3])
    assert all("µs a record" in row for row in rows[3:])
    added = [row.split(" | ")[4] for row in rows]  # the cost of each unit added
    assert added[0] == added[3] == ""
    assert all("µs a change" in cell for cell in added[1:3])
    assert all("µs a record" in cell for cell in added[4:])
    joined = [int(row.split(" | ")[1].split()[0].replace(",", "")) for row in rows[3:]]
    assert joined[0] < joined[1] < joined[2]  # baselines of 1×, 2× and 4× the copy
    assert rows[2].split(" | ")[-1].strip(" |") in ("yes", "NO")
    assert "| import and merge" in done.stdout
