"""Robustness use cases wired to the strategy/backtest fakes and a real SQLite study store on a temporary
profile (loaded by path: ``load_support("robustness_support")``)."""

from __future__ import annotations

import sys
from dataclasses import replace
from decimal import Decimal
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import yaml

from upbit_auto_trading.application.backtest.run_backtest import RunBacktest
from upbit_auto_trading.application.robustness.preparation import InputLoader
from upbit_auto_trading.application.robustness.rerun_sweep import RerunSweep
from upbit_auto_trading.application.robustness.resume_sweep import ResumeSweep
from upbit_auto_trading.application.robustness.run_sweep import RunSweep
from upbit_auto_trading.application.robustness.studies import GetSweep
from upbit_auto_trading.application.robustness.walk_forward import RunWalkForward
from upbit_auto_trading.application.trigger.dto import TriggerDraft
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.strategy import strategy_from_dict
from upbit_auto_trading.domain.trigger.condition import TradingCondition
from upbit_auto_trading.domain.trigger.variables import Catalogue, catalogue_from_dict
from upbit_auto_trading.infrastructure.robustness.executors import SweepExecutors
from upbit_auto_trading.infrastructure.robustness.optuna_sampler import OptunaSamplers
from upbit_auto_trading.infrastructure.robustness.study_store import SqliteStudyStore
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession


def packaged_catalogue() -> Catalogue:
    text = resources.files("upbit_auto_trading.resources.catalogue").joinpath("catalogue.yaml").read_text("utf-8")
    return catalogue_from_dict(yaml.safe_load(text))


class CatalogueSource:
    def __init__(self) -> None:
        self.catalogue = packaged_catalogue()

    def load(self) -> Catalogue:
        return self.catalogue


def swing_candles(n: int = 2400, seed: int = 11, market: str = "KRW-BTC") -> CandleArrays:
    """Hourly KRW-like candles with swings that push RSI to both extremes (trades for every cell)."""
    rng = np.random.default_rng(seed)
    sigma = 0.015
    cycle = 0.6 * sigma * np.sin(np.arange(n) * 2 * np.pi / 80)
    close = np.round(50_000_000 * np.exp(np.cumsum(rng.normal(0, sigma, n) + cycle)), -3)
    open_ = np.r_[close[0], close[:-1]]
    high = np.round(np.maximum(open_, close) * (1 + rng.uniform(0, 0.008, n)), -3)
    low = np.round(np.minimum(open_, close) * (1 - rng.uniform(0, 0.008, n)), -3)
    start = 1_704_067_200 + np.arange(n, dtype=np.int64) * 3600  # 2024-01-01 00:00 UTC
    vol = rng.uniform(1, 10, n)
    return CandleArrays(market, "1h", start, open_, high, low, close, vol, vol * close)


def study_store(tmp: Path) -> SqliteStudyStore:
    session = DatabaseSession({name: tmp / f"{name}.sqlite3" for name in ("settings", "strategies", "market_data")})
    session.migrate_all()
    return SqliteStudyStore(session)


def world(tmp: Path, *candles: CandleArrays, executors: bool = False) -> SimpleNamespace:
    """Fakes of the strategy and trigger stores and of the candle reader, a real study store, and the
    sweep, walk-forward and backtest use cases over them. ``RSI swing`` (RSI below 35 in, RSI above 65 out,
    stop 4 % / take-profit 8 %) is saved."""
    support = sys.modules["strategy_app_support"]  # load_support("strategy_app_support") first
    w = SimpleNamespace()
    w.candles = candles or (swing_candles(),)
    w.reader = support.FakeCandleReader(*w.candles)
    w.triggers = support.InMemoryTriggers()
    w.strategies = support.InMemoryStrategies()
    w.catalogue = CatalogueSource()
    w.store = study_store(tmp)
    w.strategies.add(strategy_from_dict(support.rsi_document()))
    w.loader = InputLoader(w.strategies, w.triggers, w.catalogue)
    factory = SweepExecutors() if executors else None
    w.run_sweep = RunSweep(w.loader, w.reader, w.store, factory, OptunaSamplers())
    w.resume_sweep = ResumeSweep(w.loader, w.reader, w.store, factory, OptunaSamplers())
    w.rerun_sweep = RerunSweep(w.loader, w.reader, w.store, factory)
    w.get_sweep = GetSweep(w.store)
    w.walk_forward = RunWalkForward(w.loader, w.reader, w.store, factory)
    w.backtest = RunBacktest(w.strategies, w.triggers, w.reader, support.InMemoryRuns())
    return w


def save_trigger_with(w: SimpleNamespace, name: str, **changes: object) -> TradingCondition:
    """Saves the stored trigger ``name`` again with changed draft fields (``params``, ``value`` ...), as a
    user would in the trigger builder."""
    stored = w.triggers.get(name)
    draft = TriggerDraft.from_condition(stored)
    for key, value in changes.items():
        current = getattr(draft, key)
        setattr(draft, key, {**current, **value} if isinstance(current, dict) else value)
    rebuilt = draft.build(w.catalogue.load(), condition_id=stored.condition_id)
    return w.triggers.update(rebuilt)


def save_strategy_with(w: SimpleNamespace, name: str, change) -> None:  # noqa: ANN001
    """Saves the next version of strategy ``name`` as ``change(strategy)`` returns it."""
    stored = w.strategies.get(name)
    w.strategies.save_version(stored.strategy_id, change(stored.strategy))


def with_rule(strategy, rule_type: str, **fields: object):  # noqa: ANN001, ANN201
    management = tuple(replace(r, **fields) if r.type == rule_type else r for r in strategy.management)
    return replace(strategy, management=management)


D = Decimal
