"""Indicators and their values as records: made, changed and deleted through `csa`, in scope,
one record per indicator and period, through a bundle and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from csa_desktop.domain.indicators import value_uid
from csa_desktop.domain.roles import Role
from csa_desktop.errors import InputError, ScopeError
from csa_desktop.services.copy import Copy, init_copy
from tests.bundle.builders import csa


def partnership(copy: Copy, name: str) -> str:
    return next(r.uid for r in copy.records.list_kind("partnership") if r.title == name)


def add_indicator(copy: Copy, name: str = "Repeat victims of domestic abuse", **values: object
                  ) -> str:
    fields: dict[str, object] = {"name": name, "polarity": "lower-is-better",
                                 "unit": "count", "target_value": "100",
                                 "partnership_uid": partnership(copy, "West Lancashire CSP")}
    fields.update(values)
    (created,) = copy.records.create_from_text(
        "indicator", {k: str(v) for k, v in fields.items()}).created
    return created[1]


def added_uid(out: str) -> str:
    line = next(line for line in out.splitlines() if line.startswith("created "))
    return line.split()[-1]


def test_an_indicator_and_its_values_are_made_changed_and_deleted_through_csa(
        demo_dir: Path, capsys):
    with Copy.open(demo_dir) as copy:
        west = partnership(copy, "West Lancashire CSP")
    capsys.readouterr()
    assert csa(demo_dir, "add", "indicator", "name=Anti-social behaviour incidents",
               "polarity=lower-is-better", "frequency=quarterly", "unit=count",
               "baseline_value=1,204", "baseline_period=2023/24 q4", "target_value=1100",
               f"partnership_uid={west}") == 0
    indicator = added_uid(capsys.readouterr().out)
    assert csa(demo_dir, "add", "indicator-value", f"indicator_uid={indicator}",
               "period=2024/25 q1", "value=1,180.5", "note=Illustrative") == 0
    value = added_uid(capsys.readouterr().out)
    assert value == value_uid(indicator, "2024/25 Q1")
    assert csa(demo_dir, "set", value, "value=1,150") == 0
    capsys.readouterr()
    assert csa(demo_dir, "show", value, "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    fields = shown["fields"]
    assert (fields["period"], fields["value"], fields["note"]) == ("2024/25 Q1", "1150",
                                                                   "Illustrative")
    with Copy.open(demo_dir) as copy:
        held = copy.records.get(indicator)
        assert (held["baseline_value"], held["baseline_period"], held["tolerance_percent"]) == (
            "1204", "2023/24 Q4", "10")
    assert csa(demo_dir, "delete", indicator) == 0
    with Copy.open(demo_dir) as copy:
        assert copy.records.get(indicator).deleted
        assert copy.records.get(value).deleted  # the values go with their indicator


def test_a_second_value_for_the_same_period_is_refused_naming_the_one_held(demo_copy: Copy):
    indicator = add_indicator(demo_copy)
    demo_copy.records.create_from_text("indicator-value", {
        "indicator_uid": indicator, "period": "2024/25 Q2", "value": "40"})
    with pytest.raises(InputError, match=r"already has a value for 2024/25 Q2 \(40\)"):
        demo_copy.records.create_from_text("indicator-value", {
            "indicator_uid": indicator, "period": "2024/25  q2", "value": "41"})
    values = demo_copy.records.list_kind("indicator-value", where={"indicator_uid": indicator})
    assert [(v["period"], v["value"]) for v in values] == [("2024/25 Q2", "40")]


def test_a_value_needs_its_number(demo_copy: Copy):
    indicator = add_indicator(demo_copy)
    with pytest.raises(InputError, match="Value is required"):
        demo_copy.records.create_from_text("indicator-value", {
            "indicator_uid": indicator, "period": "2024/25 Q2", "value": " "})
    (created,) = demo_copy.records.create("indicator-value", {
        "indicator_uid": indicator, "period": "2024/25 Q2", "value": "4"}).created
    with pytest.raises(InputError, match="Value is required"):
        demo_copy.records.update(created[1], {"value": None})
    with pytest.raises(InputError, match="Value: 'NaN' is not a number"):
        demo_copy.records.update_from_text(created[1], {"value": "NaN"})
    assert demo_copy.records.get(created[1])["value"] == "4"


def test_a_deleted_value_entered_again_is_the_same_record_brought_back(demo_copy: Copy):
    indicator = add_indicator(demo_copy)
    uid = value_uid(indicator, "2024/25 Q3")
    demo_copy.records.create("indicator-value", {"indicator_uid": indicator,
                                                 "period": "2024/25 Q3", "value": "12.5"})
    demo_copy.records.delete(uid)
    changes = demo_copy.records.create("indicator-value", {
        "indicator_uid": indicator, "period": "2024/25 Q3", "value": "13"})
    assert changes.created == (("indicator-value", uid),)
    again = demo_copy.records.get(uid)
    assert (again.deleted, again["value"]) == (False, "13")


@pytest.mark.parametrize(("frequency", "period", "message"), [
    ("quarterly", "2024-07", "not a period of this quarterly indicator; write a quarter"),
    ("quarterly", "2024/25", "not a period of this quarterly indicator"),
    ("monthly", "2024/25 Q1", "not a period of this monthly indicator; write a month such as"),
    ("annual", "2024-07", "not a period of this annual indicator; write a financial year"),
    ("monthly", "2024-13", "not a month"),
    ("annual", "2024/26", "not a financial year"),
    ("quarterly", "Q1 2024", "is not a period"),
])
def test_a_value_whose_period_does_not_match_its_indicators_frequency_is_refused(
        demo_copy: Copy, frequency: str, period: str, message: str):
    indicator = add_indicator(demo_copy, frequency=frequency)
    with pytest.raises(InputError, match=f"Period: .*{message}"):
        demo_copy.records.create("indicator-value", {"indicator_uid": indicator,
                                                     "period": period, "value": "1"})
    assert demo_copy.records.list_kind("indicator-value",
                                       where={"indicator_uid": indicator}) == []


def test_periods_of_each_frequency_are_kept_in_their_normal_spelling(demo_copy: Copy):
    for frequency, typed, normal in (("monthly", "2024-7", "2024-07"),
                                     ("annual", "2024/25", "2024/25"),
                                     ("quarterly", "2024/25q4", "2024/25 Q4")):
        indicator = add_indicator(demo_copy, name=f"A {frequency} one", frequency=frequency)
        (created,) = demo_copy.records.create("indicator-value", {
            "indicator_uid": indicator, "period": typed, "value": "1"}).created
        assert created[1] == value_uid(indicator, normal)
        assert demo_copy.records.get(created[1])["period"] == normal


def test_a_values_indicator_and_period_never_change_and_the_frequency_waits_for_its_values(
        demo_copy: Copy):
    indicator = add_indicator(demo_copy)
    other = add_indicator(demo_copy, name="Another")
    (created,) = demo_copy.records.create("indicator-value", {
        "indicator_uid": indicator, "period": "2024/25 Q1", "value": "5"}).created
    with pytest.raises(InputError, match="Period: a value is the value of one indicator"):
        demo_copy.records.update(created[1], {"period": "2024/25 Q2"})
    with pytest.raises(InputError, match="Indicator: a value is the value of one indicator"):
        demo_copy.records.update(created[1], {"indicator_uid": other})
    with pytest.raises(InputError, match=r"has 1 quarterly value .*delete them before"):
        demo_copy.records.update(indicator, {"frequency": "monthly"})
    assert demo_copy.records.get(indicator)["frequency"] == "quarterly"
    demo_copy.records.update(other, {"frequency": "monthly"})  # no values yet: it may


def test_an_indicator_belongs_to_a_key_issue_or_a_partnership(demo_copy: Copy):
    with pytest.raises(InputError, match="belongs to a county key issue"):
        demo_copy.records.create("indicator", {"name": "Orphan", "polarity": "no-target"})
    key_issue = demo_copy.records.list_kind("key-issue")[0].uid
    county = demo_copy.records.create("indicator", {
        "name": "County one", "polarity": "higher-is-better", "key_issue_uid": key_issue})
    assert county.created
    with pytest.raises(InputError, match=r"Tolerance .*negative"):
        add_indicator(demo_copy, tolerance_percent="-5")
    with pytest.raises(InputError, match="Target period: 'next year' is not a period"):
        add_indicator(demo_copy, target_period="next year")


def test_a_priority_and_an_action_link_to_indicators(demo_copy: Copy):
    indicator = add_indicator(demo_copy)
    action = demo_copy.records.list_kind("action", partnership="West Lancashire CSP")[0]
    priority = demo_copy.records.list_kind("local-priority",
                                           partnership="West Lancashire CSP")[0]
    demo_copy.records.update_from_text(action.uid, {"indicator_uids": indicator})
    demo_copy.records.update(priority.uid, {"indicator_uids": [indicator]})
    assert demo_copy.records.get(action.uid)["indicator_uids"] == [indicator]
    assert demo_copy.records.get(priority.uid)["indicator_uids"] == [indicator]
    with pytest.raises(InputError, match="no indicator has the uid"):
        demo_copy.records.update(action.uid, {"indicator_uids": [priority.uid]})


def test_a_district_cannot_touch_another_partnerships_or_a_county_indicator(tmp_path: Path):
    with init_copy(tmp_path / "west", role=Role.DISTRICT,
                   partnerships=["West Lancashire CSP"]) as west:
        own = add_indicator(west)
        west.records.create("indicator-value", {"indicator_uid": own, "period": "2024/25 Q1",
                                                "value": "3"})
        key_issue = west.records.list_kind("key-issue")[0].uid
        with pytest.raises(ScopeError):
            add_indicator(west, name="Pendle's", partnership_uid=partnership(west, "Pendle CSP"))
        with pytest.raises(ScopeError):
            west.records.create("indicator", {"name": "County", "polarity": "no-target",
                                              "key_issue_uid": key_issue})
        with pytest.raises(ScopeError):
            west.records.update(own, {"partnership_uid": partnership(west, "Pendle CSP")})
        listed = [i.uid for i in west.records.list_kind("indicator",
                                                        partnership="West Lancashire CSP")]
        assert own in listed
        assert all(i["partnership_uid"] == partnership(west, "West Lancashire CSP")
                   for i in west.records.list_kind("indicator", partnership=listed and
                                                   "West Lancashire CSP"))
        values = west.records.list_kind("indicator-value", partnership="West Lancashire CSP")
        assert {v["indicator_uid"] for v in values} <= set(listed)
        assert west.records.list_kind("indicator-value", partnership="Pendle CSP") == []


def test_csa_show_gives_an_indicators_rag_and_direction_derived_from_its_values(
        demo_dir: Path, capsys):
    with Copy.open(demo_dir) as copy:
        indicator = add_indicator(copy, target_value="100", baseline_value="1,250",
                                  tolerance_percent="5")
        for period, value in (("2024/25 Q1", "110"), ("2024/25 Q2", "104.5")):
            copy.records.create("indicator-value", {"indicator_uid": indicator,
                                                    "period": period, "value": value})
    capsys.readouterr()
    assert csa(demo_dir, "show", indicator, "--json") == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["rag"] == "amber"  # 4.5% over a lower-is-better target, within 5%
    assert shown["latest"] == {"period": "2024/25 Q2", "value": "104.5"}
    assert shown["direction"] == {"previous": "improving", "previous_period": "2024/25 Q1",
                                  "previous_value": "110", "baseline": "improving"}
    assert "rag" not in shown["fields"]  # derived, never stored
    assert csa(demo_dir, "show", indicator) == 0
    text = capsys.readouterr().out
    assert "RAG amber; improving since 2024/25 Q1; improving against the baseline" in text
    with Copy.open(demo_dir) as copy:
        copy.records.update(indicator, {"target_value": "104"})
    assert csa(demo_dir, "show", indicator, "--json") == 0
    assert json.loads(capsys.readouterr().out)["rag"] == "amber"
    with Copy.open(demo_dir) as copy:
        copy.records.update(indicator, {"target_value": "104.5"})
    assert csa(demo_dir, "show", indicator, "--json") == 0
    assert json.loads(capsys.readouterr().out)["rag"] == "green"
