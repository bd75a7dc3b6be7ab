"""The reporting calendar (#21 item 5): updates due a number of days after a quarter ends and
listed once due, board meetings and the next of each in `csa due` (day frozen with --today),
and the printable due list for a partnership meeting."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from csa_desktop.cli import main
from csa_desktop.domain.reporting import due_period
from csa_desktop.errors import InputError
from csa_desktop.services.copy import Copy
from csa_desktop.services.due import due_items, due_list_data, due_list_pdf
from tests.helpers import dump
from tests.printing.pdfcheck import squashed, text


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def _agreement(copy: Copy) -> str:
    return copy.records.list_kind("agreement")[0].uid


@pytest.mark.parametrize(("day", "days", "period", "due"), [
    (dt.date(2023, 7, 5), None, "2023/24 Q2", dt.date(2023, 9, 30)),  # no calendar: as before
    (dt.date(2023, 7, 5), 14, "2022/23 Q4",
     dt.date(2023, 4, 14)),  # Q1's updates are not due until 14 July
    (dt.date(2023, 7, 14), 14, "2023/24 Q1", dt.date(2023, 7, 14)),  # due today: listed
    (dt.date(2024, 1, 20), 0, "2023/24 Q3", dt.date(2023, 12, 31)),
    (dt.date(2024, 4, 30), 45, "2023/24 Q3", dt.date(2024, 2, 14)),
])
def test_the_period_owed_is_the_latest_whose_updates_are_due(day, days, period, due) -> None:
    assert due_period(day, days) == (period, due)


def test_with_a_calendar_updates_are_listed_once_due_with_their_due_date(demo_dir: Path,
                                                                         capsys) -> None:
    with Copy.open(demo_dir) as copy:
        copy.records.update(_agreement(copy), {"update_due_days": 14})
    before = dump(demo_dir)
    capsys.readouterr()
    assert csa(demo_dir, "due", "--today", "2023-07-05", "--json") == 0
    early = [i for i in json.loads(capsys.readouterr().out) if i["kind"] == "missing-update"]
    assert early and {i["due_on"] for i in early} == {"2023-04-14"}
    assert all("2022/23 Q4" in i["detail"] for i in early)
    assert csa(demo_dir, "due", "--today", "2023-07-14", "--json") == 0
    due = [i for i in json.loads(capsys.readouterr().out) if i["kind"] == "missing-update"]
    assert due and {i["due_on"] for i in due} == {"2023-07-14"}
    assert all("2023/24 Q1" in i["detail"] for i in due)
    assert dump(demo_dir) == before


def test_a_calendar_beyond_ninety_days_is_refused_and_nothing_changes(demo_copy: Copy) -> None:
    uid = _agreement(demo_copy)
    with pytest.raises(InputError, match="200 days is not between 0 and 90"):
        demo_copy.records.update(uid, {"update_due_days": 200})
    assert demo_copy.records.get(uid).fields["update_due_days"] is None


def test_the_next_meeting_of_each_board_is_listed_and_past_ones_are_not(demo_dir: Path,
                                                                        capsys) -> None:
    with Copy.open(demo_dir) as copy:
        west = next(p.uid for p in copy.records.list_kind("partnership")
                    if p.title == "West Lancashire CSP")
    for body, day, owner in (
            ("Community Safety Partnership Board", "2023-06-01", None),
            ("Community Safety Partnership Board", "2023-09-14", None),
            ("Community Safety Partnership Board", "2023-12-07", None),
            ("West Lancashire CSP Board", "2023-07-20", west)):
        extra = [f"partnership_uid={owner}"] if owner else []
        assert csa(demo_dir, "add", "meeting", f"body={body}", f"held_on={day}", *extra) == 0
    capsys.readouterr()
    assert csa(demo_dir, "due", "--today", "2023-07-05", "--json") == 0
    meetings = [(i["partnership"], i["title"], i["due_on"])
                for i in json.loads(capsys.readouterr().out) if i["kind"] == "next-meeting"]
    assert meetings == [("West Lancashire CSP", "West Lancashire CSP Board", "2023-07-20"),
                        (None, "Community Safety Partnership Board", "2023-09-14")]
    assert csa(demo_dir, "due", "--today", "2023-07-05", "--partnership", "Pendle CSP") == 0
    out = capsys.readouterr().out
    assert "Next meetings (1):" in out and "West Lancashire CSP Board" not in out


def test_a_district_records_its_own_board_meeting_but_not_the_county_s(tmp_path: Path) -> None:
    from csa_desktop.domain.roles import Role
    from csa_desktop.errors import ScopeError
    from csa_desktop.services.copy import init_copy

    with init_copy(tmp_path / "d", role=Role.DISTRICT, partnerships=["West Lancashire CSP"],
                   name="West Lancs") as district:
        west = next(p.uid for p in district.records.list_kind("partnership")
                    if p.title == "West Lancashire CSP")
        district.records.create("meeting", {"body": "West Lancashire CSP Board",
                                            "held_on": dt.date(2023, 7, 20),
                                            "partnership_uid": west})
        with pytest.raises(ScopeError):
            district.records.create("meeting", {"body": "County board",
                                                "held_on": dt.date(2023, 7, 21)})
        items = due_items(district, today=dt.date(2023, 7, 1))
    assert [i.title for i in items if i.kind == "next-meeting"] == ["West Lancashire CSP Board"]


def test_the_due_list_prints_what_is_due_under_its_headings(demo_dir: Path) -> None:
    with Copy.open(demo_dir) as copy:
        copy.records.create("meeting", {"body": "Community Safety Partnership Board",
                                        "held_on": dt.date(2023, 9, 14)})
        data = due_list_data(copy, partnership="Pendle CSP", today=dt.date(2023, 7, 5))
        pdf = due_list_pdf(copy, partnership="Pendle CSP", today=dt.date(2023, 7, 5),
                           invariant=True)
    assert data.scope == "Pendle CSP"
    assert [g.heading for g in data.groups][-2:] == ["Next meetings", "The next refresh"]
    printed = squashed(text(pdf))
    assert squashed("What is due") in printed
    assert squashed("Pendle CSP · as on 5 July 2023") in printed
    assert squashed("Next meetings (1)") in printed
    assert squashed("Progress updates owed") in printed
    assert "WestLancashireCSP" not in printed


def test_csa_print_due_list_writes_the_pdf_as_on_its_date(demo_dir: Path, tmp_path: Path,
                                                          capsys) -> None:
    out = tmp_path / "due.pdf"
    assert csa(demo_dir, "print", "due-list", "--partnership", "West Lancashire CSP",
               "--date", "2023-07-05", "--out", str(out)) == 0
    assert "wrote" in capsys.readouterr().out
    printed = squashed(text(out.read_bytes()))
    assert squashed("as on 5 July 2023") in printed
    assert squashed("Actions past their due date") in printed


def test_a_long_group_starts_under_the_title_and_leaves_no_page_blank(demo_copy: Copy) -> None:
    from tests.printing.pdfcheck import page_texts

    pages = page_texts(due_list_pdf(demo_copy, today=dt.date(2026, 12, 7), invariant=True))
    assert "Actions past their due date (18)" in pages[0]  # not pushed overleaf whole
    assert "Partnership" in pages[0] and "overdue" in pages[0]
    assert len(pages) == 3
