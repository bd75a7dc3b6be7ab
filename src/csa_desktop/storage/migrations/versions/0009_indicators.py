"""indicators: performance indicators and their values; priorities and actions link to them

Adds the record tables `indicators` (a county indicator under a key issue, a local one under a
partnership) and `indicator_values` (one per indicator and period), with the local-changes
triggers every record table has (0006), and an `indicator_uids` list (empty) on
`local_priorities` and `actions`. Baseline and refresh snapshots of priorities and actions get
the empty list too, so that no record looks changed only because the field is new.

Revision ID: 0009_indicators
Revises: 0008_clean_control_characters
"""

import json

import sqlalchemy as sa
from alembic import op

revision = '0009_indicators'
down_revision = '0008_clean_control_characters'
branch_labels = None
depends_on = None

NEW_TABLES = (('indicators', 'indicator'), ('indicator_values', 'indicator-value'))
LINKING_TABLES = (('local_priorities', 'local-priority'), ('actions', 'action'))


def _record_columns() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column('uid', sa.String(length=36), nullable=False),
        sa.Column('rev', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by', sa.String(length=200), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('indicators',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('definition', sa.Text(), nullable=True),
    sa.Column('unit', sa.String(length=80), nullable=True),
    sa.Column('polarity', sa.String(length=40), nullable=False),
    sa.Column('frequency', sa.String(length=40), nullable=False),
    sa.Column('baseline_value', sa.String(length=40), nullable=True),
    sa.Column('baseline_period', sa.String(length=20), nullable=True),
    sa.Column('target_value', sa.String(length=40), nullable=True),
    sa.Column('target_period', sa.String(length=20), nullable=True),
    sa.Column('tolerance_percent', sa.String(length=40), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=True),
    sa.Column('key_issue_uid', sa.String(length=36), nullable=True),
    sa.Column('partnership_uid', sa.String(length=36), nullable=True),
    sa.Column('position', sa.String(length=64), nullable=True),
    *_record_columns(),
    sa.ForeignKeyConstraint(['key_issue_uid'], ['key_issues.uid'], name=op.f('fk_indicators_key_issue_uid_key_issues'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['partnership_uid'], ['partnerships.uid'], name=op.f('fk_indicators_partnership_uid_partnerships'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('uid', name=op.f('pk_indicators'))
    )
    op.create_index(op.f('ix_indicators_key_issue_uid'), 'indicators', ['key_issue_uid'], unique=False)
    op.create_index(op.f('ix_indicators_partnership_uid'), 'indicators', ['partnership_uid'], unique=False)
    op.create_table('indicator_values',
    sa.Column('indicator_uid', sa.String(length=36), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('source_date', sa.Date(), nullable=True),
    *_record_columns(),
    sa.ForeignKeyConstraint(['indicator_uid'], ['indicators.uid'], name=op.f('fk_indicator_values_indicator_uid_indicators'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('uid', name=op.f('pk_indicator_values'))
    )
    op.create_index(op.f('ix_indicator_values_indicator_uid'), 'indicator_values', ['indicator_uid'], unique=False)
    for table, kind in NEW_TABLES:
        for event in ('insert', 'update'):
            op.execute(
                f"CREATE TRIGGER local_change_{table}_{event} AFTER {event.upper()} ON {table} "
                f"BEGIN INSERT OR IGNORE INTO local_changes (uid, kind) "
                f"VALUES (NEW.uid, '{kind}'); END")
    # ADD COLUMN, not a batch copy of the table, which would drop its triggers
    for table, _kind in LINKING_TABLES:
        op.add_column(table, sa.Column('indicator_uids', sa.JSON(), nullable=False,
                                       server_default='[]'))
    connection = op.get_bind()
    kinds = tuple(kind for _table, kind in LINKING_TABLES)
    for snapshot, key in (('baseline_records', 'uid'), ('refresh_records', 'refresh_uid, record_uid')):
        rows = connection.execute(sa.text(
            f"SELECT {key}, data FROM {snapshot} WHERE kind IN (:a, :b)"),
            {'a': kinds[0], 'b': kinds[1]}).fetchall()
        for row in rows:
            data = json.loads(row[-1])
            # a refresh keeps {"fields": {...}, "updated_at", "updated_by"}; a baseline the fields
            fields = data.get('fields') if snapshot == 'refresh_records' else data
            if not isinstance(fields, dict) or 'indicator_uids' in fields:
                continue
            fields['indicator_uids'] = []
            text = json.dumps(data, ensure_ascii=False, sort_keys=True)
            if snapshot == 'baseline_records':
                connection.execute(sa.text('UPDATE baseline_records SET data = :data '
                                           'WHERE uid = :uid'), {'data': text, 'uid': row[0]})
            else:
                connection.execute(sa.text(
                    'UPDATE refresh_records SET data = :data WHERE refresh_uid = :refresh '
                    'AND record_uid = :uid'), {'data': text, 'refresh': row[0], 'uid': row[1]})


def downgrade() -> None:
    for table, _kind in LINKING_TABLES:  # DROP COLUMN in place: the triggers stay
        op.drop_column(table, 'indicator_uids')
    for table, _kind in NEW_TABLES:
        for event in ('insert', 'update'):
            op.execute(f"DROP TRIGGER IF EXISTS local_change_{table}_{event}")
    op.drop_index(op.f('ix_indicator_values_indicator_uid'), table_name='indicator_values')
    op.drop_table('indicator_values')
    op.drop_index(op.f('ix_indicators_partnership_uid'), table_name='indicators')
    op.drop_index(op.f('ix_indicators_key_issue_uid'), table_name='indicators')
    op.drop_table('indicators')
