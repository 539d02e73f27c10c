"""What the Trading tab shows on request: an order's whole chain (the journal's facts and the bus events of its
correlation id), the manual-review list's resolutions, and the drift report with its CSV. No Qt here; the
database reads and the shadow backtest run on the screen's worker thread (``work.submit``)."""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from upbit_auto_trading.application.event_bus import Event
from upbit_auto_trading.application.trading.desk_view import DeskSnapshot
from upbit_auto_trading.application.trading.drift import DriftReport
from upbit_auto_trading.domain.trading.review import ReviewItem
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.kst import to_kst
from upbit_auto_trading.presentation.desktop.trading.contract import ChainLine, TabContext
from upbit_auto_trading.presentation.desktop.trading.reports import drift_view

CHAIN_KEEP = 2000  # trading events kept for the order-chain view (the journal keeps every fact anyway)


class OrderChains:
    """The trading events seen here, by correlation id (the newest ``CHAIN_KEEP`` chains)."""

    def __init__(self) -> None:
        self._chains: dict[str, list[Event]] = {}
        self._order: deque[str] = deque()

    def add(self, event: Event) -> None:
        if not event.correlation_id:
            return
        chain = self._chains.get(event.correlation_id)
        if chain is None:
            chain = self._chains[event.correlation_id] = []
            self._order.append(event.correlation_id)
            while len(self._order) > CHAIN_KEEP:
                self._chains.pop(self._order.popleft(), None)
        chain.append(event)

    def of(self, correlation_id: str) -> list[Event]:
        return list(self._chains.get(correlation_id, [])) if correlation_id else []


class DetailViews:
    """``snapshot()`` is the presenter's last shown snapshot (the review items to resolve come from it);
    ``take_events()`` moves the trading events the bus has handed over since the last tick into ``chains``."""

    def __init__(
        self, tab: TabContext, snapshot: Callable[[], DeskSnapshot], take_events: Callable[[], None]
    ) -> None:
        self._tab = tab
        self._view = tab.view
        self._s = tab.services
        self._snapshot = snapshot
        self._take_events = take_events
        self.chains = OrderChains()
        self._drift: DriftReport | None = None

    # ------------------------------------------------------------------ the manual-review list
    def resolve_review(self, item_id: int) -> None:
        item = next((i for i in self._snapshot().review if i.item_id == item_id), None)
        if item is None:
            return
        read = self._s.read

        def answered(note: str | None) -> None:
            if not note:
                return

            def done(resolved: ReviewItem) -> None:
                self._view.show_status(tr(f"검토 항목 #{resolved.item_id} 해결 ({resolved.market})",
                                          f"Review item #{resolved.item_id} resolved ({resolved.market})"))  # fmt: skip
                self._tab.refresh()

            self._tab.work.submit(lambda _: read.resolve_review(item_id, note), done, self._tab.failed)

        self._view.ask_resolution(item, answered)

    # ------------------------------------------------------------------ order chains
    def show_chain(self, identifier: str, correlation_id: str) -> None:
        """Every recorded fact of one order (the journal) with the bus events of its chain seen here."""

        def done(history: list[dict[str, Any]]) -> None:
            lines = [
                ChainLine(to_kst(r["at"]).strftime("%Y-%m-%d %H:%M:%S"), str(getattr(r["state"], "value", r["state"])),
                          str(r.get("source", "")), str(r.get("detail", "")))
                for r in history
            ]  # fmt: skip
            self._take_events()  # the events of the order that arrived since the last tick are shown too
            for event in self.chains.of(correlation_id):
                lines.append(ChainLine(to_kst(event.timestamp).strftime("%Y-%m-%d %H:%M:%S"), event.event_type,
                                       tr("이벤트", "event"), _event_detail(event)))  # fmt: skip
            lines.sort(key=lambda line: line.at)
            self._view.show_chain(
                tr(f"주문 {identifier}의 기록", f"Order {identifier}: its whole chain"), lines
            )

        read = self._s.read
        self._tab.work.submit(lambda _: read.order_history(identifier), done, self._tab.failed)

    # ------------------------------------------------------------------ drift report
    def show_drift(self, session_id: str) -> None:
        self._view.show_status(
            tr(
                "드리프트 보고서 계산 중 (섀도 백테스트)...",
                "Computing the drift report (shadow backtest)...",
            )
        )

        def done(report: DriftReport) -> None:
            self._drift = report
            self._view.show_status(tr("드리프트 보고서 준비됨", "Drift report ready"))
            self._view.show_drift(drift_view(report))

        shadow = self._s.shadow_backtest
        self._tab.work.submit(lambda _: shadow.execute(session_id), done, self._tab.failed)

    def export_drift(self, path: str) -> None:
        report = self._drift
        if report is None or not path:
            return

        def done(written: Path) -> None:
            self._view.show_status(tr(f"CSV 저장: {written}", f"CSV written: {written}"))

        export = self._s.export_drift_csv
        self._tab.work.submit(lambda _: export.execute(report, Path(path)), done, self._tab.failed)


def _event_detail(event: Event) -> str:
    skip = {"event_id", "timestamp", "source", "correlation_id", "causation_id"}
    parts = [f"{f.name}={getattr(event, f.name)}" for f in dataclasses.fields(event) if f.name not in skip]
    return ", ".join(parts)[:300]
