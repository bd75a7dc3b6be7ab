"""local changes: the records written since the last baseline, kept by triggers

A district's contribution is every record that differs from its last baseline. Finding them
by joining every record table with the baseline snapshot reads the whole copy (~70 ms on a
county-scale copy); the triggers below list each record as it is written, whoever writes it
(the services, imports, bulk statements), so an export reads only those. The list is a
superset: the export still compares each listed record with the snapshot, and taking a
baseline recomputes it (storage.bundles.replace_snapshot).

Adds the table `local_changes`, an INSERT and an UPDATE trigger on every record table, and
fills the table for copies that already hold a baseline.

Revision ID: 0006_local_changes
Revises: 0005_merge
"""

import sqlalchemy as sa
from alembic import op

revision = '0006_local_changes'
down_revision = '0005_merge'
branch_labels = None
depends_on = None

# The record tables of this revision and their kinds. Fixed here on purpose: a later
# migration that adds a record kind adds its triggers itself (tests/test_migrations.py checks
# that every record table has them).
RECORD_TABLES = (
    ('areas', 'area'), ('organisations', 'organisation'), ('partnerships', 'partnership'),
    ('agreements', 'agreement'), ('approvals', 'approval'), ('sections', 'section'),
    ('key_issues', 'key-issue'), ('plan_items', 'plan-item'),
    ('delivery_framework_rows', 'delivery-framework-row'), ('evidence_items', 'evidence-item'),
    ('local_plans', 'local-plan'), ('local_priorities', 'local-priority'),
    ('actions', 'action'), ('progress_updates', 'progress-update'),
)


def upgrade() -> None:
    op.create_table('local_changes',
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('uid', name=op.f('pk_local_changes')),
    sqlite_with_rowid=False,
    )
    for table, kind in RECORD_TABLES:
        for event in ('insert', 'update'):
            op.execute(
                f"CREATE TRIGGER local_change_{table}_{event} AFTER {event.upper()} ON {table} "
                f"BEGIN INSERT OR IGNORE INTO local_changes (uid, kind) "
                f"VALUES (NEW.uid, '{kind}'); END")
        op.execute(
            f"INSERT OR IGNORE INTO local_changes (uid, kind) SELECT t.uid, '{kind}' "
            f"FROM {table} AS t LEFT OUTER JOIN baseline_records AS b ON b.uid = t.uid "
            "WHERE (b.uid IS NULL OR b.rev != t.rev OR b.deleted != t.deleted) "
            "AND EXISTS (SELECT 1 FROM baseline_records)")


def downgrade() -> None:
    for table, _kind in RECORD_TABLES:
        for event in ('insert', 'update'):
            op.execute(f"DROP TRIGGER IF EXISTS local_change_{table}_{event}")
    op.drop_table('local_changes')
