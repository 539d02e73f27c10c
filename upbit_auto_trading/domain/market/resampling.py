"""Resampling candles from a finer timeframe to a coarser one.

Rules: a target candle's open is the first source candle's open, close the last one's close, high the
maximum, low the minimum, volumes the exact decimal sums. Buckets with no source candle produce no
candle (nothing traded); partial buckets at the ends of the series are kept, like ``pandas.resample``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

from upbit_auto_trading.domain.market.calendar import bucket_start
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.errors import ResampleError
from upbit_auto_trading.domain.market.timeframe import Timeframe

_ZERO = Decimal(0)


def check_resample(source: Timeframe | str, target: Timeframe | str) -> tuple[Timeframe, Timeframe]:
    """Both timeframes if every ``target`` bucket is made of whole ``source`` candles, else ResampleError."""
    src = Timeframe.from_code(source)
    dst = Timeframe.from_code(target)
    if src.seconds is None or src is dst:
        ok = False
    elif dst.is_calendar:
        ok = src.seconds <= 86400 and 86400 % src.seconds == 0
    else:
        assert dst.seconds is not None
        ok = dst.seconds > src.seconds and dst.seconds % src.seconds == 0
    if not ok:
        raise ResampleError(
            f"Cannot resample {src.code} to {dst.code}: the target must be coarser and made of whole {src.code} candles"
        )
    return src, dst


def resample(
    candles: Iterable[Candle], target: Timeframe | str, source: Timeframe | str | None = None
) -> list[Candle]:
    """Resample ``candles`` (one market, one timeframe, any order) to ``target``; ascending result."""
    ordered = sorted(candles, key=lambda c: c.start)
    if not ordered:
        return []
    src_tf = Timeframe.from_code(source or ordered[0].timeframe)
    _, dst = check_resample(src_tf, target)
    market = ordered[0].market
    out: list[Candle] = []
    group: list[Candle] = []
    current: int | None = None
    for candle in ordered:
        if candle.market != market or candle.timeframe != src_tf.code:
            raise ResampleError("resample takes candles of one market and one timeframe")
        bucket = bucket_start(candle.start_epoch, dst)
        if current is not None and bucket != current:
            out.append(_merge(group, market, dst, current))
            group = []
        current = bucket
        group.append(candle)
    if group and current is not None:
        out.append(_merge(group, market, dst, current))
    return out


def _merge(group: list[Candle], market: str, timeframe: Timeframe, bucket: int) -> Candle:
    return Candle(
        market=market,
        timeframe=timeframe.code,
        start=datetime.fromtimestamp(bucket, UTC),
        open=group[0].open,
        high=max(c.high for c in group),
        low=min(c.low for c in group),
        close=group[-1].close,
        volume=sum((c.volume for c in group), start=_ZERO),
        quote_volume=sum((c.quote_volume for c in group), start=_ZERO),
    )
