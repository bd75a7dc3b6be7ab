"""User-chosen files: written safely (the file is either the old one or the whole new one), and
read only when their size is within what the reader accepts."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from csa_desktop.errors import InputError, StoreError


def check_size(path: Path, limit: int, what: str) -> int:
    """The size of the file at `path`, refused (InputError naming the file) when it cannot be
    read or is over `limit` bytes; `what` says what it was to be ("a Word file")."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    if size > limit:
        raise InputError(f"{path.name} is too large for {what} ({size / 1_048_576:.0f} MB; at "
                         f"most {limit // 1_048_576} MB)")
    return size


def write_atomically(data: bytes, path: Path) -> Path:
    """Write `data` to a temporary file in the same folder, fsync it, then rename it over `path`.

    The new file gets the permissions any new file would (umask), not mkstemp's 0600.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: the folder {folder} does not exist")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            os.chmod(temp, 0o666 & ~_umask())
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {exc.strerror or exc}") from None
    _sync_folder(folder)
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it."""
    if hasattr(os, "O_DIRECTORY"):
        with contextlib.suppress(OSError):
            dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
