"""A contribution is read from the records written since the baseline (the triggers of
migration 0006 list them): whatever wrote a record, it is sent; what was changed back is not;
a copy upgraded from before the list existed still sends its unsent edits."""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy
from csa_desktop.storage import bulk
from csa_desktop.storage.database import make_engine
from csa_desktop.storage.models import ROW_CLASSES
from csa_desktop.storage.records import now
from tests.bundle.conftest import Exchange


def sent(copy: Copy, out: Path) -> dict[str, dict[str, Any]]:
    """Export the copy's contribution; its changes by record uid, as the file carries them."""
    BundleService(copy).export(out)
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        changes = json.loads(archive.read("changes.json"))["changes"]
    return {change["uid"]: change for change in changes}


def test_an_edit_through_the_services_is_sent_with_base_and_new_values(exchange: Exchange):
    with Copy.open(exchange.district) as district:
        district.records.update(exchange.action, {"status": "completed"})
        changes = sent(district, exchange.tmp / "out.csabundle")
    assert changes[exchange.action]["fields"]["status"]["new"] == "completed"
    assert changes[exchange.action]["fields"]["rag"] == {"base": "green", "new": "red"}


def test_a_record_written_by_a_bulk_statement_is_sent_too(exchange: Exchange):
    with Copy.open(exchange.district) as district:
        action = district.records.get(exchange.action)
        with district.store.transaction() as session:
            bulk.update_records(session, "action", ("title",), [{
                "uid": action.uid, "title": "Written around the services", "rev": action.rev + 1,
                "updated_at": now(), "updated_by": "a script"}])
        changes = sent(district, exchange.tmp / "out.csabundle")
    assert changes[exchange.action]["fields"]["title"]["new"] == "Written around the services"


def test_an_edit_changed_back_to_the_baseline_value_is_not_sent(exchange: Exchange):
    with Copy.open(exchange.district) as district:
        original = district.records.get(exchange.action)["title"]
        district.records.update(exchange.action, {"title": "A passing thought"})
        district.records.update(exchange.action, {"title": original})
        changes = sent(district, exchange.tmp / "out.csabundle")
    assert "title" not in changes[exchange.action]["fields"]  # only the fixture's RAG edit
    assert set(changes[exchange.action]["fields"]) == {"rag"}


def test_a_new_record_and_a_tombstone_are_sent(exchange: Exchange):
    with Copy.open(exchange.district) as district:
        action = district.records.get(exchange.action)
        made_uid = district.records.create("progress-update", {
            "action_uid": action.uid, "period": "2025/26 Q3", "rag": "amber",
            "reported_on": dt.date(2025, 12, 1),
            "narrative": "Patrols doubled after the half-term spike."}).created[0][1]
        doomed = district.records.list_kind("progress-update",
                                            partnership=exchange.partnership)[0].uid
        district.records.delete(doomed)
        changes = sent(district, exchange.tmp / "out.csabundle")
    assert changes[made_uid]["op"] == "create"
    assert changes[made_uid]["fields"]["narrative"] == {
        "base": None, "new": "Patrols doubled after the half-term spike."}
    assert changes[doomed]["op"] == "delete"
    assert changes[doomed]["fields"]["deleted"] == {"base": False, "new": True}


def test_every_record_table_lists_its_writes(tmp_path: Path, demo_dir: Path):
    conn = sqlite3.connect(demo_dir / "csa.sqlite3")
    triggers = {name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    conn.close()
    for row_class in ROW_CLASSES.values():
        table = row_class.__tablename__
        assert {f"local_change_{table}_insert", f"local_change_{table}_update"} <= triggers, (
            f"{table} needs the local-change triggers (a migration adding a record kind adds "
            "them, as 0006_local_changes did)")


def test_a_copy_upgraded_from_before_the_list_still_sends_its_unsent_edits(exchange: Exchange):
    with Copy.open(exchange.district) as district:
        district.records.update(exchange.action, {"status": "on-hold"})
    engine = make_engine(exchange.district / "csa.sqlite3")
    config = Config()
    config.set_main_option("script_location", "csa_desktop.storage:migrations")
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005_merge")  # the schema before the list existed
        connection.commit()
    engine.dispose()
    with Copy.open(exchange.district) as district:  # upgrades again, filling the list
        changes = sent(district, exchange.tmp / "out.csabundle")
    assert changes[exchange.action]["fields"]["status"]["new"] == "on-hold"
    assert changes[exchange.action]["fields"]["rag"]["new"] == "red"


def test_after_a_new_baseline_only_unsettled_edits_are_listed(exchange: Exchange):
    from csa_desktop.services.sync import SyncService

    contribution = exchange.file(exchange.contribution, "contribution.csabundle")
    with Copy.open(exchange.lead) as lead:
        assert not SyncService(lead).import_files([contribution]).refused
        BundleService(lead).export(exchange.tmp / "baseline-2.csabundle")
    with Copy.open(exchange.district) as district:
        district.records.update(exchange.action, {"status": "completed"})
        assert not SyncService(district).import_files(
            [exchange.tmp / "baseline-2.csabundle"]).refused
        changes = sent(district, exchange.tmp / "out.csabundle")
    assert list(changes) == [exchange.action]
    assert set(changes[exchange.action]["fields"]) == {"status"}  # the RAG edit was taken
