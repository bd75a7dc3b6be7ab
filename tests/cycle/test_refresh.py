"""Starting an annual refresh: every record carried forward, closed actions archived with their
history, open ones carrying on, earlier refreshes still readable."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from csa_desktop.cli import main
from csa_desktop.domain.kinds import KINDS
from csa_desktop.domain.roles import Role
from csa_desktop.errors import InputError, ScopeError
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.refresh import (
    find_refresh,
    list_refreshes,
    plan_refresh,
    refresh_records,
    start_refresh,
    suggested_label,
)
from tests.helpers import dump


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def counts(copy: Copy) -> dict[str, int]:
    return {kind: len(copy.records.list_kind(kind)) for kind in KINDS}


def test_a_copy_without_refreshes_lists_the_agreements_own_year_as_in_progress(demo_copy):
    (only,) = list_refreshes(demo_copy)
    assert only.label == "2022/23"
    assert only.current and only.uid is None and only.based_on_label is None


def test_starting_a_refresh_carries_every_record_forward(demo_copy):
    before = counts(demo_copy)
    started = start_refresh(demo_copy, "2023/24")
    assert counts(demo_copy) == before
    assert started.snapshot_records == sum(before.values())
    assert [r.label for r in list_refreshes(demo_copy)] == ["2022/23", "2023/24"]
    current = list_refreshes(demo_copy)[-1]
    assert current.current and current.based_on_label == "2022/23"
    (agreement,) = demo_copy.records.list_kind("agreement")
    assert agreement["refresh_label"] == "2023/24"
    assert agreement["status"] == "draft"
    assert agreement["sent_to_pcc_on"] is None


def test_completed_and_cancelled_actions_are_archived_with_their_history(demo_copy):
    actions = demo_copy.records.list_kind("action")
    closed = {a.uid for a in actions if a["status"] in ("completed", "cancelled")}
    updates_before = demo_copy.records.list_kind("progress-update")
    started = start_refresh(demo_copy, "2023/24")
    assert set(started.archived) == closed and closed
    for action in demo_copy.records.list_kind("action"):
        if action.uid in closed:
            assert action["archived_in"] == "2022/23"
            assert action["status"] in ("completed", "cancelled")  # the reported status stays
            last = demo_copy.records.history(action.uid)[-1]
            assert (last.field, last.new) == ("archived_in", "2022/23")
        else:
            assert action["archived_in"] is None
    assert demo_copy.records.list_kind("progress-update") == updates_before


def test_open_actions_carry_on_unchanged(demo_copy):
    open_before = {a.uid: a for a in demo_copy.records.list_kind("action")
                   if a["status"] not in ("completed", "cancelled")}
    started = start_refresh(demo_copy, "2023/24")
    assert started.carried_on == len(open_before)
    for uid, action in open_before.items():
        assert demo_copy.records.get(uid) == action


def test_an_earlier_refresh_stays_readable_after_later_edits(demo_copy):
    section = demo_copy.records.list_kind("section")[0]
    start_refresh(demo_copy, "2023/24")
    demo_copy.records.update(section.uid, {"body": "Rewritten for 2023/24."})
    demo_copy.records.delete(demo_copy.records.list_kind("key-issue")[0].uid)
    old = find_refresh(demo_copy, "2022/23")
    old_sections = {r.uid: r for r in refresh_records(demo_copy, old, "section")}
    assert old_sections[section.uid]["body"] == section["body"]
    assert len(refresh_records(demo_copy, old, "key-issue")) == 8
    assert refresh_records(demo_copy, old, "agreement")[0]["status"] == "noted-by-cabinet"


def test_approvals_stay_with_the_refresh_they_were_given_in(demo_copy):
    start_refresh(demo_copy, "2023/24")
    labels = {a["refresh_label"] for a in demo_copy.records.list_kind("approval")}
    assert labels == {"2022/23"}


def test_a_third_refresh_is_based_on_the_second(demo_copy):
    start_refresh(demo_copy, "2023/24")
    start_refresh(demo_copy, "2024/25")
    found = list_refreshes(demo_copy)
    assert [(r.label, r.based_on_label, r.current) for r in found] == [
        ("2022/23", None, False), ("2023/24", "2022/23", False), ("2024/25", "2023/24", True)]


def test_a_restore_point_is_made_before_a_refresh_starts(demo_dir, demo_copy):
    started = start_refresh(demo_copy, "2023/24")
    backup = Path(started.backup)
    assert backup.exists() and backup.parent == demo_dir / "backups"
    assert "before-refresh-2023-24" in backup.name


@pytest.mark.parametrize(("label", "message"), [
    ("2022/23", "already exists"),
    ("2021/22", "not after the refresh in progress"),
    ("2025/26", "outside the agreement's period"),
    ("next year", "not a refresh year"),
    ("2023/25", "not one year"),
])
def test_a_refresh_year_that_does_not_fit_is_refused_and_nothing_changes(demo_dir, label,
                                                                         message):
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy, pytest.raises(InputError, match=message):
        start_refresh(copy, label)
    assert dump(demo_dir) == before


def test_year_labels_are_normalised(demo_copy):
    assert start_refresh(demo_copy, "2023-2024").refresh.label == "2023/24"


def test_only_the_lead_can_start_a_refresh(tmp_path):
    with init_copy(tmp_path, role=Role.DISTRICT, partnerships=["West Lancashire CSP"]) as copy:
        before = dump(tmp_path)
        with pytest.raises(ScopeError, match="only the lead"):
            start_refresh(copy, "2023/24")
        assert dump(tmp_path) == before


def test_the_plan_says_what_a_refresh_would_do_and_writes_nothing(demo_dir):
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy:
        plan = plan_refresh(copy, "2023/24")
        closed = [a for a in copy.records.list_kind("action")
                  if a["status"] in ("completed", "cancelled")]
    assert len(plan.archive) == len(closed)
    assert plan.previous.label == "2022/23"
    assert dump(demo_dir) == before


def test_the_suggested_label_is_the_year_after_the_current_one(demo_copy):
    assert suggested_label(demo_copy, dt.date(2030, 1, 1)) == "2023/24"


def test_cli_refresh_start_and_list(demo_dir, capsys):
    assert csa(demo_dir, "refresh", "start", "--year", "2023/24") == 0
    out = capsys.readouterr().out
    assert "started the 2023/24 refresh from 2022/23" in out
    assert "closed actions archived" in out
    assert csa(demo_dir, "refresh", "list", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["label"], r["based_on"], r["current"]) for r in listed] == [
        ("2022/23", None, False), ("2023/24", "2022/23", True)]
    assert csa(demo_dir, "refresh", "list") == 0
    assert "in progress" in capsys.readouterr().out


def test_cli_refresh_start_dry_run_changes_nothing(demo_dir, capsys):
    before = dump(demo_dir)
    assert csa(demo_dir, "refresh", "start", "--year", "2023/24", "--dry-run") == 0
    assert "nothing was changed" in capsys.readouterr().out
    assert dump(demo_dir) == before


def test_cli_refuses_a_repeated_refresh_with_one_line(demo_dir, capsys):
    assert csa(demo_dir, "refresh", "start", "--year", "2023/24") == 0
    capsys.readouterr()
    assert csa(demo_dir, "refresh", "start", "--year", "2023/24") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err


def test_cli_reads_records_of_an_earlier_refresh(demo_dir, capsys):
    with Copy.open(demo_dir) as copy:
        section = copy.records.list_kind("section")[0]
        start_refresh(copy, "2023/24")
        copy.records.update(section.uid, {"title": "Renamed later"})
    capsys.readouterr()
    assert csa(demo_dir, "refresh", "records", "2022/23", "section", "--json") == 0
    old = {r["uid"]: r for r in json.loads(capsys.readouterr().out)}
    assert old[section.uid]["fields"]["title"] == section.title
    assert csa(demo_dir, "refresh", "records", "2019/20", "section") == 2
    assert "no refresh '2019/20'" in capsys.readouterr().err
