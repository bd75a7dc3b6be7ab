"""The bytes of attachments, kept beside the records and keyed by their SHA-256."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from csa_desktop.storage.models import AttachmentBlobRow


def put_blobs(session: Session, blobs: Mapping[str, bytes]) -> None:
    """Keep each blob (sha256 → bytes) unless the copy has it already; the caller has checked
    that every key is the SHA-256 of its bytes."""
    if blobs:
        session.execute(insert(AttachmentBlobRow).on_conflict_do_nothing(), [
            {"sha256": sha256, "data": data} for sha256, data in sorted(blobs.items())])


def blob(session: Session, sha256: str) -> bytes | None:
    return session.scalar(select(AttachmentBlobRow.data).where(
        AttachmentBlobRow.sha256 == sha256))


def blobs(session: Session, sha256s: Iterable[str]) -> dict[str, bytes]:
    """The bytes the copy holds for these hashes (missing ones are left out)."""
    wanted = sorted(set(sha256s))
    found: dict[str, bytes] = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(select(AttachmentBlobRow.sha256, AttachmentBlobRow.data).where(
            AttachmentBlobRow.sha256.in_(wanted[start:start + 500])))
        found.update({sha256: data for sha256, data in rows})
    return found
