"""``backtest run | list | show | rerun | delete``: progress on stderr, results on stdout."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from upbit_auto_trading.application.backtest.request import COST_CONFIRM_ABOVE, BacktestRequest
from upbit_auto_trading.domain.backtest import UPBIT_KRW_FEE
from upbit_auto_trading.domain.backtest.settings import CAPITAL_RANGE, capital_in_range
from upbit_auto_trading.domain.work import Progress
from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError

_METRICS_SHOWN = (
    ("total_return", "%"), ("cagr", "%"), ("volatility", "%"), ("sharpe", ""), ("sortino", ""), ("calmar", ""),
    ("max_drawdown", "%"), ("win_rate", "%"), ("profit_factor", ""), ("expectancy", "%"), ("sqn", ""),
    ("trades", ""), ("exposure", "%"), ("fees", ""), ("buy_and_hold_return", "%"),
)  # fmt: skip


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backtest = subparsers.add_parser("backtest", help="run strategies over stored candles; stored runs")
    sub = backtest.add_subparsers(dest="backtest_command", metavar="SUBCOMMAND", required=True)

    run = sub.add_parser(
        "run",
        help="backtest a saved strategy (the run is stored)",
        description="Backtest a saved strategy over stored candles. --fee and --slippage are in percent "
        "(0.05 = 0.05 %), as Upbit writes its fees.",
    )
    run.add_argument("--strategy", required=True, help="saved strategy name (or id)")
    run.add_argument("--market", required=True, help="e.g. KRW-BTC")
    run.add_argument("--timeframe", required=True, help="1m 3m 5m 10m 15m 30m 1h 4h 1d 1w 1M")
    run.add_argument("--from", dest="start", help="first candle start, ISO-8601 UTC (date or date-time)")
    run.add_argument("--to", dest="end", help="last candle start, ISO-8601 UTC (a date: that whole day)")
    run.add_argument(
        "--capital",
        default="10000000",
        metavar="AMOUNT",
        help="starting capital in the quote currency (KRW for KRW- markets; default 10000000), "
        f"{CAPITAL_RANGE}",
    )
    run.add_argument(
        "--fee",
        default="0.05",
        metavar="PERCENT",
        help="fee per fill in percent, as Upbit writes it: 0.05 = 0.05 %% (Upbit's KRW fee, the "
        "default); above 1 %% is refused unless confirmed (--yes)",
    )
    run.add_argument(
        "--slippage",
        default="0",
        metavar="PERCENT",
        help="slippage per fill in percent: 0.1 = 0.1 %% (default 0); above 1 %% is refused unless "
        "confirmed (--yes)",
    )
    run.add_argument("--no-exchange-rules", action="store_true",
                     help="no KRW tick rounding or 5,000 KRW minimum order (default: on for KRW- markets)")  # fmt: skip
    run.add_argument("--no-store", action="store_true", help="do not store the run")
    run.set_defaults(func=_run)

    listing = sub.add_parser("list", help="stored runs, newest first")
    listing.add_argument("--strategy", help="only this strategy's runs")
    listing.set_defaults(func=_list)

    show = sub.add_parser("show", help="one stored run")
    show.add_argument("run_id", type=int)
    show.add_argument("--fills", action="store_true", help="include every fill")
    show.set_defaults(func=_show)

    rerun = sub.add_parser("rerun", help="re-run a stored run and check the result is identical")
    rerun.add_argument("run_id", type=int)
    rerun.set_defaults(func=_rerun)

    delete = sub.add_parser("delete", help="delete a stored run (asks; --yes to skip)")
    delete.add_argument("run_id", type=int)
    delete.set_defaults(func=_delete)

    for parser in (run, listing, show, rerun, delete):
        parser.add_argument(
            "--json", action="store_true", default=argparse.SUPPRESS, help="one JSON document"
        )


def _time(text: str | None, option: str, *, end_of_day: bool = False) -> datetime | None:
    """ISO-8601 UTC; a bare date for ``--to`` means the whole day (its last candle included)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"{option} takes an ISO-8601 date or date-time; got {text!r}", exit_code=2) from None
    if end_of_day and len(text.strip()) <= 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _rate(text: str, option: str) -> Decimal:
    """A rate given in percent (``0.05`` or ``0.05%`` = 0.05 %), as a fraction (0.0005)."""
    raw = text.strip().removesuffix("%").strip()
    try:
        percent = Decimal(raw)
    except InvalidOperation:
        percent = Decimal("NaN")
    if not percent.is_finite() or percent < 0:
        raise CliError(f"{option} takes a percentage of at least 0 (0.05 = 0.05 %); got {text!r}", 2)
    return percent / 100


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f} %"


def _confirm_costs(ctx: CliContext, request: BacktestRequest) -> None:
    """A fee or slippage above 1 % per fill is most likely a unit mistake: run it only when confirmed."""
    for name, rate in request.unusual_costs():
        question = (
            f"--{name} {_percent(rate)} per fill is above {_percent(COST_CONFIRM_ABOVE)} (Upbit's KRW fee is "
            f"{_percent(UPBIT_KRW_FEE)}; the value is in percent: 0.05 = 0.05 %)"
        )
        if not ctx.confirm(f"{question}. Run with it anyway?"):
            raise CliError(f"{question}; not run (pass --yes to run with it anyway)", exit_code=2)


def _warning_lines(warnings: list[dict[str, Any]]) -> str:
    return "".join(f"WARNING: {w['message']}\n" for w in warnings)


def _capital(text: str) -> Decimal:
    """The starting capital, refused here (one line, before anything runs) when outside the engine's range:
    1e400 used to run to the end and fail with InvalidOperation, NaN with a message naming no range."""
    try:
        amount = Decimal(text.strip().replace(",", "").replace("_", ""))
    except InvalidOperation:
        amount = Decimal("NaN")
    if not capital_in_range(amount):
        raise CliError(f"--capital takes an amount {CAPITAL_RANGE}; got {text!r}", exit_code=2)
    return amount


def _check_period(start: datetime | None, end: datetime | None, texts: tuple[str, str]) -> None:
    """A start after the end selects nothing: refused before any candle is read (or cached)."""
    if start is not None and end is not None and start > end:
        raise CliError(
            f"--from {texts[0]} is after --to {texts[1]}: the start must not be after the end", exit_code=2
        )


def _pct(x: Any) -> str:
    return "-" if x is None else f"{x * 100:.2f}%"


def metrics_text(metrics: dict[str, Any]) -> str:
    lines = []
    for key, unit in _METRICS_SHOWN:
        value = metrics.get(key)
        if unit == "%":
            shown = _pct(value)
        elif isinstance(value, float):
            shown = f"{value:,.4f}" if key != "fees" else f"{value:,.0f}"
        else:
            shown = "-" if value is None else str(value)
        lines.append(f"  {key:<20} {shown}")
    return "\n".join(lines)


def _run(ctx: CliContext, args: argparse.Namespace) -> int:
    start, end = _time(args.start, "--from"), _time(args.end, "--to", end_of_day=True)
    _check_period(start, end, (args.start, args.end))
    request = BacktestRequest(
        strategy=args.strategy,
        market=args.market.upper(),
        timeframe=args.timeframe,
        start=start,
        end=end,
        initial_capital=_capital(args.capital),
        fee_rate=_rate(args.fee, "--fee"),
        slippage_rate=_rate(args.slippage, "--slippage"),
        exchange_rules=False if args.no_exchange_rules else None,
        store=not args.no_store,
    )
    _confirm_costs(ctx, request)
    shown = {"phase": ""}

    def progress(step: Progress) -> None:
        if step.message != shown["phase"]:
            shown["phase"] = step.message
            ctx.info(f"backtest: {step.fraction * 100:3.0f}% {step.message}")

    outcome = ctx.services.strategies.run_backtest().execute(request, progress=progress)
    rec = outcome.record
    doc = {
        "run_id": outcome.run_id,
        "strategy": rec.strategy.get("name"),
        "market": rec.market,
        "timeframe": rec.timeframe,
        "data_start": rec.data_start,
        "data_end": rec.data_end,
        "candles": rec.candle_count,
        "settings": rec.settings,
        **rec.summary(),
    }
    text = (
        f"{doc['strategy']} on {rec.market} {rec.timeframe}, {rec.data_start} .. {rec.data_end} "
        f"({rec.candle_count} candles)\n{_warning_lines(doc['warnings'])}{metrics_text(rec.metrics)}\n"
        f"  {'final_equity':<20} {Decimal(rec.final_equity):,.0f}\n"
        + (
            f"stored as run {outcome.run_id} (`backtest show {outcome.run_id}`)"
            if outcome.run_id
            else "not stored"
        )
    )
    ctx.emit(doc, text)
    return 0


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    rows = [r.to_dict() for r in ctx.services.strategies.list_runs().execute(args.strategy)]
    text = "\n".join(
        f"{r['run_id']:>4}  {r['started_at']}  {r['strategy_name']}  {r['market']} {r['timeframe']}  "
        f"return {_pct(r['total_return'])}  mdd {_pct(r['max_drawdown'])}  trades {r['trades']}"
        for r in rows
    )
    ctx.emit(rows, text or "no stored runs")
    return 0


def _show(ctx: CliContext, args: argparse.Namespace) -> int:
    stored = ctx.services.strategies.get_run().execute(args.run_id)
    rec = stored.record
    doc: dict[str, Any] = {
        "run_id": stored.run_id,
        "strategy": rec.strategy,
        "strategy_hash": rec.strategy_hash,
        "strategy_id": stored.meta.strategy_id,
        "strategy_version": stored.meta.strategy_version,
        "market": rec.market,
        "timeframe": rec.timeframe,
        "data_start": rec.data_start,
        "data_end": rec.data_end,
        "candles": rec.candle_count,
        "candle_hash": rec.candle_hash,
        "engine_version": rec.engine_version,
        "settings": rec.settings,
        "started_at": stored.meta.started_at,
        "duration_ms": stored.meta.duration_ms,
        **rec.summary(),
    }
    if args.fills:
        doc["fills"] = rec.fills
    trades = "\n".join(
        f"  #{t['trade_no']:<3} {t['entry_time']} {t['entry_price']} -> {t['exit_time'] or 'open'} "
        f"{t['exit_price'] or ''} qty {t['quantity']} fee {t['fee']} {t['exit_reason'] or ''}"
        for t in rec.trades
    )
    text = (
        f"run {stored.run_id}: {rec.strategy.get('name')} on {rec.market} {rec.timeframe}, "
        f"{rec.data_start} .. {rec.data_end} (engine {rec.engine_version})\n{_warning_lines(doc['warnings'])}"
        f"{metrics_text(rec.metrics)}\n"
        f"trades:\n{trades or '  none'}"
    )
    ctx.emit(doc, text)
    return 0


def _rerun(ctx: CliContext, args: argparse.Namespace) -> int:
    report = ctx.services.strategies.rerun_backtest().execute(args.run_id)
    text = (
        f"run {args.run_id}: identical result" if report.identical
        else f"run {args.run_id}: DIFFERENT: " + "; ".join(report.differences)
    )  # fmt: skip
    ctx.emit(report.to_dict(), text)
    return 0 if report.identical else 1


def _delete(ctx: CliContext, args: argparse.Namespace) -> int:
    s = ctx.services.strategies
    s.get_run().execute(args.run_id)
    if not ctx.confirm(f"Delete stored backtest run {args.run_id}?"):
        raise CliError("not deleted (confirm, or pass --yes)")
    s.delete_run().execute(args.run_id)
    ctx.emit({"deleted": args.run_id}, f"deleted run {args.run_id}")
    return 0
