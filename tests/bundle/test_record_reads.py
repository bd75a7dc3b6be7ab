"""The gate and the merge read records with driver-level queries and quicker value readers
(storage.bundles): they must hand out exactly what SQLAlchemy's own select of the same rows
gives, value for value and type for type."""

from __future__ import annotations

from sqlalchemy import select

from csa_desktop.domain.kinds import KINDS
from csa_desktop.services.copy import Copy
from csa_desktop.storage import bulk
from csa_desktop.storage import bundles as store
from tests.bundle.conftest import Exchange


def test_every_record_reads_as_sqlalchemy_reads_it(exchange: Exchange):
    with Copy.open(exchange.lead) as copy, copy.store.reader() as session:
        compared = 0
        for kind in KINDS:
            table = bulk.table(kind)
            expected = {row.uid: row for row in session.execute(select(table))}
            for record in store.read_records(session, kind):
                row = expected[record.uid]
                assert (record.rev, record.updated_at, record.updated_by, record.deleted) == (
                    row.rev, row.updated_at, row.updated_by, bool(row.deleted))
                assert type(record.updated_at) is type(row.updated_at)
                for name, value in record.fields.items():
                    theirs = getattr(row, name)
                    if isinstance(value, list):
                        theirs = list(theirs or [])
                    assert value == theirs, (kind, name)
                    assert type(value) is type(theirs), (kind, name)
                compared += 1
        assert compared > 50


def test_an_odd_stored_json_value_goes_to_the_columns_own_reader():
    from sqlalchemy import JSON
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    own = JSON().dialect_impl(dialect).result_processor(dialect, None)
    quick = store._quicker(JSON(), own)
    for value in ["[]", '["a", "b"]', "null", None, "[1e400]", "[NaN]", f"[{10**30}]",
                  '{"a": [1, 2.5, true]}']:
        assert repr(quick(value)) == repr(own(value)), value


def test_owners_found_through_rows_read_ahead_are_those_found_by_reading_each_parent(
        exchange: Exchange):
    from csa_desktop.services.records import ParentRows, RecordService

    with Copy.open(exchange.lead) as copy, copy.store.reader() as session:
        service = RecordService(copy.store, copy.identity)
        everything = {kind: [r for r in store.read_records(session, kind)] for kind in KINDS}
        loaded = ParentRows(store.load_with_parents(
            session, {kind: [r.uid for r in rows] for kind, rows in everything.items()}))
        compared = 0
        for kind, rows in everything.items():
            for record in rows:
                spec = KINDS[kind]
                alone = service.owner_of(session, spec, record.fields)
                assert service.owner_of(session, spec, record.fields, loaded=loaded) == alone
                compared += alone.partnership_uid is not None or alone.area_uid is not None
        assert compared > 20
