"""``report export RUN... --html FILE [--csv DIR]``: stored runs as one self-contained HTML report (charts
inline, opens offline) and, per run, a trades and a metrics CSV. Every file is written or none is."""

from __future__ import annotations

import argparse
from pathlib import Path

from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = subparsers.add_parser("report", help="export stored backtest runs as an HTML report and CSV")
    sub = report.add_subparsers(dest="report_command", metavar="SUBCOMMAND", required=True)
    export = sub.add_parser(
        "export",
        help="one HTML file (charts embedded, opens offline) and CSV of trades and metrics",
        description="Write stored runs as one self-contained HTML report: settings, metrics, equity against "
        "buy and hold (with a log scale switch), underwater curve with the five worst drawdowns, monthly "
        "and yearly returns, rolling Sharpe ratio and volatility, trade return and holding-time histograms, "
        "breakdowns and every trade; 2 to 8 runs are also compared side by side (runs over another period "
        "are flagged). --csv writes run-ID-trades.csv and run-ID-metrics.csv per run. Times are KST.",
    )
    export.add_argument("run_ids", type=int, nargs="+", metavar="RUN", help="stored run ids (1 to 8)")
    export.add_argument("--html", metavar="FILE", help="the HTML report to write (e.g. report.html)")
    export.add_argument("--csv", metavar="DIR", help="folder for the CSV files (created if missing)")
    export.add_argument("--language", choices=("en", "ko"), default="en",
                        help="language of the report: en (default) or ko")  # fmt: skip
    export.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="one JSON document")
    export.set_defaults(func=_export)


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} KB"


def _export(ctx: CliContext, args: argparse.Namespace) -> int:
    from upbit_auto_trading.domain.work import Progress

    if not args.html and not args.csv:
        raise CliError("report export needs --html FILE, --csv DIR or both", exit_code=2)
    shown: list[str] = []

    def progress(step: Progress) -> None:
        if step.message not in shown and step.message != "done":
            shown.append(step.message)
            ctx.info(f"report: {step.message}")

    exported = ctx.services.report.export_report().execute(
        args.run_ids,
        html=Path(args.html).expanduser() if args.html else None,
        csv_dir=Path(args.csv).expanduser() if args.csv else None,
        language=args.language,
        progress=progress,
    )
    runs = ", ".join(f"#{r}" for r in exported.run_ids)
    lines = [f"wrote {p}" for p in exported.files]
    text = "\n".join(lines) + f"\n{len(exported.files)} file(s), {_size(exported.bytes_written)}, runs {runs}"
    ctx.emit(exported.to_dict(), text)
    return 0
