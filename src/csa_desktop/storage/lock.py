"""One writer per data folder: an OS-level lock on `csa.lock`, which the OS drops when its process
dies, so a crash never leaves the copy locked.

The lock file also says who holds it (pid, host, program, since when) so that a second program
can tell the user plainly. Locks are re-entrant inside one process: several Copy objects of the
same folder in one program share it (SQLite itself serialises their transactions).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import logging
import os
import socket
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from csa_desktop.errors import StoreError

log = logging.getLogger(__name__)

LOCK_NAME = "csa.lock"
DEFAULT_WAIT = 5.0
"""Seconds a command that writes waits for another program to finish before giving up."""

_WINDOWS_LOCK_OFFSET = 1 << 20  # Windows locks are mandatory: lock a byte past the owner text.
_POLL = 0.1


@dataclass(frozen=True)
class LockOwner:
    pid: int
    host: str
    program: str
    since: dt.datetime | None

    def details(self) -> str:
        since = f", open since {self.since:%d %b %Y %H:%M}" if self.since else ""
        where = "" if self.host == socket.gethostname() else f" on {self.host}"
        return f"process {self.pid}{where}{since}"

    def describe(self) -> str:
        return f"{self.program} ({self.details()})"


class CopyLockedError(StoreError):
    """Another program holds the folder's writer lock."""

    def __init__(self, folder: Path, owner: LockOwner | None, waited: float) -> None:
        who = owner.describe() if owner else "another CSA Desktop program"
        wait = f"; waited {waited:g} seconds" if waited else ""
        super().__init__(
            f"the copy in {folder} is open for changes in {who}{wait}. "
            "Close it there, then try again"
        )
        self.folder = folder
        self.owner = owner


@dataclass
class _Held:
    fd: int
    count: int


_held: dict[Path, _Held] = {}
_guard = threading.Lock()
_program: str | None = None


def set_program_name(name: str) -> None:
    """What the lock file calls this process ('CSA Desktop', 'the csa command')."""
    global _program
    _program = name


def _program_name() -> str:
    if _program:
        return _program
    command = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else ""
    return "the csa command" if command == "csa" else "CSA Desktop"


_LOCKED, _BUSY, _NO_OS_LOCKS = "locked", "busy", "no-os-locks"


def _try_os_lock(fd: int) -> str:
    """Take the OS lock without waiting: _LOCKED, _BUSY (another process holds it) or
    _NO_OS_LOCKS (the drive has none; only the owner text can tell)."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return _BUSY
        return _LOCKED
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return _BUSY
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            return _BUSY
        if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS):
            log.warning("no file locks on this drive (%s); using the lock file's pid", exc)
            return _NO_OS_LOCKS
        raise
    return _LOCKED


def _release_os_lock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return True  # cannot tell cheaply; the OS lock decides on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read_owner(folder: Path) -> LockOwner | None:
    """Who the lock file names (the last holder, whether or not it still runs)."""
    try:
        text = (folder / LOCK_NAME).read_text("utf-8").strip()
        data = json.loads(text) if text else None
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    try:
        since = dt.datetime.fromisoformat(str(data["since"])) if data.get("since") else None
        return LockOwner(int(data["pid"]), str(data.get("host", "")),
                         str(data.get("program", "CSA Desktop")), since)
    except (KeyError, TypeError, ValueError):
        return None


class FolderLock:
    """The writer lock of one data folder. `acquire` may be called again by the same process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = (folder / LOCK_NAME).absolute()
        self.held = False
        self.reclaimed_from: LockOwner | None = None

    def acquire(self, wait: float = 0.0) -> None:
        """Take the lock, waiting up to `wait` seconds; raises CopyLockedError, or StoreError
        when the folder cannot hold a lock file (e.g. it is read-only)."""
        if self.held:
            return
        with _guard:
            shared = _held.get(self.path)
            if shared is not None:
                shared.count += 1
                self.held = True
                return
        deadline = time.monotonic() + wait
        fd = self._open()
        try:
            while not self._lock_and_claim(fd):
                if time.monotonic() >= deadline:
                    raise CopyLockedError(self.folder, read_owner(self.folder), wait)
                time.sleep(_POLL)
        except BaseException:
            os.close(fd)
            raise
        with _guard:
            _held[self.path] = _Held(fd, 1)
        self.held = True

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        with _guard:
            shared = _held.get(self.path)
            if shared is None:
                return
            shared.count -= 1
            if shared.count > 0:
                return
            del _held[self.path]
        with contextlib.suppress(OSError):
            os.ftruncate(shared.fd, 0)
        _release_os_lock(shared.fd)
        os.close(shared.fd)

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(
                f"CSA Desktop may not write in {self.folder} ({exc.strerror or exc}), so the "
                "copy can only be read there"
            ) from None

    def _lock_and_claim(self, fd: int) -> bool:
        state = _try_os_lock(fd)
        if state == _BUSY:
            return False
        previous = read_owner(self.folder)
        if previous is not None:
            if state == _NO_OS_LOCKS and previous.pid != os.getpid() and (
                previous.host != socket.gethostname() or _pid_alive(previous.pid)
            ):
                return False
            # The OS dropped the holder's lock, so it has ended (crashed, killed, powered off).
            log.info("reclaimed the stale lock of %s left by %s", self.folder,
                     previous.describe())
            self.reclaimed_from = previous
        owner = {
            "pid": os.getpid(), "host": socket.gethostname(), "program": _program_name(),
            "since": dt.datetime.now().replace(microsecond=0).isoformat(),
        }
        data = json.dumps(owner).encode()
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)
        return True

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()

