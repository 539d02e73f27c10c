"""Move or copy a profile's databases to another folder and repoint the profile (same safety as restore)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from upbit_auto_trading.application.profiles.errors import UnsafeOperationError
from upbit_auto_trading.application.profiles.ports import (
    ActiveSession,
    DatabaseFiles,
    EventPublisher,
    OperationLock,
    ProfileRepository,
    SessionProfile,
    WriterExclusion,
)
from upbit_auto_trading.application.profiles.system_safety_check import (
    SafetyCheckRequest,
    SystemSafetyCheck,
)
from upbit_auto_trading.domain.profiles.errors import InvalidProfileError
from upbit_auto_trading.domain.profiles.events import DatabaseReplaced
from upbit_auto_trading.domain.profiles.values import DatabaseName, DatabasePath
from upbit_auto_trading.domain.work import Progress, ProgressCallback, no_progress

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChangeLocationCommand:
    profile_id: str
    folder: Path
    move: bool = True  # False: copy, the old files stay
    progress: ProgressCallback | None = None


@dataclass(frozen=True)
class LocationPlan:
    """What the user is asked to confirm: which files go where."""

    profile_id: str
    folder: Path
    moves: dict[str, tuple[Path, Path]]  # database -> (current file, new file)
    move: bool


class ChangeDatabaseLocation:
    def __init__(
        self,
        profiles: ProfileRepository,
        files: DatabaseFiles,
        session: ActiveSession,
        session_profile: SessionProfile,
        safety: SystemSafetyCheck,
        lock: OperationLock,
        publisher: EventPublisher,
        writers: WriterExclusion,
    ) -> None:
        self._profiles = profiles
        self._files = files
        self._session = session
        self._session_profile = session_profile
        self._safety = safety
        self._lock = lock
        self._publisher = publisher
        self._writers = writers

    def plan(self, profile_id: str, folder: Path, move: bool = True) -> LocationPlan:
        """Which files would go where; raises (nothing changed) when the folder cannot be used."""
        folder = Path(folder).expanduser().resolve()
        profile = self._profiles.load_configuration().get(profile_id)
        current = self._profiles.database_paths(profile.id)
        targets = {name: folder / path.name for name, path in current.items()}
        if all(targets[n] == current[n] for n in current):
            raise InvalidProfileError(f"Profile '{profile.id}' already uses {folder}")
        for target in targets.values():
            if target.exists():
                raise InvalidProfileError(f"{target} already exists; choose an empty folder")
        # before anything is written: a file in the way, no permission, a read-only disk, no space
        self._files.check_folder(folder, self._files.total_bytes(current))
        return LocationPlan(profile.id, folder, {n: (current[n], targets[n]) for n in current}, move)

    def execute(self, command: ChangeLocationCommand) -> dict[str, Path]:
        progress = command.progress or no_progress
        with self._lock.hold("change the database location"):
            progress(Progress(0.05, 1, "check"))
            plan = self.plan(command.profile_id, command.folder, command.move)
            folder = plan.folder
            configuration = self._profiles.load_configuration()
            profile = configuration.get(plan.profile_id)
            current = {name: old for name, (old, _) in plan.moves.items()}
            targets = {name: new for name, (_, new) in plan.moves.items()}
            self._files.prepare(current)
            report = self._safety.execute(
                SafetyCheckRequest(
                    operation="the move",
                    paths=current,
                    space_needed={folder: self._files.total_bytes(current)},
                )
            )
            if not report.ok:
                raise UnsafeOperationError("change the database location", report.blockers)
            is_open = profile.id == self._session_profile.current()
            both = {**{f"old {n}": p for n, p in current.items()}, **{f"new {n}": p for n, p in targets.items()}}
            # every process's writes wait from here: what committed before is in the copy; what comes
            # after finds the old files retired (and refuses) instead of landing where nobody looks
            with self._writers.exclusive(both, "change the database location") as access:
                if is_open:
                    self._session.close_all()
                progress(Progress(0.2, 1, "copy"))
                try:
                    self._files.copy_live(current, targets)
                    progress(Progress(0.8, 1, "repoint"))
                    profile.relocate({DatabaseName.parse(n): DatabasePath(p) for n, p in targets.items()})
                    self._profiles.save_configuration(configuration)
                except BaseException:
                    self._files.remove(targets)
                    self._files.finish_copy()
                    if is_open:
                        self._session.reopen(current, migrate_now=False)
                    raise
                for name, old in current.items():
                    access.retire(old, str(targets[name]))
                self._files.finish_copy()
                if is_open:
                    self._session.reopen(targets, migrate_now=False)
                if command.move:
                    progress(Progress(0.9, 1, "remove the old files"))
                    self._files.remove(current)
        progress(Progress(1.0, 1, "done"))
        log.info("profile %s now uses %s", profile.id, folder)
        self._publisher.publish(
            DatabaseReplaced(
                source="profiles",
                profile_id=profile.id,
                databases=tuple(targets),
                reason="relocate",
            )
        )
        return targets
