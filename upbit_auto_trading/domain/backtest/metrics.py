"""Performance metrics of a backtest. Formulas: docs/backtest-model.md, "Metrics".

Returns are fractions (0.12 = 12 %). Annualisation assumes a market open all year (crypto): a year is
365.25 days, so a timeframe of ``s`` seconds has ``365.25 * 86400 / s`` periods per year (12 for ``1M``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from upbit_auto_trading.domain.backtest.fills import TradeArrays

SECONDS_PER_YEAR = 365.25 * 86400.0
_TIMEFRAME_SECONDS = {
    "1m": 60,
    "3m": 180,
    "5m": 300,
    "10m": 600,
    "15m": 900,
    "30m": 1800,
    "1h": 3600,
    "4h": 14400,
    "1d": 86400,
    "1w": 604800,
    "1M": int(SECONDS_PER_YEAR / 12),
}


def timeframe_seconds(code: str) -> int:
    """Nominal candle length in seconds (a month counts as a twelfth of 365.25 days)."""
    try:
        return _TIMEFRAME_SECONDS[code]
    except KeyError:
        raise ValueError(f"Unknown timeframe {code!r}") from None


def periods_per_year(code: str) -> float:
    return SECONDS_PER_YEAR / timeframe_seconds(code)


@dataclass(frozen=True)
class Metrics:
    start_equity: float
    final_equity: float
    total_return: float
    cagr: float | None
    volatility: float | None  # annualised standard deviation of per-candle returns
    sharpe: float | None
    sortino: float | None
    calmar: float | None
    max_drawdown: float  # <= 0, e.g. -0.25
    max_drawdown_duration_bars: int
    max_drawdown_duration_seconds: int
    trades: int  # closed round trips
    open_trades: int
    win_rate: float | None
    profit_factor: float | None  # None when there is no losing trade (infinite)
    average_win: float | None  # mean return of winning trades
    average_loss: float | None  # mean return of losing trades (negative)
    best_trade: float | None
    worst_trade: float | None
    expectancy: float | None  # mean return per closed trade
    sqn: float | None
    exposure: float  # share of candles with a position at any moment
    average_holding_bars: float | None
    average_holding_seconds: float | None
    fees: float
    buy_and_hold_return: float
    refused_orders: int

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if isinstance(value, float) and not math.isfinite(value):
                value = None
            out[key] = value
        return out


def _f(x: float) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def drawdown_curve(equity: np.ndarray) -> np.ndarray:
    """equity / running peak - 1 (<= 0)."""
    if equity.shape[0] == 0:
        return equity.copy()
    peak = np.maximum.accumulate(equity)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(peak > 0, equity / peak - 1.0, 0.0)


def _max_drawdown_duration(equity: np.ndarray) -> int:
    """Longest run of candles spent below a previous peak (peak to recovery, or to the end)."""
    n = equity.shape[0]
    if n == 0:
        return 0
    peak = np.maximum.accumulate(equity)
    at_peak = equity >= peak
    idx = np.where(at_peak, np.arange(n), 0)
    last_peak = np.maximum.accumulate(idx)
    return int((np.arange(n) - last_peak).max())


def compute_metrics(
    *,
    start_equity: float,
    equity: np.ndarray,
    position: np.ndarray,
    fill_bars: np.ndarray,
    fees_total: float,
    trades: TradeArrays,
    close: np.ndarray,
    start: np.ndarray,
    timeframe: str,
    refused_orders: int = 0,
) -> Metrics:
    n = equity.shape[0]
    tf_s = timeframe_seconds(timeframe)
    final = float(equity[-1]) if n else start_equity

    years = (float(start[-1] - start[0]) + tf_s) / SECONDS_PER_YEAR if n else 0.0
    cagr = None
    if years > 0:
        cagr = (final / start_equity) ** (1.0 / years) - 1.0 if final > 0 else -1.0

    series = np.concatenate(([start_equity], equity))
    risk = _Risk.of(series, SECONDS_PER_YEAR / tf_s)
    dd = drawdown_curve(series)
    max_dd = float(dd.min()) if dd.shape[0] else 0.0
    dd_bars = _max_drawdown_duration(series)
    ts = _TradeStats.of(trades, start)
    return Metrics(
        start_equity=start_equity,
        final_equity=final,
        total_return=final / start_equity - 1.0,
        cagr=_f(cagr) if cagr is not None else None,
        volatility=risk.volatility,
        sharpe=risk.sharpe,
        sortino=risk.sortino,
        calmar=_f(cagr / -max_dd) if cagr is not None and max_dd < 0 else None,
        max_drawdown=max_dd,
        max_drawdown_duration_bars=dd_bars,
        max_drawdown_duration_seconds=dd_bars * tf_s,
        trades=ts.closed,
        open_trades=ts.open,
        win_rate=ts.win_rate,
        profit_factor=ts.profit_factor,
        average_win=ts.average_win,
        average_loss=ts.average_loss,
        best_trade=ts.best,
        worst_trade=ts.worst,
        expectancy=ts.expectancy,
        sqn=ts.sqn,
        exposure=_exposure(position, fill_bars),
        average_holding_bars=ts.holding_bars,
        average_holding_seconds=ts.holding_seconds,
        fees=fees_total,
        buy_and_hold_return=float(close[-1] / close[0] - 1.0) if n else 0.0,
        refused_orders=refused_orders,
    )


@dataclass(frozen=True)
class _Risk:
    """Annualised volatility, Sharpe and Sortino ratios of the per-candle returns (None with fewer than two
    returns, or a ratio without risk)."""

    volatility: float | None = None
    sharpe: float | None = None
    sortino: float | None = None

    @classmethod
    def of(cls, series: np.ndarray, periods_a_year: float) -> _Risk:
        rets = series[1:] / series[:-1] - 1.0
        if rets.shape[0] < 2:
            return cls()
        sd = float(np.std(rets, ddof=1))
        mean = float(np.mean(rets))
        root = math.sqrt(periods_a_year)
        downside = float(np.sqrt(np.mean(np.minimum(rets, 0.0) ** 2)))
        return cls(
            volatility=_f(sd * root),
            sharpe=_f(mean / sd * root) if sd > 0 else None,
            sortino=_f(mean / downside * root) if downside > 0 else None,
        )


@dataclass(frozen=True)
class _TradeStats:
    """The round trips: counts, then (None without a closed one) win rate, profit factor, returns, SQN and
    holding times of the closed ones."""

    closed: int
    open: int
    win_rate: float | None = None
    profit_factor: float | None = None
    average_win: float | None = None
    average_loss: float | None = None
    best: float | None = None
    worst: float | None = None
    expectancy: float | None = None
    sqn: float | None = None
    holding_bars: float | None = None
    holding_seconds: float | None = None

    @classmethod
    def of(cls, trades: TradeArrays, start: np.ndarray) -> _TradeStats:
        closed = trades.closed
        n_closed = int(closed.sum())
        n_open = int((~closed).sum())
        if not n_closed:
            return cls(0, n_open)
        r = trades.return_[closed]
        pnl = trades.pnl[closed]
        wins = pnl > 0
        gross_win = float(pnl[wins].sum())
        gross_loss = float(-pnl[pnl < 0].sum())
        sqn = None
        if n_closed >= 2:
            sd = float(np.std(pnl, ddof=1))
            sqn = _f(math.sqrt(n_closed) * float(pnl.mean()) / sd) if sd > 0 else None
        eb = trades.entry_bar[closed]
        xb = trades.exit_bar[closed]
        return cls(
            closed=n_closed,
            open=n_open,
            win_rate=float(wins.mean()),
            profit_factor=gross_win / gross_loss if gross_loss > 0 else None,
            average_win=float(r[wins].mean()) if wins.any() else None,
            average_loss=float(r[~wins].mean()) if (~wins).any() else None,
            best=float(r.max()),
            worst=float(r.min()),
            expectancy=float(r.mean()),
            sqn=sqn,
            holding_bars=float((xb - eb).mean()),
            holding_seconds=float((start[xb] - start[eb]).mean()),
        )


def _exposure(position: np.ndarray, fill_bars: np.ndarray) -> float:
    """Share of candles with a position at any moment (a candle with a fill counts, even if it ends flat)."""
    if position.shape[0] == 0:
        return 0.0
    held = position > 0
    if fill_bars.shape[0]:
        held = held.copy()
        held[fill_bars] = True
    return float(held.mean())
