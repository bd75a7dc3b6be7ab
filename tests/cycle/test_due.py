"""csa due, with the day frozen (--today): overdue actions, updates owed for the quarter and the
agreement's next approval step; a partnership sees its own; nothing is changed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from csa_desktop.cli import main
from csa_desktop.services.copy import Copy
from csa_desktop.services.due import due_items
from tests.helpers import dump


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def test_due_lists_overdue_actions_owed_updates_and_the_next_approval(demo_dir: Path, capsys):
    before = dump(demo_dir)
    assert csa(demo_dir, "due", "--today", "2023-06-10", "--json") == 0
    items = json.loads(capsys.readouterr().out)
    with Copy.open(demo_dir) as copy:
        actions = [a for a in copy.records.list_kind("action") if not a["archived_in"]]
    late = {a.uid for a in actions if a["due_on"] and a["due_on"] < dt.date(2023, 6, 10)
            and a["status"] not in ("completed", "cancelled")}
    assert {i["uid"] for i in items if i["kind"] == "overdue-action"} == late
    owed = [i for i in items if i["kind"] == "missing-update"]
    assert owed and all(i["due_on"] == "2023-06-30" for i in owed)  # the end of 2023/24 Q1
    [approval] = [i for i in items if i["kind"] == "approval"]
    assert approval["title"] == "Approved by Full Council"
    assert dump(demo_dir) == before


def test_an_update_written_for_the_quarter_is_no_longer_owed(demo_copy: Copy):
    day = dt.date(2023, 6, 10)
    owed = [i for i in due_items(demo_copy, today=day) if i.kind == "missing-update"]
    demo_copy.records.create("progress-update", {
        "action_uid": owed[0].uid, "period": "2023/24 Q1", "reported_on": day, "rag": "green",
        "narrative": "Done."})
    after = [i.uid for i in due_items(demo_copy, today=day) if i.kind == "missing-update"]
    assert owed[0].uid not in after and len(after) == len(owed) - 1


def test_one_partnership_sees_its_own_actions_and_no_approvals(demo_dir: Path, capsys):
    assert csa(demo_dir, "due", "--partnership", "Pendle CSP", "--today", "2023-06-10") == 0
    out = capsys.readouterr().out
    assert "Pendle CSP" in out and "West Lancashire CSP" not in out
    assert "approval step" not in out


def test_a_bad_date_is_refused_by_name(demo_dir: Path, capsys):
    assert csa(demo_dir, "due", "--today", "10/06/2023") == 2
    assert "--today" in capsys.readouterr().err
