"""Look inside a SQLite file without changing it, and copy a live database with the online backup API."""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from upbit_auto_trading.infrastructure.files import live_file
from upbit_auto_trading.infrastructure.files.errors import DiskFullError, FileOperationError, NotWritableError
from upbit_auto_trading.infrastructure.sqlite.migrator import latest_version

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
QUICK_CHECK_LIMIT = 32 * 1024 * 1024  # files above this get a structural check only (see docs)

# Tables every database of each kind has had since schema version 1: how a file's kind is recognised.
EXPECTED_TABLES: dict[str, frozenset[str]] = {
    "settings": frozenset({"app_settings", "api_credentials", "tv_trading_variables"}),
    "strategies": frozenset({"trading_conditions", "strategy_profiles", "backtest_results"}),
    "market_data": frozenset({"candles", "markets"}),
}


@dataclass
class FileReport:
    path: Path
    exists: bool = False
    bytes: int = 0
    schema_version: int | None = None
    tables: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def read_only_uri(path: Path, immutable: bool) -> str:
    uri = "file:" + quote(str(Path(path).resolve()))
    return uri + ("?mode=ro&immutable=1" if immutable else "?mode=ro")


def _header_problem(path: Path, size: int) -> str | None:
    header = live_file.read_at(path, HEADER_BYTES)
    if len(header) < HEADER_BYTES or not header.startswith(SQLITE_MAGIC):
        return "not a SQLite database"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    change_counter, version_valid_for = header[24:28], header[92:96]
    if page_size < 512 or page_size & (page_size - 1):
        return "damaged SQLite header (page size)"
    if change_counter == version_valid_for and page_count and page_count * page_size > size:
        return f"truncated: the header promises {page_count * page_size} bytes, the file has {size}"
    return None


def guess_kind(tables: set[str]) -> str | None:
    for kind, expected in EXPECTED_TABLES.items():
        if expected <= tables:
            return kind
    return None


def inspect_file(path: Path, expected: str, *, thorough: bool, immutable: bool = True) -> FileReport:
    """Problems of ``path`` as a database of kind ``expected``; ``thorough`` runs ``PRAGMA integrity_check``,
    otherwise ``quick_check`` for files under 32 MB and the header/schema checks only above."""
    report = FileReport(Path(path))
    if not report.path.is_file():
        report.problems.append("file missing")
        return report
    report.exists = True
    report.bytes = report.path.stat().st_size
    if report.bytes == 0:
        report.problems.append("empty file, not a SQLite database")
        return report
    problem = _header_problem(report.path, report.bytes)
    if problem:
        report.problems.append(problem)
        return report
    try:
        conn = sqlite3.connect(read_only_uri(report.path, immutable), uri=True)
    except sqlite3.Error as exc:
        report.problems.append(f"cannot be opened: {exc}")
        return report
    try:
        report.schema_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        report.tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if thorough or report.bytes <= QUICK_CHECK_LIMIT:
            pragma = "integrity_check" if thorough else "quick_check"
            rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}(20)")]
            if rows != ["ok"]:
                report.problems.append(f"{pragma} failed: " + "; ".join(rows[:5]))
    except sqlite3.DatabaseError as exc:
        report.problems.append(f"damaged: {exc}")
        return report
    finally:
        conn.close()
    missing = EXPECTED_TABLES[expected] - report.tables
    if missing and (report.schema_version or report.tables):
        kind = guess_kind(report.tables)
        hint = f" (it looks like a {kind} database)" if kind else ""
        report.problems.append(
            f"not a {expected} database{hint}: missing tables {', '.join(sorted(missing))}"
        )
    latest = latest_version(expected)
    if report.schema_version is not None and report.schema_version > latest:
        report.problems.append(
            f"schema version {report.schema_version} is newer than this app understands ({latest}); upgrade the app"
        )
    return report


def online_backup(source: Path, destination: Path) -> None:
    """Copy a (possibly live) database into a new file in ONE step: a stepped backup restarts on every
    write by another connection and may never finish. Checkpoints the source's WAL afterwards."""
    try:
        src = sqlite3.connect(source, timeout=30)
    except sqlite3.Error as exc:
        raise FileOperationError(f"Cannot open {source} to copy it: {exc}") from exc
    try:
        try:
            dst = sqlite3.connect(destination)
            try:
                dst.execute("PRAGMA journal_mode = OFF")
                dst.execute("PRAGMA synchronous = OFF")
                src.backup(dst, pages=-1)
            finally:
                dst.close()
        except sqlite3.Error as exc:
            raise _copy_error(exc, f"copying {source.name} to {destination.parent}", destination.parent) from exc
        try:
            src.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass
    finally:
        src.close()


def database_schema_version(path: Path) -> int:
    conn = sqlite3.connect(read_only_uri(path, True), uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def snapshot_copy(source: Path, destination: Path) -> str | None:
    """Copy a live WAL database by pinning a read snapshot, returning the SHA-256 computed on the way.

    A read transaction pins snapshot M; a PASSIVE checkpoint then backfills the WAL into the file. If it
    backfilled everything (no frame after M, none held back by an older reader), the file holds exactly
    snapshot M, and no checkpoint can change it while the read transaction lasts; the first
    ``page_count * page_size`` bytes are copied and hashed in one pass. Returns None when that condition
    does not hold (the caller then uses :func:`online_backup`).
    """
    conn = sqlite3.connect(source, isolation_level=None, timeout=30)
    try:
        if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            return None
        size = _pin_snapshot(conn, source)
        if size is None:
            return None
        src = live_file.descriptor(Path(source))  # never closed here: see live_file
        with open(destination, "xb") as dst:
            digest = _copy_hashing(src, dst, size)
        conn.execute("COMMIT")
        return digest
    except (sqlite3.Error, OSError) as exc:
        Path(destination).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM):
            raise
        return None
    finally:
        conn.close()


def _pin_snapshot(conn: sqlite3.Connection, source: Path) -> int | None:
    """Begin the read that pins the snapshot and checkpoint the WAL; the snapshot's size in the file, or
    None when the file does not hold exactly that snapshot (frames not backfilled, or a shorter file)."""
    conn.execute("BEGIN")
    page_count = int(conn.execute("PRAGMA page_count").fetchone()[0])  # starts the read: pins snapshot
    page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    checkpointer = sqlite3.connect(source, isolation_level=None, timeout=30)
    try:
        busy, log_frames, backfilled = checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        checkpointer.close()
    if busy or log_frames != backfilled:
        return None
    size = page_count * page_size
    if Path(source).stat().st_size < size:
        return None
    return size


def _copy_hashing(src: int, dst: BinaryIO, size: int) -> str:
    """Copy the first ``size`` bytes of descriptor ``src`` into ``dst``; their SHA-256 (hex)."""
    import hashlib

    from upbit_auto_trading.infrastructure.files.fsutil import CHUNK

    digest = hashlib.sha256()
    offset = 0
    if hasattr(os, "copy_file_range"):
        # the kernel copies while this thread hashes the same (pinned, unchanging) bytes: 2 cores
        errors: list[BaseException] = []
        worker = threading.Thread(target=_kernel_copy, args=(src, dst.fileno(), size, errors))
        worker.start()
        while offset < size:
            chunk = os.pread(src, min(CHUNK, size - offset), offset)
            if not chunk:
                break
            digest.update(chunk)
            offset += len(chunk)
        worker.join()
        if errors:
            raise errors[0]
        return digest.hexdigest()
    while offset < size:
        chunk = os.pread(src, min(CHUNK, size - offset), offset)
        if not chunk:
            raise OSError(f"copy stopped at {offset} of {size} bytes")
        digest.update(chunk)
        dst.write(chunk)
        offset += len(chunk)
    return digest.hexdigest()


def _kernel_copy(src_fd: int, dst_fd: int, size: int, errors: list[BaseException]) -> None:
    offset = 0
    try:
        while offset < size:
            copied = os.copy_file_range(src_fd, dst_fd, min(size - offset, 64 * 1024 * 1024), offset, offset)
            if copied == 0:
                raise OSError(f"copy stopped at {offset} of {size} bytes")
            offset += copied
    except BaseException as exc:  # noqa: BLE001 - re-raised by the caller
        errors.append(exc)


def page_size_of(path: Path) -> int:
    header = live_file.read_at(path, HEADER_BYTES)
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def copy_into_live(source: Path, target: Path) -> None:
    """Make the live database ``target`` hold exactly ``source``, in place, as ONE SQLite transaction.

    Renaming a new file over an open database is what SQLite's documentation lists as a way to corrupt
    it: a connection of another process still on the old file, when it closes, checkpoints and deletes
    the ``-wal`` and ``-shm`` files *by name*, which by then belong to the new file. Written through
    SQLite's backup API instead, the file keeps its identity: connections elsewhere simply see the new
    content at their next read, and a crash leaves the old or the new content (the WAL commit is atomic).
    """
    try:
        src = sqlite3.connect(read_only_uri(source, True), uri=True)
    except sqlite3.Error as exc:
        raise FileOperationError(f"Cannot open {source} to restore it: {exc}") from exc
    try:
        dst = sqlite3.connect(target, timeout=30)
        try:
            dst.execute("PRAGMA synchronous = FULL")  # the commit of the restored content is durable
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise _copy_error(exc, f"restoring {target.name}", target.parent) from exc
    finally:
        src.close()


def _copy_error(exc: sqlite3.Error, what: str, folder: Path) -> FileOperationError:
    text = str(exc).lower()
    if "full" in text:
        return DiskFullError(f"The disk is full while {what}; free some space and retry. Nothing was changed.")
    if "readonly" in text or "unable to open" in text:
        return NotWritableError(f"{folder} cannot be written ({exc}); choose another folder")
    return FileOperationError(f"Failed while {what}: {exc}")
