"""What only the yearly cycle writes: the Board, Cabinet and Full Council decision records and
the refresh labels. The record service (so `csa add/set/delete` and the window's edits) refuses
them by name and points to `csa approve` / `csa refresh start`; other decisions (a scrutiny
committee) stay free to edit; `csa approve STAGE --correct` mends a typo with the workflow's
checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from csa_desktop.cli import main
from csa_desktop.domain.records import Record
from csa_desktop.errors import InputError
from csa_desktop.services.approvals import advance, correct, current_approvals, step_back, workflow
from csa_desktop.services.copy import Copy
from csa_desktop.services.refresh import current_refresh, start_refresh
from csa_desktop.storage import records
from tests.helpers import dump

TODAY = dt.date(2024, 12, 1)


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def the_agreement(copy: Copy) -> Record:
    return copy.records.list_kind("agreement")[0]


def decision(copy: Copy, stage: str) -> Record:
    return next(a for a in current_approvals(copy) if a["stage"] == stage)


def scrutiny(copy: Copy) -> Record:
    return next(a for a in current_approvals(copy) if a["stage"] is None)


# --- the record service refuses the workflow's records ------------------------------------


@pytest.mark.parametrize("values", [
    {"minute_ref": "CSPB 22/07"},
    {"decided_on": dt.date(2022, 7, 5)},
    {"body": "The Board"},
    {"stage": None},
    {"position": "zz"},
])
def test_a_decision_of_the_workflow_is_not_edited_directly_and_the_message_says_how(
        demo_dir, values):
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy:
        board = decision(copy, "approved-by-board")
        with pytest.raises(InputError, match=r"csa approve board --correct") as refused:
            copy.records.update(board.uid, values)
    assert "Agreement > Approvals…" in str(refused.value)
    assert dump(demo_dir) == before


def test_saving_a_decision_unchanged_is_no_edit_and_no_refusal(demo_copy):
    board = decision(demo_copy, "approved-by-board")
    assert demo_copy.records.update(board.uid, {"minute_ref": board["minute_ref"]}).empty


def test_a_decision_is_not_deleted_directly_the_message_names_undo(demo_dir):
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy:
        cabinet = decision(copy, "noted-by-cabinet")
        with pytest.raises(InputError, match="csa approve undo"):
            copy.records.delete(cabinet.uid)
    assert dump(demo_dir) == before


@pytest.mark.parametrize(("values", "says"), [
    ({"body": "Audit Committee", "decision": "Approved it.", "stage": "approved-by-board",
      "decided_on": dt.date(2022, 7, 4)}, "csa approve board --date"),
    ({"body": "Cabinet", "decision": "Noted it."}, "csa approve cabinet --date"),
    ({"body": "Full Council", "decision": "Approved the agreement."},
     "csa approve council --date"),
])
def test_a_decision_of_the_workflow_is_not_made_directly(demo_dir, values, says):
    """Also not one without a stage that the workflow would read as a stage's decision by
    its body (as in copies made before stages were recorded)."""
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy:
        agreement = the_agreement(copy).uid
        with pytest.raises(InputError, match=says):
            copy.records.create("approval", {"agreement_uid": agreement, **values})
    assert dump(demo_dir) == before


def test_other_decisions_are_still_added_edited_moved_and_deleted_directly(demo_copy):
    agreement, external = the_agreement(demo_copy).uid, scrutiny(demo_copy).uid
    changes = demo_copy.records.create("approval", {
        "agreement_uid": agreement, "body": "Overview and Scrutiny Committee",
        "decision": "Commented on the draft.", "decided_on": dt.date(2022, 6, 1)})
    uid = changes.created[0][1]
    demo_copy.records.update(uid, {"minute_ref": "OSC 12"})
    demo_copy.records.move(uid, after=None, before=external)
    demo_copy.records.update(external, {"minute_ref": "ESC 21/11"})
    stored = demo_copy.records.get(uid)
    assert stored["minute_ref"] == "OSC 12" and stored["refresh_label"] is None
    assert demo_copy.records.get(external)["minute_ref"] == "ESC 21/11"
    assert current_approvals(demo_copy)[0].title == "Overview and Scrutiny Committee"
    assert workflow(demo_copy).status == "noted-by-cabinet"  # not taken for a stage
    demo_copy.records.delete(uid)
    assert demo_copy.records.get(uid).deleted


def test_another_decision_is_not_turned_into_a_workflow_decision(demo_dir):
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy:
        other = scrutiny(copy).uid
        with pytest.raises(InputError, match="csa approve council"):
            copy.records.update(other, {"stage": "approved-by-council"})
        with pytest.raises(InputError, match="csa approve cabinet"):
            copy.records.update(other, {"body": "Cabinet"})
    assert dump(demo_dir) == before


def test_a_decisions_refresh_is_not_set_directly(demo_dir):
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy:
        other = scrutiny(copy)
        with pytest.raises(InputError, match="belongs to the refresh it was made in"):
            copy.records.update(other.uid, {"refresh_label": "2021/22"})
        with pytest.raises(InputError, match="belongs to the refresh it was made in"):
            copy.records.create("approval", {"agreement_uid": other["agreement_uid"],
                                             "body": "Audit Committee", "decision": "Noted.",
                                             "refresh_label": "2022/23"})
    assert dump(demo_dir) == before


def test_the_refresh_label_is_not_set_directly_the_message_names_refresh_start(demo_dir):
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy:
        agreement = the_agreement(copy)
        with pytest.raises(InputError, match=r"csa refresh start --year") as refused:
            copy.records.update(agreement.uid, {"refresh_label": "2023/24", "title": "New"})
        assert "Start annual refresh" in str(refused.value)
        with pytest.raises(InputError, match="csa refresh start"):
            copy.records.create("agreement", {"title": "Another", "refresh_label": "2022/23",
                                              "period_start": dt.date(2022, 4, 1),
                                              "period_end": dt.date(2025, 3, 31)})
    assert dump(demo_dir) == before


def test_a_withdrawn_decision_is_not_restored_directly(demo_dir):
    with Copy.open(demo_dir) as copy:
        cabinet = decision(copy, "noted-by-cabinet").uid
        step_back(copy)
    before = dump(demo_dir)
    with (Copy.open(demo_dir) as copy,
          pytest.raises(InputError, match="record it again with 'csa approve cabinet")):
        copy.records.restore([cabinet])
    assert dump(demo_dir) == before


def test_undoing_the_delete_of_the_agreement_brings_its_decisions_back(demo_copy):
    agreement = the_agreement(demo_copy).uid
    deleted = [uid for _, uid in demo_copy.records.delete(agreement).deleted]
    demo_copy.records.restore(deleted)
    assert workflow(demo_copy).current_stage.decided_on == dt.date(2022, 9, 8)
    assert len(current_approvals(demo_copy)) == 3


def test_decisions_of_a_closed_refresh_stay_as_recorded(demo_dir):
    with Copy.open(demo_dir) as copy:
        board = decision(copy, "approved-by-board").uid
        start_refresh(copy, "2023/24")
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy:
        with pytest.raises(InputError, match="2022/23 refresh, which is closed"):
            copy.records.update(board, {"minute_ref": "late"})
        with pytest.raises(InputError, match="2022/23 refresh, which is closed"):
            copy.records.delete(board)
    assert dump(demo_dir) == before


def test_views_learn_which_records_only_the_workflow_changes(demo_copy):
    board, other = decision(demo_copy, "approved-by-board"), scrutiny(demo_copy)
    assert not demo_copy.records.can_change(board)
    assert "csa approve board --correct" in str(demo_copy.records.workflow_reason(board))
    assert demo_copy.records.can_change(other)
    assert demo_copy.records.workflow_reason(other) is None


# --- the workflow and the refresh still write them ----------------------------------------


def test_the_workflow_and_the_refresh_still_write_decisions_and_labels(demo_copy):
    start_refresh(demo_copy, "2023/24")
    assert the_agreement(demo_copy)["refresh_label"] == "2023/24"
    advance(demo_copy, "editorial-review", today=TODAY)
    advance(demo_copy, "board", on=dt.date(2024, 7, 1), minute_ref="CSPB 24/7", today=TODAY)
    assert decision(demo_copy, "approved-by-board")["refresh_label"] == "2023/24"
    step_back(demo_copy)
    assert [a["stage"] for a in current_approvals(demo_copy)] == []
    assert current_refresh(demo_copy).label == "2023/24"


# --- correcting a decision ----------------------------------------------------------------


def test_correct_mends_a_minute_typo_without_stepping_back(demo_copy):
    board = decision(demo_copy, "approved-by-board")
    changes = correct(demo_copy, "board", minute_ref=" CSPB 22/07 ", today=TODAY)
    assert changes.updated == (("approval", board.uid),)
    now = workflow(demo_copy)
    assert now.status == "noted-by-cabinet"  # the later step stands
    stored = demo_copy.records.get(board.uid)
    assert stored["minute_ref"] == "CSPB 22/07" and stored["decided_on"] == dt.date(2022, 7, 4)
    assert [(e.field, e.old, e.new) for e in demo_copy.records.history(board.uid)
            if e.field == "minute_ref"] == [("minute_ref", None, "CSPB 22/07")]
    correct(demo_copy, "board", minute_ref="", today=TODAY)
    assert demo_copy.records.get(board.uid)["minute_ref"] is None


def test_correct_mends_the_date_of_the_current_step_and_of_the_pcc(demo_copy):
    advance(demo_copy, "council", on=dt.date(2022, 9, 20), today=TODAY)
    advance(demo_copy, "pcc", on=dt.date(2022, 9, 30), today=TODAY)
    correct(demo_copy, "council", on=dt.date(2022, 9, 21), minute_ref="FC 22/9", today=TODAY)
    correct(demo_copy, "pcc", on=dt.date(2022, 10, 3), today=TODAY)
    council = decision(demo_copy, "approved-by-council")
    assert (council["decided_on"], council["minute_ref"]) == (dt.date(2022, 9, 21), "FC 22/9")
    assert the_agreement(demo_copy)["sent_to_pcc_on"] == dt.date(2022, 10, 3)
    assert the_agreement(demo_copy)["status"] == "sent-to-pcc"


def test_correcting_to_the_same_values_changes_nothing(demo_dir):
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy:
        assert correct(copy, "cabinet", on=dt.date(2022, 9, 8), today=TODAY).empty
    assert dump(demo_dir) == before


@pytest.mark.parametrize(("stage", "kwargs", "message"), [
    ("board", {"on": dt.date(2022, 9, 9)}, "is after 'Noted by Cabinet'"),
    ("cabinet", {"on": dt.date(2022, 7, 1)}, "is before 'Approved by the Board'"),
    ("cabinet", {"on": dt.date(2025, 1, 1)}, "in the future"),
    ("council", {"on": dt.date(2022, 9, 20)}, "has not reached 'Approved by Full Council'"),
    ("editorial-review", {"on": dt.date(2022, 6, 1)}, "no date or minute reference"),
    ("board", {}, "say what to correct"),
    ("board", {"minute_ref": "x" * 101}, "too long"),
    ("board", {"minute_ref": "two\nlines"}, "single line"),
    ("sideways", {"on": dt.date(2022, 7, 1)}, "not an approval stage"),
])
def test_a_correction_keeps_the_workflows_checks_and_a_refused_one_changes_nothing(
        demo_dir, stage, kwargs, message):
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy, pytest.raises(InputError, match=message):
        correct(copy, stage, today=TODAY, **kwargs)
    assert dump(demo_dir) == before


def test_the_pcc_date_takes_no_minute_when_corrected(demo_dir):
    with Copy.open(demo_dir) as copy:
        advance(copy, "council", on=dt.date(2022, 9, 20), today=TODAY)
        advance(copy, "pcc", on=dt.date(2022, 9, 30), today=TODAY)
    before = dump(demo_dir)
    with Copy.open(demo_dir) as copy, pytest.raises(InputError, match="no minute reference"):
        correct(copy, "pcc", minute_ref="P1", today=TODAY)
    assert dump(demo_dir) == before


def test_correct_records_the_missing_decision_of_a_step_reached(demo_copy):
    """A copy whose Board decision record was lost (status at Cabinet, no record)."""
    board = decision(demo_copy, "approved-by-board")
    with demo_copy.store.transaction() as session:
        records.set_deleted(session, "approval", board.uid, True, who="test")
    with pytest.raises(InputError, match="give its date"):
        correct(demo_copy, "board", minute_ref="B1", today=TODAY)
    correct(demo_copy, "board", on=dt.date(2022, 7, 4), minute_ref="B1", today=TODAY)
    made = decision(demo_copy, "approved-by-board")
    assert made.uid != board.uid
    assert (made["decided_on"], made["minute_ref"]) == (dt.date(2022, 7, 4), "B1")
    assert made["body"] == "Lancashire Community Safety Partnership Board"


# --- the command line ---------------------------------------------------------------------


def test_csa_set_add_and_delete_refuse_decisions_on_one_line(demo_dir, capsys):
    with Copy.open(demo_dir) as copy:
        board = decision(copy, "approved-by-board").uid
        agreement = the_agreement(copy).uid
    before = dump(demo_dir)
    capsys.readouterr()
    for args, says in [
        (["set", board, "minute_ref=CSPB 22/07"], "csa approve board --correct"),
        (["delete", board], "csa approve undo"),
        (["add", "approval", f"agreement_uid={agreement}", "body=Cabinet", "decision=Noted."],
         "csa approve cabinet --date"),
        (["set", agreement, "refresh_label=2023/24"], "csa refresh start --year"),
    ]:
        assert csa(demo_dir, *args) == InputError.exit_code
        err = capsys.readouterr().err
        assert says in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert dump(demo_dir) == before


def test_csa_approve_correct_mends_a_decision(demo_dir, capsys):
    assert csa(demo_dir, "approve", "board", "--correct", "--minute", "CSPB 22/07") == 0
    out = capsys.readouterr().out
    assert "updated approval" in out and "now at 'Noted by Cabinet'" in out
    assert csa(demo_dir, "approve", "board", "--correct", "--minute", "CSPB 22/07") == 0
    assert "nothing changed" in capsys.readouterr().out
    assert csa(demo_dir, "approve", "cabinet", "--correct", "--date", "2022-07-01") == 2
    assert "before 'Approved by the Board'" in capsys.readouterr().err
    assert csa(demo_dir, "approve", "undo", "--correct") == 2
    with Copy.open(demo_dir) as copy:
        assert workflow(copy).stages[2].minute_ref == "CSPB 22/07"
        assert workflow(copy).status == "noted-by-cabinet"


def test_a_district_copy_hears_first_that_decisions_are_the_leads(tmp_path):
    from csa_desktop.domain.roles import Role
    from csa_desktop.errors import ScopeError
    from csa_desktop.services.copy import init_copy

    with init_copy(tmp_path, role=Role.DISTRICT, partnerships=["Pendle CSP"]) as copy:
        board = decision(copy, "approved-by-board")
        with pytest.raises(ScopeError, match="outside its scope"):
            copy.records.update(board.uid, {"minute_ref": "X"})
        with pytest.raises(ScopeError, match="outside its scope"):
            copy.records.delete(board.uid)
        assert not copy.records.can_change(board)
