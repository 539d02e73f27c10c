"""The DatabaseFiles port on real SQLite files: health, preparing a profile, journaled replacement."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from upbit_auto_trading.application.profiles.errors import ProfileUnusableError
from upbit_auto_trading.application.profiles.ports import DatabaseHealth
from upbit_auto_trading.infrastructure.files.fsutil import check_folder_usable, remove_side_files
from upbit_auto_trading.infrastructure.profiles.replacement import JournaledReplacer
from upbit_auto_trading.infrastructure.profiles.sqlite_file import inspect_file
from upbit_auto_trading.infrastructure.sqlite import write_access
from upbit_auto_trading.infrastructure.sqlite.database import configure_connection
from upbit_auto_trading.infrastructure.sqlite.migrator import migrate

log = logging.getLogger(__name__)


class SqliteDatabaseFiles:
    def __init__(self, replacer: JournaledReplacer) -> None:
        self._replacer = replacer

    def health(self, paths: Mapping[str, Path], *, thorough: bool = False) -> list[DatabaseHealth]:
        result = []
        for name, path in paths.items():
            path = Path(path)
            if not path.exists():
                result.append(DatabaseHealth(name, str(path), False, 0, None, None))
                continue
            # not immutable: the file may be live; read-only so nothing is changed
            report = inspect_file(path, name, thorough=thorough, immutable=False)
            size = report.bytes + sum(s.stat().st_size for s in _sides(path))
            problem = "; ".join(report.problems) or None
            result.append(DatabaseHealth(name, str(path), True, size, report.schema_version, problem))
        return result

    def prepare(self, paths: Mapping[str, Path]) -> None:
        problems = [f"{h.name}: {h.problem}" for h in self.health(paths) if h.problem]
        if problems:
            raise ProfileUnusableError(
                "The databases cannot be used: " + "; ".join(problems) + ". Nothing was changed."
            )
        for name, path in paths.items():
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            write_access.adopt(path)  # a profile uses this file now, even if it was once moved away
            conn = sqlite3.connect(path, isolation_level=None, timeout=30)
            try:
                configure_connection(conn)
                migrate(conn, name, path)
            finally:
                conn.close()

    def replace(
        self,
        sources: Mapping[str, Path],
        targets: Mapping[str, Path],
        *,
        expected_sha256: Mapping[str, str],
        reason: str,
    ) -> None:
        self._replacer.replace(sources, targets, expected_sha256, reason)

    def copy_live(self, sources: Mapping[str, Path], targets: Mapping[str, Path]) -> None:
        self._replacer.copy_live(sources, targets)

    def finish_copy(self) -> None:
        self._replacer.finish_relocation()

    def check_folder(self, folder: Path, bytes_needed: int = 0) -> None:
        check_folder_usable(Path(folder), bytes_needed)

    def remove(self, paths: Mapping[str, Path]) -> None:
        for path in paths.values():
            Path(path).unlink(missing_ok=True)
            remove_side_files(Path(path))
            write_access.discard(Path(path))

    def total_bytes(self, paths: Mapping[str, Path]) -> int:
        total = 0
        for path in paths.values():
            path = Path(path)
            for candidate in (path, *_sides(path)):
                if candidate.exists():
                    total += candidate.stat().st_size
        return total


def _sides(path: Path) -> list[Path]:
    return [p for p in (path.with_name(path.name + "-wal"),) if p.exists()]
