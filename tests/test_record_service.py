"""The record service: validated writes with revisions and history, undoable deletes, order."""

from __future__ import annotations

import datetime as dt

import pytest

from csa_desktop.errors import InputError, ScopeError
from csa_desktop.services.copy import Copy


def west_plan(copy: Copy) -> str:
    plans = copy.records.list_kind("local-plan", partnership="West Lancashire CSP")
    return plans[0].uid


def test_update_records_old_and_new_values_in_history(demo_copy: Copy):
    action = demo_copy.records.list_kind("action")[0]
    changes = demo_copy.records.update(action.uid, {"due_on": dt.date(2025, 1, 31)})
    assert changes.fields[action.uid] == ("due_on",)
    entry = demo_copy.records.history(action.uid)[-1]
    assert (entry.field, entry.old, entry.new) == ("due_on", str(action["due_on"]), "2025-01-31")
    assert demo_copy.records.get(action.uid).rev == action.rev + 1


def test_an_update_to_the_same_value_changes_nothing(demo_copy: Copy):
    action = demo_copy.records.list_kind("action")[0]
    assert demo_copy.records.update(action.uid, {"title": action["title"]}).empty
    assert demo_copy.records.get(action.uid).rev == action.rev


def test_delete_tombstones_children_and_restore_brings_them_back(demo_copy: Copy):
    plan = west_plan(demo_copy)
    before = len(demo_copy.records.list_kind("action", partnership="West Lancashire CSP"))
    changes = demo_copy.records.delete(plan)
    assert ("local-plan", plan) in changes.deleted
    assert demo_copy.records.list_kind("action", partnership="West Lancashire CSP") == []
    demo_copy.records.restore([uid for _, uid in changes.deleted])
    after = demo_copy.records.list_kind("action", partnership="West Lancashire CSP")
    assert len(after) == before


def test_new_ordered_records_go_to_the_end_and_move_places_them(demo_copy: Copy):
    (agreement,) = demo_copy.records.list_kind("agreement")
    created = demo_copy.records.create("key-issue", {"agreement_uid": agreement.uid,
                                                     "name": "Hate crime"})
    uid = created.created[0][1]
    names = [k.title for k in demo_copy.records.list_kind("key-issue")]
    assert names[-1] == "Hate crime"
    first, second = demo_copy.records.list_kind("key-issue")[:2]
    demo_copy.records.move(uid, after=first.uid, before=second.uid)
    names = [k.title for k in demo_copy.records.list_kind("key-issue")]
    assert names[1] == "Hate crime"


def test_a_district_copy_cannot_move_an_action_into_another_partnerships_plan(tmp_path):
    from csa_desktop.domain.roles import Role
    from csa_desktop.services.copy import init_copy

    with init_copy(tmp_path, role=Role.DISTRICT, partnerships=["West Lancashire CSP"]) as copy:
        own = copy.records.list_kind("action", partnership="West Lancashire CSP")[0]
        pendle_plan = copy.records.list_kind("local-plan", partnership="Pendle CSP")[0]
        with pytest.raises(ScopeError):
            copy.records.update(own.uid, {"plan_uid": pendle_plan.uid})
        assert copy.records.get(own.uid)["plan_uid"] == own["plan_uid"]
        assert copy.records.can_change(own)
        assert not copy.records.can_change(pendle_plan)


def test_creating_with_a_reference_to_a_deleted_record_is_refused(demo_copy: Copy):
    plan = west_plan(demo_copy)
    demo_copy.records.delete(plan)
    with pytest.raises(InputError, match="no local plan has the uid"):
        demo_copy.records.create("action", {"plan_uid": plan, "title": "Late"})
