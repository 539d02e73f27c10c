"""Advisory whole-file locks across processes: ``flock`` on POSIX, ``msvcrt.locking`` on Windows.

Windows has no shared lock: there a shared request is taken exclusively (still correct, only serialised).
"""

from __future__ import annotations

import os

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

HAS_SHARED = fcntl is not None


def try_lock(fd: int, exclusive: bool = True) -> bool:
    """Take the lock without waiting; False when another holder conflicts."""
    try:
        if fcntl is not None:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        return True
    except OSError:
        return False


def unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
