"""yearly cycle: refreshes with their snapshots and change notes, archived actions, approval stages

Adds nullable columns only, so existing rows keep their values: an action with no
archived_in is open, an approval with no refresh_label belongs to the refresh in progress.

Revision ID: 0003_yearly_cycle
Revises: 0001_initial
"""

import sqlalchemy as sa
from alembic import op

revision = '0003_yearly_cycle'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('refreshes',
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('agreement_uid', sa.String(length=36), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('based_on_uid', sa.String(length=36), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('started_by', sa.String(length=200), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agreement_uid'], ['agreements.uid'], name=op.f('fk_refreshes_agreement_uid_agreements'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['based_on_uid'], ['refreshes.uid'], name=op.f('fk_refreshes_based_on_uid_refreshes'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('uid', name=op.f('pk_refreshes')),
    sa.UniqueConstraint('agreement_uid', 'label', name=op.f('uq_refreshes_agreement_uid'))
    )
    with op.batch_alter_table('refreshes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refreshes_agreement_uid'), ['agreement_uid'], unique=False)

    op.create_table('refresh_notes',
    sa.Column('refresh_uid', sa.String(length=36), nullable=False),
    sa.Column('record_uid', sa.String(length=36), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['refresh_uid'], ['refreshes.uid'], name=op.f('fk_refresh_notes_refresh_uid_refreshes'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('refresh_uid', 'record_uid', name=op.f('pk_refresh_notes'))
    )
    op.create_table('refresh_records',
    sa.Column('refresh_uid', sa.String(length=36), nullable=False),
    sa.Column('record_uid', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['refresh_uid'], ['refreshes.uid'], name=op.f('fk_refresh_records_refresh_uid_refreshes'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('refresh_uid', 'record_uid', name=op.f('pk_refresh_records'))
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_in', sa.String(length=40), nullable=True))

    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('refresh_label', sa.String(length=40), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('approvals', schema=None) as batch_op:
        batch_op.drop_column('refresh_label')
        batch_op.drop_column('stage')

    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_column('archived_in')

    op.drop_table('refresh_records')
    op.drop_table('refresh_notes')
    with op.batch_alter_table('refreshes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refreshes_agreement_uid'))

    op.drop_table('refreshes')
