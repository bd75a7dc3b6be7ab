"""consultations: who was consulted on the agreement, how, when, what they said, what changed

Adds the record table `consultations` with the local-changes triggers every record table has
(0006). Nothing existing is rewritten.

Revision ID: 0013_consultations
Revises: 0012_rolling_agreements
"""

import sqlalchemy as sa
from alembic import op

revision = '0013_consultations'
down_revision = '0012_rolling_agreements'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consultations',
    sa.Column('agreement_uid', sa.String(length=36), nullable=False),
    sa.Column('consultee', sa.String(length=300), nullable=False),
    sa.Column('consultee_kind', sa.String(length=40), nullable=False),
    sa.Column('method', sa.String(length=300), nullable=True),
    sa.Column('opened', sa.Date(), nullable=True),
    sa.Column('closed', sa.Date(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('section_uids', sa.JSON(), nullable=False),
    sa.Column('key_issue_uids', sa.JSON(), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_uid'], ['agreements.uid'], name=op.f('fk_consultations_agreement_uid_agreements'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('uid', name=op.f('pk_consultations'))
    )
    op.create_index(op.f('ix_consultations_agreement_uid'), 'consultations', ['agreement_uid'], unique=False)
    for event in ('insert', 'update'):
        op.execute(
            f"CREATE TRIGGER local_change_consultations_{event} AFTER {event.upper()} ON "
            f"consultations BEGIN INSERT OR IGNORE INTO local_changes (uid, kind) "
            f"VALUES (NEW.uid, 'consultation'); END")


def downgrade() -> None:
    for event in ('insert', 'update'):
        op.execute(f"DROP TRIGGER IF EXISTS local_change_consultations_{event}")
    op.drop_index(op.f('ix_consultations_agreement_uid'), table_name='consultations')
    op.drop_table('consultations')
