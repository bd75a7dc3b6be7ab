"""The one-pass reading of bundle.quick: an item it reads is one the validator accepts, and
what it makes of it is what the reference way (the compiled validator, then bundle.typed)
makes, refusals included; it reads the plain valid items bundles are made of; a bundle
parsed with it equals the same bundle parsed without it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from csa_desktop.bundle import reader
from csa_desktop.bundle.quick import MISS, item_reader, read_items
from csa_desktop.bundle.reader import open_bundle, parse_bundle
from csa_desktop.bundle.schema import first_problem
from csa_desktop.bundle.typed import changes_from_json, records_from_json
from csa_desktop.domain.kinds import KINDS
from csa_desktop.errors import InputError
from tests.bundle.builders import BundleParts
from tests.bundle.conftest import Exchange
from tests.bundle.test_acceptor import MORE_WRONG
from tests.bundle.test_schema_validators import every_kind, places, put

TYPED_WRONG = [*MORE_WRONG, "", [], "0", "00", "a0", "1.50", "01", "-0", "2026-13-01",
               "2026-02-29", "2024-02-29", "2026-04-10T10:00:00", "2026-04-10T25:00:00",
               "6F1C3A52-93A4-4C1E-9D2B-0C6A1F0E9A11", "6f1c3a52-93a4-6c1e-9d2b-0c6a1f0e9a11",
               ["6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a11"] * 2, ["6f1c3a52-93a4-4c1e-9d2b"],
               ["6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a11"] * 501, "in-progress", "green",
               "line\u2028sep", "x" * 200, "x" * 201, "x" * 20_001, False, 2**53, 2**53 + 1,
               "district", "create", "update", "delete"]


def outcome(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except InputError as exc:
        return f"refused: {exc}"


def items_of(exchange: Exchange) -> list[tuple[str, dict[str, Any]]]:
    """A change creating a record of every kind, one updating and one deleting an action,
    and the baseline's first record of every kind."""
    items: list[tuple[str, dict[str, Any]]] = [
        (f"change-{c['kind']}", c) for c in every_kind(exchange)["changes"]]
    changes = BundleParts.of(exchange.contribution, exchange.district_key).payload["changes"]
    items += [(f"change-{c['kind']}", c) for c in changes]
    update = next(c for c in changes if c["op"] == "update")
    items.append((f"change-{update['kind']}", {
        **update, "op": "delete", "fields": {"deleted": {"base": False, "new": True}}}))
    records = BundleParts.of(exchange.baseline, exchange.lead_key).payload["records"]
    first = {r["kind"]: r for r in records}
    items += [(f"record-{kind}", record) for kind, record in first.items()]
    return items


def reference(definition: str, item: Any, read: object = MISS) -> Any:
    """What the gate's parse makes of one item: typed with `read` (the quick reading) or
    without it (the reference way)."""
    if definition.startswith("change-"):
        return outcome(lambda: changes_from_json([item], "x.csabundle", [read]))
    return outcome(lambda: records_from_json([item], "x.csabundle", [read]))


def test_it_reads_a_change_and_a_record_of_every_kind(exchange: Exchange):
    for kind in KINDS:
        assert item_reader(f"change-{kind}") is not None
        assert item_reader(f"record-{kind}") is not None
    for definition, item in items_of(exchange):
        read = item_reader(definition)(item)  # type: ignore[misc]
        assert read is not MISS, definition
        assert reference(definition, item, read) == reference(definition, item)


def test_it_never_reads_what_the_validator_refuses_and_reads_as_the_reference_does(
        exchange: Exchange):
    refused = read_wrongly = compared = differ = 0
    for definition, valid in items_of(exchange):
        test = item_reader(definition)
        assert test is not None
        mutated: list[Any] = []
        for path in places(valid):
            for wrong in TYPED_WRONG:
                data = copy.deepcopy(valid)
                put(data, path, wrong)
                mutated.append(data)
        mutated += [{**copy.deepcopy(valid), **extra} for extra in ({"zz": 1}, {"fields": {}})]
        mutated += [{k: v for k, v in valid.items() if k != key} for key in valid]
        for data in mutated:
            read = test(data)
            if first_problem(definition, data) is not None:
                refused += 1
                read_wrongly += read is not MISS
            elif read is not MISS:
                compared += 1
                differ += reference(definition, data, read) != reference(definition, data)
    assert refused > 10_000
    assert compared > 1_000
    assert read_wrongly == 0
    assert differ == 0


def test_a_payload_not_shaped_as_one_is_not_read():
    assert read_items("changes", {"changes": [], "extra": 1}) is None
    assert read_items("changes", {"changes": {}}) is None
    assert read_items("records", []) is None
    assert read_items("changes", {"changes": [5, {"kind": "nothing"}, {"kind": 5}]}) == [
        MISS, MISS, MISS]


@pytest.mark.parametrize("which", ["contribution", "baseline"])
def test_a_bundle_parsed_the_quick_way_equals_the_same_bundle_parsed_the_reference_way(
        exchange: Exchange, monkeypatch: pytest.MonkeyPatch, which: str):
    data = getattr(exchange, which)
    quick = parse_bundle(open_bundle(data, f"{which}.csabundle"))
    monkeypatch.setattr(reader, "read_items", lambda definition, payload: None)
    slow = parse_bundle(open_bundle(data, f"{which}.csabundle"))
    assert quick == slow
    assert quick.changes or quick.records


def test_a_payload_nested_too_deeply_is_still_refused_as_too_deep(exchange: Exchange):
    from csa_desktop.errors import BundleError

    parts = BundleParts.of(exchange.contribution, exchange.district_key)
    deep: Any = "x"
    for _ in range(20):
        deep = [deep]
    fields = parts.payload["changes"][0]["fields"]
    fields[next(iter(fields))] = {"base": None, "new": deep}
    with pytest.raises(BundleError) as refused:
        parse_bundle(open_bundle(parts.build(), "deep.csabundle"))
    assert refused.value.code == "too-deep"
