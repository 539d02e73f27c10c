"""The cross-process write protocol: no acknowledged write lands in a file that is then replaced or abandoned.

Every database file has a lock file beside it (``<file>.writers.lock``). Every process that writes to a
profile's databases (the desktop, every CLI command, ``trade run``) follows the same three rules:

1. **Writers share.** Each write transaction holds a *shared* lock on the file's lock file from before
   ``BEGIN IMMEDIATE`` until after ``COMMIT`` (:func:`shared`). Many writers run at once; SQLite itself
   still serialises their transactions.
2. **Replacers exclude.** A restore, a profile switch, a move or copy and a profile deletion hold the
   *exclusive* lock on every file they touch (:func:`exclusive`) from before the pre-restore backup (or
   the copy) until the replacement files are open and migrated. It waits for running writes to commit;
   new writes wait for it.
3. **Writers check what they hold.** Once a writer has its shared lock it compares the file at the path
   with the file its connection has open (device and inode: the file's generation). A restore renames a
   new file over the path, so a connection to the replaced file is closed and reopened: the write lands
   in the restored database. A move or copy marks the old file *retired* in the lock file (with the
   file's identity and where it went) before it lets writers in; a writer that finds its file retired or
   gone refuses with a clear message and saves nothing.

So a write either commits before the exclusive section starts (and is in the pre-restore backup, or in
the copy), or waits and lands in the restored file, or fails with a message. Never "saved" and lost.

Within one process the locks are per thread: the thread that holds the exclusive lock may write (the
restore migrates the files it put back); other threads wait like other processes. On Windows, which
has no shared file locks, writers take the lock exclusively: still correct, only serialised.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from upbit_auto_trading.infrastructure.errors import DatabaseError
from upbit_auto_trading.infrastructure.files.file_lock import HAS_SHARED, try_lock, unlock

LOCK_SUFFIX = ".writers.lock"
WRITER_WAIT_SECONDS = 60.0
EXCLUSIVE_WAIT_SECONDS = 30.0
_POLL = (0.002, 0.05)  # first and longest sleep between tries

_held = threading.local()  # lock paths this thread holds exclusively -> depth


class DatabaseBusyError(DatabaseError):
    """Another operation kept the database exclusively for too long; nothing was written."""


class DatabaseRetiredError(DatabaseError):
    """The file was moved, copied away or deleted by another operation; nothing was written to it."""


FileIdentity = tuple[int, int]


@dataclass(frozen=True)
class LockState:
    """What the lock file says: who holds it exclusively, and whether a file was retired."""

    holder: str = ""
    retired: FileIdentity | None = None
    moved_to: str = ""

    def retires(self, identity: FileIdentity | None) -> bool:
        return self.retired is not None and identity == self.retired


def lock_path(database: Path) -> Path:
    return Path(_lock_key(database))


def _lock_key(database: Path | str) -> str:
    # plain string work: this runs on every write transaction, and pathlib costs tens of microseconds
    return os.fspath(database) + LOCK_SUFFIX


def file_identity(path: Path) -> FileIdentity | None:
    """(device, inode) of the file at ``path`` now, or None when there is none."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


def _read_state(fd: int) -> LockState:
    data = os.pread(fd, 4096, 0) if hasattr(os, "pread") else b""
    if not data.strip():
        return LockState()
    try:
        document = json.loads(data.decode("utf-8"))
        retired = document.get("retired")
        identity = (int(retired[0]), int(retired[1])) if isinstance(retired, list) and len(retired) == 2 else None
        return LockState(str(document.get("holder") or ""), identity, str(document.get("moved_to") or ""))
    except (ValueError, TypeError, AttributeError):
        return LockState()  # a torn write by a killed holder: nobody holds it, nothing is retired


def _write_state(fd: int, state: LockState) -> None:
    document: dict = {}
    if state.holder:
        document["holder"] = state.holder
    if state.retired is not None:
        document["retired"] = list(state.retired)
        document["moved_to"] = state.moved_to
    data = json.dumps(document).encode("utf-8") if document else b""
    os.ftruncate(fd, 0)
    if data:
        os.pwrite(fd, data, 0) if hasattr(os, "pwrite") else os.write(fd, data)


def _open(path: Path | str) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)


def _acquire(fd: int, exclusive: bool, wait: float) -> bool:
    deadline = time.monotonic() + wait
    pause = _POLL[0]
    while not try_lock(fd, exclusive):
        if time.monotonic() >= deadline:
            return False
        time.sleep(pause)
        pause = min(pause * 2, _POLL[1])
    return True


def is_stranger(pid: int, database: Path) -> bool:
    """Whether process ``pid`` has this database open WITHOUT following the write protocol (a database
    browser, another program). Ours keep the file's lock file open while they have it open (see
    :func:`open_membership`). Looked at twice, a moment apart, so a process of ours that is just
    opening or closing is not taken for a stranger. Linux only (``/proc``); elsewhere every holder is a
    stranger, which keeps the safety check's refusal."""
    if not Path(f"/proc/{pid}/fd").is_dir():
        return True
    if not _looks_strange(pid, database):
        return False
    time.sleep(0.05)
    return _looks_strange(pid, database)


def _looks_strange(pid: int, database: Path) -> bool:
    lock = str(lock_path(database).resolve())
    shm = str(Path(database).resolve()) + "-shm"
    links = set()
    try:
        for entry in Path(f"/proc/{pid}/fd").iterdir():
            try:
                links.add(os.readlink(entry))
            except OSError:
                continue
    except OSError:  # the process has ended
        return False
    return shm in links and lock not in links


def open_membership(database: Path) -> int | None:
    """An fd on the lock file, held while a process has the database open (see :func:`follows_protocol`)."""
    try:
        return _open(lock_path(database))
    except OSError:
        return None


@contextmanager
def membership(database: Path) -> Iterator[None]:
    """Hold the membership fd around a short-lived connection of our own (see :func:`follows_protocol`)."""
    fd = open_membership(database)
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)


def tombstone(database: Path) -> LockState | None:
    """The retirement recorded for a path whose file is gone (moved away or deleted), or None."""
    path = lock_path(database)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        state = _read_state(fd)
    finally:
        os.close(fd)
    return state if state.retired is not None else None


def discard(database: Path) -> None:
    """Remove a lock file that records nothing (a retirement stays: it stops a late writer from
    creating an empty database where the moved one was)."""
    if tombstone(database) is None:
        lock_path(database).unlink(missing_ok=True)


def adopt(database: Path) -> None:
    """Clear a retirement of ``database``: a profile points to this path again (called under the
    operation lock, by the operation that makes the profile use it)."""
    path = lock_path(database)
    if not path.exists():
        return
    fd = _open(path)
    try:
        state = _read_state(fd)
        if state.retired is not None and (state.retires(file_identity(database)) or not Path(database).exists()):
            _write_state(fd, LockState(state.holder))
    finally:
        os.close(fd)


def holds_exclusively(database: Path) -> bool:
    depths: dict[str, int] = getattr(_held, "depths", {})
    return depths.get(_lock_key(database), 0) > 0


@contextmanager
def shared(database: Path, name: str, wait: float = WRITER_WAIT_SECONDS) -> Iterator[LockState]:
    """Held around one write transaction; yields the lock file's state (to check for retirement)."""
    if holds_exclusively(database):
        yield LockState()
        return
    path = _lock_key(database)
    try:
        fd = _open(path)
    except FileNotFoundError as exc:  # the folder itself is gone
        raise DatabaseRetiredError(
            f"The {name} database at {database} is gone (moved or deleted by another operation); nothing was saved"
        ) from exc
    except OSError as exc:
        raise DatabaseError(f"Cannot open the lock file {path} of the {name} database: {exc}") from exc
    try:
        if not _acquire(fd, exclusive=not HAS_SHARED, wait=wait):
            holder = _read_state(fd).holder or "another operation"
            raise DatabaseBusyError(
                f"The {name} database is in use by {holder} for longer than {wait:.0f} s; nothing was saved. "
                "Retry when it has finished."
            )
        try:
            yield _read_state(fd)
        finally:
            unlock(fd)
    finally:
        os.close(fd)


@contextmanager
def exclusive(
    databases: Iterable[Path], operation: str, wait: float = EXCLUSIVE_WAIT_SECONDS
) -> Iterator[ExclusiveAccess]:
    """Every file's lock, exclusively (in path order, so two operations never deadlock)."""
    depths: dict[str, int] = getattr(_held, "depths", None) or {}
    _held.depths = depths
    holder = f"{operation} (pid {os.getpid()})"
    access = ExclusiveAccess()
    with ExitStack() as stack:
        for database in sorted({Path(d) for d in databases}, key=str):
            key = _lock_key(database)
            if depths.get(key, 0):
                depths[key] += 1
                stack.callback(_decrement, depths, key)
                continue
            database.parent.mkdir(parents=True, exist_ok=True)
            fd = _open(lock_path(database))
            stack.callback(os.close, fd)
            if not _acquire(fd, exclusive=True, wait=wait):
                raise DatabaseBusyError(
                    f"Cannot {operation}: a write to {database.name} did not finish within {wait:.0f} s "
                    f"({_read_state(fd).holder or 'another process is writing'}). Nothing was changed; retry."
                )
            stack.callback(unlock, fd)
            before = _read_state(fd)
            _write_state(fd, LockState(holder, before.retired, before.moved_to))
            access.fds[database] = fd
            stack.callback(_clear_holder, access, database, fd)
            depths[key] = 1
            stack.callback(_decrement, depths, key)
        yield access


def _decrement(depths: dict[str, int], key: str) -> None:
    depths[key] -= 1
    if depths[key] <= 0:
        del depths[key]


def _clear_holder(access: ExclusiveAccess, database: Path, fd: int) -> None:
    state = access.retired.get(database) or _read_state(fd)
    try:
        _write_state(fd, LockState("", state.retired, state.moved_to))
    except OSError:  # the folder was removed with the old files: nobody can write there anyway
        pass


class ExclusiveAccess:
    """The files held; :meth:`retire` marks one abandoned (moved, copied away, deleted)."""

    def __init__(self) -> None:
        self.fds: dict[Path, int] = {}
        self.retired: dict[Path, LockState] = {}

    def retire(self, database: Path, moved_to: str) -> None:
        database = Path(database)
        identity = file_identity(database)
        fd = self.fds.get(database)
        if identity is None or fd is None:
            return
        state = LockState("", identity, moved_to)
        self.retired[database] = state
        _write_state(fd, LockState(_read_state(fd).holder, identity, moved_to))
        os.fsync(fd)


class SqliteWriterExclusion:
    """The WriterExclusion port of the database-configuration use cases."""

    def __init__(self, wait: float = EXCLUSIVE_WAIT_SECONDS) -> None:
        self._wait = wait

    def exclusive(self, paths: Mapping[str, Path], operation: str) -> AbstractContextManager[ExclusiveAccess]:
        return exclusive(paths.values(), operation, self._wait)

