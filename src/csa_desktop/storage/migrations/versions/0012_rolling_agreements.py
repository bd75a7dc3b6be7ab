"""rolling agreements: an agreement may have no end date, refreshed annually

`agreements.period_end` becomes nullable and `agreements.rolling` (yes/no) is added. SQLite
changes a column's NOT NULL only by rebuilding the table; with foreign keys on (every session
of the app, and this upgrade's one transaction) the rebuild keeps them whole: the rows wait in
a temporary table while the old table is dropped and the new one renamed into its place, and
going back in clears the deferred violations the drop counted. The table's local-changes
triggers (0006) are made again after the rows are in, so no agreement looks locally changed;
baseline and refresh snapshots of agreements get `rolling: false` for the same reason.

Revision ID: 0012_rolling_agreements
Revises: 0011_approval_chain
"""


import sqlalchemy as sa
from alembic import op

from csa_desktop.storage.migrations.snapshots import snapshot_field

revision = '0012_rolling_agreements'
down_revision = '0011_approval_chain'
branch_labels = None
depends_on = None

KEPT = ('title', 'period_start', 'period_end', 'refresh_label', 'footprint', 'strategy_group',
        'strategic_assessment', 'status', 'sent_to_pcc_on', 'uid', 'rev', 'updated_at',
        'updated_by', 'deleted')


def _rebuild(period_end_nullable: bool, with_rolling: bool) -> None:
    columns: list[sa.Column] = [  # type: ignore[type-arg]
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=period_end_nullable),
        *([sa.Column('rolling', sa.Boolean(), nullable=True)] if with_rolling else []),
        sa.Column('refresh_label', sa.String(length=40), nullable=True),
        sa.Column('footprint', sa.String(length=300), nullable=True),
        sa.Column('strategy_group', sa.String(length=300), nullable=True),
        sa.Column('strategic_assessment', sa.String(length=300), nullable=True),
        sa.Column('status', sa.String(length=40), nullable=False),
        sa.Column('sent_to_pcc_on', sa.Date(), nullable=True),
        sa.Column('uid', sa.String(length=36), nullable=False),
        sa.Column('rev', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by', sa.String(length=200), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
    ]
    names = ', '.join(KEPT)
    op.execute('CREATE TEMP TABLE agreements_kept AS SELECT * FROM agreements')
    op.create_table('agreements_rebuilt', *columns,
                    sa.PrimaryKeyConstraint('uid', name=op.f('pk_agreements')))
    for event in ('insert', 'update'):
        op.execute(f'DROP TRIGGER IF EXISTS local_change_agreements_{event}')
    op.drop_table('agreements')
    op.rename_table('agreements_rebuilt', 'agreements')
    if with_rolling:  # every agreement before this revision had a fixed period
        op.execute(f'INSERT INTO agreements ({names}, rolling) SELECT {names}, 0 '
                   'FROM agreements_kept')
    else:
        op.execute(f'INSERT INTO agreements ({names}) SELECT {names} FROM agreements_kept')
    op.execute('DROP TABLE agreements_kept')
    for event in ('insert', 'update'):
        op.execute(
            f"CREATE TRIGGER local_change_agreements_{event} AFTER {event.upper()} ON agreements "
            "BEGIN INSERT OR IGNORE INTO local_changes (uid, kind) "
            "VALUES (NEW.uid, 'agreement'); END")


def upgrade() -> None:
    _rebuild(period_end_nullable=True, with_rolling=True)
    snapshot_field(('agreement',), 'rolling', False, add=True)


def downgrade() -> None:
    # a rolling agreement had no end date: an older version needs one (the period start)
    op.execute('UPDATE agreements SET period_end = period_start WHERE period_end IS NULL')
    _rebuild(period_end_nullable=False, with_rolling=False)
    snapshot_field(('agreement',), 'rolling', False, add=False)
