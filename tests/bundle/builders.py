"""Small builders for bundle tests: copies that exchange bundles, and hostile variations of a
valid bundle (each named after what it attacks)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csa_desktop.bundle import keys
from csa_desktop.bundle.format import canonical_json
from csa_desktop.cli import main

ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def csa(folder: Path, *args: str) -> int:
    return main(["--data-dir", str(folder), *args])


def database_state(folder: Path) -> tuple[str, str]:
    """The database file's SHA-256 and a canonical dump: equal means byte for byte unchanged."""
    database = folder / "csa.sqlite3"
    digest = hashlib.sha256(database.read_bytes()).hexdigest()
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        text = "\n".join(conn.iterdump())
    finally:
        conn.close()
    return digest, text


def copy_folder(source: Path, target: Path, *, with_key: bool = True) -> Path:
    """A file copy of a copy; without its key it makes a new one (another identity)."""
    target.mkdir(parents=True)
    for name in ("csa.sqlite3", keys.KEY_FILE) if with_key else ("csa.sqlite3",):
        if (source / name).exists():
            shutil.copy2(source / name, target / name)
    return target


def read_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zip_raw(members: list[tuple[str, bytes]], *,
            tweak: Callable[[zipfile.ZipInfo], None] | None = None,
            compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = compress
            info.external_attr = 0o644 << 16
            if tweak is not None:
                tweak(info)
            archive.writestr(info, data)
    return buffer.getvalue()


@dataclass
class BundleParts:
    """A bundle taken apart: edit any part, then `build()` signs and zips it again."""

    manifest: dict[str, Any]
    payload_name: str
    payload: Any  # parsed JSON (or bytes to send as they are)
    key: keys.SigningKey
    attachments: dict[str, bytes] = field(default_factory=dict)  # member name -> bytes

    @classmethod
    def of(cls, data: bytes, key: keys.SigningKey) -> BundleParts:
        members = read_members(data)
        payload_name = "changes.json" if "changes.json" in members else "records.json"
        return cls(json.loads(members["manifest.json"]), payload_name,
                   json.loads(members[payload_name]), key,
                   {n: d for n, d in members.items() if n.startswith("attachments/")})

    def payload_bytes(self) -> bytes:
        if isinstance(self.payload, bytes):
            return self.payload
        return canonical_json(self.payload)

    def manifest_bytes(self, *, fix_hashes: bool = True) -> bytes:
        payload = self.payload_bytes()
        if fix_hashes:
            self.manifest["files"] = {name: {
                "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                for name, data in [(self.payload_name, payload), *self.attachments.items()]}
        self.manifest["signer_key"] = self.key.public_key
        return canonical_json(self.manifest)

    def members(self, *, fix_hashes: bool = True) -> list[tuple[str, bytes]]:
        manifest = self.manifest_bytes(fix_hashes=fix_hashes)
        return [("manifest.json", manifest), (self.payload_name, self.payload_bytes()),
                ("manifest.sig", self.key.sign(manifest)), *self.attachments.items()]

    def build(self, *, fix_hashes: bool = True) -> bytes:
        return zip_raw(self.members(fix_hashes=fix_hashes))


def flip_byte_in_member(data: bytes, member: str) -> bytes:
    """Flip one byte inside the stored data of `member` (its CRC no longer matches)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    header = info.header_offset
    name_length = int.from_bytes(data[header + 26:header + 28], "little")
    extra_length = int.from_bytes(data[header + 28:header + 30], "little")
    start = header + 30 + name_length + extra_length
    position = start + info.compress_size // 2
    return data[:position] + bytes([data[position] ^ 0x55]) + data[position + 1:]


def symlink_tweak(name: str) -> Callable[[zipfile.ZipInfo], None]:
    def tweak(info: zipfile.ZipInfo) -> None:
        if info.filename == name:
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return tweak


def declare_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size `member` claims in the central directory."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(member)
    marker = b"PK\x01\x02"
    position = data.find(marker)
    while position != -1:
        name_length = int.from_bytes(data[position + 28:position + 30], "little")
        name = data[position + 46:position + 46 + name_length]
        if name == info.filename.encode():
            return data[:position + 24] + size.to_bytes(4, "little") + data[position + 28:]
        position = data.find(marker, position + 4)
    raise AssertionError(member)


def nested(depth: int) -> Any:
    value: Any = "deep"
    for _ in range(depth):
        value = [value]
    return value
