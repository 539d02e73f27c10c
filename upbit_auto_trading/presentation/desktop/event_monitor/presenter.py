"""Event monitor logic: no Qt. Events arrive through a bus tap into a thread-safe deque (never blocking
the bus); the view's timer calls :meth:`tick` on the GUI thread to drain it."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from upbit_auto_trading.application.event_bus import Event, EventBus, EventPriority
from upbit_auto_trading.application.event_bus.gate import ConfigChangeGate
from upbit_auto_trading.presentation.desktop.event_monitor.model import (
    ChainRow,
    DeadLetterRow,
    EventRow,
    FailureRow,
    HeldRow,
    QueueRow,
    StatsSummary,
    kst,
    kst_full,
)
from upbit_auto_trading.presentation.desktop.i18n import tr

log = logging.getLogger(__name__)
_BASE = {"event_id", "timestamp", "source", "correlation_id", "causation_id"}


class EventMonitorView(Protocol):
    def show_events(self, rows: Sequence[EventRow]) -> None: ...
    def set_event_types(self, types: Sequence[str]) -> None: ...
    def show_stats(self, stats: StatsSummary) -> None: ...
    def show_failures(self, rows: Sequence[FailureRow]) -> None: ...
    def show_dead_letters(self, rows: Sequence[DeadLetterRow]) -> None: ...
    def show_held(self, rows: Sequence[HeldRow]) -> None: ...
    def show_chain(self, correlation_id: str, rows: Sequence[ChainRow]) -> None: ...
    def alert_pending_decisions(self, count: int) -> None: ...
    def show_error(self, message: str) -> None: ...
    def show_info(self, message: str) -> None: ...


def _summary(event: Event) -> str:
    parts = []
    for f in dataclasses.fields(event):
        if f.name not in _BASE:
            parts.append(f"{f.name}={getattr(event, f.name)!s:.60}")
    return ", ".join(parts)[:200]


def _schedule(coro: Awaitable[Any]) -> asyncio.Future[Any]:
    return asyncio.ensure_future(coro)


class EventMonitorPresenter:
    def __init__(
        self,
        view: EventMonitorView,
        bus: EventBus,
        gate: ConfigChangeGate | None = None,
        *,
        history: int = 5000,
        shown: int = 500,
        schedule: Callable[[Awaitable[Any]], asyncio.Future[Any]] = _schedule,
    ) -> None:
        self._view = view
        self._bus = bus
        self._gate = gate
        self._schedule = schedule
        self._feed: deque[tuple[Event, EventPriority]] = deque(maxlen=history)  # appended by the tap
        self._history: deque[tuple[Event, EventPriority]] = deque(maxlen=history)
        self._shown = shown
        self._types: set[str] = set()
        self._priority: EventPriority | None = None
        self._type_filter = ""
        self._paused = False
        self._failures_seen = -1
        self._remove_tap = bus.add_tap(self._on_event)

    # ------------------------------------------------------------------ feed (bus side: must be cheap)
    def _on_event(self, event: Event, priority: EventPriority) -> None:
        self._feed.append((event, priority))

    def close(self) -> None:
        self._remove_tap()

    # ------------------------------------------------------------------ GUI timer
    def start(self) -> None:
        """First fill; tells the user about changes held when the app last stopped."""
        self.tick()
        self.refresh_held()
        self.refresh_dead_letters()
        if self._gate is not None and self._gate.pending_decisions():
            self._view.alert_pending_decisions(len(self._gate.pending_decisions()))

    def tick(self) -> None:
        new = 0
        feed = self._feed
        while feed:
            item = feed.popleft()
            self._history.append(item)
            new += 1
            name = item[0].event_type
            if name not in self._types:
                self._types.add(name)
                self._view.set_event_types(sorted(self._types))
        if new and not self._paused:
            self._show_events()
        stats = self._bus.stats()
        self._view.show_stats(self._stats(stats))
        if stats.handler_failures != self._failures_seen:
            self._failures_seen = stats.handler_failures
            self._view.show_failures(
                [
                    FailureRow(
                        kst(f.at), f.handler, f.event_type, f.attempt, f.final, f.error, f.correlation_id
                    )
                    for f in reversed(stats.recent_failures)
                ]
            )
            self.refresh_dead_letters()
        if new and self._gate is not None:
            self.refresh_held()

    @staticmethod
    def _stats(stats: Any) -> StatsSummary:
        queues = tuple(
            QueueRow(
                p.name,
                stats.queue_depths[p],
                stats.queue_capacity[p],
                stats.published[p],
                stats.dispatched[p],
                stats.dropped[p],
                stats.coalesced[p],
            )
            for p in EventPriority
        )
        return StatsSummary(
            stats.running,
            stats.throughput_per_s,
            stats.handler_failures,
            stats.retries,
            stats.dead_letters,
            stats.total_dropped,
            stats.forced_by_starvation_rule,
            queues,
        )

    # ------------------------------------------------------------------ live events and filters
    def set_priority_filter(self, priority: EventPriority | None) -> None:
        self._priority = priority
        self._show_events()

    def set_type_filter(self, text: str) -> None:
        self._type_filter = text.strip().lower()
        self._show_events()

    def set_paused(self, paused: bool) -> None:
        self._paused = paused
        if not paused:
            self._show_events()

    def clear(self) -> None:
        self._history.clear()
        self._show_events()

    def _show_events(self) -> None:
        rows: list[EventRow] = []
        for event, priority in reversed(self._history):
            if self._priority is not None and priority is not self._priority:
                continue
            if self._type_filter and self._type_filter not in event.event_type.lower():
                continue
            rows.append(self._row(event, priority))
            if len(rows) >= self._shown:
                break
        self._view.show_events(rows)

    @staticmethod
    def _row(event: Event, priority: EventPriority) -> EventRow:
        return EventRow(
            event.event_id,
            kst(event.timestamp),
            priority.name,
            event.event_type,
            event.source,
            event.correlation_id,
            event.causation_id or "",
            _summary(event),
        )

    # ------------------------------------------------------------------ chain view
    def follow_chain(self, correlation_id: str) -> list[ChainRow]:
        """Every event of the chain still in the history, as a causation tree (parents before children)."""
        correlation_id = correlation_id.strip()
        members = [(e, p) for e, p in self._history if e.correlation_id == correlation_id]
        by_id = {e.event_id: (e, p) for e, p in members}
        children: dict[str | None, list[tuple[Event, EventPriority]]] = {}
        for e, p in members:
            parent = e.causation_id if e.causation_id in by_id else None
            children.setdefault(parent, []).append((e, p))
        rows: list[ChainRow] = []

        def walk(parent: str | None, depth: int) -> None:
            for e, p in sorted(children.get(parent, []), key=lambda item: item[0].timestamp):
                rows.append(ChainRow(depth, kst(e.timestamp), e.event_type, e.source, e.event_id, p.name))
                walk(e.event_id, depth + 1)

        walk(None, 0)
        self._view.show_chain(correlation_id, rows)
        return rows

    def follow_event(self, event_id: str) -> list[ChainRow]:
        for e, _ in self._history:
            if e.event_id == event_id:
                return self.follow_chain(e.correlation_id)
        return self.follow_chain(event_id)

    # ------------------------------------------------------------------ dead letters
    def refresh_dead_letters(self) -> asyncio.Future[Any]:
        return self._run(self._load_dead_letters())

    async def _load_dead_letters(self) -> None:
        letters = await self._bus.dead_letters()
        self._view.show_dead_letters(
            [
                DeadLetterRow(
                    d.letter_id,
                    kst_full(d.failed_at),
                    d.priority.name,
                    d.event.event_type,
                    d.handler,
                    d.attempts,
                    d.error,
                )
                for d in reversed(letters)
            ]
        )

    def retry_dead_letter(self, letter_id: str) -> asyncio.Future[Any]:
        async def go() -> None:
            ok = await self._bus.retry_dead_letter(letter_id)
            self._view.show_info(
                tr("다시 전달했습니다.", "Delivered again.")
                if ok
                else tr(
                    "다시 실패했습니다. 재시도 후 다시 기록됩니다.",
                    "It failed again; it will be retried and recorded again.",
                )
            )
            await self._load_dead_letters()

        return self._run(go())

    def discard_dead_letter(self, letter_id: str) -> asyncio.Future[Any]:
        async def go() -> None:
            await self._bus.discard_dead_letter(letter_id)
            await self._load_dead_letters()

        return self._run(go())

    # ------------------------------------------------------------------ held config changes
    def refresh_held(self) -> None:
        if self._gate is None:
            self._view.show_held([])
            return
        rows = [
            HeldRow(
                h.request.request_id,
                h.request.kind,
                h.request.description,
                kst_full(h.held_at),
                "held",
                h.last_error,
            )
            for h in self._gate.held_requests()
        ] + [
            HeldRow(
                h.request.request_id,
                h.request.kind,
                h.request.description,
                kst_full(h.held_at),
                "decision",
                h.last_error,
            )
            for h in self._gate.pending_decisions()
        ]
        self._view.show_held(rows)

    def cancel_held(self, request_id: str) -> asyncio.Future[Any]:
        async def go() -> None:
            assert self._gate is not None
            await self._gate.cancel(request_id)
            self.refresh_held()

        return self._run(go())

    def apply_pending(self, request_id: str) -> asyncio.Future[Any]:
        async def go() -> None:
            assert self._gate is not None
            outcome = await self._gate.apply_pending(request_id)
            if outcome.status == "applied":
                self._view.show_info(tr("적용했습니다.", "Applied."))
            elif outcome.status == "held":
                self._view.show_info(
                    tr("거래 중이라 보류했습니다: ", "Held while trading: ") + outcome.reason
                )
            else:
                self._view.show_error(outcome.reason)
            self.refresh_held()

        return self._run(go())

    # ------------------------------------------------------------------ helpers
    def _run(self, coro: Awaitable[None]) -> asyncio.Future[Any]:
        async def guarded() -> None:
            try:
                await coro
            except Exception as exc:  # noqa: BLE001 - shown to the user, logged with the traceback
                log.exception("event monitor action failed")
                self._view.show_error(str(exc))

        return self._schedule(guarded())
