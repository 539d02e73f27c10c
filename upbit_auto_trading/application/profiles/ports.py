"""Ports of the database-configuration use cases (implemented by infrastructure adapters)."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from upbit_auto_trading.application.ports.event_publisher import EventPublisher as EventPublisher
from upbit_auto_trading.domain.profiles.backup_record import BackupRecord
from upbit_auto_trading.domain.profiles.configuration import DatabaseConfiguration
from upbit_auto_trading.domain.profiles.values import BackupKind
from upbit_auto_trading.domain.work import CancelToken, ProgressCallback

Paths = Mapping[str, Path]


@dataclass(frozen=True)
class DatabaseHealth:
    name: str
    path: str
    exists: bool
    bytes: int
    schema_version: int | None
    problem: str | None = None  # None: healthy (or not created yet)

    @property
    def ok(self) -> bool:
        return self.problem is None


class ProfileRepository(Protocol):
    def load_configuration(self) -> DatabaseConfiguration: ...

    def save_configuration(self, configuration: DatabaseConfiguration) -> None:
        """Write atomically; a crash leaves either the old or the new registry."""
        ...

    def database_paths(self, profile_id: str) -> dict[str, Path]:
        """The profile's resolved paths (custom or its default folder)."""
        ...

    def default_paths(self, profile_id: str) -> dict[str, Path]: ...


class BackupStore(Protocol):
    def create(
        self,
        profile_id: str,
        environment: str,
        sources: Paths,
        kind: BackupKind,
        note: str = "",
        progress: ProgressCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> BackupRecord: ...

    def list(self) -> list[BackupRecord]: ...

    def get(self, backup_id: str) -> BackupRecord: ...

    # builtins.list below: inside this class the name ``list`` is the method above
    def verify(self, backup_id: str, progress: ProgressCallback | None = None) -> builtins.list[str]:
        """Problems found (empty: usable); the result is recorded for the list."""
        ...

    def file_paths(self, backup_id: str) -> dict[str, Path]: ...

    def folder(self, backup_id: str | None = None) -> Path: ...

    def delete(self, backup_id: str) -> None: ...

    def prune(self, profile_id: str, keep_automatic: int) -> builtins.list[str]: ...

    def export(self, backup_id: str, destination: Path, progress: ProgressCallback | None = None) -> Path: ...

    def import_archive(self, archive: Path, progress: ProgressCallback | None = None) -> BackupRecord: ...


class DatabaseFiles(Protocol):
    def health(self, paths: Paths, *, thorough: bool = False) -> list[DatabaseHealth]: ...

    def prepare(self, paths: Paths) -> None:
        """Create missing files and migrate them; refuse damaged, wrong-kind or too-new files (no change)."""
        ...

    def replace(
        self, sources: Paths, targets: Paths, *, expected_sha256: Mapping[str, str], reason: str
    ) -> None:
        """Replace every target by its source as one journaled operation (all or nothing, crash-safe)."""
        ...

    def copy_live(self, sources: Paths, targets: Paths) -> None:
        """Copy live databases to new (absent) files consistently; nothing is left on failure. Until
        :meth:`finish_copy`, a crash makes the next start delete copies no profile points to."""
        ...

    def finish_copy(self) -> None: ...

    def check_folder(self, folder: Path, bytes_needed: int = 0) -> None:
        """Refuse a folder that cannot hold databases (a file, under a file, not writable, too little free
        space) with one line, before anything is written; creates nothing."""
        ...

    def remove(self, paths: Paths) -> None: ...

    def total_bytes(self, paths: Paths) -> int: ...


class ActiveSession(Protocol):
    """The open databases of the profile in use (the lead's DatabaseSession)."""

    def paths(self) -> dict[str, Path]: ...

    def close_all(self) -> None: ...

    def reopen(self, paths: Paths, *, migrate_now: bool = True) -> None: ...


class SessionProfile(Protocol):
    """Which profile the open session belongs to."""

    def current(self) -> str: ...

    def changed(self, profile_id: str) -> None: ...


class SafetyProbe(Protocol):
    def free_bytes(self, folder: Path) -> int: ...

    def foreign_users(self, paths: Paths) -> list[str]:
        """Other programs holding these database files open (descriptions)."""
        ...

    def running_engines(self, paths: Paths) -> list[str]:
        """Trading engines (any process, this one included) writing their journal to these databases."""
        ...

    def open_transactions(self) -> list[str]:
        """This app's own connections that are inside a transaction."""
        ...


class TradingActivity(Protocol):
    def live_trade(self) -> str | None:
        """A description of the trade in progress, or None."""
        ...


@dataclass(frozen=True)
class TradeElsewhere:
    """A live trade of another process of this app (another window, on the same home)."""

    pid: int
    trades: str = ""  # e.g. "rsi@KRW-BTC, macd@KRW-ETH"

    def describe(self) -> str:
        what = f": {self.trades}" if self.trades else ""
        return f"a trade is live in another window (pid {self.pid}{what})"


class TradingElsewhere(Protocol):
    """Live trades of other processes, which this process's config-change gate cannot see."""

    def trade_elsewhere(self) -> TradeElsewhere | None:
        """A live trade of another running process, or None (stale markers of dead processes ignored)."""
        ...


class OperationLock(Protocol):
    def hold(self, operation: str) -> AbstractContextManager[None]:
        """Exclusive across threads and processes; waits a little, then raises OperationBusyError."""
        ...


class RetiringAccess(Protocol):
    def retire(self, database: Path, moved_to: str) -> None:
        """Mark a file abandoned (moved, copied away, deleted): writers still holding it refuse."""
        ...


class WriterExclusion(Protocol):
    """The writers' side of the cross-process write protocol: every process's writes to these files
    wait while it is held (and it waits for running writes to commit)."""

    def exclusive(self, paths: Paths, operation: str) -> AbstractContextManager[RetiringAccess]:
        """Waits a little for running writes, then raises (nothing changed)."""
        ...



class ProfilePreparation(Protocol):
    """What an opened profile's databases get (bundled candles, sample strategies, ...): run after a switch
    has opened the new files; every step is idempotent, so only a profile's first opening changes anything."""

    def execute(self) -> list[str]:
        """Names of the steps that ran; raises on the first that fails."""
        ...
