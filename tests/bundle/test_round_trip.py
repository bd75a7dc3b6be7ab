"""Export → import gives the same content: a baseline into an empty copy, a contribution into
the master (no concurrent changes), and random content through both (hypothesis)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csa_desktop.domain.kinds import ACTION_STATUSES, KINDS, RAGS, SECTION_KINDS
from csa_desktop.domain.roles import Role
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.services.sync import SyncService
from tests.bundle.builders import copy_folder, csa
from tests.bundle.conftest import Exchange


def canonical(folder: Path) -> list[tuple[object, ...]]:
    """Every record with every field and its revision, stamp and tombstone, in uid order."""
    with Copy.open(folder) as copy:
        return sorted(
            (r.kind, r.uid, r.rev, r.updated_at, r.updated_by, r.deleted,
             tuple(sorted((k, repr(v)) for k, v in r.fields.items())))
            for kind in KINDS for r in copy.records.list_kind(kind, include_deleted=True))


def test_a_baseline_imported_into_an_empty_copy_gives_identical_content(exchange: Exchange,
                                                                         tmp_path, capsys):
    with Copy.open(exchange.lead) as lead:
        some = lead.records.list_kind("section")[0].uid
        lead.records.delete(some)  # a tombstone travels too
    assert csa(exchange.lead, "export", "--out", str(tmp_path / "master")) == 0
    assert "exported a baseline" in capsys.readouterr().out
    empty = tmp_path / "empty"
    init_copy(empty, empty=True, name="New office").close()
    assert csa(empty, "import", str(tmp_path / "master.csabundle")) == 0
    assert canonical(empty) == canonical(exchange.lead)
    assert csa(empty, "check") == 0


def test_a_contribution_without_concurrent_changes_gives_the_district_values(exchange,
                                                                              capsys):
    with Copy.open(exchange.district) as district:
        action = district.records.get(exchange.action)
        district.records.update(exchange.action, {"title": "Weekly patrols in Skelmersdale",
                                                  "due_on": dt.date(2026, 3, 31)})
        plan = action.fields["plan_uid"]
        district.records.create("action", {"plan_uid": plan, "title": "A new action",
                                           "status": "in-progress", "rag": "amber"})
        doomed = district.records.list_kind("progress-update",
                                            partnership=exchange.partnership)[0].uid
        district.records.delete(doomed)
        bundle = exchange.tmp / "week-2.csabundle"
        BundleService(district).export(bundle)
        mine = {r.uid: (r.fields, r.deleted) for kind in KINDS
                for r in district.records.list_kind(kind, partnership=exchange.partnership,
                                                    include_deleted=True)}
    assert csa(exchange.lead, "import", str(bundle)) == 0
    assert "contribution from West Lancs officer" in capsys.readouterr().out
    with Copy.open(exchange.lead) as lead:
        theirs = {uid: (lead.records.get(uid).fields, lead.records.get(uid).deleted)
                  for uid in mine}
        history = lead.records.history(exchange.action)
    assert theirs == mine
    accepted = [h for h in history if h.outcome == "accepted"]
    assert {h.field for h in accepted} >= {"title", "due_on", "rag"}
    assert all(h.who == "West Lancs officer" and h.bundle_id for h in accepted)


def test_the_exported_contribution_carries_base_and_new_values_and_base_revision(exchange):
    from csa_desktop.bundle.reader import open_bundle, parse_bundle

    bundle = parse_bundle(open_bundle(exchange.contribution, "c.csabundle"))
    assert bundle.manifest.kind == "contribution"
    assert bundle.manifest.scope == (exchange.partnership,)
    [change] = bundle.changes
    assert change.uid == exchange.action and change.op == "update"
    assert change.base_rev == 1
    assert change.fields["rag"].new == "red"
    assert change.fields["rag"].base != "red"
    assert set(change.fields) == {"rag"}


def test_a_district_without_a_baseline_cannot_export(tmp_path, capsys):
    folder = tmp_path / "district"
    init_copy(folder, role=Role.DISTRICT, partnerships=["West Lancashire CSP"]).close()
    assert csa(folder, "export", "--out", str(tmp_path / "x.csabundle")) == 2
    assert "has not taken a baseline" in capsys.readouterr().err
    assert not (tmp_path / "x.csabundle").exists()


# --- random content (hypothesis) ------------------------------------------------------------

# any character text may hold: no surrogates, no control characters but tab (and line feed)
ONE_LINE = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t"),
                   min_size=1, max_size=80)
LONG = st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\n"),
               max_size=400)
DATES = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))


@st.composite
def contents(draw: st.DrawFn) -> list[tuple[str, dict[str, object]]]:
    """Records for an empty lead copy, in creation order ("@n" refers to the n-th record)."""
    items: list[tuple[str, dict[str, object]]] = [
        ("area", {"name": draw(ONE_LINE), "kind": "district"}),
        ("partnership", {"name": draw(ONE_LINE), "kind": "district-csp", "area_uids": ["@0"],
                         "description": draw(st.none() | LONG)}),
        ("agreement", {"title": draw(ONE_LINE), "period_start": draw(DATES),
                       "period_end": draw(DATES), "status": "draft"}),
        ("local-plan", {"partnership_uid": "@1", "title": draw(ONE_LINE)}),
    ]
    for _ in range(draw(st.integers(0, 4))):
        items.append(("section", {"agreement_uid": "@2", "title": draw(ONE_LINE),
                                  "kind": draw(st.sampled_from(SECTION_KINDS)),
                                  "body": draw(LONG)}))
    for _ in range(draw(st.integers(0, 5))):
        items.append(("action", {"plan_uid": "@3", "title": draw(ONE_LINE),
                                 "status": draw(st.sampled_from(ACTION_STATUSES)),
                                 "rag": draw(st.sampled_from(RAGS)),
                                 "due_on": draw(st.none() | DATES),
                                 "partners": draw(st.none() | ONE_LINE)}))
    return items


def build(copy: Copy, items: list[tuple[str, dict[str, object]]]) -> list[str]:
    uids: list[str] = []

    def resolve(value: object) -> object:
        if isinstance(value, str) and value.startswith("@") and value[1:].isdigit():
            return uids[int(value[1:])]
        if isinstance(value, list):
            return [resolve(v) for v in value]
        return value

    for kind, values in items:
        changes = copy.records.create(kind, {k: resolve(v) if k.endswith(("_uid", "_uids"))
                                             else v for k, v in values.items()})
        uids.append(changes.created[0][1])
    return uids


@pytest.fixture(scope="module")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("empty-template")
    init_copy(folder, empty=True, name="Random lead").close()
    return folder


@pytest.fixture(scope="module")
def other_empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another empty copy (its own replica id and key): a copy takes no bundle in its own
    name."""
    folder = tmp_path_factory.mktemp("other-empty-template")
    init_copy(folder, empty=True, name="Random district").close()
    return folder


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(items=contents(), deletions=st.sets(st.integers(0, 12), max_size=3))
def test_random_content_survives_baseline_export_and_import(items, deletions, empty_template,
                                                            other_empty_template,
                                                            tmp_path_factory):
    root = tmp_path_factory.mktemp("random")
    source = copy_folder(empty_template, root / "source")
    with Copy.open(source) as copy:
        uids = build(copy, items)
        for index in sorted(deletions):
            if 4 <= index < len(uids) and not copy.records.get(uids[index]).deleted:
                copy.records.delete(uids[index])
        BundleService(copy).export(root / "b.csabundle")
    target = copy_folder(other_empty_template, root / "target")
    with Copy.open(target) as copy:
        assert not SyncService(copy).import_files([root / "b.csabundle"]).refused
    assert canonical(target) == canonical(source)
    shutil.rmtree(root)


EDITS = st.fixed_dictionaries({}, optional={
    "title": ONE_LINE, "rag": st.sampled_from(RAGS), "status": st.sampled_from(ACTION_STATUSES),
    "due_on": st.none() | DATES, "partners": st.none() | ONE_LINE, "measure": LONG.map(
        lambda t: t.replace("\n", " ").replace("\r", " ")[:500] or None),
})


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(EDITS, min_size=1, max_size=4), new_titles=st.lists(ONE_LINE, max_size=3))
def test_random_district_edits_survive_contribution_export_and_import(
        edits, new_titles, exchange_template: Exchange, tmp_path_factory):
    root = tmp_path_factory.mktemp("random-edits")
    lead = copy_folder(exchange_template.lead, root / "lead")
    district = copy_folder(exchange_template.district, root / "district")
    west = exchange_template.partnership
    with Copy.open(district) as copy:
        actions = copy.records.list_kind("action", partnership=west)
        for action, values in zip(actions, edits, strict=False):
            start = {"start_on": None} if "due_on" in values else {}  # no start after due
            copy.records.update(action.uid, {**start, **values})
        for title in new_titles:
            copy.records.create("action", {"plan_uid": actions[0].fields["plan_uid"],
                                           "title": title})
        BundleService(copy).export(root / "c.csabundle")
        mine = {r.uid: (r.fields, r.deleted)
                for r in copy.records.list_kind("action", partnership=west)}
    with Copy.open(lead) as copy:
        assert not SyncService(copy).import_files([root / "c.csabundle"]).refused
        theirs = {r.uid: (r.fields, r.deleted)
                  for r in copy.records.list_kind("action", partnership=west)}
    assert theirs == mine
    shutil.rmtree(root)
