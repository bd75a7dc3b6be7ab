"""replica keys: each copy's replica id bound to the one key that signs for it

A bundle names the copy it comes from (`replica_id`) and the key that signed it; until now
nothing tied the two, so a trusted district could sign a bundle in another district's name
and retract its work. The table `replica_keys` binds each replica id to one key (and each key
to one replica id).

Fills it from the bundle log: each replica id is bound to the key of the first bundle taken
from it, unless that key already speaks for an earlier replica (that later claim stays unbound
and is refused when it next arrives).

Revision ID: 0007_replica_keys
Revises: 0006_local_changes
"""

import sqlalchemy as sa
from alembic import op

revision = '0007_replica_keys'
down_revision = '0006_local_changes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('replica_keys',
    sa.Column('replica_id', sa.String(length=36), nullable=False),
    sa.Column('public_key', sa.String(length=44), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('bound_at', sa.DateTime(), nullable=False),
    sa.Column('bound_how', sa.String(length=60), nullable=False),
    sa.PrimaryKeyConstraint('replica_id', name=op.f('pk_replica_keys')),
    sa.UniqueConstraint('public_key', name=op.f('uq_replica_keys_public_key'))
    )
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT replica_id, signer_key, author, processed_at FROM bundle_log "
        "WHERE direction = 'imported' ORDER BY processed_at, seq")).fetchall()
    replicas: set[str] = set()
    keys: set[str] = set()
    for replica_id, signer_key, author, processed_at in rows:
        if replica_id in replicas or signer_key in keys:
            continue
        replicas.add(replica_id)
        keys.add(signer_key)
        connection.execute(sa.text(
            "INSERT INTO replica_keys (replica_id, public_key, name, bound_at, bound_how) "
            "VALUES (:replica, :key, :name, :at, 'first bundle (before binding)')"),
            {"replica": replica_id, "key": signer_key, "name": author[:200],
             "at": processed_at})


def downgrade() -> None:
    op.drop_table('replica_keys')
