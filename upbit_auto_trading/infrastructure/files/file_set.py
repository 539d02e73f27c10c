"""Several text files written as one: every file or none (the report export's HTML and CSVs).

Each file is first written whole to a temp file beside its destination and fsynced; only when all of them
are written are they renamed into place (renames in the same folder: atomic, and they cannot run out of
space). A failure before that removes the temp files and any folder this call created, so the user finds
the destinations exactly as before: no half report, no report without its CSVs.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from pathlib import Path

from upbit_auto_trading.infrastructure.files.errors import FileOperationError, NotWritableError
from upbit_auto_trading.infrastructure.files.fsutil import fsync_dir, temp_path_beside, translate_os_error


def _folders_to_create(folder: Path) -> list[Path]:
    """The missing folders of ``folder``, outermost first."""
    missing = []
    for path in (folder, *folder.parents):
        if path.exists():
            break
        missing.append(path)
    return list(reversed(missing))


def write_text_files(files: Mapping[Path, str]) -> None:
    """Write ``files`` (path -> text, UTF-8, ``\\n`` line ends kept) all or nothing."""
    targets = {Path(p).expanduser().absolute(): text for p, text in files.items()}
    for path in targets:
        if path.is_dir():
            raise NotWritableError(f"{path} is a folder; give a file name (e.g. {path / 'report.html'})")
    created: list[Path] = []
    temps: dict[Path, Path] = {}
    try:
        for path, text in targets.items():
            for folder in _folders_to_create(path.parent):
                folder.mkdir()
                created.append(folder)
            temp = temp_path_beside(path, "write")
            temps[path] = temp
            with open(temp, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
    except OSError as exc:
        _undo(temps, created)
        raise _error(exc, _culprit(exc, targets)) from exc
    except BaseException:
        _undo(temps, created)
        raise
    for path, temp in temps.items():
        os.replace(temp, path)
    for folder in {path.parent for path in targets}:
        fsync_dir(folder)


def _error(exc: OSError, path: Path) -> FileOperationError:
    """One line naming the file, what went wrong and that nothing was written."""
    folder_problem = exc.errno == errno.ENOTDIR or isinstance(exc, NotADirectoryError)
    error = translate_os_error(exc, "writing the report", path.parent if folder_problem else path)
    if type(error) is FileOperationError:  # no more specific reading: say it plainly
        return FileOperationError(f"{path} cannot be written ({exc.strerror or exc}); nothing was written")
    return error


def _culprit(exc: OSError, targets: Mapping[Path, str]) -> Path:
    """The destination the failing path belongs to (the error names the temp file or a folder)."""
    failed = Path(exc.filename) if exc.filename else None
    for path in targets:
        if failed is not None and (failed == path or failed.parent == path.parent or failed in path.parents):
            return path
    return next(iter(targets))


def _undo(temps: Mapping[Path, Path], created: list[Path]) -> None:
    for temp in temps.values():
        try:
            temp.unlink(missing_ok=True)
        except OSError:  # never created (its folder is a file, or gone)
            pass
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            pass
