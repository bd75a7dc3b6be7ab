"""approval chain: the steps of the agreement's approvals as records, and local plan decisions

Adds the record tables `approval_steps` (a step of the agreement's chain, or with `plan_uid`
of a local plan's) and `plan_approvals` (a local plan's decisions), with the local-changes
triggers every record table has (0006). The lead's master copy gets the two-tier chain it
followed until now (Board → Cabinet → Full Council → sent to the PCC) as four step records,
with history; no agreement status or decision is rewritten, because the four steps keep
today's status codes (domain.cycle.STEP_CODES). Other copies get their chain with the lead's
next baseline (until then they read no steps as the same two-tier chain): steps written here
would be their own local changes, outside a district's scope.

Revision ID: 0011_approval_chain
Revises: 0009_indicators
"""

import datetime as dt
import json
import uuid

import sqlalchemy as sa
from alembic import op

revision = '0011_approval_chain'
down_revision = '0010_attachments'
branch_labels = None
depends_on = None

NEW_TABLES = (('approval_steps', 'approval-step'), ('plan_approvals', 'plan-approval'))
# The two-tier chain as this revision knows it: name, label, body ('' for the Board: the
# agreement's strategy group), minute required, sends to the PCC, position key.
TWO_TIER = (
    ('board', 'Approved by the Board', '', False, False, 'V'),
    ('cabinet', 'Noted by Cabinet', 'Cabinet', False, False, 'l'),
    ('council', 'Approved by Full Council', 'Full Council', False, False, 't'),
    ('pcc', 'Sent to the PCC', 'Police and Crime Commissioner', False, True, 'x'),
)
# uuid5 namespace of the migrated steps: the same agreement gives the same step uids anywhere
STEP_NAMESPACE = uuid.UUID('1f0c9a3e-6b7d-4e58-9a2c-3d5e7f901b24')
WHO = 'CSA Desktop (upgrade to approval chains)'


def _record_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column('uid', sa.String(length=36), nullable=False),
        sa.Column('rev', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by', sa.String(length=200), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('approval_steps',
    sa.Column('plan_uid', sa.String(length=36), nullable=True),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('body', sa.String(length=200), nullable=True),
    sa.Column('minute_required', sa.Boolean(), nullable=True),
    sa.Column('sends_to_pcc', sa.Boolean(), nullable=True),
    sa.Column('position', sa.String(length=64), nullable=True),
    *_record_columns(),
    sa.ForeignKeyConstraint(['plan_uid'], ['local_plans.uid'], name=op.f('fk_approval_steps_plan_uid_local_plans'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('uid', name=op.f('pk_approval_steps'))
    )
    op.create_index(op.f('ix_approval_steps_plan_uid'), 'approval_steps', ['plan_uid'], unique=False)
    op.create_table('plan_approvals',
    sa.Column('plan_uid', sa.String(length=36), nullable=False),
    sa.Column('step', sa.String(length=40), nullable=False),
    sa.Column('body', sa.String(length=200), nullable=False),
    sa.Column('decision', sa.String(length=500), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('minute_ref', sa.String(length=100), nullable=True),
    sa.Column('position', sa.String(length=64), nullable=True),
    *_record_columns(),
    sa.ForeignKeyConstraint(['plan_uid'], ['local_plans.uid'], name=op.f('fk_plan_approvals_plan_uid_local_plans'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('uid', name=op.f('pk_plan_approvals'))
    )
    op.create_index(op.f('ix_plan_approvals_plan_uid'), 'plan_approvals', ['plan_uid'], unique=False)
    for table, kind in NEW_TABLES:
        for event in ('insert', 'update'):
            op.execute(
                f"CREATE TRIGGER local_change_{table}_{event} AFTER {event.upper()} ON {table} "
                f"BEGIN INSERT OR IGNORE INTO local_changes (uid, kind) "
                f"VALUES (NEW.uid, '{kind}'); END")
    _two_tier_chain(op.get_bind())


def _two_tier_chain(connection: sa.engine.Connection) -> None:
    role = connection.execute(sa.text('SELECT role FROM replica')).scalar()
    if role not in (None, 'lead'):
        return
    agreements = connection.execute(sa.text(
        'SELECT uid, strategy_group FROM agreements WHERE deleted = 0 ORDER BY uid')).fetchall()
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    for agreement_uid, group in agreements[:1]:  # a copy holds one agreement
        board = (group or '').split(' (', 1)[0].strip() or 'Community Safety Partnership Board'
        for name, label, body, minute, pcc, position in TWO_TIER:
            uid = str(uuid.uuid5(STEP_NAMESPACE, f'{agreement_uid}/{name}'))
            values = {'plan_uid': None, 'name': name, 'label': label, 'body': body or board,
                      'minute_required': minute, 'sends_to_pcc': pcc, 'position': position}
            connection.execute(sa.text(
                'INSERT INTO approval_steps (uid, rev, updated_at, updated_by, deleted, '
                'plan_uid, name, label, body, minute_required, sends_to_pcc, position) '
                'VALUES (:uid, 1, :at, :who, 0, :plan_uid, :name, :label, :body, '
                ':minute_required, :sends_to_pcc, :position)'),
                {'uid': uid, 'at': now, 'who': WHO, **values})
            for field, value in values.items():
                if value is None:
                    continue
                connection.execute(sa.text(
                    'INSERT INTO change_records (record_uid, kind, field, old, new, who, at, '
                    "bundle_id, outcome) VALUES (:uid, 'approval-step', :field, 'null', :new, "
                    ":who, :at, NULL, 'edit')"),
                    {'uid': uid, 'field': field, 'new': json.dumps(value), 'who': WHO,
                     'at': now})


def downgrade() -> None:
    for table, _kind in NEW_TABLES:
        for event in ('insert', 'update'):
            op.execute(f"DROP TRIGGER IF EXISTS local_change_{table}_{event}")
    op.drop_index(op.f('ix_plan_approvals_plan_uid'), table_name='plan_approvals')
    op.drop_table('plan_approvals')
    op.drop_index(op.f('ix_approval_steps_plan_uid'), table_name='approval_steps')
    op.drop_table('approval_steps')
