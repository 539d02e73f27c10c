"""Make another profile active. Goes through the config-change gate: held while a trade is live."""

from __future__ import annotations

import uuid

from upbit_auto_trading.application.database_configuration.apply_profile_switch import ApplyProfileSwitch
from upbit_auto_trading.application.database_configuration.dto import ChangeResult
from upbit_auto_trading.application.database_configuration.errors import ProfileUnusableError
from upbit_auto_trading.application.database_configuration.gate_client import PROFILE_SWITCH, GateClient
from upbit_auto_trading.application.database_configuration.ports import (
    DatabaseFiles,
    ProfileRepository,
    SessionProfile,
)


class SwitchProfile:
    def __init__(
        self,
        profiles: ProfileRepository,
        files: DatabaseFiles,
        session_profile: SessionProfile,
        gate: GateClient,
        applier: ApplyProfileSwitch,
    ) -> None:
        self._profiles = profiles
        self._files = files
        self._session_profile = session_profile
        self._gate = gate
        self._applier = applier

    async def execute(self, profile_id: str) -> ChangeResult:
        configuration = self._profiles.load_configuration()
        profile = configuration.get(profile_id)  # unknown id: a clear error before anything else
        if profile.id == self._session_profile.current() and configuration.active_id.value == profile.id:
            return ChangeResult("applied", "already active", {"profile": profile.id})
        health = self._files.health(self._profiles.database_paths(profile.id))
        problems = [f"{h.name}: {h.problem}" for h in health if h.problem]
        if problems:
            raise ProfileUnusableError(f"Profile '{profile.id}' cannot be used: " + "; ".join(problems))
        operation_id = uuid.uuid4().hex
        result = await self._gate.submit(
            PROFILE_SWITCH,
            {"profile_id": profile.id, "operation_id": operation_id},
            f"switch to database profile '{profile.id}'",
        )
        error = self._applier.take_error(operation_id)
        if error is not None:
            raise error
        return ChangeResult(result.status, result.reason, {"profile": profile.id})
