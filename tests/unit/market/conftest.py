"""Fakes of the market-data ports (in memory, no disk) shared by the unit tests of this folder."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from upbit_auto_trading.application.market_data.dto import DownloadState, ParsedCandles, SeriesInfo
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.import_report import UpsertCounts

D = Decimal


def make_candle(epoch: int, close: str = "100", market: str = "KRW-BTC", tf: str = "1h", **kw: str) -> Candle:
    c = D(close)
    return Candle(
        market,
        tf,
        datetime.fromtimestamp(epoch, UTC),
        D(kw.get("open", close)),
        D(kw.get("high", str(max(c, D(kw.get("open", close)))))),
        D(kw.get("low", str(min(c, D(kw.get("open", close)))))),
        c,
        D(kw.get("volume", "1")),
        D(kw.get("quote_volume", "100")),
    )


class FakeCandleStore:
    def __init__(self) -> None:
        self.data: dict[tuple[str, str], dict[int, Candle]] = {}
        self.upsert_calls = 0

    def upsert(self, candles: Sequence[Candle]) -> UpsertCounts:
        self.upsert_calls += 1
        ins = upd = same = 0
        for c in candles:
            series = self.data.setdefault((c.market, c.timeframe), {})
            old = series.get(c.start_epoch)
            if old is None:
                ins += 1
            elif old.same_values(c):
                same += 1
                continue
            else:
                upd += 1
            series[c.start_epoch] = c
        return UpsertCounts(ins, upd, same)

    def series(self) -> list[SeriesInfo]:
        return [SeriesInfo(m, tf, min(s), max(s), len(s)) for (m, tf), s in sorted(self.data.items()) if s]

    def count(self, market: str, timeframe: str) -> int:
        return len(self.data.get((market, timeframe), {}))

    def starts(self, market: str, timeframe: str) -> list[int]:
        return sorted(self.data.get((market, timeframe), {}))

    def newest_start(self, market: str, timeframe: str) -> int | None:
        s = self.starts(market, timeframe)
        return s[-1] if s else None

    def load_candles(self, market, timeframe, start=None, end=None) -> list[Candle]:
        lo = start.timestamp() if start else float("-inf")
        hi = end.timestamp() if end else float("inf")
        series = self.data.get((market, timeframe), {})
        return [series[k] for k in sorted(series) if lo <= k <= hi]

    def load_arrays(self, market, timeframe, start=None, end=None):  # pragma: no cover - not used here
        raise NotImplementedError

    def delete_series(self, market: str, timeframe: str) -> int:
        return len(self.data.pop((market, timeframe), {}))


class FakeFileReader:
    def __init__(self, parsed: ParsedCandles) -> None:
        self.parsed = parsed
        self.specs: list = []

    def read(self, spec):
        self.specs.append(spec)
        return self.parsed


class FakeStateStore:
    def __init__(self) -> None:
        self.states: dict[tuple[str, str], DownloadState] = {}

    def load(self, market, timeframe):
        return self.states.get((market, timeframe))

    def save(self, state: DownloadState) -> None:
        self.states[(state.market, state.timeframe)] = state

    def clear(self, market, timeframe) -> None:
        self.states.pop((market, timeframe), None)


class FakeLedger:
    def __init__(self) -> None:
        self.keys: set[str] = set()

    def is_seeded(self, key: str) -> bool:
        return key in self.keys

    def mark_seeded(self, key: str) -> None:
        self.keys.add(key)


@pytest.fixture
def store() -> FakeCandleStore:
    return FakeCandleStore()


@pytest.fixture
def fakes():
    """The fake classes and helpers, for tests that build their own."""
    return {
        "make_candle": make_candle,
        "FakeCandleStore": FakeCandleStore,
        "FakeFileReader": FakeFileReader,
        "FakeStateStore": FakeStateStore,
        "FakeLedger": FakeLedger,
    }
