"""The replica row: who this copy is."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from csa_desktop.domain.roles import Identity, Role
from csa_desktop.errors import StoreError
from csa_desktop.storage.models import ReplicaRow
from csa_desktop.storage.records import now


def load(session: Session) -> Identity:
    row = session.scalars(select(ReplicaRow)).first()
    if row is None:
        raise StoreError("this copy has no identity; run 'csa init'")
    return Identity(row.replica_id, row.name, Role(row.role), tuple(row.partnership_uids))


def save(session: Session, identity: Identity) -> None:
    row = session.scalars(select(ReplicaRow)).first()
    if row is None:
        row = ReplicaRow(id=1, created_at=now())
        session.add(row)
    row.replica_id = identity.replica_id
    row.name = identity.name
    row.role = identity.role.value
    row.partnership_uids = list(identity.partnership_uids)


def baseline_id(session: Session) -> str | None:
    row = session.scalars(select(ReplicaRow)).first()
    return row.baseline_id if row else None


def set_baseline_id(session: Session, baseline: str | None) -> None:
    row = session.scalars(select(ReplicaRow)).one()
    row.baseline_id = baseline
