"""themes: a county's own cross-cutting themes replace the Serious Violence Duty flag; an
area is "in the agreement's footprint"

Adds the record table `themes` (with the local-changes triggers every record table has, 0006)
and `theme_uids` to key issues, local priorities and actions. A copy holding an agreement gets
the "Serious Violence Duty" theme, with the same uid in every copy (domain.themes), and each
key issue that carried the flag is tagged with it; then `key_issues.serious_violence_duty` is
dropped. `areas.in_lancashire_12` becomes `areas.in_footprint`.

The conversion is the same in every copy, so it is nobody's edit: no revision changes, nothing
is marked locally changed (the key issues' update trigger is set aside while they are tagged),
and baseline and refresh snapshots, pending conflicts and merge bookkeeping are converted the
same way. History says what happened: the theme's creation and each tag, by the upgrade.

Revision ID: 0014_themes
Revises: 0013_consultations
"""

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0014_themes'
down_revision = '0013_consultations'
branch_labels = None
depends_on = None

# as this revision knows them (domain.themes)
THEME_UID = '5d4f7a0e-2c1b-5e8a-9f3d-6b7c8d9e0a1f'
THEME = {'name': 'Serious Violence Duty',
         'description': 'The duty on specified authorities (Police, Crime, Sentencing and Courts '
                        'Act 2022) to work together to prevent and reduce serious violence.',
         'position': 'V'}
WHO = 'CSA Desktop (upgrade to themes)'
TAGGED = (('key_issues', 'key-issue'), ('local_priorities', 'local-priority'),
          ('actions', 'action'))
OLD_AREA, NEW_AREA = 'in_lancashire_12', 'in_footprint'
FLAG = 'serious_violence_duty'


def _trigger(table: str, kind: str, event: str) -> str:
    return (f"CREATE TRIGGER local_change_{table}_{event} AFTER {event.upper()} ON {table} "
            f"BEGIN INSERT OR IGNORE INTO local_changes (uid, kind) "
            f"VALUES (NEW.uid, '{kind}'); END")


def _themes(flag: object) -> list[str]:
    return [THEME_UID] if flag is True or flag == 1 else []


def _history(connection: sa.engine.Connection, uid: str, kind: str, field: str, old: object,
             new: object, at: dt.datetime) -> None:
    connection.execute(sa.text(
        'INSERT INTO change_records (record_uid, kind, field, old, new, who, at, bundle_id, '
        "outcome) VALUES (:uid, :kind, :field, :old, :new, :who, :at, NULL, 'edit')"),
        {'uid': uid, 'kind': kind, 'field': field, 'old': json.dumps(old),
         'new': json.dumps(new), 'who': WHO, 'at': at})


def _convert_fields(kind: str, fields: dict[str, Any], theme: bool) -> None:
    """A snapshot's fields of `kind` as this revision has them, in place."""
    if kind == 'area' and OLD_AREA in fields:
        fields[NEW_AREA] = fields.pop(OLD_AREA)
    if kind == 'key-issue':
        flag = fields.pop(FLAG, None)
        fields.setdefault('theme_uids', _themes(flag) if theme else [])
    if kind in ('local-priority', 'action'):
        fields.setdefault('theme_uids', [])


def _revert_fields(kind: str, fields: dict[str, Any], theme: bool) -> None:
    """The inverse of _convert_fields: a snapshot as the revision before this one had it."""
    if kind == 'area' and NEW_AREA in fields:
        fields[OLD_AREA] = fields.pop(NEW_AREA)
    if kind == 'key-issue':
        fields[FLAG] = THEME_UID in (fields.pop('theme_uids', None) or [])
    if kind in ('local-priority', 'action'):
        fields.pop('theme_uids', None)


def _snapshots(connection: sa.engine.Connection, theme: bool, *, back: bool = False) -> None:
    kinds = ('area', 'key-issue', 'local-priority', 'action')
    marks = ', '.join(f"'{k}'" for k in kinds)
    for snapshot, key in (('baseline_records', 'uid, kind'),
                          ('refresh_records', 'refresh_uid, record_uid, kind')):
        rows = connection.execute(sa.text(
            f"SELECT {key}, data FROM {snapshot} WHERE kind IN ({marks})")).fetchall()
        for row in rows:
            data = json.loads(row[-1])
            fields = data.get('fields') if snapshot == 'refresh_records' else data
            if not isinstance(fields, dict):
                continue
            (_revert_fields if back else _convert_fields)(row[-2], fields, theme)
            text = json.dumps(data, ensure_ascii=False, sort_keys=True)
            if snapshot == 'baseline_records':
                connection.execute(sa.text('UPDATE baseline_records SET data = :data '
                                           'WHERE uid = :uid'), {'data': text, 'uid': row[0]})
            else:
                connection.execute(sa.text(
                    'UPDATE refresh_records SET data = :data WHERE refresh_uid = :refresh '
                    'AND record_uid = :uid'), {'data': text, 'refresh': row[0], 'uid': row[1]})
    if back:
        connection.execute(sa.text("DELETE FROM baseline_records WHERE kind = 'theme'"))
        connection.execute(sa.text("DELETE FROM refresh_records WHERE kind = 'theme'"))
        return
    held = connection.execute(sa.text('SELECT COUNT(*) FROM baseline_records')).scalar()
    if theme and held:  # the theme is part of the baseline this copy took, as the lead's is
        connection.execute(sa.text(
            "INSERT OR IGNORE INTO baseline_records (uid, kind, rev, deleted, data) "
            "VALUES (:uid, 'theme', 1, 0, :data)"),
            {'uid': THEME_UID, 'data': json.dumps(THEME, ensure_ascii=False, sort_keys=True)})


def _bookkeeping(connection: sa.engine.Connection) -> None:
    """Pending conflicts and the lead's merge states speak of the fields by their new names."""
    connection.execute(sa.text(
        "UPDATE conflicts SET field = :new WHERE kind = 'area' AND field = :old"),
        {'new': NEW_AREA, 'old': OLD_AREA})
    for row in connection.execute(sa.text(
            "SELECT id, base, master, incoming FROM conflicts WHERE kind = 'key-issue' "
            "AND field = :flag"), {'flag': FLAG}).fetchall():
        incoming = json.loads(row[3]) if isinstance(row[3], str) else (row[3] or [])
        for item in incoming:
            if isinstance(item, dict) and 'value' in item:
                item['value'] = _themes(item['value'])
        connection.execute(sa.text(
            "UPDATE conflicts SET field = 'theme_uids', base = :base, master = :master, "
            "incoming = :incoming WHERE id = :id"),
            {'id': row[0], 'base': json.dumps(_themes(json.loads(row[1]))),
             'master': json.dumps(_themes(json.loads(row[2]))),
             'incoming': json.dumps(incoming)})
    for uid, kind, data in connection.execute(sa.text(
            "SELECT uid, kind, data FROM merge_states WHERE kind IN ('area', 'key-issue')")
            ).fetchall():
        state = json.loads(data)
        if not isinstance(state, dict):
            continue
        if kind == 'area' and OLD_AREA in state:
            state[NEW_AREA] = state.pop(OLD_AREA)
        state.pop(FLAG, None)  # the tag itself was converted in the record
        connection.execute(sa.text('UPDATE merge_states SET data = :data WHERE uid = :uid'),
                           {'data': json.dumps(state, ensure_ascii=False), 'uid': uid})


def upgrade() -> None:
    connection = op.get_bind()
    op.create_table('themes',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('position', sa.String(length=64), nullable=True),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('uid', name=op.f('pk_themes'))
    )
    # ADD COLUMN, not a batch copy of the table, which would drop its triggers
    for table, _kind in TAGGED:
        op.add_column(table, sa.Column('theme_uids', sa.JSON(), nullable=False,
                                       server_default='[]'))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    theme = bool(connection.execute(sa.text('SELECT COUNT(*) FROM agreements')).scalar())
    if theme:
        connection.execute(sa.text(
            'INSERT INTO themes (uid, rev, updated_at, updated_by, deleted, name, description, '
            'position) VALUES (:uid, 1, :at, :who, 0, :name, :description, :position)'),
            {'uid': THEME_UID, 'at': now, 'who': WHO, **THEME})
        for field, value in THEME.items():
            _history(connection, THEME_UID, 'theme', field, None, value, now)
        op.execute('DROP TRIGGER IF EXISTS local_change_key_issues_update')
        flagged = connection.execute(sa.text(
            f'SELECT uid FROM key_issues WHERE {FLAG} = 1')).scalars().all()
        for uid in flagged:
            connection.execute(sa.text('UPDATE key_issues SET theme_uids = :themes '
                                       'WHERE uid = :uid'),
                               {'themes': json.dumps([THEME_UID]), 'uid': uid})
            _history(connection, uid, 'key-issue', 'theme_uids', [], [THEME_UID], now)
        op.execute(_trigger('key_issues', 'key-issue', 'update'))
    op.execute(f'ALTER TABLE key_issues DROP COLUMN {FLAG}')
    op.execute(f'ALTER TABLE areas RENAME COLUMN {OLD_AREA} TO {NEW_AREA}')
    connection.execute(sa.text(
        "UPDATE change_records SET field = :new WHERE kind = 'area' AND field = :old"),
        {'new': NEW_AREA, 'old': OLD_AREA})
    _snapshots(connection, theme)
    _bookkeeping(connection)
    for event in ('insert', 'update'):
        op.execute(_trigger('themes', 'theme', event))


def downgrade() -> None:
    connection = op.get_bind()
    for event in ('insert', 'update'):
        op.execute(f'DROP TRIGGER IF EXISTS local_change_themes_{event}')
    op.execute(f'ALTER TABLE areas RENAME COLUMN {NEW_AREA} TO {OLD_AREA}')
    connection.execute(sa.text(
        "UPDATE change_records SET field = :old WHERE kind = 'area' AND field = :new"),
        {'new': NEW_AREA, 'old': OLD_AREA})
    op.add_column('key_issues', sa.Column(FLAG, sa.Boolean(), nullable=True))
    op.execute('DROP TRIGGER IF EXISTS local_change_key_issues_update')
    connection.execute(sa.text(
        f"UPDATE key_issues SET {FLAG} = (theme_uids LIKE :tag)"), {'tag': f'%{THEME_UID}%'})
    op.execute(_trigger('key_issues', 'key-issue', 'update'))
    for table, _kind in TAGGED:
        op.execute(f'ALTER TABLE {table} DROP COLUMN theme_uids')
    op.drop_table('themes')
    _snapshots(connection, True, back=True)
