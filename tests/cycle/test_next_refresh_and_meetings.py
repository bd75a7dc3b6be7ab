"""What is due beyond the actions (#21 item 5): the next refresh (its financial year's first day,
or a new agreement when this one ends first; never for a rolling one), and the boards'
meetings as the Meetings page lists them, the coming ones first."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from csa_desktop.cli import main
from csa_desktop.services.copy import Copy
from csa_desktop.services.due import due_items
from csa_desktop.services.meetings import COUNTY, meeting_rows
from tests.helpers import dump


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def _refresh(folder: Path, capsys, day: str) -> list[dict]:
    capsys.readouterr()
    assert csa(folder, "due", "--today", day, "--json") == 0
    return [i for i in json.loads(capsys.readouterr().out) if i["kind"] == "next-refresh"]


def test_the_next_refresh_is_due_when_its_financial_year_begins(demo_dir, capsys) -> None:
    before = dump(demo_dir)
    [item] = _refresh(demo_dir, capsys, "2023-02-20")  # the demo is at its 2022/23 refresh
    assert (item["title"], item["due_on"]) == ("The 2023/24 refresh", "2023-04-01")
    assert "its year begins 1 April 2023 (in 40 days)" in item["detail"]
    assert "csa refresh start --year 2023/24" in item["detail"]
    [late] = _refresh(demo_dir, capsys, "2023-04-11")
    assert "(10 days ago)" in late["detail"]
    assert dump(demo_dir) == before  # reading what is due changes nothing


def test_an_agreement_ending_before_the_next_year_is_due_a_new_agreement(demo_dir,
                                                                         capsys) -> None:
    assert csa(demo_dir, "refresh", "start", "--year", "2024/25") == 0
    [item] = _refresh(demo_dir, capsys, "2025-01-06")  # Lancashire's agreement ends 31 March 2025
    assert (item["title"], item["due_on"]) == ("A new agreement", "2025-03-31")
    assert "this agreement ends 31 March 2025 (in 84 days)" in item["detail"]


def test_a_rolling_agreement_is_always_due_its_next_refresh(demo_dir, capsys) -> None:
    assert csa(demo_dir, "refresh", "start", "--year", "2024/25") == 0
    with Copy.open(demo_dir) as copy:
        uid = copy.records.list_kind("agreement")[0].uid
    assert csa(demo_dir, "set", uid, "rolling=yes") == 0
    [item] = _refresh(demo_dir, capsys, "2025-01-06")
    assert (item["title"], item["due_on"]) == ("The 2025/26 refresh", "2025-04-01")


def test_without_actions_the_due_list_keeps_the_rest(demo_copy: Copy) -> None:
    day = dt.date(2023, 6, 10)
    every = due_items(demo_copy, today=day)
    rest = due_items(demo_copy, today=day, actions=False)
    assert {i.kind for i in every} >= {"overdue-action", "missing-update"}
    assert rest == [i for i in every if i.kind not in ("overdue-action", "missing-update")]
    assert [i.kind for i in rest] == ["approval", "next-refresh"]


def test_meetings_are_listed_coming_first_then_past_latest_first(demo_copy: Copy) -> None:
    west = next(p.uid for p in demo_copy.records.list_kind("partnership")
                if p.title == "West Lancashire CSP")
    for body, day, owner in (("Board", dt.date(2023, 6, 1), None),
                             ("Board", dt.date(2023, 9, 14), None),
                             ("West Lancashire CSP Board", dt.date(2023, 7, 20), west),
                             ("Board", dt.date(2023, 3, 2), None),
                             ("Board", dt.date(2023, 7, 5), None)):
        fields = {"body": body, "held_on": day}
        if owner:
            fields["partnership_uid"] = owner
        demo_copy.records.create("meeting", fields)
    rows = meeting_rows(demo_copy, today=dt.date(2023, 7, 5))
    assert [(r.date_text, r.partnership, r.when) for r in rows] == [
        ("5 July 2023", COUNTY, "today"),
        ("20 July 2023", "West Lancashire CSP", "in 2 weeks"),
        ("14 September 2023", COUNTY, "in 2 months"),
        ("1 June 2023", COUNTY, "4 weeks ago"),
        ("2 March 2023", COUNTY, "4 months ago"),
    ]
    assert all(r.editable for r in rows)  # the lead's copy keeps every board's meetings
