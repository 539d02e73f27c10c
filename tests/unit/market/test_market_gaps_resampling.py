from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from upbit_auto_trading.domain.market.calendar import bucket_start, next_start
from upbit_auto_trading.domain.market.errors import ResampleError
from upbit_auto_trading.domain.market.gaps import GapSummary, find_gaps
from upbit_auto_trading.domain.market.resampling import check_resample, resample
from upbit_auto_trading.domain.market.timeframe import Timeframe

H = 3600
BASE = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())  # a Monday


def test_no_gaps_in_a_complete_series():
    assert find_gaps([BASE + i * H for i in range(10)], "1h") == []


def test_gaps_are_found_in_any_order_and_counted():
    starts = [BASE + i * H for i in (5, 0, 1, 2, 6, 9)]
    gaps = find_gaps(starts, "1h")
    assert [(g.first_missing, g.last_missing, g.missing) for g in gaps] == [
        (BASE + 3 * H, BASE + 4 * H, 2),
        (BASE + 7 * H, BASE + 8 * H, 2),
    ]
    assert GapSummary.of(gaps) == GapSummary(gaps=2, missing=4)


def test_monthly_gaps_use_calendar_months():
    months = [int(datetime(2024, m, 1, tzinfo=UTC).timestamp()) for m in (1, 2, 5)]
    gaps = find_gaps(months, "1M")
    assert len(gaps) == 1 and gaps[0].missing == 2
    assert gaps[0].first_missing_utc == datetime(2024, 3, 1, tzinfo=UTC)
    assert gaps[0].last_missing_utc == datetime(2024, 4, 1, tzinfo=UTC)


def test_bucket_boundaries():
    t = BASE + 5 * 86400 + 3 * H + 17  # Saturday 03:00:17
    assert bucket_start(t, Timeframe.H4) == BASE + 5 * 86400
    assert bucket_start(t, Timeframe.W1) == BASE  # weeks start on Monday
    assert bucket_start(t, Timeframe.MONTH1) == BASE
    assert next_start(int(datetime(2024, 12, 1, tzinfo=UTC).timestamp()), Timeframe.MONTH1) == int(
        datetime(2025, 1, 1, tzinfo=UTC).timestamp()
    )


@pytest.mark.parametrize(
    ("src", "dst"),
    [("1h", "4h"), ("1h", "1d"), ("1m", "3m"), ("4h", "1d"), ("1d", "1w"), ("1h", "1M"), ("30m", "1w")],
)
def test_valid_resample_pairs(src, dst):
    check_resample(src, dst)


@pytest.mark.parametrize(
    ("src", "dst"), [("1h", "1h"), ("1d", "1h"), ("3m", "5m"), ("10m", "15m"), ("1w", "1M"), ("1M", "1w")]
)
def test_invalid_resample_pairs(src, dst):
    with pytest.raises(ResampleError):
        check_resample(src, dst)


def test_resample_ohlcv_rules(fakes):
    mk = fakes["make_candle"]
    candles = [
        mk(BASE + 0 * H, open="10", close="11", high="15", low="9", volume="1.1", quote_volume="11"),
        mk(BASE + 1 * H, open="11", close="12", high="13", low="8", volume="2.2", quote_volume="22"),
        mk(BASE + 3 * H, open="12", close="10", high="12", low="10", volume="0.0000001", quote_volume="1"),
        mk(BASE + 4 * H, open="10", close="20", high="21", low="10", volume="5", quote_volume="100"),
    ]
    out = resample(reversed(candles), "4h")  # order of the input does not matter
    assert [c.start_epoch for c in out] == [BASE, BASE + 4 * H]
    first = out[0]
    assert (first.open, first.high, first.low, first.close) == (
        Decimal(10),
        Decimal(15),
        Decimal(8),
        Decimal(10),
    )
    assert first.volume == Decimal("3.3000001") and first.quote_volume == Decimal(34)
    assert first.timeframe == "4h" and out[1].close == Decimal(20)
