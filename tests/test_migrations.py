"""The schema is made only by migrations, and they give exactly the models' schema."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from csa_desktop.errors import StoreError
from csa_desktop.services.copy import Copy, init_copy
from csa_desktop.storage import models, sync_models  # noqa: F401 (their tables)
from csa_desktop.storage.base import Base
from csa_desktop.storage.database import Store, make_engine
from csa_desktop.storage.migrations import HEAD_REVISION, KNOWN_REVISIONS


def script_directory() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", "csa_desktop.storage:migrations")
    return ScriptDirectory.from_config(config)


def test_known_revisions_list_every_migration_in_order():
    scripts = [s.revision for s in script_directory().walk_revisions()]
    assert tuple(reversed(scripts)) == KNOWN_REVISIONS
    assert script_directory().get_current_head() == HEAD_REVISION


def test_migrating_an_empty_database_gives_exactly_the_models_schema(tmp_path: Path):
    store = Store.open(tmp_path / "new.sqlite3", create=True)
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    store.close()
    assert diff == []


def test_every_migration_upgrades_a_copy_with_data_and_keeps_it(tmp_path: Path):
    from alembic import command

    path = tmp_path / "old.sqlite3"
    engine = make_engine(path)
    config = Config()
    config.set_main_option("script_location", "csa_desktop.storage:migrations")
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, KNOWN_REVISIONS[0])
        connection.exec_driver_sql(
            "INSERT INTO areas (uid, rev, updated_at, updated_by, deleted, name, kind) VALUES "
            "('6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a11', 1, '2024-01-01 00:00:00', 'test', 0, "
            "'Burnley', 'district')"
        )
        connection.commit()
    engine.dispose()
    store = Store.open(path)
    store.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM areas").fetchall() == [("Burnley",)]
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD_REVISION,)
    conn.close()
    if len(KNOWN_REVISIONS) > 1:
        backups = list((tmp_path / "backups").glob("*before-upgrade*.sqlite3"))
        assert len(backups) == 1


def test_a_copy_written_by_a_newer_version_is_refused_with_a_clear_message(tmp_path: Path):
    init_copy(tmp_path, empty=True).close()
    conn = sqlite3.connect(tmp_path / "csa.sqlite3")
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer CSA Desktop"):
        Copy.open(tmp_path)


def test_a_file_that_is_not_a_database_is_refused_by_name(tmp_path: Path):
    (tmp_path / "csa.sqlite3").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"csa\.sqlite3"):
        Copy.open(tmp_path)


def test_the_copy_uses_wal_and_foreign_keys(tmp_path: Path):
    with init_copy(tmp_path, empty=True) as copy, copy.store.reader() as session:
        assert session.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def _upgrade_to(path: Path, revision: str) -> None:
    from alembic import command

    engine = make_engine(path)
    config = Config()
    config.set_main_option("script_location", "csa_desktop.storage:migrations")
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
    engine.dispose()


def test_migration_0007_binds_each_replica_to_the_key_of_its_first_imported_bundle(
        tmp_path: Path):
    path = tmp_path / "old.sqlite3"
    _upgrade_to(path, "0006_local_changes")
    conn = sqlite3.connect(path)
    rows = [  # bundle, replica, key, processed at
        ("b1", "replica-pendle", "key-pendle", "2026-01-01 10:00:00"),
        ("b2", "replica-pendle", "key-west", "2026-01-02 10:00:00"),  # a forged claim
        ("b3", "replica-west", "key-west", "2026-01-03 10:00:00"),
        ("b4", "replica-other", "key-pendle", "2026-01-04 10:00:00"),  # a key's second copy
        ("b5", "replica-burnley", "key-burnley", "2026-01-05 10:00:00"),
    ]
    conn.executemany(
        "INSERT INTO bundle_log (bundle_id, direction, kind, replica_id, author, signer_key, "
        "baseline_id, seq, created_at, processed_at, file_name, sha256, status, summary) "
        "VALUES (?, 'imported', 'contribution', ?, 'someone', ?, NULL, 1, '', ?, 'f', '', "
        "'imported', '{}')", rows)
    conn.execute(
        "INSERT INTO bundle_log (bundle_id, direction, kind, replica_id, author, signer_key, "
        "baseline_id, seq, created_at, processed_at, file_name, sha256, status, summary) "
        "VALUES ('b6', 'exported', 'baseline', 'replica-me', 'me', 'key-me', 'b6', 1, '', "
        "'2026-01-06 10:00:00', 'f', '', 'exported', '{}')")
    conn.commit()
    conn.close()
    _upgrade_to(path, "0007_replica_keys")
    conn = sqlite3.connect(path)
    bound = dict(conn.execute("SELECT replica_id, public_key FROM replica_keys"))
    conn.close()
    assert bound == {"replica-pendle": "key-pendle", "replica-west": "key-west",
                     "replica-burnley": "key-burnley"}


def test_migration_0008_cleans_control_characters_and_records_each_change(tmp_path: Path):
    path = tmp_path / "old.sqlite3"
    _upgrade_to(path, "0007_replica_keys")
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO areas (uid, rev, updated_at, updated_by, deleted, name, kind, place_group) "
        "VALUES ('6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a11', 3, '2024-01-01 00:00:00', 'test', 0, "
        "?, 'district', ?)", ("Burn\x1b[2Jley\x9b", "East\r\nLancs\x0bgroup"))
    conn.execute(
        "INSERT INTO areas (uid, rev, updated_at, updated_by, deleted, name, kind) VALUES "
        "('6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a12', 1, '2024-01-01 00:00:00', 'test', 0, "
        "'Pendle\tand tab', 'district')")
    conn.execute(
        "INSERT INTO baseline_records (uid, kind, rev, deleted, data) VALUES "
        "('6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a11', 'area', 3, 0, ?)",
        ('{"kind": "district", "name": "Burn\\u001b[2Jley\x9b"}',))
    conn.commit()
    conn.close()
    _upgrade_to(path, "0008_clean_control_characters")
    conn = sqlite3.connect(path)
    areas = conn.execute("SELECT name, place_group, rev FROM areas ORDER BY uid").fetchall()
    history = conn.execute("SELECT field, old, new, outcome FROM change_records "
                           "ORDER BY field").fetchall()
    snapshot = conn.execute("SELECT data FROM baseline_records").fetchone()[0]
    conn.close()
    assert areas == [("Burn[2Jley", "East\nLancs group", 4), ("Pendle\tand tab", None, 1)]
    assert history == [
        ("name", '"Burn\\u001b[2Jley\x9b"', '"Burn[2Jley"', "cleaned"),
        ("place_group", '"East\\r\\nLancs\\u000bgroup"', '"East\\nLancs group"', "cleaned"),
    ]
    assert snapshot == '{"kind": "district", "name": "Burn[2Jley"}'


def test_migration_0009_adds_indicators_and_gives_priorities_and_actions_an_empty_list(
        tmp_path: Path):
    path = tmp_path / "old.sqlite3"
    _upgrade_to(path, "0008_clean_control_characters")
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO partnerships (uid, rev, updated_at, updated_by, deleted, name, kind, "
        "area_uids) VALUES ('6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a11', 1, '2024-01-01 00:00:00', "
        "'t', 0, 'West', 'district-csp', '[]')")
    conn.execute(
        "INSERT INTO local_plans (uid, rev, updated_at, updated_by, deleted, partnership_uid, "
        "title) VALUES ('6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a12', 1, '2024-01-01 00:00:00', 't', "
        "0, '6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a11', 'Plan')")
    conn.execute(
        "INSERT INTO actions (uid, rev, updated_at, updated_by, deleted, plan_uid, title, "
        "status, rag) VALUES ('6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a13', 2, '2024-01-01 00:00:00',"
        " 't', 0, '6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a12', 'Patrols', 'in-progress', 'red')")
    conn.execute(
        "INSERT INTO baseline_records (uid, kind, rev, deleted, data) VALUES "
        "('6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a13', 'action', 2, 0, ?)",
        ('{"rag": "red", "title": "Patrols"}',))
    conn.execute("DELETE FROM local_changes")
    conn.commit()
    conn.close()
    _upgrade_to(path, "0009_indicators")
    conn = sqlite3.connect(path)
    actions = conn.execute("SELECT title, rag, indicator_uids FROM actions").fetchall()
    snapshot = conn.execute("SELECT data FROM baseline_records").fetchone()[0]
    changed = conn.execute("SELECT uid FROM local_changes").fetchall()
    conn.execute(
        "INSERT INTO indicators (uid, rev, updated_at, updated_by, deleted, name, polarity, "
        "frequency, partnership_uid) VALUES ('6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a14', 1, "
        "'2024-01-01 00:00:00', 't', 0, 'Repeat calls', 'lower-is-better', 'quarterly', "
        "'6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a11')")
    listed = conn.execute("SELECT uid, kind FROM local_changes").fetchall()
    conn.close()
    assert actions == [("Patrols", "red", "[]")]
    assert snapshot == '{"indicator_uids": [], "rag": "red", "title": "Patrols"}'
    assert changed == []  # the new empty list changed no record
    assert listed == [("6f1c3a52-93a4-4c1e-9d2b-0c6a1f0e9a14", "indicator")]
