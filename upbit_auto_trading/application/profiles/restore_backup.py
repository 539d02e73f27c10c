"""Restore a backup into a profile. Goes through the config-change gate: held while a trade is live in
this process; refused while one is live in another window (whose gate cannot hold it for us)."""

from __future__ import annotations

from dataclasses import dataclass

from upbit_auto_trading.application.profiles.dto import ChangeResult, utc_text
from upbit_auto_trading.application.profiles.gate_client import BACKUP_RESTORE, GateClient
from upbit_auto_trading.application.profiles.ports import (
    BackupStore,
    ProfileRepository,
    SessionProfile,
    TradingElsewhere,
)
from upbit_auto_trading.application.profiles.system_safety_check import elsewhere_blocker
from upbit_auto_trading.domain.work import ProgressCallback


@dataclass(frozen=True)
class RestorePlan:
    """What the user is asked to confirm before a restore."""

    backup_id: str
    target_profile_id: str
    target_environment: str
    backup_profile_id: str
    backup_environment: str
    verified: bool | None = None  # the backup's last verification: None = never verified
    verified_at: str | None = None  # ISO-8601 UTC
    verification_problems: tuple[str, ...] = ()

    @property
    def failed_verification(self) -> bool:
        """The backup's last verification found problems: the confirmation must say so. (The restore
        verifies it again first and stops, changing nothing, if the problems are still there.)"""
        return self.verified is False

    @property
    def needs_typed_confirmation(self) -> bool:
        """Into production, or from another environment's backup: the profile's name must be typed."""
        return self.target_environment == "production" or self.backup_environment != self.target_environment


class RestoreBackup:
    def __init__(
        self,
        profiles: ProfileRepository,
        store: BackupStore,
        session_profile: SessionProfile,
        gate: GateClient,
        elsewhere: TradingElsewhere | None = None,
    ) -> None:
        self._profiles = profiles
        self._store = store
        self._session_profile = session_profile
        self._gate = gate
        self._elsewhere = elsewhere

    def plan(self, backup_id: str, target_profile_id: str | None = None) -> RestorePlan:
        record = self._store.get(backup_id)
        target = self._profiles.load_configuration().get(target_profile_id or self._session_profile.current())
        return RestorePlan(
            record.id,
            target.id,
            target.environment.value,
            record.profile_id.value,
            record.environment.value,
            verified=record.verified,
            verified_at=None if record.verified_at is None else utc_text(record.verified_at),
            verification_problems=tuple(record.verification_problems),
        )

    async def execute(
        self,
        backup_id: str,
        target_profile_id: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> ChangeResult:
        """Applied now: ``detail["pre_restore_backup"]`` names the backup of the data it replaced, and
        ``progress`` follows the restore's steps. A failed restore raises (rolled back)."""
        plan = self.plan(
            backup_id, target_profile_id
        )  # unknown backup or profile: clear error, nothing queued
        detail = {"backup": plan.backup_id, "profile": plan.target_profile_id}
        other = self._elsewhere.trade_elsewhere() if self._elsewhere is not None else None
        if other is not None:
            return ChangeResult("refused", elsewhere_blocker(other), {**detail, "pid": other.pid})
        result = await self._gate.submit(
            BACKUP_RESTORE,
            {"backup_id": plan.backup_id, "profile_id": plan.target_profile_id},
            f"restore backup {plan.backup_id} into profile '{plan.target_profile_id}'",
            progress=progress,
        )
        if result.status == "applied":
            detail["pre_restore_backup"] = str(result.value)
        return ChangeResult(result.status, result.reason, detail)
