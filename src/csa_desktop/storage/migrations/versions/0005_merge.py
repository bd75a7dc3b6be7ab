"""merge: the lead's per-record merge bookkeeping and the persisted conflict queue

Adds tables only.

Revision ID: 0005_merge
Revises: 0004_bundles
"""

import sqlalchemy as sa
from alembic import op

revision = '0005_merge'
down_revision = '0004_bundles'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('merge_states',
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('uid', name=op.f('pk_merge_states'))
    )
    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('record_uid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('side', sa.String(length=20), nullable=False),
    sa.Column('base', sa.Text(), nullable=False),
    sa.Column('master', sa.Text(), nullable=False),
    sa.Column('incoming', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by', sa.String(length=200), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolution_source', sa.String(length=60), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts'))
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index('ix_conflicts_record_uid', ['record_uid'], unique=False)
        batch_op.create_index('ix_conflicts_status', ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index('ix_conflicts_status')
        batch_op.drop_index('ix_conflicts_record_uid')
    op.drop_table('conflicts')
    op.drop_table('merge_states')
