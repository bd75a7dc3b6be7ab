"""clean control characters: text fields hold no control characters but line feed and tab

Until now text fields took any character but NUL (and, on one line, line breaks), from the
forms, `csa set` and bundles alike; an escape sequence in a title could clear the lead's
terminal or colour its output. The field rules now refuse them (domain.kinds.CONTROL_PATTERN);
this migration cleans what copies already hold, so that every value passes the rules again
(and a district's baseline snapshot, the base of its next contribution, too):

- CR LF and a lone CR become a line feed (line breaks pasted from another system);
- VT, FF and NEL (U+0085) become a space;
- every other C0 control but line feed and tab, DEL and the C1 controls are removed.

Each value changed gets a history row (outcome "cleaned", the old and the new value) and its
record's revision goes up by one, so a lead's next baseline carries the clean value.

Revision ID: 0008_clean_control_characters
Revises: 0007_replica_keys
"""

import datetime as dt
import json
import logging
import re

import sqlalchemy as sa
from alembic import op

revision = '0008_clean_control_characters'
down_revision = '0007_replica_keys'
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

# The record tables of this revision and their kinds (fixed here on purpose, as in 0006).
RECORD_TABLES = (
    ('areas', 'area'), ('organisations', 'organisation'), ('partnerships', 'partnership'),
    ('agreements', 'agreement'), ('approvals', 'approval'), ('sections', 'section'),
    ('key_issues', 'key-issue'), ('plan_items', 'plan-item'),
    ('delivery_framework_rows', 'delivery-framework-row'), ('evidence_items', 'evidence-item'),
    ('local_plans', 'local-plan'), ('local_priorities', 'local-priority'),
    ('actions', 'action'), ('progress_updates', 'progress-update'),
)
NOT_FIELDS = {'uid', 'updated_by'}
CONTROL = re.compile('[\u0000-\u0008\u000b-\u001f\u007f-\u009f]')
SPACES = {'\u000b': ' ', '\u000c': ' ', '\u0085': ' '}
WHO = 'CSA Desktop (control characters removed)'


def clean(text: str) -> str:
    text = text.replace('\r\n', '\n').replace('\r', '\n')
    return CONTROL.sub(lambda m: SPACES.get(m.group(), ''), text)


def _text_columns(connection: sa.Connection, table: str) -> list[str]:
    rows = connection.exec_driver_sql(f'PRAGMA table_info({table})').fetchall()
    return [name for _, name, kind, *_ in rows
            if name not in NOT_FIELDS and (kind.upper().startswith('VARCHAR')
                                           or kind.upper() == 'TEXT')]


def upgrade() -> None:
    connection = op.get_bind()
    at = dt.datetime.now().replace(microsecond=0)
    changed_values = 0
    for table, kind in RECORD_TABLES:
        columns = _text_columns(connection, table)
        if not columns:
            continue
        rows = connection.exec_driver_sql(
            f"SELECT uid, rev, {', '.join(columns)} FROM {table}").fetchall()
        for uid, rev, *values in rows:
            fixed = {name: clean(value) for name, value in zip(columns, values, strict=True)
                     if isinstance(value, str) and CONTROL.search(value)}
            if not fixed:
                continue
            sets = ', '.join(f'{name} = :{name}' for name in fixed)
            connection.execute(sa.text(
                f'UPDATE {table} SET {sets}, rev = :rev, updated_at = :at WHERE uid = :uid'),
                {**fixed, 'rev': rev + 1, 'at': at, 'uid': uid})
            old = dict(zip(columns, values, strict=True))
            for name, value in fixed.items():
                connection.execute(sa.text(
                    'INSERT INTO change_records (record_uid, kind, field, old, new, who, at, '
                    'bundle_id, outcome) VALUES (:uid, :kind, :field, :old, :new, :who, :at, '
                    "NULL, 'cleaned')"),
                    {'uid': uid, 'kind': kind, 'field': name,
                     'old': json.dumps(old[name], ensure_ascii=False),
                     'new': json.dumps(value, ensure_ascii=False), 'who': WHO, 'at': at})
                changed_values += 1
    snapshot = connection.exec_driver_sql('SELECT uid, data FROM baseline_records').fetchall()
    for uid, data in snapshot:  # JSON: its controls are written as \u escapes or raw
        fields = json.loads(data)
        fixed_fields = {name: clean(value) if isinstance(value, str) else value
                        for name, value in fields.items()}
        if fixed_fields != fields:
            connection.execute(sa.text('UPDATE baseline_records SET data = :data '
                                       'WHERE uid = :uid'),
                               {'data': json.dumps(fixed_fields, ensure_ascii=False,
                                                   sort_keys=True), 'uid': uid})
    if changed_values:
        log.info('removed control characters from %d field values', changed_values)


def downgrade() -> None:
    """The removed characters are in the history rows; they are not put back."""
