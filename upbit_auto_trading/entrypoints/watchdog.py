"""The dead-man watchdog of one live session, in a process of its own (started by the engine):

    python -m upbit_auto_trading.entrypoints.watchdog --home HOME --profile NAME --session ID [--timeout S] [--flatten]

It loads the profile's stored keys (a passphrase comes from ``UPBIT_AUTO_TRADING_PASSPHRASE``, inherited from
the engine), then takes the session's watchdog lock: the sign the engine waits for. Then it waits for the
engine's beats; see ``application/trading/watchdog.py`` for what it does when they stop. Exit codes: 0 done
(let go cleanly, or took over without a problem, or another watchdog already watches), 1 took over with
problems left (the engine's next start reconciles them), 2 it could not start (the reason on stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from typing import Any

from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.application.trading.watchdog import DeadManWatchdog, WatchdogSettings
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.logging_setup import configure_logging
from upbit_auto_trading.infrastructure.trading.engine_lock import EngineLock, EngineLockedError
from upbit_auto_trading.infrastructure.trading.watchdog_files import (
    EngineTakeOver,
    HeartbeatFile,
    beat_path,
    lock_path,
)

log = logging.getLogger("upbit_auto_trading.watchdog")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="upbit-auto-trading-watchdog", description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True)
    parser.add_argument("--profile", required=True)
    parser.add_argument("--session", required=True)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds without a beat before acting")
    parser.add_argument("--flatten", action="store_true", help="also sell the session's positions at market")
    parser.add_argument("--poll", type=float, default=0.5, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        container = build_container(home=args.home, profile=args.profile)
        configure_logging(container, console=False)
    except Exception as exc:  # noqa: BLE001 - one line for the engine (it shows the last line of stderr)
        print(f"watchdog: cannot open the profile: {exc}", file=sys.stderr, flush=True)
        return 2
    try:
        return asyncio.run(_watch(container, args))
    finally:
        container.core.database_session().close_all()


async def _watch(container: Any, args: argparse.Namespace) -> int:
    trading = container.trading
    sessions = trading.sessions()
    session = sessions.get(args.session)
    if session is None:
        return _refuse(f"no trading session {args.session!r} in profile {args.profile!r}")
    try:
        exchange = trading.adapters().outside_exchange(session)  # loads the stored keys now
    except ApplicationError as exc:
        return _refuse(str(exc))
    if exchange is None:
        return _refuse(
            f"session {session.session_id} ({session.mode.value}) keeps no orders outside the engine"
        )
    folder = trading.watchdog_folder()
    own = EngineLock(lock_path(folder, session.session_id))
    try:
        own.acquire()
    except EngineLockedError:
        log.info("session %s already has a watchdog (pid %s)", session.session_id, own.holder())
        await exchange.aclose()
        return 0
    log.info("watchdog of session %s armed (pid %s): acts %g s after the engine's last beat",
             session.session_id, own.holder(), args.timeout)  # fmt: skip
    try:
        watchdog = DeadManWatchdog(
            session.session_id, heartbeat=HeartbeatFile(beat_path(folder, session.session_id)),
            engine=EngineTakeOver(trading.engine_lock()), exchange=exchange, journal=trading.journal(),
            sessions=sessions, settings=WatchdogSettings(timeout=args.timeout, flatten=args.flatten, poll=args.poll),
        )  # fmt: skip
        report = await watchdog.run()
    finally:
        await exchange.aclose()
        own.release()
    log.info("watchdog exits: %s", report.summary())
    return 1 if report.problems else 0


def _refuse(reason: str) -> int:
    log.error("watchdog not started: %s", reason)
    print(f"watchdog: {reason}", file=sys.stderr, flush=True)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
