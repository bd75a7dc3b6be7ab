"""reporting calendar: when progress updates fall due, and board meetings

Adds `agreements.update_due_days` (empty: a quarter's updates are due by its last day, as
before; N: they are due N days after it ends) and the record table `meetings` (a board's
meeting: body, date, and the partnership whose board it is, or none for the county's), with
the local-changes triggers every record table has (0006). ADD COLUMN keeps the agreements'
triggers and fires none; baseline and refresh snapshots of agreements get
`update_due_days: null`, so no agreement looks locally changed.

Revision ID: 0015_reporting_calendar
Revises: 0014_themes
"""


import sqlalchemy as sa
from alembic import op

from csa_desktop.storage.migrations.snapshots import snapshot_field

revision = '0015_reporting_calendar'
down_revision = '0014_themes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('agreements', sa.Column('update_due_days', sa.Integer(), nullable=True))
    op.create_table('meetings',
    sa.Column('body', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('partnership_uid', sa.String(length=36), nullable=True),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['partnership_uid'], ['partnerships.uid'], name=op.f('fk_meetings_partnership_uid_partnerships'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('uid', name=op.f('pk_meetings'))
    )
    op.create_index(op.f('ix_meetings_partnership_uid'), 'meetings', ['partnership_uid'], unique=False)
    for event in ('insert', 'update'):
        op.execute(
            f"CREATE TRIGGER local_change_meetings_{event} AFTER {event.upper()} ON meetings "
            f"BEGIN INSERT OR IGNORE INTO local_changes (uid, kind) "
            f"VALUES (NEW.uid, 'meeting'); END")
    snapshot_field(('agreement',), 'update_due_days', None, add=True)


def downgrade() -> None:
    for event in ('insert', 'update'):
        op.execute(f"DROP TRIGGER IF EXISTS local_change_meetings_{event}")
    op.drop_index(op.f('ix_meetings_partnership_uid'), table_name='meetings')
    op.drop_table('meetings')
    op.execute('ALTER TABLE agreements DROP COLUMN update_due_days')
    snapshot_field(('agreement',), 'update_due_days', None, add=False)
