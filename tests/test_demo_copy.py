"""First start gives the Lancashire demo agreement, with invented content marked as such."""

from __future__ import annotations

from csa_desktop.services.copy import Copy


def test_demo_has_the_fourteen_areas_twelve_in_the_agreement_footprint(demo_copy: Copy):
    areas = demo_copy.records.list_kind("area")
    assert len(areas) == 14
    assert sum(1 for a in areas if a["in_footprint"]) == 12
    assert {a.title for a in areas if a["kind"] == "unitary"} == {"Blackburn with Darwen",
                                                                  "Blackpool"}


def test_demo_has_the_eight_key_issues_in_the_assessment_order(demo_copy: Copy):
    names = [k.title for k in demo_copy.records.list_kind("key-issue")]
    assert len(names) == 8
    assert names[0] == "Domestic abuse"
    assert names[-1] == "Cyber crime"


def test_every_key_issue_has_a_delivery_framework_row(demo_copy: Copy):
    issues = {k.uid for k in demo_copy.records.list_kind("key-issue")}
    rows = demo_copy.records.list_kind("delivery-framework-row")
    assert {r["key_issue_uid"] for r in rows} == issues


def test_demo_agreement_is_the_lancashire_agreement_2022_to_2025(demo_copy: Copy):
    (agreement,) = demo_copy.records.list_kind("agreement")
    assert agreement.title == "Lancashire Community Safety Agreement 2022–2025"
    board = [a for a in demo_copy.records.list_kind("approval") if "Board" in str(a["body"])]
    assert board and str(board[0]["decided_on"]) == "2022-07-04"
    assert board[0]["stage"] == "approved-by-board"
    cabinet = [a for a in demo_copy.records.list_kind("approval") if a["body"] == "Cabinet"]
    assert [(str(a["decided_on"]), a["stage"]) for a in cabinet] == [
        ("2022-09-08", "noted-by-cabinet")]
    # noted by Cabinet; no Full Council date or date sent to the PCC is known
    assert agreement["status"] == "noted-by-cabinet" and agreement["sent_to_pcc_on"] is None
    assert not [a for a in demo_copy.records.list_kind("approval") if a["minute_ref"]
                and a["minute_ref"] != "[illustrative]"]


def test_demo_has_plan_on_a_page_items_in_all_four_columns(demo_copy: Copy):
    columns = {i["column"] for i in demo_copy.records.list_kind("plan-item")}
    assert columns == {"evidence", "key-issues", "approach", "activity"}


def test_demo_has_local_plans_with_actions_and_progress_for_four_partnerships(demo_copy: Copy):
    plans = demo_copy.records.list_kind("local-plan")
    assert len(plans) >= 4
    titles = demo_copy.records.titles("partnership", [str(p["partnership_uid"]) for p in plans])
    assert "West Lancashire CSP" in titles.values()
    for plan in plans:
        actions = demo_copy.records.list_kind("action", where={"plan_uid": plan.uid})
        assert actions, plan.title
    assert demo_copy.records.list_kind("progress-update")


def test_invented_actions_and_updates_are_marked_as_sample(demo_copy: Copy):
    for action in demo_copy.records.list_kind("action"):
        assert "[sample]" in action.title.lower() or "[illustrative]" in action.title.lower()
    for update in demo_copy.records.list_kind("progress-update"):
        narrative = str(update["narrative"]).lower()
        assert "[sample]" in narrative or "[illustrative]" in narrative


def test_every_section_of_the_detailed_document_is_present(demo_copy: Copy):
    kinds = {s["kind"] for s in demo_copy.records.list_kind("section")}
    assert {"context", "legislation", "governance", "priorities", "partnership-delivery",
            "delivery-framework"} <= kinds


def test_demo_indicators_are_marked_illustrative_and_cover_every_frequency_and_polarity(
        demo_copy: Copy):
    from csa_desktop.services.indicators import indicator_views

    views = indicator_views(demo_copy)
    assert len(views) >= 5
    for view in views:
        indicator = view.indicator
        assert "[illustrative]" in indicator.title, indicator.title
        assert str(indicator["source"]).startswith("[illustrative]")
        assert view.values, indicator.title
        assert all(v["note"] == "[illustrative]" for v in view.values)
    assert {v.indicator["frequency"] for v in views} == {"monthly", "quarterly", "annual"}
    assert {v.indicator["polarity"] for v in views} == {"higher-is-better", "lower-is-better",
                                                         "no-target"}
    assert {v.judgement.rag for v in views} == {"red", "amber", "green", None}
    county = [v for v in views if v.indicator["key_issue_uid"]]
    local = [v for v in views if v.indicator["partnership_uid"]]
    assert county and local
    west = demo_copy.records.list_kind("local-priority", partnership="West Lancashire CSP")
    linked = {u for p in west for u in p["indicator_uids"]}
    assert linked and linked <= {v.indicator.uid for v in local}
