"""Making a copy in one step on the command line: join from the lead's baseline (an unknown
partnership refused with the list, no copy made), one lineage and one agreement per copy,
contributions named for their partnership, and quiet output into a closed pipe."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from csa_desktop import paths
from csa_desktop.cli import main
from csa_desktop.domain.roles import Role
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.new_copy import CountyFacts, join_partnership, start_county
from csa_desktop.services.sync import SyncService
from tests.helpers import dump


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def test_init_with_a_baseline_joins_the_partnership_in_one_step(tmp_path, published, capsys):
    lead_dir, baseline = published
    district = tmp_path / "west"
    assert csa(district, "init", "--role", "district", "--partnership", "west lancashire csp",
               "--baseline", str(baseline), "--name", "Jo Bloggs") == 0
    out = capsys.readouterr().out
    assert "check this fingerprint with the county team" in out
    with Copy.open(district) as copy, Copy.open(lead_dir) as lead:
        assert copy.identity.role is Role.DISTRICT and copy.identity.name == "Jo Bloggs"
        [west] = [p for p in lead.records.list_kind("partnership")
                  if p.title == "West Lancashire CSP"]
        assert copy.identity.partnership_uids == (west.uid,)
        assert copy.info().counts == lead.info().counts  # the master, once
        action = copy.records.list_kind("action", partnership=west.uid)[0]
        copy.records.update(action.uid, {"rag": "red"})  # its edits are in scope


def test_an_unknown_partnership_is_refused_with_the_baselines_list_and_no_copy_is_made(
        tmp_path, published, capsys):
    _lead, baseline = published
    district = tmp_path / "nowhere"
    assert csa(district, "init", "--role", "district", "--partnership", "Atlantis CSP",
               "--baseline", str(baseline), "--name", "Jo") == 2
    err = capsys.readouterr().err
    assert "'Atlantis CSP' is not a partnership in baseline.csabundle" in err
    assert "West Lancashire CSP" in err and "Pendle CSP" in err
    assert not district.exists()
    assert list(tmp_path.iterdir()) == []  # no half-made copy beside it either


def test_a_district_copy_without_a_baseline_is_refused_with_the_one_step_recipe(
        tmp_path, capsys):
    assert csa(tmp_path / "d", "init", "--role", "district", "--partnership",
               "Pendle CSP") == 2
    assert "--baseline FILE" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()


def test_a_copy_with_its_own_records_refuses_a_baseline_of_another_lineage(
        tmp_path, published):
    _lead, baseline = published
    with init_copy(tmp_path / "demo-district", role=Role.DISTRICT,
                   partnerships=["Pendle CSP"]) as demo:
        before = dump(demo.data_dir)
        report = SyncService(demo).import_files([baseline])
    [refused] = report.refused
    assert refused.code == "lineage"
    assert "made in this copy" in refused.message
    assert "Lancashire county team" in refused.message
    assert dump(tmp_path / "demo-district") == before


def test_a_joined_copy_refuses_the_baseline_of_another_master_naming_both(
        tmp_path, published):
    _lead, baseline = published
    with init_copy(tmp_path / "other-lead", name="Kent county team") as other:
        BundleService(other).export(tmp_path / "kent.csabundle")
    with join_partnership(tmp_path / "west", baseline, partnership="West Lancashire CSP",
                          name="Jo") as copy:
        before = dump(copy.data_dir)
        report = SyncService(copy).import_files([tmp_path / "kent.csabundle"])
    [refused] = report.refused
    assert refused.code in ("lineage", "untrusted")
    assert "Kent county team" in refused.message
    assert dump(tmp_path / "west") == before


def test_a_second_agreement_is_refused_pointing_at_the_annual_refresh(demo_dir, capsys):
    before = dump(demo_dir)
    assert csa(demo_dir, "add", "agreement", "title=Another agreement",
               "period_start=2025-04-01", "period_end=2028-03-31") == 2
    err = capsys.readouterr().err
    assert "csa refresh start" in err and "already has its agreement" in err
    assert dump(demo_dir) == before


def test_start_county_makes_one_agreement_with_its_areas_and_partnerships(tmp_path):
    facts = CountyFacts("Kent CSA", dt.date(2026, 4, 1), dt.date(2029, 3, 31),
                        ("Dover", "Medway"), ("Dover CSP", "Kent board"), frozenset({"Medway"}))
    with start_county(tmp_path / "kent", facts) as copy:
        assert copy.identity.role is Role.LEAD
        assert [a.title for a in copy.records.list_kind("agreement")] == ["Kent CSA"]
        partnerships = {p.title: p for p in copy.records.list_kind("partnership")}
        assert len(partnerships["Kent board"]["area_uids"]) == 2


def test_start_county_refuses_a_period_that_ends_before_it_starts(tmp_path):
    facts = CountyFacts("Kent CSA", dt.date(2026, 4, 1), dt.date(2025, 3, 31), ("Dover",), ())
    with pytest.raises(Exception, match="must end after it starts"):
        start_county(tmp_path / "kent", facts)
    assert not (tmp_path / "kent").exists()


def test_a_contribution_is_named_for_its_partnership_and_the_day(
        tmp_path, published, capsys, monkeypatch):
    _lead, baseline = published
    join_partnership(tmp_path / "west", baseline, partnership="West Lancashire CSP",
                     name="Jo").close()
    monkeypatch.chdir(tmp_path)
    assert csa(tmp_path / "west", "export") == 0
    out = capsys.readouterr().out
    name = f"west-lancashire-csp-{dt.date.today():%Y-%m-%d}.csabundle"
    assert (tmp_path / name).is_file()
    assert "Send this file to the county team" in out


def test_init_without_a_folder_makes_a_folder_of_its_own_and_opens_it_next(
        tmp_path, published, monkeypatch, capsys):
    _lead, baseline = published
    monkeypatch.delenv(paths.ENV_VAR)
    assert main(["init", "--role", "district", "--partnership", "Pendle CSP", "--baseline",
                 str(baseline), "--name", "Sam Patel"]) == 0
    made = paths.library_dir() / "copies" / "sam-patel"
    assert paths.database_path(made).is_file()
    capsys.readouterr()
    assert main(["info", "--json"]) == 0  # the copy just made is the one used
    assert json.loads(capsys.readouterr().out)["name"] == "Sam Patel"


def test_output_into_a_closed_pipe_ends_quietly(demo_dir):
    command = [sys.executable, "-m", "csa_desktop.cli", "--data-dir", str(demo_dir), "list",
               "progress-update"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # like `| head` having read all it wanted
    err = process.stderr.read().decode()
    assert process.wait() in (0, 1)
    assert "internal error" not in err and "Traceback" not in err and "Exception" not in err


def test_a_cancelled_join_leaves_no_copy_and_no_half_made_folder(tmp_path, published):
    from csa_desktop.services.import_plan import ImportCancelledError

    _lead, baseline = published
    target = tmp_path / "copies" / "pendle"
    steps: list[str] = []
    with pytest.raises(ImportCancelledError):
        join_partnership(target, baseline, partnership="Pendle CSP", name="Sam",
                         progress=lambda _d, _t, what: steps.append(what),
                         cancelled=lambda: bool(steps))  # cancelled once work has begun
    assert steps and steps[0].startswith("checking")
    assert not target.exists() or list(target.iterdir()) == []
    assert list((tmp_path / "copies").iterdir()) in ([], [target])


def test_a_progress_line_is_drawn_only_on_a_terminal(monkeypatch):
    import io

    from csa_desktop.cli.output import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        monkeypatch.setattr(sys, "stderr", stream)
        bar = ProgressBar()
        bar(1, 4, "checking baseline.csabundle")
        bar(4, 4, "done")
        bar.close()
    assert "\r[#######" in terminal.getvalue() and "checking baseline.csabundle" in \
        terminal.getvalue()
    assert terminal.getvalue().endswith("\r")
    assert pipe.getvalue() == ""


def test_joining_from_the_command_line_draws_progress_on_a_terminal(tmp_path, published,
                                                                   monkeypatch, capsys):
    from csa_desktop.cli import output

    _lead, baseline = published
    drawn: list[str] = []
    monkeypatch.setattr(output.ProgressBar, "__call__",
                        lambda self, done, total, what: drawn.append(what))
    assert csa(tmp_path / "pendle", "init", "--role", "district", "--partnership",
               "Pendle CSP", "--baseline", str(baseline), "--name", "Sam") == 0
    assert drawn[0].startswith("checking") and drawn[-1] == "done"


def test_joining_after_reading_the_baseline_parses_it_once_and_a_changed_file_afresh(
        tmp_path, published, monkeypatch):
    import shutil

    from csa_desktop.bundle import reader
    from csa_desktop.services.new_copy import read_baseline

    _lead, baseline = published
    parses: list[str] = []
    real = reader._parse_bundle
    monkeypatch.setattr(reader, "_parse_bundle",
                        lambda opened, limits: parses.append(opened.name) or real(opened, limits))
    summary = read_baseline(baseline)
    join_partnership(tmp_path / "one", baseline, partnership="Pendle CSP", name="Sam",
                     summary=summary).close()
    assert parses == [baseline.name]  # the summary's parse served the join's gate
    other = tmp_path / baseline.name
    shutil.copy(baseline, other)
    read_baseline(baseline)  # kept: the original bytes
    with other.open("ab") as handle:
        handle.write(b"\0")  # another file of the same name: not the kept one
    join_partnership(tmp_path / "two", other, partnership="Pendle CSP", name="Sam").close()
    assert len(parses) == 3  # the read, the read again, and the other bytes parsed afresh


def test_a_joined_copy_holds_the_whole_baseline_and_keeps_the_usual_journal_after_its_bulk_load(
        tmp_path, published):
    import sqlite3

    from csa_desktop.errors import StoreError

    lead_dir, baseline = published
    target = tmp_path / "pendle"
    with join_partnership(target, baseline, partnership="Pendle CSP", name="Sam") as copy, \
            Copy.open(lead_dir) as lead:
        assert copy.info().counts == lead.info().counts
        assert copy.check() == []
        with pytest.raises(StoreError, match="just created"), copy.store.bulk_load():
            pass  # an opened copy is never bulk-loaded
    conn = sqlite3.connect(paths.database_path(target))
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        held = conn.execute("SELECT COUNT(*) FROM baseline_records").fetchone()[0]
    finally:
        conn.close()
    with Copy.open(lead_dir) as lead:
        assert held == sum(lead.info().counts.values())
    assert sorted(p.name for p in target.parent.iterdir()) == ["pendle"]  # nothing left aside
