"""Read and verify a bundle entirely in memory, refusing anything unexpected before looking
inside it. Nothing is ever extracted to disk.

The checks run in the order of docs/bundle-format.md: size; a readable ZIP; only the expected
members; per-member size and compression-ratio limits while reading; each member's SHA-256
against the manifest; the signature (`open_bundle`); then, after the caller has checked that the
signer is trusted, JSON within depth and size limits, the schema and the format version
(`parse_bundle`). Every refusal is a BundleError whose message names the file and the problem.
"""

from __future__ import annotations

import collections
import gc
import hashlib
import io
import json
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from csa_desktop.bundle import keys
from csa_desktop.bundle.format import (
    ATTACHMENT_MEMBER,
    BASELINE,
    CHANGES,
    FORMAT_VERSION,
    KNOWN_MEMBERS,
    LIMITS,
    MANIFEST,
    PAYLOAD_MEMBER,
    RECORDS,
    SIGNATURE,
    SUPPORTED_VERSIONS,
    Bundle,
    Limits,
    canonical_json,
)
from csa_desktop.bundle.quick import MISS, QUICK_DEPTH, read_items
from csa_desktop.bundle.typed import changes_from_json, manifest_from_json, records_from_json
from csa_desktop.bundle.validation import short, upgrade, validate
from csa_desktop.domain.attachments import attachment_uid, check_image
from csa_desktop.domain.kinds import (
    Value,
)
from csa_desktop.errors import BundleError, InputError


@dataclass(frozen=True)
class OpenedBundle:
    """A bundle whose container, hashes and signature are sound; its JSON is not yet trusted."""

    name: str
    sha256: str
    manifest_data: dict[str, Any]
    payload_name: str
    payload: bytes
    signer_key: str
    attachments: dict[str, bytes] = field(default_factory=dict)  # sha256 -> bytes
    limits: Limits = LIMITS  # those it was opened within

    @property
    def declared_kind(self) -> str:
        """The kind the signed manifest claims (schema-checked later)."""
        kind = self.manifest_data.get("kind")
        return kind if isinstance(kind, str) else ""


def read_file(path: Path, limits: Limits = LIMITS) -> bytes:
    """The bytes of a bundle file, refusing an oversized one before reading it."""
    name = path.name
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise BundleError("not-a-file", f"{name}: is not a file")
        if info.st_size > limits.bundle_bytes:
            raise _too_large(name, info.st_size, limits)
        with path.open("rb") as handle:
            data = handle.read(limits.bundle_bytes + 1)
    except FileNotFoundError:
        raise BundleError("not-found", f"{path}: no such file") from None
    except OSError as exc:
        raise BundleError("unreadable", f"{name}: cannot be read ({exc.strerror})") from None
    return data


def size_text(size: int) -> str:
    """A size in the units docs/bundle-format.md uses (1 KB = 1,024 bytes, 1 MB = 1,024 KB):
    "64 MB", "64.1 MB", "64 KB", "64 bytes"."""
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            value = size / scale
            return f"{value:,.0f} {unit}" if value == int(value) else f"{value:,.1f} {unit}"
    return f"{size:,} byte{'s' if size != 1 else ''}"


def _too_large(name: str, size: int, limits: Limits) -> BundleError:
    return BundleError("too-large", f"{name}: is {size_text(size)}, larger than a bundle may "
                                    f"be ({size_text(limits.bundle_bytes)})")


def open_bundle(data: bytes, name: str, limits: Limits = LIMITS) -> OpenedBundle:
    """Container, members, limits, hashes and signature: everything short of trust. The same
    bytes opened and parsed with keep=True a moment ago are taken as they were opened."""
    if len(data) > limits.bundle_bytes:
        raise _too_large(name, len(data), limits)
    sha256 = hashlib.sha256(data).hexdigest()
    kept = _KEPT_OPEN.pop((sha256, name), None)
    if kept is not None and kept[1] == limits:
        return kept[0]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError):
        raise BundleError("not-a-zip", f"{name}: is not a CSA bundle (not a readable ZIP "
                                       "file; truncated or another kind of file?)") from None
    with archive:
        chosen = _check_members(infos, name, limits)
        contents = {info.filename: _read_member(archive, info, name, limits)
                    for info in chosen}
    manifest_data = parse_json(contents[MANIFEST], MANIFEST, name, limits)
    if not isinstance(manifest_data, dict):
        raise BundleError("manifest", f"{name}: {MANIFEST} is not a JSON object")
    attachments = {found.group(1): data for member, data in contents.items()
                   if (found := ATTACHMENT_MEMBER.match(member))}
    payload_name = next(n for n in contents if n in (CHANGES, RECORDS))
    _check_hashes(manifest_data, payload_name, contents[payload_name], name)
    _check_attachment_hashes(manifest_data, attachments, name)
    signer = manifest_data.get("signer_key")
    signature = contents[SIGNATURE]
    if not isinstance(signer, str) or len(signature) != keys.SIGNATURE_BYTES or not keys.verify(
        signer, contents[MANIFEST], signature
    ):
        raise BundleError("bad-signature", f"{name}: the signature does not match the manifest "
                                           "(changed after signing, or not signed by the key "
                                           "it names)")
    return OpenedBundle(name, sha256, manifest_data, payload_name, contents[payload_name],
                        signer, attachments, limits)


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    raw = info.orig_filename
    mode = (info.external_attr >> 16) & 0o170000
    if mode == stat.S_IFLNK:
        return f"'{raw}' is a symbolic link"
    if info.is_dir() or mode == stat.S_IFDIR:
        return f"'{raw}' is a directory"
    if ATTACHMENT_MEMBER.match(raw) and raw == info.filename and not (
            info.flag_bits & 0x1) and info.compress_type in (zipfile.ZIP_STORED,
                                                             zipfile.ZIP_DEFLATED):
        return None
    parts = raw.replace("\\", "/").split("/")
    if raw.startswith(("/", "\\")) or (len(raw) > 1 and raw[1] == ":"):
        return f"'{raw}' is an absolute path"
    if ".." in parts:
        return f"'{raw}' points outside the bundle (..)"
    if raw != info.filename or "/" in raw or "\\" in raw or "\x00" in raw:
        return f"'{raw}' is not a plain member name"
    if raw not in KNOWN_MEMBERS:
        return f"'{raw}' is not a member of a CSA bundle"
    if info.flag_bits & 0x1:
        return f"'{raw}' is encrypted"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"'{raw}' uses an unsupported compression method"
    return None


def _check_members(infos: list[zipfile.ZipInfo], name: str,
                   limits: Limits) -> list[zipfile.ZipInfo]:
    attachments = sum(1 for info in infos if ATTACHMENT_MEMBER.match(info.filename))
    if attachments > limits.attachments:
        raise BundleError("members", f"{name}: has {attachments} attachments; a bundle carries "
                                     f"at most {limits.attachments}")
    if len(infos) - attachments > limits.members:
        raise BundleError("members", f"{name}: has {len(infos)} members; a bundle has 3 "
                                     "and one per attachment")
    for info in infos:
        problem = _member_problem(info)
        if problem:
            raise BundleError("members", f"{name}: {problem}")
    counts = collections.Counter(info.filename for info in infos)
    duplicates = sorted(n for n, c in counts.items() if c > 1)
    if duplicates:
        raise BundleError("members", f"{name}: member '{duplicates[0]}' appears twice")
    for required in (MANIFEST, SIGNATURE):
        if required not in counts:
            raise BundleError("members", f"{name}: has no {required}")
    payloads = [n for n in counts if n in (CHANGES, RECORDS)]
    if len(payloads) != 1:
        raise BundleError("members", f"{name}: must hold exactly one of {CHANGES} or {RECORDS}"
                                     f" (found {len(payloads)})")
    for info in infos:
        cap = _member_cap(info.filename, limits)
        if info.file_size > cap:
            raise BundleError("member-too-large",
                              f"{name}: member '{info.filename}' is {size_text(info.file_size)} "
                              f"(at most {size_text(cap)})")
        if info.file_size > limits.ratio_floor and (
            info.file_size > limits.compression_ratio * max(info.compress_size, 1)
        ):
            raise BundleError("zip-bomb", f"{name}: member '{info.filename}' expands "
                                          f"{info.file_size // max(info.compress_size, 1):,} "
                                          "times (a zip bomb?)")
    return infos


def _member_cap(member: str, limits: Limits) -> int:
    if member == MANIFEST:
        return limits.manifest_bytes
    if member == SIGNATURE:
        return limits.signature_bytes
    if ATTACHMENT_MEMBER.match(member):
        return limits.attachment_bytes
    return limits.payload_bytes


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                 limits: Limits) -> bytes:
    """Stream one member, stopping as soon as it outgrows what its header promised."""
    cap = min(info.file_size, _member_cap(info.filename, limits))
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(info) as handle:
            while chunk := handle.read(1 << 16):
                total += len(chunk)
                if total > cap:
                    raise BundleError("zip-bomb", f"{name}: member '{info.filename}' expands "
                                                  "beyond its declared size (a zip bomb?)")
                chunks.append(chunk)
    except BundleError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError,
            NotImplementedError) as exc:
        why = ("its content does not match its checksum" if "CRC" in str(exc) else
               "its compressed data is corrupt")
        raise BundleError("damaged", f"{name}: member '{info.filename}' is damaged ({why})") \
            from None
    if total != info.file_size:
        raise BundleError("damaged", f"{name}: member '{info.filename}' is shorter than its "
                                     "header says")
    return b"".join(chunks)


def _check_hashes(manifest: dict[str, Any], payload_name: str, payload: bytes,
                  name: str) -> None:
    files = manifest.get("files")
    listed = {n for n in files if not ATTACHMENT_MEMBER.match(n)} if isinstance(
        files, dict) else set()
    if not isinstance(files, dict) or listed != {payload_name}:
        raise BundleError("manifest", f"{name}: {MANIFEST} does not list exactly the bundle's "
                                      f"members (expected {payload_name})")
    entry = files[payload_name]
    if not isinstance(entry, dict) or entry.get("size") != len(payload) or (
        entry.get("sha256") != hashlib.sha256(payload).hexdigest()
    ):
        raise BundleError("hash-mismatch", f"{name}: {payload_name} does not match the size and "
                                           f"SHA-256 in {MANIFEST} (changed or damaged)")


def _check_attachment_hashes(manifest: dict[str, Any], attachments: dict[str, bytes],
                             name: str) -> None:
    """Each attachment member is listed in the manifest with its size and SHA-256, and its
    bytes have the SHA-256 that names it."""
    files = manifest["files"]
    listed = {n for n in files if ATTACHMENT_MEMBER.match(n)}
    held = {f"attachments/{sha256}" for sha256 in attachments}
    if listed != held:
        extra = sorted(listed ^ held)[0]
        raise BundleError("manifest", f"{name}: {MANIFEST} does not list exactly the bundle's "
                                      f"members ('{extra}' is in one but not the other)")
    for sha256, data in attachments.items():
        member = f"attachments/{sha256}"
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise BundleError("hash-mismatch", f"{name}: member '{member}' does not match its "
                                               f"hash (its bytes have the SHA-256 {actual}; "
                                               "changed or damaged)")
        entry = files[member]
        if not isinstance(entry, dict) or entry.get("size") != len(data) or (
                entry.get("sha256") != actual):
            raise BundleError("hash-mismatch", f"{name}: {member} does not match the size "
                                               f"and SHA-256 in {MANIFEST} (changed or "
                                               "damaged)")


# --- JSON, schema, version --------------------------------------------------------------

def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the key '{short(key)}' appears twice in one object")
            seen.add(key)
    return result


def _reject_constant(text: str) -> Any:
    raise ValueError(f"{text} is not allowed")


MAX_DIGITS = 4300  # Python's own limit for reading a whole number


def _parse_int(text: str) -> int:
    """A whole number, unless it is longer than any a bundle holds (Python refuses such a
    number with a hint for programmers; this says it in words)."""
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise ValueError(f"a number has {digits:,} digits (a bundle's numbers have at most "
                         f"{MAX_DIGITS:,})")
    return int(text)


def _parse_canonical(data: bytes) -> Any:
    """The parsed member if it is exactly in the canonical form this app writes (bytes that
    canonical_json gives back unchanged: so no repeated key was dropped, no constant or float
    read), else None; a few milliseconds for a large payload, where `json.loads` with the
    checks below takes ten times as long. Anything else goes the careful way."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return value if canonical_json(value) == data else None


def parse_json(data: bytes, member: str, name: str, limits: Limits = LIMITS) -> Any:
    value = _decode_json(data, member, name)
    _check_depth(value, member, name, limits)
    return value


def _decode_json(data: bytes, member: str, name: str) -> Any:
    value = _parse_canonical(data)
    if value is None:
        value = _parse_careful(data, member, name)
    return value


def _check_depth(value: Any, member: str, name: str, limits: Limits) -> None:
    if _depth(value) > limits.json_depth:
        raise BundleError("too-deep", f"{name}: {member} is nested more than "
                                      f"{limits.json_depth} levels deep")


def _parse_careful(data: bytes, member: str, name: str) -> Any:
    """Any JSON: refused, with the reason, if it is not UTF-8, repeats a key in an object or
    holds NaN or Infinity."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError("bad-json", f"{name}: {member} is not valid UTF-8 text (bad byte at "
                                      f"offset {exc.start})") from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys,
                           parse_constant=_reject_constant, parse_int=_parse_int)
    except RecursionError:
        raise BundleError("too-deep", f"{name}: {member} is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise BundleError("bad-json", f"{name}: {member} is not valid JSON ({exc.msg} at line "
                                      f"{exc.lineno}, column {exc.colno})") from None
    except ValueError as exc:
        raise BundleError("bad-json", f"{name}: {member} is not valid JSON "
                                      f"({short(str(exc))})") from None
    return value


def _depth(value: Any) -> int:
    """How deeply parsed JSON nests objects and arrays: level by level, each level's values
    sorted into objects and arrays by one comprehension (a walk value by value took five
    times longer on a large payload)."""
    level = 0
    items = [value]
    while True:
        objects = [v for v in items if type(v) is dict]
        arrays = [v for v in items if type(v) is list]
        if not objects and not arrays:
            return level
        level += 1
        items = [v for obj in objects for v in obj.values()]
        for array in arrays:
            items += array


_KEPT: dict[tuple[str, str], Bundle] = {}
"""At most one parsed bundle kept for its next use (keep=True): a baseline read to show who
published it, parsed again moments later when the officer joins from it — 250,000 records'
JSON, schema and typing done once. Keyed by the file's SHA-256 and name; taken on reuse."""
_KEPT_OPEN: dict[tuple[str, str], tuple[OpenedBundle, Limits]] = {}
"""The same bundle as open_bundle opened it (with the limits it was opened within), for the
next open_bundle of the same bytes: unzipping, hashing and verifying a baseline done once."""


def parse_bundle(opened: OpenedBundle, limits: Limits = LIMITS, *, keep: bool = False) -> Bundle:
    """JSON within limits, the schema (an older format first brought up to date), then the
    format version; returns typed content. `keep`: hold the result for the next parse of the
    same file (the same bytes: its SHA-256), which takes it instead of parsing again."""
    key = (opened.sha256, opened.name)
    kept = _KEPT.pop(key, None)
    if kept is not None and limits == LIMITS:
        return kept
    enabled = gc.isenabled()  # millions of new objects and no cycles: see collector_paused
    gc.disable()
    try:
        bundle = _parse_bundle(opened, limits)
    finally:
        if enabled:
            gc.enable()
    if keep:
        _KEPT.clear()
        _KEPT[key] = bundle
        _KEPT_OPEN.clear()
        _KEPT_OPEN[key] = (opened, opened.limits)
    return bundle


def _parse_bundle(opened: OpenedBundle, limits: Limits) -> Bundle:
    return _parse_members(opened.name, opened.sha256, opened.manifest_data,
                          opened.payload_name, opened.payload, opened.attachments, limits)


def check_members(data: bytes, name: str, manifest_bytes: bytes, payload_name: str,
                  payload: bytes, attachments: dict[str, bytes],
                  limits: Limits = LIMITS) -> Bundle:
    """What `parse_bundle(open_bundle(data, name))` checks, for a bundle this app has just
    built from these members (its manifest, payload and attachments by SHA-256): the
    container from the ZIP's directory (size, members, their sizes and compression ratios,
    nothing decompressed), then the members' JSON, schema, version and field rules as they
    are in memory. The hashes and the signature are not checked again: the writer computed
    them from these very bytes. Refusals are the gate's own, in the gate's order."""
    if len(data) > limits.bundle_bytes:
        raise _too_large(name, len(data), limits)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _check_members(archive.infolist(), name, limits)
    manifest_data = parse_json(manifest_bytes, MANIFEST, name, limits)
    if not isinstance(manifest_data, dict):
        raise BundleError("manifest", f"{name}: {MANIFEST} is not a JSON object")
    return _parse_members(name, hashlib.sha256(data).hexdigest(), manifest_data, payload_name,
                          payload, attachments, limits)


def _parse_members(name: str, sha256: str, manifest_data: dict[str, Any], payload_name: str,
                   payload_bytes: bytes, attachments: dict[str, bytes],
                   limits: Limits) -> Bundle:
    payload = _decode_json(payload_bytes, payload_name, name)
    definition = "records" if payload_name == RECORDS else "changes"
    read = read_items(definition, payload) if manifest_data.get(
        "format_version") == FORMAT_VERSION else None  # upgrade() leaves such a payload be
    if read is None or limits.json_depth < QUICK_DEPTH or any(r is MISS for r in read):
        _check_depth(payload, payload_name, name, limits)  # else the reads bound the depth
    validate(manifest_data, "manifest", MANIFEST, name)
    version = manifest_data["format_version"]
    kind = manifest_data["kind"]
    if payload_name != PAYLOAD_MEMBER[kind]:
        raise BundleError("schema", f"{name}: a {kind} carries {PAYLOAD_MEMBER[kind]}, "
                                    f"not {payload_name}")
    if version != FORMAT_VERSION:
        read = None
    if version in SUPPORTED_VERSIONS:
        upgrade(payload, version)
        validate(payload, definition, payload_name, name, read)
    if version > FORMAT_VERSION:
        raise BundleError("newer-version",
                          f"{name}: was made by a newer CSA Desktop (bundle format {version}; "
                          f"this one reads up to {FORMAT_VERSION}) — please update CSA Desktop")
    if version not in SUPPORTED_VERSIONS:
        raise BundleError("unknown-version",
                          f"{name}: has bundle format {version}, which no CSA Desktop writes")
    manifest = manifest_from_json(manifest_data)
    try:
        if kind == BASELINE:
            bundle = Bundle(name, manifest, sha256,
                            records=records_from_json(payload["records"], name, read),
                            attachments=attachments)
        else:
            bundle = Bundle(name, manifest, sha256,
                            changes=changes_from_json(payload["changes"], name, read),
                            attachments=attachments)
    except InputError as exc:
        raise BundleError("schema", f"{name}: {payload_name} {exc}") from None
    check_attachments(bundle)
    return bundle


def check_attachments(bundle: Bundle) -> None:
    """Every attachment the bundle brings (a baseline's live records, a contribution's new
    ones) comes with its member, whose bytes are the image its record describes: a PNG or
    JPEG by its bytes, within the size and pixel limits, decoding cleanly; its uid derives
    from the SHA-256. Every member belongs to such a record; no change alters an
    attachment's SHA-256, size or type."""
    name = bundle.name
    brought: list[tuple[str, dict[str, Value]]] = [
        (r.uid, r.fields) for r in bundle.records if r.kind == "attachment" and not r.deleted]
    for change in bundle.changes:
        if change.kind != "attachment":
            continue
        if change.created:
            brought.append((change.uid, {n: c.new for n, c in change.fields.items()}))
        fixed = sorted(set(change.fields) & {"sha256", "size", "media_type"})
        if fixed and not change.created:
            raise BundleError("attachment", f"{name}: attachment {change.uid} changes its "
                                            f"{', '.join(fixed)}, which never change")
    used: set[str] = set()
    for uid, fields in brought:
        sha256 = str(fields.get("sha256"))
        title = short(str(fields.get("name")), 60)
        if uid != attachment_uid(sha256):
            raise BundleError("attachment", f"{name}: attachment {uid} ({title}) should have "
                                            f"the uid {attachment_uid(sha256)}, which its "
                                            "SHA-256 derives")
        data = bundle.attachments.get(sha256)
        if data is None:
            raise BundleError("attachment", f"{name}: attachment {uid} ({title}) comes "
                                            f"without its image (no member "
                                            f"'attachments/{sha256}')")
        used.add(sha256)
        try:
            facts = check_image(data, f"attachment {uid} ({title})")
        except InputError as exc:
            raise BundleError("attachment", f"{name}: {exc}") from None
        if facts.media_type != fields.get("media_type") or facts.size != fields.get("size"):
            kind = "JPEG" if facts.media_type == "image/jpeg" else "PNG"
            raise BundleError("attachment", f"{name}: attachment {uid} ({title}) is, by its "
                                            f"bytes, a {kind} image of {facts.size:,} bytes, "
                                            f"but its record says {fields.get('media_type')} "
                                            f"of {fields.get('size')} bytes")
    for sha256 in sorted(set(bundle.attachments) - used):
        raise BundleError("attachment", f"{name}: member 'attachments/{sha256}' belongs to "
                                        "no attachment the bundle brings")
