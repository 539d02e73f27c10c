"""Make another profile active. Goes through the config-change gate: held while a trade is live in this
process; refused while one is live in another window (whose gate cannot hold it for us)."""

from __future__ import annotations

from upbit_auto_trading.application.profiles.dto import ChangeResult
from upbit_auto_trading.application.profiles.errors import ProfileUnusableError
from upbit_auto_trading.application.profiles.gate_client import PROFILE_SWITCH, GateClient
from upbit_auto_trading.application.profiles.ports import (
    DatabaseFiles,
    ProfileRepository,
    SessionProfile,
    TradingElsewhere,
)
from upbit_auto_trading.application.profiles.system_safety_check import elsewhere_blocker


class SwitchProfile:
    def __init__(
        self,
        profiles: ProfileRepository,
        files: DatabaseFiles,
        session_profile: SessionProfile,
        gate: GateClient,
        elsewhere: TradingElsewhere | None = None,
    ) -> None:
        self._profiles = profiles
        self._files = files
        self._session_profile = session_profile
        self._gate = gate
        self._elsewhere = elsewhere

    async def execute(self, profile_id: str) -> ChangeResult:
        configuration = self._profiles.load_configuration()
        profile = configuration.get(profile_id)  # unknown id: a clear error before anything else
        if profile.id == self._session_profile.current() and configuration.active_id.value == profile.id:
            return ChangeResult("applied", "already active", {"profile": profile.id})
        health = self._files.health(self._profiles.database_paths(profile.id))
        problems = [f"{h.name}: {h.problem}" for h in health if h.problem]
        if problems:
            raise ProfileUnusableError(f"Profile '{profile.id}' cannot be used: " + "; ".join(problems))
        other = self._elsewhere.trade_elsewhere() if self._elsewhere is not None else None
        if other is not None:
            return ChangeResult(
                "refused", elsewhere_blocker(other), {"profile": profile.id, "pid": other.pid}
            )
        # applied now, the switch's error (if any) is raised here by the gate
        result = await self._gate.submit(
            PROFILE_SWITCH, {"profile_id": profile.id}, f"switch to database profile '{profile.id}'"
        )
        return ChangeResult(result.status, result.reason, {"profile": profile.id})
