"""Export checks the bundle it is about to write on its members in memory (reader.check_members)
instead of unzipping and re-parsing the signed file: it must refuse exactly what the import
gate refuses, with the same message, and every bundle it lets through must pass the gate."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

import pytest

from csa_desktop.bundle.format import LIMITS, Limits
from csa_desktop.bundle.reader import check_members, open_bundle, parse_bundle
from csa_desktop.bundle.writer import BuiltBundle, built_bundle
from csa_desktop.errors import BundleError
from csa_desktop.services.attachments import add_attachment
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy
from csa_desktop.services.sync import SyncService
from tests.attachments.images import png
from tests.bundle.builders import read_members
from tests.bundle.conftest import Exchange

Payload = dict[str, list[dict[str, object]]]


def rebuilt(exchange: Exchange, change: Callable[[Payload], object] | None = None,
            payload_text: bytes | None = None,
            attachments: dict[str, bytes] | None = None) -> BuiltBundle:
    """The district's contribution signed again after `change` edited its payload."""
    bundle = parse_bundle(open_bundle(exchange.contribution, "c.csabundle"))
    payload = json.loads(read_members(exchange.contribution)["changes.json"])
    if change is not None:
        change(payload)
    text = payload_text if payload_text is not None else json.dumps(
        payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return built_bundle(replace(bundle.manifest, files={}), text, exchange.district_key,
                        attachments)


def first_fields(payload: Payload) -> dict[str, object]:
    fields = payload["changes"][0]["fields"]
    assert isinstance(fields, dict)
    return fields


def outcome(action: Callable[[], object]) -> tuple[str, str] | None:
    try:
        action()
    except BundleError as exc:
        return exc.code, str(exc)
    return None


EDITS: dict[str, Callable[[Payload], object]] = {
    "a bad order key": lambda p: first_fields(p).update(
        {"position": {"base": None, "new": "ab0"}}),
    "a control character": lambda p: first_fields(p).update(
        {"title": {"base": None, "new": "Safe\x1b[2Jstreets"}}),
    "a missing uid": lambda p: p["changes"][0].pop("uid"),
    "an unknown kind": lambda p: p["changes"][0].update({"kind": "spaceship"}),
    "an unknown field": lambda p: first_fields(p).update({"colour": {"base": 1, "new": 2}}),
    "a wrong type": lambda p: first_fields(p).update({"rag": {"base": None, "new": 7}}),
    "no changes key": lambda p: p.pop("changes"),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_payload_the_gate_refuses_is_refused_in_memory_with_the_same_message(
        exchange: Exchange, edit: str) -> None:
    built = rebuilt(exchange, EDITS[edit])
    gate = outcome(lambda: parse_bundle(open_bundle(built.data, "x.csabundle")))
    assert gate is not None, f"{edit}: the gate was expected to refuse it"
    assert outcome(lambda: check_members(built.data, "x.csabundle", built.manifest,
                                         built.payload_member, built.payload,
                                         built.attachments)) == gate


@pytest.mark.parametrize("text", [
    b'{"changes": []}',  # not canonical: read the careful way, accepted
    b'{"changes":[],"changes":[]}',  # a repeated key
    b'{"changes":[NaN]}',
    b'{"changes":' + b"[" * 40 + b"]" * 40 + b"}",
    "{\"changes\":[\"\udcff\"]}".encode("utf-8", "surrogatepass"),
])
def test_payload_text_is_judged_in_memory_as_the_gate_judges_it(exchange: Exchange,
                                                                 text: bytes) -> None:
    built = rebuilt(exchange, payload_text=text)
    gate = outcome(lambda: parse_bundle(open_bundle(built.data, "x.csabundle")))
    assert outcome(lambda: check_members(built.data, "x.csabundle", built.manifest,
                                         built.payload_member, built.payload,
                                         built.attachments)) == gate


@pytest.mark.parametrize("limits", [
    replace(LIMITS, bundle_bytes=200),
    replace(LIMITS, payload_bytes=20),
    replace(LIMITS, manifest_bytes=20),
    replace(LIMITS, members=2),
    replace(LIMITS, compression_ratio=1, ratio_floor=10),
    replace(LIMITS, json_depth=3),
    LIMITS,
], ids=["bundle size", "payload size", "manifest size", "members", "compression ratio",
        "depth", "the shipped limits"])
def test_the_container_limits_are_checked_from_the_zip_directory_as_the_gate_does(
        exchange: Exchange, limits: Limits) -> None:
    built = rebuilt(exchange)
    gate = outcome(lambda: parse_bundle(open_bundle(built.data, "x.csabundle", limits), limits))
    assert (limits == LIMITS) == (gate is None)
    assert outcome(lambda: check_members(built.data, "x.csabundle", built.manifest,
                                         built.payload_member, built.payload,
                                         built.attachments, limits)) == gate


def test_an_attachment_member_no_record_brings_is_refused_in_memory_as_by_the_gate(
        exchange: Exchange) -> None:
    import hashlib

    image = png(20, 10)
    built = rebuilt(exchange, attachments={hashlib.sha256(image).hexdigest(): image})
    gate = outcome(lambda: parse_bundle(open_bundle(built.data, "x.csabundle")))
    assert gate is not None and gate[0] == "attachment"
    assert outcome(lambda: check_members(built.data, "x.csabundle", built.manifest,
                                         built.payload_member, built.payload,
                                         built.attachments)) == gate


def test_exported_bundles_of_every_shape_pass_the_whole_gate(exchange: Exchange) -> None:
    """A contribution that creates, updates and deletes records, and the lead's baseline
    that brings an image too, each read by the receiving copy's check_files."""
    out = exchange.tmp / "week.csabundle"
    with Copy.open(exchange.district) as district:
        action = district.records.get(exchange.action)
        district.records.update(exchange.action, {"title": "Patrols", "rag": "green"})
        district.records.create("action", {"plan_uid": action.fields["plan_uid"],
                                           "title": "A new action", "status": "in-progress",
                                           "rag": "amber"})
        doomed = district.records.list_kind("progress-update",
                                            partnership=exchange.partnership)[0].uid
        district.records.delete(doomed)
        BundleService(district).export(out)
    with Copy.open(exchange.lead) as lead:
        passed, refused = SyncService(lead).check_files([out])
        assert not refused and len(passed) == 1
        assert not SyncService(lead).import_files([out]).refused
        add_attachment(lead, png(64, 32), "map.png", "A map of the county")
        baseline = exchange.tmp / "next-baseline.csabundle"
        BundleService(lead).export(baseline)
    bundle = parse_bundle(open_bundle(baseline.read_bytes(), baseline.name))
    assert any(r.kind == "attachment" for r in bundle.records) and bundle.attachments
    with Copy.open(exchange.district) as district:
        passed, refused = SyncService(district).check_files([baseline])
        assert not refused and len(passed) == 1
