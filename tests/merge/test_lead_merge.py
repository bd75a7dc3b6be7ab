"""Contributions merged into the lead's master through the import service and the CLI."""

from __future__ import annotations

import json

from csa_desktop.services.bundles import BundleService
from csa_desktop.services.conflicts import ConflictService
from csa_desktop.services.copy import Copy
from tests.bundle.builders import csa, database_state
from tests.merge.conftest import Lab, import_files, master_state, open_conflicts


def rags(lab: Lab, uid: str) -> list[str]:
    """The three RAG values other than the baseline's, to change it to."""
    return [r for r in ("red", "amber", "green", "not-rated")
            if r != lab.baseline[uid].fields["rag"]]


def field_of(folder, uid: str, name: str) -> object:
    with Copy.open(folder) as copy:
        record = copy.records.get(uid)
    return record.deleted if name == "deleted" else record.fields[name]


def test_changes_to_different_fields_from_two_districts_both_arrive(lab: Lab):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    rag = rags(lab, action)
    import_files(lab.lead, lab.bundle(west, [lab.update(action, rag=rag[0])]),
                 lab.bundle(skem, [lab.update(action, title="Patrols in Skelmersdale")]))
    assert field_of(lab.lead, action, "rag") == rag[0]
    assert field_of(lab.lead, action, "title") == "Patrols in Skelmersdale"
    assert open_conflicts(lab.lead) == set()


def test_the_same_new_value_from_two_districts_is_no_conflict(lab: Lab):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    rag = rags(lab, action)
    import_files(lab.lead, lab.bundle(west, [lab.update(action, rag=rag[0])]))
    import_files(lab.lead, lab.bundle(skem, [lab.update(action, rag=rag[0])]))
    assert field_of(lab.lead, action, "rag") == rag[0]
    assert open_conflicts(lab.lead) == set()


def test_different_new_values_go_to_the_queue_with_base_master_and_each_incoming(lab: Lab,
                                                                                 capsys):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    rag = rags(lab, action)
    base = lab.baseline[action].fields["rag"]
    first = lab.bundle(west, [lab.update(action, rag=rag[0])])
    second = lab.bundle(skem, [lab.update(action, rag=rag[1])])
    import_files(lab.lead, first)
    report = import_files(lab.lead, second)
    assert report.conflicts == 1
    assert field_of(lab.lead, action, "rag") == base  # neither wins until the lead decides
    capsys.readouterr()
    assert csa(lab.lead, "conflicts", "list", "--json") == 0
    [conflict] = json.loads(capsys.readouterr().out)
    assert (conflict["field"], conflict["base"], conflict["master"]) == ("rag", base, base)
    assert {(i["author"], i["value"], i["file_name"]) for i in conflict["incoming"]} == {
        ("Ormskirk officer", rag[0], first.name), ("Skelmersdale officer", rag[1], second.name)}
    history = {(h.outcome, h.new, h.bundle_id is not None)
               for h in Copy.open(lab.lead).records.history(action) if h.field == "rag"}
    # the first value was in the master a while; now both wait, as if they had come together
    assert {("conflict", rag[0], True), ("conflict", rag[1], True)} <= history
    assert not any(outcome == "accepted" for outcome, _, _ in history)


def test_resolving_by_taking_a_bundle_keeps_the_loser_in_history(lab: Lab, capsys):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    rag = rags(lab, action)
    import_files(lab.lead, lab.bundle(west, [lab.update(action, rag=rag[0])]),
                 lab.bundle(skem, [lab.update(action, rag=rag[1])]))
    with Copy.open(lab.lead) as copy:
        [view] = ConflictService(copy).list()
    assert csa(lab.lead, "conflicts", "resolve", str(view.id), "--take",
               "Skelmersdale officer") == 0
    assert f"is now '{rag[1]}'" in capsys.readouterr().out
    assert field_of(lab.lead, action, "rag") == rag[1]
    assert open_conflicts(lab.lead) == set()
    with Copy.open(lab.lead) as copy:
        history = copy.records.history(action)
    lost = [h for h in history if h.outcome == "lost"]
    assert [(h.who, h.new) for h in lost] == [("Ormskirk officer", rag[0])]
    assert lost[0].bundle_id


def test_resolving_with_an_edited_value_and_a_second_resolve_is_refused(lab: Lab, capsys):
    west, skem, _ = lab.districts
    action = lab.actions[1]
    import_files(lab.lead, lab.bundle(west, [lab.update(action, title="Walks in Ormskirk")]),
                 lab.bundle(skem, [lab.update(action, title="Walks in Skelmersdale")]))
    with Copy.open(lab.lead) as copy:
        [view] = ConflictService(copy).list()
    assert csa(lab.lead, "conflicts", "show", str(view.id)) == 0
    shown = capsys.readouterr().out
    assert "Walks in Ormskirk" in shown and "Walks in Skelmersdale" in shown
    assert csa(lab.lead, "conflicts", "resolve", str(view.id), "--value",
               "Walks in Ormskirk and Skelmersdale") == 0
    assert field_of(lab.lead, action, "title") == "Walks in Ormskirk and Skelmersdale"
    assert csa(lab.lead, "conflicts", "resolve", str(view.id), "--take", "base") == 2
    assert "already resolved" in capsys.readouterr().err


def test_a_bad_resolve_value_is_refused_by_name_and_changes_nothing(lab: Lab, capsys):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    rag = rags(lab, action)
    import_files(lab.lead, lab.bundle(west, [lab.update(action, rag=rag[0])]),
                 lab.bundle(skem, [lab.update(action, rag=rag[1])]))
    with Copy.open(lab.lead) as copy:
        [view] = ConflictService(copy).list()
    before = database_state(lab.lead)
    assert csa(lab.lead, "conflicts", "resolve", str(view.id), "--value", "purple") == 2
    assert "'purple' is not one of" in capsys.readouterr().err
    assert csa(lab.lead, "conflicts", "resolve", str(view.id), "--take", "nobody") == 2
    assert "not base, master or one of the bundles" in capsys.readouterr().err
    assert csa(lab.lead, "conflicts", "resolve", "999", "--take", "base") == 2
    assert database_state(lab.lead) == before


def test_a_delete_against_an_edit_is_a_conflict_in_either_order(lab: Lab):
    west, skem, _ = lab.districts
    action = lab.actions[2]
    rag = rags(lab, action)
    delete = lab.bundle(west, [lab.delete(action)])
    edit = lab.bundle(skem, [lab.update(action, rag=rag[0])])
    one, other = lab.fresh_lead("one"), lab.fresh_lead("other")
    import_files(one, delete)
    import_files(one, edit)
    import_files(other, edit)
    import_files(other, delete)
    assert master_state(one) == master_state(other)
    assert open_conflicts(one) == open_conflicts(other)
    [(uid, field, _base, master, incoming)] = open_conflicts(one)
    assert (uid, field, master) == (action, "deleted", "False")
    assert {(a, v) for a, v, _ in incoming} == {("Ormskirk officer", "True"),
                                                ("Skelmersdale officer", "False")}
    assert field_of(one, action, "deleted") is False and field_of(one, action, "rag") == rag[0]


def test_a_delete_against_the_leads_own_edit_is_a_conflict(lab: Lab):
    west = lab.districts[0]
    action = lab.actions[2]
    with Copy.open(lab.lead) as copy:
        copy.records.update(action, {"partners": "Added by the county"})
    import_files(lab.lead, lab.bundle(west, [lab.delete(action)]))
    assert field_of(lab.lead, action, "deleted") is False
    assert [c[1] for c in open_conflicts(lab.lead)] == ["deleted"]


def test_an_accepted_delete_and_a_new_record_arrive(lab: Lab):
    west = lab.districts[0]
    action = lab.actions[3]
    rag = rags(lab, action)
    new = lab.create(title="Pilot a hotspot patrol", rag=rag[2])
    import_files(lab.lead, lab.bundle(west, [lab.delete(action), new]))
    assert field_of(lab.lead, action, "deleted") is True
    assert field_of(lab.lead, new.uid, "title") == "Pilot a hotspot patrol"


def test_a_later_bundle_from_the_same_district_supersedes_its_earlier_one_in_any_order(lab):
    west = lab.districts[0]
    action = lab.actions[0]
    rag = rags(lab, action)
    week_1 = lab.bundle(west, [lab.update(action, rag=rag[0], partners="Fire service")])
    week_2 = lab.bundle(west, [lab.update(action, rag=rag[1])])  # partners put back
    in_order, reversed_, together = (lab.fresh_lead(n) for n in ("a", "b", "c"))
    import_files(in_order, week_1)
    import_files(in_order, week_2)
    report = import_files(reversed_, week_2)
    report_late = import_files(reversed_, week_1)
    import_files(together, week_1, week_2)
    assert [o.status for o in report_late.outcomes] == ["superseded"]
    assert report.conflicts == 0
    states = {master_state(f) == master_state(in_order) for f in (reversed_, together)}
    assert states == {True}
    assert field_of(in_order, action, "rag") == rag[1]
    assert field_of(in_order, action, "partners") == lab.baseline[action].fields["partners"]
    assert open_conflicts(in_order) == set()


def test_reimporting_a_bundle_changes_nothing(lab: Lab, capsys):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    rag = rags(lab, action)
    first = lab.bundle(west, [lab.update(action, rag=rag[0])])
    second = lab.bundle(skem, [lab.update(action, rag=rag[1])])
    import_files(lab.lead, first, second)
    before = database_state(lab.lead)
    assert csa(lab.lead, "import", str(second), str(first)) == 0
    assert capsys.readouterr().err.count("already imported") == 2
    assert database_state(lab.lead) == before


def test_a_dry_run_previews_counts_records_and_conflicts_and_changes_nothing(lab: Lab, capsys):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    rag = rags(lab, action)
    first = lab.bundle(west, [lab.update(action, rag=rag[0]),
                              lab.create(title="Night walks")])
    second = lab.bundle(skem, [lab.update(action, rag=rag[1])])
    before = database_state(lab.lead)
    capsys.readouterr()
    assert csa(lab.lead, "import", "--dry-run", "--json", str(first), str(second)) == 0
    report = json.loads(capsys.readouterr().out.split("\n1 conflict")[0])
    assert report["dry_run"] is True
    by_file = {b["file"]: b for b in report["bundles"]}
    assert by_file[first.name]["status"] == "would-import"
    assert by_file[first.name]["counts"] == {"create": {"action": 1}}
    assert by_file[first.name]["conflicts"] == 1
    assert {r["op"] for r in by_file[first.name]["records"]} == {"create", "conflict"}
    assert database_state(lab.lead) == before


def test_publishing_a_baseline_commits_the_merge_but_keeps_the_open_conflicts(lab: Lab):
    west, skem, third = lab.districts
    one, two = lab.actions[0], lab.actions[1]
    bases = (lab.baseline[one].fields["rag"], lab.baseline[two].fields["rag"])
    rag = [r for r in ("red", "amber", "green", "not-rated") if r not in bases][:2]
    rag.append(next(r for r in ("red", "amber", "green", "not-rated")
                    if r not in (bases[0], rag[0])))
    import_files(lab.lead, lab.bundle(west, [lab.update(one, rag=rag[0]),
                                             lab.update(two, rag=rag[0])]),
                 lab.bundle(skem, [lab.update(two, rag=rag[1])]))
    with Copy.open(lab.lead) as copy:
        BundleService(copy).export(lab.tmp / "b2.csabundle")
    assert len(open_conflicts(lab.lead)) == 1
    # after the baseline, the accepted value is the lead's own: a district still on the old
    # baseline that changes it again meets it as a conflict
    import_files(lab.lead, lab.bundle(third, [lab.update(one, rag=rag[2])]))
    assert {c[0] for c in open_conflicts(lab.lead)} == {one, two}


def updates_of(lab: Lab, action: str) -> list[str]:
    return [uid for uid, r in lab.baseline.items()
            if r.kind == "progress-update" and r.fields["action_uid"] == action]


def test_a_delete_against_an_edit_keeps_the_records_under_it_until_the_lead_decides(lab: Lab):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    updates = updates_of(lab, action)
    assert updates
    delete_all = lab.bundle(west, [lab.delete(action), *(lab.delete(u) for u in updates)])
    edit = lab.bundle(skem, [lab.update(action, partners="Kept by Skelmersdale")])
    report = import_files(lab.lead, delete_all, edit)
    assert field_of(lab.lead, action, "deleted") is False
    assert not any(field_of(lab.lead, u, "deleted") for u in updates)
    assert [c[1] for c in open_conflicts(lab.lead)] == ["deleted"]
    assert not any(o.counts.get("delete") for o in report.outcomes)


def test_the_subtree_waits_whichever_bundle_arrives_first(lab: Lab):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    updates = updates_of(lab, action)
    delete_all = lab.bundle(west, [lab.delete(action), *(lab.delete(u) for u in updates)])
    edit = lab.bundle(skem, [lab.update(action, partners="Kept by Skelmersdale")])
    one, other, both = lab.fresh_lead("one"), lab.fresh_lead("other"), lab.fresh_lead("both")
    import_files(one, delete_all)
    assert all(field_of(one, u, "deleted") for u in updates)  # no conflict yet: taken
    import_files(one, edit)
    import_files(other, edit)
    import_files(other, delete_all)
    import_files(both, edit, delete_all)
    for lead in (one, other, both):
        assert not any(field_of(lead, u, "deleted") for u in updates), lead.name
    assert master_state(one, ("action", "progress-update")) == master_state(
        other, ("action", "progress-update")) == master_state(both, ("action", "progress-update"))


def test_keeping_the_record_keeps_the_records_under_it(lab: Lab):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    updates = updates_of(lab, action)
    delete_all = lab.bundle(west, [lab.delete(action), *(lab.delete(u) for u in updates)])
    edit = lab.bundle(skem, [lab.update(action, partners="Kept by Skelmersdale")])
    import_files(lab.lead, delete_all, edit)
    with Copy.open(lab.lead) as copy:
        [view] = ConflictService(copy).list()
        ConflictService(copy).resolve(view.id, take="master")
    assert field_of(lab.lead, action, "deleted") is False
    assert not any(field_of(lab.lead, u, "deleted") for u in updates)
    # the district's held deletes were decided with the record: its next bundle (the same,
    # cumulative) raises the record's conflict again but still leaves the subtree alone
    import_files(lab.lead, lab.bundle(west, [lab.delete(action),
                                             *(lab.delete(u) for u in updates)]))
    assert not any(field_of(lab.lead, u, "deleted") for u in updates)


def test_taking_the_delete_removes_the_records_it_held(lab: Lab):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    updates = updates_of(lab, action)
    import_files(lab.lead, lab.bundle(west, [lab.delete(action),
                                             *(lab.delete(u) for u in updates)]),
                 lab.bundle(skem, [lab.update(action, partners="Kept by Skelmersdale")]))
    with Copy.open(lab.lead) as copy:
        [view] = ConflictService(copy).list()
        changes = ConflictService(copy).resolve(view.id, take="Ormskirk officer")
    assert field_of(lab.lead, action, "deleted") is True
    assert all(field_of(lab.lead, u, "deleted") for u in updates)
    assert {uid for _kind, uid in changes.deleted} == {action, *updates}


def test_deciding_to_delete_removes_the_records_under_it_too(lab: Lab):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    updates = [uid for uid, r in lab.baseline.items()
               if r.kind == "progress-update" and r.fields["action_uid"] == action]
    import_files(lab.lead, lab.bundle(west, [lab.delete(action)]),
                 lab.bundle(skem, [lab.update(action, partners="Kept by Skelmersdale")]))
    with Copy.open(lab.lead) as copy:
        [view] = ConflictService(copy).list()
        ConflictService(copy).resolve(view.id, take="Ormskirk officer")
    assert field_of(lab.lead, action, "deleted") is True
    assert all(field_of(lab.lead, u, "deleted") for u in updates)


def test_a_later_bundle_leaving_out_a_record_its_district_created_is_refused_by_name(lab: Lab,
                                                                                      capsys):
    west = lab.districts[0]
    created = lab.create(title="Street safety walkabouts")
    assert csa(lab.lead, "import", str(lab.bundle(west, [created]))) == 0
    later = lab.bundle(west, [lab.update(lab.actions[0], rag="red")])  # the creation left out
    before = database_state(lab.lead)
    capsys.readouterr()
    assert csa(lab.lead, "import", str(later)) == 2
    err = capsys.readouterr().err
    assert later.name in err and created.uid in err and "internal error" not in err
    assert database_state(lab.lead) == before


def test_district_values_that_lose_to_the_leads_own_edit_are_named_in_preview_and_summary(
        lab: Lab, capsys):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    import_files(lab.lead, lab.bundle(west, [lab.update(action, partners="West value")]),
                 lab.bundle(skem, [lab.update(action, partners="Skem value")]))
    with Copy.open(lab.lead) as copy:  # the lead settles it by editing the field itself
        copy.records.update(action, {"partners": "Lead value"})
    later = lab.bundle(west, [lab.update(action, rag=rags(lab, action)[0])])
    preview = import_files(lab.lead, later, dry_run=True)
    [line] = preview.outcomes[0].kept_lead_lines
    assert (line.uid, line.fields) == (action, ("partners",))
    assert line.note == ("Who else is involved: kept the lead's value; Ormskirk officer's and "
                         "Skelmersdale officer's are in the history")
    capsys.readouterr()
    assert csa(lab.lead, "import", str(later)) == 0
    out = capsys.readouterr().out
    assert "1 value kept as the lead edited" in out
    assert "kept the lead's value; Ormskirk officer's and Skelmersdale officer's are in the " \
           "history" in out
    assert field_of(lab.lead, action, "partners") == "Lead value"
    with Copy.open(lab.lead) as copy:
        lost = {(h.who, h.new) for h in copy.records.history(action) if h.outcome == "lost"}
    assert lost == {("Ormskirk officer", "West value"), ("Skelmersdale officer", "Skem value")}
    assert open_conflicts(lab.lead) == set()


def rev_of(folder, uid: str) -> tuple[int, str]:
    with Copy.open(folder) as copy:
        record = copy.records.get(uid)
    return record.rev, record.updated_by


def test_a_revision_counts_the_merge_once_and_the_leads_own_edits_each(lab: Lab):
    west, skem, _ = lab.districts
    action = lab.actions[0]
    base = lab.baseline[action].rev
    import_files(lab.lead, lab.bundle(west, [lab.update(action, partners="West value")]))
    assert rev_of(lab.lead, action) == (base + 1, "Ormskirk officer")
    import_files(lab.lead, lab.bundle(skem, [lab.update(action, measure="Skem measure")]))
    assert rev_of(lab.lead, action) == (base + 1, "Ormskirk officer and others")
    with Copy.open(lab.lead) as copy:
        copy.records.update(action, {"rag": rags(lab, action)[0]})
    assert rev_of(lab.lead, action) == (base + 2, "County lead")
    # the same proposals again: nothing to count a second time
    import_files(lab.lead, lab.bundle(west, [lab.update(action, partners="West value")]))
    assert rev_of(lab.lead, action)[0] == base + 2
    # a district taking its edit back leaves the lead's own revision and name
    import_files(lab.lead, lab.bundle(west, []), lab.bundle(skem, []))
    assert rev_of(lab.lead, action) == (base + 1, "County lead")


def test_a_new_record_with_an_empty_list_merges_the_same_in_one_import_or_two(lab: Lab):
    """An action created by a district carries its (empty) list of indicators; the master
    holds an empty list, never null, so a second bundle re-sending the creation finds it as
    the merge left it, whether the two came together or one by one."""
    from tests.merge.test_properties import stamps

    west = lab.districts[0]
    uid = "e3e70682-c209-4cac-a29f-6fbed82c07cd"
    first = lab.bundle(west, [lab.create(uid, title="New 1")], seq=1)
    second = lab.bundle(west, [lab.create(uid, title="New 1")], seq=2)
    together = lab.fresh_lead("together")
    import_files(together, first, second)
    one_by_one = lab.fresh_lead("one-by-one")
    import_files(one_by_one, first)
    import_files(one_by_one, second)
    assert stamps(together) == stamps(one_by_one)
    assert field_of(together, uid, "indicator_uids") == []
