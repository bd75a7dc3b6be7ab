"""The import gate against hostile bundles: each is refused with a message that names the file
and the problem, and the copy's database stays byte for byte as it was."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from csa_desktop.bundle import keys
from csa_desktop.bundle.format import FORMAT_VERSION, canonical_json
from csa_desktop.services.copy import Copy
from tests.bundle.builders import (
    BundleParts,
    csa,
    database_state,
    declare_size,
    flip_byte_in_member,
    nested,
    read_members,
    symlink_tweak,
    zip_raw,
)
from tests.bundle.conftest import Exchange


def contribution(ex: Exchange) -> BundleParts:
    return BundleParts.of(ex.contribution, ex.district_key)


def baseline(ex: Exchange) -> BundleParts:
    return BundleParts.of(ex.baseline, ex.lead_key)


def members(ex: Exchange) -> list[tuple[str, bytes]]:
    return list(read_members(ex.contribution).items())


def with_change(ex: Exchange, edit: Callable[[dict], None]) -> bytes:
    parts = contribution(ex)
    edit(parts.payload["changes"][0])
    return parts.build()


def with_manifest(ex: Exchange, **values: object) -> bytes:
    parts = contribution(ex)
    parts.manifest.update(values)
    return parts.build()


def foreign_change(ex: Exchange, kind: str, partnership: str | None) -> bytes:
    """A change, signed by the district, to a record outside its scope."""
    with Copy.open(ex.lead) as lead:
        record = lead.records.list_kind(kind, partnership=partnership)[0]
    field = "title" if "title" in record.fields else "name"
    parts = contribution(ex)
    parts.payload["changes"] = [{
        "kind": kind, "uid": record.uid, "op": "update", "base_rev": record.rev,
        "fields": {field: {"base": record.fields[field], "new": "Taken over"}},
    }]
    return parts.build()


def truncated(ex: Exchange) -> bytes:
    return ex.contribution[: len(ex.contribution) // 2]


def tampered_payload_old_signature(ex: Exchange) -> bytes:
    parts = contribution(ex)
    signed = parts.members()
    parts.payload["changes"][0]["fields"]["rag"]["new"] = "green"
    forged_manifest = parts.manifest_bytes()  # hashes recomputed...
    return zip_raw([("manifest.json", forged_manifest), ("changes.json", parts.payload_bytes()),
                    ("manifest.sig", signed[2][1])])  # ...but the old signature


def hash_mismatch(ex: Exchange) -> bytes:
    parts = contribution(ex)
    manifest = parts.manifest_bytes()
    parts.payload["changes"][0]["fields"]["rag"]["new"] = "green"
    return zip_raw([("manifest.json", manifest), ("changes.json", parts.payload_bytes()),
                    ("manifest.sig", parts.key.sign(manifest))])


def untrusted_key(ex: Exchange) -> bytes:
    parts = contribution(ex)
    parts.key = keys.SigningKey.generate()
    return parts.build()


def baseline_signed_by_district(ex: Exchange) -> bytes:
    parts = baseline(ex)
    parts.key = ex.district_key  # trusted by the lead, as a district
    return parts.build()


def baseline_signed_by_another_district(ex: Exchange) -> bytes:
    parts = baseline(ex)
    parts.manifest.update(author="Pendle officer", role="district")
    parts.key = keys.SigningKey.generate()
    return parts.build()


def contribution_signed_by_lead(ex: Exchange) -> bytes:
    parts = contribution(ex)
    parts.key = ex.lead_key  # trusted by the district, as the lead
    return parts.build()


def deeply_nested(depth: int) -> bytes:
    return b'{"changes": ' + b"[" * depth + b'"deep"' + b"]" * depth + b"}"


def contribution_bytes(ex: Exchange, payload: bytes) -> bytes:
    parts = contribution(ex)
    parts.payload = payload
    return parts.build()


def zip_bomb(ex: Exchange) -> bytes:
    parts = contribution(ex)
    parts.payload = b'{"changes":[]}' + b" " * 8_000_000
    return parts.build()


def oversized_manifest(ex: Exchange) -> bytes:
    parts = contribution(ex)
    parts.manifest["app_version"] = "0.1.0"
    data = parts.manifest_bytes()[:-1] + b" " * 70_000 + b"}"
    return zip_raw([("manifest.json", data), ("changes.json", parts.payload_bytes()),
                    ("manifest.sig", parts.key.sign(data))])


def encrypted_member(ex: Exchange) -> bytes:
    """zipfile will not write the 'encrypted' flag itself: set it in the central directory."""
    out = bytearray(zip_raw(members(ex)))
    position = out.find(b"PK\x01\x02")
    while position != -1:
        name_length = int.from_bytes(out[position + 28:position + 30], "little")
        if out[position + 46:position + 46 + name_length] == b"changes.json":
            out[position + 8] |= 0x1
        position = out.find(b"PK\x01\x02", position + 4)
    return bytes(out)


def older_baseline(ex: Exchange) -> bytes:
    from csa_desktop.services.bundles import BundleService
    from csa_desktop.services.sync import SyncService

    with Copy.open(ex.lead) as lead:
        BundleService(lead).export(ex.tmp / "b2.csabundle")
        BundleService(lead).export(ex.tmp / "b3.csabundle")
    with Copy.open(ex.district) as district:
        assert not SyncService(district).import_files([ex.tmp / "b3.csabundle"]).refused
    return (ex.tmp / "b2.csabundle").read_bytes()


@dataclass(frozen=True)
class Attack:
    name: str
    target: str  # "lead" or "district"
    build: Callable[[Exchange], bytes]
    code: str
    says: str  # a fragment of the message


ATTACKS = [
    Attack("truncated-file", "lead", truncated, "not-a-zip", "not a readable ZIP"),
    Attack("flipped-byte-in-manifest", "lead",
           lambda ex: flip_byte_in_member(ex.contribution, "manifest.json"), "damaged",
           "'manifest.json' is damaged"),
    Attack("flipped-byte-in-payload", "lead",
           lambda ex: flip_byte_in_member(ex.contribution, "changes.json"), "damaged",
           "'changes.json' is damaged"),
    Attack("flipped-byte-in-signature", "lead",
           lambda ex: flip_byte_in_member(ex.contribution, "manifest.sig"), "damaged",
           "'manifest.sig' is damaged"),
    Attack("flipped-byte-in-stored-payload", "lead",
           lambda ex: flip_byte_in_member(zip_raw(members(ex), compress=zipfile.ZIP_STORED),
                                          "changes.json"), "damaged", "is damaged"),
    Attack("not-a-zip", "lead", lambda ex: b"name,title\nthis is a CSV file\n", "not-a-zip",
           "not a CSA bundle"),
    Attack("empty-zip", "lead", lambda ex: zip_raw([]), "members", "has no manifest.json"),
    Attack("extra-member", "lead", lambda ex: zip_raw([*members(ex), ("notes.txt", b"hi")]),
           "members", "'notes.txt' is not a member of a CSA bundle"),
    Attack("missing-signature", "lead",
           lambda ex: zip_raw([m for m in members(ex) if m[0] != "manifest.sig"]), "members",
           "has no manifest.sig"),
    Attack("missing-payload", "lead",
           lambda ex: zip_raw([m for m in members(ex) if m[0] != "changes.json"]), "members",
           "exactly one of changes.json or records.json"),
    Attack("duplicate-member", "lead",
           lambda ex: zip_raw([*members(ex), ("changes.json", b'{"changes":[]}')]), "members",
           "'changes.json' appears twice"),
    Attack("path-traversal", "lead",
           lambda ex: zip_raw([*members(ex), ("../../.bashrc", b"rm -rf ~")]), "members",
           "points outside the bundle"),
    Attack("absolute-name", "lead", lambda ex: zip_raw([*members(ex), ("/etc/passwd", b"x")]),
           "members", "is an absolute path"),
    Attack("windows-absolute-name", "lead",
           lambda ex: zip_raw([*members(ex), ("C:/Windows/evil.dll", b"x")]), "members",
           "is an absolute path"),
    Attack("symlink-member", "lead",
           lambda ex: zip_raw(members(ex), tweak=symlink_tweak("changes.json")), "members",
           "is a symbolic link"),
    Attack("directory-member", "lead", lambda ex: zip_raw([*members(ex), ("changes/", b"")]),
           "members", "is a directory"),
    Attack("encrypted-member", "lead", encrypted_member, "members", "is encrypted"),
    Attack("zip-bomb", "lead", zip_bomb, "zip-bomb", "a zip bomb"),
    Attack("member-lies-about-its-size", "lead",
           lambda ex: declare_size(ex.contribution, "changes.json", 10), "damaged",
           "does not match its checksum"),
    Attack("oversized-member-declared", "lead",
           lambda ex: declare_size(ex.contribution, "changes.json", 400_000_000),
           "member-too-large", "'changes.json' is 381.5 MB (at most 160 MB)"),
    Attack("oversized-manifest", "lead", oversized_manifest, "member-too-large",
           "'manifest.json' is"),
    Attack("manifest-hash-mismatch", "lead", hash_mismatch, "hash-mismatch",
           "does not match the size and SHA-256"),
    Attack("tampered-payload-old-signature", "lead", tampered_payload_old_signature,
           "bad-signature", "signature does not match"),
    Attack("untrusted-key", "lead", untrusted_key, "untrusted", "not a key this copy trusts"),
    Attack("scope-another-partnerships-plan", "lead",
           lambda ex: foreign_change(ex, "action", ex.other_partnership), "scope",
           "may not change action"),
    Attack("scope-county-record", "lead", lambda ex: foreign_change(ex, "section", None),
           "scope", "may not change section"),
    Attack("scope-claimed-in-manifest", "lead",
           lambda ex: with_manifest(ex, scope=[ex.other_partnership]), "scope",
           "claims partnerships"),
    Attack("role-claimed-in-manifest", "lead", lambda ex: with_manifest(ex, role="editor"),
           "role", "trusted as a district"),
    Attack("baseline-signed-by-district-at-lead", "lead", baseline_signed_by_district, "role",
           "only the lead publishes baselines"),
    Attack("baseline-signed-by-district-at-district", "district",
           baseline_signed_by_another_district, "untrusted", "not the key of the lead"),
    Attack("contribution-sent-to-a-district", "district", contribution_signed_by_lead, "role",
           "only the lead's copy takes contributions"),
    Attack("own-bundle-imported-back", "district", lambda ex: ex.contribution, "own-bundle",
           "made by this copy itself"),
    Attack("unknown-format-version", "lead", lambda ex: with_manifest(ex, format_version=0),
           "unknown-version", "bundle format 0"),
    Attack("newer-format-version", "lead",
           lambda ex: with_manifest(ex, format_version=FORMAT_VERSION + 1),
           "newer-version", "please update CSA Desktop"),
    Attack("malformed-json", "lead", lambda ex: contribution_bytes(ex, b'{"changes": [}'),
           "bad-json", "changes.json is not valid JSON"),
    Attack("deeply-nested-json", "lead",
           lambda ex: contribution_bytes(ex, deeply_nested(100_000)),
           "too-deep", "nested"),
    Attack("json-nested-past-the-limit", "lead",
           lambda ex: contribution_bytes(ex, json.dumps({"changes": nested(40)}).encode()),
           "too-deep", "more than 16 levels"),
    Attack("duplicate-json-keys", "lead",
           lambda ex: contribution_bytes(ex, b'{"changes": [], "changes": []}'), "bad-json",
           "appears twice"),
    # In the canonical byte form the app writes, which is read the fast way (bundle.reader):
    Attack("duplicate-json-keys-canonical", "lead",
           lambda ex: contribution_bytes(ex, b'{"changes":[],"changes":[]}'), "bad-json",
           "appears twice"),
    Attack("json-nested-past-the-limit-canonical", "lead",
           lambda ex: contribution_bytes(ex, canonical_json({"changes": nested(40)})),
           "too-deep", "more than 16 levels"),
    Attack("nan-in-json", "lead", lambda ex: contribution_bytes(ex, b'{"changes": [NaN]}'),
           "bad-json", "NaN is not allowed"),
    Attack("wrong-type", "lead",
           lambda ex: with_change(ex, lambda c: c["fields"]["rag"].update(new=5)), "schema",
           "changes.json changes[0].fields.rag.new"),
    Attack("unknown-choice", "lead",
           lambda ex: with_change(ex, lambda c: c["fields"]["rag"].update(new="purple")),
           "schema", "changes[0].fields.rag.new"),
    Attack("over-long-string", "lead",
           lambda ex: with_change(ex, lambda c: c["fields"].update(
               title={"base": None, "new": "x" * 50_000})), "schema", "is too long"),
    Attack("invalid-uuid", "lead", lambda ex: with_change(ex, lambda c: c.update(uid="1234")),
           "schema", "changes[0].uid"),
    Attack("invalid-date", "lead",
           lambda ex: with_change(ex, lambda c: c["fields"].update(
               due_on={"base": None, "new": "2023-02-30"})), "schema", "due_on.new"),
    Attack("nul-in-text", "lead",
           lambda ex: with_change(ex, lambda c: c["fields"].update(
               title={"base": None, "new": "Safe\u0000streets"})), "schema", "title.new"),
    Attack("escape-sequence-in-text", "lead",
           lambda ex: with_change(ex, lambda c: c["fields"].update(
               title={"base": None, "new": "Safe\u001b[2J\u001b[31mstreets"})), "schema",
           "title.new contains a control character (U+001B ESC at character 5)"),
    Attack("c1-control-in-text", "lead",
           lambda ex: with_change(ex, lambda c: c["fields"].update(
               measure={"base": None, "new": "Fewer\u009b2Jincidents"})), "schema",
           "measure.new contains a control character (U+009B CSI"),
    Attack("carriage-return-in-author", "lead",
           lambda ex: with_manifest(ex, author="West\rPendle officer"), "schema",
           "manifest.json author contains a control character (U+000D CR"),
    Attack("raw-nul-byte", "lead",
           lambda ex: contribution_bytes(ex, b'{"changes": [\x00]}'), "bad-json",
           "not valid JSON"),
    Attack("invalid-utf8", "lead",
           lambda ex: contribution_bytes(ex, b'{"changes": ["\xff\xfe"]}'), "bad-json",
           "not valid UTF-8"),
    Attack("unknown-field", "lead",
           lambda ex: with_change(ex, lambda c: c["fields"].update(
               owner={"base": None, "new": "me"})), "schema", "owner"),
    Attack("new-record-missing-fields", "lead",
           lambda ex: with_change(ex, lambda c: c.update(op="create", base_rev=None)), "schema",
           "a new record must have every field"),
    Attack("unknown-record", "lead",
           lambda ex: with_change(ex, lambda c: c.update(
               uid="6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a11")), "unknown-record",
           "which this copy does not have"),
    Attack("unknown-baseline", "lead",
           lambda ex: with_manifest(ex, baseline_id="6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a11"),
           "unknown-baseline", "which this copy did not publish"),
    Attack("older-baseline", "district", older_baseline, "older-baseline", "older than"),
]


def test_the_corpus_has_at_least_25_distinct_attacks():
    assert len({a.name for a in ATTACKS}) == len(ATTACKS) >= 25


@pytest.mark.filterwarnings("ignore:Duplicate name")
@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_import_refuses_hostile_bundle_by_name_and_changes_nothing(attack: Attack,
                                                                    exchange: Exchange,
                                                                    capsys):
    folder = exchange.lead if attack.target == "lead" else exchange.district
    path = exchange.file(attack.build(exchange), f"{attack.name}.csabundle")
    before = database_state(folder)
    capsys.readouterr()
    assert csa(folder, "import", str(path)) == 2
    err = capsys.readouterr().err
    problem_lines = [line for line in err.splitlines() if line.startswith("csa: refused")]
    assert len(problem_lines) == 1, err
    assert f"{attack.name}.csabundle" in problem_lines[0]
    assert attack.says in problem_lines[0], err
    assert "Traceback" not in err
    assert database_state(folder) == before


@pytest.mark.parametrize("attack", ATTACKS[:6], ids=[a.name for a in ATTACKS[:6]])
def test_dry_run_of_a_hostile_bundle_reports_it_and_changes_nothing(attack, exchange, capsys):
    folder = exchange.lead
    path = exchange.file(attack.build(exchange))
    before = database_state(folder)
    assert csa(folder, "import", "--dry-run", str(path)) == 2
    assert "attack.csabundle" in capsys.readouterr().err
    assert database_state(folder) == before


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_gate_error_codes_name_the_check(exchange):
    from csa_desktop.errors import BundleError
    from csa_desktop.services.bundles import BundleService

    with Copy.open(exchange.lead) as lead:
        service = BundleService(lead)
        for attack in ATTACKS:
            if attack.target != "lead":
                continue
            path = exchange.file(attack.build(exchange), "gate.csabundle")
            with pytest.raises(BundleError) as caught:
                service.check(path)
            assert caught.value.code == attack.code, attack.name


def test_a_replayed_bundle_is_reported_as_already_imported_and_changes_nothing(exchange,
                                                                                capsys):
    path = exchange.file(exchange.contribution, "week-1.csabundle")
    assert csa(exchange.lead, "import", str(path)) == 0
    before = database_state(exchange.lead)
    capsys.readouterr()
    assert csa(exchange.lead, "import", str(path)) == 0
    err = capsys.readouterr().err
    assert "week-1.csabundle: was already imported" in err
    assert database_state(exchange.lead) == before


def test_an_oversized_file_is_refused_before_it_is_read(exchange, capsys):
    path = exchange.tmp / "huge.csabundle"
    with path.open("wb") as handle:
        handle.truncate(70 * 1024 * 1024)  # sparse: big on paper only
    before = database_state(exchange.lead)
    assert csa(exchange.lead, "import", str(path)) == 2
    assert "huge.csabundle: is 70 MB, larger than a bundle may be (64 MB)" in \
        capsys.readouterr().err  # the units of docs/bundle-format.md
    assert database_state(exchange.lead) == before


def test_one_refused_file_means_nothing_is_imported(exchange, capsys):
    good = exchange.file(exchange.contribution, "good.csabundle")
    bad = exchange.file(truncated(exchange), "bad.csabundle")
    before = database_state(exchange.lead)
    assert csa(exchange.lead, "import", str(good), str(bad)) == 2
    err = capsys.readouterr().err
    assert "bad.csabundle" in err and "nothing was imported" in err
    assert database_state(exchange.lead) == before


def test_a_missing_file_is_named(exchange, capsys):
    assert csa(exchange.lead, "import", str(exchange.tmp / "nowhere.csabundle")) == 2
    assert "nowhere.csabundle: no such file" in capsys.readouterr().err



def test_a_number_of_5000_digits_is_refused_in_words_without_python_hints(exchange, capsys):
    parts = contribution(exchange)
    manifest = parts.manifest_bytes().replace(
        f'"seq":{parts.manifest["seq"]}'.encode(), b'"seq":' + b"9" * 5000)
    data = zip_raw([("manifest.json", manifest), ("changes.json", parts.payload_bytes()),
                    ("manifest.sig", parts.key.sign(manifest))])
    before = database_state(exchange.lead)
    assert csa(exchange.lead, "import", str(exchange.file(data))) == 2
    err = capsys.readouterr().err
    assert "a number has 5,000 digits (a bundle's numbers have at most 4,300)" in err
    assert "sys." not in err and "int_max_str_digits" not in err
    assert database_state(exchange.lead) == before


def test_a_value_of_the_wrong_type_is_named_in_json_words_not_python_ones(exchange, capsys):
    data = with_change(exchange, lambda c: c.update(base_rev="three"))
    assert csa(exchange.lead, "import", str(exchange.file(data))) == 2
    err = capsys.readouterr().err
    assert "changes[0].base_rev should be a whole number or empty (null), not text" in err
