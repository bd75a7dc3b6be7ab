"""Bundles of an older format are read and brought up to date: a district on the previous CSA
Desktop can still send its changes, and a baseline published before indicators can be joined.
A newer format is refused with "please update" (tests/bundle/test_hostile_bundles.py)."""

from __future__ import annotations

import copy as copying
from pathlib import Path

from csa_desktop.bundle.format import FORMAT_VERSION
from csa_desktop.domain.kinds import new_uid
from csa_desktop.services.copy import Copy
from csa_desktop.services.new_copy import join_partnership
from csa_desktop.services.sync import SyncService
from tests.bundle.builders import BundleParts
from tests.bundle.conftest import Exchange

LINKED = ("action", "local-priority")  # the kinds format 2 gave indicator_uids


def test_a_format_1_contribution_creating_an_action_imports_with_no_indicators(
        exchange: Exchange):
    assert FORMAT_VERSION >= 2  # format 2 gave actions indicator_uids
    parts = BundleParts.of(exchange.contribution, exchange.district_key)
    records = BundleParts.of(exchange.baseline, exchange.lead_key).payload["records"]
    model = next(r for r in records if r["kind"] == "action" and r["uid"] == exchange.action)
    fields = {name: {"base": None, "new": value} for name, value in model["fields"].items()
              if name != "indicator_uids"}  # format 1 had no such field
    fields["title"] = {"base": None, "new": "Run a knife amnesty in Skelmersdale"}
    created = new_uid()
    parts.payload["changes"].append({"kind": "action", "uid": created, "op": "create",
                                     "base_rev": None, "fields": fields})
    parts.manifest["format_version"] = 1
    with Copy.open(exchange.lead) as lead:
        report = SyncService(lead).import_files([exchange.file(parts.build(), "old.csabundle")])
        assert not report.refused, report.refused
        action = lead.records.get(created)
    assert action.title == "Run a knife amnesty in Skelmersdale"
    assert action.fields["indicator_uids"] == []


def test_a_baseline_published_before_indicators_can_be_joined(exchange: Exchange,
                                                               tmp_path: Path):
    parts = BundleParts.of(exchange.baseline, exchange.lead_key)
    old = copying.deepcopy(parts.payload)
    old["records"] = [r for r in old["records"] if not r["kind"].startswith("indicator")]
    for record in old["records"]:
        if record["kind"] in LINKED:
            del record["fields"]["indicator_uids"]
    parts.payload = old
    parts.manifest["format_version"] = 1
    baseline = exchange.file(parts.build(), "old-baseline.csabundle")
    with join_partnership(tmp_path / "west", baseline, partnership="West Lancashire CSP",
                          name="Jo") as district:
        actions = district.records.list_kind("action")
        priorities = district.records.list_kind("local-priority")
    assert actions and priorities
    assert all(r.fields["indicator_uids"] == [] for r in [*actions, *priorities])


def test_a_format_2_baseline_from_before_approval_chains_is_joined_on_the_two_tier_chain(
        exchange: Exchange, tmp_path: Path):
    from csa_desktop.domain.cycle import PRESETS
    from csa_desktop.services.approvals import set_chain, workflow
    from csa_desktop.services.bundles import BundleService

    with Copy.open(exchange.lead) as lead:
        set_chain(lead, PRESETS["two-tier"])  # steps in the file, which version 2 never had
        BundleService(lead).export(tmp_path / "now.csabundle")
    parts = BundleParts.of((tmp_path / "now.csabundle").read_bytes(), exchange.lead_key)
    assert any(r["kind"] == "approval-step" for r in parts.payload["records"])
    parts.payload["records"] = [r for r in parts.payload["records"]
                                if r["kind"] not in ("approval-step", "plan-approval")]
    parts.manifest["format_version"] = 2
    baseline = exchange.file(parts.build(), "v2-baseline.csabundle")
    with join_partnership(tmp_path / "west", baseline, partnership="West Lancashire CSP",
                          name="Jo") as district:
        flow = workflow(district)
        assert district.records.list_kind("approval-step") == []
    assert [s.name for s in flow.chain] == ["board", "cabinet", "council", "pcc"]
    assert flow.status == "noted-by-cabinet" and not flow.chain_recorded


def _before_themes(payload: dict, svd_issues: set[str]) -> dict:
    """A baseline payload as a copy before themes wrote it: no theme records, no theme_uids,
    the Serious Violence Duty flag on key issues, `in_lancashire_12` on areas."""
    old = copying.deepcopy(payload)
    old["records"] = [r for r in old["records"] if r["kind"] != "theme"]
    for record in old["records"]:
        fields = record["fields"]
        fields.pop("theme_uids", None)
        if record["kind"] == "key-issue":
            fields["serious_violence_duty"] = record["uid"] in svd_issues
        if record["kind"] == "area":
            fields["in_lancashire_12"] = fields.pop("in_footprint")
    return old


def test_a_format_2_baseline_with_the_serious_violence_duty_flag_is_joined_with_the_theme(
        exchange: Exchange, tmp_path: Path):
    from csa_desktop.domain.themes import SERIOUS_VIOLENCE_DUTY, SERIOUS_VIOLENCE_DUTY_UID

    parts = BundleParts.of(exchange.baseline, exchange.lead_key)
    issues = [r for r in parts.payload["records"] if r["kind"] == "key-issue"]
    flagged = {issues[0]["uid"], issues[2]["uid"]}
    areas = {r["uid"]: r["fields"]["in_footprint"] for r in parts.payload["records"]
             if r["kind"] == "area"}
    parts.payload = _before_themes(parts.payload, flagged)
    assert not any("theme_uids" in r["fields"] for r in parts.payload["records"])
    parts.manifest["format_version"] = 2
    baseline = exchange.file(parts.build(), "v2-themes.csabundle")
    with join_partnership(tmp_path / "west", baseline, partnership="West Lancashire CSP",
                          name="Jo") as district:
        themes = district.records.list_kind("theme")
        tagged = {k.uid: k.fields["theme_uids"] for k in district.records.list_kind("key-issue")}
        footprint = {a.uid: a.fields["in_footprint"] for a in district.records.list_kind("area")}
        actions = district.records.list_kind("action")
    assert [(t.uid, t.title) for t in themes] == [(SERIOUS_VIOLENCE_DUTY_UID,
                                                    SERIOUS_VIOLENCE_DUTY)]
    assert {uid for uid, themes_of in tagged.items() if themes_of} == flagged
    assert all(themes_of in ([], [SERIOUS_VIOLENCE_DUTY_UID]) for themes_of in tagged.values())
    assert footprint == areas
    assert actions and all(a.fields["theme_uids"] == [] for a in actions)


def test_a_format_2_contribution_creating_an_action_imports_with_no_themes(
        exchange: Exchange):
    parts = BundleParts.of(exchange.contribution, exchange.district_key)
    records = BundleParts.of(exchange.baseline, exchange.lead_key).payload["records"]
    model = next(r for r in records if r["kind"] == "action" and r["uid"] == exchange.action)
    fields = {name: {"base": None, "new": value} for name, value in model["fields"].items()
              if name != "theme_uids"}  # format 2 had no such field
    created = new_uid()
    parts.payload["changes"].append({"kind": "action", "uid": created, "op": "create",
                                     "base_rev": None, "fields": fields})
    parts.manifest["format_version"] = 2
    with Copy.open(exchange.lead) as lead:
        report = SyncService(lead).import_files([exchange.file(parts.build(), "v2.csabundle")])
        assert not report.refused, report.refused
        assert lead.records.get(created).fields["theme_uids"] == []


def test_upgrade_turns_a_changed_flag_into_a_change_of_themes() -> None:
    from csa_desktop.bundle.validation import upgrade
    from csa_desktop.domain.themes import SERIOUS_VIOLENCE_DUTY_UID

    payload = {"changes": [
        {"kind": "key-issue", "uid": new_uid(), "op": "update", "base_rev": 3,
         "fields": {"serious_violence_duty": {"base": False, "new": True}}},
        {"kind": "area", "uid": new_uid(), "op": "update", "base_rev": 1,
         "fields": {"in_lancashire_12": {"base": True, "new": False}}}]}
    upgrade(payload, 2)
    issue, area = payload["changes"]
    assert issue["fields"] == {"theme_uids": {"base": [], "new": [SERIOUS_VIOLENCE_DUTY_UID]}}
    assert area["fields"] == {"in_footprint": {"base": True, "new": False}}
    assert len(payload["changes"]) == 2  # a contribution never brings the theme record
