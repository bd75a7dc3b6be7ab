"""The approval chain is data: presets and a county's own steps, set and shown with `csa
approvals chain`, recorded, corrected and withdrawn like today's steps, changed mid-refresh
with every decision kept."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from csa_desktop.cli import main
from csa_desktop.domain.cycle import PRESETS, ChainStep
from csa_desktop.domain.roles import Role
from csa_desktop.errors import InputError, ScopeError
from csa_desktop.services.approvals import set_chain, workflow
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.refresh import start_refresh
from tests.helpers import dump

TODAY = dt.date(2024, 12, 1)


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def chain_json(folder: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    capsys.readouterr()
    assert csa(folder, "approvals", "chain", "--json", *extra) == 0
    return json.loads(capsys.readouterr().out)


def steps_in_store(folder: Path) -> list[tuple[str, bool]]:
    with Copy.open(folder) as copy:
        return [(str(r["name"]), r.deleted) for r in
                copy.records.list_kind("approval-step", include_deleted=True)]


def the_agreement(folder: Path) -> dict:
    with Copy.open(folder) as copy:
        return dict(copy.records.list_kind("agreement")[0].fields)


@pytest.fixture
def draft_dir(demo_dir: Path) -> Path:
    """The demo copy at the start of its 2023/24 refresh, in editorial review."""
    with Copy.open(demo_dir) as copy:
        start_refresh(copy, "2023/24")
    assert csa(demo_dir, "approve", "editorial-review") == 0
    return demo_dir


def test_a_copy_with_no_chain_recorded_follows_the_two_tier_preset(demo_dir, capsys):
    data = chain_json(demo_dir, capsys)
    assert data["preset"] == "two-tier" and data["recorded"] is False
    assert [s["name"] for s in data["steps"]] == ["board", "cabinet", "council", "pcc"]
    assert steps_in_store(demo_dir) == []


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_is_stored_as_steps_and_walked_to_the_pcc(draft_dir, capsys, preset):
    assert csa(draft_dir, "approvals", "chain", "--preset", preset) == 0
    names = [s.name for s in PRESETS[preset]]
    stored = steps_in_store(draft_dir)
    assert [n for n, deleted in stored if not deleted] == names
    assert {n for n, deleted in stored if deleted} == {"board", "cabinet", "council",
                                                        "pcc"} - set(names)
    assert chain_json(draft_dir, capsys)["preset"] == preset
    day = dt.date(2024, 7, 1)
    for name in names:
        assert csa(draft_dir, "approve", name, "--date", day.isoformat()) == 0
        day += dt.timedelta(days=7)
    agreement = the_agreement(draft_dir)
    assert agreement["status"] == "sent-to-pcc"
    assert agreement["sent_to_pcc_on"] == day - dt.timedelta(days=7)
    with Copy.open(draft_dir) as copy:
        stages = {d["stage"] for d in copy.records.list_kind("approval")
                  if d["refresh_label"] == "2023/24"}
        flow = workflow(copy)
    assert stages == {s.status for s in PRESETS[preset] if not s.sends_to_pcc}
    assert [s.name for s in flow.chain] == names and all(s.reached for s in flow.chain)


def test_a_board_only_agreement_after_the_board_is_at_the_board_never_at_council(
        draft_dir, capsys):
    assert csa(draft_dir, "approvals", "chain", "--preset", "board-only") == 0
    assert csa(draft_dir, "approve", "board", "--date", "2024-07-01") == 0
    assert the_agreement(draft_dir)["status"] == "approved-by-board"
    capsys.readouterr()
    assert csa(draft_dir, "approve", "council", "--date", "2024-07-02") == 2
    assert "not an approval stage of this chain (steps: draft, editorial-review, board, pcc)" \
        in capsys.readouterr().err
    assert csa(draft_dir, "approve", "pcc", "--date", "2024-07-08") == 0
    assert the_agreement(draft_dir)["status"] == "sent-to-pcc"


def test_a_custom_chain_records_corrects_and_withdraws_its_own_step(draft_dir, capsys):
    assert csa(draft_dir, "approvals", "chain", "--set", "board",
               "panel:Reviewed by the Police and Crime Panel:Police and Crime Panel:minute",
               "pcc") == 0
    data = chain_json(draft_dir, capsys)
    assert data["preset"] is None
    assert data["steps"][1] == {"name": "panel",
                                "label": "Reviewed by the Police and Crime Panel",
                                "body": "Police and Crime Panel", "minute_required": True,
                                "sends_to_pcc": False}
    assert csa(draft_dir, "approve", "board", "--date", "2024-07-01") == 0
    before = dump(draft_dir)
    assert csa(draft_dir, "approve", "panel", "--date", "2024-07-10") == 2
    assert "needs the minute reference" in capsys.readouterr().err
    assert dump(draft_dir) == before
    assert csa(draft_dir, "approve", "panel", "--date", "2024-07-10", "--minute", "PCP 7") == 0
    assert the_agreement(draft_dir)["status"] == "panel"
    with Copy.open(draft_dir) as copy:
        panel = next(d for d in copy.records.list_kind("approval") if d["stage"] == "panel")
    assert panel["body"] == "Police and Crime Panel" and panel["minute_ref"] == "PCP 7"
    assert csa(draft_dir, "approve", "panel", "--correct", "--date", "2024-07-11") == 0
    assert csa(draft_dir, "approve", "panel", "--correct", "--minute", "") == 2
    assert "keeps its minute reference" in capsys.readouterr().err
    with Copy.open(draft_dir) as copy:
        assert copy.records.get(panel.uid)["decided_on"] == dt.date(2024, 7, 11)
    assert csa(draft_dir, "approve", "undo") == 0
    with Copy.open(draft_dir) as copy:
        assert copy.records.get(panel.uid).deleted
        assert workflow(copy).status == "approved-by-board"


def test_changing_the_chain_mid_refresh_keeps_every_decision_and_history_says_so(
        draft_dir, capsys):
    assert csa(draft_dir, "approve", "board", "--date", "2024-07-01", "--minute", "B1") == 0
    assert csa(draft_dir, "approve", "cabinet", "--date", "2024-09-05") == 0
    with Copy.open(draft_dir) as copy:
        decisions = {d.uid: dict(d.fields) for d in copy.records.list_kind("approval")}
    capsys.readouterr()
    assert csa(draft_dir, "approvals", "chain", "--preset", "board-only") == 0
    out = capsys.readouterr().out
    assert "removed step cabinet (kept in the history)" in out
    assert "decisions already recorded are kept" in out and "Noted by Cabinet: 5 September" \
        in out
    assert "moved from 'Noted by Cabinet' to 'Approved by the Board'" in out
    with Copy.open(draft_dir) as copy:
        assert {d.uid: dict(d.fields) for d in copy.records.list_kind("approval")} == decisions
        cabinet = next(r for r in copy.records.list_kind("approval-step", include_deleted=True)
                       if r["name"] == "cabinet")
        assert cabinet.deleted
        history = copy.records.history(cabinet.uid)
        agreement_history = copy.records.history(copy.records.list_kind("agreement")[0].uid)
    assert [h.new for h in history if h.field == "deleted"] == [True]
    assert any(h.field == "status" and h.old == "noted-by-cabinet"
               and h.new == "approved-by-board" for h in agreement_history)
    assert csa(draft_dir, "approvals", "chain", "--preset", "two-tier") == 0
    with Copy.open(draft_dir) as copy:
        step = next(r for r in copy.records.list_kind("approval-step")
                    if r["name"] == "cabinet")
        assert step.uid == cabinet.uid  # the same step comes back, with its history
        assert workflow(copy).stages[3].decided_on == dt.date(2024, 9, 5)


@pytest.mark.parametrize(("steps", "message"), [
    (["pcc", "board"], "sending to the PCC is the last step"),
    (["board", "board"], "already has a step 'board'"),
    (["Board Two:Label"], "lower-case letters"),
    (["draft:Draft again"], "keeps for itself"),
    (["scrutiny"], "give a new step its label"),
    (["x:Label:Body:loud"], "'loud' is not a step flag"),
])
def test_a_bad_chain_is_refused_by_step_and_changes_nothing(draft_dir, capsys, steps, message):
    before = dump(draft_dir)
    assert csa(draft_dir, "approvals", "chain", "--set", *steps) == 2
    assert message in capsys.readouterr().err
    assert dump(draft_dir) == before


def test_only_the_lead_sets_the_agreements_chain(tmp_path):
    with (init_copy(tmp_path, role=Role.DISTRICT, partnerships=["Pendle CSP"]) as copy,
          pytest.raises(ScopeError, match="only the lead")):
        set_chain(copy, PRESETS["unitary"])


def test_setting_the_same_chain_again_changes_nothing(draft_dir, capsys):
    assert csa(draft_dir, "approvals", "chain", "--preset", "unitary") == 0
    before = dump(draft_dir)
    capsys.readouterr()
    assert csa(draft_dir, "approvals", "chain", "--preset", "unitary") == 0
    assert "nothing changed" in capsys.readouterr().out
    assert dump(draft_dir) == before


def test_a_step_of_the_chain_cannot_be_edited_directly(draft_dir, capsys):
    with Copy.open(draft_dir) as copy:
        set_chain(copy, (ChainStep("board", "Approved by the Board"),
                         ChainStep("pcc", "Sent to the PCC", sends_to_pcc=True)))
        uid = copy.records.list_kind("approval-step")[0].uid
    capsys.readouterr()
    assert csa(draft_dir, "set", uid, "label=Something else") == 2
    assert "csa approvals chain" in capsys.readouterr().err
    with pytest.raises(InputError), Copy.open(draft_dir) as copy:
        copy.records.create("approval-step", {"name": "x", "label": "X"})


def test_a_local_plan_follows_its_own_chain_through_the_cli(demo_dir, capsys):
    west = "West Lancashire CSP"
    data = chain_json(demo_dir, capsys, "--plan", west)
    assert [s["name"] for s in data["steps"]] == ["board", "pcc"] and not data["recorded"]
    assert csa(demo_dir, "approve", "pcc", "--plan", west, "--date", "2024-06-01") == 2
    assert "the next step of West Lancashire CSP's plan is 'Approved by the partnership'" \
        in capsys.readouterr().err
    assert csa(demo_dir, "approve", "board", "--plan", west, "--date", "2024-06-03",
               "--minute", "WL 1") == 0
    assert csa(demo_dir, "approve", "board", "--plan", west, "--correct",
               "--minute", "WL 2") == 0
    assert csa(demo_dir, "approve", "pcc", "--plan", west, "--date", "2024-06-01") == 2
    assert "is before 'Approved by the partnership'" in capsys.readouterr().err
    assert csa(demo_dir, "approve", "pcc", "--plan", west, "--date", "2024-06-10") == 0
    capsys.readouterr()
    assert csa(demo_dir, "approvals", "--plan", west, "--json") == 0
    stages = json.loads(capsys.readouterr().out)["stages"]
    assert [(s["name"], s["decided_on"], s["minute_ref"]) for s in stages] == [
        ("board", "2024-06-03", "WL 2"), ("pcc", "2024-06-10", "")]
    assert csa(demo_dir, "approve", "undo", "--plan", west) == 0
    with Copy.open(demo_dir) as copy:
        held = copy.records.list_kind("plan-approval", include_deleted=True)
    assert [(r["step"], r.deleted) for r in held] == [("board", False), ("pcc", True)]
    # the agreement's approvals are untouched by the plan's
    assert the_agreement(demo_dir)["status"] == "noted-by-cabinet"


def test_a_local_plans_chain_is_set_with_plan(demo_dir, capsys):
    assert csa(demo_dir, "approvals", "chain", "--plan", "Pendle CSP", "--set",
               "board", "cabinet:Noted by the district's Cabinet:Pendle Borough Council",
               "pcc") == 0
    data = chain_json(demo_dir, capsys, "--plan", "Pendle CSP")
    assert [s["name"] for s in data["steps"]] == ["board", "cabinet", "pcc"]
    assert data["steps"][1]["body"] == "Pendle Borough Council" and data["recorded"]
    assert chain_json(demo_dir, capsys)["recorded"] is False  # the agreement's: untouched
