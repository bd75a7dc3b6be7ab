"""Ed25519 identities: the copy's private signing key (a file readable by the user only),
public keys as text, fingerprints people can compare, signing and verifying."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from csa_desktop.errors import InputError, StoreError

KEY_FILE = "signing-key.pem"
PUBLIC_KEY_BYTES = 32
SIGNATURE_BYTES = 64


class SigningKey:
    """This copy's private key; it never leaves the data folder."""

    def __init__(self, private: Ed25519PrivateKey) -> None:
        self._private = private

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @property
    def public_key(self) -> str:
        raw = self._private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)

    def pem(self) -> bytes:
        return self._private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())


def key_path(data_dir: Path) -> Path:
    return data_dir / KEY_FILE


def create_key(data_dir: Path) -> SigningKey:
    """Make and store a new key; refuses to replace an existing one."""
    key = SigningKey.generate()
    path = key_path(data_dir)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise StoreError(f"{path} already exists; it is this copy's identity") from None
    except OSError as exc:
        raise StoreError(f"cannot create the signing key {path}: {exc.strerror}") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.pem())
        handle.flush()
        os.fsync(handle.fileno())
    return key


def load_key(data_dir: Path) -> SigningKey | None:
    path = key_path(data_dir)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read the signing key {path}: {exc.strerror}") from None
    try:
        private = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise StoreError(f"{path} is not a CSA Desktop signing key (damaged?)") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise StoreError(f"{path} is not an Ed25519 key")
    return SigningKey(private)


def ensure_key(data_dir: Path) -> SigningKey:
    """The copy's key, made on first need for copies created before keys existed."""
    key = load_key(data_dir)
    if key is not None:
        return key
    try:
        return create_key(data_dir)
    except StoreError:
        found = load_key(data_dir)  # made meanwhile by another process
        if found is None:
            raise
        return found


def decode_public_key(text: str) -> bytes:
    """The 32 raw bytes of a public key given as base64 text, or InputError."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != PUBLIC_KEY_BYTES:
        raise InputError("that is not a CSA Desktop public key (44 characters of base64)")
    return raw


def normalise_public_key(text: str) -> str:
    return base64.b64encode(decode_public_key(text)).decode("ascii")


def fingerprint(public_key: str) -> str:
    """A short form people can read out over the phone: 5 groups of 4 hex digits."""
    digest = hashlib.sha256(decode_public_key(public_key)).hexdigest()[:20]
    return " ".join(digest[i:i + 4] for i in range(0, 20, 4))


def verify(public_key: str, data: bytes, signature: bytes) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(decode_public_key(public_key))
        key.verify(signature, data)
    except (InputError, InvalidSignature, ValueError):
        return False
    return True
