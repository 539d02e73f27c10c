"""Run one session: rebuild its state from the journal and the stored candles, then follow the feed.

Paper, replay and live run this same code; they differ only in the ``ExchangePort`` and ``MarketFeed``
given to it (see ``TradingAdapters``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from upbit_auto_trading.application.backtest.candle_window import WARMUP_CANDLES
from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.application.trading.market_trader import (
    EntryBlocks,
    MarketTrader,
    MarketWarnings,
    RiskGate,
)
from upbit_auto_trading.application.trading.order_desk import OrderDesk
from upbit_auto_trading.application.trading.ports import (
    ClosedCandle,
    ExchangeError,
    ExchangePort,
    MarketFeed,
    SessionStore,
)
from upbit_auto_trading.application.trading.publisher import Publish
from upbit_auto_trading.application.trading.signal_window import SignalWindow
from upbit_auto_trading.domain.backtest.rules import engine_rules
from upbit_auto_trading.domain.backtest.settings import BacktestSettings
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.strategy import Strategy
from upbit_auto_trading.domain.trading.decision_model import DecisionModel
from upbit_auto_trading.domain.trading.events import TradingSessionChanged
from upbit_auto_trading.domain.trading.journal import FillSource
from upbit_auto_trading.domain.trading.session import SessionState, TradingSession
from upbit_auto_trading.domain.trigger.condition import TradingCondition

log = logging.getLogger(__name__)


def arrays_to_candles(arrays: CandleArrays) -> list[Candle]:
    from upbit_auto_trading.domain.backtest.fills import dec

    return [
        Candle(
            market=arrays.market, timeframe=arrays.timeframe,
            start=datetime.fromtimestamp(int(arrays.start[i]), UTC),
            open=dec(arrays.open[i]), high=dec(arrays.high[i]), low=dec(arrays.low[i]), close=dec(arrays.close[i]),
            volume=dec(arrays.volume[i]), quote_volume=dec(arrays.quote_volume[i]),
        )  # fmt: skip
        for i in range(len(arrays))
    ]


@dataclass
class RunnerParts:
    """What a running session is made of (the adapters are the only mode-specific part)."""

    session: TradingSession
    strategy: Strategy
    conditions: dict[str, TradingCondition]
    exchange: ExchangePort
    feed: MarketFeed
    desk: OrderDesk


class SessionRunner:
    def __init__(
        self,
        parts: RunnerParts,
        *,
        sessions: SessionStore,
        candles: CandleReader,
        publish: Publish,
        risk: RiskGate | None = None,
        blocks: EntryBlocks | None = None,
        compiled: bool = False,
    ) -> None:
        self.parts = parts
        self.session = parts.session
        self._sessions = sessions
        self._candles = candles
        self._publish = publish
        self._risk = risk
        self._blocks = blocks
        self._compiled = compiled
        self.traders: dict[str, MarketTrader] = {}
        self._stop = asyncio.Event()
        self.finished = False
        self.market_time: datetime | None = None  # the feed's clock: candle ends and tick times
        self._tf_step = timedelta(seconds=Timeframe.from_code(parts.session.timeframe).seconds or 86400)

    # --- building ------------------------------------------------------------------------------------------

    def _history(self, market: str, before: datetime) -> CandleArrays:
        tf = Timeframe.from_code(self.session.timeframe)
        span = timedelta(seconds=(tf.seconds or 86400) * WARMUP_CANDLES * 2)
        arrays = self._candles.load_arrays(market, tf.code, before - span, before - timedelta(seconds=1))
        n = len(arrays)
        return arrays.slice(max(0, n - WARMUP_CANDLES), n)

    def _other_timeframes(self, market: str) -> Callable[[str], CandleArrays]:
        def load(timeframe: str) -> CandleArrays:
            return self._candles.load_arrays(market, timeframe)

        return load

    async def _available_krw(self) -> Decimal:
        balances = await self.parts.exchange.balances()
        krw = balances.get("KRW")
        return krw.balance if krw else Decimal(0)

    def build(self, first_candle: dict[str, datetime]) -> None:
        """One trader per market. ``first_candle``: the start of each market's first decided candle (the
        warm-up history is the stored candles before it, as in the backtest)."""
        s = self.session
        rules = engine_rules(self.parts.strategy)
        settings = BacktestSettings(
            initial_capital=s.budget_per_market, fee_rate=s.fee_rate, slippage_rate=s.slippage_rate
        )
        warnings = MarketWarnings(self.parts.exchange, clock=self.now)  # one list for the session's markets
        for market in s.markets:
            start = first_candle[market]
            window = SignalWindow(self.parts.strategy, self.parts.conditions, self._history(market, start),
                                  self._other_timeframes(market))  # fmt: skip
            model = DecisionModel(rules, settings, compiled=self._compiled)
            self.traders[market] = MarketTrader(
                s, market, rules, model, window, self.parts.desk, available_krw=self._available_krw,
                publish=self._publish, risk=self._risk, blocks=self._blocks, warnings=warnings,
            )  # fmt: skip

    async def resume(self) -> None:
        """Advance each model over the candles decided before a restart, then announce open trades."""
        # CPU over every candle decided so far (seconds for a long session): off the loop, where an emergency
        # stop must not wait for it; the runner is not followed yet, so nothing else touches its traders
        await asyncio.to_thread(self._advance_decided)
        s = self.session
        for market in self.traders:
            if self.parts.desk.position(s.session_id, market).is_open or self.parts.desk.unfinished(
                s.session_id, market
            ):
                await self.parts.desk.announce_open(s.session_id, market)

    def _advance_decided(self) -> None:
        s = self.session
        for market, trader in self.traders.items():
            first, last = s.first_candle.get(market), s.last_candle.get(market)
            if first and last:
                arrays = self._candles.load_arrays(market, s.timeframe, datetime.fromisoformat(first),
                                                   datetime.fromisoformat(last))  # fmt: skip
                trader.replay_history([ClosedCandle(c) for c in arrays_to_candles(arrays)])

    def now(self) -> datetime:
        """The session's clock: the market's time as the feed tells it (a replay's candles are history; the
        risk limits' trading day follows them), the wall clock before the first event."""
        return self.market_time or datetime.now(UTC)

    def use_risk(self, risk: RiskGate) -> None:
        self._risk = risk
        for trader in self.traders.values():
            trader.use_risk(risk)

    def last_closed(self) -> dict[str, datetime]:
        return {m: datetime.fromisoformat(iso) for m, iso in self.session.last_candle.items()}

    # --- running -------------------------------------------------------------------------------------------

    async def run(self) -> None:
        """Follow the feed until it ends (replay), ``stop()`` is called, or the task is cancelled."""
        updates = asyncio.create_task(self._follow_orders(), name=f"orders-{self.session.session_id}")
        stop_wait = asyncio.create_task(self._stop.wait())
        try:
            events = self.parts.feed.events().__aiter__()
            while not self._stop.is_set():
                nxt = asyncio.ensure_future(events.__anext__())
                done, _ = await asyncio.wait({nxt, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
                if nxt not in done:
                    nxt.cancel()
                    with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                        await nxt
                    break
                try:
                    event = nxt.result()
                except StopAsyncIteration:
                    break
                if event.end:
                    self.finished = True
                    break
                if event.closed is not None:
                    self.market_time = event.closed.candle.start + self._tf_step
                    await self._on_closed(event.closed)
                elif event.tick is not None:
                    self.market_time = event.tick.at
                    trader = self.traders.get(event.tick.market)
                    if trader is not None:
                        await trader.on_tick(event.tick)
        finally:
            stop_wait.cancel()
            updates.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await updates

    async def _on_closed(self, closed: ClosedCandle) -> None:
        market = closed.candle.market
        trader = self.traders.get(market)
        if trader is None:
            return
        iso = closed.candle.start.isoformat()
        last = self.session.last_candle.get(market)
        if last and datetime.fromisoformat(last) >= closed.candle.start:
            return  # decided before (a restart's backfill, a duplicate)
        if not trader.signals.follows(closed.candle):
            return  # already part of the warm-up history (a live start just after a close)
        await trader.on_candle(closed)
        self.session = self.session.with_last_candle(market, iso)
        for t in self.traders.values():
            t.session = self.session
        self._sessions.save(self.session)

    async def _follow_orders(self) -> None:
        """The private order stream: fills and state changes as they happen (REST look-ups cover gaps)."""
        while True:
            try:
                async for order in self.parts.exchange.order_updates():
                    try:
                        await self.parts.desk.apply(order, FillSource.WEBSOCKET)
                    except ExchangeError as exc:
                        log.warning("order update %s not applied yet: %s", order.uuid, exc)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the stream reconnects; REST look-ups are the backstop
                log.warning("private order stream ended (%s); reconnecting", exc)
            await asyncio.sleep(1.0)

    def stop(self) -> None:
        self._stop.set()

    async def announce(self, state: SessionState, detail: str = "") -> None:
        s = self.session
        await self._publish(
            TradingSessionChanged(session_id=s.session_id, strategy=s.strategy_name, mode=s.mode.value,
                                  state=state.value, markets=s.markets, detail=detail, source="trading"),
            EventPriority.CRITICAL_TRADING,
        )  # fmt: skip
