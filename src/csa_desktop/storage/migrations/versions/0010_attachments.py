"""attachments: images that long text refers to, and their bytes

Adds the record table `attachments` (name, media type, sha256, size, alt text; the uid derives
from the sha256) with the local-changes triggers every record table has (0006), and
`attachment_blobs`, the bytes keyed by sha256 (not a record: no history, no triggers).

Revision ID: 0010_attachments
Revises: 0009_indicators
"""

import sqlalchemy as sa
from alembic import op

revision = '0010_attachments'
down_revision = '0009_indicators'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attachments',
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('alt_text', sa.String(length=1000), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('uid', name=op.f('pk_attachments'))
    )
    op.create_index(op.f('ix_attachments_sha256'), 'attachments', ['sha256'], unique=False)
    op.create_table('attachment_blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_attachment_blobs'))
    )
    for event in ('insert', 'update'):
        op.execute(
            f"CREATE TRIGGER local_change_attachments_{event} AFTER {event.upper()} ON "
            f"attachments BEGIN INSERT OR IGNORE INTO local_changes (uid, kind) "
            f"VALUES (NEW.uid, 'attachment'); END")


def downgrade() -> None:
    for event in ('insert', 'update'):
        op.execute(f"DROP TRIGGER IF EXISTS local_change_attachments_{event}")
    op.drop_table('attachment_blobs')
    op.drop_index(op.f('ix_attachments_sha256'), table_name='attachments')
    op.drop_table('attachments')
