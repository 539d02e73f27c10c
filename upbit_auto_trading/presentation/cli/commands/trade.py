"""``trade run | resume | status | orders | positions | review | stop | emergency-stop | drift | record``.

``trade run`` runs the engine headless in this process (logs to the home), until the replay ends or
SIGINT/SIGTERM: open orders stay journaled and at the exchange, nothing is cancelled unless asked; the next
``trade resume`` reconciles and carries on. Only one process runs the engine of a profile at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import signal
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from upbit_auto_trading.presentation.cli.commands.trade_views import (
    order_dict,
    order_text,
    session_dict,
    session_text,
)
from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError
from upbit_auto_trading.presentation.cli.times import utc_text

if TYPE_CHECKING:  # the engine is imported by the composition root when a command builds it
    from upbit_auto_trading.application.event_bus.bus import EventBus
    from upbit_auto_trading.application.trading.engine import StartRequest, TradingEngine
    from upbit_auto_trading.presentation.cli.services import EngineLock, TradingServices


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    trade = subparsers.add_parser("trade", help="run strategies on paper, on replayed candles, or live")
    sub = trade.add_subparsers(dest="trade_command", metavar="SUBCOMMAND", required=True)

    run = sub.add_parser("run", help="start a session and follow it headless until it ends or Ctrl+C")
    run.add_argument("--strategy", required=True, help="saved strategy name (or id)")
    run.add_argument("--market", action="append", dest="markets", required=True, help="KRW market (repeatable)")
    run.add_argument("--timeframe", default="1h", help="candle timeframe (default 1h)")
    run.add_argument("--mode", choices=("paper", "live"), default="paper", help="paper (default) or live")
    run.add_argument("--budget", default="1000000", help="KRW the session may invest, over all its markets")
    run.add_argument("--replay", action="store_true", help="paper replay of stored candles (offline)")
    run.add_argument("--from", dest="start", help="replay: first decided candle, ISO-8601 UTC")
    run.add_argument("--to", dest="end", help="replay: last candle, ISO-8601 UTC")
    run.add_argument("--speed", type=float, default=0.0, help="replay: milliseconds per candle (0: as fast as possible)")
    run.add_argument("--slippage", default="0", help="slippage assumed by the model, percent (0.1 = 0.1%%)")
    run.add_argument("--api-url", default="", help="exchange address (live/paper market data); default: config")
    run.add_argument("--confirm", default="", help="live: the profile's name, typed as confirmation")
    run.add_argument("--detach", action="store_true", help="start, reconcile, then exit (resume it later)")
    run.set_defaults(func=_run)

    resume = sub.add_parser("resume", help="reconcile and carry on running sessions (after a restart or crash)")
    resume.add_argument("session", nargs="?", help="one session (default: every running paper/live session)")
    resume.add_argument("--speed", type=float, default=0.0, help="replay: milliseconds per candle")
    resume.set_defaults(func=_resume)

    status = sub.add_parser("status", help="sessions, positions, open orders, P&L and risk state")
    status.add_argument("--all", action="store_true", help="include stopped and finished sessions")
    status.set_defaults(func=_status)

    orders = sub.add_parser("orders", help="the order journal, newest last")
    orders.add_argument("--open", action="store_true", help="only orders that are not final")
    orders.add_argument("--session", help="one session")
    orders.add_argument("--history", metavar="IDENTIFIER", help="every recorded fact of one order")
    orders.set_defaults(func=_orders)

    positions = sub.add_parser("positions", help="open positions of every session, from the journal's fills")
    positions.set_defaults(func=_positions)

    review = sub.add_parser("review", help="the manual-review list (what reconciliation could not explain)")
    review.add_argument("--all", action="store_true", help="include resolved items")
    review.add_argument("--resolve", type=int, metavar="ID", help="mark an item resolved")
    review.add_argument("--note", default="resolved by the user", help="what you did about it")
    review.set_defaults(func=_review)

    stop = sub.add_parser("stop", help="stop sessions (positions are kept unless --flatten)")
    stop.add_argument("session", nargs="?", help="one session (default: every running session)")
    stop.add_argument("--flatten", action="store_true", help="also sell the positions at market")
    stop.set_defaults(func=_stop)

    emergency = sub.add_parser("emergency-stop", help="cancel every open order now; --flatten sells everything")
    emergency.add_argument("--flatten", action="store_true", help="also sell every position at market")
    emergency.set_defaults(func=_emergency)

    drift = sub.add_parser("drift", help="shadow backtest of a session, trade by trade (the drift report)")
    drift.add_argument("session")
    drift.add_argument("--csv", metavar="FILE", help="also write the report as CSV (UTC and KST times)")
    drift.set_defaults(func=_drift)

    record = sub.add_parser("record", help="a strategy's paper record: what to read before it goes live")
    record.add_argument("strategy", help="saved strategy name (or id)")
    record.set_defaults(func=_record)

    for parser in (run, resume, status, orders, positions, review, stop, emergency, drift, record):
        parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="one JSON document")


# --- helpers --------------------------------------------------------------------------------------------


def _time(text: str | None, option: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"{option} takes an ISO-8601 date or date-time; got {text!r}", exit_code=2) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _money(text: str, option: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise CliError(f"{option} must be a number of KRW; got {text!r}", exit_code=2) from None
    if not value.is_finite() or value <= 0:
        raise CliError(f"{option} must be a positive number of KRW; got {text!r}", exit_code=2)
    return value


def _percent(text: str, option: str) -> Decimal:
    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        raise CliError(f"{option} is a percent (0.1 = 0.1%); got {text!r}", exit_code=2) from None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(5):
        raise CliError(f"{option} must be between 0 and 5 (percent); got {text!r}", exit_code=2)
    return value / 100


def _trading(ctx: CliContext) -> TradingServices:
    return ctx.services.trading


async def _with_bus(ctx: CliContext) -> EventBus:
    """A started bus for this command, followed by the config-change gate and the live-trading marker."""
    return await ctx.services.trading.start_bus()


def _install_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


async def _follow(ctx: CliContext, engine: TradingEngine, stop: asyncio.Event) -> None:
    """Until every session of this process ended, or a signal: then detach (nothing is cancelled)."""
    requests = asyncio.create_task(engine.follow_requests())
    try:
        while engine.running and not stop.is_set():
            waits = [asyncio.ensure_future(r.done.wait()) for r in engine.running.values()]
            stopper = asyncio.ensure_future(stop.wait())
            done, pending = await asyncio.wait([*waits, stopper], timeout=1.0, return_when=asyncio.FIRST_COMPLETED)
            for fut in pending:
                fut.cancel()
            for sid, running in list(engine.running.items()):
                if running.done.is_set():
                    if running.error:
                        ctx.info(f"session {sid} failed: {running.error}")
                    if running.runner.finished:
                        ctx.info(f"session {sid} finished: the replay reached the end of its candles")
                    engine.running.pop(sid, None)
                    await running.adapters.close()
    finally:
        requests.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await requests
        if engine.running:
            ctx.info("stopping: open orders stay journaled; `trade resume` carries on")
        await engine.shutdown()


def _warm_kernels() -> None:
    from upbit_auto_trading.domain.kernels import warm_up_kernels

    warm_up_kernels()


def _lock(ctx: CliContext) -> EngineLock:
    lock = _trading(ctx).engine_lock()
    try:
        lock.acquire()
    except Exception as exc:
        raise CliError(str(exc)) from None
    return lock


# --- run / resume ---------------------------------------------------------------------------------------


def _run(ctx: CliContext, args: argparse.Namespace) -> int:
    from upbit_auto_trading.application.trading.engine import ReplayWindow, StartRequest
    from upbit_auto_trading.domain.trading.session import TradingMode

    if args.replay and args.mode == "live":
        raise CliError("--replay is a paper mode; it cannot be combined with --mode live", exit_code=2)
    if args.speed < 0:
        raise CliError("--speed must be 0 or more milliseconds per candle", exit_code=2)
    markets = tuple(m.strip().upper() for m in args.markets)
    mode = TradingMode.REPLAY if args.replay else TradingMode(args.mode)
    start, end = _time(args.start, "--from"), _time(args.end, "--to")
    if start is not None and end is not None and start > end:
        raise CliError(f"--from {args.start} is after --to {args.end}: the start must not be after the end", exit_code=2)
    replay = ReplayWindow(start, end, args.speed) if args.replay else None
    request = StartRequest(
        strategy=args.strategy, markets=markets, timeframe=args.timeframe, mode=mode,
        budget=_money(args.budget, "--budget"), slippage_rate=_percent(args.slippage, "--slippage"),
        replay=replay, api_url=args.api_url,
    )  # fmt: skip
    if mode is TradingMode.LIVE:
        request = dataclasses.replace(request, paper_record_missing=_paper_record_missing(ctx, args.strategy))
    confirmation = args.confirm
    if mode is TradingMode.LIVE and not confirmation and ctx.stdin and ctx.stdin.isatty():
        ctx.stderr.write("LIVE trading with real money. Type the profile's name to confirm: ")
        ctx.stderr.flush()
        confirmation = ctx.stdin.readline().strip()
    lock = _lock(ctx)
    try:
        return asyncio.run(_run_async(ctx, request, confirmation, args.detach))
    finally:
        lock.release()


async def _run_async(ctx: CliContext, request: StartRequest, confirmation: str, detach: bool) -> int:
    bus = await _with_bus(ctx)
    stop = asyncio.Event()
    _install_signals(stop)
    engine = _trading(ctx).engine(bus=bus)
    try:
        await asyncio.to_thread(_warm_kernels)  # the first decision must not pay the numba load (~1.5 s)
        session = await engine.start(request, confirmation=confirmation)
        running = engine.running[session.session_id]
        rec = running.reconciliation
        ctx.info(f"session {session.session_id} started: {session.strategy_name} on {', '.join(session.markets)} "
                 f"({session.mode.value}, {session.timeframe}, budget {session.budget:,.0f} KRW)")  # fmt: skip
        if rec is not None and rec.review_items:
            ctx.info(f"{len(rec.review_items)} item(s) need manual review: `trade review`")
        if running.watchdog:  # live: what cancels its open orders if this process dies
            ctx.info(f"session {session.session_id}: {running.watchdog}")
        if detach:
            await engine.shutdown()
        else:
            await _follow(ctx, engine, stop)
        final = engine.sessions.get(session.session_id) or session
        ctx.emit(session_dict(engine, final), session_text(engine, final))
        return 0
    finally:
        await bus.stop()


def _resume(ctx: CliContext, args: argparse.Namespace) -> int:
    lock = _lock(ctx)
    try:
        return asyncio.run(_resume_async(ctx, args))
    finally:
        lock.release()


async def _resume_async(ctx: CliContext, args: argparse.Namespace) -> int:
    from upbit_auto_trading.application.trading.engine import ReplayWindow

    bus = await _with_bus(ctx)
    stop = asyncio.Event()
    _install_signals(stop)
    engine = _trading(ctx).engine(bus=bus)
    try:
        await asyncio.to_thread(_warm_kernels)
        if args.session:
            await engine.resume(_resolve(engine, args.session), ReplayWindow(speed_ms=args.speed))
        else:
            await engine.resume_all()
        if not engine.running:
            ctx.emit({"resumed": []}, "no running session to resume")
            return 0
        for sid, running in engine.running.items():
            rec = running.reconciliation
            if rec is not None:
                ctx.info(f"session {sid} reconciled in {rec.seconds:.2f} s: {rec.looked_up} looked up, "
                         f"{rec.not_placed} not placed, {len(rec.review_items)} to review")  # fmt: skip
            if running.watchdog:
                ctx.info(f"session {sid}: {running.watchdog}")
        ids = list(engine.running)
        await _follow(ctx, engine, stop)
        ctx.emit({"resumed": ids}, "resumed: " + ", ".join(ids))
        return 0
    finally:
        await bus.stop()


def _resolve(engine: TradingEngine, given: str) -> str:
    ids = [s.session_id for s in engine.sessions.all()]
    if given in ids:
        return given
    hits = [i for i in ids if i.startswith(given) or i.endswith(given)]
    if len(hits) == 1:
        return hits[0]
    raise CliError(f"no single session matches {given!r}; `trade status --all` lists them")


# --- read-only views ------------------------------------------------------------------------------------


def _status(ctx: CliContext, args: argparse.Namespace) -> int:
    engine = _trading(ctx).engine()
    sessions = engine.sessions.all(running_only=not args.all)
    docs = [session_dict(engine, s) for s in sessions]
    text = "\n\n".join(session_text(engine, s) for s in sessions) or "no running session (`trade status --all`)"
    ctx.emit({"sessions": docs}, text)
    return 0


def _orders(ctx: CliContext, args: argparse.Namespace) -> int:
    trading = _trading(ctx)
    journal = trading.journal()
    if args.history:
        rows = journal.history(args.history)
        if not rows:
            raise CliError(f"no journaled order {args.history!r}")
        ctx.emit(rows, "\n".join(f"{utc_text(r['at'])}  {r['state'].value:<10} {r['source']:<14} "
                                 f"{r['detail']}" for r in rows))  # fmt: skip
        return 0
    session = _resolve(trading.engine(), args.session) if args.session else None
    entries = journal.orders(session, unfinished_only=args.open)
    fills = journal.fills(session)
    docs = [order_dict(e, fills) for e in entries]
    ctx.emit(docs, "\n".join(order_text(d) for d in docs) or "no orders")
    return 0


def _positions(ctx: CliContext, args: argparse.Namespace) -> int:
    engine = _trading(ctx).engine()
    rows = []
    for s in engine.sessions.all():
        for p in session_dict(engine, s)["positions"]:
            rows.append({"session": s.session_id, **p})
    ctx.emit(rows, "\n".join(f"{r['session']}  {r['market']}  {r['quantity']} @ {r['avg_price']}" for r in rows)
             or "no open positions")  # fmt: skip
    return 0


def _review(ctx: CliContext, args: argparse.Namespace) -> int:
    review = _trading(ctx).review()
    if args.resolve is not None:
        try:
            item = review.resolve(args.resolve, args.note, datetime.now(UTC))
        except Exception as exc:
            raise CliError(str(exc)) from None
        ctx.emit({"resolved": item.item_id, "market": item.market}, f"item {item.item_id} resolved ({item.market})")
        return 0
    items = review.items(open_only=not args.all)
    docs = [{"id": i.item_id, "kind": i.kind.value, "market": i.market, "detail": i.detail,
             "created_at": i.created_at, "resolved_at": i.resolved_at, "resolution": i.resolution}
            for i in items]  # fmt: skip
    ctx.emit(docs, "\n".join(f"#{d['id']} {d['market']} {d['kind']}: {d['detail']}" for d in docs)
             or "nothing to review")  # fmt: skip
    return 0


def _drift(ctx: CliContext, args: argparse.Namespace) -> int:
    from pathlib import Path

    from upbit_auto_trading.presentation.cli.commands.trade_drift_views import drift_text

    trading = _trading(ctx)
    report = trading.shadow_backtest().execute(_resolve(trading.engine(), args.session))
    if args.csv:
        written = trading.export_drift_csv().execute(report, Path(args.csv))
        ctx.info(f"drift report written to {written}")
    ctx.emit(report.to_dict(), drift_text(report))
    return 0


def _record(ctx: CliContext, args: argparse.Namespace) -> int:
    from upbit_auto_trading.presentation.cli.commands.trade_drift_views import record_text

    record = _trading(ctx).promotion_check().execute(args.strategy)
    ctx.emit(record.to_dict(), record_text(record))
    return 0


def _paper_record_missing(ctx: CliContext, strategy: str) -> bool:
    """Before a live start: show the strategy's paper record; True when it never ran on paper and the user
    did not accept that (--yes, or yes on a terminal). The live guard then refuses the start, after its own
    checks (production profile, keys, the typed name)."""
    from upbit_auto_trading.presentation.cli.commands.trade_drift_views import record_text

    record = _trading(ctx).promotion_check().execute(strategy)
    ctx.info(record_text(record))
    if not record.never_on_paper:
        return False
    accepted = ctx.confirm(f"{record.strategy} has never run on paper. Start it LIVE anyway?")
    if not accepted:
        ctx.info("not accepted: run it on paper first (trade run --mode paper), or pass --yes")
    return not accepted


# --- stopping -------------------------------------------------------------------------------------------


def _stop(ctx: CliContext, args: argparse.Namespace) -> int:
    return _halt(ctx, args.session, flatten=args.flatten, emergency=False)


def _emergency(ctx: CliContext, args: argparse.Namespace) -> int:
    if args.flatten and not ctx.confirm("Cancel every open order AND sell every position at market?"):
        raise CliError("emergency stop with --flatten needs a confirmation (--yes)")
    return _halt(ctx, None, flatten=args.flatten, emergency=True)


def _halt(ctx: CliContext, given: str | None, *, flatten: bool, emergency: bool) -> int:
    from upbit_auto_trading.domain.trading.session import SessionState

    trading = _trading(ctx)
    engine = trading.engine()
    targets = [_resolve(engine, given)] if given else [s.session_id for s in engine.sessions.all(running_only=True)]
    if not targets:
        ctx.emit({"stopped": []}, "no running session")
        return 0
    state = SessionState.HALTED if emergency else SessionState.STOPPED
    note = ("emergency stop" if emergency else "stop requested") + (" (flatten)" if flatten else "")
    lock = trading.engine_lock()
    if lock.held_elsewhere():
        # the engine runs in another process: it acts on the request within a second
        for sid in targets:
            s = engine.sessions.get(sid)
            if s is not None and s.is_running:
                engine.sessions.save(s.ended(state, datetime.now(UTC), note))
        ctx.emit({"requested": targets, "flatten": flatten},
                 f"stop requested from the running engine: {', '.join(targets)}")  # fmt: skip
        return 0
    lock.acquire()
    try:
        problems = asyncio.run(_halt_here(ctx, targets, flatten=flatten, emergency=emergency, note=note))
    finally:
        lock.release()
    for p in problems:
        ctx.info(f"problem: {p}")
    ctx.emit({"stopped": targets, "flatten": flatten, "problems": problems},
             f"stopped: {', '.join(targets)}" + (" (positions sold)" if flatten else ""))  # fmt: skip
    return 1 if problems else 0


async def _halt_here(ctx: CliContext, targets: list[str], *, flatten: bool, emergency: bool, note: str) -> list[str]:
    from upbit_auto_trading.domain.trading.session import SessionState

    bus = await _with_bus(ctx)
    engine = _trading(ctx).engine(bus=bus)
    try:
        if not flatten and not emergency:
            for sid in targets:
                await engine.stop(sid, note=note)
            return []
        for sid in targets:  # reconcile first: cancel and sell what the exchange really holds
            await engine.resume(sid, watch=False)  # no watchdog to start: this process ends the session now
        for running in engine.running.values():
            running.runner.stop()
        if emergency:
            return await engine.emergency_stop(flatten=flatten, reason=note)
        for sid in targets:
            await engine.stop(sid, flatten=flatten, state=SessionState.STOPPED, note=note)
        return []
    finally:
        await engine.shutdown()
        await bus.stop()
