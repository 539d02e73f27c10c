"""What ``sweep`` and ``walkforward`` share: their options, reading them, progress on stderr, a graceful
Ctrl+C (the first one cancels: the cells done are kept; a second one interrupts), and the table text."""

from __future__ import annotations

import argparse
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from upbit_auto_trading.application.robustness.dto import ExecutorSpec, RunCosts
from upbit_auto_trading.domain.robustness.plateau import DEFAULT_OBJECTIVE, OBJECTIVES
from upbit_auto_trading.domain.robustness.space import ParameterSpace
from upbit_auto_trading.domain.work import CancelToken, Progress, ProgressCallback
from upbit_auto_trading.presentation.cli.commands.backtest import (  # the backtest command's readers
    _capital,
    _check_period,
    _rate,
    _time,
)
from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError

PARAM_HELP = (
    "PATH=START:STOP:STEP or PATH=v1,v2,...; several paths moved together: PATH,PATH=...; repeat for more "
    "dimensions (`sweep params --strategy NAME` lists the paths)"
)


def add_study_options(parser: argparse.ArgumentParser, *, several_markets: bool) -> None:
    parser.add_argument("--strategy", required=True, help="saved strategy name (or id)")
    if several_markets:
        parser.add_argument("--market", required=True, action="append", help="e.g. KRW-BTC; repeat for more")
    else:
        parser.add_argument("--market", required=True, help="e.g. KRW-BTC")
    parser.add_argument("--timeframe", required=True, help="1m 3m 5m 10m 15m 30m 1h 4h 1d 1w 1M")
    parser.add_argument("--from", dest="start", help="first candle start, ISO-8601 UTC (date or date-time)")
    parser.add_argument("--to", dest="end", help="last candle start, ISO-8601 UTC (a date: that whole day)")
    parser.add_argument("--param", required=True, action="append", metavar="SPEC", help=PARAM_HELP)
    parser.add_argument("--objective", default=DEFAULT_OBJECTIVE, choices=OBJECTIVES,
                        help=f"the metric cells are ranked by (default {DEFAULT_OBJECTIVE})")  # fmt: skip
    parser.add_argument("--capital", default="10000000", metavar="AMOUNT", help="starting capital (default 10000000)")
    parser.add_argument("--fee", default="0.05", metavar="PERCENT", help="fee per fill in percent (default 0.05)")
    parser.add_argument("--slippage", default="0", metavar="PERCENT", help="slippage per fill in percent")
    parser.add_argument("--no-exchange-rules", action="store_true",
                        help="no KRW tick rounding or 5,000 KRW minimum order")  # fmt: skip
    add_executor_options(parser)


def add_executor_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workers", type=int, metavar="N",
                        help="cells run at once: local processes (default: one per core; 1 = this process), "
                             "or Ray actors with --ray (default: one per cluster CPU)")  # fmt: skip
    parser.add_argument("--ray", metavar="auto|local|ADDRESS",
                        help='run the cells on Ray: "auto" (this machine\'s cluster), "local" (start one here) '
                             'or an address such as ray://head:10001 (needs pip install -e ".[ray]")')  # fmt: skip


def executor_spec(args: argparse.Namespace) -> ExecutorSpec:
    if args.workers is not None and args.workers < 1:
        raise CliError("--workers takes a whole number of at least 1", exit_code=2)
    return ExecutorSpec(workers=args.workers, ray_address=args.ray)


def space(args: argparse.Namespace) -> ParameterSpace:
    return ParameterSpace.parse(args.param)


def costs(args: argparse.Namespace) -> RunCosts:
    return RunCosts(_capital(args.capital), _rate(args.fee, "--fee"), _rate(args.slippage, "--slippage"),
                    False if args.no_exchange_rules else None)  # fmt: skip


def period(args: argparse.Namespace) -> tuple[Any, Any]:
    start, end = _time(args.start, "--from"), _time(args.end, "--to", end_of_day=True)
    _check_period(start, end, (args.start, args.end))
    return start, end


def progress_printer(ctx: CliContext, what: str) -> ProgressCallback:
    """A line on stderr per stage change and per 10 % of cells."""
    shown: dict[str, Any] = {"stage": "", "tenth": -1}

    def progress(step: Progress) -> None:
        tenth = int(step.fraction * 10)
        if step.message != shown["stage"] or tenth != shown["tenth"]:
            shown["stage"], shown["tenth"] = step.message, tenth
            count = f" {step.done:.0f}/{step.total:.0f}" if step.total > 1 else ""
            ctx.info(f"{what}: {step.message}{count} ({step.fraction * 100:.0f}%)")

    return progress


@contextmanager
def cancel_on_interrupt(ctx: CliContext) -> Iterator[CancelToken]:
    """The first Ctrl+C sets the token (the study stops after the cells under way and keeps them); the
    second one interrupts at once."""
    token = CancelToken()

    def handler(signum: int, frame: object) -> None:
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()
        ctx.info("cancelling: finishing the cells under way (Ctrl+C again to stop at once)")

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread (an in-process test): no handler, a token all the same
        yield token
        return
    try:
        yield token
    finally:
        signal.signal(signal.SIGINT, previous)


def number(value: Any, percent: bool = False, whole: bool = False) -> str:
    if value is None:
        return "-"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if whole:
            return f"{value:.0f}"
        return f"{value * 100:.2f}%" if percent else f"{value:.3f}"
    return str(value)


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)
