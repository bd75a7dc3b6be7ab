"""A district taking a new baseline keeps its unsent edits (rebased), and conflicts with the
lead's changes are shown locally before it exports again."""

from __future__ import annotations

import json

from csa_desktop.bundle.reader import open_bundle, parse_bundle
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy
from tests.bundle.builders import csa
from tests.bundle.conftest import Exchange


def new_baseline(ex: Exchange, name: str = "b2.csabundle", **edits: dict[str, object]) -> str:
    """The lead edits records, publishes a baseline; returns its file."""
    with Copy.open(ex.lead) as lead:
        for uid, values in edits.items():
            lead.records.update(uid, values)
        BundleService(lead).export(ex.tmp / name)
    return str(ex.tmp / name)


def district_record(ex: Exchange, uid: str):
    with Copy.open(ex.district) as district:
        return district.records.get(uid)


def exported_changes(ex: Exchange):
    with Copy.open(ex.district) as district:
        BundleService(district).export(ex.tmp / "next.csabundle")
    return parse_bundle(open_bundle((ex.tmp / "next.csabundle").read_bytes(), "next")).changes


def other_action(ex: Exchange) -> str:
    with Copy.open(ex.district) as district:
        return next(r.uid for r in district.records.list_kind("action",
                                                              partnership=ex.partnership)
                    if r.uid != ex.action)


def test_unsent_edits_survive_a_new_baseline_and_the_leads_changes_arrive(exchange, capsys):
    ex = exchange
    other = other_action(ex)
    with Copy.open(ex.district) as district:
        district.records.update(ex.action, {"measure": "Fewer repeat incidents"})
    path = new_baseline(ex, **{ex.action: {"lead_role": "Head of Community Safety"},
                               other: {"partners": "Added by the county"}})
    assert csa(ex.district, "import", path) == 0
    mine = district_record(ex, ex.action)
    assert mine.fields["measure"] == "Fewer repeat incidents"  # kept
    assert mine.fields["lead_role"] == "Head of Community Safety"  # arrived
    assert mine.fields["rag"] == "red"  # the edit sent in the first contribution, still unsent
    assert district_record(ex, other).fields["partners"] == "Added by the county"
    [change] = exported_changes(ex)
    assert change.uid == ex.action
    assert set(change.fields) == {"measure", "rag"}
    assert change.fields["measure"].base != "Fewer repeat incidents"


def test_an_edit_the_lead_accepted_is_no_longer_sent(exchange):
    ex = exchange
    lead_path = ex.file(ex.contribution, "c1.csabundle")
    assert csa(ex.lead, "import", str(lead_path)) == 0
    assert csa(ex.district, "import", new_baseline(ex)) == 0
    assert exported_changes(ex) == ()


def test_a_real_conflict_is_shown_locally_and_export_waits_for_a_decision(exchange, capsys):
    ex = exchange
    with Copy.open(ex.district) as district:
        district.records.update(ex.action, {"title": "Our title"})
    path = new_baseline(ex, **{ex.action: {"title": "The county's title"}})
    capsys.readouterr()
    assert csa(ex.district, "import", path) == 0
    assert "1 conflict waits for a decision" in capsys.readouterr().out
    assert district_record(ex, ex.action).fields["title"] == "Our title"  # kept until decided
    assert csa(ex.district, "export", "--out", str(ex.tmp / "x.csabundle")) == 2
    assert "conflict with the lead's baseline" in capsys.readouterr().err
    assert csa(ex.district, "conflicts", "list", "--json") == 0
    [conflict] = json.loads(capsys.readouterr().out)
    assert (conflict["side"], conflict["master"]) == ("district", "Our title")
    assert [i["value"] for i in conflict["incoming"]] == ["The county's title"]
    assert csa(ex.district, "conflicts", "resolve", str(conflict["id"]), "--take",
               "master") == 0
    [change] = exported_changes(ex)
    assert change.fields["title"].base == "The county's title"
    assert change.fields["title"].new == "Our title"


def test_taking_the_leads_value_ends_the_local_edit(exchange, capsys):
    ex = exchange
    with Copy.open(ex.district) as district:
        district.records.update(ex.action, {"title": "Our title"})
    assert csa(ex.district, "import", new_baseline(ex, **{ex.action: {"title": "County's"}})) == 0
    capsys.readouterr()
    assert csa(ex.district, "conflicts", "list", "--json") == 0
    [conflict] = json.loads(capsys.readouterr().out)
    bundle = conflict["incoming"][0]["bundle_id"]
    assert csa(ex.district, "conflicts", "resolve", str(conflict["id"]), "--take", bundle) == 0
    assert district_record(ex, ex.action).fields["title"] == "County's"
    assert {c.uid for c in exported_changes(ex)} == {ex.action}  # only the rag edit is left


def test_a_local_delete_against_the_leads_edit_is_a_local_conflict(exchange, capsys):
    ex = exchange
    other = other_action(ex)
    with Copy.open(ex.district) as district:
        district.records.delete(other)
    assert csa(ex.district, "import", new_baseline(ex, **{other: {"rag": "amber"}})) == 0
    capsys.readouterr()
    assert csa(ex.district, "conflicts", "list", "--json") == 0
    [conflict] = json.loads(capsys.readouterr().out)
    assert (conflict["field"], conflict["master"], conflict["incoming"][0]["value"]) == (
        "deleted", True, False)
    assert district_record(ex, other).deleted


def test_a_record_made_here_and_not_yet_sent_stays(exchange):
    ex = exchange
    with Copy.open(ex.district) as district:
        plan = district.records.get(ex.action).fields["plan_uid"]
        created = district.records.create("action", {"plan_uid": plan, "title": "New here"})
    uid = created.created[0][1]
    assert csa(ex.district, "import", new_baseline(ex)) == 0
    assert district_record(ex, uid).fields["title"] == "New here"
    assert uid in {c.uid for c in exported_changes(ex)}
