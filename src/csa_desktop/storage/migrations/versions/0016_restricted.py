"""restricted content: sections, evidence items and attachments get a `restricted` flag

A restricted record is left out of the agreement's public edition (the default for
publishing) and printed, with OFFICIAL-SENSITIVE on every page, only in the full edition.
Every record before this revision was unrestricted: the column is added as no (0), and the
baseline and refresh snapshots of the three kinds get `restricted: false` too, and the rows are
filled with the update trigger set aside, so nothing looks locally changed.

Revision ID: 0016_restricted
Revises: 0012_rolling_agreements
"""

import json

import sqlalchemy as sa
from alembic import op

revision = '0016_restricted'
down_revision = '0015_reporting_calendar'
branch_labels = None
depends_on = None

TABLES = {'sections': 'section', 'evidence_items': 'evidence-item',
          'attachments': 'attachment'}


def _snapshots(add: bool) -> None:
    connection = op.get_bind()
    kinds = tuple(TABLES.values())
    marks = ', '.join(f':k{i}' for i in range(len(kinds)))
    params = {f'k{i}': k for i, k in enumerate(kinds)}
    for snapshot, key in (('baseline_records', 'uid'),
                          ('refresh_records', 'refresh_uid, record_uid')):
        rows = connection.execute(sa.text(
            f"SELECT {key}, data FROM {snapshot} WHERE kind IN ({marks})"), params).fetchall()
        for row in rows:
            data = json.loads(row[-1])
            fields = data.get('fields') if snapshot == 'refresh_records' else data
            if not isinstance(fields, dict):
                continue
            if add:
                fields.setdefault('restricted', False)
            else:
                fields.pop('restricted', None)
            text = json.dumps(data, ensure_ascii=False, sort_keys=True)
            if snapshot == 'baseline_records':
                connection.execute(sa.text('UPDATE baseline_records SET data = :data '
                                           'WHERE uid = :uid'), {'data': text, 'uid': row[0]})
            else:
                connection.execute(sa.text(
                    'UPDATE refresh_records SET data = :data WHERE refresh_uid = :refresh '
                    'AND record_uid = :uid'), {'data': text, 'refresh': row[0], 'uid': row[1]})


def _fill(table: str, kind: str) -> None:
    """Every existing row unrestricted, without the update trigger listing it as changed."""
    op.execute(f'DROP TRIGGER IF EXISTS local_change_{table}_update')
    op.execute(f'UPDATE {table} SET restricted = 0')
    op.execute(
        f"CREATE TRIGGER local_change_{table}_update AFTER UPDATE ON {table} "
        "BEGIN INSERT OR IGNORE INTO local_changes (uid, kind) "
        f"VALUES (NEW.uid, '{kind}'); END")


def upgrade() -> None:
    for table, kind in TABLES.items():
        # SQLite adds (and drops) a column in place: triggers and keys stay as they are
        op.add_column(table, sa.Column('restricted', sa.Boolean(), nullable=True))
        _fill(table, kind)
    _snapshots(add=True)


def downgrade() -> None:
    for table in TABLES:
        op.execute(f'ALTER TABLE {table} DROP COLUMN restricted')
    _snapshots(add=False)
