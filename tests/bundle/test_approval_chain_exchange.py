"""The approval chain across versions and copies: a copy made before chains (revision 0009)
upgrades with every decision kept, the lead's to the two-tier chain; the chain travels in
the lead's baseline; a district records its own plan's approvals and they reach the lead."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from csa_desktop.domain.cycle import PRESETS
from csa_desktop.errors import ScopeError
from csa_desktop.services.approvals import set_chain, workflow
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy
from csa_desktop.services.plan_approvals import plan_advance, plan_workflow
from csa_desktop.services.sync import SyncService
from csa_desktop.storage.database import make_engine
from tests.bundle.conftest import Exchange
from tests.bundle.test_local_changes import sent

TODAY = dt.date(2024, 12, 1)


def back_to_0009(folder: Path) -> None:
    """The copy as CSA Desktop wrote it before approval chains (revision 0009)."""
    engine = make_engine(folder / "csa.sqlite3")
    config = Config()
    config.set_main_option("script_location", "csa_desktop.storage:migrations")
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0009_indicators")
        connection.commit()
    engine.dispose()
    conn = sqlite3.connect(folder / "csa.sqlite3")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == \
        ("0009_indicators",)
    conn.close()
    assert "approval_steps" not in tables and "plan_approvals" not in tables


def decisions(folder: Path) -> tuple[list[dict], dict]:
    with Copy.open(folder) as copy:
        agreement = copy.records.list_kind("agreement")[0]
        return ([{"uid": a.uid, "rev": a.rev, **a.fields}
                 for a in copy.records.list_kind("approval", include_deleted=True)],
                {"rev": agreement.rev, **agreement.fields})


def test_the_leads_copy_from_before_chains_upgrades_to_two_tier_keeping_every_decision(
        exchange: Exchange):
    before = decisions(exchange.lead)
    assert {a["stage"] for a in before[0]} >= {"approved-by-board", "noted-by-cabinet"}
    back_to_0009(exchange.lead)
    assert decisions(exchange.lead) == before  # opening upgrades it again
    with Copy.open(exchange.lead) as lead:
        steps = lead.records.list_kind("approval-step")
        flow = workflow(lead)
        history = lead.records.history(steps[0].uid)
    assert [(s["name"], s["label"], s["sends_to_pcc"]) for s in steps] == [
        (s.name, s.label, s.sends_to_pcc) for s in PRESETS["two-tier"]]
    assert steps[0]["body"] == "Lancashire Community Safety Partnership Board"
    assert flow.chain_recorded and flow.status == "noted-by-cabinet"
    assert [s.decided_on for s in flow.chain[:2]] == [dt.date(2022, 7, 4), dt.date(2022, 9, 8)]
    assert {h.field for h in history} >= {"name", "label", "body", "position"}


def test_a_district_copy_from_before_chains_upgrades_with_nothing_new_to_send(
        exchange: Exchange):
    with Copy.open(exchange.district) as district:
        before = sent(district, exchange.tmp / "before.csabundle")
    back_to_0009(exchange.district)
    with Copy.open(exchange.district) as district:
        assert district.records.list_kind("approval-step") == []
        assert workflow(district).status == "noted-by-cabinet"  # the two-tier default
        after = sent(district, exchange.tmp / "after.csabundle")
    assert after.keys() == before.keys()


def test_the_leads_chain_travels_in_its_baseline(exchange: Exchange):
    with Copy.open(exchange.lead) as lead:
        set_chain(lead, PRESETS["board-only"])
        BundleService(lead).export(exchange.tmp / "baseline-2.csabundle")
    with Copy.open(exchange.district) as district:
        report = SyncService(district).import_files([exchange.tmp / "baseline-2.csabundle"])
        assert not report.refused, report.refused
        flow = workflow(district)
        changes = sent(district, exchange.tmp / "out.csabundle")
    assert [s.name for s in flow.chain] == ["board", "pcc"] and flow.chain_recorded
    assert not any(c["kind"] == "approval-step" for c in changes.values())


def test_a_district_records_its_plans_approvals_and_they_reach_the_lead(exchange: Exchange):
    with Copy.open(exchange.district) as district:
        plan_advance(district, exchange.partnership, "board", on=dt.date(2024, 6, 3),
                     minute_ref="WLCSP 24/6", today=TODAY)
        plan_advance(district, exchange.partnership, "pcc", on=dt.date(2024, 6, 10),
                     today=TODAY)
        with pytest.raises(ScopeError, match="outside its scope"):
            plan_advance(district, exchange.other_partnership, "board",
                         on=dt.date(2024, 6, 3), today=TODAY)
        BundleService(district).export(exchange.tmp / "west.csabundle")
    with Copy.open(exchange.lead) as lead:
        report = SyncService(lead).import_files([exchange.tmp / "west.csabundle"])
        assert not report.refused, report.refused
        flow = plan_workflow(lead, exchange.partnership)
    assert [(s.name, s.decided_on, s.minute_ref, s.reached) for s in flow.stages] == [
        ("board", dt.date(2024, 6, 3), "WLCSP 24/6", True),
        ("pcc", dt.date(2024, 6, 10), "", True)]
    assert flow.lines[0] == "Approved by the partnership: 3 June 2024, minute WLCSP 24/6"
    assert flow.stages[0].body == "West Lancashire CSP"
