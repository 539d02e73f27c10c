"""The backtest context: a long-only, one-market engine with Upbit's order rules, and its metrics.

Public API (see docs/backtest-model.md):
    run_backtest(candles, entry, exit, strategy=..., settings=...) -> BacktestResult
    backtest_strategy(candles, strategy, trigger_signals, settings) -> BacktestResult
    make_record(result, strategy, entry, exit) -> BacktestRecord (storable, re-runnable)
"""

from __future__ import annotations

from upbit_auto_trading.domain.backtest.codes import FillReason
from upbit_auto_trading.domain.backtest.engine import backtest_strategy, run_backtest, warm_up
from upbit_auto_trading.domain.backtest.errors import BacktestCancelled, BacktestError, BacktestInputError
from upbit_auto_trading.domain.backtest.fills import Fill, FillArrays, Trade, TradeArrays
from upbit_auto_trading.domain.backtest.hashing import candle_hash, result_hash, signals_hash
from upbit_auto_trading.domain.backtest.metrics import Metrics, periods_per_year, timeframe_seconds
from upbit_auto_trading.domain.backtest.record import BacktestRecord, make_record, same_result
from upbit_auto_trading.domain.backtest.result import BacktestResult
from upbit_auto_trading.domain.backtest.rules import EngineRules, engine_rules
from upbit_auto_trading.domain.backtest.settings import UPBIT_KRW_FEE, BacktestSettings
from upbit_auto_trading.domain.backtest.signals import StrategySignals, combine_groups, strategy_signals
from upbit_auto_trading.domain.backtest.version import ENGINE_VERSION
from upbit_auto_trading.domain.backtest.warnings import RunWarning, refused_order_warnings

__all__ = [
    "ENGINE_VERSION",
    "UPBIT_KRW_FEE",
    "BacktestCancelled",
    "BacktestError",
    "BacktestInputError",
    "BacktestRecord",
    "BacktestResult",
    "BacktestSettings",
    "EngineRules",
    "Fill",
    "FillArrays",
    "FillReason",
    "Metrics",
    "RunWarning",
    "StrategySignals",
    "Trade",
    "TradeArrays",
    "backtest_strategy",
    "candle_hash",
    "combine_groups",
    "engine_rules",
    "make_record",
    "periods_per_year",
    "refused_order_warnings",
    "result_hash",
    "run_backtest",
    "same_result",
    "signals_hash",
    "strategy_signals",
    "timeframe_seconds",
    "warm_up",
]
