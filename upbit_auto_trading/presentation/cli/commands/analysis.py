"""``analysis show RUN`` (the full analysis of a stored run) and ``analysis compare RUN...`` (2-8 runs with
their settings; runs over another period are flagged). Formulas: docs/analysis.md."""

from __future__ import annotations

import argparse

from upbit_auto_trading.presentation.cli.context import CliContext


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    analysis = subparsers.add_parser("analysis", help="analyse and compare stored backtest runs")
    sub = analysis.add_subparsers(dest="analysis_command", metavar="SUBCOMMAND", required=True)

    show = sub.add_parser(
        "show",
        help="the full analysis of one stored run",
        description="Risk of the daily returns (KST days, 365-day year), trade statistics, worst drawdowns, "
        "monthly and yearly returns and breakdowns by exit reason, entry trigger, weekday, hour and month.",
    )
    show.add_argument("run_id", type=int, metavar="RUN")
    show.add_argument("--series", action="store_true", help="with --json: also the daily returns and the "
                      "rolling Sharpe ratio and volatility")  # fmt: skip
    show.add_argument("--window", type=int, default=90, metavar="DAYS",
                      help="rolling window in days (default 90)")  # fmt: skip
    show.set_defaults(func=_show)

    compare = sub.add_parser(
        "compare",
        help="2 to 8 stored runs side by side, with their settings",
        description="Capital, fee, slippage, period, strategy version and data hash of each run with its "
        "metrics; runs over another period than the others are flagged (their returns are not comparable).",
    )
    compare.add_argument("run_ids", type=int, nargs="+", metavar="RUN")
    compare.set_defaults(func=_compare)
    _register_sensitivity(sub)


def _register_sensitivity(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sensitivity = sub.add_parser(
        "sensitivity",
        help="how much a stored run depends on the order of high and low inside its candles",
        description="The run re-simulated with the stop first (as it ran), the take-profit first, and "
        "replayed along finer stored candles of the market when they cover its period; the spread, and a "
        "warning when the verdict depends on the optimistic reading. Definitions: docs/backtest-model.md.",
    )
    sensitivity.add_argument("run_id", type=int, metavar="RUN")
    sensitivity.add_argument("--fine", metavar="TIMEFRAME",
                             help="the finer series of the path replay (default: the finest stored one "
                             "covering the run)")  # fmt: skip
    sensitivity.add_argument("--threshold", type=float, default=5.0, metavar="PCT",
                             help="warn when the take-profit-first final equity is more than PCT %% above "
                             "another reading's (default 5)")  # fmt: skip
    sensitivity.set_defaults(func=_sensitivity)


def _sensitivity(ctx: CliContext, args: argparse.Namespace) -> int:
    from upbit_auto_trading.domain.work import Progress
    from upbit_auto_trading.presentation.cli.commands.sensitivity_views import sensitivity_text

    if not args.threshold > 0:
        from upbit_auto_trading.presentation.cli.errors import CliError

        raise CliError("--threshold must be above 0 (percent)", exit_code=2)
    shown: list[str] = []

    def progress(step: Progress) -> None:  # one line per stage on stderr
        if step.message not in shown:
            shown.append(step.message)
            ctx.info(f"sensitivity: {step.message}")

    report = ctx.services.analysis.fill_sensitivity().execute(
        args.run_id, fine_timeframe=args.fine, threshold=args.threshold / 100.0, progress=progress
    )
    ctx.emit(report.to_dict(), sensitivity_text(report))
    return 0


def _show(ctx: CliContext, args: argparse.Namespace) -> int:
    from upbit_auto_trading.presentation.cli.commands.analysis_views import analysis_text

    if args.window < 2:
        from upbit_auto_trading.presentation.cli.errors import CliError

        raise CliError("--window must be at least 2 days", exit_code=2)
    analysis = ctx.services.analysis.analyse_run().execute(args.run_id, rolling_window_days=args.window)
    stored = ctx.services.analysis.get_run().execute(args.run_id)
    doc = {
        "run_id": stored.run_id,
        "strategy": stored.strategy_name,
        "data_start": stored.record.data_start,
        "data_end": stored.record.data_end,
        **analysis.to_dict(series=args.series),
    }
    ctx.emit(doc, analysis_text(stored, analysis))
    return 0


def _compare(ctx: CliContext, args: argparse.Namespace) -> int:
    from upbit_auto_trading.presentation.cli.commands.analysis_views import comparison_text

    comparison = ctx.services.analysis.compare_runs().execute(args.run_ids)
    ctx.emit(comparison.to_dict(), comparison_text(comparison))
    return 0
