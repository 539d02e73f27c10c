"""One database operation at a time, across threads and processes (an OS file lock).

A second operation waits up to ``wait_seconds`` and is then refused with OperationBusyError; two
operations are never interleaved. Re-entrant within one thread (a restore takes a backup inside).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from upbit_auto_trading.application.profiles.errors import OperationBusyError
from upbit_auto_trading.infrastructure.files.file_lock import try_lock as _try_lock
from upbit_auto_trading.infrastructure.files.file_lock import unlock as _unlock

LOCK_NAME = "database-operation.lock"


class FileOperationLock:
    def __init__(self, folder: Path, wait_seconds: float = 5.0) -> None:
        self.path = Path(folder) / LOCK_NAME
        self.wait_seconds = wait_seconds
        self._local = threading.local()

    def _holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return ""

    @contextmanager
    def hold(self, operation: str) -> Iterator[None]:
        depth = getattr(self._local, "depth", 0)
        if depth:
            self._local.depth = depth + 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + self.wait_seconds
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    holder = self._holder()
                    raise OperationBusyError(
                        f"Another database operation is under way ({holder or 'unknown'}); "
                        f"cannot {operation} now. Wait for it to finish and retry."
                    )
                time.sleep(0.05)
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{operation} (pid {os.getpid()})".encode(), 0) if hasattr(
                    os, "pwrite"
                ) else None
                self._local.depth = 1
                try:
                    yield
                finally:
                    self._local.depth = 0
            finally:
                _unlock(fd)
        finally:
            os.close(fd)

    def try_hold_now(self) -> _NonBlocking:
        return _NonBlocking(self)


class _NonBlocking:
    """``with lock.try_hold_now() as got:`` got is False when another process holds the lock."""

    def __init__(self, lock: FileOperationLock) -> None:
        self._lock = lock
        self._fd: int | None = None

    def __enter__(self) -> bool:
        self._lock.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self._lock.path, os.O_RDWR | os.O_CREAT, 0o644)
        if _try_lock(self._fd):
            return True
        os.close(self._fd)
        self._fd = None
        return False

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            _unlock(self._fd)
            os.close(self._fd)
