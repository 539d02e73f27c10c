"""Closed trades grouped by why they ended, what opened them, and when (KST).

- exit reason: the reason of the trade's last sell (stop_loss, take_profit, exit_signal, ...);
- entry trigger: the strategy's entry groups that were true on the close that decided the entry (the
  entry fills at the next candle's open, docs/backtest-model.md rule 2); a group reads "A & B", several
  groups true at once read "A & B | C";
- weekday and hour of the entry candle's start in KST (Monday = 0);
- month (KST) of the exit candle's start: when the P&L was realised.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from upbit_auto_trading.domain.analysis.returns import KST_OFFSET_SECONDS
from upbit_auto_trading.domain.backtest.codes import FillReason
from upbit_auto_trading.domain.backtest.fills import TradeArrays

ENTRY_SIGNAL_LABEL = "entry signal"
"""The entry bucket when the run's trigger signals are not available (every entry is one signal)."""

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Bucket:
    """The closed trades of one group. ``key`` is the stable machine key (a reason label, a weekday
    number, an hour, ``YYYY-MM``), ``label`` its text."""

    key: str
    label: str
    trades: int
    wins: int
    win_rate: float
    pnl: float  # summed P&L in the quote currency
    mean_return: float
    profit_factor: float | None  # None without a losing trade


@dataclass(frozen=True)
class Breakdowns:
    by_exit_reason: list[Bucket]
    by_entry_trigger: list[Bucket]
    by_weekday: list[Bucket]
    by_hour: list[Bucket]
    by_month: list[Bucket]


def buckets(keys: Sequence[str], labels: Sequence[str], pnl: np.ndarray, ret: np.ndarray) -> list[Bucket]:
    """One bucket per distinct key, in the order keys first appear (callers sort when order matters)."""
    pnl = np.asarray(pnl, dtype=np.float64)
    ret = np.asarray(ret, dtype=np.float64)
    order: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for i, (key, label) in enumerate(zip(keys, labels, strict=True)):
        order.setdefault(key, []).append(i)
        names.setdefault(key, label)
    out = []
    for key, idx in order.items():
        p = pnl[idx]
        gross_loss = float(-p[p < 0].sum())
        wins = int((p > 0).sum())
        pf = float(p[p > 0].sum()) / gross_loss if gross_loss > 0 else None
        out.append(
            Bucket(
                key=key,
                label=names[key],
                trades=len(idx),
                wins=wins,
                win_rate=wins / len(idx),
                pnl=float(p.sum()),
                mean_return=float(ret[idx].mean()),
                profit_factor=pf if pf is None or math.isfinite(pf) else None,
            )
        )
    return out


def entry_trigger_labels(
    entry_bars: np.ndarray, groups: Sequence[tuple[str, np.ndarray]] | None
) -> list[str]:
    """The label of each trade's entry: the entry groups true on the candle before the entry fill.

    ``groups`` holds (label, boolean array over the run's candles) per entry group, in the strategy's
    order; None (signals unknown) labels every entry ``ENTRY_SIGNAL_LABEL``.
    """
    bars = np.asarray(entry_bars, dtype=np.int64)
    if not groups:
        return [ENTRY_SIGNAL_LABEL] * int(bars.shape[0])
    out = []
    for bar in bars.tolist():
        decided = bar - 1
        fired = [label for label, arr in groups if 0 <= decided < arr.shape[0] and bool(arr[decided])]
        out.append(" | ".join(fired) if fired else ENTRY_SIGNAL_LABEL)
    return out


def _kst(epoch: int) -> datetime:
    return datetime.fromtimestamp(int(epoch) + KST_OFFSET_SECONDS, UTC)


def breakdowns(
    trades: TradeArrays, start: np.ndarray, entry_groups: Sequence[tuple[str, np.ndarray]] | None = None
) -> Breakdowns:
    closed = trades.closed
    pnl = trades.pnl[closed]
    ret = trades.return_[closed]
    starts = np.asarray(start, dtype=np.int64)
    entry_bars = trades.entry_bar[closed]
    entries = [_kst(t) for t in starts[entry_bars].tolist()]
    exits = [_kst(t) for t in starts[trades.exit_bar[closed]].tolist()]

    reasons = [FillReason(int(r)).label for r in trades.exit_reason[closed].tolist()]
    by_reason = sorted(buckets(reasons, reasons, pnl, ret), key=lambda b: (-b.trades, b.key))

    triggers = entry_trigger_labels(entry_bars, entry_groups)
    by_trigger = sorted(buckets(triggers, triggers, pnl, ret), key=lambda b: (-b.trades, b.key))

    days = [str(d.weekday()) for d in entries]
    by_weekday = sorted(buckets(days, [WEEKDAYS[int(d)] for d in days], pnl, ret), key=lambda b: int(b.key))
    hours = [str(d.hour) for d in entries]
    by_hour = sorted(buckets(hours, [f"{int(h):02d}:00" for h in hours], pnl, ret), key=lambda b: int(b.key))
    months = [f"{d.year:04d}-{d.month:02d}" for d in exits]
    by_month = sorted(buckets(months, months, pnl, ret), key=lambda b: b.key)
    return Breakdowns(by_reason, by_trigger, by_weekday, by_hour, by_month)
