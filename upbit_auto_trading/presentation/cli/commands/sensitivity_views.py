"""The text of ``analysis sensitivity`` (the --json document is ``SensitivityReport.to_dict()``)."""

from __future__ import annotations

import textwrap

from upbit_auto_trading.application.analysis.fill_sensitivity import SensitivityReport
from upbit_auto_trading.domain.analysis.fill_sensitivity import VariantOutcome


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x * 100:+.2f}%"


def _row(o: VariantOutcome) -> str:
    exits = o.level_exits
    levels = f"{exits.get('stop_loss', 0) + exits.get('trailing_stop', 0)}/{exits.get('take_profit', 0)}"
    sharpe = "-" if o.sharpe is None else f"{o.sharpe:.2f}"
    return (
        f"  {o.label:<20}{o.final_equity:>18,.0f}{_pct(o.total_return):>10}{_pct(o.max_drawdown):>10}"
        f"{o.trades:>8}{sharpe:>8}{levels:>12}{o.ambiguous_candles:>10}"
    )


def _wrapped(prefix: str, text: str) -> list[str]:
    return textwrap.wrap(text, width=100, initial_indent=prefix, subsequent_indent=" " * len(prefix))


def sensitivity_text(report: SensitivityReport) -> str:
    a = report.assessment
    lines = [
        f"Fill sensitivity of run {report.run_id}: {report.strategy_name}, {report.market} {report.timeframe}, "
        f"{report.data_start} to {report.data_end} ({report.candle_count} candles)",
        "",
        f"  {'reading':<20}{'final equity':>18}{'return':>10}{'max DD':>10}{'trades':>8}{'Sharpe':>8}"
        f"{'stops/TPs':>12}{'both in':>10}",
        *(_row(o) for o in a.outcomes),
        f"  {'spread':<20}{a.spread.final_equity:>18,.0f}{a.spread.total_return * 100:>9.2f}p"
        f"{a.spread.max_drawdown * 100:>9.2f}p",
        "",
        *_wrapped("", a.summary),
    ]
    if a.warning:
        lines += ["", *_wrapped("WARNING: ", a.warning)]
    for note in a.notes:
        lines += _wrapped("  - ", note)
    if not report.reproduces_stored:
        lines += _wrapped(
            "  - ",
            "The stop-first reading differs from the stored run (its candles, triggers or the engine changed "
            "since): `backtest rerun` shows what.",
        )
    return "\n".join(lines)
