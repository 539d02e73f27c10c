"""Trading tab logic: follow the sessions through the bus and show them; the rest is in its pieces, which
this presenter puts together and the view calls through it: ``starting.py`` (the form, live mode behind its
checks), ``commands.py`` (stop, emergency stop), ``details.py`` (order chains, the review list, the drift
report). No Qt here.

Threads: the engine runs on a thread and event loop of its own (``application/trading/engine_host.py``); the
desk's commands are ``work.submit_async`` jobs on the GUI's loop that await the desk, which runs them there
and hands the result back, so every ``on_done``/``on_error`` arrives on the GUI thread. Everything that reads
the databases (the tables, the chart, the drift report) runs on the screen's worker thread (``work.submit``).
The view is refreshed after trading events arrive on the bus (a tap that only queues them), batched by the
view's timer, never by polling the databases on the GUI thread; what the engine holds in memory (prices,
armed rules, risk state) is the desk's ``live()`` snapshot, which never waits for the engine.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Sequence

from upbit_auto_trading.application.event_bus import Event, EventPriority
from upbit_auto_trading.application.trading.desk import DeskOpened
from upbit_auto_trading.application.trading.desk_view import DeskSnapshot, chart_choice
from upbit_auto_trading.domain.trading import events as trading_events
from upbit_auto_trading.domain.trading.session import TradingSession
from upbit_auto_trading.domain.work import OperationCancelled
from upbit_auto_trading.presentation.desktop.background import BackgroundWork, JobContext
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.trading.commands import SessionCommands
from upbit_auto_trading.presentation.desktop.trading.contract import (
    ChainLine,
    LiveAnswer,
    LivePrompt,
    TabContext,
    TradingView,
)
from upbit_auto_trading.presentation.desktop.trading.details import CHAIN_KEEP, DetailViews
from upbit_auto_trading.presentation.desktop.trading.model import (
    fill_line,
    order_line,
    position_line,
    review_line,
    session_line,
)
from upbit_auto_trading.presentation.desktop.trading.services import TradingServices
from upbit_auto_trading.presentation.desktop.trading.starting import StartFlow, parse_speed

__all__ = ["ChainLine", "LiveAnswer", "LivePrompt", "TradingPresenter", "TradingView", "parse_speed"]

log = logging.getLogger(__name__)

TRADING_EVENTS: tuple[type[Event], ...] = tuple(
    klass for klass in vars(trading_events).values()
    if isinstance(klass, type) and issubclass(klass, Event) and klass is not Event
)  # fmt: skip
SLOW_REFRESH_TICKS = 20  # with sessions followed, prices are re-read every 20 ticks (5 s) even without events


def _message(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


class TradingPresenter:
    def __init__(self, view: TradingView, services: TradingServices, work: BackgroundWork) -> None:
        self._view = view
        self._s = services
        self._work = work
        self._desk = services.desk
        self._feed: deque[Event] = deque(maxlen=CHAIN_KEEP)  # appended by the bus tap
        self._unshown = 0  # trading events taken from the feed since the last refresh of the tables
        self._reading = False
        self._dirty = False
        self._then: list[Callable[[], None]] = []  # for the next read (``refresh(then=...)``)
        self._chart: tuple[str, str] | None = None
        self._snapshot = DeskSnapshot()
        self._ticks = 0
        self._generation = 0
        self._closed = False
        tab = TabContext(view, services, work, self.refresh, self._failed)
        self._starts = StartFlow(tab, self._chart_started)
        self._commands = SessionCommands(tab)
        self._details = DetailViews(tab, lambda: self._snapshot, self._take_events)
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
            resumed = tr("세션을 이어서 실행합니다 (대사 완료) - ", "Sessions resumed, reconciled - ")
            text = resumed + "; ".join(parts)
            # said once the tables show them followed here (a read begun before the resume shows them not)
            self.refresh(then=lambda: self._view.show_status(text))
            return
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

    def _take_events(self) -> None:
        """Move the events the tap queued into the order chains (GUI thread)."""
        while self._feed:
            self._details.chains.add(self._feed.popleft())
            self._unshown += 1

    def tick(self) -> None:
        """The view's timer (GUI thread): take the queued events; refresh once for the batch."""
        self._take_events()
        new, self._unshown = self._unshown, 0
        self._ticks += 1
        self._view.show_live(self._desk.live_count())
        if new or (self._ticks % SLOW_REFRESH_TICKS == 0 and self._desk.live()):
            self.refresh()

    # ------------------------------------------------------------------ the tables and the chart
    def refresh(self, then: Callable[[], None] | None = None) -> None:
        """Read the journal off the GUI thread; a refresh asked for while one runs is done right after it.
        ``then`` runs once a read begun after this call is shown (or has failed)."""
        if then is not None:
            self._then.append(then)
        if self._reading:
            self._dirty = True
            return
        self._reading = True
        self._dirty = False
        after, self._then = self._then, []
        # the engine's memory as the desk's last snapshot: never waits for the engine
        live = self._desk.live()
        chart = self._chart

        def read(_: JobContext) -> DeskSnapshot:
            return self._s.read.execute(live, chart=chart)

        def failed(exc: Exception) -> None:
            self._read_failed(exc)
            _run_all(after)

        self._work.submit(read, lambda snap: self._show(snap, after), failed)

    def _read_failed(self, exc: Exception) -> None:
        self._reading = False
        self._failed(exc)

    def _show(self, snap: DeskSnapshot, after: Sequence[Callable[[], None]] = ()) -> None:
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
        _run_all(after)
        if self._dirty and not self._closed:
            self.refresh()

    def select_chart(self, session_id: str, market: str) -> None:
        if (session_id, market) != self._chart:
            self._chart = (session_id, market)
            self.refresh()

    def _chart_started(self, session: TradingSession) -> None:
        """A session started or resumed here: chart it."""
        self._chart = (session.session_id, session.markets[0])
        self.refresh()

    @property
    def snapshot(self) -> DeskSnapshot:
        return self._snapshot

    # ------------------------------------------------------------------ what the view asks (the pieces)
    def start_session(self) -> None:
        self._starts.start_session()

    def resume_session(self, session_id: str) -> None:
        self._starts.resume_session(session_id)

    def stop_session(self, session_id: str, *, flatten: bool) -> None:
        self._commands.stop_session(session_id, flatten=flatten)

    def emergency_stop(self) -> None:
        """Ask once, then cancel every open order (and sell everything when asked): ``commands.py``."""
        self._commands.emergency_stop()

    def resolve_review(self, item_id: int) -> None:
        self._details.resolve_review(item_id)

    def show_chain(self, identifier: str, correlation_id: str) -> None:
        self._details.show_chain(identifier, correlation_id)

    def show_drift(self, session_id: str) -> None:
        self._details.show_drift(session_id)

    def export_drift(self, path: str) -> None:
        self._details.export_drift(path)

    # ------------------------------------------------------------------ errors
    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, OperationCancelled):
            return
        log.warning("trading tab: %s", exc)
        self._view.show_error(_message(exc))


def _run_all(callbacks: Sequence[Callable[[], None]]) -> None:
    for callback in callbacks:
        callback()


def _timeframe_order(code: str) -> tuple[int, str]:
    unit = {"m": 60, "h": 3600, "d": 86400, "w": 604800, "M": 2592000}
    digits = "".join(ch for ch in code if ch.isdigit()) or "1"
    return int(digits) * unit.get(code[-1:], 1), code
