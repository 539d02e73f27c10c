"""2 to 8 stored runs side by side: what each was run with, its metrics, and whether its period differs.

Returns over different periods are not comparable (a bull year against a bear year says nothing about the
strategies), so runs outside the period most of them share are flagged; when no period is shared by more
runs than any other, every run is flagged. A run's period is the time it covers: its first candle's start
to its last candle's end, so a 1h and a 1d run over the same days cover the same period.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from upbit_auto_trading.application.backtest.ports import BacktestRepository, StoredRun
from upbit_auto_trading.application.backtest.rerun_backtest import parse_iso
from upbit_auto_trading.application.errors import ApplicationError, NotFoundError
from upbit_auto_trading.domain.backtest.fills import iso_utc
from upbit_auto_trading.domain.market.calendar import next_start
from upbit_auto_trading.domain.market.errors import UnknownTimeframeError
from upbit_auto_trading.domain.market.timeframe import Timeframe

MIN_RUNS = 2
MAX_RUNS = 8

PeriodKey = tuple[int, int]


def period_key(data_start: str, data_end: str, timeframe: str) -> PeriodKey:
    """(first candle start, last candle end exclusive) in epoch seconds UTC; months end by the calendar."""
    first = int(parse_iso(data_start).timestamp())
    last = int(parse_iso(data_end).timestamp())
    try:
        return first, next_start(last, Timeframe.from_code(timeframe))
    except UnknownTimeframeError:
        return first, last


@dataclass(frozen=True)
class PeriodCheck:
    common: PeriodKey | None  # the period shared by more runs than any other; None when none is
    flagged: list[bool]  # per run: its period is not the common one (every run when there is none)
    distinct: int  # how many different periods

    @property
    def differ(self) -> bool:
        return self.distinct > 1


def check_periods(keys: Sequence[PeriodKey]) -> PeriodCheck:
    counts = Counter(keys).most_common()
    if len(counts) <= 1:
        return PeriodCheck(counts[0][0] if counts else None, [False] * len(keys), len(counts))
    common = counts[0][0] if counts[0][1] > counts[1][1] else None
    return PeriodCheck(common, [key != common for key in keys], len(counts))


def _decimal(value: Any, default: str = "0") -> Decimal:
    try:
        number = Decimal(str(value if value is not None else default))
    except InvalidOperation:
        return Decimal(default)
    return number if number.is_finite() else Decimal(default)


@dataclass(frozen=True)
class ComparedRun:
    run_id: int
    strategy_name: str
    strategy_version: int | None
    strategy_hash: str
    market: str
    timeframe: str
    data_start: str  # first candle start, ISO-8601 UTC
    data_end: str  # last candle start
    period_end: str  # last candle end (exclusive)
    candle_count: int
    data_hash: str  # the candles' hash (same data, same hash)
    engine_version: str
    initial_capital: Decimal
    fee_rate: Decimal  # fraction per fill (0.0005 = 0.05 %)
    slippage_rate: Decimal
    final_equity: Decimal
    metrics: dict[str, Any]
    period_flagged: bool

    def to_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        for key in ("initial_capital", "fee_rate", "slippage_rate", "final_equity"):
            out[key] = format(out[key], "f")
        return out


@dataclass(frozen=True)
class RunComparison:
    runs: list[ComparedRun]
    periods: PeriodCheck

    def to_dict(self) -> dict[str, Any]:
        return {
            "periods_differ": self.periods.differ,
            "distinct_periods": self.periods.distinct,
            "runs": [r.to_dict() for r in self.runs],
        }


def compared(stored: Sequence[StoredRun]) -> RunComparison:
    """The comparison of already loaded runs, in the order given."""
    keys = [period_key(s.record.data_start, s.record.data_end, s.record.timeframe) for s in stored]
    check = check_periods(keys)
    rows = []
    for s, key, flagged in zip(stored, keys, check.flagged, strict=True):
        rec = s.record
        settings = rec.settings or {}
        rows.append(
            ComparedRun(
                run_id=s.run_id,
                strategy_name=s.strategy_name,
                strategy_version=s.meta.strategy_version,
                strategy_hash=rec.strategy_hash,
                market=rec.market,
                timeframe=rec.timeframe,
                data_start=rec.data_start,
                data_end=rec.data_end,
                period_end=iso_utc(key[1]),
                candle_count=rec.candle_count,
                data_hash=rec.candle_hash,
                engine_version=rec.engine_version,
                initial_capital=_decimal(settings.get("initial_capital")),
                fee_rate=_decimal(settings.get("fee_rate")),
                slippage_rate=_decimal(settings.get("slippage_rate")),
                final_equity=_decimal(rec.final_equity),
                metrics=dict(rec.metrics),
                period_flagged=flagged,
            )
        )
    return RunComparison(rows, check)


class CompareRuns:
    def __init__(self, runs: BacktestRepository) -> None:
        self._runs = runs

    def execute(self, run_ids: Sequence[int]) -> RunComparison:
        ids = [int(r) for r in run_ids]
        if len(set(ids)) != len(ids):
            raise ApplicationError("Each run can be compared once; a run id was given twice")
        if not MIN_RUNS <= len(ids) <= MAX_RUNS:
            raise ApplicationError(f"Compare {MIN_RUNS} to {MAX_RUNS} runs (got {len(ids)})")
        stored = []
        for run_id in ids:
            found = self._runs.get(run_id)
            if found is None:
                raise NotFoundError(f"No stored backtest run {run_id}; `backtest list` shows them")
            stored.append(found)
        return compared(stored)
