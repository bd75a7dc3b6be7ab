"""Tables of bundle exchange and merging: trusted keys, the log of bundles sent and taken, a
district's snapshot of its last baseline, the lead's merge state and the conflict queue.
Registered on storage.base.Base, as storage.models' tables are."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from csa_desktop.storage.base import Base


class TrustedKeyRow(Base):
    """A public key whose bundles this copy accepts, with the role and scope it may act in."""

    __tablename__ = "trusted_keys"
    public_key: Mapped[str] = mapped_column(String(44), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    partnership_uids: Mapped[list[str]] = mapped_column(JSON, default=list)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime)
    added_how: Mapped[str] = mapped_column(String(40))


class ReplicaKeyRow(Base):
    """A copy's replica id bound to the one key that signs for it (and that key to that copy
    alone): recorded when the key is first trusted from a bundle or first signs one; changed
    only by `csa trust replace`. Kept when the key stops being trusted."""

    __tablename__ = "replica_keys"
    replica_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(44), unique=True)
    name: Mapped[str] = mapped_column(String(200))  # the copy's author name when bound
    bound_at: Mapped[dt.datetime] = mapped_column(DateTime)
    bound_how: Mapped[str] = mapped_column(String(60))


class BundleLogRow(Base):
    """Every bundle this copy exported or imported (replays are recognised by bundle_id)."""

    __tablename__ = "bundle_log"
    bundle_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    direction: Mapped[str] = mapped_column(String(10))  # "exported" or "imported"
    kind: Mapped[str] = mapped_column(String(20))  # "contribution" or "baseline"
    replica_id: Mapped[str] = mapped_column(String(36))
    author: Mapped[str] = mapped_column(String(200))
    signer_key: Mapped[str] = mapped_column(String(44))
    baseline_id: Mapped[str | None] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(40))  # as the sender's clock said it
    processed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))  # "exported", "imported", "superseded"
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_bundle_log_replica_id", "replica_id"),)


class BaselineRecordRow(Base):
    """A record as the last baseline this copy took had it: what "changed since" compares to."""

    __tablename__ = "baseline_records"
    uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    rev: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean)
    data: Mapped[str] = mapped_column(Text)  # the fields as canonical JSON


class MergeStateRow(Base):
    """The lead's merge bookkeeping for one record: per field, the lead's own value, the value
    the merge left, and each district's live proposal (JSON). Cleared when a baseline is
    published, except for fields still in conflict."""

    __tablename__ = "merge_states"
    uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[str] = mapped_column(Text)


class ConflictRow(Base):
    """A field two sides changed differently: base, master and every incoming value (with its
    author and bundle), until someone decides."""

    __tablename__ = "conflicts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_uid: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    field: Mapped[str] = mapped_column(String(60))
    side: Mapped[str] = mapped_column(String(20))  # "lead" (merging bundles) or "district"
    base: Mapped[str] = mapped_column(Text)  # JSON
    master: Mapped[str] = mapped_column(Text)  # JSON
    incoming: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20))  # "open", "resolved", "settled"
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolution: Mapped[str | None] = mapped_column(Text)  # JSON: the value chosen
    resolution_source: Mapped[str | None] = mapped_column(String(60))

    __table_args__ = (Index("ix_conflicts_record_uid", "record_uid"),
                      Index("ix_conflicts_status", "status"))


class LocalChangeRow(Base):
    """A record written in this copy since its last baseline (or ever, before the first one):
    filled by a trigger on every record table (migration 0006), recomputed when a baseline is
    taken. A contribution is read from these records only."""

    __tablename__ = "local_changes"
    uid: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))

    __table_args__ = ({"sqlite_with_rowid": False},)
