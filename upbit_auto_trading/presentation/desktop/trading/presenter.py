"""Trading tab logic: start sessions (live behind its checks), follow them through the bus, stop them, the
emergency stop, the manual-review list, order chains, the drift report. No Qt here.

The engine's commands are coroutines run on the GUI's event loop (``work.submit_async``: the engine awaits
the network, it never blocks the loop); everything that reads the databases (the tables, the chart, the
drift report) runs on the screen's worker thread (``work.submit``). The view is refreshed after trading
events arrive on the bus (a tap that only queues them), batched by the view's timer, never by polling the
databases on the GUI thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from upbit_auto_trading.application.event_bus import Event, EventPriority
from upbit_auto_trading.application.trading.desk import DeskOpened
from upbit_auto_trading.application.trading.desk_view import ChartData, DeskSnapshot, chart_choice
from upbit_auto_trading.application.trading.drift import DriftReport
from upbit_auto_trading.application.trading.engine import StartRequest
from upbit_auto_trading.application.trading.live_check import LiveConnection
from upbit_auto_trading.application.trading.promotion import PaperRecord
from upbit_auto_trading.domain.trading import events as trading_events
from upbit_auto_trading.domain.trading.review import ReviewItem
from upbit_auto_trading.domain.trading.session import TradingMode, TradingSession
from upbit_auto_trading.domain.work import OperationCancelled
from upbit_auto_trading.presentation.desktop.background import BackgroundWork, JobContext
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.kst import to_kst
from upbit_auto_trading.presentation.desktop.trading.model import (
    Line,
    StartForm,
    fill_line,
    krw,
    mode_label,
    order_line,
    parse_start,
    position_line,
    review_line,
    session_line,
)
from upbit_auto_trading.presentation.desktop.trading.reports import DriftView, drift_view, record_lines
from upbit_auto_trading.presentation.desktop.trading.services import TradingServices

log = logging.getLogger(__name__)

TRADING_EVENTS: tuple[type[Event], ...] = tuple(
    klass for klass in vars(trading_events).values()
    if isinstance(klass, type) and issubclass(klass, Event) and klass is not Event
)  # fmt: skip
CHAIN_KEEP = 2000  # trading events kept for the order-chain view (the journal keeps every fact anyway)
SLOW_REFRESH_TICKS = 20  # with sessions followed, prices are re-read every 20 ticks (5 s) even without events


@dataclass(frozen=True)
class LivePrompt:
    """What the live confirmation shows before the user types the profile's name."""

    profile: str
    strategy: str
    markets: tuple[str, ...]
    budget: str
    connection: str  # what the connection test found
    record: tuple[str, ...]  # the paper record (promotion check)
    never_on_paper: bool


@dataclass(frozen=True)
class LiveAnswer:
    typed: str  # what the user typed as the profile's name
    accept_without_paper: bool = False


@dataclass(frozen=True)
class ChainLine:
    at: str  # KST
    what: str  # intent, sent, open, fill..., or the event's type
    source: str
    detail: str


class TradingView(Protocol):
    def show_strategies(self, names: Sequence[str]) -> None: ...
    def show_series(self, markets: Sequence[str], timeframes: Sequence[str]) -> None: ...
    def form(self) -> StartForm: ...
    def set_starting(self, starting: bool) -> None: ...
    def show_sessions(self, lines: Sequence[Line]) -> None: ...
    def show_positions(self, lines: Sequence[Line]) -> None: ...
    def show_orders(self, lines: Sequence[Line]) -> None: ...
    def show_fills(self, lines: Sequence[Line]) -> None: ...
    def show_review(self, lines: Sequence[Line]) -> None: ...
    def show_chart_choices(
        self, choices: Sequence[tuple[str, str]], current: tuple[str, str] | None
    ) -> None: ...
    def show_chart(self, chart: ChartData | None) -> None: ...
    def show_live(self, running: int) -> None: ...
    def show_banner(self, text: str) -> None: ...
    def show_status(self, text: str) -> None: ...
    def show_error(self, text: str) -> None: ...
    def ask_live_confirmation(
        self, prompt: LivePrompt, answer: Callable[[LiveAnswer | None], None]
    ) -> None: ...
    def ask_emergency(self, answer: Callable[[bool | None], None]) -> None:
        """Ask once; ``answer(flatten)`` when confirmed, ``answer(None)`` when cancelled."""
        ...

    def ask_resolution(self, item: ReviewItem, answer: Callable[[str | None], None]) -> None: ...
    def show_chain(self, title: str, lines: Sequence[ChainLine]) -> None: ...
    def show_drift(self, view: DriftView) -> None: ...


def _message(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


class TradingPresenter:
    def __init__(self, view: TradingView, services: TradingServices, work: BackgroundWork) -> None:
        self._view = view
        self._s = services
        self._work = work
        self._desk = services.desk
        self._feed: deque[Event] = deque(maxlen=CHAIN_KEEP)  # appended by the bus tap
        self._chains: dict[str, list[Event]] = {}
        self._chain_order: deque[str] = deque()
        self._reading = False
        self._dirty = False
        self._chart: tuple[str, str] | None = None
        self._snapshot = DeskSnapshot()
        self._ticks = 0
        self._generation = 0
        self._starting = False
        self._closed = False
        self._drift: DriftReport | None = None
        self._remove_tap = services.bus.add_tap(self._on_event)

    # ------------------------------------------------------------------ life cycle
    def start(self) -> None:
        """Fill the form, show what the journal holds, then take the engine and resume its sessions."""
        self.reload_choices()
        self.refresh()
        self._view.show_status(tr("엔진을 여는 중...", "Opening the engine..."))
        self._work.submit_async(self._open, self._opened, self._failed)

    async def _open(self, context: JobContext) -> DeskOpened:
        opened = await self._desk.open()
        self._generation = opened.generation
        return opened

    def _opened(self, opened: DeskOpened) -> None:
        if opened.elsewhere:
            self._view.show_banner(tr(
                f"다른 프로세스가 이 프로필의 매매 엔진을 실행 중입니다. 여기서는 보기와 중지 요청만 됩니다.\n{opened.elsewhere}",
                f"Another process runs this profile's trading engine: this tab shows its sessions and can ask it "
                f"to stop.\n{opened.elsewhere}",
            ))  # fmt: skip
        elif opened.resumed:
            parts = [tr(f"{r.session_id}: 조회 {r.looked_up}, 미주문 {r.not_placed}, 검토 {r.review_items}",
                        f"{r.session_id}: {r.looked_up} looked up, {r.not_placed} not placed, {r.review_items} to review")
                     for r in opened.resumed]  # fmt: skip
            self._view.show_status(tr("세션을 이어서 실행합니다 (대사 완료) - ", "Sessions resumed, reconciled - ")
                                   + "; ".join(parts))  # fmt: skip
        else:
            self._view.show_status(tr("준비", "Ready"))
        self.refresh()

    def close(self) -> None:
        """The screen is going away: stop listening; the engine lets go of the sessions only if no newer
        screen opened it since (a rebuild after a profile switch opens it again first)."""
        if self._closed:
            return
        self._closed = True
        self._remove_tap()
        if self._generation:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return  # no loop any more: the process is ending; the next start resumes the sessions
            loop.create_task(self._desk.close(self._generation))

    def reload_choices(self) -> None:
        def load(_: JobContext) -> tuple[list[str], list[str], list[str]]:
            names = [s.name for s in self._s.list_strategies.execute()]
            series = self._s.list_series.execute(with_gaps=False)
            markets = sorted({s.market for s in series})
            frames = sorted({s.timeframe for s in series}, key=_timeframe_order)
            return names, markets, frames

        def done(result: tuple[list[str], list[str], list[str]]) -> None:
            names, markets, frames = result
            self._view.show_strategies(names)
            self._view.show_series(markets, frames)

        self._work.submit(load, done, self._failed)

    # ------------------------------------------------------------------ the bus
    def _on_event(self, event: Event, priority: EventPriority) -> None:
        """A bus tap (the bus's loop thread): only queue, never touch the view or a database here."""
        if isinstance(event, TRADING_EVENTS):
            self._feed.append(event)

    def tick(self) -> None:
        """The view's timer (GUI thread): take the queued events; refresh once for the batch."""
        new = 0
        while self._feed:
            event = self._feed.popleft()
            new += 1
            if event.correlation_id:
                chain = self._chains.get(event.correlation_id)
                if chain is None:
                    chain = self._chains[event.correlation_id] = []
                    self._chain_order.append(event.correlation_id)
                    while len(self._chain_order) > CHAIN_KEEP:
                        self._chains.pop(self._chain_order.popleft(), None)
                chain.append(event)
        self._ticks += 1
        self._view.show_live(self._desk.live_count())
        if new or (self._ticks % SLOW_REFRESH_TICKS == 0 and self._desk.live()):
            self.refresh()

    # ------------------------------------------------------------------ the tables and the chart
    def refresh(self) -> None:
        """Read the journal off the GUI thread; a refresh asked for while one runs is done right after it."""
        if self._reading:
            self._dirty = True
            return
        self._reading = True
        self._dirty = False
        live = self._desk.live()  # the engine's memory, read here on its own (the GUI) thread
        chart = self._chart

        def read(_: JobContext) -> DeskSnapshot:
            return self._s.read.execute(live, chart=chart)

        self._work.submit(read, self._show, self._read_failed)

    def _read_failed(self, exc: Exception) -> None:
        self._reading = False
        self._failed(exc)

    def _show(self, snap: DeskSnapshot) -> None:
        self._reading = False
        self._snapshot = snap
        v = self._view
        v.show_sessions([session_line(s) for s in snap.sessions])
        v.show_positions([position_line(p) for p in snap.positions])
        v.show_orders([order_line(o) for o in snap.open_orders])
        v.show_fills([fill_line(f) for f in snap.fills])
        v.show_review([review_line(i) for i in snap.review])
        choices = [
            (s.session_id, m) for s in snap.sessions if s.state == "running" or s.followed for m in s.markets
        ]
        current = chart_choice(snap.sessions, self._chart)
        if current is not None and current not in choices:
            choices.insert(0, current)
        v.show_chart_choices(choices, current)
        if snap.chart is None and current is not None and current != self._chart:
            self._chart = current  # nothing was charted yet: chart the newest running session
            self._dirty = True
        v.show_chart(snap.chart)
        v.show_live(self._desk.live_count())
        if self._dirty and not self._closed:
            self.refresh()

    def select_chart(self, session_id: str, market: str) -> None:
        if (session_id, market) != self._chart:
            self._chart = (session_id, market)
            self.refresh()

    @property
    def snapshot(self) -> DeskSnapshot:
        return self._snapshot

    # ------------------------------------------------------------------ starting
    def start_session(self) -> None:
        if self._starting:
            return
        try:
            request = parse_start(self._view.form())
        except ValueError as exc:
            self._view.show_error(str(exc))
            return
        if request.mode is TradingMode.LIVE:
            self._check_live(request)
        else:
            self._launch(request, "")

    def _set_starting(self, starting: bool) -> None:
        self._starting = starting
        self._view.set_starting(starting)

    def _check_live(self, request: StartRequest) -> None:
        profile = self._s.active_profile()
        environment = self._s.active_environment()
        if environment != "production":
            self._view.show_error(tr(
                f"실거래는 운영(production) 프로필에서만 가능합니다. '{profile}'은(는) {environment} 프로필입니다.",
                f"Live trading runs only on a production profile; '{profile}' is {environment}.",
            ))  # fmt: skip
            return
        self._set_starting(True)
        self._view.show_status(tr("API 키 연결 확인 중...", "Testing the API keys' connection..."))

        async def checks(_: JobContext) -> tuple[LiveConnection, PaperRecord]:
            connection = await self._s.check_live_connection.execute(request.api_url)
            record = await asyncio.to_thread(self._s.promotion_check.execute, request.strategy)
            return connection, record

        def ask(result: tuple[LiveConnection, PaperRecord]) -> None:
            connection, record = result
            prompt = LivePrompt(
                profile=profile, strategy=record.strategy, markets=request.markets, budget=krw(request.budget),
                connection=tr(f"연결 확인됨: KRW {krw(connection.krw)}원 사용 가능",
                              f"Connection test passed: {krw(connection.krw)} KRW available"),
                record=tuple(record_lines(record)), never_on_paper=record.never_on_paper,
            )  # fmt: skip
            self._view.ask_live_confirmation(
                prompt, lambda answer: self._answered(request, profile, record, answer)
            )

        self._work.submit_async(checks, ask, self._start_failed)

    def _answered(
        self, request: StartRequest, profile: str, record: PaperRecord, answer: LiveAnswer | None
    ) -> None:
        if answer is None:
            self._set_starting(False)
            self._view.show_status(tr("실거래 시작을 취소했습니다.", "Live start cancelled."))
            return
        if answer.typed.strip() != profile:
            self._set_starting(False)
            self._view.show_error(tr(
                f"프로필 이름이 맞지 않아 실거래를 시작하지 않았습니다 ('{profile}'을(를) 정확히 입력하세요).",
                f"The profile's name does not match: live trading was not started (type '{profile}' exactly).",
            ))  # fmt: skip
            return
        missing = record.never_on_paper and not answer.accept_without_paper
        self._launch(dataclasses.replace(request, paper_record_missing=missing), answer.typed.strip())

    def _launch(self, request: StartRequest, confirmation: str) -> None:
        self._set_starting(True)
        self._view.show_status(tr(f"{mode_label(request.mode.value)} 세션 시작 중...",
                                  f"Starting a {mode_label(request.mode.value).lower()} session..."))  # fmt: skip

        async def start(_: JobContext) -> TradingSession:
            return await self._desk.start(request, confirmation)

        self._work.submit_async(start, self._started, self._start_failed)

    def _started(self, session: TradingSession) -> None:
        self._set_starting(False)
        self._chart = (session.session_id, session.markets[0])
        self._view.show_status(tr(
            f"세션 {session.session_id} 시작: {session.strategy_name} ({', '.join(session.markets)}, "
            f"{mode_label(session.mode.value)})",
            f"Session {session.session_id} started: {session.strategy_name} on {', '.join(session.markets)} "
            f"({mode_label(session.mode.value)})",
        ))  # fmt: skip
        self.refresh()

    def _start_failed(self, exc: Exception) -> None:
        self._set_starting(False)
        self._failed(exc)

    def resume_session(self, session_id: str) -> None:
        from upbit_auto_trading.application.trading.engine import ReplayWindow

        speed = parse_speed(self._view.form().speed_ms)

        async def resume(_: JobContext) -> TradingSession:
            return await self._desk.resume(session_id, ReplayWindow(speed_ms=speed))

        self._work.submit_async(resume, self._started, self._failed)

    # ------------------------------------------------------------------ stopping
    def stop_session(self, session_id: str, *, flatten: bool) -> None:
        self._view.show_status(tr(f"{session_id} 중지 중...", f"Stopping {session_id}..."))

        async def stop(_: JobContext) -> None:
            await self._desk.stop(session_id, flatten=flatten)

        def done(_: None) -> None:
            self._view.show_status(
                tr(f"{session_id} 중지됨", f"{session_id} stopped")
                + (
                    tr(" (포지션 매도)", " (positions sold)")
                    if flatten
                    else tr(" (포지션 유지)", " (positions kept)")
                )
            )
            self.refresh()

        self._work.submit_async(stop, done, self._failed)

    def emergency_stop(self) -> None:
        """Ask once, then cancel every open order (and sell everything when asked). Goes straight to the
        engine: never through the config-change gate, never behind another job of this screen."""
        self._view.ask_emergency(self._emergency_answered)

    def _emergency_answered(self, flatten: bool | None) -> None:
        if flatten is None:
            return
        self._view.show_status(tr("긴급 정지 중...", "Emergency stop..."))

        async def halt(_: JobContext) -> list[str]:
            return await self._desk.emergency_stop(flatten=flatten)

        def done(problems: list[str]) -> None:
            if problems:
                self._view.show_error(tr("긴급 정지 중 문제:\n", "Problems during the emergency stop:\n")
                                      + "\n".join(problems))  # fmt: skip
            self._view.show_status(
                tr("긴급 정지 완료: 미체결 주문 취소", "Emergency stop done: open orders cancelled")
                + (tr(", 전 포지션 매도", ", every position sold") if flatten else "")
            )
            self.refresh()

        self._work.submit_async(halt, done, self._failed)

    # ------------------------------------------------------------------ the manual-review list
    def resolve_review(self, item_id: int) -> None:
        item = next((i for i in self._snapshot.review if i.item_id == item_id), None)
        if item is None:
            return

        def answered(note: str | None) -> None:
            if not note:
                return

            def done(resolved: ReviewItem) -> None:
                self._view.show_status(tr(f"검토 항목 #{resolved.item_id} 해결 ({resolved.market})",
                                          f"Review item #{resolved.item_id} resolved ({resolved.market})"))  # fmt: skip
                self.refresh()

            self._work.submit(lambda _: self._s.read.resolve_review(item_id, note), done, self._failed)

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
            for event in self._chains.get(correlation_id, []) if correlation_id else []:
                lines.append(ChainLine(to_kst(event.timestamp).strftime("%Y-%m-%d %H:%M:%S"), event.event_type,
                                       tr("이벤트", "event"), _event_detail(event)))  # fmt: skip
            lines.sort(key=lambda line: line.at)
            self._view.show_chain(
                tr(f"주문 {identifier}의 기록", f"Order {identifier}: its whole chain"), lines
            )

        self._work.submit(lambda _: self._s.read.order_history(identifier), done, self._failed)

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

        self._work.submit(lambda _: self._s.shadow_backtest.execute(session_id), done, self._failed)

    def export_drift(self, path: str) -> None:
        report = self._drift
        if report is None or not path:
            return

        def done(written: Path) -> None:
            self._view.show_status(tr(f"CSV 저장: {written}", f"CSV written: {written}"))

        self._work.submit(lambda _: self._s.export_drift_csv.execute(report, Path(path)), done, self._failed)

    # ------------------------------------------------------------------ errors
    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, OperationCancelled):
            return
        log.warning("trading tab: %s", exc)
        self._view.show_error(_message(exc))


def parse_speed(text: str) -> float:
    from upbit_auto_trading.presentation.desktop.trading.model import DEFAULT_REPLAY_SPEED_MS

    try:
        value = float(text) if text.strip() else DEFAULT_REPLAY_SPEED_MS
    except ValueError:
        return DEFAULT_REPLAY_SPEED_MS
    return value if value >= 0 else DEFAULT_REPLAY_SPEED_MS


def _event_detail(event: Event) -> str:
    skip = {"event_id", "timestamp", "source", "correlation_id", "causation_id"}
    parts = [f"{f.name}={getattr(event, f.name)}" for f in dataclasses.fields(event) if f.name not in skip]
    return ", ".join(parts)[:300]


def _timeframe_order(code: str) -> tuple[int, str]:
    unit = {"m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2592000}
    digits = "".join(ch for ch in code if ch.isdigit()) or "1"
    return int(digits) * unit.get(code[-1:], 1), code
