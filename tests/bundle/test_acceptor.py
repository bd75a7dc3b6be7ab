"""The quick yes of bundle.acceptor: it never accepts a value the gate's validator refuses,
and it does accept the plain valid items bundles are made of (else it would save nothing)."""

from __future__ import annotations

import copy
from typing import Any

from csa_desktop.bundle.acceptor import acceptor, accepts
from csa_desktop.bundle.schema import first_problem, shipped_schema
from csa_desktop.domain.kinds import KINDS
from tests.bundle.builders import BundleParts
from tests.bundle.conftest import Exchange
from tests.bundle.test_schema_validators import WRONG, every_kind, places, put

MORE_WRONG = [*WRONG, "6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a11\n", "2026-04-10\n", "20260410",
              "red ", "Red", 2**70, -2**70, 1.0, 0.0, [None], [5], ["6f1c3a52"], {"base": 1},
              {"base": None}, {"new": None}, {"base": None, "new": None, "x": 1},
              "\u2028", "\u0085", "a\tb", "a\rb", "x" * 37, "x" * 501, "9" * 41]


def test_it_has_a_test_for_the_definition_of_every_kind():
    for kind in KINDS:
        assert acceptor(f"change-{kind}") is not None
        assert acceptor(f"record-{kind}") is not None


def test_it_accepts_a_change_and_a_record_of_every_kind(exchange: Exchange):
    for change in every_kind(exchange)["changes"]:
        assert first_problem(f"change-{change['kind']}", change) is None
        assert accepts(f"change-{change['kind']}", change)
    records = BundleParts.of(exchange.baseline, exchange.lead_key).payload["records"]
    assert {r["kind"] for r in records} >= {"action", "section", "partnership"}
    for record in records:
        assert accepts(f"record-{record['kind']}", record)


def test_it_never_accepts_what_the_validator_refuses_in_any_place(exchange: Exchange):
    items: list[tuple[str, dict[str, Any]]] = [
        (f"change-{c['kind']}", c) for c in every_kind(exchange)["changes"]]
    records = BundleParts.of(exchange.baseline, exchange.lead_key).payload["records"]
    first = {r["kind"]: r for r in records}
    items += [(f"record-{kind}", record) for kind, record in first.items()]
    refused = accepted_wrongly = 0
    for definition, valid in items:
        for path in places(valid):
            for wrong in MORE_WRONG:
                data = copy.deepcopy(valid)
                put(data, path, wrong)
                if first_problem(definition, data) is not None:
                    refused += 1
                    accepted_wrongly += accepts(definition, data)
        for extra in ({"zz": 1}, {"fields": {}}):
            data = {**copy.deepcopy(valid), **extra}
            if first_problem(definition, data) is not None:
                refused += 1
                accepted_wrongly += accepts(definition, data)
    assert refused > 5_000
    assert accepted_wrongly == 0


def test_an_unknown_keyword_in_a_definition_means_no_quick_yes():
    from csa_desktop.bundle.acceptor import UnsupportedError, _compile

    defs = shipped_schema()["$defs"]
    for odd in ({"type": "string", "uniqueItems": True}, {"allOf": []},
                {"type": "object", "patternProperties": {}}, {"type": ["object", "null"]}):
        try:
            _compile(odd, defs)
        except UnsupportedError:
            continue
        raise AssertionError(f"{odd} should not get a quick test")
