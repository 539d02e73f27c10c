"""Fill sensitivity: how much a run's result depends on what happened inside its candles.

A candle whose range holds both the stop and a profit level does not say which was touched first. The run
assumes the stop (the conservative reading, docs/backtest-model.md rule 4). Here the same run is also read
with the take-profit first (the optimistic reading) and, when finer candles of the market cover the period,
replayed along their path (``domain/backtest/path_replay.py``). The outcomes, their spread and a verdict:
the result *depends on optimism* when

- the take-profit-first run is profitable and the stop-first run, or the path replay, is not; or
- the take-profit-first final equity exceeds the stop-first one (or the path replay's) by more than
  ``OPTIMISM_THRESHOLD`` (5 %) of it: ``final_tp / final_other - 1 > threshold``. Compared on final equity,
  so the threshold means the same for a run that made 3 % and one that made 300 %.

Sharpe ratios are the run analysis's (daily KST returns, 365 days: ``domain/analysis/returns.py``).
Floats are fine for returns and ratios; the final equity is a Decimal (8 places), as runs store it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

import numpy as np

from upbit_auto_trading.domain.analysis.returns import annualised_sharpe, daily_returns
from upbit_auto_trading.domain.backtest.codes import FillReason
from upbit_auto_trading.domain.backtest.fills import dec
from upbit_auto_trading.domain.backtest.path_replay import PathReplay
from upbit_auto_trading.domain.backtest.result import BacktestResult

OPTIMISM_THRESHOLD = 0.05
"""The take-profit-first final equity above another reading's by more than this share of it: the verdict
depends on the optimistic assumption."""

LEVEL_EXITS = (
    FillReason.STOP_LOSS,
    FillReason.TRAILING_STOP,
    FillReason.TAKE_PROFIT,
    FillReason.PARTIAL_TAKE_PROFIT,
)


class FillVariant(StrEnum):
    STOP_FIRST = "stop_first"
    TAKE_PROFIT_FIRST = "take_profit_first"
    PATH_REPLAY = "path_replay"


@dataclass(frozen=True)
class VariantOutcome:
    """One reading of the run. ``ambiguous_candles``: candles (finer candles for the path replay) whose
    range held both a stop and a profit level while a position was open; ``level_exits``: fills by the
    level that made them (stop_loss, trailing_stop, take_profit, partial_take_profit)."""

    variant: FillVariant
    label: str
    final_equity: Decimal
    total_return: float
    max_drawdown: float
    trades: int
    sharpe: float | None
    ambiguous_candles: int
    level_exits: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "variant": self.variant.value,
            "label": self.label,
            "final_equity": format(self.final_equity, "f"),
            "total_return": self.total_return,
            "max_drawdown": self.max_drawdown,
            "trades": self.trades,
            "sharpe": self.sharpe,
            "ambiguous_candles": self.ambiguous_candles,
            "level_exits": dict(self.level_exits),
        }


def variant_outcome(variant: FillVariant, label: str, result: BacktestResult) -> VariantOutcome:
    reasons = result.fills.reason
    _starts, daily = daily_returns(result.candles.start, result.equity)
    return VariantOutcome(
        variant=variant,
        label=label,
        final_equity=dec(result.final_equity),
        total_return=result.final_equity / result.start_equity - 1.0,
        max_drawdown=float(result.drawdown.min()) if result.equity.shape[0] else 0.0,
        trades=int(result.trade_arrays.closed.sum()),
        sharpe=annualised_sharpe(daily),
        ambiguous_candles=result.ambiguous_candles,
        level_exits={reason.label: int(np.count_nonzero(reasons == reason)) for reason in LEVEL_EXITS},
    )


@dataclass(frozen=True)
class Spread:
    """Highest minus lowest over the readings."""

    final_equity: Decimal
    total_return: float
    max_drawdown: float
    sharpe: float | None  # None when a reading has no Sharpe ratio

    def to_dict(self) -> dict[str, Any]:
        return {
            "final_equity": format(self.final_equity, "f"),
            "total_return": self.total_return,
            "max_drawdown": self.max_drawdown,
            "sharpe": self.sharpe,
        }


def spread(outcomes: Sequence[VariantOutcome]) -> Spread:
    equities = [o.final_equity for o in outcomes]
    returns = [o.total_return for o in outcomes]
    drawdowns = [o.max_drawdown for o in outcomes]
    sharpes = [o.sharpe for o in outcomes]
    known = [s for s in sharpes if s is not None]
    return Spread(
        final_equity=max(equities) - min(equities),
        total_return=max(returns) - min(returns),
        max_drawdown=max(drawdowns) - min(drawdowns),
        sharpe=max(known) - min(known) if len(known) == len(sharpes) else None,
    )


@dataclass(frozen=True)
class ReplayCoverage:
    """How the path replay saw the run's candles: ``covered`` had finer candles; ``without_finer`` had none
    and were replayed as the run saw them; ``mismatched`` had finer candles that do not add up to them."""

    timeframe: str
    candles: int
    covered: int
    without_finer: int
    mismatched: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def replay_coverage(replay: PathReplay) -> ReplayCoverage:
    path = replay.path
    return ReplayCoverage(
        timeframe=path.timeframe,
        candles=int(path.covered.shape[0]),
        covered=path.candles_covered,
        without_finer=path.candles_without_finer,
        mismatched=path.candles_mismatched,
    )


@dataclass(frozen=True)
class FillAssessment:
    """The readings (stop first, take-profit first, and the path replay when finer candles cover the
    period), their spread and the verdict. ``warning`` is set exactly when ``depends_on_optimism``;
    ``summary`` is always a plain sentence or two; ``notes`` say what the path replay could not do exactly
    (empty without one)."""

    outcomes: tuple[VariantOutcome, ...]
    spread: Spread
    depends_on_optimism: bool
    warning: str | None
    summary: str
    threshold: float
    replay: ReplayCoverage | None
    notes: tuple[str, ...]

    def outcome(self, variant: FillVariant) -> VariantOutcome | None:
        return next((o for o in self.outcomes if o.variant is variant), None)

    @property
    def ambiguous_candles(self) -> int:
        """Candles of the run that held both a stop and a profit level (counted by the stop-first reading)."""
        first = self.outcome(FillVariant.STOP_FIRST)
        return first.ambiguous_candles if first is not None else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcomes": [o.to_dict() for o in self.outcomes],
            "spread": self.spread.to_dict(),
            "ambiguous_candles": self.ambiguous_candles,
            "depends_on_optimism": self.depends_on_optimism,
            "warning": self.warning,
            "summary": self.summary,
            "threshold": self.threshold,
            "replay": None if self.replay is None else self.replay.to_dict(),
            "notes": list(self.notes),
        }


def optimism_gap(optimistic: VariantOutcome, other: VariantOutcome) -> float:
    """How much more final equity the optimistic reading has, as a share of the other's."""
    base = float(other.final_equity)
    if base <= 0.0:
        return float("inf") if float(optimistic.final_equity) > base else 0.0
    return float(optimistic.final_equity) / base - 1.0


def _pct(x: float) -> str:
    return f"{x * 100:+.2f} %"


def _flip_advice(others: Sequence[VariantOutcome], losing: Sequence[VariantOutcome]) -> str:
    replay = next((o for o in others if o.variant is FillVariant.PATH_REPLAY), None)
    if replay is None:
        return (
            "Its profit rests on the order of high and low inside the candles that held both levels: do not "
            "trust it before finer candles of the market (download 1m to 30m candles) confirm it."
        )
    if replay in losing:
        return "Along the finer candles' path it loses too: its profit rests on the optimistic reading."
    return (
        "Along the finer candles' path it is profitable, so the profit is plausible, but it hangs on the "
        "order of high and low inside the candles that held both levels."
    )


def _verdict(
    tp: VariantOutcome, others: Sequence[VariantOutcome], threshold: float
) -> tuple[bool, str | None]:
    """(depends on optimism, the warning). ``others``: the stop-first reading, then the path replay."""
    losing = [o for o in others if o.total_return <= 0.0]
    gaps = [(optimism_gap(tp, o), o) for o in others]
    worst_gap, against = max(gaps, key=lambda g: g[0])
    readings = ", ".join(f"{o.label.lower()} {_pct(o.total_return)}" for o in others)
    if tp.total_return > 0.0 and losing:
        return True, (
            f"The run is profitable only if the take-profit came first ({_pct(tp.total_return)}; "
            f"{readings}). {_flip_advice(others, losing)}"
        )
    if worst_gap > threshold:
        return True, (
            f"Assuming the take-profit came first adds {worst_gap * 100:.1f} % to the final equity over "
            f"the {against.label.lower()} reading (more than {threshold * 100:.0f} %): "
            f"take-profit first {_pct(tp.total_return)}, {readings}. The result depends on the order of high "
            "and low inside candles that held both levels."
        )
    return False, None


def _summary(
    stop: VariantOutcome, tp: VariantOutcome, replay: VariantOutcome | None, threshold: float
) -> str:
    n = stop.ambiguous_candles
    if n == 0 and tp.final_equity == stop.final_equity:
        text = "No candle held both a stop and a profit level: the intrabar order does not change this run."
    else:
        gap = optimism_gap(tp, stop)
        text = (
            f"{n} candle{'s' if n != 1 else ''} held both a stop and a profit level; taking the profit first "
            f"changes the return from {_pct(stop.total_return)} to {_pct(tp.total_return)} "
            f"({gap * 100:+.1f} % final equity; the warning threshold is {threshold * 100:.0f} %)."
        )
    if replay is not None:
        width = tp.total_return - stop.total_return
        where = ""
        if abs(width) > 1e-12:
            share = (replay.total_return - stop.total_return) / width
            where = f", {share * 100:.0f} % of the way from the stop-first to the take-profit-first result"
        text += f" The {replay.label.lower()} returns {_pct(replay.total_return)}{where}."
    return text


def replay_notes(coarse_timeframe: str, replay: PathReplay) -> tuple[str, ...]:
    """What the path replay did not do exactly, in plain words."""
    path = replay.path
    fine = path.timeframe
    notes = [
        f"Decisions (signals, adds, time exit, cooldown) stay on the {coarse_timeframe} closes; the fills at "
        f"the open, the stop, trailing stop, take-profit and partial take-profit are checked on each {fine} "
        f"candle, and the trailing stop's high moves with each {fine} candle.",
    ]
    fine_ambiguous = replay.result.ambiguous_candles
    if fine_ambiguous:
        notes.append(
            f"{fine_ambiguous} {fine} candle{'s' if fine_ambiguous != 1 else ''} still held both a stop and "
            "a profit level: the stop was assumed first inside them."
        )
    if path.candles_without_finer:
        notes.append(
            f"{path.candles_without_finer} {coarse_timeframe} candles have no {fine} candles (gaps in the "
            f"{fine} series) and were replayed as {coarse_timeframe} candles."
        )
    if path.candles_mismatched:
        notes.append(
            f"{path.candles_mismatched} {coarse_timeframe} candles differ from their {fine} candles' "
            f"open, high, low or close (another source, or missing {fine} candles); they were replayed from "
            f"the {fine} candles."
        )
    return tuple(notes)


def assess(
    stop_first: BacktestResult,
    take_profit_first: BacktestResult,
    replay: PathReplay | None = None,
    *,
    threshold: float = OPTIMISM_THRESHOLD,
    replay_unavailable: str | None = None,
) -> FillAssessment:
    """The fill-sensitivity verdict of one run read three (or two) ways. ``replay_unavailable`` says why
    there is no path replay (it becomes a note)."""
    stop = variant_outcome(FillVariant.STOP_FIRST, "Stop first", stop_first)
    tp = variant_outcome(FillVariant.TAKE_PROFIT_FIRST, "Take-profit first", take_profit_first)
    outcomes = [stop, tp]
    notes: list[str] = []
    path_outcome: VariantOutcome | None = None
    if replay is not None:
        label = f"{replay.path.timeframe} path replay"
        path_outcome = variant_outcome(FillVariant.PATH_REPLAY, label, replay.result)
        outcomes.append(path_outcome)
        notes.extend(replay_notes(stop_first.candles.timeframe, replay))
    elif replay_unavailable:
        notes.append(replay_unavailable)
    others = [stop] if path_outcome is None else [stop, path_outcome]
    depends, warning = _verdict(tp, others, threshold)
    return FillAssessment(
        outcomes=tuple(outcomes),
        spread=spread(outcomes),
        depends_on_optimism=depends,
        warning=warning,
        summary=_summary(stop, tp, path_outcome, threshold),
        threshold=threshold,
        replay=None if replay is None else replay_coverage(replay),
        notes=tuple(notes),
    )
