"""Backups on disk: one folder per backup under ``<home>/backups`` holding the three database files and
a manifest. The folders ARE the list (no table in a database that a restore could roll back).

A backup is written into a hidden ``.partial-...`` folder and renamed into place only once every file and
the manifest are complete and fsynced; a crash leaves only the partial folder, swept at the next start.
"""

from __future__ import annotations

import builtins  # the store's method list() hides the builtin in the class body's annotations
import json
import logging
import secrets
import shutil
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from upbit_auto_trading import __version__
from upbit_auto_trading.application.profiles.errors import (
    BackupInvalidError,
    BackupNotFoundError,
)
from upbit_auto_trading.domain.profiles.backup_record import BackupFile, BackupRecord
from upbit_auto_trading.domain.profiles.values import (
    DATABASE_NAMES,
    BackupId,
    BackupKind,
    DatabaseName,
    Environment,
    ProfileId,
)
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback
from upbit_auto_trading.infrastructure.files.errors import FileOperationError
from upbit_auto_trading.infrastructure.files.fsutil import (
    TEMP_MARK,
    atomic_write_text,
    check_writable,
    fsync_dir,
    fsync_file,
    sha256_file,
    translate_os_error,
)
from upbit_auto_trading.infrastructure.profiles import backup_archive
from upbit_auto_trading.infrastructure.profiles.backup_verifier import record_verification, verify_folder
from upbit_auto_trading.infrastructure.profiles.manifest import (
    MANIFEST_NAME,
    ManifestError,
    read_manifest,
    to_document,
)
from upbit_auto_trading.infrastructure.profiles.registry import DATABASE_FILES
from upbit_auto_trading.infrastructure.profiles.sqlite_file import (
    database_schema_version,
    online_backup,
    snapshot_copy,
)

log = logging.getLogger(__name__)
CANCELLED = "Cancelled; nothing was changed"  # a cancelled backup leaves no partial folder behind
KillHook = Callable[[str], None]


def _no_hook(point: str) -> None:
    return None


class FileBackupStore:
    def __init__(self, root: Path, app_version: str = __version__, kill_hook: KillHook = _no_hook) -> None:
        self.root = Path(root)
        self._app_version = app_version
        self.kill_hook = kill_hook  # tests: called at each step, so a test can SIGKILL itself there

    # -- paths -------------------------------------------------------------------------------------------
    def folder(self, backup_id: str | None = None) -> Path:
        if backup_id is None:
            return self.root
        return self.root / BackupId(backup_id).value

    def file_paths(self, backup_id: str) -> dict[str, Path]:
        record = self.get(backup_id)
        return {f.database.value: self.folder(backup_id) / f.file_name for f in record.files}

    def _new_id(self, profile_id: str, now: datetime) -> str:
        return f"{now:%Y%m%d-%H%M%S}-{profile_id}-{secrets.token_hex(2)}"

    # -- create --------------------------------------------------------------------------------------
    def create(
        self,
        profile_id: str,
        environment: str,
        sources: Mapping[str, Path],
        kind: BackupKind,
        note: str = "",
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> BackupRecord:
        check_writable(self.root)
        now = datetime.now(UTC).replace(microsecond=0)
        backup_id = self._new_id(profile_id, now)
        partial = self.root / f".partial-{backup_id}{TEMP_MARK}"
        files: list[BackupFile] = []
        try:
            partial.mkdir()
            total = len(DATABASE_NAMES)
            for index, name in enumerate(DATABASE_NAMES):
                if cancel:
                    cancel.raise_if_cancelled(CANCELLED)
                if progress:
                    progress(Progress(index, total, name.value))
                files.append(self._copy_database(name, Path(sources[name.value]), partial))
            if cancel:
                cancel.raise_if_cancelled(CANCELLED)
            record = BackupRecord(
                backup_id=BackupId(backup_id),
                profile_id=ProfileId(profile_id),
                environment=Environment.parse(environment),
                kind=kind,
                created_at=now,
                app_version=self._app_version,
                files=tuple(files),
                note=note,
            )
            atomic_write_text(
                partial / MANIFEST_NAME, json.dumps(to_document(record), indent=2, ensure_ascii=False)
            )
            fsync_dir(partial)
            self.kill_hook("backup-manifest")
            partial.rename(self.root / backup_id)
            fsync_dir(self.root)
        except OSError as exc:
            shutil.rmtree(partial, ignore_errors=True)
            raise translate_os_error(exc, "writing the backup", partial) from exc
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        if progress:
            progress(Progress(1.0, 1, "done"))
        log.info("backup %s of profile %s written (%d bytes)", backup_id, profile_id, record.total_bytes)
        return record

    def _copy_database(self, name: DatabaseName, source: Path, partial: Path) -> BackupFile:
        """A consistent, fsynced copy of one database into the partial folder."""
        if not source.is_file():
            raise FileOperationError(f"The {name.value} database {source} does not exist; nothing to back up")
        file_name = DATABASE_FILES[name.value]
        target = partial / file_name
        digest = snapshot_copy(source, target)
        if digest is None:  # the snapshot could not be pinned: one-step online backup API
            online_backup(source, target)
            digest = sha256_file(target)
        fsync_file(target)
        self.kill_hook(f"backup-{name.value}")
        return BackupFile(name, file_name, target.stat().st_size, digest, database_schema_version(target))

    # -- read ------------------------------------------------------------------------------------------
    def get(self, backup_id: str) -> BackupRecord:
        try:
            folder = self.folder(backup_id)
        except Exception as exc:
            raise BackupNotFoundError(f"No backup '{backup_id}'") from exc
        if not folder.is_dir():
            raise BackupNotFoundError(f"No backup '{backup_id}' in {self.root} (its folder is missing)")
        try:
            return read_manifest(folder)
        except ManifestError as exc:
            raise BackupInvalidError(backup_id, [str(exc)]) from exc

    def list(self) -> list[BackupRecord]:
        if not self.root.is_dir():
            return []
        records = []
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir() or folder.name.startswith("."):
                continue
            try:
                records.append(read_manifest(folder))
            except (ManifestError, OSError) as exc:
                log.warning("skipping %s: %s", folder, exc)
        return records

    def verify(self, backup_id: str, progress: ProgressCallback | None = None) -> builtins.list[str]:
        folder = self.folder(backup_id) if self.root.joinpath(backup_id).is_dir() else None
        if folder is None:
            raise BackupNotFoundError(f"No backup '{backup_id}' in {self.root} (its folder is missing)")
        try:
            record = read_manifest(folder)
        except ManifestError as exc:
            return [str(exc)]
        problems = verify_folder(folder, record, progress)
        try:
            record_verification(folder, problems)
        except OSError:
            log.warning("could not record the verification of %s", backup_id, exc_info=True)
        return problems

    # -- remove ----------------------------------------------------------------------------------------
    def delete(self, backup_id: str) -> None:
        folder = self.folder(backup_id)
        if not folder.is_dir():
            raise BackupNotFoundError(f"No backup '{backup_id}' in {self.root}")
        doomed = self.root / f".deleting-{backup_id}{TEMP_MARK}"
        folder.rename(doomed)  # disappears from the list at once, even if the removal is interrupted
        fsync_dir(self.root)
        shutil.rmtree(doomed, ignore_errors=True)

    def prune(self, profile_id: str, keep_automatic: int) -> builtins.list[str]:
        keep = max(1, int(keep_automatic))
        candidates = [
            r for r in self.list() if r.profile_id.value == profile_id and not r.kind.retained_forever
        ]
        candidates.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        removed = []
        for record in candidates[keep:]:
            self.delete(record.id)
            removed.append(record.id)
        if removed:
            log.info("retention removed %d automatic backups of %s", len(removed), profile_id)
        return removed

    # -- archives --------------------------------------------------------------------------------------
    def export(self, backup_id: str, destination: Path, progress: ProgressCallback | None = None) -> Path:
        record = self.get(backup_id)
        return backup_archive.export_archive(self.folder(backup_id), record, Path(destination), progress)

    def import_archive(self, archive: Path, progress: ProgressCallback | None = None) -> BackupRecord:
        check_writable(self.root)
        return backup_archive.import_archive(Path(archive), self.root, self._existing_same, progress)

    def _existing_same(self, record: BackupRecord) -> bool:
        folder = self.root / record.id
        if not folder.is_dir():
            return False
        try:
            existing = read_manifest(folder)
        except ManifestError:
            return False
        return {(f.database, f.sha256) for f in existing.files} == {
            (f.database, f.sha256) for f in record.files
        }
