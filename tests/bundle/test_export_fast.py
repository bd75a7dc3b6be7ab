"""Export reads the changed records with one driver-level query per kind and its own value
readers (storage.bundles.changed_records): they must give exactly what reading the same rows
through SQLAlchemy's own select and the baseline snapshot gives, value for value and type for
type, for edits, tombstones, new records and hostile stored values."""

from __future__ import annotations

from sqlalchemy import select, text

from csa_desktop.domain.kinds import KINDS
from csa_desktop.services.bundles import BundleService
from csa_desktop.services.copy import Copy
from csa_desktop.storage import bulk
from csa_desktop.storage import bundles as store
from tests.bundle.conftest import Exchange

HOSTILE_TEXTS = ["Ünïcødé – “quotes” \"and\" \\backslashes\\", "line\u2028separator",
                 "tab\tand\u0007bell", "<script>alert(1)</script>", "x" * 5000, "", "  ",
                 "'; DROP TABLE actions; --", "emoji 🚨 and \U0010ffff"]
HOSTILE_LISTS = ["[]", '["a", "b"]', "null", "[1e400]", f"[{10**30}]", '{"a": [1, 2.5]}',
                 "[NaN]"]


def _reference(session, kind: str) -> list[tuple[object, ...]]:
    """The changed records of `kind` read the slow, plain way: SQLAlchemy's select of the
    kind's table, its values in JSON form by json_fields, the snapshot from store.snapshot."""
    listed = {uid for (uid,) in session.execute(
        text("SELECT uid FROM local_changes WHERE kind = :kind"), {"kind": kind})}
    table = bulk.table(kind)
    snapshot = store.snapshot(session)
    out = []
    for row in session.execute(select(table).order_by(table.c.uid)):
        if row.uid not in listed:
            continue
        values = {}
        for name, is_list, is_date in store.field_layout(kind):
            value = getattr(row, name)
            if is_list:
                value = value or []
            elif is_date and value is not None:
                value = value.isoformat()
            values[name] = value
        base = snapshot.get(row.uid)
        if base is None:
            out.append((row.uid, bool(row.deleted), values, None, None, None))
            continue
        data = dict(base.data)
        for name, is_list, _ in store.field_layout(kind):
            if is_list and data.get(name) is None:
                data[name] = []
        out.append((row.uid, bool(row.deleted), values, base.rev, base.deleted, data))
    return out


def _typed(value: object) -> object:
    """A value with the type of everything in it, so 1 and True and 1.0 differ."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_typed(v) for v in value]
    return (type(value).__name__, repr(value))


def _edit_hostile(exchange: Exchange) -> None:
    with Copy.open(exchange.district) as copy:
        actions = copy.records.list_kind("action", partnership=exchange.partnership)
        for number, action in enumerate(actions[:len(HOSTILE_TEXTS)]):
            copy.records.update(action.uid, {"title": f"Action {number}",
                                             "rag": ("red", "amber", "green")[number % 3]})
        created = copy.records.create("action", {"plan_uid": actions[0]["plan_uid"],
                                                 "title": "A new action"})
        copy.records.delete(actions[1].uid)
        with copy.store.transaction() as session:
            for number, (action, hostile) in enumerate(zip(actions, HOSTILE_TEXTS, strict=False)):
                session.execute(text("UPDATE actions SET title = :t, partners = :p, "
                                     "indicator_uids = :l, rev = rev + 1 WHERE uid = :u"),
                                {"t": hostile, "p": hostile[::-1],
                                 "l": HOSTILE_LISTS[number % len(HOSTILE_LISTS)],
                                 "u": action.uid})
            session.execute(text("UPDATE actions SET deleted = 1 WHERE uid = :u"),
                            {"u": created.created[0][1]})


def test_changed_records_read_as_sqlalchemy_and_the_snapshot_read_them(exchange: Exchange):
    _edit_hostile(exchange)
    with Copy.open(exchange.district) as copy, copy.store.reader() as session:
        compared = 0
        for kind in KINDS:
            fast = [tuple(r) for r in store.changed_records(session, kind)]
            assert _typed(fast) == _typed(_reference(session, kind)), kind
            compared += len(fast)
        assert compared >= 5


def test_export_changes_and_payload_are_those_built_from_the_reference_reads(
        exchange: Exchange):
    from csa_desktop.bundle.writer import changes_payload
    from csa_desktop.services.bundles import change_from_baseline

    _edit_hostile(exchange)
    with Copy.open(exchange.district) as copy, copy.store.reader() as session:
        service = BundleService(copy)
        expected = [c for kind in KINDS for r in _reference(session, kind)
                    if (c := change_from_baseline(kind, store.ChangedRecord(*r))) is not None]
        found = service.contribution_changes(session)
        assert _typed(found) == _typed(expected)
        plain = [c for c in expected if "1000000000000000000000000000000" not in repr(c)]
        assert changes_payload([c for c in found if c["uid"] in {p["uid"] for p in plain}]) \
            == changes_payload(plain)
        kinds = {c["op"] for c in expected}
        assert {"create", "update", "delete"} <= kinds
