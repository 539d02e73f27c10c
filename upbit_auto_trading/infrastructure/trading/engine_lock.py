"""One trading engine per profile: an exclusive lock file held by the process that runs it.

``fcntl.flock`` is released by the kernel when the process dies (even by SIGKILL), so a crashed engine never
leaves a stale lock; the pid written inside only names the holder for the message.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from upbit_auto_trading.infrastructure.errors import InfrastructureError

try:  # pragma: no cover - Windows has no fcntl
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]


ENGINE_LOCK_NAME = "trading-engine.lock"  # beside the profile's strategies database (its order journal)


class EngineLockedError(InfrastructureError):
    """Another process runs the trading engine of this profile: use it (``trade status``/``trade stop``)."""


class EngineLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                holder = self.holder()
                raise EngineLockedError(
                    f"Another process{f' (pid {holder})' if holder else ''} runs the trading engine of this "
                    "profile; stop it first (`trade stop`) or use `trade status` to follow it."
                ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None

    def held_elsewhere(self) -> bool:
        """True when another live process holds the lock (this process does not)."""
        if self._fd is not None or fcntl is None or not self.path.exists():
            return False
        fd = os.open(self.path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        else:
            fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        finally:
            os.close(fd)

    def holder(self) -> int | None:
        try:
            text = self.path.read_text().strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def __enter__(self) -> EngineLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
