"""The preview's candles: any period, the trigger's timeframe stored or resampled in memory from the nearest
finer stored one (the domain's resampling rules), warm-up history before the first shown candle. Over an
in-memory store that counts what is read; the real SQLite files are in tests/integration/trigger."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.trigger.candle_source import finer_sources
from upbit_auto_trading.application.trigger.preview_candles import (
    PREVIEW_CANDLES,
    WARMUP_CANDLES,
    LoadPreviewCandles,
    PreviewPeriod,
)
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.candle_arrays import CandleArrays
from upbit_auto_trading.domain.market.resampling import resample
from upbit_auto_trading.presentation.desktop.trigger_builder.period import PeriodError, parse_period

BASE = 1_600_000_000 // 14_400 * 14_400  # a 4h boundary


def hours(count: int, timeframe: str = "1h", step: int = 3600, first: int = BASE) -> list[Candle]:
    rng = np.random.default_rng(5)
    opens = (1000 + np.cumsum(rng.integers(-5, 6, count))).tolist()
    moves = rng.integers(-3, 4, count).tolist()
    out = []
    for i, (p, m) in enumerate(zip(opens, moves, strict=True)):
        o, c = Decimal(p), Decimal(p + m)
        out.append(Candle("KRW-BTC", timeframe, datetime.fromtimestamp(first + i * step, UTC), o,
                          max(o, c) + 2, min(o, c) - 2, c, Decimal(i % 7 + 1), Decimal(i)))  # fmt: skip
    return out


class Store:
    """Series by timeframe; records every read."""

    def __init__(self, **series: list[Candle]) -> None:
        self.series = dict(series)
        self.reads: list[tuple[str, str]] = []

    def _window(self, timeframe, start, end):  # noqa: ANN001, ANN202
        lo = -(2**62) if start is None else int(start.timestamp())
        hi = 2**62 if end is None else int(end.timestamp())
        return [c for c in self.series.get(timeframe, []) if lo <= c.start_epoch <= hi]

    def load_arrays(self, market, timeframe, start=None, end=None):  # noqa: ANN001, ANN201
        self.reads.append(("arrays", timeframe))
        return CandleArrays.from_candles(market, timeframe, self._window(timeframe, start, end))

    def load_candles(self, market, timeframe, start=None, end=None):  # noqa: ANN001, ANN201
        self.reads.append(("candles", timeframe))
        return self._window(timeframe, start, end)

    def newest_start(self, market, timeframe):  # noqa: ANN001, ANN201
        series = self.series.get(timeframe)
        return series[-1].start_epoch if series else None


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_finer_sources_are_the_whole_divisors_nearest_first():
    assert [tf.code for tf in finer_sources("4h")] == ["1h", "30m", "15m", "10m", "5m", "3m", "1m"]
    assert [tf.code for tf in finer_sources("1d")][:3] == ["4h", "1h", "30m"]
    assert finer_sources("1m") == []


def test_a_4h_trigger_previews_the_last_2000_candles_resampled_from_1h():
    one_hour = hours(4 * (PREVIEW_CANDLES + WARMUP_CANDLES + 100))
    store = Store(**{"1h": one_hour})
    loaded = LoadPreviewCandles(store).execute("KRW-BTC", "4h")
    assert loaded.resampled and loaded.source == "1h" and loaded.candles.timeframe == "4h"
    assert loaded.shown == PREVIEW_CANDLES and loaded.first_shown == WARMUP_CANDLES
    expected = resample(one_hour, "4h", "1h")[-(PREVIEW_CANDLES + WARMUP_CANDLES) :]
    assert loaded.candles.start.tolist() == [c.start_epoch for c in expected]
    assert loaded.candles.close.tolist() == [float(c.close) for c in expected]
    assert loaded.candles.high.tolist() == [float(c.high) for c in expected]
    assert loaded.candles.volume.tolist() == [float(c.volume) for c in expected]
    # only the newest ~2,600 4h candles' worth of hours was read, as exact candles, never as arrays of 1h
    assert ("arrays", "1h") not in store.reads


def test_the_stored_timeframe_is_used_when_there_is_one_and_the_nearest_finer_one_otherwise():
    store = Store(**{"4h": hours(50, "4h", 14_400), "1h": hours(400), "15m": hours(1600, "15m", 900)})
    assert LoadPreviewCandles(store).execute("KRW-BTC", "4h").source == "4h"
    del store.series["4h"]
    assert (
        LoadPreviewCandles(store).execute("KRW-BTC", "4h").source == "1h"
    )  # not 15m: fewer rows, same candles
    del store.series["1h"]
    assert LoadPreviewCandles(store).execute("KRW-BTC", "4h").source == "15m"


def test_a_period_long_before_the_last_2000_candles_is_shown_with_warm_up_before_it():
    one_hour = hours(4 * 6000)  # 6,000 4h candles
    store = Store(**{"1h": one_hour})
    start, end = utc("2021-06-01"), utc("2021-07-31T23:59:59")
    loaded = LoadPreviewCandles(store).execute("KRW-BTC", "4h", PreviewPeriod(start, end))
    shown = loaded.candles.start[loaded.first_shown :]
    assert shown[0] == int(start.timestamp()) and shown[-1] == int(utc("2021-07-31T20:00").timestamp())
    assert loaded.shown == 61 * 6 and loaded.first_shown == WARMUP_CANDLES  # 600 4h candles of history
    newest = one_hour[-1].start_epoch // 14_400 * 14_400
    assert shown[-1] < newest - PREVIEW_CANDLES * 14_400  # outside the default window


def test_an_end_alone_shows_the_2000_candles_up_to_it():
    store = Store(**{"1h": hours(4 * 6000)})
    end = utc("2022-06-01")
    loaded = LoadPreviewCandles(store).execute("KRW-BTC", "4h", PreviewPeriod(None, end))
    assert loaded.shown == PREVIEW_CANDLES and int(loaded.candles.start[-1]) == int(end.timestamp())


def test_a_stored_series_that_only_covers_the_warm_up_is_not_the_period_s_source():
    """4h stored for a while, 1h for longer: a period after the 4h series is built from 1h, not answered
    with "no candles" because the stored 4h candles reach into its warm-up window."""
    store = Store(**{"4h": hours(30, "4h", 14_400), "1h": hours(4 * 400)})
    start = datetime.fromtimestamp(BASE + 200 * 14_400, UTC)
    loaded = LoadPreviewCandles(store).execute("KRW-BTC", "4h", PreviewPeriod(start, None))
    assert loaded.source == "1h" and loaded.shown == 200


def test_nothing_to_show_and_a_reversed_period():
    store = Store(**{"1h": hours(100)})
    empty = LoadPreviewCandles(store).execute("KRW-BTC", "4h", PreviewPeriod(utc("2030-01-01"), None))
    assert empty.shown == 0
    assert LoadPreviewCandles(Store()).execute("KRW-BTC", "1m").shown == 0
    store.reads.clear()
    with pytest.raises(ApplicationError, match="after the end"):
        LoadPreviewCandles(store).execute(
            "KRW-BTC", "4h", PreviewPeriod(utc("2021-02-01"), utc("2021-01-01"))
        )
    assert store.reads == []  # refused before any read


def test_the_typed_period_utc_dates_either_may_be_empty():
    assert parse_period("", "") == PreviewPeriod() and PreviewPeriod().latest
    period = parse_period("2021-01-02", "2021-01-03")
    assert period.start == utc("2021-01-02") and period.end == utc("2021-01-03T23:59:59")
    assert parse_period("", "2021-01-03").start is None
    with pytest.raises(PeriodError, match="YYYY-MM-DD"):
        parse_period("2021-13-01", "")
    with pytest.raises(PeriodError):
        parse_period("2021-02-01", "2021-01-01")
