"""``montecarlo RUN``: the run's closed trades shuffled and bootstrapped (docs/analysis.md, "Monte Carlo")."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError

if TYPE_CHECKING:  # a --help pays for no analysis import
    from upbit_auto_trading.domain.analysis.monte_carlo import Bands, MonteCarloResult


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mc = subparsers.add_parser(
        "montecarlo",
        help="Monte Carlo of a stored run's trades: order shuffling and bootstrap",
        description="Shuffles the order of the run's closed trades and bootstraps them (drawn with "
        "replacement): the 5 %% / median / 95 %% bands of final equity and maximum drawdown, and the "
        "probability of losing --loss percent or more. The same --seed gives the same result.",
    )
    mc.add_argument("run_id", type=int, metavar="RUN")
    mc.add_argument("--n", type=int, default=1000, metavar="PATHS", help="simulated paths (default 1000)")
    mc.add_argument("--seed", type=int, help="random seed (default: a fresh one, printed)")
    mc.add_argument("--loss", type=float, default=20.0, metavar="PCT",
                    help="loss in percent whose probability is reported (default 20)")  # fmt: skip
    mc.set_defaults(func=_montecarlo)


def _bands(b: Bands) -> dict[str, float]:
    return {"p5": b.p5, "median": b.median, "p95": b.p95}


def _result(r: MonteCarloResult) -> dict[str, Any]:
    return {
        "method": str(r.method),
        "final_equity": _bands(r.final_equity),
        "total_return": _bands(r.total_return),
        "max_drawdown": _bands(r.max_drawdown),
        "loss_probability": r.loss_probability,
    }


def _pct(x: float) -> str:
    return f"{x * 100:.2f}%"


def _montecarlo(ctx: CliContext, args: argparse.Namespace) -> int:
    if not 0 < args.loss <= 100:
        raise CliError("--loss is a percentage above 0 and at most 100", exit_code=2)
    if args.seed is not None and args.seed < 0:
        raise CliError("--seed must be 0 or more", exit_code=2)
    report = ctx.services.analysis.run_monte_carlo().execute(
        args.run_id, paths=args.n, seed=args.seed, loss_threshold=args.loss / 100
    )
    s, b = report.shuffle, report.bootstrap
    doc = {
        "run_id": report.run_id,
        "strategy": report.strategy_name,
        "trades": s.trades,
        "open_trades_left_out": report.open_trades,
        "paths": s.paths,
        "seed": s.seed,
        "start_equity": s.start_equity,
        "loss_threshold": s.loss_threshold,
        "actual": {"final_equity": s.actual_final_equity, "max_drawdown": s.actual_max_drawdown},
        "shuffle": _result(s),
        "bootstrap": _result(b),
    }
    lines = [
        f"run {report.run_id}: {report.strategy_name}, {s.trades} closed trades, {s.paths} paths, seed {s.seed}",
        f"{'':<28}{'5%':>16}{'median':>16}{'95%':>16}",
    ]
    for r in (s, b):
        f, d = r.final_equity, r.max_drawdown
        lines.append(f"{r.method + ' final equity':<28}{f.p5:>16,.0f}{f.median:>16,.0f}{f.p95:>16,.0f}")
        lines.append(f"{r.method + ' max drawdown':<28}{_pct(d.p5):>16}{_pct(d.median):>16}{_pct(d.p95):>16}")
    lines.append(
        f"P(loss >= {args.loss:g}%): shuffle {_pct(s.loss_probability)}, bootstrap {_pct(b.loss_probability)}"
    )
    lines.append(
        f"the closed trades in the run's order: final equity {s.actual_final_equity:,.0f}, max drawdown "
        f"{_pct(s.actual_max_drawdown)} (drawdowns measured trade by trade)"
    )
    if report.open_trades:
        lines.append("the trade still open at the end of the run is left out (it has no P&L yet)")
    ctx.emit(doc, "\n".join(lines))
    return 0
