"""The dead-man watchdog's files, in ``<profile>/watchdog/`` (they move with the profile, like ``paper/``).

- ``<session>.beat``: the engine's heartbeat, rewritten in place about every second from its event loop:
  ``"<pid> <counter>"`` (any change is a beat), or ``"stop"`` once the engine let the session go cleanly.
  A fixed-width ``pwrite`` without fsync: a beat matters only while both processes live (a power cut ends
  both), and a file, unlike a socket, needs neither side to be up for the other to start.
- ``<session>.lock``: held by the session's watchdog process (``flock``, released by the kernel even on
  SIGKILL; its pid inside). One watchdog per session; the engine waits for it as the sign it is ready.
- ``<session>.log``: the watchdog's stderr (what went wrong before its logging was set up).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from upbit_auto_trading.infrastructure.trading.engine_lock import EngineLock, EngineLockedError

WATCHDOG_DIR = "watchdog"
STOP = "stop"
_WIDTH = 40


def watchdog_dir(profile_dir: Path) -> Path:
    return Path(profile_dir) / WATCHDOG_DIR


def beat_path(folder: Path, session_id: str) -> Path:
    return folder / f"{session_id}.beat"


def lock_path(folder: Path, session_id: str) -> Path:
    return folder / f"{session_id}.lock"


def log_path(folder: Path, session_id: str) -> Path:
    return folder / f"{session_id}.log"


def _record(text: str) -> bytes:
    return text.ljust(_WIDTH)[:_WIDTH].encode("ascii") + b"\n"


class HeartbeatWriter:
    """The engine's end: one open file per session, rewritten in place."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None
        self._count = 0

    def beat(self) -> None:
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        self._count += 1
        os.pwrite(self._fd, _record(f"{os.getpid()} {self._count}"), 0)

    def stop(self) -> None:
        """The session was let go cleanly: its watchdog exits without acting."""
        if self._fd is None:
            say_stop(self.path)
            return
        with contextlib.suppress(OSError):
            os.pwrite(self._fd, _record(STOP), 0)
        os.close(self._fd)
        self._fd = None


def say_stop(path: Path) -> None:
    """Write "stop" into a heartbeat file another process armed (nothing when there is none)."""
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return
    try:
        os.pwrite(fd, _record(STOP), 0)
    finally:
        os.close(fd)


class HeartbeatFile:
    """The watchdog's end (``Heartbeat``): the latest beat, None after "stop" or when the file is gone."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._last = ""

    def read(self) -> str | None:
        try:
            text = self.path.read_bytes().decode("ascii", errors="replace").strip()
        except FileNotFoundError:
            return None
        except OSError:
            return self._last  # unreadable for a moment: no beat, no goodbye
        if text == STOP:
            return None
        self._last = text
        return text


class EngineTakeOver:
    """``EngineOwnership`` over the profile's engine lock: free only once the engine's process is gone."""

    def __init__(self, lock: EngineLock) -> None:
        self._lock = lock

    def try_acquire(self) -> bool:
        try:
            self._lock.acquire()
        except EngineLockedError:
            return False
        return True

    def release(self) -> None:
        self._lock.release()
