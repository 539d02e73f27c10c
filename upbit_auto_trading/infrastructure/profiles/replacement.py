"""Replace a profile's database files as one crash-safe operation, guided by a journal file.

Replace (restore, rollback):
  1. write the journal (state ``staging``) listing target, temp file and expected SHA-256 of each file;
  2. copy each source to a temp file BESIDE its target, fsync, check its hash and its page size;
  3. rewrite the journal with state ``committing`` (the point of no return);
  4. per file: write the temp file's content INTO the target through SQLite (one transaction, the
     file keeps its identity, so other processes' open connections stay valid), then delete the temp;
  5. delete the journal.
After a crash, :func:`recover` (run before anything opens the databases) rolls back a ``staging``
journal (deletes the temp files: the targets were never touched) and completes a ``committing`` one
(a temp file still there is a complete, verified copy whose write into its target is simply redone),
so every database is either before or after.

Why not rename the temp file over the target: a connection of another process still open on the old
file would, when it closes, delete the new file's ``-wal`` and ``-shm`` by name (see
:func:`~upbit_auto_trading.infrastructure.profiles.sqlite_file.copy_into_live`).

Copy to a new location (relocate) writes a ``relocate`` journal listing the files it creates; the
recovery keeps those a profile points to and deletes the rest.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from upbit_auto_trading.infrastructure.files.errors import FileOperationError
from upbit_auto_trading.infrastructure.files.fsutil import (
    atomic_write_text,
    copy_file_durably,
    fsync_dir,
    fsync_file,
    remove_side_files,
    side_files,
    temp_path_beside,
    translate_os_error,
)
from upbit_auto_trading.infrastructure.profiles.sqlite_file import copy_into_live, online_backup, page_size_of

log = logging.getLogger(__name__)

JOURNAL_NAME = "database-operation.journal.json"
KillHook = Callable[[str], None]


def _no_hook(point: str) -> None:
    return None


def _remove_quietly(path: Path) -> None:
    """Cleanup never raises: a path under a file (NotADirectoryError) or a read-only folder has nothing
    of ours to remove, and the journal must go whatever happens here."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        log.debug("could not remove %s: %s", path, exc)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path


class JournaledReplacer:
    def __init__(self, journal_dir: Path, kill_hook: KillHook = _no_hook) -> None:
        self.journal = Path(journal_dir) / JOURNAL_NAME
        self.kill_hook = kill_hook  # tests: called at each step, so a test can SIGKILL itself there

    def _write(self, document: dict) -> None:
        atomic_write_text(self.journal, json.dumps(document, indent=2))

    def _remove_journal(self) -> None:
        self.journal.unlink(missing_ok=True)
        fsync_dir(self.journal.parent)

    def _set_aside(self) -> Path:
        aside = self.journal.with_name(f"{self.journal.name}.{uuid.uuid4().hex[:8]}.failed")
        self.journal.replace(aside)
        fsync_dir(self.journal.parent)
        return aside

    def pending(self) -> bool:
        return self.journal.exists()

    def replace(
        self,
        sources: Mapping[str, Path],
        targets: Mapping[str, Path],
        expected: Mapping[str, str],
        reason: str,
    ) -> None:
        if self.pending():
            raise FileOperationError(
                f"An unfinished database operation is recorded in {self.journal}; restart the app"
            )
        tag = uuid.uuid4().hex[:8]
        entries = [
            {
                "database": name,
                "target": str(Path(targets[name])),
                "temp": str(temp_path_beside(Path(targets[name]), f"replace-{tag}")),
                "sha256": expected[name],
            }
            for name in targets
        ]
        document = {"operation": "replace", "reason": reason, "state": "staging", "entries": entries}
        self._write(document)
        self.kill_hook("journal-written")
        try:
            for entry in entries:
                target, temp = Path(entry["target"]), Path(entry["temp"])
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    digest = copy_file_durably(Path(sources[entry["database"]]), temp)
                except OSError as exc:
                    raise translate_os_error(exc, f"copying the {entry['database']} database", temp) from exc
                if digest != entry["sha256"]:
                    raise FileOperationError(
                        f"The {entry['database']} file changed while it was copied (checksum mismatch); nothing was replaced"
                    )
                if target.exists() and page_size_of(temp) != page_size_of(target):
                    raise FileOperationError(
                        f"The {entry['database']} backup uses {page_size_of(temp)}-byte pages and the live database "
                        f"{page_size_of(target)}-byte pages; it cannot be restored in place. Nothing was replaced"
                    )
                self.kill_hook(f"staged-{entry['database']}")
        except BaseException:
            self._discard(entries)
            raise
        document["state"] = "committing"
        self._write(document)
        self.kill_hook("committing")
        self._commit(entries)

    def _discard(self, entries: Iterable[dict]) -> None:
        for entry in entries:
            Path(entry["temp"]).unlink(missing_ok=True)
        self._remove_journal()

    def _commit(self, entries: list[dict]) -> None:
        folders = set()
        for entry in entries:
            target, temp = Path(entry["target"]), Path(entry["temp"])
            if temp.exists():
                if target.exists():
                    copy_into_live(temp, target)
                    temp.unlink()
                else:  # nobody can have a missing file open: the temp file simply becomes it
                    remove_side_files(target)
                    temp.replace(target)
                folders.add(target.parent)
            self.kill_hook(f"replaced-{entry['database']}")
        for folder in folders:
            fsync_dir(folder)
        self._remove_journal()

    def copy_live(self, sources: Mapping[str, Path], targets: Mapping[str, Path]) -> None:
        """Copy live databases to new files (online backup, temp + rename); keeps a ``relocate`` journal
        until :meth:`finish_relocation`, so a crash before the profile is repointed removes the copies."""
        if self.pending():
            raise FileOperationError(
                f"An unfinished database operation is recorded in {self.journal}; restart the app"
            )
        tag = uuid.uuid4().hex[:8]
        entries = [
            {
                "database": n,
                "target": str(Path(targets[n])),
                "temp": str(temp_path_beside(Path(targets[n]), f"copy-{tag}")),
            }
            for n in targets
        ]
        self._write({"operation": "relocate", "state": "copying", "entries": entries})
        try:
            for entry in entries:
                target, temp = Path(entry["target"]), Path(entry["temp"])
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise translate_os_error(exc, "creating the folder", target.parent) from exc
                try:
                    online_backup(Path(sources[entry["database"]]), temp)
                    fsync_file(temp)
                except OSError as exc:
                    raise translate_os_error(exc, f"copying the {entry['database']} database", temp) from exc
                temp.replace(target)
                fsync_dir(target.parent)
                self.kill_hook(f"copied-{entry['database']}")
        except BaseException:
            for entry in entries:
                _remove_quietly(Path(entry["temp"]))
                _remove_quietly(Path(entry["target"]))
            self._remove_journal()
            raise

    def finish_relocation(self) -> None:
        self._remove_journal()

    def recover(self, referenced: Callable[[], set[Path]]) -> str | None:
        """Complete or roll back an operation a crash interrupted. Returns what was done, or None."""
        if not self.journal.exists():
            return None
        try:
            document = json.loads(self.journal.read_text(encoding="utf-8"))
            entries = list(document["entries"])
            if not all(isinstance(e, dict) and "target" in e and "temp" in e for e in entries):
                raise ValueError("an entry without its files")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # Never an endless failure at every start: keep the journal aside for whoever investigates.
            aside = self._set_aside()
            log.warning("the database operation journal was unreadable (%s); set aside as %s", exc, aside)
            return f"unreadable journal set aside as {aside.name}"
        if document.get("operation") == "relocate":
            keep = {p.resolve() for p in referenced()}
            for entry in entries:
                _remove_quietly(Path(entry["temp"]))
                target = Path(entry["target"])
                if _resolved(target) not in keep:
                    _remove_quietly(target)
                    for side in side_files(target):
                        _remove_quietly(side)
            self._remove_journal()
            log.warning("recovered an interrupted database move (copies not in use removed)")
            return "relocate rolled back"
        if document.get("state") == "committing":
            try:
                self._commit(entries)
            except (OSError, FileOperationError) as exc:
                aside = self._set_aside()
                log.warning("an interrupted restore could not be completed (%s); journal set aside as %s", exc, aside)
                return f"{document.get('reason', 'replace')} could not be completed ({exc}); journal set aside"
            log.warning("completed an interrupted %s of the databases", document.get("reason", "replacement"))
            return f"{document.get('reason', 'replace')} completed"
        self._discard(entries)
        log.warning("rolled back an interrupted %s of the databases", document.get("reason", "replacement"))
        return f"{document.get('reason', 'replace')} rolled back"
