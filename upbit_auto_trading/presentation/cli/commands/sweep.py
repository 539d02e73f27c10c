"""``sweep run | resume | show | list | params | rerun | delete``: parameter sweeps with plateau ranking and
the overfitting verdict; progress on stderr, results on stdout."""

from __future__ import annotations

import argparse
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from upbit_auto_trading.application.robustness.dto import COMPLETED, GRID, SAMPLERS, SweepRequest
from upbit_auto_trading.presentation.cli.commands.robustness_options import (
    add_executor_options,
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
from upbit_auto_trading.presentation.cli.errors import CliError

if TYPE_CHECKING:  # a command line that is not a sweep does not pay for these imports
    from upbit_auto_trading.application.robustness.execution import SweepOutcome
    from upbit_auto_trading.application.robustness.report import Heatmap, SweepReport

CANCELLED_EXIT = 130


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sweep = subparsers.add_parser("sweep", help="parameter sweeps: plateau ranking and the overfitting verdict")
    sub = sweep.add_subparsers(dest="sweep_command", metavar="SUBCOMMAND", required=True)

    run = sub.add_parser("run", help="sweep parameters of a saved strategy (stored; resumable)",
                         description="Backtest every cell of a parameter grid (or Optuna's choice of cells) and "
                                     "rank them: stable plateaus above isolated peaks. --fee and --slippage are "
                                     "in percent. Ctrl+C stops after the cells under way (`sweep resume`).")  # fmt: skip
    add_study_options(run, several_markets=True)
    run.add_argument("--sampler", choices=SAMPLERS, default=GRID, help="grid (every cell, default) or optuna")
    run.add_argument("--trials", type=int, metavar="N", help="cells Optuna evaluates (--sampler optuna)")
    run.add_argument("--seed", type=int, default=0, help="Optuna's seed (default 0)")
    run.add_argument("--top", type=int, default=10, metavar="N", help="rows shown (default 10)")
    run.set_defaults(func=_run)

    resume = sub.add_parser("resume", help="continue a cancelled or interrupted sweep")
    resume.add_argument("study_id", type=int)
    resume.add_argument("--top", type=int, default=10, metavar="N")
    add_executor_options(resume)
    resume.set_defaults(func=_resume)

    show = sub.add_parser("show", help="a stored sweep: ranked cells, heatmap, overfitting card")
    show.add_argument("study_id", type=int)
    show.add_argument("--top", type=int, default=10, metavar="N", help="rows shown (default 10; 0: all)")
    show.add_argument("--heatmap", metavar="X,Y", help="a metric over two swept parameters (their labels)")
    show.add_argument("--metric", help="the heatmap's metric (default: the sweep's objective)")
    show.add_argument("--fix", action="append", default=[], metavar="LABEL=VALUE",
                      help="hold another swept parameter at this value in the heatmap (default: the best cell's)")  # fmt: skip
    show.set_defaults(func=_show)

    listing = sub.add_parser("list", help="stored sweeps and walk-forwards, newest first")
    listing.add_argument("--kind", choices=("sweep", "walkforward"))
    listing.set_defaults(func=_list)

    params = sub.add_parser("params", help="the parameter paths a strategy can sweep, with current values")
    params.add_argument("--strategy", required=True, help="saved strategy name (or id)")
    params.set_defaults(func=_params)

    rerun = sub.add_parser("rerun", help="re-run a stored sweep from its lineage and check it is identical")
    rerun.add_argument("study_id", type=int)
    rerun.add_argument("--sample", type=int, metavar="N", help="check N cells spread over the sweep (default all)")
    add_executor_options(rerun)
    rerun.set_defaults(func=_rerun)

    delete = sub.add_parser("delete", help="delete a stored sweep or walk-forward (asks; --yes to skip)")
    delete.add_argument("study_id", type=int)
    delete.set_defaults(func=_delete)

    for parser in (run, resume, show, listing, params, rerun, delete):
        parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="one JSON document")


# ---------------------------------------------------------------------------------------------- text
def report_text(report: SweepReport, top: int) -> str:
    s = report.summary
    head = (f"sweep {s.study_id}: {s.strategy_name} on {', '.join(s.markets)} {s.timeframe}, {s.status}, "
            f"{s.evaluated}/{s.total_cells} cells ({s.sampler}), ranked by {report.definition.objective} "
            "smoothed over neighbours (plateau)")  # fmt: skip
    rows = report.rows if top <= 0 else report.rows[:top]
    labels = [d.label for d in report.space.dimensions]
    body = table(
        ["rank", *labels, "plateau", report.definition.objective, "return", "max dd", "trades"],
        [[str(r.rank or "-"), *(r.values[label] for label in labels), number(r.score), number(r.value),
          number(r.metric("total_return"), True), number(r.metric("max_drawdown"), True),
          number(r.metric("trades"), whole=True) if r.status == "ok" else r.error[:60]] for r in rows],
    )  # fmt: skip
    card = report.card
    return f"{head}\n{body}\n\noverfitting: {card.verdict} (DSR {number(card.dsr)}, PBO {number(card.pbo)})\n{card.text}"


def heatmap_text(heatmap: Heatmap) -> str:
    fixed = ", ".join(f"{k}={v}" for k, v in heatmap.fixed.items())
    head = f"{heatmap.metric}: rows {heatmap.y_label}, columns {heatmap.x_label}" + (f" ({fixed})" if fixed else "")
    rows = [[y, *(number(v) for v in line)] for y, line in zip(heatmap.y_values, heatmap.z, strict=True)]
    return head + "\n" + table(["", *heatmap.x_values], rows)


def _outcome_doc(outcome: SweepOutcome, top: int) -> dict[str, Any]:
    return {"study_id": outcome.study_id, "status": outcome.status, "evaluated": outcome.evaluated,
            "total": outcome.total, **outcome.report.to_dict(None if top <= 0 else top)}  # fmt: skip


def _emit_outcome(ctx: CliContext, outcome: SweepOutcome, top: int) -> int:
    ctx.emit(_outcome_doc(outcome, top), report_text(outcome.report, top))
    if outcome.status != COMPLETED:
        ctx.info(f"sweep {outcome.study_id} cancelled after {outcome.evaluated} of {outcome.total} cells; "
                 f"continue with `sweep resume {outcome.study_id}`")  # fmt: skip
        return CANCELLED_EXIT
    return 0


# ---------------------------------------------------------------------------------------------- handlers
def _run(ctx: CliContext, args: argparse.Namespace) -> int:
    start, end = period(args)
    if args.sampler == GRID and args.trials is not None:
        raise CliError("--trials is for --sampler optuna (the grid runs every cell)", exit_code=2)
    request = SweepRequest(
        strategy=args.strategy, markets=tuple(m.upper() for m in args.market), timeframe=args.timeframe,
        space=space(args), start=start, end=end, costs=costs(args), sampler=args.sampler, trials=args.trials,
        seed=args.seed, objective=args.objective,
    )  # fmt: skip
    with cancel_on_interrupt(ctx) as cancel:
        outcome = ctx.services.robustness.run_sweep().execute(
            request, executor_spec(args), progress=progress_printer(ctx, "sweep"), cancel=cancel
        )
    return _emit_outcome(ctx, outcome, args.top)


def _resume(ctx: CliContext, args: argparse.Namespace) -> int:
    with cancel_on_interrupt(ctx) as cancel:
        outcome = ctx.services.robustness.resume_sweep().execute(
            args.study_id, executor_spec(args), progress=progress_printer(ctx, "sweep"), cancel=cancel
        )
    return _emit_outcome(ctx, outcome, args.top)


def _fixed(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        label, sep, value = item.rpartition("=")
        if not sep or not label:
            raise CliError(f"--fix takes LABEL=VALUE; got {item!r}", exit_code=2)
        out[label] = value
    return out


def _show(ctx: CliContext, args: argparse.Namespace) -> int:
    report = ctx.services.robustness.get_sweep().execute(args.study_id)
    doc: dict[str, Any] = report.to_dict(None if args.top <= 0 else args.top)
    text = report_text(report, args.top)
    if args.heatmap:
        x, sep, y = args.heatmap.partition(",") if "]" not in args.heatmap else args.heatmap.rpartition(",")
        if not sep:
            raise CliError("--heatmap takes two swept parameters: X,Y (their labels as `sweep show` prints them)", 2)
        heatmap = report.heatmap(x.strip(), y.strip(), args.metric, _fixed(args.fix))
        doc["heatmap"] = heatmap.to_dict()
        text += "\n\n" + heatmap_text(heatmap)
    ctx.emit(doc, text)
    return 0


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    rows = [s.to_dict() for s in ctx.services.robustness.list_studies().execute(args.kind)]
    text = "\n".join(
        f"{r['study_id']:>4}  {r['created_at']}  {r['kind']:<11} {r['status']:<9} {r['strategy_name']}  "
        f"{','.join(r['markets'])} {r['timeframe']}  {r['evaluated']}/{r['total_cells']} cells  "
        f"{'; '.join(r['parameters'])}"
        for r in rows
    )
    ctx.emit(rows, text or "no stored sweeps")
    return 0


def _params(ctx: CliContext, args: argparse.Namespace) -> int:
    found = ctx.services.robustness.list_parameters().execute(args.strategy)

    def text(value: Decimal | None) -> str | None:
        return None if value is None else format(value, "f")

    rows = [{"path": p.path, "current": text(p.current), "integer": p.integer, "minimum": text(p.minimum),
             "maximum": text(p.maximum), "label": p.label} for p in found]  # fmt: skip
    shown = table(["path", "current", "whole", "range", "what"],
                  [[p.path, text(p.current) or "-", "yes" if p.integer else "",
                    f"{text(p.minimum) or ''}..{text(p.maximum) or ''}", p.label] for p in found])  # fmt: skip
    ctx.emit(rows, shown)
    return 0


def _rerun(ctx: CliContext, args: argparse.Namespace) -> int:
    with cancel_on_interrupt(ctx) as cancel:
        report = ctx.services.robustness.rerun_sweep().execute(
            args.study_id, args.sample, executor_spec(args), progress=progress_printer(ctx, "rerun"), cancel=cancel
        )
    text = (f"sweep {args.study_id}: {report.identical} of {report.checked} cells identical"
            + ("" if report.all_identical else ": DIFFERENT: " + "; ".join(report.differences[:10])))  # fmt: skip
    ctx.emit(report.to_dict(), text)
    return 0 if report.all_identical else 1


def _delete(ctx: CliContext, args: argparse.Namespace) -> int:
    if not ctx.confirm(f"Delete stored study {args.study_id} and all its cells?"):
        raise CliError("not deleted (confirm, or pass --yes)")
    ctx.services.robustness.delete_study().execute(args.study_id)
    ctx.emit({"deleted": args.study_id}, f"deleted study {args.study_id}")
    return 0
