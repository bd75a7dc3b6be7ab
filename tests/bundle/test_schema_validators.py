"""The shipped JSON Schema, the gate's compiled checks of it, and the words of a refusal.

The gate checks bundle members with fastjsonschema (the schema compiled to Python code); the
shipped schema is for anyone's tools, so `jsonschema`, an independent validator, must read it
as a valid 2020-12 schema and agree with the gate on what it accepts."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from csa_desktop.bundle.schema import shipped_schema
from csa_desktop.bundle.validation import validate
from csa_desktop.errors import BundleError
from tests.bundle.builders import BundleParts
from tests.bundle.conftest import Exchange

UID = "6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a11"
WRONG = [5, -1, 0, 1.5, True, None, "", "x" * 5_000, "purple", "Safe\u0000streets", "two\nlines",
         "\u009b2J", "2023-02-30", "1234", [], {}, ["x"], {"zz": 1}, 10**20]


def refusal(data: Any, definition: str, member: str = "changes.json") -> str | None:
    try:
        validate(data, definition, member, "west.csabundle")
    except BundleError as exc:
        assert exc.code == "schema"
        return str(exc)
    return None


def independent(definition: str) -> Draft202012Validator:
    schema = shipped_schema()
    return Draft202012Validator(
        {"$schema": schema["$schema"], "$defs": schema["$defs"],
         "$ref": f"#/$defs/{definition}"},
        format_checker=Draft202012Validator.FORMAT_CHECKER)


def places(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    children = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else ()
    for key, child in children:
        yield from places(child, (*path, key))


def put(node: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value


def every_kind(exchange: Exchange) -> dict[str, Any]:
    """A contribution creating one record of every kind, from the exchange's baseline."""
    records = BundleParts.of(exchange.baseline, exchange.lead_key).payload["records"]
    first = {record["kind"]: record for record in records}
    return {"changes": [
        {"kind": kind, "uid": record["uid"], "op": "create", "base_rev": None,
         "fields": {name: {"base": None, "new": value}
                    for name, value in record["fields"].items()}}
        for kind, record in first.items()]}


def test_the_shipped_schema_is_a_valid_json_schema_2020_12():
    Draft202012Validator.check_schema(shipped_schema())


def test_an_independent_validator_agrees_with_the_gate_on_every_wrong_value_in_every_place(
        exchange: Exchange):
    parts = BundleParts.of(exchange.contribution, exchange.district_key)
    validators: dict[str, Draft202012Validator] = {}
    cases = [("manifest", "manifest.json", parts.manifest)] + [
        ("changes", "changes.json", {"changes": [change]})
        for change in every_kind(exchange)["changes"]]
    checked = disagreements = 0
    for definition, member, valid in cases:
        other = validators.setdefault(definition, independent(definition))
        assert refusal(valid, definition, member) is None and other.is_valid(valid)
        for path in places(valid):
            for wrong in WRONG:
                data = copy.deepcopy(valid)
                put(data, path, wrong)
                gate_refuses = refusal(data, definition, member) is not None
                disagreements += gate_refuses == other.is_valid(data)
                checked += 1
    assert checked > 3_000
    assert disagreements == 0


def test_a_baseline_of_every_kind_passes_both_validators(exchange: Exchange):
    payload = BundleParts.of(exchange.baseline, exchange.lead_key).payload
    assert {record["kind"] for record in payload["records"]} >= {"action", "section"}
    assert refusal(payload, "records", "records.json") is None
    assert independent("records").is_valid(payload)


def a_change(**fields: Any) -> dict[str, Any]:
    return {"changes": [{"kind": "action", "uid": UID, "op": "update", "base_rev": 3,
                         "fields": fields or {"rag": {"base": "green", "new": "red"}}}]}


def edited(edit: Any) -> dict[str, Any]:
    data = a_change()
    edit(data["changes"][0])
    return data


@pytest.mark.parametrize(("data", "message"), [
    (edited(lambda c: c.pop("kind")), "changes[0] 'kind' is a required property"),
    (edited(lambda c: c.update(evil=1, also=2)),
     "changes[0] Additional properties are not allowed ('also', 'evil' were unexpected)"),
    (edited(lambda c: c["fields"]["rag"].update(extra=1)),
     "changes[0].fields.rag Additional properties are not allowed ('extra' was unexpected)"),
    (edited(lambda c: c.update(base_rev=0)),
     "changes[0].base_rev 0 is less than the minimum of 1"),
    (edited(lambda c: c.update(base_rev="3")),
     "changes[0].base_rev should be a whole number or empty (null), not text"),
    (edited(lambda c: c.update(op="merge")),
     "changes[0].op 'merge' is not one of the allowed values"),
    (edited(lambda c: c.update(uid="1234")),
     "changes[0].uid has a value of the wrong form ('1234')"),
    (a_change(title={"base": None, "new": "x" * 600}),
     "changes[0].fields.title.new is too long (at most 500 characters)"),
    (a_change(title={"base": None, "new": "two\nlines"}),
     "changes[0].fields.title.new must be a single line"),
    (a_change(title={"base": None, "new": "Safe\u001b[2Jstreets"}),
     "changes[0].fields.title.new contains a control character (U+001B ESC at character 5); "
     "text may hold line breaks and tabs, but no other control characters"),
    (a_change(due_on={"base": None, "new": "2023-02-30"}),
     "changes[0].fields.due_on.new has a value of the wrong form ('2023-02-30')"),
    ({"changes": [{}]}, "changes[0] 'kind' is a required property"),
    ({"changes": "all"}, "changes should be a list, not text"),
    ({"records": []},
     "top level Additional properties are not allowed ('records' was unexpected)"),
    ([], "top level should be an object, not a list"),
], ids=["no-kind", "unexpected-keys", "unexpected-key-in-a-value", "below-minimum", "wrong-type",
        "unknown-choice", "not-a-uuid", "too-long", "two-lines", "escape-sequence", "no-such-date",
        "empty-change", "changes-not-a-list", "wrong-member", "not-an-object"])
def test_a_refusal_names_the_member_the_place_and_the_rule(data: Any, message: str):
    assert refusal(data, "changes") == f"west.csabundle: changes.json {message}"


def test_an_item_whose_kind_is_not_text_is_refused_not_a_crash():
    data = edited(lambda c: c.update(kind=["action"]))
    assert "changes[0].kind ['action'] is not one of the allowed values" in str(refusal(
        data, "changes"))
