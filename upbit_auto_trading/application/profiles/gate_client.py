"""Send a configuration change through the event bus's trading-state gate (or apply it directly).

The gate holds a change while a trade is live and applies it afterwards by calling the applier
registered for its kind with the (JSON-able) payload, so the applier must do the whole job from it.
Applied now, the applier's result comes back to the submitter (and its error is raised to it); the
submitter's progress callback reaches the applier. Appliers are blocking: they run in a worker thread,
so the loop (the GUI's) stays responsive while files are copied.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from upbit_auto_trading.application.event_bus.ports import ConfigChangeRequest
from upbit_auto_trading.domain.work import ProgressCallback, no_progress

log = logging.getLogger(__name__)

ChangeApplier = Callable[[dict[str, Any], ProgressCallback], Any]  # payload, progress -> result (blocking)

PROFILE_SWITCH = "profile.switch"
BACKUP_RESTORE = "backup.restore"


class GateOutcomeLike(Protocol):
    @property
    def status(self) -> str: ...

    @property
    def reason(self) -> str: ...

    @property
    def value(self) -> Any: ...


class ChangeGate(Protocol):
    """What is used of the bus's ``ConfigChangeGate``."""

    def register_applier(self, kind: str, applier: Any, *, progress: bool = False) -> None: ...

    async def submit(
        self, request: ConfigChangeRequest, *, progress: ProgressCallback | None = None
    ) -> GateOutcomeLike: ...


@dataclass(frozen=True)
class Submitted:
    """What became of a submitted change: applied (``value``: the applier's result), held or refused."""

    status: str  # "applied" | "held" | "refused"
    reason: str = ""
    value: Any = None


class GateClient:
    """``gate`` is the bus's ConfigChangeGate, or None: no gate in this build, changes are applied at once
    (use-case tests). A gate that could not be had (:meth:`from_source`) refuses every change instead."""

    def __init__(self, gate: ChangeGate | None, *, unavailable: str = "") -> None:
        self._gate = gate
        self._unavailable = unavailable
        self._appliers: dict[str, ChangeApplier] = {}

    @classmethod
    def from_source(cls, source: Callable[[], ChangeGate]) -> GateClient:
        """The process's gate from ``source`` (the container's provider). Fails closed: if the gate cannot be
        built, no one can tell whether a trade is live, so every change is refused, saying why."""
        try:
            return cls(source())
        except Exception as exc:  # noqa: BLE001 - logged here, and the reason is in every refusal
            log.error(
                "the config-change gate is unavailable; profile switches and restores are refused",
                exc_info=exc,
            )
            return cls(
                None,
                unavailable=(
                    f"The config-change gate is unavailable ({type(exc).__name__}: {exc}), so whether a trade is "
                    "live cannot be told; nothing was changed. Restart the app and retry."
                ),
            )

    @property
    def gated(self) -> bool:
        return self._gate is not None

    def register(self, kind: str, applier: ChangeApplier) -> None:
        self._appliers[kind] = applier
        if self._gate is not None:
            self._gate.register_applier(kind, _in_worker_thread(applier), progress=True)

    async def submit(
        self,
        kind: str,
        payload: dict[str, Any],
        description: str,
        *,
        may_wait: bool = True,
        progress: ProgressCallback | None = None,
    ) -> Submitted:
        """Apply now (the applier's result in ``value``; its error raised here), hold or refuse the change."""
        if self._unavailable:
            log.warning("config change %s refused: %s", kind, self._unavailable)
            return Submitted("refused", self._unavailable)
        if self._gate is None:
            value = await asyncio.to_thread(self._appliers[kind], payload, progress or no_progress)
            return Submitted("applied", "", value)
        request = ConfigChangeRequest(kind=kind, payload=payload, may_wait=may_wait, description=description)
        outcome = await self._gate.submit(request, progress=progress)
        status, reason = str(outcome.status), str(outcome.reason or "")
        log.info("config change %s: %s %s", kind, status, reason)
        return Submitted(status, reason, outcome.value if status == "applied" else None)


def _in_worker_thread(applier: ChangeApplier) -> Callable[..., Any]:
    """The gate calls appliers on the loop thread; the file work goes to a worker thread. ``progress`` has a
    default for gates that apply a held change without one."""

    async def run(payload: dict[str, Any], progress: ProgressCallback = no_progress) -> Any:
        return await asyncio.to_thread(applier, payload, progress)

    return run
