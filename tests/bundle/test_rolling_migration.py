"""Rolling agreements across versions: a copy made before them (revision 0011) upgrades by
rebuilding the agreements table with its triggers kept, its foreign keys whole, and nothing
new for a district to send."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from csa_desktop.services.copy import Copy
from csa_desktop.storage.database import make_engine
from tests.bundle.test_local_changes import sent


def agreement(folder: Path):
    with Copy.open(folder) as copy:
        return copy.records.list_kind("agreement")[0]


def test_a_copy_made_before_rolling_agreements_upgrades_with_its_triggers(exchange_dirs):
    lead, district = exchange_dirs
    for folder in (lead, district):
        engine = make_engine(folder / "csa.sqlite3")
        config = Config()
        config.set_main_option("script_location", "csa_desktop.storage:migrations")
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0011_approval_chain")
            connection.commit()
        engine.dispose()
        conn = sqlite3.connect(folder / "csa.sqlite3")
        columns = {r[1]: r[3] for r in conn.execute("PRAGMA table_info(agreements)")}
        conn.close()
        assert "rolling" not in columns and columns["period_end"] == 1  # NOT NULL, as before
    before = agreement(lead)
    with Copy.open(district) as copy:  # upgrades again: the rebuilt table, the triggers
        changes = sent(copy, district.parent / "out.csabundle")
        assert not any(c["kind"] == "agreement" for c in changes.values())
        copy_agreement = copy.records.list_kind("agreement")[0]
    after = agreement(lead)
    assert after.rev == before.rev and after["rolling"] is False
    assert {k: v for k, v in after.fields.items() if k != "rolling"} == \
        {k: v for k, v in before.fields.items() if k != "rolling"}
    assert copy_agreement["rolling"] is False
    conn = sqlite3.connect(lead / "csa.sqlite3")
    columns = {r[1]: r[3] for r in conn.execute("PRAGMA table_info(agreements)")}
    triggers = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'agreements'")}
    problems = conn.execute("PRAGMA foreign_key_check").fetchall()
    conn.close()
    assert columns["period_end"] == 0 and "rolling" in columns
    assert triggers == {"local_change_agreements_insert", "local_change_agreements_update"}
    assert problems == []
    with Copy.open(lead) as copy:  # the trigger works: an edit is listed as a local change
        copy.records.update(after.uid, {"rolling": True})
    conn = sqlite3.connect(lead / "csa.sqlite3")
    assert conn.execute("SELECT kind FROM local_changes WHERE uid = ?",
                        (after.uid,)).fetchone() == ("agreement",)
    conn.close()


@pytest.fixture
def exchange_dirs(exchange) -> tuple[Path, Path]:
    return exchange.lead, exchange.district
