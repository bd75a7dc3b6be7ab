"""For migrations that add a field to a kind: the kept snapshots of records (the baseline the
copy was made from, each refresh's records) get or lose the field too, so that comparing
them with today's records shows no change nobody made. Kept as it is once a migration uses
it (migrations must read the same forever)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from csa_desktop.domain.kinds import Value


def snapshot_field(kinds: Sequence[str], field: str, value: Value, *, add: bool) -> None:
    """Give every snapshot of a record of `kinds` `field` (`value` where it has none), or,
    with `add` False, take the field out of them."""
    connection = op.get_bind()
    marks = ", ".join(f":k{i}" for i in range(len(kinds)))
    params = {f"k{i}": kind for i, kind in enumerate(kinds)}
    for snapshot, key in (("baseline_records", "uid"),
                          ("refresh_records", "refresh_uid, record_uid")):
        rows = connection.execute(sa.text(
            f"SELECT {key}, data FROM {snapshot} WHERE kind IN ({marks})"), params).fetchall()
        for row in rows:
            data = json.loads(row[-1])
            fields = data.get("fields") if snapshot == "refresh_records" else data
            if not isinstance(fields, dict):
                continue
            if add:
                fields.setdefault(field, value)
            else:
                fields.pop(field, None)
            text = json.dumps(data, ensure_ascii=False, sort_keys=True)
            if snapshot == "baseline_records":
                connection.execute(sa.text("UPDATE baseline_records SET data = :data "
                                           "WHERE uid = :uid"), {"data": text, "uid": row[0]})
            else:
                connection.execute(sa.text(
                    "UPDATE refresh_records SET data = :data WHERE refresh_uid = :refresh "
                    "AND record_uid = :uid"), {"data": text, "refresh": row[0], "uid": row[1]})
