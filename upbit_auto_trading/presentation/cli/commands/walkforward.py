"""``walkforward run | show``: sweep each train window, run its choice on the next test window, stitch the
out-of-sample equity; progress on stderr, results on stdout."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from upbit_auto_trading.application.robustness.dto import SELECTIONS, WalkForwardRequest
from upbit_auto_trading.domain.robustness.walk_forward import parse_duration
from upbit_auto_trading.presentation.cli.commands.robustness_options import (
    add_study_options,
    cancel_on_interrupt,
    costs,
    executor_spec,
    number,
    period,
    progress_printer,
    space,
    table,
)
from upbit_auto_trading.presentation.cli.context import CliContext

if TYPE_CHECKING:  # a command line that is not a walk-forward does not pay for this import
    from upbit_auto_trading.application.robustness.walk_forward import WalkForwardReport

CANCELLED_EXIT = 130


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    wf = subparsers.add_parser("walkforward", help="walk-forward analysis: out-of-sample equity and efficiency")
    sub = wf.add_subparsers(dest="walkforward_command", metavar="SUBCOMMAND", required=True)

    run = sub.add_parser("run", help="walk-forward a saved strategy's parameters (stored)",
                         description="Cut the period into train/test windows; sweep each train window, run the "
                                     "chosen cell on the following test window, and stitch the test windows' "
                                     "equity. Durations: 180d, 26w, 12h.")  # fmt: skip
    add_study_options(run, several_markets=False)
    run.add_argument("--train", required=True, metavar="DURATION", help="train window length, e.g. 180d")
    run.add_argument("--test", required=True, metavar="DURATION", help="test window length, e.g. 30d")
    run.add_argument("--anchored", action="store_true", help="train windows all start at the period's start")
    run.add_argument("--select", choices=SELECTIONS, default="plateau",
                     help="the train window's top plateau (default) or its best single cell")  # fmt: skip
    run.add_argument("--curve", action="store_true", help="include the stitched equity curve in --json")
    run.set_defaults(func=_run)

    show = sub.add_parser("show", help="a stored walk-forward")
    show.add_argument("study_id", type=int)
    show.add_argument("--curve", action="store_true", help="include the stitched equity curve in --json")
    show.set_defaults(func=_show)

    for parser in (run, show):
        parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="one JSON document")


def report_text(report: WalkForwardReport) -> str:
    s, o = report.summary, report.definition.options
    kind = "anchored" if o.get("anchored") else "rolling"
    head = (f"walk-forward {s.study_id}: {s.strategy_name} on {s.markets[0]} {s.timeframe}, {kind} windows "
            f"train {int(o['train_seconds']) // 86400}d / test {int(o['test_seconds']) // 86400}d, "
            f"{o.get('select')} selection by {report.definition.objective}")  # fmt: skip
    labels = [d.label for d in report.definition.space.dimensions]
    rows = [[str(w.number), w.test_start.strftime("%Y-%m-%d"), w.test_end.strftime("%Y-%m-%d"),
             *(w.chosen[label] for label in labels), number(w.train_value),
             number(w.test_metrics.get("total_return"), True), number(w.test_metrics.get("trades"), whole=True)]
            for w in report.windows]  # fmt: skip
    body = table(["window", "test from", "to", *labels, f"train {report.definition.objective}", "test return",
                  "trades"], rows)  # fmt: skip
    tail = (f"out of sample: return {number(report.oos_total_return, True)}, annualised "
            f"{number(report.oos_annualised, True)}; in sample (mean annualised) {number(report.is_annualised_mean, True)}; "
            f"walk-forward efficiency {number(report.efficiency)}")  # fmt: skip
    return f"{head}\n{body}\n{tail}"


def _run(ctx: CliContext, args: argparse.Namespace) -> int:
    start, end = period(args)
    request = WalkForwardRequest(
        strategy=args.strategy, market=args.market.upper(), timeframe=args.timeframe, space=space(args),
        train_seconds=parse_duration(args.train), test_seconds=parse_duration(args.test), anchored=args.anchored,
        start=start, end=end, costs=costs(args), objective=args.objective, select=args.select,
    )  # fmt: skip
    with cancel_on_interrupt(ctx) as cancel:
        outcome = ctx.services.robustness.run_walk_forward().execute(
            request, executor_spec(args), progress=progress_printer(ctx, "walk-forward"), cancel=cancel
        )
    if outcome.report is None:
        ctx.info(f"walk-forward {outcome.study_id} cancelled (run it again to finish)")
        ctx.emit({"study_id": outcome.study_id, "status": outcome.status}, f"walk-forward {outcome.study_id} cancelled")
        return CANCELLED_EXIT
    ctx.emit(outcome.report.to_dict(args.curve), report_text(outcome.report))
    return 0


def _show(ctx: CliContext, args: argparse.Namespace) -> int:
    report = ctx.services.robustness.get_walk_forward().execute(args.study_id)
    ctx.emit(report.to_dict(args.curve), report_text(report))
    return 0
