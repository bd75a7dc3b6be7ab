"""The rows behind the large tables: one query, names resolved, scope per row, filtering."""

from __future__ import annotations

import datetime as dt

from csa_desktop.services import tables
from csa_desktop.services.copy import Copy
from csa_desktop.services.tables import ActionFilter


def test_action_rows_resolve_partnership_priority_and_lead_names(demo_copy):
    rows = tables.action_rows(demo_copy)
    actions = demo_copy.records.list_kind("action")
    assert {r.uid for r in rows} == {a.uid for a in actions}
    action = actions[0]
    row = next(r for r in rows if r.uid == action.uid)
    records = demo_copy.records
    plan = records.get(str(action["plan_uid"]))
    assert row.partnership_name == records.get(str(plan["partnership_uid"])).title
    assert row.priority_title == records.get(str(action["priority_uid"])).title
    assert row.lead_organisation_name == records.get(
        str(action["lead_organisation_uid"])).title
    assert (row.start_on, row.due_on, row.status, row.rag) == (
        action["start_on"], action["due_on"], action["status"], action["rag"])


def test_action_rows_leave_out_deleted_actions_and_follow_a_deleted_priority(demo_copy):
    first, second = demo_copy.records.list_kind("action")[:2]
    demo_copy.records.delete(first.uid)
    demo_copy.records.delete(str(second["priority_uid"]))
    rows = {r.uid: r for r in tables.action_rows(demo_copy)}
    assert first.uid not in rows
    assert rows[second.uid].priority_uid is None
    assert rows[second.uid].priority_title is None


def test_action_rows_can_be_limited_to_plans_or_uids(demo_copy):
    plan = demo_copy.records.list_kind("local-plan")[0]
    in_plan = tables.action_rows(demo_copy, plan_uids=[plan.uid])
    assert in_plan and {r.plan_uid for r in in_plan} == {plan.uid}
    assert [r.uid for r in tables.action_rows(demo_copy, uids=[in_plan[0].uid])] == [
        in_plan[0].uid]
    assert tables.action_rows(demo_copy, uids=[]) == []


def test_a_district_copy_may_edit_only_its_own_partnerships_rows(tmp_path):
    from csa_desktop.domain.roles import Role
    from csa_desktop.services.copy import init_copy

    with init_copy(tmp_path / "d", role=Role.DISTRICT,
                   partnerships=["West Lancashire CSP"]) as copy:
        rows = tables.action_rows(copy)
        assert {r.partnership_name for r in rows if r.editable} == {"West Lancashire CSP"}
        assert any(not r.editable for r in rows)
        evidence = tables.evidence_rows(copy)
        assert any(e.editable for e in evidence) and any(not e.editable for e in evidence)


def test_action_counts_group_by_plan_and_priority(demo_copy: Copy):
    counts = tables.action_counts(demo_copy)
    assert sum(counts.values()) == len(demo_copy.records.list_kind("action"))


def test_the_filter_matches_words_in_any_order_and_every_other_part(demo_copy):
    rows = tables.action_rows(demo_copy)
    today = dt.date(2023, 1, 1)
    row = rows[0]
    words = row.title.split()
    found = ActionFilter(text=f"{words[-1]} {words[0]}".upper()).select(rows, today)
    assert row in found
    assert all(r.rag == "red" for r in ActionFilter(rag="red").select(rows, today))
    overdue = ActionFilter(overdue_only=True).select(rows, today)
    assert all(r.due_on < today and r.status not in ("completed", "cancelled")
               for r in overdue)
    both = ActionFilter(partnership_uid=row.partnership_uid, status=row.status)
    assert both.select(rows, today) == [r for r in rows if r.partnership_uid ==
                                        row.partnership_uid and r.status == row.status]
    assert ActionFilter().empty and ActionFilter().select(rows, today) == rows
