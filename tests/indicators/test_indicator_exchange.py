"""Indicators through bundles: a baseline carries them to a district, and two districts
entering the same period make one record at the lead, whose different values are one field
conflict; a district's key cannot change another partnership's indicator."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from csa_desktop.domain.indicators import value_uid
from csa_desktop.domain.roles import Role
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.conflicts import ConflictService
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.sync import SyncService
from tests.bundle.builders import copy_folder


@dataclass
class Exchange:
    lead: Path
    districts: tuple[Path, Path]
    indicator: str
    county: str
    pendle: str
    root: Path


def partnership(copy: Copy, name: str) -> str:
    return next(r.uid for r in copy.records.list_kind("partnership") if r.title == name)


@pytest.fixture(scope="module")
def exchange_template(tmp_path_factory: pytest.TempPathFactory) -> Exchange:
    root = tmp_path_factory.mktemp("indicator-exchange")
    with init_copy(root / "lead", name="County lead") as lead:
        west = partnership(lead, "West Lancashire CSP")
        (made,) = lead.records.create("indicator", {
            "name": "Repeat incidents (illustrative)", "polarity": "lower-is-better",
            "unit": "count", "target_value": "90", "baseline_value": "120",
            "baseline_period": "2023/24", "partnership_uid": west}).created
        indicator = made[1]
        lead.records.create("indicator-value", {"indicator_uid": indicator,
                                                "period": "2024/25 Q1", "value": "110.5"})
        (county,) = lead.records.create("indicator", {
            "name": "County measure", "polarity": "higher-is-better",
            "key_issue_uid": lead.records.list_kind("key-issue")[0].uid}).created
        (pendle,) = lead.records.create("indicator", {
            "name": "Pendle measure", "polarity": "no-target",
            "partnership_uid": partnership(lead, "Pendle CSP")}).created
        BundleService(lead).export(root / "baseline.csabundle")
    districts = []
    for name in ("Ormskirk officer", "Skelmersdale officer"):
        folder = root / name.split()[0].lower()
        with init_copy(folder, role=Role.DISTRICT, name=name, partnerships=[west],
                       empty=True) as district:
            report = SyncService(district).import_files([root / "baseline.csabundle"])
            assert not report.refused, [o.message for o in report.refused]
            BundleService(district).export(root / f"{folder.name}-0.csabundle")
        with Copy.open(root / "lead") as lead:
            BundleService(lead).trust(str(root / f"{folder.name}-0.csabundle"),
                                      partnerships=["West Lancashire CSP"])
        districts.append(folder)
    return Exchange(root / "lead", (districts[0], districts[1]), indicator, county[1],
                    pendle[1], root)


@pytest.fixture
def exchange(exchange_template: Exchange, tmp_path: Path) -> Exchange:
    t = exchange_template
    return Exchange(copy_folder(t.lead, tmp_path / "lead"),
                    (copy_folder(t.districts[0], tmp_path / "one"),
                     copy_folder(t.districts[1], tmp_path / "two")),
                    t.indicator, t.county, t.pendle, tmp_path)




def enter(folder: Path, indicator: str, period: str, value: str, out: Path) -> Path:
    with Copy.open(folder) as district:
        district.records.create("indicator-value", {"indicator_uid": indicator,
                                                    "period": period, "value": value})
        BundleService(district).export(out)
    return out


def test_a_baseline_carries_indicators_and_values_to_a_district_as_they_are(
        exchange: Exchange):
    with Copy.open(exchange.lead) as lead:
        wanted = {(r.uid, tuple(sorted(r.fields.items())))
                  for kind in ("indicator", "indicator-value")
                  for r in lead.records.list_kind(kind)}
    with Copy.open(exchange.districts[0]) as district:
        held = {(r.uid, tuple(sorted(r.fields.items())))
                for kind in ("indicator", "indicator-value")
                for r in district.records.list_kind(kind)}
        value = district.records.get(value_uid(exchange.indicator, "2024/25 Q1"))
    assert held == wanted
    assert value["value"] == "110.5"


def test_two_districts_entering_the_same_period_make_one_record_and_one_field_conflict(
        exchange: Exchange):
    one = enter(exchange.districts[0], exchange.indicator, "2024/25 Q2", "101",
                exchange.root / "one.csabundle")
    two = enter(exchange.districts[1], exchange.indicator, "2024/25 q2", "97.25",
                exchange.root / "two.csabundle")
    with Copy.open(exchange.lead) as lead:
        report = SyncService(lead).import_files([one, two])
        assert not report.refused, [o.message for o in report.refused]
        values = lead.records.list_kind("indicator-value",
                                        where={"indicator_uid": exchange.indicator})
        conflicts = ConflictService(lead).list()
    assert [v["period"] for v in values] == ["2024/25 Q1", "2024/25 Q2"]
    assert values[1].uid == value_uid(exchange.indicator, "2024/25 Q2")
    assert [(c.conflict.record_uid, c.conflict.field) for c in conflicts] == [
        (values[1].uid, "value")]
    assert {i.value for i in conflicts[0].conflict.incoming} == {"101", "97.25"}
    # neither number stands in the master until the lead decides; then the one it takes does
    assert values[1]["value"] is None
    with Copy.open(exchange.lead) as lead:
        ConflictService(lead).resolve(conflicts[0].conflict.id, take="Skelmersdale officer")
        assert lead.records.get(values[1].uid)["value"] == "97.25"
        assert ConflictService(lead).list() == []


def test_the_same_value_from_two_districts_is_one_record_and_no_conflict(exchange: Exchange):
    one = enter(exchange.districts[0], exchange.indicator, "2024/25 Q3", "88",
                exchange.root / "one.csabundle")
    two = enter(exchange.districts[1], exchange.indicator, "2024/25 Q3", "88",
                exchange.root / "two.csabundle")
    with Copy.open(exchange.lead) as lead:
        report = SyncService(lead).import_files([one, two])
        assert not report.refused
        value = lead.records.get(value_uid(exchange.indicator, "2024/25 Q3"))
        assert ConflictService(lead).list() == []
    assert value["value"] == "88"


@pytest.mark.parametrize("target", ["county", "pendle"])
def test_a_districts_key_cannot_change_a_county_or_another_partnerships_indicator(
        exchange: Exchange, target: str):
    """The district copy refuses the edit itself; a bundle forged to carry it is refused by
    the lead's gate, by name, and changes nothing."""
    indicator = getattr(exchange, target)
    from csa_desktop.errors import ScopeError

    with Copy.open(exchange.districts[0]) as district, pytest.raises(ScopeError):
        district.records.update(indicator, {"name": "Taken over"})
    # a forged bundle: the district's own copy changed behind the service's back
    import sqlite3

    database = exchange.districts[0] / "csa.sqlite3"
    conn = sqlite3.connect(database)
    conn.execute("UPDATE indicators SET name = 'Taken over', rev = rev + 1 WHERE uid = ?",
                 (indicator,))
    conn.commit()
    conn.close()
    with Copy.open(exchange.districts[0]) as district:
        BundleService(district).export(exchange.root / "forged.csabundle")
    with Copy.open(exchange.lead) as lead:
        report = SyncService(lead).import_files([exchange.root / "forged.csabundle"])
        name = lead.records.get(indicator)["name"]
    assert [o.code for o in report.refused] == ["scope"]
    assert "may not change" in report.refused[0].message
    assert name != "Taken over"


def test_a_value_whose_uid_does_not_derive_from_its_indicator_and_period_is_refused(
        exchange: Exchange):
    """A copy that made its own uid for a period would make a second record for it: the
    lead's gate refuses such a bundle by name and writes nothing."""
    import sqlite3

    database = exchange.districts[0] / "csa.sqlite3"
    conn = sqlite3.connect(database)
    conn.execute(
        "INSERT INTO indicator_values (uid, rev, updated_at, updated_by, deleted, "
        "indicator_uid, period, value) VALUES ('6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a99', 1, "
        "'2026-01-01 00:00:00', 'Ormskirk officer', 0, ?, '2024/25 Q4', '80')",
        (exchange.indicator,))
    conn.commit()
    conn.close()
    with Copy.open(exchange.districts[0]) as district:
        BundleService(district).export(exchange.root / "own-uid.csabundle")
    with Copy.open(exchange.lead) as lead:
        report = SyncService(lead).import_files([exchange.root / "own-uid.csabundle"])
        held = lead.records.list_kind("indicator-value",
                                      where={"indicator_uid": exchange.indicator})
    assert [o.code for o in report.refused] == ["schema"]
    assert (f"should have the uid {value_uid(exchange.indicator, '2024/25 Q4')}"
            in report.refused[0].message)
    assert [v["period"] for v in held] == ["2024/25 Q1"]
