"""The gate's checks of a contribution's changes for the whole bundle at once (kinds, scope
once per owner, references) say what the checks change by change say: the same bundles pass,
the same are refused with the same first message; and the light reads behind them find what
the whole reads find."""

from __future__ import annotations

import random
from typing import Any

import pytest

from csa_desktop.domain.kinds import KINDS, new_uid, to_json
from csa_desktop.errors import BundleError
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy
from csa_desktop.services.gate import BundleGate
from csa_desktop.storage import bundles as store
from tests.bundle.builders import BundleParts
from tests.bundle.conftest import Exchange

Change = dict[str, Any]


def update(record: Any, **new: Any) -> Change:
    return {"kind": record.kind, "uid": record.uid, "op": "update", "base_rev": record.rev,
            "fields": {name: {"base": to_json(record.fields[name]), "new": value}
                       for name, value in new.items()}}


def create(like: Any, uid: str | None = None, **new: Any) -> Change:
    fields = {name: to_json(value) for name, value in like.fields.items()}
    fields.update(new)
    return {"kind": like.kind, "uid": uid or new_uid(), "op": "create", "base_rev": None,
            "fields": {name: {"base": [] if isinstance(v, list) else None, "new": v}
                       for name, v in fields.items()}}


def blocks(ex: Exchange) -> dict[str, list[Change]]:
    """Named groups of changes, each in or out of the district's scope, or otherwise wrong."""
    with Copy.open(ex.lead) as lead:
        records = lead.records
        own = records.list_kind("action", partnership=ex.partnership)
        other = records.list_kind("action", partnership=ex.other_partnership)
        own_plan = records.list_kind("local-plan", partnership=ex.partnership)[0]
        other_plan = records.list_kind("local-plan", partnership=ex.other_partnership)[0]
        section = records.list_kind("section")[0]
        evidence = records.list_kind("evidence-item")[0]
        update_like = records.list_kind("progress-update")
        areas = records.list_kind("area")
        west = records.get(ex.partnership)
    own_areas = set(west.fields["area_uids"])  # type: ignore[arg-type]
    inside = next(a for a in areas if a.uid in own_areas)
    outside = next(a for a in areas if a.uid not in own_areas)
    assert len(own) >= 3 and other and update_like
    new_plan, new_action, foreign_plan = new_uid(), new_uid(), new_uid()
    return {
        "own-rag": [update(own[0], rag="red")],
        "own-title-and-status": [update(own[1], title="Renamed", status="completed")],
        "foreign-rag": [update(other[0], rag="green")],
        "own-moved-out": [update(own[2], plan_uid=other_plan.uid)],
        "foreign-moved-in": [update(other[-1], plan_uid=own_plan.uid)],
        "county-section": [update(section, title="Ours now")],
        "own-progress": [create(update_like[0], action_uid=own[0].uid)],
        "foreign-progress": [create(update_like[0], action_uid=other[0].uid)],
        "progress-under-nothing": [create(update_like[0], action_uid=new_uid())],
        "new-plan-chain": [
            create(own_plan, new_plan, partnership_uid=ex.partnership),
            create(own[0], new_action, plan_uid=new_plan),
            create(update_like[0], action_uid=new_action)],
        "foreign-new-plan": [
            create(own_plan, foreign_plan, partnership_uid=ex.other_partnership),
            create(own[0], plan_uid=foreign_plan)],
        "evidence-inside": [create(evidence, area_uid=inside.uid)],
        "evidence-outside": [create(evidence, area_uid=outside.uid)],
        "unknown-record": [update(own[0], rag="amber") | {"uid": new_uid()}],
        "wrong-kind": [update(own[0], rag="amber") | {"uid": section.uid}],
        "missing-lead-organisation": [create(own[0], lead_organisation_uid=new_uid())],
        "uid-again-as-create": [create(own[0], own[1].uid)],
    }


def outcome(ex: Exchange, changes: list[Change], name: str) -> str:
    parts = BundleParts.of(ex.contribution, ex.district_key)
    parts.payload["changes"] = changes
    path = ex.file(parts.build(), name)
    with Copy.open(ex.lead) as lead:
        try:
            BundleService(lead).check(path)
        except BundleError as exc:
            return f"{exc.code}: {exc}"
    return "passes"


def test_the_whole_bundle_checks_agree_with_the_checks_change_by_change(
        exchange: Exchange, monkeypatch: pytest.MonkeyPatch):
    named = blocks(exchange)
    rng = random.Random(22)
    combinations = [[name] for name in named]
    combinations += [rng.sample(sorted(named), rng.randint(2, 5)) for _ in range(40)]
    combinations += [["own-rag", "own-title-and-status", "own-progress", "new-plan-chain",
                      "evidence-inside"]]
    seen: dict[str, int] = {}
    answered: list[bool] = []
    checks = BundleGate._quick_checks

    def spy(*args: Any, **kwargs: Any) -> Any:
        found = checks(*args, **kwargs)
        answered.append(found is not None)
        return found

    monkeypatch.setattr(BundleGate, "_quick_checks", spy)
    for number, names in enumerate(combinations):
        changes = [change for name in names for change in named[name]]
        quick = outcome(exchange, changes, f"c{number}.csabundle")
        with monkeypatch.context() as m:
            m.setattr(BundleGate, "_quick_checks", lambda *args, **kwargs: None)
            ordered = outcome(exchange, changes, f"c{number}.csabundle")
        assert quick == ordered, names
        seen[quick.split(":")[0]] = seen.get(quick.split(":")[0], 0) + 1
    assert seen.keys() >= {"passes", "scope", "unknown-record", "schema"}, seen
    assert sum(answered) >= seen["passes"] >= 5  # the whole-bundle checks said yes


def test_the_light_reads_find_what_the_whole_reads_find(exchange: Exchange):
    with Copy.open(exchange.lead) as lead, lead.store.reader() as session:
        records = [r for kind in KINDS for r in lead.records.list_kind(kind)][:400]
        uids = [r.uid for r in records] + [new_uid() for _ in range(60)]
        expected = {r.uid: r.kind for r in records[::2]}
        expected |= {r.uid: "section" for r in records[1::7]}  # claimed as another kind
        found, links = store.read_links(session, uids, expected)
        whole_found, whole = store.read_existing(session, uids, expected)
        assert found == whole_found
        for uid, values in links.items():
            assert found[uid] == expected[uid]
            assert values == {n: whole[uid].fields[n] for n in values}
            spec = KINDS[found[uid]]
            assert {n for n in (spec.parent_field, "area_uid", "partnership_uid")
                    if n in whole[uid].fields} <= values.keys()
        assert links.keys() == {u for u in uids if u in expected and expected[u] == found.get(u)}


def test_the_light_reads_with_new_uids_hinted_find_what_they_find_without(
        exchange: Exchange):
    """`new` only says where to look first: records hinted new that this copy holds (as their
    own kind or another), truly new uids and records not hinted all come out as without it."""
    with Copy.open(exchange.lead) as lead, lead.store.reader() as session:
        records = [r for kind in KINDS for r in lead.records.list_kind(kind)][:400]
        fresh = [new_uid() for _ in range(60)]
        uids = [r.uid for r in records] + fresh
        expected = {r.uid: r.kind for r in records[::2]} | {u: "action" for u in fresh}
        expected |= {r.uid: "section" for r in records[1::7]}  # claimed as another kind
        reference = store.read_links(session, uids, expected)
        rng = random.Random(22)
        for hinted in (set(fresh), set(uids), set(), set(rng.sample(uids, 150)),
                       {r.uid for r in records[::3]} | set(fresh[:30])):
            assert store.read_links(session, uids, expected, new=hinted) == reference
        assert store.read_links(session, [], expected, new=set(fresh)) == ({}, {})


def test_a_small_table_read_whole_finds_what_probes_find(exchange: Exchange,
                                                         monkeypatch: pytest.MonkeyPatch):
    with Copy.open(exchange.lead) as lead, lead.store.reader() as session:
        uids = [r.uid for kind in KINDS for r in lead.records.list_kind(kind)]
        uids += [new_uid() for _ in range(len(uids))]
        random.Random(5).shuffle(uids)
        for size in (1, 49, 51, 600, len(uids)):
            wanted = uids[:size]
            read_whole = store.existing_uids(session, wanted)
            monkeypatch.setattr(store, "_SCAN_BELOW", 10**9)  # probes only
            probed = store.existing_uids(session, wanted)
            monkeypatch.undo()
            assert read_whole == probed
            assert set(read_whole) == {u for u in wanted if u in set(read_whole)}
