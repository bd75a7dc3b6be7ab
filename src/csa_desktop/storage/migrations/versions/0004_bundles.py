"""bundles: trusted keys, the log of bundles exported and imported, the district's baseline snapshot

Adds tables only; existing copies get their signing key file on first need (not here).

Revision ID: 0004_bundles
Revises: 0003_yearly_cycle
"""

import sqlalchemy as sa
from alembic import op

revision = '0004_bundles'
down_revision = '0003_yearly_cycle'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('trusted_keys',
    sa.Column('public_key', sa.String(length=44), nullable=False),
    sa.Column('fingerprint', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('partnership_uids', sa.JSON(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.Column('added_how', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('public_key', name=op.f('pk_trusted_keys'))
    )
    op.create_table('bundle_log',
    sa.Column('bundle_id', sa.String(length=36), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('replica_id', sa.String(length=36), nullable=False),
    sa.Column('author', sa.String(length=200), nullable=False),
    sa.Column('signer_key', sa.String(length=44), nullable=False),
    sa.Column('baseline_id', sa.String(length=36), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=40), nullable=False),
    sa.Column('processed_at', sa.DateTime(), nullable=False),
    sa.Column('file_name', sa.String(length=300), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('bundle_id', name=op.f('pk_bundle_log'))
    )
    with op.batch_alter_table('bundle_log', schema=None) as batch_op:
        batch_op.create_index('ix_bundle_log_replica_id', ['replica_id'], unique=False)

    op.create_table('baseline_records',
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('uid', name=op.f('pk_baseline_records'))
    )


def downgrade() -> None:
    op.drop_table('baseline_records')
    with op.batch_alter_table('bundle_log', schema=None) as batch_op:
        batch_op.drop_index('ix_bundle_log_replica_id')
    op.drop_table('bundle_log')
    op.drop_table('trusted_keys')
