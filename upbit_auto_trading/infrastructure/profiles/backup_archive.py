"""One-file backup archives (.zip) to carry a backup to another machine.

Layout: ``<backup id>/manifest.json`` and ``<backup id>/<database file>`` for each database. Import
accepts nothing else (no other names, no paths outside the folder), extracts into a hidden partial
folder, verifies every file against the manifest and only then renames it into the backup list.

An archive is a file from anywhere: duplicate names, encrypted entries, compression methods zipfile
cannot read, a manifest too big or too deeply nested, and entries whose size differs from the
manifest's are refused before anything is written, each as "not a valid backup archive".
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from upbit_auto_trading.application.profiles.export_backup import ARCHIVE_SUFFIX
from upbit_auto_trading.domain.profiles.backup_record import BackupRecord
from upbit_auto_trading.domain.profiles.values import BackupId
from upbit_auto_trading.domain.work import Progress, ProgressCallback
from upbit_auto_trading.infrastructure.files.errors import ArchiveError, FileOperationError
from upbit_auto_trading.infrastructure.files.fsutil import (
    CHUNK,
    TEMP_MARK,
    atomic_write_text,
    fsync_dir,
    translate_os_error,
)
from upbit_auto_trading.infrastructure.profiles.backup_verifier import record_verification, verify_folder
from upbit_auto_trading.infrastructure.profiles.manifest import (
    MANIFEST_LIMIT,
    MANIFEST_NAME,
    VERIFICATION_NAME,
    ManifestError,
    from_document,
    to_document,
)

# What reading an entry of a hostile or damaged zip can raise besides OSError: zipfile raises
# NotImplementedError for an unknown compression method and RuntimeError for an encrypted entry or a
# missing bz2/lzma module, the decompressors raise zlib.error and EOFError on damaged data. Only ever
# caught around zip reads, so a RuntimeError of the app's own code is not mistaken for a bad archive.
_ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    RuntimeError,
)
# Methods zipfile can decompress; anything else (Deflate64, PPMd, ...) is refused before reading.
_SUPPORTED_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_ENCRYPTED_FLAG = 0x1


def _invalid(source: Path, reason: str) -> ArchiveError:
    return ArchiveError(f"{source} is not a valid backup archive ({reason}); nothing was imported")


def export_archive(
    folder: Path, record: BackupRecord, destination: Path, progress: ProgressCallback | None = None
) -> Path:
    if destination.is_dir():
        destination = destination / f"{record.id}{ARCHIVE_SUFFIX}"
    if destination.exists():
        raise FileOperationError(f"{destination} already exists; choose another file name")
    temp = destination.with_name(f".{destination.name}{TEMP_MARK}")
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.write(folder / MANIFEST_NAME, f"{record.id}/{MANIFEST_NAME}")
            for index, entry in enumerate(record.files):
                if progress:
                    progress(Progress(index, len(record.files), entry.database.value))
                archive.write(folder / entry.file_name, f"{record.id}/{entry.file_name}")
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, destination)
        fsync_dir(destination.parent)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise translate_os_error(exc, "writing the archive", destination) from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return destination


def _check_entries(archive: zipfile.ZipFile, source: Path) -> None:
    """Refuse what zipfile would only trip over later: duplicate names, encryption, unknown methods."""
    seen: set[str] = set()
    for info in archive.infolist():
        name = info.filename
        if name in seen:  # zipfile would silently read the last copy: which one is the backup?
            raise _invalid(source, f"the entry {name} appears twice")
        seen.add(name)
        if info.flag_bits & _ENCRYPTED_FLAG:
            raise _invalid(source, f"the entry {name} is encrypted")
        if info.compress_type not in _SUPPORTED_METHODS:
            method = info.compress_type
            raise _invalid(
                source, f"the entry {name} uses compression method {method}, which is not supported"
            )


def _read_manifest_entry(archive: zipfile.ZipFile, name: str, source: Path) -> object:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ArchiveError(f"{source} has no {MANIFEST_NAME}; it is not a backup archive") from None
    if info.file_size > MANIFEST_LIMIT:
        raise _invalid(source, f"its manifest is {info.file_size} bytes, more than a manifest can be")
    try:
        with archive.open(info) as handle:
            data = handle.read(MANIFEST_LIMIT + 1)  # the header's size may lie: never read past the limit
    except (OSError, *_ZIP_READ_ERRORS) as exc:  # nothing is written yet: any error is the archive's
        raise _invalid(source, f"its manifest cannot be read: {exc}") from exc
    if len(data) > MANIFEST_LIMIT:
        raise _invalid(source, f"its manifest is larger than {MANIFEST_LIMIT} bytes")
    try:
        return json.loads(data.decode("utf-8"))
    except RecursionError:
        raise _invalid(source, "its manifest is nested too deeply") from None
    except ValueError as exc:  # UnicodeDecodeError included
        raise _invalid(source, f"its manifest is corrupt: {exc}") from exc


def _read_record(archive: zipfile.ZipFile, source: Path) -> tuple[str, BackupRecord]:
    _check_entries(archive, source)
    names = archive.namelist()
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) != 1:
        raise ArchiveError(f"{source} is not a backup archive (expected one backup folder inside)")
    top = tops.pop()
    document = _read_manifest_entry(archive, f"{top}/{MANIFEST_NAME}", source)
    try:
        record = from_document(document, source)
    except ManifestError as exc:
        raise _invalid(source, str(exc)) from exc
    file_names = [f.file_name for f in record.files]
    if len(set(file_names)) != len(file_names) or {MANIFEST_NAME, VERIFICATION_NAME} & set(file_names):
        raise _invalid(source, f"its manifest names the files {', '.join(file_names)}")
    allowed = {f"{top}/{MANIFEST_NAME}", f"{top}/"} | {f"{top}/{name}" for name in file_names}
    unexpected = [n for n in names if n not in allowed and n != f"{top}/{VERIFICATION_NAME}"]
    if unexpected:
        raise ArchiveError(
            f"{source} holds unexpected entries ({', '.join(unexpected[:3])}); nothing was imported"
        )
    for entry in record.files:
        name = f"{top}/{entry.file_name}"
        if name not in names:
            raise _invalid(source, f"the {entry.database.value} file {entry.file_name} is missing")
        size = archive.getinfo(name).file_size
        if size != entry.bytes:  # refused before a byte is written, whichever way it differs
            raise _invalid(
                source, f"the {entry.database.value} file is {size} bytes, the manifest says {entry.bytes}"
            )
    return top, record


def _extract(archive: zipfile.ZipFile, name: str, target: Path, size: int, source: Path) -> None:
    """Copy one entry, never writing more than the manifest's ``size``: a lying zip header could
    otherwise make a 7 MB entry fill the disk before verification sees it.

    Read errors mean a damaged archive; write errors (a full disk) stay OSError for the caller."""

    def damaged(exc: Exception) -> ArchiveError:
        return ArchiveError(f"{source} is damaged ({name}: {exc}); nothing was imported")

    try:
        src = archive.open(name)  # reads the local header: a bad offset fails here with a plain OSError
    except (OSError, *_ZIP_READ_ERRORS) as exc:
        raise damaged(exc) from exc
    written = 0
    with src, open(target, "xb") as dst:
        while True:
            try:
                chunk = src.read(min(CHUNK, size + 1 - written))  # size + 1: proves the entry ends there
            except _ZIP_READ_ERRORS as exc:
                raise damaged(exc) from exc
            if not chunk:
                break
            written += len(chunk)
            if written > size:
                raise _invalid(source, f"{name} is larger than the {size} bytes its manifest says")
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())


def import_archive(
    source: Path,
    root: Path,
    existing_same: Callable[[BackupRecord], bool],
    progress: ProgressCallback | None = None,
) -> BackupRecord:
    if not source.is_file():
        raise ArchiveError(f"{source} does not exist")
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, ValueError, *_ZIP_READ_ERRORS) as exc:  # e.g. "zip file version 11.8" from a bad header
        raise ArchiveError(f"{source} is not a backup archive (not a readable zip file: {exc})") from exc
    with archive:
        top, record = _read_record(archive, source)
        if existing_same(record):
            return record
        if (root / record.id).exists():  # same id, other content: import under a new id
            record.backup_id = BackupId(f"{record.id[:70]}-imp{os.getpid() % 1000:03d}")
        partial = root / f".partial-{record.id}{TEMP_MARK}"
        try:
            partial.mkdir(parents=True)
            for index, entry in enumerate(record.files):
                if progress:
                    progress(Progress(0.5 * index / len(record.files), 1, f"extract {entry.database.value}"))
                _extract(archive, f"{top}/{entry.file_name}", partial / entry.file_name, entry.bytes, source)
            atomic_write_text(
                partial / MANIFEST_NAME, json.dumps(to_document(record), indent=2, ensure_ascii=False)
            )
            problems = verify_folder(
                partial,
                record,
                lambda p: progress(Progress(0.5 + p.fraction / 2, 1, p.message)) if progress else None,
            )
            if problems:
                raise ArchiveError(
                    f"{source} failed verification, nothing was imported: " + "; ".join(problems)
                )
            record_verification(partial, problems)
            fsync_dir(partial)
            partial.rename(root / record.id)
            fsync_dir(root)
        except (zipfile.BadZipFile, KeyError) as exc:
            shutil.rmtree(partial, ignore_errors=True)
            raise ArchiveError(f"{source} is damaged: {exc}") from exc
        except OSError as exc:
            shutil.rmtree(partial, ignore_errors=True)
            raise translate_os_error(exc, "importing the archive", root) from exc
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
    record.verified = True
    return record
