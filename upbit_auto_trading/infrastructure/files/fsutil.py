"""Durable file primitives: fsync of files and folders, checksummed copies, SQLite side files."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from upbit_auto_trading.infrastructure.files.errors import DiskFullError, FileOperationError, NotWritableError

CHUNK = 4 * 1024 * 1024
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
TEMP_MARK = ".uat-tmp"  # every temporary file this package creates has this in its name


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open folders; NTFS metadata is journaled
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_file(path: Path, on_chunk: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            if not chunk:
                break
            digest.update(chunk)
            if on_chunk:
                on_chunk(len(chunk))
    return digest.hexdigest()


def side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in SIDE_SUFFIXES]


def remove_side_files(path: Path) -> None:
    """Remove stale -wal, -shm and -journal files of a database that nobody has open."""
    for side in side_files(path):
        side.unlink(missing_ok=True)


def temp_path_beside(target: Path, tag: str) -> Path:
    return target.with_name(f".{target.name}.{tag}{TEMP_MARK}")


def translate_os_error(exc: OSError, what: str, where: Path) -> FileOperationError:
    if exc.errno == errno.ENOSPC:
        return DiskFullError(
            f"The disk is full while {what} ({where}); free some space and retry. Nothing was changed."
        )
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) or isinstance(exc, NotADirectoryError):
        return NotWritableError(f"{where} cannot be used as a folder: a part of that path is a file, not a folder")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return NotWritableError(
            f"{where} cannot be written ({exc.strerror}); choose another folder or fix its permissions"
        )
    return FileOperationError(f"Failed while {what} ({where}): {exc}")


def copy_file_durably(source: Path, destination: Path) -> str:
    """Copy ``source`` to ``destination`` (a new file), fsync it, return its SHA-256."""
    digest = hashlib.sha256()
    with open(source, "rb") as src, open(destination, "xb") as dst:
        while True:
            chunk = src.read(CHUNK)
            if not chunk:
                break
            digest.update(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return digest.hexdigest()


def check_folder_usable(folder: Path, bytes_needed: int = 0) -> None:
    """Refuse (one line, nothing created) a folder that cannot hold databases: a file or a path under a
    file, not creatable, not writable, or without ``bytes_needed`` free bytes."""
    import shutil

    folder = Path(folder)
    existing = folder
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        raise NotWritableError(f"{folder} cannot be used as a folder: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise NotWritableError(f"{folder} cannot be written (no permission on {existing}); choose another folder")
    created = [] if folder.exists() else [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        check_writable(folder)  # a read-only file system shows only when something is written
    finally:
        for made in created:  # leave nothing behind: the operation creates the folder when it runs
            try:
                made.rmdir()
            except OSError:
                break
    free = shutil.disk_usage(existing).free
    if free < bytes_needed:
        raise DiskFullError(
            f"{folder} has {free:,} bytes free and {bytes_needed:,} are needed; free some space or choose another folder"
        )


def check_writable(folder: Path) -> None:
    """Create the folder if needed and prove it is writable with a probe file."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".write-probe{TEMP_MARK}"
        with open(probe, "wb") as handle:
            handle.write(b"ok")
        probe.unlink()
    except OSError as exc:
        raise translate_os_error(exc, "checking that the folder can be written", folder) from exc


def atomic_write_text(path: Path, text: str) -> None:
    """Write to a temp file beside ``path``, fsync, rename over it; the temp file never survives a failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
