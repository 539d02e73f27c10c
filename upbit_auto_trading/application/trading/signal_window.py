"""Entry and exit signals for each closed candle, computed exactly as the backtest computes them.

The backtest evaluates the triggers over ``WARMUP_CANDLES`` of history plus the tested candles, and a
signal at candle i depends on candles 0..i only. So the signal of a session's newest candle is the last
value of the same evaluation over (the same warm-up history + the session's candles so far): the live
engine and the backtest of the session's period see identical booleans.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from upbit_auto_trading.application.backtest.signals import evaluate_signals
from upbit_auto_trading.domain.backtest.signals import strategy_signals
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.strategy import Strategy
from upbit_auto_trading.domain.trigger.condition import TradingCondition


@dataclass(frozen=True)
class Signals:
    entry: bool
    exit: bool


class SignalWindow:
    def __init__(
        self,
        strategy: Strategy,
        conditions: Mapping[str, TradingCondition],
        history: CandleArrays,
        other_timeframes: Callable[[str], CandleArrays] | None = None,
    ) -> None:
        self._strategy = strategy
        self._conditions = conditions
        self._other = other_timeframes
        self._market = history.market
        self._timeframe = history.timeframe
        self._names = ("open", "high", "low", "close", "volume", "quote_volume")
        self._n = len(history)
        self._cap = max(1024, 2 * self._n)
        self._start = np.zeros(self._cap, dtype=np.int64)
        self._start[: self._n] = history.start
        self._cols: dict[str, np.ndarray] = {}
        for name in self._names:
            col = np.zeros(self._cap, dtype=np.float64)
            col[: self._n] = getattr(history, name)
            self._cols[name] = col
        self.warmup = self._n

    def __len__(self) -> int:
        return self._n

    def follows(self, candle: Candle) -> bool:
        """True when ``candle`` is newer than every candle in the window (a closed candle that is already
        in the warm-up history, as at a live start right after a close, is not decided again)."""
        return self._n == 0 or int(candle.start.timestamp()) > int(self._start[self._n - 1])

    def _push(self, candle: Candle) -> None:
        epoch = int(candle.start.timestamp())
        if self._n and epoch <= self._start[self._n - 1]:
            raise ValueError(f"candle {candle.start.isoformat()} is not after the previous one")
        if self._n == self._cap:
            self._cap *= 2
            self._start = np.resize(self._start, self._cap)
            self._cols = {name: np.resize(col, self._cap) for name, col in self._cols.items()}
        i = self._n
        self._start[i] = epoch
        for name in self._names:
            self._cols[name][i] = float(getattr(candle, name))
        self._n = i + 1

    def arrays(self) -> CandleArrays:
        n = self._n
        return CandleArrays(
            market=self._market,
            timeframe=self._timeframe,
            start=self._start[:n],
            **{name: col[:n] for name, col in self._cols.items()},
        )

    def _evaluate(self) -> tuple[np.ndarray, np.ndarray]:
        arrays = self.arrays()
        per_trigger = evaluate_signals(self._conditions, arrays, self._other)
        sig = strategy_signals(self._strategy, per_trigger, len(arrays))
        exit_ = sig.exit if sig.exit is not None else np.zeros(len(arrays), dtype=bool)
        return np.asarray(sig.entry, dtype=bool), np.asarray(exit_, dtype=bool)

    def append(self, candle: Candle) -> Signals:
        """Add the newest closed candle; its signals."""
        self._push(candle)
        entry, exit_ = self._evaluate()
        return Signals(bool(entry[-1]), bool(exit_[-1]))

    def extend(self, candles: Sequence[Candle]) -> list[Signals]:
        """Add many closed candles at once (a restart rebuilding its state): one evaluation, same values."""
        for candle in candles:
            self._push(candle)
        if not candles:
            return []
        entry, exit_ = self._evaluate()
        n = len(candles)
        return [Signals(bool(e), bool(x)) for e, x in zip(entry[-n:], exit_[-n:], strict=True)]
