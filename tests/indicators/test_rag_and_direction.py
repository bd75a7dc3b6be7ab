"""The derived judgements of an indicator: RAG against the target with polarity and tolerance,
direction of travel against the period before and the baseline (domain.indicators)."""

from __future__ import annotations

import pytest

from csa_desktop.domain.indicators import direction, judge, rag

H, L, N = "higher-is-better", "lower-is-better", "no-target"


@pytest.mark.parametrize(("polarity", "value", "target", "tolerance", "expected"), [
    # higher is better, target 100, 10% band: green from 100, amber from 90, red below
    (H, "100", "100", None, "green"),         # exactly at target
    (H, "100.01", "100", None, "green"),      # better than target
    (H, "99.99", "100", None, "amber"),       # just worse
    (H, "90", "100", None, "amber"),          # exactly at the tolerance edge
    (H, "89.99", "100", None, "red"),         # just beyond it
    (H, "0", "100", None, "red"),
    # lower is better, target 100: green up to 100, amber up to 110, red above
    (L, "100", "100", None, "green"),
    (L, "12", "100", None, "green"),
    (L, "100.01", "100", None, "amber"),
    (L, "110", "100", None, "amber"),
    (L, "110.01", "100", None, "red"),
    # a tolerance of its own, and none at all
    (H, "75", "100", "25", "amber"),
    (H, "74.9", "100", "25", "red"),
    (L, "100.5", "100", "0", "red"),
    (L, "100", "100", "0", "green"),
    # zero target: no amber band
    (L, "0", "0", None, "green"),
    (L, "0.001", "0", None, "red"),
    (H, "0", "0", None, "green"),
    (H, "-0.5", "0", None, "red"),
    # a negative target (a change, say): the band is a share of its size
    (H, "-10.5", "-10", None, "amber"),
    (H, "-11", "-10", None, "amber"),
    (H, "-11.01", "-10", None, "red"),
    # exact decimal arithmetic: 0.1 + 0.2 style edges land where they are written
    (H, "0.27", "0.3", None, "amber"),
    (H, "0.269", "0.3", None, "red"),
    (L, "1,100", "1000", None, "amber"),
    # nothing to judge
    (N, "50", "100", None, None),
    (H, None, "100", None, None),
    (H, "50", None, None, None),
    (L, "", "100", None, None),
])
def test_rag_from_the_latest_value_against_the_target(polarity, value, target, tolerance,
                                                      expected):
    assert rag(polarity, value, target, tolerance) == expected


@pytest.mark.parametrize(("polarity", "now", "before", "expected"), [
    (H, "12", "10", "improving"), (H, "10", "12", "worsening"), (H, "10", "10", "no-change"),
    (L, "12", "10", "worsening"), (L, "10", "12", "improving"), (L, "10", "10", "no-change"),
    (N, "12", "10", "higher"), (N, "10", "12", "lower"), (N, "10", "10", "no-change"),
    (H, "12.50", "12.5", "no-change"),  # equal as numbers, whatever their spelling
    (L, "0", "0.0", "no-change"),
    (H, "12", None, None), (L, None, "10", None), (N, None, None, None),
])
def test_direction_of_travel_honours_polarity(polarity, now, before, expected):
    assert direction(polarity, now, before) == expected


def indicator(**fields: object) -> dict[str, object]:
    return {"polarity": L, "frequency": "quarterly", "target_value": "100",
            "tolerance_percent": "10", "baseline_value": "120", **fields}


def test_the_judgement_reads_the_latest_period_whatever_order_values_come_in():
    found = judge(indicator(), [("2024/25 Q2", "104"), ("2023/24 Q4", "130"),
                                ("2024/25 Q1", "108")])
    assert (found.latest_period, found.latest_value, found.rag) == ("2024/25 Q2", "104",
                                                                    "amber")
    assert (found.previous_period, found.previous_value) == ("2024/25 Q1", "108")
    assert (found.against_previous, found.against_baseline) == ("improving", "improving")


def test_the_period_before_is_the_one_just_before_even_when_it_has_no_value():
    found = judge(indicator(), [("2024/25 Q3", "90"), ("2024/25 Q1", "95")])
    assert (found.previous_period, found.previous_value, found.against_previous) == (
        "2024/25 Q2", None, None)
    assert found.rag == "green"
    year_turn = judge(indicator(frequency="monthly"), [("2025-01", "5"), ("2024-12", "6")])
    assert (year_turn.previous_period, year_turn.against_previous) == ("2024-12", "improving")


def test_no_values_no_judgement_and_empty_values_and_other_frequencies_are_passed_over():
    empty = judge(indicator(), [])
    assert (empty.latest_period, empty.rag, empty.against_previous,
            empty.against_baseline) == (None, None, None, None)
    found = judge(indicator(), [("2024/25 Q2", None), ("2024/25 Q1", "115"),
                                ("2024-09", "1")])
    assert (found.latest_period, found.rag) == ("2024/25 Q1", "red")
    assert found.as_json() == {
        "latest": {"period": "2024/25 Q1", "value": "115"}, "rag": "red",
        "direction": {"previous": None, "previous_period": "2023/24 Q4",
                      "previous_value": None, "baseline": "improving"}}


def test_no_target_and_no_baseline_give_no_rag_and_no_direction_against_the_baseline():
    found = judge(indicator(polarity=N, baseline_value=None),
                  [("2024/25 Q1", "3"), ("2023/24 Q4", "2")])
    assert (found.rag, found.against_previous, found.against_baseline) == (None, "higher",
                                                                          None)
    untargeted = judge(indicator(target_value=None), [("2024/25 Q1", "3")])
    assert untargeted.rag is None and untargeted.against_baseline == "improving"
