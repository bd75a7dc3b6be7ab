"""restricted content: sections, evidence items and attachments get a `restricted` flag

A restricted record is left out of the agreement's public edition (the default for
publishing) and printed, with OFFICIAL-SENSITIVE on every page, only in the full edition.
Every record before this revision was unrestricted: the column is added as no (0), and the
baseline and refresh snapshots of the three kinds get `restricted: false` too, and the rows are
filled with the update trigger set aside, so nothing looks locally changed.

Revision ID: 0016_restricted
Revises: 0012_rolling_agreements
"""


import sqlalchemy as sa
from alembic import op

from csa_desktop.storage.migrations.snapshots import snapshot_field

revision = '0016_restricted'
down_revision = '0015_reporting_calendar'
branch_labels = None
depends_on = None

TABLES = {'sections': 'section', 'evidence_items': 'evidence-item',
          'attachments': 'attachment'}


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
    snapshot_field(tuple(TABLES.values()), 'restricted', False, add=True)


def downgrade() -> None:
    for table in TABLES:
        op.execute(f'ALTER TABLE {table} DROP COLUMN restricted')
    snapshot_field(tuple(TABLES.values()), 'restricted', False, add=False)
