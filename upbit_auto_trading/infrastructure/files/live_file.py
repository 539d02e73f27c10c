"""Plain reads of SQLite files that connections of this process may have open, without closing anything.

Closing ANY descriptor of a file drops every POSIX lock the process holds on it, SQLite's own locks
included (https://www.sqlite.org/howtocorrupt.html, section 2.2). After that, a connection of another
process that closes believes it is the last one, checkpoints and deletes the ``-wal`` and ``-shm`` files
by name while this process still uses them: the two processes then write to different WAL files and
commits are lost. So reading a live database's header or bytes with ``open()``/``close()`` is not safe.
Every such read goes through one descriptor per file that stays open while the file exists (SQLite
keeps its own descriptors the same way); descriptors of files that were deleted are closed, which is
harmless since nobody can open those by name any more.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_lock = threading.Lock()
_open: dict[tuple[int, int], int] = {}


def descriptor(path: Path) -> int:
    """A read-only descriptor of the file now at ``path``, shared and never closed while it exists."""
    st = os.stat(path)
    key = (st.st_dev, st.st_ino)
    with _lock:
        _close_deleted()
        fd = _open.get(key)
        if fd is None:
            fd = os.open(path, os.O_RDONLY)
            found = os.fstat(fd)
            if (found.st_dev, found.st_ino) != key:  # replaced between stat and open: keep the new one
                key = (found.st_dev, found.st_ino)
                if key in _open:
                    os.close(fd)  # safe: another descriptor of this very file stays open
                    return _open[key]
            _open[key] = fd
        return fd


def read_at(path: Path, size: int, offset: int = 0) -> bytes:
    fd = descriptor(path)
    chunks = []
    while size > 0:
        chunk = os.pread(fd, size, offset)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
        offset += len(chunk)
    return b"".join(chunks)


def _close_deleted() -> None:
    for key, fd in list(_open.items()):
        try:
            deleted = os.fstat(fd).st_nlink == 0
        except OSError:
            deleted = True
        if deleted:
            del _open[key]
            try:
                os.close(fd)
            except OSError:
                pass
