"""In-memory fakes of the strategy/backtest ports and synthetic candles (shared by unit and UI tests).

Loaded by path through the ``support`` fixture of tests/conftest.py; tests/support/ holds no test modules.
"""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import numpy as np

from upbit_auto_trading.application.backtest.ports import RunCurves, RunMeta, RunSummary, StoredRun
from upbit_auto_trading.application.errors import ConflictError, NotFoundError
from upbit_auto_trading.application.strategy.ports import StoredStrategy, StrategyVersionInfo
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.strategy import Strategy, strategy_from_dict, strategy_to_dict
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.operators import Operator

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def synthetic_candles(
    n: int = 1500, market: str = "KRW-BTC", timeframe: str = "1h", seed: int = 7
) -> CandleArrays:
    rng = np.random.default_rng(seed)
    close = 50_000_000 * np.exp(np.cumsum(rng.normal(0, 0.012, n)))
    close = np.round(close, -3)
    open_ = np.r_[close[0], close[:-1]]
    high = np.maximum(open_, close) * (1 + rng.uniform(0, 0.006, n))
    low = np.minimum(open_, close) * (1 - rng.uniform(0, 0.006, n))
    start = int(T0.timestamp()) + np.arange(n, dtype=np.int64) * 3600
    vol = rng.uniform(1, 10, n)
    return CandleArrays(market, timeframe, start, open_, high, low, close, vol, vol * close)


class FakeCandleReader:
    def __init__(self, *series: CandleArrays) -> None:
        self.series = {(s.market, s.timeframe): s for s in series}
        self.calls = 0

    def load_arrays(self, market, timeframe, start=None, end=None):  # noqa: ANN001, ANN201
        self.calls += 1
        s = self.series.get((market, timeframe))
        if s is None:
            return CandleArrays.empty(market, timeframe)
        lo = 0 if start is None else int(np.searchsorted(s.start, int(start.timestamp()), "left"))
        hi = len(s) if end is None else int(np.searchsorted(s.start, int(end.timestamp()), "right"))
        return s.slice(lo, hi)


def condition(name: str, variable: str, params: dict, op: str, value: str) -> TradingCondition:
    return TradingCondition(
        name, VariableRef(variable, params), Operator.parse(op), FixedValue(Decimal(value))
    )


SAMPLE_CONDITIONS = (
    condition("RSI(14) below 20", "RSI", {"period": 14}, "lt", "20"),
    condition("Crash: close 3% below previous close", "ROC", {"period": 1}, "le", "-3"),
    condition("Surge: close 5% above previous close", "ROC", {"period": 1}, "ge", "5"),
    condition("RSI below 35", "RSI", {"period": 14}, "lt", "35"),
    condition("RSI above 65", "RSI", {"period": 14}, "gt", "65"),
)


class InMemoryTriggers:
    def __init__(self, conditions=SAMPLE_CONDITIONS) -> None:  # noqa: ANN001
        self._by_name: dict[str, TradingCondition] = {}
        self._ids = itertools.count(1)
        for c in conditions:
            self.add(c)

    def list(self, search: str = ""):  # noqa: ANN201
        return [c for n, c in sorted(self._by_name.items()) if search.lower() in n.lower()]

    def get(self, name: str):  # noqa: ANN201
        return self._by_name.get(name)

    def get_by_id(self, condition_id: int):  # noqa: ANN201
        return next((c for c in self._by_name.values() if c.condition_id == condition_id), None)

    def add(self, c: TradingCondition) -> TradingCondition:
        stored = replace(c, condition_id=next(self._ids))
        self._by_name[c.name] = stored
        return stored

    def update(self, c: TradingCondition) -> TradingCondition:
        old = next(n for n, x in self._by_name.items() if x.condition_id == c.condition_id)
        if c.name != old and c.name in self._by_name:
            raise ConflictError(f"A trigger named {c.name!r} already exists")
        del self._by_name[old]
        self._by_name[c.name] = c
        return c

    def delete(self, condition_id: int) -> bool:
        for n, c in list(self._by_name.items()):
            if c.condition_id == condition_id:
                del self._by_name[n]
                return True
        return False


class InMemoryStrategies:
    def __init__(self) -> None:
        self._rows: dict[int, list[str]] = {}  # id -> definitions (JSON-able dict as str) per version
        self._docs: dict[int, list[dict]] = {}
        self._ids = itertools.count(1)

    def _stored(self, sid: int, version: int) -> StoredStrategy:
        doc = self._docs[sid][version - 1]
        s = strategy_from_dict(doc, strategy_id=str(sid), version=version)
        return StoredStrategy(sid, version, s, s.content_hash(), T0, T0)

    def list(self, search: str = ""):  # noqa: ANN201
        out = [self._stored(i, len(v)) for i, v in self._docs.items()]
        return sorted([s for s in out if search.lower() in s.name.lower()], key=lambda s: s.name)

    def get(self, name: str):  # noqa: ANN201
        return next((s for s in self.list() if s.name == name.strip()), None)

    def get_by_id(self, strategy_id: int):  # noqa: ANN201
        return self._stored(strategy_id, len(self._docs[strategy_id])) if strategy_id in self._docs else None

    def add(self, strategy: Strategy) -> StoredStrategy:
        if self.get(strategy.name) is not None:
            raise ConflictError(f"A strategy named {strategy.name!r} already exists")
        sid = next(self._ids)
        self._docs[sid] = [strategy_to_dict(strategy)]
        return self._stored(sid, 1)

    def save_version(self, strategy_id: int, strategy: Strategy) -> StoredStrategy:
        if strategy_id not in self._docs:
            raise NotFoundError("gone")
        other = self.get(strategy.name)
        if other is not None and other.strategy_id != strategy_id:
            raise ConflictError("name taken")
        self._docs[strategy_id].append(strategy_to_dict(strategy))
        return self._stored(strategy_id, len(self._docs[strategy_id]))

    def versions(self, strategy_id: int):  # noqa: ANN201
        return [StrategyVersionInfo(v, self._docs[strategy_id][v - 1]["name"], "", T0)
                for v in range(len(self._docs[strategy_id]), 0, -1)]  # fmt: skip

    def get_version(self, strategy_id: int, version: int):  # noqa: ANN201
        docs = self._docs.get(strategy_id, [])
        return self._stored(strategy_id, version) if 1 <= version <= len(docs) else None

    def delete(self, strategy_id: int) -> bool:
        return self._docs.pop(strategy_id, None) is not None


class SnapshotTransaction:
    """What BEGIN ... COMMIT / ROLLBACK does for the in-memory triggers and strategies."""

    def __init__(self, triggers: InMemoryTriggers, strategies: InMemoryStrategies) -> None:
        self.triggers, self.strategies = triggers, strategies
        self.commits = self.rollbacks = 0

    @contextmanager
    def transaction(self):  # noqa: ANN201
        by_name = dict(self.triggers._by_name)
        docs = {k: list(v) for k, v in self.strategies._docs.items()}
        try:
            yield None
        except BaseException:
            self.triggers._by_name, self.strategies._docs = by_name, docs
            self.rollbacks += 1
            raise
        self.commits += 1


class InMemoryLedger:
    def __init__(self) -> None:
        self.keys: set[str] = set()

    def is_seeded(self, key: str) -> bool:
        return key in self.keys

    def mark_seeded(self, key: str) -> None:
        self.keys.add(key)


class InMemoryRuns:
    def __init__(self) -> None:
        self.runs: dict[int, tuple[StoredRun, RunCurves]] = {}
        self._ids = itertools.count(1)

    def add(self, record, meta: RunMeta, curves: RunCurves) -> int:  # noqa: ANN001
        run_id = next(self._ids)
        self.runs[run_id] = (StoredRun(run_id, record, meta), curves)
        return run_id

    def list(self, strategy_name=None):  # noqa: ANN001, ANN201
        out = []
        for rid in sorted(self.runs, reverse=True):
            r = self.runs[rid][0].record
            if strategy_name and r.strategy["name"] != strategy_name:
                continue
            out.append(RunSummary(rid, r.strategy["name"], r.market, r.timeframe, r.data_start, r.data_end,
                                  r.candle_count, self.runs[rid][0].meta.started_at, r.final_equity,
                                  r.metrics.get("total_return"), r.metrics.get("max_drawdown"),
                                  r.metrics.get("trades"), r.engine_version))  # fmt: skip
        return out

    def get(self, run_id: int):  # noqa: ANN201
        item = self.runs.get(run_id)
        return None if item is None else item[0]

    def curves(self, run_id: int):  # noqa: ANN201
        item = self.runs.get(run_id)
        return None if item is None else item[1]

    def delete(self, run_id: int) -> bool:
        return self.runs.pop(run_id, None) is not None


def rsi_document(name: str = "RSI swing", **extra) -> dict:  # noqa: ANN003
    doc = {
        "schema_version": 1,
        "name": name,
        "entry": {"groups": [{"triggers": ["RSI below 35"]}]},
        "management": [
            {"type": "exit_triggers", "groups": [{"triggers": ["RSI above 65"]}]},
            {"type": "stop_take_profit", "stop_loss_pct": 4, "take_profit_pct": 8},
        ],
        "sizing": {"mode": "cash_percent", "value": 50},
    }
    doc.update(extra)
    return doc


def world(candles: CandleArrays | None = None) -> SimpleNamespace:
    """Use cases wired to the fakes."""
    from upbit_auto_trading.application.backtest.open_run import OpenRun
    from upbit_auto_trading.application.backtest.rerun_backtest import RerunBacktest
    from upbit_auto_trading.application.backtest.run_backtest import RunBacktest
    from upbit_auto_trading.application.strategy.create_strategy import CreateStrategy

    w = SimpleNamespace()
    w.candles = candles if candles is not None else synthetic_candles()
    w.reader = FakeCandleReader(w.candles)
    w.triggers = InMemoryTriggers()
    w.strategies = InMemoryStrategies()
    w.runs = InMemoryRuns()
    w.create = CreateStrategy(w.strategies, w.triggers)
    w.run = RunBacktest(w.strategies, w.triggers, w.reader, w.runs)
    w.rerun = RerunBacktest(w.runs, w.reader)
    w.open_run = OpenRun(w.runs, w.reader)
    return w


class _ListTriggers:
    def __init__(self, triggers: InMemoryTriggers) -> None:
        self.triggers = triggers

    def execute(self, search: str = ""):  # noqa: ANN201
        return self.triggers.list(search)


def strategy_maker_services(w: SimpleNamespace, files: dict[str, str] | None = None):  # noqa: ANN201
    """The strategy maker's services over a ``world()``; files read and written in ``files`` (path -> text)."""
    from upbit_auto_trading.application.strategy.delete_strategy import DeleteStrategy
    from upbit_auto_trading.application.strategy.duplicate_strategy import DuplicateStrategy
    from upbit_auto_trading.application.strategy.export_strategy import ExportStrategy
    from upbit_auto_trading.application.strategy.get_strategy import GetStrategy
    from upbit_auto_trading.application.strategy.import_strategy import ImportStrategy
    from upbit_auto_trading.application.strategy.list_strategies import ListStrategies
    from upbit_auto_trading.application.strategy.save_strategy_version import SaveStrategyVersion
    from upbit_auto_trading.application.strategy.validate_strategy import ValidateStrategy
    from upbit_auto_trading.presentation.desktop.strategy_maker.services import StrategyMakerServices

    files = {} if files is None else files
    return StrategyMakerServices(
        list_strategies=ListStrategies(w.strategies),
        get_strategy=GetStrategy(w.strategies),
        create_strategy=w.create,
        save_strategy_version=SaveStrategyVersion(w.strategies, w.triggers),
        duplicate_strategy=DuplicateStrategy(w.strategies),
        delete_strategy=DeleteStrategy(w.strategies),
        export_strategy=ExportStrategy(w.strategies),
        import_strategy=ImportStrategy(w.strategies, w.triggers),
        validate_strategy=ValidateStrategy(w.triggers),
        list_triggers=_ListTriggers(w.triggers),
        read_text=lambda path: files.get(path, ""),
        write_text=files.__setitem__,
    )


BUNDLED_UPBIT_1H = "upbit_krw-btc_1h_2017-09_2023-05.csv.gz"


def stored_world(directory, strategy_doc: dict) -> SimpleNamespace:  # noqa: ANN001 - a Path
    """Real SQLite databases in ``directory``: the bundled KRW-BTC hours, the sample conditions and the
    strategy ``strategy_doc``; with ``run`` (a RunBacktest over them). Close ``session`` when done."""
    from pathlib import Path

    from upbit_auto_trading.application.backtest.run_backtest import RunBacktest
    from upbit_auto_trading.application.market_data.dto import ImportSpec
    from upbit_auto_trading.application.market_data.import_candles import ImportCandles
    from upbit_auto_trading.infrastructure.market_data.candle_store import SqliteCandleStore
    from upbit_auto_trading.infrastructure.market_data.importers.reader import CsvCandleFileReader
    from upbit_auto_trading.infrastructure.sqlite.backtest_repository import SqliteBacktestRepository
    from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession
    from upbit_auto_trading.infrastructure.sqlite.strategy_repository import SqliteStrategyRepository
    from upbit_auto_trading.infrastructure.sqlite.trigger_repository import SqliteTriggerRepository

    bundled = Path(__file__).resolve().parents[2] / "upbit_auto_trading" / "resources" / "candles" / BUNDLED_UPBIT_1H
    session = DatabaseSession({n: directory / f"{n}.sqlite3" for n in ("settings", "strategies", "market_data")})
    session.migrate_all()
    candles = SqliteCandleStore(session)
    ImportCandles(CsvCandleFileReader(), candles).execute(ImportSpec(bundled, "KRW-BTC", "1h", "upbit"))
    triggers = SqliteTriggerRepository(session)
    for c in SAMPLE_CONDITIONS:
        triggers.add(c)
    strategies = SqliteStrategyRepository(session)
    strategies.add(strategy_from_dict(strategy_doc))
    runs = SqliteBacktestRepository(session)
    return SimpleNamespace(session=session, candles=candles, triggers=triggers, strategies=strategies, runs=runs,
                           run=RunBacktest(strategies, triggers, candles, runs))  # fmt: skip
