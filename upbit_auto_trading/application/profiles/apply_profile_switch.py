"""The work of a profile switch, run by the config-change gate (now, or after a live trade ends).

Validates the target first (files exist or are created and migrated, integrity, schema version),
then closes every connection of the old profile, opens the new one, records it as active, prepares it
(the first time a profile is opened: bundled candles and sample strategies, see prepare_profile.py) and
publishes ProfileSwitched. Any failure before the new profile is recorded leaves the old one open and active.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from upbit_auto_trading.application.profiles.errors import UnsafeOperationError
from upbit_auto_trading.application.profiles.ports import (
    ActiveSession,
    DatabaseFiles,
    EventPublisher,
    OperationLock,
    ProfilePreparation,
    ProfileRepository,
    SessionProfile,
    TradingElsewhere,
    WriterExclusion,
)
from upbit_auto_trading.application.profiles.system_safety_check import elsewhere_blocker
from upbit_auto_trading.domain.work import ProgressCallback, no_progress

log = logging.getLogger(__name__)


class ApplyProfileSwitch:
    def __init__(
        self,
        profiles: ProfileRepository,
        files: DatabaseFiles,
        session: ActiveSession,
        session_profile: SessionProfile,
        lock: OperationLock,
        publisher: EventPublisher,
        elsewhere: TradingElsewhere | None,
        writers: WriterExclusion,
        preparation: ProfilePreparation | None = None,
    ) -> None:
        self._profiles = profiles
        self._files = files
        self._session = session
        self._session_profile = session_profile
        self._lock = lock
        self._publisher = publisher
        self._elsewhere = elsewhere
        self._writers = writers
        self._preparation = preparation

    def __call__(self, payload: Mapping[str, Any], progress: ProgressCallback = no_progress) -> None:
        """The gate's applier of ``profile.switch`` (payload ``profile_id``); errors go to the submitter."""
        self.execute(str(payload["profile_id"]))

    def execute(self, profile_id: str) -> None:
        with self._lock.hold("switch profile"):
            other = self._elsewhere.trade_elsewhere() if self._elsewhere is not None else None
            if other is not None:  # checked again here: a held switch is applied later
                raise UnsafeOperationError("switch profile", [elsewhere_blocker(other)])
            configuration = self._profiles.load_configuration()
            configuration.get(profile_id)
            paths = self._profiles.database_paths(profile_id)
            old_paths = self._session.paths()
            # this process's writes in flight finish on the old files before their connections close
            both = {
                **{f"old {n}": p for n, p in old_paths.items()},
                **{f"new {n}": p for n, p in paths.items()},
            }
            with self._writers.exclusive(both, "switch profile"):
                self._files.prepare(paths)
                self._session.reopen(paths, migrate_now=False)
                try:
                    configuration.switch_to(profile_id)
                    self._profiles.save_configuration(configuration)
                except BaseException:
                    self._session.reopen(old_paths, migrate_now=False)
                    raise
            self._session_profile.changed(profile_id)
        log.info("switched to database profile %s", profile_id)
        self._prepare(profile_id)  # before ProfileSwitched: the screens reload with the seeded rows
        for event in configuration.events:
            self._publisher.publish(event)
        configuration.events.clear()

    def _prepare(self, profile_id: str) -> None:
        """Outside the operation lock (seeding a new profile takes seconds, and its writes take the writers'
        lock like any other). The switch is done by now, so a failure is logged rather than raised: raising
        would report a switch that did happen as failed."""
        if self._preparation is None:
            return
        try:
            self._preparation.execute()
        except Exception:
            log.exception("database profile %s is open, but preparing it failed", profile_id)
