"""Facts for the safety check: free space, other programs holding a database open, open transactions."""

from __future__ import annotations

import os
import shutil
import struct
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from upbit_auto_trading.infrastructure.files import live_file
from upbit_auto_trading.infrastructure.sqlite import write_access
from upbit_auto_trading.infrastructure.trading.engine_lock import ENGINE_LOCK_NAME, EngineLock

try:
    import fcntl
except ImportError:  # Windows: the foreign-user check is not available there
    fcntl = None  # type: ignore[assignment]

# SQLite (unix VFS) keeps a shared lock on this byte of the -shm file for every open WAL connection.
_SHM_DMS_BYTE = 128
_FLOCK = "hh4xqqi4x"  # struct flock on 64-bit Linux


def _lock_holder(shm: Path) -> int | None:
    if fcntl is None or not shm.exists():
        return None
    try:
        fd = live_file.descriptor(shm)  # closing a descriptor of -shm would drop SQLite's locks on it
    except OSError:
        return None
    try:
        request = struct.pack(_FLOCK, fcntl.F_WRLCK, 0, _SHM_DMS_BYTE, 1, 0)
        l_type, _, _, _, pid = struct.unpack(_FLOCK, fcntl.fcntl(fd, fcntl.F_GETLK, request))
    except (OSError, struct.error):
        return None
    return pid if l_type != fcntl.F_UNLCK else None


def _lock_holders(shm: Path) -> set[int]:
    """Every process holding SQLite's open-connection lock on ``shm`` (Linux: from /proc/locks; elsewhere
    the one F_GETLK reports)."""
    try:
        inode = os.stat(shm).st_ino
        lines = Path("/proc/locks").read_text(encoding="ascii").splitlines()
    except OSError:
        one = _lock_holder(shm)
        return {one} if one is not None else set()
    holders = set()
    for line in lines:
        parts = line.split()
        if "->" in parts:  # a waiter, not a holder
            continue
        try:
            pid, where, start = int(parts[4]), parts[5], int(parts[6])
            end = float("inf") if parts[7] == "EOF" else int(parts[7])
        except (IndexError, ValueError):
            continue
        covers = start <= _SHM_DMS_BYTE <= end
        if parts[1] == "POSIX" and where.rsplit(":", 1)[-1] == str(inode) and covers:
            holders.add(pid)
    return holders


class SqliteSafetyProbe:
    def __init__(self, session: Any, free_bytes: Callable[[Path], int] | None = None) -> None:
        self._session = session
        self.measure_free_bytes = free_bytes  # tests simulate a full disk by replacing this

    def free_bytes(self, folder: Path) -> int:
        if self.measure_free_bytes is not None:
            return self.measure_free_bytes(Path(folder))
        probe = Path(folder)
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        return shutil.disk_usage(probe).free

    def foreign_users(self, paths: Mapping[str, Path]) -> list[str]:
        users = []
        for name, path in paths.items():
            path = Path(path)
            for pid in sorted(_lock_holders(path.with_name(path.name + "-shm"))):
                # processes of this app follow the write protocol: their writes wait for the operation
                if pid != os.getpid() and write_access.is_stranger(pid, path):
                    users.append(f"another program (process {pid}) has the {name} database {path} open")
                    break
        return users

    def running_engines(self, paths: Mapping[str, Path]) -> list[str]:
        strategies = paths.get("strategies")
        if strategies is None:
            return []
        lock = EngineLock(Path(strategies).parent / ENGINE_LOCK_NAME)
        if not lock.held_elsewhere():
            return []
        pid = lock.holder()
        return [f"the trading engine runs on these databases{f' (pid {pid})' if pid else ''}"]

    def open_transactions(self) -> list[str]:
        found = []
        for name in ("settings", "strategies", "market_data"):
            try:
                database = self._session.database(name)
            except (KeyError, AttributeError):
                continue
            for conn in list(getattr(database, "_connections", [])):
                try:
                    busy = conn.in_transaction
                except Exception:  # a closed connection
                    busy = False
                if busy:
                    found.append(f"a write to the {name} database is in progress in this app")
                    break
        return found
