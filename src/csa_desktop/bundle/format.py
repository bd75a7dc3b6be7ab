"""The .csabundle format: member names, versions, limits, and the values a bundle carries.

docs/bundle-format.md is the specification; bundle.schema.json (shipped beside this module)
is its machine-readable part.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from csa_desktop.domain.kinds import Value
from csa_desktop.domain.themes import theme_uids_for_flag

FORMAT_NAME = "csa-bundle"
FORMAT_VERSION = 3
SUPPORTED_VERSIONS: tuple[int, ...] = (1, 2, 3)
"""Versions this app reads; an older one is brought up to date on import (ADDED_FIELDS), a
newer one refused."""

ADDED_FIELDS: dict[int, dict[str, dict[str, Value]]] = {
    2: {"action": {"indicator_uids": []}, "local-priority": {"indicator_uids": []}},
    3: {"agreement": {"rolling": False, "update_due_days": None},
        "key-issue": {"theme_uids": []},
        "local-priority": {"theme_uids": []}, "action": {"theme_uids": []},
        "section": {"restricted": False}, "evidence-item": {"restricted": False},
        "attachment": {"restricted": False}},
}
"""The fields each format version added to a kind, with the value a record of an older bundle
stands for (version 2: the indicator kinds, and the indicators an action or priority links
to — none, in a bundle made before there were any; version 3: the attachment kind and its
members, `attachments/<sha256>`; the kinds `approval-step` and `plan-approval` (a bundle
without steps stands for the two-tier chain every copy followed), an agreement's status and
a decision's stage as text (a step of the county's chain), and an agreement's `rolling` —
no, in a bundle made before agreements could be); the theme kind and the themes a key
issue, priority or action is tagged with — none, unless REPLACED_FIELDS says otherwise;
and the `restricted` flag of sections, evidence items and attachments: no, as nothing was
restricted before)."""

REPLACED_FIELDS: dict[int, dict[str, dict[str, tuple[str, Callable[[object], object]]]]] = {
    3: {"area": {"in_lancashire_12": ("in_footprint", lambda value: value)},
        "key-issue": {"serious_violence_duty": ("theme_uids", theme_uids_for_flag)}},
}
"""The fields a format version took out, each with the field that replaced it and how an old
value becomes the new one (version 3: an area's `in_lancashire_12` is named `in_footprint`;
a key issue's Serious Violence Duty flag is its tag with that theme, domain.themes). A bundle
whose key issue carries the flag brings the theme with it when it is a baseline."""

EXTENSION = ".csabundle"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
CHANGES = "changes.json"
RECORDS = "records.json"

CONTRIBUTION = "contribution"
BASELINE = "baseline"
PAYLOAD_MEMBER = {CONTRIBUTION: CHANGES, BASELINE: RECORDS}
KNOWN_MEMBERS = frozenset({MANIFEST, SIGNATURE, CHANGES, RECORDS})
ATTACHMENT_MEMBER = re.compile(r"^attachments/([0-9a-f]{64})$")
"""Beside KNOWN_MEMBERS, a bundle holds one member per attachment it carries, named by the
SHA-256 of its bytes (domain.attachments.member_name)."""

DELETED = "deleted"
"""The tombstone travels as a field of its own in a change, beside the kind's fields."""


@dataclass(frozen=True)
class Limits:
    """What the import gate accepts; generous for real data, far below what hurts a laptop."""

    bundle_bytes: int = 64 * 1024 * 1024
    manifest_bytes: int = 64 * 1024
    signature_bytes: int = 64
    payload_bytes: int = 160 * 1024 * 1024
    members: int = 8  # entries, beside attachments, looked at before any is refused by name
    attachments: int = 500  # attachment members
    attachment_bytes: int = 5 * 1024 * 1024  # domain.attachments.MAX_BYTES
    compression_ratio: int = 200  # uncompressed / compressed, for members over ratio_floor
    ratio_floor: int = 256 * 1024
    json_depth: int = 16


LIMITS = Limits()


@dataclass(frozen=True)
class MemberEntry:
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    format_version: int
    bundle_id: str
    kind: str  # CONTRIBUTION or BASELINE
    replica_id: str
    author: str
    role: str
    scope: tuple[str, ...]  # partnership uids the signer covers (empty: everything)
    baseline_id: str | None  # a contribution: the baseline it is based on; a baseline: itself
    seq: int  # the sender's export counter: orders bundles without anyone's clock
    created_at: str  # for people only; never used to decide anything
    app_version: str
    signer_key: str  # base64 of the raw Ed25519 public key
    files: dict[str, MemberEntry] = field(default_factory=dict)

    @property
    def payload_member(self) -> str:
        return PAYLOAD_MEMBER[self.kind]

    def to_json(self) -> dict[str, object]:
        return {
            "format": FORMAT_NAME,
            "format_version": self.format_version,
            "bundle_id": self.bundle_id,
            "kind": self.kind,
            "replica_id": self.replica_id,
            "author": self.author,
            "role": self.role,
            "scope": list(self.scope),
            "baseline_id": self.baseline_id,
            "seq": self.seq,
            "created_at": self.created_at,
            "app_version": self.app_version,
            "signer_key": self.signer_key,
            "files": {name: {"size": e.size, "sha256": e.sha256}
                      for name, e in sorted(self.files.items())},
        }


@dataclass(frozen=True)
class FieldChange:
    base: Value
    new: Value


@dataclass(frozen=True)
class RecordChange:
    """One record a contribution changes: base and new values of each changed field."""

    kind: str
    uid: str
    op: str  # "create", "update" or "delete"
    base_rev: int | None  # None for a record created since the baseline
    fields: dict[str, FieldChange]  # may hold DELETED

    @property
    def created(self) -> bool:
        return self.op == "create"


@dataclass(frozen=True)
class RecordState:
    """One whole record as a baseline carries it."""

    kind: str
    uid: str
    rev: int
    updated_at: dt.datetime
    updated_by: str
    deleted: bool
    fields: dict[str, Value]


@dataclass(frozen=True)
class Bundle:
    """A bundle that passed every check the file itself allows (container to version)."""

    name: str  # the file name, for messages
    manifest: Manifest
    sha256: str  # of the whole file
    changes: tuple[RecordChange, ...] = ()
    records: tuple[RecordState, ...] = ()
    attachments: dict[str, bytes] = field(default_factory=dict)  # sha256 -> the image's bytes

    @property
    def is_baseline(self) -> bool:
        return self.manifest.kind == BASELINE


def canonical_json(data: object) -> bytes:
    """The one byte form used for every member: sorted keys, no spaces, UTF-8, only what JSON
    requires escaped. orjson writes exactly the bytes of `json.dumps(data, ensure_ascii=False,
    sort_keys=True, separators=(",", ":"))` (tests/bundle/test_canonical_json.py), ~8x faster."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
