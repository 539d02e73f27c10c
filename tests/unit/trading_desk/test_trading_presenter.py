"""The Trading tab's presenter against a fake view (no window): the live start's checks and confirmation, the
emergency stop asked once, refreshes driven by bus events (batched), order chains, the review list."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from upbit_auto_trading.application.event_bus import EventBus, EventPriority
from upbit_auto_trading.application.trading.desk import DeskOpened, Resumed
from upbit_auto_trading.application.trading.desk_view import DeskSnapshot, SessionRow
from upbit_auto_trading.application.trading.live_check import LiveConnection
from upbit_auto_trading.application.trading.promotion import PaperRecord
from upbit_auto_trading.domain.events import Event
from upbit_auto_trading.domain.trading.events import OrderFilled, OrderPlaced
from upbit_auto_trading.domain.trading.review import ReviewItem, ReviewKind
from upbit_auto_trading.domain.trading.session import TradingMode, TradingSession
from upbit_auto_trading.presentation.desktop.background import ImmediateBackgroundWork
from upbit_auto_trading.presentation.desktop.i18n import set_language
from upbit_auto_trading.presentation.desktop.trading.model import StartForm
from upbit_auto_trading.presentation.desktop.trading.presenter import LiveAnswer, TradingPresenter
from upbit_auto_trading.presentation.desktop.trading.services import TradingServices

NOW = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


@dataclass(frozen=True, kw_only=True)
class Unrelated(Event):
    n: int = 0


class FakeView:
    def __init__(self, form: StartForm) -> None:
        self._form = form
        self.calls: list[tuple[str, Any]] = []
        self.errors: list[str] = []
        self.status: list[str] = []
        self.live_answer: LiveAnswer | None = None
        self.emergency_answer: bool | None = None
        self.resolution: str | None = None
        self.prompts: list[Any] = []
        self.chains: list[tuple[str, list[Any]]] = []
        self.sessions: list[Any] = []

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: self.calls.append((name, args))

    def form(self) -> StartForm:
        return self._form

    def show_error(self, text: str) -> None:
        self.errors.append(text)

    def show_status(self, text: str) -> None:
        self.status.append(text)

    def show_sessions(self, lines: Any) -> None:
        self.sessions = list(lines)

    def ask_live_confirmation(self, prompt: Any, answer: Any) -> None:
        self.prompts.append(prompt)
        answer(self.live_answer)

    def ask_emergency(self, answer: Any) -> None:
        self.calls.append(("ask_emergency", ()))
        answer(self.emergency_answer)

    def ask_resolution(self, item: Any, answer: Any) -> None:
        answer(self.resolution)

    def show_chain(self, title: str, lines: Any) -> None:
        self.chains.append((title, list(lines)))


@dataclass
class FakeDesk:
    starts: list[tuple[Any, str]] = field(default_factory=list)
    emergencies: list[bool] = field(default_factory=list)
    stops: list[tuple[str, bool]] = field(default_factory=list)
    opened: DeskOpened = DeskOpened(generation=1)
    live_sessions: int = 0

    async def open(self) -> DeskOpened:
        return self.opened

    async def start(self, request: Any, confirmation: str = "") -> TradingSession:
        self.starts.append((request, confirmation))
        return TradingSession(session_id="s-1", strategy_name=request.strategy, strategy_id=1, strategy_version=1,
                              mode=request.mode, markets=request.markets, timeframe=request.timeframe,
                              budget=request.budget, fee_rate=Decimal("0.0005"), slippage_rate=Decimal(0),
                              started_at=NOW)  # fmt: skip

    async def stop(self, session_id: str, *, flatten: bool = False) -> None:
        self.stops.append((session_id, flatten))

    async def emergency_stop(self, *, flatten: bool = False) -> list[str]:
        self.emergencies.append(flatten)
        return []

    async def close(self, generation: int | None = None) -> None:
        return None

    def live(self) -> dict[str, Any]:
        return {}

    def live_count(self) -> int:
        return self.live_sessions


@dataclass
class FakeRead:
    reads: int = 0
    snapshot: DeskSnapshot = DeskSnapshot()
    resolved: list[tuple[int, str]] = field(default_factory=list)

    def execute(self, live: Any, *, chart: Any = None) -> DeskSnapshot:
        self.reads += 1
        return self.snapshot

    def order_history(self, identifier: str) -> list[dict[str, Any]]:
        return [{"at": NOW, "state": "intent", "source": "intent", "detail": ""},
                {"at": NOW.replace(second=6), "state": "done", "source": "rest", "detail": "filled"}]  # fmt: skip

    def resolve_review(self, item_id: int, note: str) -> ReviewItem:
        self.resolved.append((item_id, note))
        return ReviewItem(
            item_id, ReviewKind.BALANCE_MISMATCH, "KRW-BTC", "x", NOW, resolved_at=NOW, resolution=note
        )


class Named:
    def __init__(self, name: str) -> None:
        self.name = name


class FakeStrategies:
    def execute(self, search: str = "") -> list[Named]:
        return [Named("Drill")]


class FakeSeries:
    def execute(self, with_gaps: bool = True) -> list[Any]:
        return []


class FakePromotion:
    def __init__(self, never: bool) -> None:
        self.never = never

    def execute(self, strategy: str) -> PaperRecord:
        record = PaperRecord(strategy=strategy, strategy_id=1, version=1)
        if not self.never:
            from upbit_auto_trading.application.trading.promotion import SessionRecord

            record.paper.append(SessionRecord("p-1", 1, "stopped", NOW, NOW, Decimal(3), 4, None))
        return record


class FakeConnection:
    def __init__(self, fails: bool = False) -> None:
        self.fails = fails
        self.calls = 0

    async def execute(self, api_url: str = "") -> LiveConnection:
        self.calls += 1
        if self.fails:
            from upbit_auto_trading.application.trading.live_check import LiveConnectionRefused

            raise LiveConnectionRefused("The stored API keys did not pass the connection test: 401")
        return LiveConnection(api_url, Decimal("123456"), 2)


def _form(mode: str = "replay", budget: str = "1,000,000") -> StartForm:
    return StartForm(strategy="Drill", markets="KRW-BTC, KRW-ETH", timeframe="1h", mode=mode, budget=budget,
                     replay_from="2021-01-01", replay_to="2021-01-05", speed_ms="0")  # fmt: skip


def _presenter(view: FakeView, *, environment: str = "production", never: bool = True, fails: bool = False,
               hold: bool = False) -> tuple[TradingPresenter, FakeDesk, FakeRead, ImmediateBackgroundWork, Any]:  # fmt: skip
    set_language("en")
    desk, read, bus = FakeDesk(), FakeRead(), EventBus()
    connection = FakeConnection(fails)
    services = TradingServices(
        desk=desk, read=read, list_strategies=FakeStrategies(), list_series=FakeSeries(),  # type: ignore[arg-type]
        shadow_backtest=None, export_drift_csv=None, promotion_check=FakePromotion(never),  # type: ignore[arg-type]
        check_live_connection=connection, bus=bus, active_profile=lambda: "production",  # type: ignore[arg-type]
        active_environment=lambda: environment,
    )  # fmt: skip
    work = ImmediateBackgroundWork(hold=hold)
    return TradingPresenter(view, services, work), desk, read, work, (bus, connection)


def test_a_replay_is_started_with_the_form_and_the_markets_split() -> None:
    view = FakeView(_form())
    presenter, desk, _, _, _ = _presenter(view)
    presenter.start_session()
    ((request, confirmation),) = desk.starts
    assert request.mode is TradingMode.REPLAY and request.markets == ("KRW-BTC", "KRW-ETH")
    assert request.budget == Decimal(1000000) and request.replay.speed_ms == 0.0 and confirmation == ""
    assert any("started" in s for s in view.status)


def test_a_bad_form_starts_nothing_and_says_why() -> None:
    view = FakeView(_form(budget="100"))
    presenter, desk, _, _, _ = _presenter(view)
    presenter.start_session()
    assert desk.starts == [] and "5,000" in view.errors[-1]


def test_live_is_refused_outside_the_production_profile_before_any_check() -> None:
    view = FakeView(_form(mode="live"))
    presenter, desk, _, _, (_, connection) = _presenter(view, environment="development")
    presenter.start_session()
    assert desk.starts == [] and connection.calls == 0
    assert "production" in view.errors[-1]


def test_keys_that_fail_the_connection_test_start_nothing() -> None:
    view = FakeView(_form(mode="live"))
    presenter, desk, _, _, _ = _presenter(view, fails=True)
    presenter.start_session()
    assert desk.starts == [] and view.prompts == []
    assert "connection test" in view.errors[-1]
    assert ("set_starting", (False,)) in view.calls


def test_the_live_confirmation_refuses_a_wrong_profile_name() -> None:
    view = FakeView(_form(mode="live"))
    view.live_answer = LiveAnswer("prod", accept_without_paper=True)
    presenter, desk, _, _, _ = _presenter(view)
    presenter.start_session()
    (prompt,) = view.prompts
    assert prompt.profile == "production" and prompt.never_on_paper and "123,456" in prompt.connection
    assert desk.starts == []
    assert "does not match" in view.errors[-1]
    assert view.calls[-1] == ("set_starting", (False,))


def test_live_starts_with_the_typed_name_and_the_paper_record_decision() -> None:
    view = FakeView(_form(mode="live"))
    view.live_answer = LiveAnswer("production", accept_without_paper=False)
    presenter, desk, _, _, _ = _presenter(view)
    presenter.start_session()
    ((request, confirmation),) = desk.starts
    assert confirmation == "production" and request.mode is TradingMode.LIVE
    assert request.paper_record_missing  # never on paper and not accepted: the live guard refuses it

    view2 = FakeView(_form(mode="live"))
    view2.live_answer = LiveAnswer("production", accept_without_paper=False)
    presenter2, desk2, _, _, _ = _presenter(view2, never=False)
    presenter2.start_session()
    ((request2, _),) = desk2.starts
    assert not request2.paper_record_missing and "3 day(s)" in " ".join(view2.prompts[0].record)


def test_a_cancelled_live_confirmation_starts_nothing() -> None:
    view = FakeView(_form(mode="live"))
    view.live_answer = None
    presenter, desk, _, _, _ = _presenter(view)
    presenter.start_session()
    assert desk.starts == [] and "cancelled" in view.status[-1]


def test_the_emergency_stop_asks_once_and_does_nothing_when_cancelled() -> None:
    view = FakeView(_form())
    presenter, desk, _, _, _ = _presenter(view)
    view.emergency_answer = None
    presenter.emergency_stop()
    assert desk.emergencies == []
    view.emergency_answer = True
    presenter.emergency_stop()
    assert desk.emergencies == [True]
    assert [c for c in view.calls if c[0] == "ask_emergency"] == [("ask_emergency", ())] * 2
    assert "every position sold" in view.status[-1]


def test_stop_keeps_or_flattens_as_asked() -> None:
    view = FakeView(_form())
    presenter, desk, _, _, _ = _presenter(view)
    presenter.stop_session("s-1", flatten=False)
    presenter.stop_session("s-1", flatten=True)
    assert desk.stops == [("s-1", False), ("s-1", True)]
    assert "positions sold" in view.status[-1]


def _publish(bus: EventBus, *events: Event) -> None:
    async def go() -> None:
        await bus.start()
        for event in events:
            await bus.publish(event, EventPriority.CRITICAL_TRADING)
        await bus.join()
        await bus.stop()

    asyncio.run(go())


def test_trading_events_refresh_once_per_batch_and_feed_the_order_chain() -> None:
    view = FakeView(_form())
    presenter, _, read, _, (bus, _) = _presenter(view)
    presenter.tick()
    assert read.reads == 0  # nothing happened: nothing is read
    placed = OrderPlaced(session_id="s-1", identifier="uat-1", uuid="u-1", market="KRW-BTC", state="wait",
                         source="trading", correlation_id="c-1")  # fmt: skip
    filled = OrderFilled(session_id="s-1", identifier="uat-1", market="KRW-BTC", side="bid", trade_id="t-1",
                         price="100", volume="1", fee="0.05", source="rest", correlation_id="c-1")  # fmt: skip
    _publish(bus, placed, filled, Unrelated(n=1))
    presenter.tick()
    assert read.reads == 1  # two trading events, one read
    presenter.tick()
    assert read.reads == 1

    _publish(bus, Unrelated(n=2))
    presenter.tick()
    assert read.reads == 1  # not a trading event

    presenter.show_chain("uat-1", "c-1")
    ((title, lines),) = view.chains
    assert "uat-1" in title
    assert [line.what for line in lines] == ["intent", "done", "OrderPlaced", "OrderFilled"]


def test_a_refresh_asked_for_while_one_runs_is_done_once_after_it() -> None:
    view = FakeView(_form())
    presenter, _, read, work, _ = _presenter(view, hold=True)
    presenter.refresh()
    presenter.refresh()
    presenter.refresh()
    assert work.pending == 1
    work.run_pending()
    assert read.reads == 2


def test_opening_tells_what_was_resumed_and_reconciled() -> None:
    view = FakeView(_form())
    presenter, desk, read, _, _ = _presenter(view)
    desk.opened = DeskOpened(resumed=(Resumed("paper-1", 2, 1, 0, 0.1),), generation=1)
    presenter.start()
    assert "reconciled" in view.status[-1] and "paper-1" in view.status[-1]
    assert read.reads >= 1
    desk.opened = DeskOpened(elsewhere="Another process (pid 42) runs the trading engine", generation=2)
    presenter.start()
    banner = [c for c in view.calls if c[0] == "show_banner"][-1][1][0]
    assert "pid 42" in banner


def test_a_review_item_is_resolved_with_what_the_user_chose() -> None:
    view = FakeView(_form())
    presenter, _, read, _, _ = _presenter(view)
    item = ReviewItem(7, ReviewKind.UNKNOWN_ORDER, "KRW-BTC", "an order the journal does not know", NOW)
    read.snapshot = DeskSnapshot(review=(item,))
    presenter.refresh()
    view.resolution = None
    presenter.resolve_review(7)
    assert read.resolved == []
    view.resolution = "accepted: checked on Upbit"
    presenter.resolve_review(7)
    assert read.resolved == [(7, "accepted: checked on Upbit")]
    assert "#7" in view.status[-1]


@pytest.mark.parametrize("state, followed, expected", [("running", True, "running"),
                                                      ("running", False, "not followed here")])  # fmt: skip
def test_session_lines_say_whether_this_process_follows_them(
    state: str, followed: bool, expected: str
) -> None:
    view = FakeView(_form())
    presenter, _, read, _, _ = _presenter(view)
    row = SessionRow("paper-1", "Drill", "paper", "1h", ("KRW-BTC",), state, followed, Decimal(1000000),
                     Decimal(500000), Decimal(1200), Decimal(-300), "caution" if followed else "",
                     "daily loss 2%", NOW)  # fmt: skip
    read.snapshot = DeskSnapshot(sessions=(row,))
    presenter.refresh()
    (line,) = view.sessions
    assert expected in line.cells[4]
    assert line.cells[5] == "500,000 / 1,000,000" and line.cells[6] == "+1,200" and line.cells[7] == "-300"
    if followed:
        assert line.cells[8] == "caution: daily loss 2%"


def test_the_resumed_status_is_said_once_a_read_begun_after_the_resume_is_shown() -> None:
    """A read begun before the resume shows the sessions as not followed here: the status that says they were
    resumed waits for the tables read after it."""
    view = FakeView(_form())
    presenter, desk, read, work, _ = _presenter(view, hold=True)
    desk.opened = DeskOpened(resumed=(Resumed("paper-1", 2, 1, 0, 0.1),), generation=1)
    presenter.start()  # the form's choices, a first read and the opening: all waiting
    work.compute_next()()  # the choices
    first_read = work.compute_next()  # read before the resume, delivered later
    work.compute_next()()  # the opening: the sessions are resumed now
    assert not any("reconciled" in s for s in view.status)
    first_read()
    assert not any("reconciled" in s for s in view.status) and read.reads == 1
    work.run_pending()  # the read begun after the resume
    assert read.reads == 2 and "reconciled" in view.status[-1] and "paper-1" in view.status[-1]
