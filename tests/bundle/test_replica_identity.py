"""A copy speaks only for itself: a replica id belongs to the key that first signed for it, so a
trusted district cannot sign a bundle in another district's name (and retract its work), and a
key is replaced only by a deliberate act that names both fingerprints."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from csa_desktop import __version__
from csa_desktop.bundle import keys
from csa_desktop.bundle.format import (
    CONTRIBUTION,
    FORMAT_VERSION,
    FieldChange,
    Manifest,
    RecordChange,
)
from csa_desktop.bundle.writer import build_bundle, payload_bytes
from csa_desktop.domain.kinds import new_uid
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy
from csa_desktop.services.sync import SyncService
from tests.bundle.builders import csa, database_state, read_members
from tests.bundle.conftest import Exchange


@dataclass
class Sender:
    """A district identity made without a copy: a key, a replica id, an export counter."""

    name: str
    key: keys.SigningKey
    replica: str
    partnership: str
    seq: int = 0
    first: RecordChange | None = None  # the edit of its first bundle, accepted by the lead


def baseline_id(ex: Exchange) -> str:
    return str(json.loads(read_members(ex.baseline)["manifest.json"])["bundle_id"])


def bundle(ex: Exchange, sender: Sender, changes: Iterable[RecordChange], *,
           signed_by: keys.SigningKey | None = None, seq: int | None = None,
           scope: tuple[str, ...] | None = None, name: str = "") -> Path:
    """A contribution in `sender`'s name, signed by `signed_by` (default: the sender's key)."""
    key = signed_by or sender.key
    if seq is None:
        sender.seq += 1
        seq = sender.seq
    manifest = Manifest(FORMAT_VERSION, new_uid(), CONTRIBUTION, sender.replica, sender.name,
                        "district", scope or (sender.partnership,), baseline_id(ex), seq,
                        dt.datetime(2026, 3, 2, 9, 30).isoformat(), __version__,
                        key.public_key)
    path = ex.tmp / (name or f"{sender.name.split()[0].lower()}-{seq}-{new_uid()[:6]}.csabundle")
    path.write_bytes(build_bundle(manifest, payload_bytes(changes=tuple(changes)), key))
    return path


def action_of(ex: Exchange, partnership: str) -> tuple[str, int, str]:
    with Copy.open(ex.lead) as lead:
        record = lead.records.list_kind("action", partnership=partnership)[0]
    return record.uid, record.rev, str(record.fields["rag"])


def rag_edit(uid: str, rev: int, base: str, new: str) -> RecordChange:
    return RecordChange("action", uid, "update", rev, {"rag": FieldChange(base, new)})


def master_rag(ex: Exchange, uid: str) -> str:
    with Copy.open(ex.lead) as lead:
        return str(lead.records.get(uid).fields["rag"])


def import_(folder: Path, *paths: Path) -> list[tuple[str, str, str]]:
    with Copy.open(folder) as copy:
        report = SyncService(copy).import_files(list(paths))
    return [(o.name, o.status, o.message) for o in report.outcomes]


def west_sender(ex: Exchange) -> Sender:
    """West Lancashire's real identity: the district copy of the exchange."""
    with Copy.open(ex.district) as district:
        replica = district.identity.replica_id
    return Sender("West Lancs officer", ex.district_key, replica, ex.partnership)


@pytest.fixture
def pendle(exchange: Exchange) -> Sender:
    """Pendle's district, trusted by the lead for Pendle CSP, whose edit the master accepted."""
    sender = Sender("Pendle officer", keys.SigningKey.generate(), new_uid(),
                    exchange.other_partnership)
    with Copy.open(exchange.lead) as lead:
        BundleService(lead).trust(sender.key.public_key, name=sender.name,
                                  partnerships=[sender.partnership])
    uid, rev, rag = action_of(exchange, sender.partnership)
    new = "red" if rag != "red" else "amber"
    sender.first = rag_edit(uid, rev, rag, new)
    outcomes = import_(exchange.lead, bundle(exchange, sender, [sender.first]))
    assert [o[1] for o in outcomes] == ["imported"]
    assert master_rag(exchange, uid) == new
    return sender


def test_a_trusted_district_cannot_sign_an_empty_bundle_in_another_districts_name(
        exchange: Exchange, pendle: Sender, capsys: pytest.CaptureFixture[str]) -> None:
    uid, _, _ = action_of(exchange, pendle.partnership)
    accepted = master_rag(exchange, uid)
    forged = bundle(exchange, pendle, [], signed_by=exchange.district_key, seq=50,
                    scope=(exchange.partnership,), name="pendle-forged.csabundle")
    before = database_state(exchange.lead)
    assert csa(exchange.lead, "import", str(forged)) == 2
    err = capsys.readouterr().err
    assert "pendle-forged.csabundle" in err
    assert pendle.replica in err
    assert pendle.key.fingerprint in err and exchange.district_key.fingerprint in err
    assert database_state(exchange.lead) == before
    assert master_rag(exchange, uid) == accepted
    # Pendle's genuine next bundle (its edit again, cumulative) is not locked out
    assert pendle.first is not None
    outcomes = import_(exchange.lead, bundle(exchange, pendle, [pendle.first]))
    assert [o[1] for o in outcomes] == ["imported"]
    assert master_rag(exchange, uid) == accepted


def test_the_forged_bundle_is_refused_in_the_dry_run_and_by_the_service_too(
        exchange: Exchange, pendle: Sender) -> None:
    forged = bundle(exchange, pendle, [], signed_by=exchange.district_key, seq=50,
                    scope=(exchange.partnership,))
    before = database_state(exchange.lead)
    with Copy.open(exchange.lead) as lead:
        report = SyncService(lead).import_files([forged], dry_run=True)
        assert [o.code for o in report.outcomes] == ["replica-key"]
        report = SyncService(lead).import_files([forged])
        assert [o.code for o in report.outcomes] == ["replica-key"]
    assert database_state(exchange.lead) == before


def test_a_trusted_key_cannot_speak_for_a_second_copy_not_seen_before(
        exchange: Exchange, capsys: pytest.CaptureFixture[str]) -> None:
    # West's key is bound to West's copy since the lead trusted it from West's bundle
    newcomer = Sender("Pendle officer", exchange.district_key, new_uid(), exchange.partnership)
    before = database_state(exchange.lead)
    assert csa(exchange.lead, "import", str(bundle(exchange, newcomer, []))) == 2
    err = capsys.readouterr().err
    assert newcomer.replica in err and exchange.district_key.fingerprint in err
    assert database_state(exchange.lead) == before


def test_a_key_trusted_by_text_is_bound_to_the_copy_of_its_first_bundle(
        exchange: Exchange, pendle: Sender, capsys: pytest.CaptureFixture[str]) -> None:
    second = Sender("Pendle officer", pendle.key, new_uid(), pendle.partnership)
    assert csa(exchange.lead, "import", str(bundle(exchange, second, []))) == 2
    err = capsys.readouterr().err
    assert second.replica in err and pendle.replica in err


def test_a_forged_bundle_in_the_same_import_as_the_genuine_one_refuses_the_whole_import(
        exchange: Exchange, pendle: Sender) -> None:
    assert pendle.first is not None
    genuine = bundle(exchange, pendle, [pendle.first])
    forged = bundle(exchange, pendle, [], signed_by=exchange.district_key, seq=50,
                    scope=(exchange.partnership,))
    before = database_state(exchange.lead)
    with Copy.open(exchange.lead) as lead:
        report = SyncService(lead).import_files([genuine, forged])
    assert [o.code for o in report.refused] == ["replica-key"]
    assert database_state(exchange.lead) == before


def test_retracting_work_outside_the_signers_scope_is_refused(
        exchange: Exchange, pendle: Sender, capsys: pytest.CaptureFixture[str]) -> None:
    # the lead moves Pendle's key to another partnership; its earlier accepted edit (a Pendle
    # action) is outside what the key may change now, so a bundle may not take it back
    uid, _, _ = action_of(exchange, pendle.partnership)
    accepted = master_rag(exchange, uid)
    assert csa(exchange.lead, "trust", "add", pendle.key.public_key, "--name", pendle.name,
               "--partnership", "Pennine Lancashire CSP") == 0
    with Copy.open(exchange.lead) as lead:
        pennine = next(r.uid for r in lead.records.list_kind("partnership")
                       if r.title == "Pennine Lancashire CSP")
    capsys.readouterr()
    before = database_state(exchange.lead)
    retraction = bundle(exchange, pendle, [], scope=(pennine,))
    assert csa(exchange.lead, "import", str(retraction)) == 2
    err = capsys.readouterr().err
    assert retraction.name in err and "outside" in err and uid in err
    assert database_state(exchange.lead) == before
    assert master_rag(exchange, uid) == accepted


def test_a_district_may_retract_its_own_edit_within_its_scope(exchange: Exchange,
                                                              pendle: Sender) -> None:
    assert pendle.first is not None
    outcomes = import_(exchange.lead, bundle(exchange, pendle, []))
    assert [o[1] for o in outcomes] == ["imported"]
    assert master_rag(exchange, pendle.first.uid) == pendle.first.fields["rag"].base


def test_trust_replace_moves_the_copy_to_its_new_key_naming_both_fingerprints(
        exchange: Exchange, pendle: Sender, capsys: pytest.CaptureFixture[str]) -> None:
    new_key = keys.SigningKey.generate()
    assert pendle.first is not None
    rotated = Sender(pendle.name, new_key, pendle.replica, pendle.partnership, pendle.seq)
    early = bundle(exchange, rotated, [pendle.first], seq=2)
    before = database_state(exchange.lead)
    with Copy.open(exchange.lead) as lead:
        report = SyncService(lead).import_files([early])
    assert [o.code for o in report.refused] == ["untrusted"]
    assert database_state(exchange.lead) == before
    capsys.readouterr()
    assert csa(exchange.lead, "trust", "replace", pendle.key.fingerprint, str(early)) == 0
    out = capsys.readouterr().out
    assert pendle.key.fingerprint in out and new_key.fingerprint in out
    assert csa(exchange.lead, "trust", "list", "--json") == 0
    listed = {k["fingerprint"]: k for k in json.loads(capsys.readouterr().out)}
    assert pendle.key.fingerprint not in listed
    assert listed[new_key.fingerprint]["replica_id"] == pendle.replica
    assert listed[new_key.fingerprint]["partnership_uids"] == [pendle.partnership]
    assert listed[new_key.fingerprint]["added_how"] == f"replaced {pendle.key.fingerprint}"
    assert [o[1] for o in import_(exchange.lead, early)] == ["imported"]
    # the old key no longer speaks for the copy
    stale = bundle(exchange, pendle, [], seq=9)
    with Copy.open(exchange.lead) as lead:
        report = SyncService(lead).import_files([stale])
    assert [o.code for o in report.refused] == ["untrusted"]


def test_trust_replace_refuses_a_bundle_from_another_copy(
        exchange: Exchange, pendle: Sender, capsys: pytest.CaptureFixture[str]) -> None:
    other = Sender("Pendle officer", keys.SigningKey.generate(), new_uid(), pendle.partnership)
    path = bundle(exchange, other, [])
    before = database_state(exchange.lead)
    assert csa(exchange.lead, "trust", "replace", pendle.key.fingerprint, str(path)) == 2
    err = capsys.readouterr().err
    assert other.replica in err and pendle.replica in err
    assert database_state(exchange.lead) == before


def test_trusting_a_new_key_from_a_bundle_of_a_bound_copy_is_refused(
        exchange: Exchange, pendle: Sender, capsys: pytest.CaptureFixture[str]) -> None:
    impostor = Sender("Pendle officer", keys.SigningKey.generate(), pendle.replica,
                      pendle.partnership)
    path = bundle(exchange, impostor, [])
    before = database_state(exchange.lead)
    assert csa(exchange.lead, "trust", "add", str(path), "--partnership", "Pendle CSP") == 2
    err = capsys.readouterr().err
    assert pendle.key.fingerprint in err and impostor.key.fingerprint in err
    assert "trust replace" in err
    assert database_state(exchange.lead) == before


def test_removing_a_key_does_not_free_its_copy_for_another_key(
        exchange: Exchange, pendle: Sender, capsys: pytest.CaptureFixture[str]) -> None:
    assert csa(exchange.lead, "trust", "remove", pendle.key.fingerprint) == 0
    impostor = keys.SigningKey.generate()
    assert csa(exchange.lead, "trust", "add", impostor.public_key, "--name", "Pendle officer",
               "--partnership", "Pendle CSP") == 0
    capsys.readouterr()
    forged = bundle(exchange, pendle, [], signed_by=impostor, seq=10)
    assert csa(exchange.lead, "import", str(forged)) == 2
    err = capsys.readouterr().err
    assert pendle.key.fingerprint in err and impostor.fingerprint in err


def test_a_bundle_claiming_the_importing_copys_own_replica_is_refused(
        exchange: Exchange, capsys: pytest.CaptureFixture[str]) -> None:
    with Copy.open(exchange.lead) as lead:
        own = lead.identity.replica_id
    me = Sender("County lead", exchange.district_key, own, exchange.partnership)
    assert csa(exchange.lead, "import", str(bundle(exchange, me, []))) == 2
    assert own in capsys.readouterr().err


def test_west_lancashires_genuine_bundles_still_import(exchange: Exchange) -> None:
    west = west_sender(exchange)
    uid, rev, rag = action_of(exchange, exchange.partnership)
    path = bundle(exchange, west, [rag_edit(uid, rev, rag, "amber" if rag != "amber" else "red")],
                  seq=7)
    assert [o[1] for o in import_(exchange.lead, path)] == ["imported"]


def test_the_binding_is_stored_with_the_replica_and_the_key(exchange: Exchange,
                                                            pendle: Sender) -> None:
    conn = sqlite3.connect(exchange.lead / "csa.sqlite3")
    try:
        rows = dict(conn.execute("SELECT replica_id, public_key FROM replica_keys"))
    finally:
        conn.close()
    assert rows[pendle.replica] == pendle.key.public_key
    assert rows[west_sender(exchange).replica] == exchange.district_key.public_key


def test_a_district_binds_the_leads_copy_to_the_key_of_its_first_baseline(
        exchange: Exchange, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.bundle.builders import BundleParts

    lead_replica = json.loads(read_members(exchange.baseline)["manifest.json"])["replica_id"]
    conn = sqlite3.connect(exchange.district / "csa.sqlite3")
    try:
        bound = dict(conn.execute("SELECT replica_id, public_key FROM replica_keys"))
    finally:
        conn.close()
    assert bound == {lead_replica: exchange.lead_key.public_key}
    # the lead's key signing a baseline in another copy's name is refused
    parts = BundleParts.of(exchange.baseline, exchange.lead_key)
    parts.manifest.update(replica_id=new_uid(), seq=parts.manifest["seq"] + 1,
                          bundle_id=(other := new_uid()), baseline_id=other)
    before = database_state(exchange.district)
    assert csa(exchange.district, "import", str(exchange.file(parts.build()))) == 2
    err = capsys.readouterr().err
    assert "a key signs for one copy only" in err and lead_replica in err
    assert database_state(exchange.district) == before
