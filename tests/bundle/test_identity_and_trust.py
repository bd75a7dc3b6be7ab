"""Signing identities, the trust list and the export file itself."""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest

from csa_desktop.bundle import keys
from csa_desktop.bundle.format import FORMAT_VERSION
from csa_desktop.bundle.schema import SCHEMA_FILE, build_schema, schema_text, shipped_schema
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy, init_copy
from tests.bundle.builders import csa, read_members


def test_init_makes_a_private_signing_key_readable_by_the_user_only(tmp_path):
    init_copy(tmp_path, empty=True).close()
    path = tmp_path / keys.KEY_FILE
    assert keys.load_key(tmp_path) is not None
    if sys.platform != "win32":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_copy_made_before_keys_existed_gets_one_on_first_need(demo_dir):
    assert not (demo_dir / keys.KEY_FILE).exists()
    with Copy.open(demo_dir) as copy:
        first = BundleService(copy).fingerprint
        second = BundleService(copy).fingerprint
    assert first == second
    assert (demo_dir / keys.KEY_FILE).exists()


def test_trust_mine_prints_the_public_key_and_fingerprint(demo_dir, capsys):
    assert csa(demo_dir, "trust", "mine") == 0
    public, fingerprint = capsys.readouterr().out.splitlines()
    assert fingerprint == f"fingerprint {keys.fingerprint(public)}"


def test_trust_add_from_a_bundle_list_and_remove(exchange, capsys):
    key = exchange.district_key
    assert csa(exchange.lead, "trust", "remove", key.fingerprint) == 0
    assert "no longer trusted: West Lancs officer" in capsys.readouterr().out
    path = exchange.file(exchange.contribution, "from-west.csabundle")
    assert csa(exchange.lead, "import", str(path)) == 2
    assert "not a key this copy trusts" in capsys.readouterr().err
    assert csa(exchange.lead, "trust", "add", str(path), "--partnership",
               "West Lancashire CSP") == 0
    assert "trusted West Lancs officer (district" in capsys.readouterr().out
    assert csa(exchange.lead, "trust", "list", "--json") == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["fingerprint"] == key.fingerprint
    assert entry["partnerships"] == ["West Lancashire CSP"]
    assert entry["role"] == "district"
    assert csa(exchange.lead, "import", str(path)) == 0


def test_trust_add_a_public_key_given_as_text(demo_dir, capsys):
    other = keys.SigningKey.generate()
    assert csa(demo_dir, "trust", "add", other.public_key, "--name", "Pendle officer",
               "--partnership", "Pendle CSP") == 0
    assert csa(demo_dir, "trust", "list") == 0
    out = capsys.readouterr().out
    assert "Pendle officer" in out and other.fingerprint in out


@pytest.mark.parametrize(("args", "says"), [
    (["not-a-key", "--name", "x", "--partnership", "Pendle CSP"], "not a CSA Desktop public key"),
    ([keys.SigningKey.generate().public_key, "--name", "x"], "needs at least one --partnership"),
    ([keys.SigningKey.generate().public_key, "--name", "x", "--partnership", "Atlantis"],
     "unknown partnership 'Atlantis'"),
])
def test_trust_add_refuses_bad_input_with_one_line(demo_dir, capsys, args, says):
    assert csa(demo_dir, "trust", "add", *args) == 2
    assert says in capsys.readouterr().err


def test_a_district_trusts_the_lead_from_its_first_baseline(exchange, capsys):
    assert csa(exchange.district, "trust", "list", "--json") == 0
    [lead] = json.loads(capsys.readouterr().out)
    assert lead["role"] == "lead"
    assert lead["fingerprint"] == exchange.lead_key.fingerprint
    assert lead["added_how"] == "first baseline"


def test_export_writes_a_signed_zip_with_exactly_the_three_members(exchange, tmp_path):
    members = read_members(exchange.baseline)
    assert sorted(members) == ["manifest.json", "manifest.sig", "records.json"]
    manifest = json.loads(members["manifest.json"])
    assert manifest["kind"] == "baseline" and manifest["format_version"] == FORMAT_VERSION
    assert keys.verify(manifest["signer_key"], members["manifest.json"], members["manifest.sig"])


def test_export_replaces_an_existing_file_whole_and_leaves_no_temporary_file(exchange,
                                                                              tmp_path):
    target = tmp_path / "out" / "baseline.csabundle"
    target.parent.mkdir()
    target.write_bytes(b"an older file")
    assert csa(exchange.lead, "export", "--out", str(target)) == 0
    assert read_members(target.read_bytes())
    assert os.listdir(target.parent) == ["baseline.csabundle"]


def test_export_into_a_missing_folder_is_refused(exchange, tmp_path, capsys):
    assert csa(exchange.lead, "export", "--out", str(tmp_path / "nope" / "b.csabundle")) == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_shipped_schema_is_the_one_built_from_the_record_kinds():
    assert shipped_schema() == json.loads(schema_text(build_schema())), (
        f"{SCHEMA_FILE} is out of date: run python -m csa_desktop.bundle.schema")


def write_raw(folder, table: str, column: str, value: str, uid: str) -> None:
    """A value written outside the program (a damaged file, another tool)."""
    import sqlite3

    conn = sqlite3.connect(folder / "csa.sqlite3")
    conn.execute(f"UPDATE {table} SET {column} = ? WHERE uid = ?", (value, uid))
    conn.commit()
    conn.close()


def test_export_refuses_to_sign_a_damaged_order_key_naming_record_and_field(exchange, capsys):
    from tests.bundle.builders import database_state

    write_raw(exchange.district, "actions", "position", "ab0", exchange.action)
    before = database_state(exchange.district)
    out = exchange.tmp / "contribution.csabundle"
    assert csa(exchange.district, "export", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert f"action {exchange.action}" in err
    assert "Order: 'ab0' is not a valid position key" in err
    assert "the lead would refuse" in err
    assert not out.exists()
    assert database_state(exchange.district) == before


def test_export_refuses_to_sign_a_control_character_left_in_old_data(exchange, capsys):
    write_raw(exchange.district, "actions", "title", "Safe\x1b[2Jstreets", exchange.action)
    out = exchange.tmp / "contribution.csabundle"
    assert csa(exchange.district, "export", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "What we will do contains a control character (U+001B ESC" in err
    assert "\x1b" not in err
    assert not out.exists()


def test_a_lead_export_refuses_to_sign_a_value_the_districts_would_refuse(exchange, capsys):
    with Copy.open(exchange.lead) as lead:
        section = lead.records.list_kind("section")[0].uid
    write_raw(exchange.lead, "sections", "position", "!!", section)
    assert csa(exchange.lead, "export", "--out", str(exchange.tmp / "b.csabundle")) == 2
    err = capsys.readouterr().err
    assert f"section {section}" in err and "Order: '!!' is not a valid position key" in err
    assert "the districts would refuse" in err


def test_export_refuses_a_number_too_large_for_a_bundle_left_in_old_data(exchange, capsys):
    from tests.bundle.builders import database_state

    write_raw(exchange.district, "actions", "theme_uids", "[" + "9" * 30 + "]", exchange.action)
    before = database_state(exchange.district)
    out = exchange.tmp / "contribution.csabundle"
    assert csa(exchange.district, "export", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "nothing was exported" in err and "the lead would refuse" in err
    assert f"action {exchange.action}" in err and "Traceback" not in err
    assert not out.exists()
    assert database_state(exchange.district) == before
