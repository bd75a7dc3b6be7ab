"""The dashboard: its numbers count what is in the copy, and each opens exactly the actions it
counts (for the county in a lead copy, for my partnership in a district copy)."""

from __future__ import annotations

import datetime as dt

from csa_desktop.domain.kinds import ACTION_STATUSES, RAGS
from csa_desktop.services.copy import Copy
from csa_desktop.services.dashboard import build_dashboard
from csa_desktop.services.new_copy import join_partnership
from csa_desktop.services.tables import OPEN, action_rows

TODAY = dt.date(2024, 11, 12)  # in 2024/25 Q3 (October to December 2024)


def west(copy: Copy) -> tuple[str, str]:
    """West Lancashire's partnership uid and the uid of its local plan."""
    [partnership] = [p for p in copy.records.list_kind("partnership")
                     if p.title == "West Lancashire CSP"]
    [plan] = [p for p in copy.records.list_kind("local-plan")
              if p.fields["partnership_uid"] == partnership.uid]
    return partnership.uid, plan.uid


def add_action(copy: Copy, plan_uid: str, title: str, **fields: object) -> str:
    changes = copy.records.create("action", {"plan_uid": plan_uid, "title": title, **fields})
    [(_kind, uid)] = changes.created
    return uid


def test_every_number_is_what_the_database_holds_and_opens_the_actions_it_counts(
        demo_copy: Copy):
    board = build_dashboard(demo_copy, TODAY)
    live = [row for row in action_rows(demo_copy) if row.archived_in is None]
    open_rows = [row for row in live if row.status not in ("completed", "cancelled")]
    assert board.total.actions == len(live) > 10
    assert board.total.open == len(open_rows)
    assert board.total.by_rag == {rag: sum(r.rag == rag for r in open_rows) for rag in RAGS}
    assert board.total.by_status == {s: sum(r.status == s for r in live)
                                     for s in ACTION_STATUSES}
    assert board.total.overdue == sum(r.overdue(TODAY) for r in live)
    for tally in (board.total, *board.partnerships):
        for rag, number in tally.by_rag.items():
            listed = board.lists.link(tally.partnership_uid, rag=rag).select(live, TODAY)
            assert len(listed) == number
            assert all(r.rag == rag and r.status not in ("completed", "cancelled")
                       for r in listed)
            assert all(tally.partnership_uid in (None, r.partnership_uid) for r in listed)
        overdue = board.lists.link(tally.partnership_uid, overdue=True).select(live, TODAY)
        assert len(overdue) == tally.overdue
        missing = board.lists.link(tally.partnership_uid, missing=True).select(live, TODAY)
        assert len(missing) == tally.missing_updates
    assert sum(t.actions for t in board.partnerships) == board.total.actions


def test_an_action_is_missing_its_update_until_one_is_written_for_the_period(
        demo_copy: Copy):
    partnership, plan = west(demo_copy)
    late = add_action(demo_copy, plan, "Reach every school", status="in-progress",
                      start_on=dt.date(2024, 4, 1))
    later = add_action(demo_copy, plan, "Start next year", start_on=dt.date(2025, 5, 1))
    done = add_action(demo_copy, plan, "Finished", status="completed")
    before = build_dashboard(demo_copy, TODAY)
    assert late in before.lists.missing
    assert later not in before.lists.missing  # not under way in 2024/25 Q3
    assert done not in before.lists.missing
    demo_copy.records.create("progress-update", {
        "action_uid": late, "period": "2024/25 Q3", "reported_on": TODAY, "rag": "green",
        "narrative": "Eleven of fourteen schools visited."})
    after = build_dashboard(demo_copy, TODAY)
    assert late not in after.lists.missing
    west_before = next(t for t in before.partnerships if t.partnership_uid == partnership)
    west_after = next(t for t in after.partnerships if t.partnership_uid == partnership)
    assert west_after.missing_updates == west_before.missing_updates - 1
    link = after.lists.link(partnership, missing=True)
    assert link.status == OPEN and "2024/25 Q3" in link.among_label


def test_an_update_for_another_quarter_does_not_count_for_this_one(demo_copy: Copy):
    _partnership, plan = west(demo_copy)
    action = add_action(demo_copy, plan, "Patrols", status="in-progress")
    demo_copy.records.create("progress-update", {
        "action_uid": action, "period": "2024/25 Q2", "reported_on": dt.date(2024, 9, 30),
        "rag": "amber", "narrative": "Two patrols a week."})
    assert action in build_dashboard(demo_copy, TODAY).lists.missing
    assert action not in build_dashboard(demo_copy, dt.date(2024, 9, 1)).lists.missing


def test_a_district_copy_shows_its_own_partnership_only(tmp_path, published):
    _lead, baseline = published
    with join_partnership(tmp_path / "west", baseline, partnership="West Lancashire CSP",
                          name="Jo") as copy:
        board = build_dashboard(copy, TODAY)
        partnership, _plan = west(copy)
        mine = [row for row in action_rows(copy)
                if row.partnership_uid == partnership and row.archived_in is None]
    assert board.heading == "West Lancashire CSP"
    assert [t.partnership_uid for t in board.partnerships] == [partnership]
    assert board.total.actions == len(mine) > 0


def test_a_lead_copy_lists_the_partnerships_that_have_actions_in_the_navigator_order(
        demo_copy: Copy):
    board = build_dashboard(demo_copy, TODAY)
    order = [p.title for p in demo_copy.records.list_kind("partnership")]
    names = [t.name for t in board.partnerships]
    assert names == [name for name in order if name in names]
    assert all(t.actions for t in board.partnerships)
    assert board.heading.endswith("every partnership")


def test_indicators_off_target_are_counted_for_the_county_and_each_partnership(
        demo_copy: Copy):
    from csa_desktop.services.indicators import indicator_views

    views = indicator_views(demo_copy)
    off = [v for v in views if v.judgement.rag in ("red", "amber")]
    county = [v for v in off if not v.indicator.fields.get("partnership_uid")]
    assert county and len(county) < len(off)  # the demo has both kinds off target
    board = build_dashboard(demo_copy, TODAY)
    assert board.county_off_target == len(county)
    for tally in board.partnerships:
        assert tally.indicators_off_target == sum(
            v.indicator.fields.get("partnership_uid") == tally.partnership_uid for v in off)
    assert board.total.indicators_off_target == len(off) - len(county)
