"""Every indicator equals TA-Lib after the warm-up (1e-9 relative to the value's scale) and is NaN during it."""

from __future__ import annotations

import numpy as np
import pytest

talib = pytest.importorskip("talib")

from upbit_auto_trading.domain import indicators as ind  # noqa: E402


def _candles(size: int, seed: int, integer: bool) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    close = 5e7 + np.cumsum(rng.normal(0, 5e4, size))
    spread = np.abs(rng.normal(0, 3e4, size))
    high = close + spread
    low = close - np.abs(rng.normal(0, 3e4, size))
    open_ = low + (high - low) * rng.random(size)
    volume = np.abs(rng.lognormal(0, 1.5, size))
    if integer:
        close, high, low, open_ = (np.round(a / 1000) * 1000 for a in (close, high, low, open_))
        high = np.maximum(high, np.maximum(open_, close))
        low = np.minimum(low, np.minimum(open_, close))
    # flat stretch: high == low == close (STOCH/WILLR/RSI edge cases)
    close[300:320] = high[300:320] = low[300:320] = open_[300:320] = close[299]
    return {"open": open_, "high": high, "low": low, "close": close, "volume": volume}


@pytest.fixture(params=[(0, False), (1, True)], ids=["float-prices", "integer-krw"])
def c(request: pytest.FixtureRequest) -> dict[str, np.ndarray]:
    return _candles(5000, *request.param)


def assert_matches(ours: np.ndarray, ref: np.ndarray, scale: float) -> None:
    ours, ref = np.asarray(ours), np.asarray(ref)
    assert np.array_equal(np.isnan(ours), np.isnan(ref)), (
        f"warm-up differs: first value at {np.argmax(~np.isnan(ours))} vs {np.argmax(~np.isnan(ref))}"
    )
    ok = ~np.isnan(ref)
    tolerance = 1e-9 * np.maximum(np.abs(ref[ok]), scale)
    worst = np.max(np.abs(ours[ok] - ref[ok]) - tolerance)
    assert worst <= 0, f"differs from TA-Lib by more than 1e-9 relative (excess {worst:g})"


PRICE = 5e7


@pytest.mark.parametrize("period", [1, 2, 20, 60])
def test_indicators_sma_wma_ema(c, period):
    assert_matches(ind.sma(c["close"], period), talib.SMA(c["close"], period), PRICE)
    if period >= 2:
        assert_matches(ind.wma(c["close"], period), talib.WMA(c["close"], period), PRICE)
        assert_matches(ind.ema(c["close"], period), talib.EMA(c["close"], period), PRICE)


@pytest.mark.parametrize(("period", "k"), [(20, 2.0), (10, 1.5)])
def test_indicators_bbands_population_deviation(c, period, k):
    for ours, ref in zip(
        ind.bbands(c["close"], period, k), talib.BBANDS(c["close"], period, k, k, 0), strict=True
    ):
        assert_matches(ours, ref, PRICE)


@pytest.mark.parametrize("period", [2, 14, 30])
def test_indicators_rsi_wilder(c, period):
    assert_matches(ind.rsi(c["close"], period), talib.RSI(c["close"], period), 100.0)


@pytest.mark.parametrize(("k", "s", "d"), [(14, 3, 3), (5, 1, 3), (9, 3, 1)])
def test_indicators_stoch(c, k, s, d):
    ours = ind.stoch(c["high"], c["low"], c["close"], k, s, d)
    refs = talib.STOCH(c["high"], c["low"], c["close"], k, s, 0, d, 0)
    for a, b in zip(ours, refs, strict=True):
        assert_matches(a, b, 100.0)


def test_indicators_mfi_willr_cci_roc(c):
    h, low, cl, v = c["high"], c["low"], c["close"], c["volume"]
    assert_matches(ind.mfi(h, low, cl, v, 14), talib.MFI(h, low, cl, v, 14), 100.0)
    assert_matches(ind.willr(h, low, cl, 14), talib.WILLR(h, low, cl, 14), 100.0)
    assert_matches(ind.cci(h, low, cl, 20), talib.CCI(h, low, cl, 20), 100.0)
    assert_matches(ind.roc(cl, 10), talib.ROC(cl, 10), 100.0)


@pytest.mark.parametrize(("fast", "slow", "signal"), [(12, 26, 9), (5, 35, 5)])
def test_indicators_macd(c, fast, slow, signal):
    # MACD is a difference of two price-scale EMAs: compare relative to the price scale.
    for a, b in zip(
        ind.macd(c["close"], fast, slow, signal), talib.MACD(c["close"], fast, slow, signal), strict=True
    ):
        assert_matches(a, b, PRICE)


def test_indicators_atr_obv_extremes_volume_sma(c):
    h, low, cl, v = c["high"], c["low"], c["close"], c["volume"]
    assert_matches(ind.atr(h, low, cl, 14), talib.ATR(h, low, cl, 14), 1e4)
    assert_matches(ind.obv(cl, v), talib.OBV(cl, v), float(np.sum(v)))
    assert_matches(ind.highest(h, 20), talib.MAX(h, 20), PRICE)
    assert_matches(ind.lowest(low, 20), talib.MIN(low, 20), PRICE)
    assert_matches(ind.volume_sma(v, 20), talib.SMA(v, 20), 1.0)


def test_indicators_short_series_are_all_nan():
    x = np.arange(5, dtype=float) + 100
    assert np.isnan(ind.sma(x, 10)).all()
    assert np.isnan(ind.rsi(x, 14)).all()
    assert np.isnan(ind.macd(x)[0]).all()
    assert ind.obv(np.empty(0), np.empty(0)).shape == (0,)


def test_indicators_have_no_look_ahead(c):
    """Changing a later candle never changes an earlier value."""
    cut = 2500
    changed = {k: v.copy() for k, v in c.items()}
    for key in ("open", "high", "low", "close"):
        changed[key][cut:] *= 1.37
    changed["volume"][cut:] *= 5
    funcs = [
        lambda d: ind.ema(d["close"], 20),
        lambda d: ind.rsi(d["close"], 14),
        lambda d: ind.macd(d["close"])[2],
        lambda d: ind.atr(d["high"], d["low"], d["close"], 14),
        lambda d: ind.stoch(d["high"], d["low"], d["close"])[1],
        lambda d: ind.mfi(d["high"], d["low"], d["close"], d["volume"]),
        lambda d: ind.cci(d["high"], d["low"], d["close"]),
        lambda d: ind.bbands(d["close"])[0],
        lambda d: ind.highest(d["high"], 20),
    ]
    for f in funcs:
        np.testing.assert_array_equal(f(c)[:cut], f(changed)[:cut])


def test_indicators_sma_of_integer_prices_is_exact():
    """Window sums of integer prices are exact, so equal averages are bit-for-bit equal."""
    x = np.full(500, 10_000_000.0)
    x[::7] += 1000
    twenty, sixty = ind.sma(x, 20), ind.sma(x, 60)
    expected = np.convolve(x, np.ones(20), "valid") / 20
    np.testing.assert_array_equal(twenty[19:], expected)
    assert np.all(ind.sma(np.full(300, 123_456_000.0), 60)[59:] == 123_456_000.0)
    assert sixty.shape == x.shape
