"""The restricted flag across versions: a copy made before it (revision 0012) upgrades with
every section, evidence item and attachment unrestricted, nothing new for a district to send,
and the tables' triggers still listing an edit as a local change."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config

from csa_desktop.services.copy import Copy
from csa_desktop.storage.database import make_engine
from tests.bundle.test_local_changes import sent

TABLES = ("sections", "evidence_items", "attachments")


def columns(folder: Path, table: str) -> set[str]:
    conn = sqlite3.connect(folder / "csa.sqlite3")
    found = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    conn.close()
    return found


def downgrade(folder: Path, revision: str) -> None:
    engine = make_engine(folder / "csa.sqlite3")
    config = Config()
    config.set_main_option("script_location", "csa_desktop.storage:migrations")
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
        connection.commit()
    engine.dispose()


def test_a_copy_made_before_restricted_content_upgrades_with_nothing_restricted(exchange):
    lead, district = exchange.lead, exchange.district
    with Copy.open(district) as copy:
        evidence = copy.records.list_kind("evidence-item")[0]
        sections = copy.records.list_kind("section")
    for folder in (lead, district):
        downgrade(folder, "0012_rolling_agreements")
        assert all("restricted" not in columns(folder, t) for t in TABLES)
    with Copy.open(district) as copy:  # upgrades again
        changes = sent(copy, district.parent / "out.csabundle")
        assert not any(c["kind"] in ("section", "evidence-item", "attachment")
                       for c in changes.values())
        again = copy.records.get(evidence.uid)
        assert again["restricted"] is False and again.rev == evidence.rev
        assert all(s["restricted"] is False for s in copy.records.list_kind("section"))
        assert len(copy.records.list_kind("section")) == len(sections)
    with Copy.open(lead) as copy:  # the trigger works: an edit is listed as a local change
        copy.records.update(evidence.uid, {"restricted": True})
    assert all("restricted" in columns(lead, t) for t in TABLES)
    conn = sqlite3.connect(lead / "csa.sqlite3")
    assert conn.execute("SELECT kind FROM local_changes WHERE uid = ?",
                        (evidence.uid,)).fetchone() == ("evidence-item",)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
