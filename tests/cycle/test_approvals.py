"""The approval workflow of a refresh: stages in order, dates required, clear refusals."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from csa_desktop.cli import main
from csa_desktop.domain.roles import Role
from csa_desktop.errors import InputError, ScopeError
from csa_desktop.services.approvals import advance, current_approvals, step_back, workflow
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.refresh import start_refresh
from csa_desktop.storage import records
from tests.helpers import dump

TODAY = dt.date(2024, 12, 1)


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


@pytest.fixture
def fresh(demo_copy: Copy) -> Copy:
    """The demo copy at the start of its 2023/24 refresh: a draft."""
    start_refresh(demo_copy, "2023/24")
    return demo_copy


def agreement(copy: Copy):
    return copy.records.list_kind("agreement")[0]


def test_a_new_refresh_is_a_draft_with_a_watermark(fresh):
    now = workflow(fresh)
    assert now.status == "draft" and now.draft
    assert now.print_status.startswith("DRAFT")
    assert now.next_stage is not None and now.next_stage.status == "editorial-review"
    assert current_approvals(fresh) == []


def test_the_whole_workflow_records_each_decision(fresh):
    advance(fresh, "editorial-review", today=TODAY)
    assert workflow(fresh).draft
    advance(fresh, "board", on=dt.date(2024, 7, 1), minute_ref="CSPB 24/07", today=TODAY)
    now = workflow(fresh)
    assert not now.draft
    assert now.print_status == "Approved by the Board 1 July 2024 (minute CSPB 24/07)"
    advance(fresh, "cabinet", on=dt.date(2024, 9, 5), today=TODAY)
    advance(fresh, "council", on=dt.date(2024, 10, 17), minute_ref="FC 31", today=TODAY)
    advance(fresh, "pcc", on=dt.date(2024, 10, 20), today=TODAY)
    assert agreement(fresh)["status"] == "sent-to-pcc"
    assert agreement(fresh)["sent_to_pcc_on"] == dt.date(2024, 10, 20)
    decisions = {a["stage"]: a for a in current_approvals(fresh)}
    assert set(decisions) == {"approved-by-board", "noted-by-cabinet", "approved-by-council"}
    board = decisions["approved-by-board"]
    assert board["body"] == "Lancashire Community Safety Partnership Board"
    assert board["decided_on"] == dt.date(2024, 7, 1) and board["minute_ref"] == "CSPB 24/07"
    assert board["refresh_label"] == "2023/24"
    assert "2023/24 refresh" in str(board["decision"])
    assert workflow(fresh).lines[-1] == "Sent to the PCC: 20 October 2024"


@pytest.mark.parametrize(("steps", "stage", "kwargs", "message"), [
    ([], "board", {"on": dt.date(2024, 7, 1)}, "the next step is 'Editorial review'"),
    ([], "draft", {}, "already at 'Draft'"),
    (["editorial-review"], "board", {}, "needs the date"),
    (["editorial-review"], "board", {"on": dt.date(2025, 1, 1)}, "in the future"),
    ([], "editorial-review", {"on": dt.date(2024, 1, 1)}, "takes no date"),
    ([], "editorial-review", {"minute_ref": "X1"}, "has no minute reference"),
    (["editorial-review"], "pcc", {"on": dt.date(2024, 7, 1)}, "not 'Sent to the PCC'"),
    (["editorial-review"], "sideways", {}, "not an approval stage"),
])
def test_out_of_order_or_incomplete_steps_are_refused_and_nothing_changes(
        demo_dir, steps, stage, kwargs, message):
    with Copy.open(demo_dir) as copy:
        start_refresh(copy, "2023/24")
        for step in steps:
            advance(copy, step, today=TODAY)
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy, pytest.raises(InputError, match=message):
        advance(copy, stage, today=TODAY, **kwargs)
    assert dump(demo_dir) == before


def test_a_decision_cannot_be_dated_before_the_previous_one(fresh):
    advance(fresh, "editorial-review", today=TODAY)
    advance(fresh, "board", on=dt.date(2024, 7, 1), today=TODAY)
    with pytest.raises(InputError, match="is before 'Approved by the Board'"):
        advance(fresh, "cabinet", on=dt.date(2024, 6, 30), today=TODAY)


def test_a_step_already_taken_is_refused_with_how_to_step_back(fresh):
    advance(fresh, "editorial-review", today=TODAY)
    advance(fresh, "board", on=dt.date(2024, 7, 1), today=TODAY)
    with pytest.raises(InputError, match=r"already past 'Editorial review'.*undo"):
        advance(fresh, "editorial-review", today=TODAY)


def test_stepping_back_withdraws_the_last_decision(fresh):
    advance(fresh, "editorial-review", today=TODAY)
    advance(fresh, "board", on=dt.date(2024, 7, 1), today=TODAY)
    board_uid = current_approvals(fresh)[0].uid
    step_back(fresh)
    assert agreement(fresh)["status"] == "editorial-review"
    assert current_approvals(fresh) == []
    assert fresh.records.get(board_uid).deleted  # kept as a tombstone, in the history
    advance(fresh, "board", on=dt.date(2024, 7, 2), today=TODAY)
    assert current_approvals(fresh)[0]["decided_on"] == dt.date(2024, 7, 2)


def test_step_back_from_draft_is_refused(fresh):
    with pytest.raises(InputError, match="no step to undo"):
        step_back(fresh)


def test_approvals_of_earlier_refreshes_are_not_the_current_ones(demo_copy):
    assert {a.title for a in current_approvals(demo_copy)} >= {"Cabinet"}
    start_refresh(demo_copy, "2023/24")
    assert current_approvals(demo_copy) == []
    assert len(demo_copy.records.list_kind("approval")) == 3


def test_demo_stands_noted_by_cabinet_with_no_council_or_pcc_date(demo_copy):
    now = workflow(demo_copy)
    assert now.status == "noted-by-cabinet" and not now.draft
    assert now.current_stage.decided_on == dt.date(2022, 9, 8)
    board = next(s for s in now.stages if s.status == "approved-by-board")
    assert board.reached and board.decided_on == dt.date(2022, 7, 4)
    assert now.next_stage is not None and now.next_stage.status == "approved-by-council"
    later = [s for s in now.stages if s.status in ("approved-by-council", "sent-to-pcc")]
    assert all(not s.reached and s.decided_on is None for s in later)
    assert now.print_status == ("Approved by the Board 4 July 2022; "
                                "Noted by Cabinet 8 September 2022")


def test_decisions_without_a_stage_are_recognised_by_their_body(demo_copy):
    """A copy written before stages were recorded: the demo's decisions without their stage,
    the agreement still at the Board stage."""
    the_agreement, approvals = agreement(demo_copy), demo_copy.records.list_kind("approval")
    with demo_copy.store.transaction() as session:
        records.update(session, "agreement", the_agreement.uid, {"status": "approved-by-board"},
                       who="test")
        for approval in approvals:
            records.update(session, "approval", approval.uid, {"stage": None}, who="test")
    now = workflow(demo_copy)
    assert now.status == "approved-by-board" and not now.draft
    board = next(s for s in now.stages if s.status == "approved-by-board")
    assert board.decided_on == dt.date(2022, 7, 4)
    cabinet = next(s for s in now.stages if s.status == "noted-by-cabinet")
    assert cabinet.decided_on == dt.date(2022, 9, 8) and not cabinet.reached
    advance(demo_copy, "cabinet", on=dt.date(2022, 9, 8), minute_ref="C/22/9", today=TODAY)
    cabinet_records = [a for a in current_approvals(demo_copy) if a["body"] == "Cabinet"]
    assert len(cabinet_records) == 1  # the existing record was completed, not duplicated
    assert cabinet_records[0]["stage"] == "noted-by-cabinet"
    assert cabinet_records[0]["minute_ref"] == "C/22/9"


def test_only_the_lead_records_approvals(tmp_path):
    with (init_copy(tmp_path, role=Role.DISTRICT, partnerships=["Pendle CSP"]) as copy,
          pytest.raises(ScopeError, match="only the lead")):
        advance(copy, "cabinet", on=dt.date(2022, 9, 8))


def test_cli_approve_and_approvals(demo_dir, capsys):
    with Copy.open(demo_dir) as copy:
        start_refresh(copy, "2023/24")
    assert csa(demo_dir, "approve", "editorial-review") == 0
    assert "now at 'Editorial review'" in capsys.readouterr().out
    assert csa(demo_dir, "approve", "board", "--date", "2023-07-03", "--minute", "M12") == 0
    capsys.readouterr()
    assert csa(demo_dir, "approvals", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "approved-by-board" and data["draft"] is False
    board = next(s for s in data["stages"] if s["status"] == "approved-by-board")
    assert (board["decided_on"], board["minute_ref"]) == ("2023-07-03", "M12")
    assert csa(demo_dir, "approve", "undo") == 0
    capsys.readouterr()
    assert csa(demo_dir, "approvals") == 0
    assert "DRAFT" in capsys.readouterr().out


def test_cli_refuses_a_bad_date_with_one_line_and_changes_nothing(demo_dir, capsys):
    with Copy.open(demo_dir) as copy:
        start_refresh(copy, "2023/24")
    assert csa(demo_dir, "approve", "editorial-review") == 0
    before = dump(demo_dir)
    capsys.readouterr()
    assert csa(demo_dir, "approve", "board", "--date", "4th July") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a date" in err
    assert csa(demo_dir, "approve", "board") == 2
    assert "needs the date" in capsys.readouterr().err
    assert dump(demo_dir) == before
