"""The trading-state gate: config changes never land in the middle of a live trade.

* The trading state counts live (strategy, market) trades. A trade is live from the moment its
  ``TradingStarted`` is *published* (a publish hook, so nothing slips in before dispatch) until its
  ``TradingCompleted`` is *dispatched* (so every CRITICAL event queued before it is handled first).
  Every publish path (``publish``, ``publish_nowait``, ``publish_threadsafe``) runs the hook.
* ``await gate.submit(request, progress=...)``: no live trade -> applied now (``applied``, with what the
  applier returned in ``value``; an applier's error propagates to the submitter); a live trade and
  ``may_wait`` -> persisted and ``held``; a live trade and not ``may_wait`` -> ``refused`` with a reason.
  A request of kind ``trading.emergency_stop`` always passes. An applier registered with
  ``progress=True`` gets the submitter's progress callback (a held request, applied later when nobody
  waits for it, gets ``no_progress``).
* When the last live trade completes, the held requests are applied in the order they arrived. If one
  fails it is kept for the user (``pending_decisions``) and the next is applied.
* Held requests are persisted through :class:`HeldRequestStore`. Those found at start (the app quit or
  crashed while they were held) are never applied silently: they are listed in ``pending_decisions()``
  until the user calls ``apply_pending`` or ``cancel``.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.application.event_bus.errors import EventBusError
from upbit_auto_trading.application.event_bus.events import (
    ConfigChangeApplied,
    ConfigChangeCancelled,
    ConfigChangeFailed,
    ConfigChangeHeld,
    ConfigChangeRefused,
)
from upbit_auto_trading.application.event_bus.memory_stores import InMemoryHeldRequestStore
from upbit_auto_trading.application.event_bus.ports import ConfigChangeRequest, HeldRequest, HeldRequestStore
from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.domain.events import Event
from upbit_auto_trading.domain.trading.events import EmergencyStopRequested, TradingCompleted, TradingStarted
from upbit_auto_trading.domain.trading.state import TradeKey, TradingState
from upbit_auto_trading.domain.work import ProgressCallback, no_progress

log = logging.getLogger(__name__)

EMERGENCY_STOP_KIND = "trading.emergency_stop"
Applier = Callable[[dict[str, Any]], Any]  # payload -> result (or an awaitable of it)
ProgressApplier = Callable[[dict[str, Any], ProgressCallback], Any]  # payload, progress -> result

__all__ = [
    "EMERGENCY_STOP_KIND",
    "ConfigChangeGate",
    "ConfigChangeRequest",
    "GateOutcome",
    "HeldRequest",
]


@dataclass(frozen=True)
class GateOutcome:
    status: Literal["applied", "held", "refused"]
    reason: str = ""
    request_id: str = ""
    value: Any = None  # what the applier returned, when the change was applied now


def _ignoring_progress(applier: Applier) -> ProgressApplier:
    return lambda payload, _progress: applier(payload)


class ConfigChangeGate:
    def __init__(self, bus: EventBus, store: HeldRequestStore | None = None) -> None:
        self._bus = bus
        self._store: HeldRequestStore = store if store is not None else InMemoryHeldRequestStore()
        self._appliers: dict[str, ProgressApplier] = {}
        self._state = TradingState()
        self._held: list[HeldRequest] = []  # this run's, released automatically in arrival order
        self._decisions: list[HeldRequest] = list(self._store.list())  # previous run's, or failed on release
        self._lock = asyncio.Lock()
        bus.add_publish_hook(TradingStarted, self._on_started_published)
        bus.subscribe(TradingCompleted, self._on_completed, name="config_gate.trading_completed")
        if self._decisions:
            log.warning(
                "%d config changes were held when the app last stopped; they await a decision",
                len(self._decisions),
            )

    # ------------------------------------------------------------------ set-up and state
    def register_applier(
        self, kind: str, applier: Applier | ProgressApplier, *, progress: bool = False
    ) -> None:
        """``applier(payload)`` carries out a change of ``kind`` (sync or async) and may return a result for
        the submitter; with ``progress=True`` it is called ``applier(payload, progress)``. Register at start-up."""
        self._appliers[kind] = (
            cast(ProgressApplier, applier) if progress else _ignoring_progress(cast(Applier, applier))
        )

    @property
    def state(self) -> TradingState:
        return self._state

    @property
    def is_trading(self) -> bool:
        return not self._state.is_idle

    def held_requests(self) -> list[HeldRequest]:
        """Held in this run: applied automatically when the last live trade completes."""
        return list(self._held)

    def pending_decisions(self) -> list[HeldRequest]:
        """Held when the app last stopped, or failed on release: the user applies or cancels each."""
        return list(self._decisions)

    def trade_started(self, key: TradeKey) -> None:
        self._state = self._state.started(key)

    async def trade_completed(self, key: TradeKey) -> None:
        self._state = self._state.completed(key)
        if self._state.is_idle and self._held:
            await self._release()

    def _on_started_published(self, event: Event) -> None:
        assert isinstance(event, TradingStarted)
        self.trade_started(event.key)

    def _on_started(self, event: TradingStarted) -> None:
        self.trade_started(event.key)  # idempotent; covers events that bypassed the hook

    async def _on_completed(self, event: TradingCompleted) -> None:
        await self.trade_completed(event.key)

    # ------------------------------------------------------------------ requests
    async def submit(
        self, request: ConfigChangeRequest, *, progress: ProgressCallback | None = None
    ) -> GateOutcome:
        """Apply, hold or refuse ``request``. Applied now, the outcome carries the applier's result; an
        applier's error propagates (nothing is held then). ``progress`` reaches an applier registered with
        ``progress=True`` when the change is applied now."""
        rid = request.request_id
        if request.kind == EMERGENCY_STOP_KIND:
            await self._emergency_stop(request)
            return GateOutcome("applied", "An emergency stop always passes.", rid)
        refusal = self._refusal(request)
        if refusal is not None:
            return self._refuse(request, refusal)
        busy = self._busy_reason()
        if busy is None:
            value = await self._apply(request, progress or no_progress)
            self._notify(
                ConfigChangeApplied(request_id=rid, kind=request.kind, description=request.description)
            )
            return GateOutcome("applied", "", rid, value)
        held = HeldRequest(request)
        await asyncio.to_thread(self._store.add, held)
        self._held.append(held)
        reason = busy + " The change is held and will be applied when the last live trade completes."
        self._notify(
            ConfigChangeHeld(
                request_id=rid, kind=request.kind, description=request.description, reason=reason
            )
        )
        return GateOutcome("held", reason, rid)

    async def apply_pending(self, request_id: str) -> GateOutcome:
        """The user chose to apply a pending request: it goes through :meth:`submit` again (held again
        if a trade is live now). Refused (e.g. no applier for its kind in this process) or failed, it
        stays pending, in its place."""
        index = next((i for i, h in enumerate(self._decisions) if h.request.request_id == request_id), None)
        if index is None:
            return GateOutcome("refused", f"No pending change {request_id}.", request_id)
        held = self._decisions[index]
        refusal = self._refusal(held.request)
        if refusal is not None:
            return self._refuse(held.request, refusal)
        # Removed before applying: a profile switch moves the store to the new profile's database.
        del self._decisions[index]
        await asyncio.to_thread(self._store.remove, request_id)
        try:
            return await self.submit(held.request)
        except Exception as exc:
            kept = HeldRequest(held.request, held.held_at, f"{type(exc).__name__}: {exc}")
            self._decisions.insert(index, kept)
            await asyncio.to_thread(self._store.add, kept)
            raise

    def _busy_reason(self) -> str | None:
        """Why a change cannot be applied now, or None."""
        if self._state.is_idle and not self._held:
            return None
        if self._state.is_idle:
            return f"Waiting behind {len(self._held)} earlier held change(s) being applied."
        return f"A trade is live ({self._state.describe()})."

    def _refusal(self, request: ConfigChangeRequest) -> str | None:
        """Why ``request`` is refused outright (no applier; cannot wait while busy), or None."""
        if request.kind == EMERGENCY_STOP_KIND:
            return None
        if request.kind not in self._appliers:
            return f"No applier is registered for '{request.kind}'; this change cannot be carried out."
        busy = self._busy_reason()
        if busy is not None and not request.may_wait:
            return busy + " This change cannot wait: stop the trade or try again when it completes."
        return None

    def _refuse(self, request: ConfigChangeRequest, reason: str) -> GateOutcome:
        rid = request.request_id
        self._notify(
            ConfigChangeRefused(
                request_id=rid, kind=request.kind, description=request.description, reason=reason
            )
        )
        return GateOutcome("refused", reason, rid)

    async def cancel(self, request_id: str) -> bool:
        """Cancel (discard) a held or pending request; True if one was found."""
        held = self._take(self._held, request_id) or self._take(self._decisions, request_id)
        if held is None:
            return False
        await asyncio.to_thread(self._store.remove, request_id)
        request = held.request
        self._notify(
            ConfigChangeCancelled(request_id=request_id, kind=request.kind, description=request.description)
        )
        return True

    # ------------------------------------------------------------------ internals
    async def _release(self) -> None:
        async with self._lock:
            while self._held and self._state.is_idle:
                held = self._held[0]
                request = held.request
                try:
                    await self._apply(request, no_progress)  # nobody waits for a held change's progress
                except Exception as exc:  # noqa: BLE001 - kept for the user, the next one still goes
                    error = f"{type(exc).__name__}: {exc}"
                    log.exception(
                        "held config change %s (%s) failed on release", request.request_id, request.kind
                    )
                    self._held.pop(0)
                    await asyncio.to_thread(self._store.update_error, request.request_id, error)
                    self._decisions.append(HeldRequest(request, held.held_at, error))
                    self._notify(
                        ConfigChangeFailed(
                            request_id=request.request_id,
                            kind=request.kind,
                            description=request.description,
                            error=error,
                        )
                    )
                    continue
                self._held.pop(0)
                await asyncio.to_thread(self._store.remove, request.request_id)
                self._notify(
                    ConfigChangeApplied(
                        request_id=request.request_id,
                        kind=request.kind,
                        description=request.description,
                        was_held=True,
                    )
                )

    async def _apply(self, request: ConfigChangeRequest, progress: ProgressCallback) -> Any:
        result = self._appliers[request.kind](dict(request.payload), progress)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def _emergency_stop(self, request: ConfigChangeRequest) -> None:
        applier = self._appliers.get(EMERGENCY_STOP_KIND)
        if applier is not None:
            await self._apply(request, no_progress)
        event = EmergencyStopRequested(source="config_gate", reason=str(request.payload.get("reason", "")))
        try:
            await self._bus.publish(event, EventPriority.HIGH_SAFETY)
        except EventBusError:
            log.exception("could not publish the emergency stop event")
        self._notify(
            ConfigChangeApplied(
                request_id=request.request_id, kind=request.kind, description=request.description
            )
        )

    def _notify(self, event: Event) -> None:
        try:
            self._bus.publish_nowait(event, EventPriority.MEDIUM_CONFIG)
        except EventBusError as exc:
            log.info("gate notice %s not published: %s", event.event_type, exc)

    @staticmethod
    def _take(items: list[HeldRequest], request_id: str) -> HeldRequest | None:
        for i, held in enumerate(items):
            if held.request.request_id == request_id:
                return items.pop(i)
        return None
