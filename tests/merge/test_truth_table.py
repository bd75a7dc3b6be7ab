"""The three-way field merge as pure functions: the whole truth table, many sides, deletions,
creations, reordering, and the line-level merge of long text."""

from __future__ import annotations

import itertools

import pytest

from csa_desktop.merge.fields import (
    Outcome,
    Proposal,
    merge_deleted,
    merge_field,
    three_way,
)
from csa_desktop.merge.text import merge_text


def proposal(replica: str, base: object, value: object, bundle: str | None = None) -> Proposal:
    return Proposal(replica, f"{replica} officer", bundle or f"bundle-{replica}", 1, base, value)


# --- two sides: base, ours, theirs ----------------------------------------------------------

@pytest.mark.parametrize(("base", "ours", "theirs", "outcome", "value"), [
    ("a", "a", "a", Outcome.UNCHANGED, "a"),  # neither changed
    ("a", "b", "a", Outcome.OURS, "b"),  # only ours changed
    ("a", "a", "b", Outcome.THEIRS, "b"),  # only theirs changed
    ("a", "b", "b", Outcome.SAME, "b"),  # both changed alike
    ("a", "b", "c", Outcome.CONFLICT, "b"),  # both changed differently: ours kept, conflict
    ("a", None, "a", Outcome.OURS, None),  # ours emptied it
    ("a", "a", None, Outcome.THEIRS, None),  # theirs emptied it
    ("a", None, "c", Outcome.CONFLICT, None),  # emptied against changed
    (None, "x", "x", Outcome.SAME, "x"),  # both filled in alike
    (None, "x", "y", Outcome.CONFLICT, "x"),
    (False, True, False, Outcome.OURS, True),  # deleted on our side only
    (False, False, True, Outcome.THEIRS, True),  # deleted on their side only
    (False, True, True, Outcome.SAME, True),  # deleted on both
    (["u1", "u2"], ["u2", "u1"], ["u1", "u2"], Outcome.OURS, ["u2", "u1"]),  # list order counts
])
def test_three_way_truth_table(base, ours, theirs, outcome, value):
    merged = three_way(base, ours, theirs)
    assert merged.outcome is outcome
    assert merged.value == value
    assert merged.conflict == (outcome is Outcome.CONFLICT)


@pytest.mark.parametrize(("base", "a", "b"), list(itertools.product(["x", "y", None], repeat=3)))
def test_three_way_is_symmetric_in_its_outcome_and_agrees_when_not_a_conflict(base, a, b):
    one, other = three_way(base, a, b), three_way(base, b, a)
    assert one.conflict == other.conflict
    if not one.conflict:
        assert one.value == other.value


# --- the lead against proposals ----------------------------------------------------------------

def test_a_field_only_a_district_changed_takes_its_value():
    result = merge_field("green", [proposal("w", "green", "red")])
    assert (result.value, result.conflict) == ("red", False)
    assert [p.replica_id for p in result.accepted] == ["w"]


def test_a_field_only_the_lead_changed_keeps_the_leads_value():
    # no proposal touches it, or a proposal restates the base
    assert merge_field("amber", []).value == "amber"
    assert merge_field("amber", [proposal("w", "green", "green")]) == merge_field("amber", [])


def test_the_same_new_value_from_several_sides_is_no_conflict():
    result = merge_field("green", [proposal("w", "green", "red"), proposal("s", "green", "red")])
    assert (result.value, result.conflict) == ("red", False)
    assert {p.replica_id for p in result.accepted} == {"w", "s"}


def test_a_district_that_made_the_leads_change_agrees_with_it():
    result = merge_field("red", [proposal("w", "green", "red")])
    assert (result.value, result.conflict) == ("red", False)


def test_different_new_values_are_a_conflict_and_the_master_keeps_the_leads_value():
    result = merge_field("green", [proposal("w", "green", "red"),
                                   proposal("s", "green", "amber")])
    assert (result.value, result.conflict) == ("green", True)
    assert {p.value for p in result.contenders} == {"red", "amber"}


def test_a_district_change_against_a_lead_change_is_a_conflict():
    result = merge_field("amber", [proposal("w", "green", "red")])
    assert (result.value, result.conflict) == ("amber", True)


def test_merge_field_does_not_depend_on_the_order_of_proposals():
    pool = [proposal("w", "g", "r"), proposal("s", "g", "r"), proposal("b", "g", "a"),
            proposal("x", "g", "g")]
    for size in range(len(pool) + 1):
        for chosen in itertools.combinations(pool, size):
            results = {merge_field("g", order) for order in itertools.permutations(chosen)}
            assert len(results) == 1


def test_repeating_a_proposal_changes_nothing():
    one = proposal("w", "g", "r")
    assert merge_field("g", [one]) == merge_field("g", [one, one])


# --- deletions ------------------------------------------------------------------------------------

def test_a_delete_alone_is_taken():
    result = merge_deleted(False, [proposal("w", False, True)], [])
    assert (result.value, result.conflict) == (True, False)


def test_a_delete_against_an_edit_by_another_district_is_a_conflict():
    keeper = proposal("s", False, False)
    result = merge_deleted(False, [proposal("w", False, True)], [keeper])
    assert (result.value, result.conflict) == (False, True)
    assert {(p.replica_id, p.value) for p in result.contenders} == {("w", True), ("s", False)}


def test_a_delete_against_an_edit_in_the_master_is_a_conflict():
    result = merge_deleted(False, [proposal("w", False, True)], [], lead_edited=True)
    assert (result.value, result.conflict) == (False, True)


def test_an_edit_against_a_delete_in_the_master_is_a_conflict():
    result = merge_deleted(True, [], [proposal("s", False, False)])
    assert (result.value, result.conflict) == (True, True)


def test_deletes_from_several_sides_agree():
    result = merge_deleted(False, [proposal("w", False, True), proposal("s", False, True)], [])
    assert (result.value, result.conflict) == (True, False)


def test_a_record_created_and_deleted_by_one_district_arrives_as_a_tombstone():
    result = merge_deleted(None, [proposal("w", None, True)], [])
    assert result.value is True and not result.conflict


# --- creations and reordering --------------------------------------------------------------

def test_creations_never_collide_each_new_uid_merges_alone():
    # a new record has no lead value and no base: its single creator's values are taken
    for value in ("title one", None, ["u1"], 3):
        assert merge_field(None, [proposal("w", None, value)]).value == value


def test_moving_different_items_merges_and_moving_one_item_two_ways_is_a_conflict():
    # order is a field (a fractional position key) of each record
    item_a = merge_field("M", [proposal("w", "M", "C")])
    item_b = merge_field("T", [proposal("s", "T", "B")])
    assert (item_a.value, item_b.value) == ("C", "B")
    both = merge_field("M", [proposal("w", "M", "C"), proposal("s", "M", "V")])
    assert both.conflict and both.value == "M"


# --- long text -----------------------------------------------------------------------------

def test_long_text_changed_in_different_paragraphs_merges_cleanly():
    base = "Context.\nLegislation.\nGovernance.\n"
    master = "Context, updated by the county.\nLegislation.\nGovernance.\n"
    west = "Context.\nLegislation.\nGovernance, with the new board.\n"
    suggestion = merge_text(base, master, [("West Lancs officer", west)])
    assert suggestion.clean
    assert suggestion.text == ("Context, updated by the county.\nLegislation.\n"
                               "Governance, with the new board.\n")


def test_long_text_changed_in_the_same_line_keeps_both_between_named_markers():
    suggestion = merge_text("a\nb\nc", "a\nB\nc", [("West", "a\nX\nc")])
    assert not suggestion.clean
    assert suggestion.text == "a\n<<<<<<< master\nB\n=======\nX\n>>>>>>> West\nc"


def test_long_text_from_several_districts_merges_each_in_turn():
    suggestion = merge_text("1\n2\n3\n4\n", "1\n2\n3\n4\n", [("W", "one\n2\n3\n4\n"),
                                                             ("S", "1\n2\n3\nfour\n")])
    assert suggestion.clean and suggestion.text == "one\n2\n3\nfour\n"


def test_markers_name_the_proposals_already_merged_into_the_masters_side():
    suggestion = merge_text("a\nb\nc", "a\nb\nc", [("West", "a\nX\nc"), ("Pendle", "a\nY\nc")])
    assert not suggestion.clean
    assert suggestion.text == "a\n<<<<<<< master + West\nX\n=======\nY\n>>>>>>> Pendle\nc"
