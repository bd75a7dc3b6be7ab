"""Adopting action plans from spreadsheets: the files are built here with openpyxl and csv."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from csa_desktop.cli import main
from csa_desktop.domain.sheet_values import read_date, read_rag, read_status
from csa_desktop.errors import InputError
from csa_desktop.services import restore_points
from csa_desktop.services.adoption import ActionSheetAdoption, BadRowsError
from csa_desktop.services.copy import Copy

PARTNERSHIP = "Pendle CSP"
TODAY = dt.date(2025, 11, 1)


def _sheet(path: Path, rows: list[list[object]], merges: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Action plan"
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    book.save(path)
    return path


def _council_sheet(path: Path) -> Path:
    return _sheet(path, [
        ["Pendle CSP action plan 2025/26"],
        [],
        ["Priority", "What we will do", "Lead", "Target date", "RAG", "Status", "Update Q1"],
        ["Domestic abuse", "Run awareness weeks in\nevery ward", "Lancashire Constabulary",
         "31/03/2026", "G", "Ongoing", "Two weeks held"],
        [None, "Train GP receptionists", "Health lead", dt.datetime(2025, 12, 31), "Amber",
         "Not started", None],
        [],
        ["Anti-social behaviour", "Off-road bike operations", "Inspector, Pendle", "March 2026",
         "On track", "Done", None],
    ], merges=("A4:A5",))


def _counts(folder: Path) -> dict[str, int]:
    with sqlite3.connect(folder / "csa.sqlite3") as db:
        return {t: db.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("actions", "local_priorities", "progress_updates", "change_records")}


def _actions(copy: Copy) -> dict[str, dict[str, object]]:
    return {r.title: r.fields for r in copy.records.list_kind("action", partnership=PARTNERSHIP)}


def test_council_words_read_as_values() -> None:
    assert [read_rag(w) for w in ("G", "Green", "On track", "A", "Amber", "R", "Red", "")] == [
        "green", "green", "green", "amber", "amber", "red", "red", "not-rated"]
    assert [read_status(w) for w in ("Complete", "Done", "Ongoing", "Not started")] == [
        "completed", "completed", "in-progress", "not-started"]
    assert read_date("31/03/2025") == dt.date(2025, 3, 31)
    assert read_date("31.3.25") == dt.date(2025, 3, 31)
    assert read_date("March 2025") == dt.date(2025, 3, 31)
    assert read_date("March 2025", end_of_month=False) == dt.date(2025, 3, 1)
    assert read_date(45747) == dt.date(2025, 3, 31)
    assert read_date(dt.datetime(2025, 3, 31, 0, 0)) == dt.date(2025, 3, 31)
    assert read_date("Ongoing") is None
    with pytest.raises(InputError, match="not a date"):
        read_date("03/31/2025")
    with pytest.raises(InputError, match="not a RAG"):
        read_rag("Purple")


def test_adopting_a_sheet_writes_actions_priorities_and_updates(
        demo_copy: Copy, tmp_path: Path) -> None:
    path = _council_sheet(tmp_path / "plan.xlsx")
    adoption = ActionSheetAdoption(demo_copy, today=TODAY)
    result = adoption.adopt(adoption.plan(path, PARTNERSHIP))
    actions = _actions(demo_copy)
    first = actions["Run awareness weeks in every ward"]
    assert first["due_on"] == dt.date(2026, 3, 31)
    assert first["rag"] == "green" and first["status"] == "in-progress"
    assert first["lead_organisation_uid"] is not None
    second = actions["Train GP receptionists"]
    assert second["due_on"] == dt.date(2025, 12, 31) and second["rag"] == "amber"
    assert second["lead_role"] == "Health lead"
    assert second["priority_uid"] == first["priority_uid"]  # merged priority cell
    third = actions["Off-road bike operations"]
    assert third["status"] == "completed" and third["due_on"] == dt.date(2026, 3, 31)
    priority = demo_copy.records.get(str(third["priority_uid"]))
    assert priority.title == "Anti-social behaviour"
    updates = [u for u in demo_copy.records.list_kind("progress-update")
               if u.fields["narrative"] == "Two weeks held"]
    assert len(updates) == 1 and updates[0].fields["period"].endswith("Q1")
    assert result.created == 3 and result.restore_point


def test_a_bad_row_refuses_the_sheet_and_changes_nothing(demo_dir: Path, tmp_path: Path) -> None:
    path = _sheet(tmp_path / "bad.xlsx", [
        ["Action", "Due", "RAG"],
        ["Good row", "31/03/2026", "G"],
        ["Bad date", "31/31/2026", "G"],
        ["Bad rag", "", "Purple"],
    ])
    before = _counts(demo_dir)
    with Copy.open(demo_dir) as copy:
        adoption = ActionSheetAdoption(copy, today=TODAY)
        with pytest.raises(BadRowsError) as refused:
            adoption.adopt(adoption.plan(path, PARTNERSHIP))
    assert [(b.row, "Due" in b.reason) for b in refused.value.bad] == [(3, True), (4, False)]
    assert "sheet 'Action plan', row 3" in str(refused.value)
    assert _counts(demo_dir) == before


def test_skip_bad_adopts_the_rest_and_lists_the_skipped(demo_copy: Copy, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("Action;Owner;Due\nFirst;Someone;31.3.26\nSecond;Other;not a day\n",
                    "utf-8-sig")
    adoption = ActionSheetAdoption(demo_copy, today=TODAY)
    result = adoption.adopt(adoption.plan(path, PARTNERSHIP), skip_bad=True)
    assert "First" in _actions(demo_copy) and "Second" not in _actions(demo_copy)
    assert "row 3" in result.summary()


def test_control_characters_are_refused_as_csa_set_refuses_them(
        demo_copy: Copy, tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("Action,Lead\nRing the \x1b[2Jbell,Me\n", "utf-8")
    adoption = ActionSheetAdoption(demo_copy, today=TODAY)
    plan = adoption.plan(path, PARTNERSHIP)
    assert plan.bad and "control character" in plan.bad[0].reason


def test_the_cli_adopts_and_one_undo_takes_it_back(demo_dir: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = _council_sheet(tmp_path / "plan.xlsx")
    before = _counts(demo_dir)
    assert main(["--data-dir", str(demo_dir), "adopt", "actions", str(path),
                 "--partnership", PARTNERSHIP, "--dry-run"]) == 0
    assert _counts(demo_dir) == before
    assert main(["--data-dir", str(demo_dir), "adopt", "actions", str(path),
                 "--partnership", PARTNERSHIP, "--map", "Lead=ignore"]) == 0
    assert "adopted 3 new action(s)" in capsys.readouterr().out
    assert _counts(demo_dir)["actions"] == before["actions"] + 3
    with Copy.open(demo_dir) as copy:
        assert all(a["lead_role"] is None for a in _actions(copy).values()
                   if a["title"] == "Train GP receptionists")
        restore_points.undo_last_import(copy)
    assert _counts(demo_dir) == before


def test_the_cli_names_bad_rows_and_exits_non_zero(demo_dir: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("Action,RAG\nOne,Purple\n", "utf-8")
    before = _counts(demo_dir)
    assert main(["--data-dir", str(demo_dir), "adopt", "actions", str(path),
                 "--partnership", PARTNERSHIP]) == 2
    assert "plan.csv" in capsys.readouterr().err
    assert _counts(demo_dir) == before


def test_history_says_the_action_was_imported_from_the_file(
        demo_copy: Copy, tmp_path: Path) -> None:
    from csa_desktop.services.history import history_lines

    path = tmp_path / "plan.csv"
    path.write_text("Action,Lead\nWalk the estates,PCSO\n", "utf-8")
    adoption = ActionSheetAdoption(demo_copy, today=TODAY)
    adoption.adopt(adoption.plan(path, PARTNERSHIP))
    uid = next(r.uid for r in demo_copy.records.list_kind("action")
               if r.title == "Walk the estates")
    assert [line.how for line in history_lines(demo_copy, uid)] == ["imported from plan.csv"]


def test_a_list_edited_in_excel_comes_back_as_one_undoable_update(
        demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(demo_dir), "list", "action", "--partnership", PARTNERSHIP,
                 "--csv"]) == 0
    exported = capsys.readouterr().out
    lines = exported.splitlines()
    assert lines[0].startswith("uid,") and len(lines) > 2
    edited = lines[0] + "\n" + lines[1].replace(",in-progress,", ",Done,").replace(
        ",not-started,", ",Done,").replace(",Neighbourhood Inspector,", ",Sergeant,") + "\n"
    path = tmp_path / "edited.csv"
    path.write_text(edited, "utf-8")
    uid = lines[1].split(",")[0]
    with Copy.open(demo_dir) as copy:
        before = copy.records.get(uid).fields
    assert main(["--data-dir", str(demo_dir), "adopt", "actions", str(path),
                 "--partnership", PARTNERSHIP]) == 2  # a uid without --update: refused
    assert main(["--data-dir", str(demo_dir), "adopt", "actions", str(path),
                 "--partnership", PARTNERSHIP, "--update"]) == 0
    with Copy.open(demo_dir) as copy:
        after = copy.records.get(uid).fields
        assert after["status"] == "completed"
        assert after["lead_role"] == ("Sergeant" if before["lead_role"] ==
                                      "Neighbourhood Inspector" else before["lead_role"])
        assert {k: v for k, v in after.items() if k not in ("status", "lead_role")} == {
            k: v for k, v in before.items() if k not in ("status", "lead_role")}
        restore_points.undo_last_import(copy)
    with Copy.open(demo_dir) as copy:
        assert copy.records.get(uid).fields == before


def test_the_service_words_no_command_line_options_and_the_cli_adds_its_own(
        demo_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from csa_desktop.services.adoption import MappingError

    path = tmp_path / "plan.csv"
    path.write_text("Action,RAG,uid\nOne,Purple,\nTwo,G,0000\n", "utf-8")
    with Copy.open(demo_dir) as copy:
        adoption = ActionSheetAdoption(copy, today=TODAY)
        plan = adoption.plan(path, PARTNERSHIP)
        with pytest.raises(BadRowsError) as refused:
            adoption.adopt(plan)
        with pytest.raises(MappingError) as unmapped:
            adoption.plan(path, PARTNERSHIP, mapping={0: "ignore", 1: "rag", 2: "ignore"})
    assert "--" not in str(refused.value) and "row 2" in str(refused.value)
    assert [b.needs_update for b in refused.value.bad] == [False, True]
    assert "--" not in str(unmapped.value) and "What we will do" in str(unmapped.value)
    assert main(["--data-dir", str(demo_dir), "adopt", "actions", str(path),
                 "--partnership", PARTNERSHIP]) == 2
    err = capsys.readouterr().err
    assert "--skip-bad" in err and "--update" in err
    assert main(["--data-dir", str(demo_dir), "adopt", "actions", str(path),
                 "--partnership", PARTNERSHIP, "--map", "Action=ignore"]) == 2
    assert '--map "COLUMN=title"' in capsys.readouterr().err


def test_when_sections_are_merged_across_an_action_in_its_title_cell_alone_stays_an_action(
        demo_copy: Copy, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["What we will do", "Lead", "Target date", "RAG"],
        ["Domestic abuse"],                      # row 2: a section, merged across
        ["Run awareness weeks", "Police", "31/03/2026", "G"],
        ["Review the referral pathway"],        # row 4: an action with only its title
        ["Anti-social behaviour"],               # row 5: a section, merged across
        ["Off-road bike operations", "Inspector", "March 2026", "A"],
    ]
    path = _sheet(tmp_path / "merged.xlsx", rows, merges=("A2:D2", "A5:D5"))
    adoption = ActionSheetAdoption(demo_copy, today=TODAY)
    adoption.adopt(adoption.plan(path, PARTNERSHIP))
    actions = _actions(demo_copy)
    lone = actions["Review the referral pathway"]
    first = actions["Run awareness weeks"]
    assert lone["priority_uid"] == first["priority_uid"]
    assert demo_copy.records.get(str(first["priority_uid"])).title == "Domestic abuse"
    assert "Domestic abuse" not in actions and "Anti-social behaviour" not in actions
    bikes = actions["Off-road bike operations"]
    assert demo_copy.records.get(str(bikes["priority_uid"])).title == "Anti-social behaviour"


def test_without_merged_sections_a_lone_first_cell_is_still_a_section(
        demo_copy: Copy, tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["What we will do", "Lead", "Target date", "RAG"],
        ["Domestic abuse"],
        ["Run awareness weeks", "Police", "31/03/2026", "G"],
    ]
    path = _sheet(tmp_path / "plain.xlsx", rows)
    adoption = ActionSheetAdoption(demo_copy, today=TODAY)
    adoption.adopt(adoption.plan(path, PARTNERSHIP))
    actions = _actions(demo_copy)
    assert "Domestic abuse" not in actions
    priority = demo_copy.records.get(str(actions["Run awareness weeks"]["priority_uid"]))
    assert priority.title == "Domestic abuse"


def test_a_cancelled_adoption_writes_nothing_and_leaves_no_restore_point(
        demo_copy: Copy, tmp_path: Path) -> None:
    from csa_desktop.services.import_plan import ImportCancelledError

    path = _council_sheet(tmp_path / "plan.xlsx")
    before = _counts(demo_copy.data_dir)
    points = restore_points.list_points(demo_copy)
    adoption = ActionSheetAdoption(demo_copy, today=TODAY)
    with pytest.raises(ImportCancelledError, match="nothing was imported"):
        adoption.adopt(adoption.plan(path, PARTNERSHIP), cancelled=lambda: True)
    assert _counts(demo_copy.data_dir) == before
    assert restore_points.list_points(demo_copy) == points
