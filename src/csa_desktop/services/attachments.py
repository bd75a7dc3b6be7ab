"""Attach images to the copy: `add_attachment` checks the bytes (type from the bytes, decoded
with a pixel limit), keeps them once per SHA-256 and gives the Markdown that shows them in a
long text. Printing reads them back with `attachment_images`."""

from __future__ import annotations

import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from csa_desktop.domain.attachments import (
    MAX_BYTES,
    attachment_uid,
    check_image,
    markdown_reference,
    too_large,
)
from csa_desktop.domain.kinds import check_value
from csa_desktop.domain.kinds import kind as kind_spec
from csa_desktop.domain.records import Changes
from csa_desktop.errors import InputError
from csa_desktop.services.copy import Copy
from csa_desktop.storage import attachments as store
from csa_desktop.storage import records as record_store


@dataclass(frozen=True)
class Attached:
    """What adding an image did: its uid, the Markdown to paste into a long text, and whether
    it is new to the copy (False: the same image was attached before, and is used again)."""

    uid: str
    markdown: str
    created: bool
    changes: Changes


@dataclass(frozen=True)
class AttachmentImage:
    """An attachment as printing needs it."""

    uid: str
    name: str
    media_type: str
    alt_text: str
    data: bytes
    restricted: bool = False  # left out of the agreement's public edition


def read_image_file(path: Path) -> bytes:
    """The bytes of an image file, refusing one over the attachment limit before reading."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{path}: is not a file")
        if info.st_size > MAX_BYTES:
            raise InputError(too_large(path.name, info.st_size))
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path.name}: cannot be read ({exc.strerror})") from None


def add_attachment(copy: Copy, path_or_bytes: Path | bytes, name: str | None,
                   alt_text: str, *, restricted: bool = False) -> Attached:
    """Attach a PNG or JPEG (at most 5 MB) with its alternative text; `name` defaults to the
    file's name; `restricted` keeps it out of the agreement's public edition. The same image
    attached again is the same attachment: its uid derives from the bytes' SHA-256, and
    nothing changes but restricting it when asked (a deleted one comes back). Bad input is
    named and nothing is written."""
    if isinstance(path_or_bytes, Path):
        data = read_image_file(path_or_bytes)
        name = name or path_or_bytes.name
    else:
        data = path_or_bytes
    if not name or not name.strip():
        raise InputError("an attachment needs a file name")
    spec = kind_spec("attachment")
    name = str(check_value(spec.field("name"), name.strip()))
    alt = str(check_value(spec.field("alt_text"), " ".join(alt_text.split()) or None))
    facts = check_image(data, name)
    uid = attachment_uid(facts.sha256)
    with copy.store.reader() as session:
        earlier = record_store.get(session, "attachment", uid)
    if earlier is not None and not earlier.deleted:
        changes = Changes()
        if restricted and earlier.fields.get("restricted") is not True:
            changes = copy.records.update(uid, {"restricted": True})
        return Attached(uid, markdown_reference(uid, str(earlier.fields["alt_text"])), False,
                        changes)
    changes = copy.records.create("attachment", {
        "name": name, "media_type": facts.media_type, "sha256": facts.sha256,
        "size": facts.size, "alt_text": alt, "restricted": restricted}, uid=uid, data=data)
    return Attached(uid, markdown_reference(uid, alt), True, changes)


def attachment_images(copy: Copy, uids: Iterable[str] | None = None
                      ) -> dict[str, AttachmentImage]:
    """The live attachments (all, or those of `uids`) whose bytes the copy holds, by uid."""
    with copy.store.reader() as session:
        rows = record_store.list_rows(session, "attachment")
        wanted = None if uids is None else set(uids)
        chosen = [r for r in rows if wanted is None or r.uid in wanted]
        data = store.blobs(session, (str(r.fields["sha256"]) for r in chosen))
    return {r.uid: AttachmentImage(r.uid, str(r.fields["name"]), str(r.fields["media_type"]),
                                   str(r.fields["alt_text"]), data[str(r.fields["sha256"])],
                                   r.fields.get("restricted") is True)
            for r in chosen if str(r.fields["sha256"]) in data}
