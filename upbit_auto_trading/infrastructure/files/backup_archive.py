"""One-file backup archives (.zip) to carry a backup to another machine.

Layout: ``<backup id>/manifest.json`` and ``<backup id>/<database file>`` for each database. Import
accepts nothing else (no other names, no paths outside the folder), extracts into a hidden partial
folder, verifies every file against the manifest and only then renames it into the backup list.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

from upbit_auto_trading.application.database_configuration.export_backup import ARCHIVE_SUFFIX
from upbit_auto_trading.domain.database_configuration.backup_record import BackupRecord
from upbit_auto_trading.domain.database_configuration.values import BackupId
from upbit_auto_trading.infrastructure.files.backup_verifier import record_verification, verify_folder
from upbit_auto_trading.infrastructure.files.errors import ArchiveError, FileOperationError
from upbit_auto_trading.infrastructure.files.fsutil import CHUNK, TEMP_MARK, fsync_dir, translate_os_error
from upbit_auto_trading.infrastructure.files.manifest import (
    MANIFEST_NAME,
    ManifestError,
    from_document,
    to_document,
)
from upbit_auto_trading.infrastructure.profiles.registry import atomic_write_text

Progress = Callable[[float, str], None]


def export_archive(
    folder: Path, record: BackupRecord, destination: Path, progress: Progress | None = None
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
                    progress(index / len(record.files), entry.database.value)
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


def _read_record(archive: zipfile.ZipFile, source: Path) -> tuple[str, BackupRecord]:
    names = archive.namelist()
    tops = {n.split("/", 1)[0] for n in names}
    if len(tops) != 1:
        raise ArchiveError(f"{source} is not a backup archive (expected one backup folder inside)")
    top = tops.pop()
    try:
        document = json.loads(archive.read(f"{top}/{MANIFEST_NAME}").decode("utf-8"))
        record = from_document(document, source)
    except KeyError:
        raise ArchiveError(f"{source} has no {MANIFEST_NAME}; it is not a backup archive") from None
    except (ValueError, UnicodeDecodeError, ManifestError) as exc:
        raise ArchiveError(f"{source}: the manifest is corrupt: {exc}") from exc
    allowed = {f"{top}/{MANIFEST_NAME}", f"{top}/"} | {f"{top}/{f.file_name}" for f in record.files}
    unexpected = [n for n in names if n not in allowed and n != f"{top}/verification.json"]
    if unexpected:
        raise ArchiveError(
            f"{source} holds unexpected entries ({', '.join(unexpected[:3])}); nothing was imported"
        )
    return top, record


def import_archive(
    source: Path, root: Path, existing_same: Callable[[BackupRecord], bool], progress: Progress | None = None
) -> BackupRecord:
    if not source.is_file():
        raise ArchiveError(f"{source} does not exist")
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
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
                    progress(0.5 * index / len(record.files), f"extract {entry.database.value}")
                with (
                    archive.open(f"{top}/{entry.file_name}") as src,
                    open(partial / entry.file_name, "wb") as dst,
                ):
                    shutil.copyfileobj(src, dst, CHUNK)
                    dst.flush()
                    os.fsync(dst.fileno())
            atomic_write_text(
                partial / MANIFEST_NAME, json.dumps(to_document(record), indent=2, ensure_ascii=False)
            )
            problems = verify_folder(
                partial, record, lambda f, m: progress(0.5 + f / 2, m) if progress else None
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
