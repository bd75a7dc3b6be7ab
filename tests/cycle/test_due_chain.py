"""csa due reads the chains (day frozen with --today): an approval waiting on its next step,
and the agreement or a local plan approved but not yet sent to the PCC; a district sees its
own plan, the lead every plan."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from csa_desktop.cli import main
from csa_desktop.domain.cycle import PRESETS
from csa_desktop.services.approvals import set_chain
from csa_desktop.services.copy import Copy
from csa_desktop.services.due import due_items
from csa_desktop.services.plan_approvals import plan_advance, set_plan_chain
from tests.helpers import dump

DAY = dt.date(2024, 7, 1)


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def due(folder: Path, capsys, *extra: str) -> list[dict]:
    capsys.readouterr()
    assert csa(folder, "due", "--today", DAY.isoformat(), "--json", *extra) == 0
    return [i for i in json.loads(capsys.readouterr().out)
            if i["kind"] in ("approval", "not-sent-to-pcc")]


def test_the_agreement_waits_on_its_next_step_with_the_days_since_its_last(demo_dir, capsys):
    before = dump(demo_dir)
    [item] = due(demo_dir, capsys)
    assert (item["kind"], item["title"]) == ("approval", "Approved by Full Council")
    assert "waiting since 8 September 2022 (662 days ago)" in item["detail"]
    assert dump(demo_dir) == before


def test_a_unitary_agreement_after_cabinet_is_due_to_the_pcc(demo_dir, capsys):
    with Copy.open(demo_dir) as copy:
        set_chain(copy, PRESETS["unitary"])  # Board → Cabinet → PCC: Cabinet was the last
    [item] = due(demo_dir, capsys)
    assert item["kind"] == "not-sent-to-pcc" and item["due_on"] == "2022-09-08"
    assert "not yet sent to the Police and Crime Commissioner: csa approve pcc" in \
        item["detail"]
    assert csa(demo_dir, "approve", "pcc", "--date", "2024-06-30") == 0
    assert due(demo_dir, capsys) == []  # every step done: nothing due


def test_a_board_only_agreement_is_due_to_the_pcc_right_after_the_board(demo_dir, capsys):
    with Copy.open(demo_dir) as copy:
        set_chain(copy, PRESETS["board-only"])
    [item] = due(demo_dir, capsys)
    assert item["kind"] == "not-sent-to-pcc" and item["due_on"] == "2022-07-04"
    assert "last approved 4 July 2022 (Approved by the Board" in item["detail"]


def test_local_plans_waiting_are_listed_by_partnership(demo_dir, capsys):
    with Copy.open(demo_dir) as copy:
        plan_advance(copy, "West Lancashire CSP", "board", on=dt.date(2024, 6, 3), today=DAY)
        set_plan_chain(copy, "Pendle CSP", (PRESETS["two-tier"][0], PRESETS["two-tier"][1],
                                            PRESETS["two-tier"][3]))
        plan_advance(copy, "Pendle CSP", "board", on=dt.date(2024, 6, 10), today=DAY)
    items = due(demo_dir, capsys)
    plans = [(i["kind"], i["partnership"], i["title"].split(": ", 1)[1]) for i in items
             if i["partnership"]]
    assert plans == [("approval", "Pendle CSP", "Noted by Cabinet"),
                     ("not-sent-to-pcc", "West Lancashire CSP", "Sent to the PCC")]
    only = due(demo_dir, capsys, "--partnership", "West Lancashire CSP")
    assert [(i["kind"], i["partnership"]) for i in only] == [
        ("not-sent-to-pcc", "West Lancashire CSP")]  # and not the agreement's


def test_a_district_sees_its_own_plans_approvals_only(tmp_path, published):
    from csa_desktop.services.new_copy import join_partnership

    _lead, baseline = published
    with join_partnership(tmp_path / "west", baseline, partnership="West Lancashire CSP",
                          name="Jo") as district:
        plan_advance(district, "West Lancashire CSP", "board", on=dt.date(2024, 6, 3),
                     today=DAY)
        items = [i for i in due_items(district, today=DAY)
                 if i.kind in ("approval", "not-sent-to-pcc")]
    assert [(i.kind, i.partnership) for i in items] == [
        ("approval", ""), ("not-sent-to-pcc", "West Lancashire CSP")]
