"""Send a configuration change through the event bus's trading-state gate (or apply it directly).

The gate holds a change while a trade is live and applies it afterwards by calling the applier
registered for its kind with the (JSON-able) payload, so the applier must do the whole job from it.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from upbit_auto_trading.application.profiles.dto import ChangeResult

log = logging.getLogger(__name__)

Applier = Callable[[dict], Awaitable[None] | None]

PROFILE_SWITCH = "profile.switch"
BACKUP_RESTORE = "backup.restore"


class GateClient:
    """``gate`` is the bus's ConfigChangeGate or None (no bus: apply at once)."""

    def __init__(self, gate: Any | None, appliers: dict[str, Applier] | None = None) -> None:
        self._gate = gate
        self._appliers: dict[str, Applier] = dict(appliers or {})

    @property
    def gated(self) -> bool:
        return self._gate is not None

    def register(self, kind: str, applier: Applier) -> None:
        self._appliers[kind] = applier
        if self._gate is not None:
            self._gate.register_applier(kind, applier)

    async def submit(
        self, kind: str, payload: dict, description: str, *, may_wait: bool = True
    ) -> ChangeResult:
        if self._gate is None:
            result = self._appliers[kind](payload)
            if inspect.isawaitable(result):
                await result
            return ChangeResult("applied")
        from upbit_auto_trading.application.event_bus.gate import ConfigChangeRequest

        outcome = await self._gate.submit(
            ConfigChangeRequest(kind=kind, payload=payload, may_wait=may_wait, description=description)
        )
        status = str(getattr(outcome, "status", "applied"))
        status = getattr(status, "value", status)
        reason = str(getattr(outcome, "reason", "") or "")
        log.info("config change %s: %s %s", kind, status, reason)
        return ChangeResult(str(status), reason)
