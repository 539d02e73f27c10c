"""The storable form of a run: everything needed to re-run it and prove the result is identical."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from upbit_auto_trading.domain.backtest.errors import BacktestInputError
from upbit_auto_trading.domain.backtest.fills import dec, iso_utc
from upbit_auto_trading.domain.backtest.hashing import candle_hash, result_hash, signals_hash
from upbit_auto_trading.domain.backtest.result import BacktestResult
from upbit_auto_trading.domain.backtest.settings import BacktestSettings
from upbit_auto_trading.domain.backtest.version import ENGINE_VERSION
from upbit_auto_trading.domain.backtest.warnings import RunWarning, refused_order_warnings
from upbit_auto_trading.domain.strategy import Strategy, strategy_from_dict, strategy_to_dict

RECORD_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class BacktestRecord:
    """JSON-able snapshot of one run. ``data_start``/``data_end`` are the first and last candle starts
    (ISO-8601 UTC, inclusive); re-load exactly that range, check ``candle_hash``, re-evaluate the triggers,
    check ``signals_hash``, run with ``settings`` and compare ``result_hash``."""

    engine_version: str
    strategy: dict[str, Any]
    strategy_hash: str
    market: str
    timeframe: str
    data_start: str
    data_end: str
    candle_count: int
    candle_hash: str
    signals_hash: str
    settings: dict[str, Any]
    final_equity: str
    metrics: dict[str, Any]
    trades: list[dict[str, Any]]
    fills: list[dict[str, Any]]
    result_hash: str
    record_schema_version: int = RECORD_SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BacktestRecord:
        if data.get("record_schema_version") != RECORD_SCHEMA_VERSION:
            raise BacktestInputError(
                f"Unsupported backtest record version {data.get('record_schema_version')!r}; "
                f"this program reads version {RECORD_SCHEMA_VERSION}"
            )
        names = cls.__dataclass_fields__.keys()
        return cls(**{k: data[k] for k in names if k in data})

    def strategy_object(self) -> Strategy:
        return strategy_from_dict(self.strategy)

    def settings_object(self) -> BacktestSettings:
        return BacktestSettings.from_dict(self.settings)

    def summary(self) -> dict[str, Any]:
        """The ``backtest run --json`` document: metrics, final equity, round trips and warnings."""
        return {
            "metrics": self.metrics,
            "final_equity": self.final_equity,
            "trades": self.trades,
            "warnings": [w.to_dict() for w in self.warnings()],
        }

    def warnings(self) -> list[RunWarning]:
        """What the numbers do not say on their own: orders the exchange's rules refused, and why."""
        declared = self.strategy.get("sizing")
        sizing: dict[str, Any] = declared if isinstance(declared, dict) else {}
        try:
            value = None if sizing.get("value") is None else Decimal(str(sizing["value"]))
        except InvalidOperation:
            value = None
        return refused_order_warnings(
            int(self.metrics.get("refused_orders") or 0),
            self.settings_object(),
            sizing_mode=sizing.get("mode"),
            sizing_value=value,
            quote=self.market.split("-")[0] if "-" in self.market else self.market,
        )


def make_record(
    result: BacktestResult, strategy: Strategy, entry: np.ndarray, exit_: np.ndarray | None
) -> BacktestRecord:
    candles = result.candles
    return BacktestRecord(
        engine_version=ENGINE_VERSION,
        strategy=strategy_to_dict(strategy),
        strategy_hash=strategy.content_hash(),
        market=candles.market,
        timeframe=candles.timeframe,
        data_start=iso_utc(int(candles.start[0])),
        data_end=iso_utc(int(candles.start[-1])),
        candle_count=len(candles),
        candle_hash=candle_hash(candles),
        signals_hash=signals_hash(
            np.asarray(entry, dtype=bool), None if exit_ is None else np.asarray(exit_, bool)
        ),
        settings=result.settings.to_dict(),
        final_equity=format(dec(result.final_equity), "f"),
        metrics=result.metrics.to_dict(),
        trades=[t.to_dict() for t in result.trades()],
        fills=[f.to_dict() for f in result.fills_list()],
        result_hash=result_hash(result.fills, result.equity),
    )


def same_result(record: BacktestRecord, result: BacktestResult) -> bool:
    """True when a re-run produced bit-identical fills and equity (and used the same candles)."""
    return record.candle_hash == candle_hash(result.candles) and record.result_hash == result_hash(
        result.fills, result.equity
    )
