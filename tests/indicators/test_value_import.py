"""csa import-values: values from .csv and .xlsx built here; a preview of what would change,
every bad row named by its line and reason with nothing written, one undo for an import."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from csa_desktop.domain.indicators import value_uid
from csa_desktop.errors import InputError
from csa_desktop.services.copy import Copy
from csa_desktop.services.history import history_lines
from csa_desktop.services.value_import import ValueImport, read_number
from tests.bundle.builders import csa, database_state


def partnership(copy: Copy, name: str) -> str:
    return next(r.uid for r in copy.records.list_kind("partnership") if r.title == name)


def indicator(copy: Copy, name: str, frequency: str = "quarterly",
              where: str = "West Lancashire CSP") -> str:
    (made,) = copy.records.create("indicator", {
        "name": name, "polarity": "lower-is-better", "frequency": frequency,
        "target_value": "100", "partnership_uid": partnership(copy, where)}).created
    return made[1]


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


HEADINGS = ["Indicator", "Period", "Value", "Note"]


@pytest.fixture
def setup(demo_dir: Path) -> tuple[Path, dict[str, str]]:
    with Copy.open(demo_dir) as copy:
        uids = {"calls": indicator(copy, "Repeat calls"),
                "asb": indicator(copy, "ASB incidents"),
                "monthly": indicator(copy, "Monthly footfall", frequency="monthly"),
                "pendle": indicator(copy, "Pendle only", where="Pendle CSP")}
        copy.records.create("indicator-value", {"indicator_uid": uids["calls"],
                                                "period": "2024/25 Q1", "value": "120"})
    return demo_dir, uids


def test_a_csv_previews_what_would_change_and_a_dry_run_writes_nothing(setup, tmp_path,
                                                                       capsys):
    folder, uids = setup
    sheet = write_csv(tmp_path / "values.csv", [
        HEADINGS,
        ["Repeat calls", "2024/25 Q1", "118", "Police data"],
        ["repeat  CALLS", "2024/25 q2", "1,104.5", ""],
        [uids["asb"], "2024/25 Q1", "95", "by uid"],
    ])
    before = database_state(folder)
    capsys.readouterr()
    assert csa(folder, "import-values", str(sheet), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "would import 3 value(s) from values.csv: 2 new, 1 changed" in out
    assert "line 2: Repeat calls, 2024/25 Q1: 120 → 118" in out
    assert "line 3: Repeat calls, 2024/25 Q2: 1104.5 (new)" in out
    assert "line 4: ASB incidents, 2024/25 Q1: 95 (new)" in out
    assert database_state(folder) == before


def test_an_import_writes_every_value_with_history_naming_the_file_and_one_undo_takes_it_back(
        setup, tmp_path, capsys):
    folder, uids = setup
    sheet = write_csv(tmp_path / "police-q2.csv", [
        HEADINGS, ["Repeat calls", "2024/25 Q1", "118", "Police data"],
        ["Repeat calls", "2024/25 Q2", "1,104.5", ""]])
    assert csa(folder, "import-values", str(sheet)) == 0
    assert "undo it with 'csa restore-points undo'" in capsys.readouterr().out
    with Copy.open(folder) as copy:
        first = copy.records.get(value_uid(uids["calls"], "2024/25 Q1"))
        second = copy.records.get(value_uid(uids["calls"], "2024/25 Q2"))
        assert (first["value"], first["note"], second["value"]) == ("118", "Police data",
                                                                    "1104.5")
        assert any(line.how == "imported from police-q2.csv"
                   for line in history_lines(copy, first.uid))
    assert csa(folder, "restore-points", "undo") == 0
    with Copy.open(folder) as copy:
        assert copy.records.get(value_uid(uids["calls"], "2024/25 Q1"))["value"] == "120"
        held = [v for v in copy.records.list_kind("indicator-value")
                if v["indicator_uid"] in uids.values()]
        assert len(held) == 1


def test_every_bad_row_is_named_by_line_and_reason_and_nothing_is_written(setup, tmp_path,
                                                                          capsys):
    folder, _ = setup
    sheet = write_csv(tmp_path / "bad.csv", [
        ["Values to 30 September"],                            # a title line above
        HEADINGS,
        ["Repeat calls", "2024/25 Q2", "101", ""],             # good
        ["Burglary", "2024/25 Q2", "5", ""],                   # line 4: unknown
        ["ASB incidents", "2024-07", "5", ""],                 # line 5: a month, quarterly
        ["ASB incidents", "2024/25 Q2", "NaN", ""],            # line 6: not a number
        ["ASB incidents", "2024/25 Q3", "1e3", ""],            # line 7: exponent
        ["Repeat calls", "2024/25 q2", "99", ""],              # line 8: repeats line 3
        ["Pendle only", "2024/25 Q2", "3", ""],                # line 9: fine for the lead
        ["", "2024/25 Q2", "3", ""],                           # line 10: no indicator
        ["ASB incidents", "2024/25 Q4", "", ""],               # line 11: empty value
        ["Monthly footfall", "2024-13", "3", ""],              # line 12: no such month
    ])
    before = database_state(folder)
    capsys.readouterr()
    assert csa(folder, "import-values", str(sheet)) != 0
    err = capsys.readouterr().err
    assert "bad.csv: 8 row(s) cannot be imported, so nothing was imported" in err
    for expected in (
        "line 4: no indicator is named 'Burglary'",
        "line 5: period of 'ASB incidents': '2024-07' is not a period of this quarterly",
        "line 6: value: 'NaN' is not a number",
        "line 7: value: '1e3' is written with an exponent",
        "line 8: 'Repeat calls' for 2024/25 Q2 is on line 3 already",
        "line 10: the indicator is empty",
        "line 11: the value is empty",
        "line 12: period of 'Monthly footfall': '2024-13' is not a month",
    ):
        assert expected in err, expected
    assert "line 3:" not in err and "line 9:" not in err
    assert database_state(folder) == before


def test_a_name_two_indicators_share_must_be_given_by_uid(setup, tmp_path):
    folder, uids = setup
    with Copy.open(folder) as copy:
        indicator(copy, "Repeat calls", where="Pendle CSP")
        plan = ValueImport(copy).plan(write_csv(tmp_path / "v.csv", [
            HEADINGS, ["Repeat calls", "2024/25 Q2", "1", ""],
            [uids["calls"], "2024/25 Q2", "1", ""]]))
    assert [(b.row, b.reason) for b in plan.bad] == [
        (2, "2 indicators are named 'Repeat calls' (Pendle CSP, West Lancashire CSP): give "
            "the uid of the one meant")]
    assert [v.line for v in plan.values] == [3]


def test_a_district_cannot_import_values_for_another_partnerships_indicator(tmp_path):
    from csa_desktop.domain.roles import Role
    from csa_desktop.services.copy import init_copy

    with init_copy(tmp_path / "west", role=Role.DISTRICT,
                   partnerships=["West Lancashire CSP"]) as west:
        indicator(west, "Ours")
    # Pendle's indicator, as the lead's baseline would bring it into the district's copy
    import sqlite3

    conn = sqlite3.connect(tmp_path / "west" / "csa.sqlite3")
    pendle = conn.execute("SELECT uid FROM partnerships WHERE name = 'Pendle CSP'").fetchone()
    conn.execute(
        "INSERT INTO indicators (uid, rev, updated_at, updated_by, deleted, name, polarity, "
        "frequency, partnership_uid) VALUES ('6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a14', 1, "
        "'2024-01-01 00:00:00', 'lead', 0, 'Theirs', 'lower-is-better', 'quarterly', ?)",
        pendle)
    conn.commit()
    conn.close()
    sheet = write_csv(tmp_path / "v.csv", [HEADINGS, ["Ours", "2024/25 Q1", "1", ""],
                                           ["Theirs", "2024/25 Q1", "2", ""]])
    with Copy.open(tmp_path / "west") as west:
        before = database_state(tmp_path / "west")
        service = ValueImport(west)
        with pytest.raises(InputError, match="line 3: 'Theirs' is outside this district "
                                             "copy's partnerships"):
            service.apply(service.plan(sheet))
    assert database_state(tmp_path / "west") == before


def test_an_xlsx_with_number_and_date_cells_is_read_as_people_see_it(setup, tmp_path):
    folder, _ = setup
    sheet = write_xlsx(tmp_path / "values.xlsx", [
        HEADINGS,
        ["Repeat calls", "2024/25 Q2", 12.5, None],
        ["ASB incidents", "2024/25 Q2", 1204, "whole"],
        ["ASB incidents", "2024/25 Q3", 0.1 + 0.2, None],     # Excel's own arithmetic
        ["Monthly footfall", dt.datetime(2024, 7, 1), 30, "Excel made it a date"],
        ["ASB incidents", dt.datetime(2024, 7, 1), 30, None],  # a date for a quarter
    ])
    with Copy.open(folder) as copy:
        plan = ValueImport(copy).plan(sheet)
    assert [(v.line, v.period, v.value) for v in plan.values] == [
        (2, "2024/25 Q2", "12.5"), (3, "2024/25 Q2", "1204"),
        (4, "2024/25 Q3", "0.3"), (5, "2024-07", "30")]
    assert [(b.row, b.reason) for b in plan.bad] == [
        (6, "period: 01/07/2024 is a date; write the quarter as 2024/25 Q1")]


def test_a_sheet_without_the_columns_is_refused_naming_its_headings(setup, tmp_path):
    folder, _ = setup
    sheet = write_csv(tmp_path / "wrong.csv", [["Name", "When", "How many"],
                                               ["Repeat calls", "2024/25 Q1", "3"]])
    with Copy.open(folder) as copy, pytest.raises(
            InputError, match=r"no column for indicator, period, value .*Name, When, How many"):
        ValueImport(copy).plan(sheet)


def test_a_value_deleted_and_imported_again_is_the_same_record_and_an_unchanged_one_is_left(
        setup, tmp_path, capsys):
    folder, uids = setup
    with Copy.open(folder) as copy:
        copy.records.delete(value_uid(uids["calls"], "2024/25 Q1"))
        copy.records.create("indicator-value", {"indicator_uid": uids["asb"],
                                                "period": "2024/25 Q1", "value": "7.50"})
    sheet = write_csv(tmp_path / "v.csv", [HEADINGS, ["Repeat calls", "2024/25 Q1", "121", ""],
                                           ["ASB incidents", "2024/25 Q1", "7.5", ""]])
    capsys.readouterr()
    assert csa(folder, "import-values", str(sheet)) == 0
    out = capsys.readouterr().out
    assert "0 new, 0 changed, 1 entered again, 1 already so" in out
    with Copy.open(folder) as copy:
        again = copy.records.get(value_uid(uids["calls"], "2024/25 Q1"))
        kept = copy.records.get(value_uid(uids["asb"], "2024/25 Q1"))
    assert (again.deleted, again["value"]) == (False, "121")
    assert (kept.rev, kept["value"]) == (1, "7.50")


@pytest.mark.parametrize(("cell", "text"), [
    (12.5, "12.5"), (1204.0, "1204"), (0.1 + 0.2, "0.3"), (1e-05, "0.00001"),
    (1e20, "100000000000000000000"), (-3.75, "-3.75"), (7, "7"), ("1,204", "1204"),
    (" 12.50 ", "12.50"),
])
def test_a_number_cell_is_read_as_excel_shows_it_never_as_a_float_prints(cell, text):
    assert read_number(cell) == text


@pytest.mark.parametrize(("cell", "message"), [
    (float("nan"), "not a number"), (float("inf"), "not a number"), (True, "not a number"),
    (dt.date(2024, 7, 1), "is a date, not a number"), ("  ", "empty"),
])
def test_a_cell_that_is_no_number_is_refused(cell, message):
    with pytest.raises(InputError, match=message):
        read_number(cell)
