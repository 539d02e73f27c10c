"""``DeadManSwitch`` with one watchdog process per session (``python -m upbit_auto_trading.entrypoints.watchdog``).

The process is started in a session of its own (``start_new_session``): a terminal closing (SIGHUP) or a
Ctrl+C reaches the engine's process group, not the watchdog, which must outlive the engine to be of use. It
inherits the environment, so the keys' passphrase (``UPBIT_AUTO_TRADING_PASSPHRASE``) and the configuration
overrides the engine was started with reach it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from upbit_auto_trading.domain.trading.session import TradingSession
from upbit_auto_trading.infrastructure.trading.engine_lock import EngineLock
from upbit_auto_trading.infrastructure.trading.watchdog_files import (
    HeartbeatWriter,
    beat_path,
    lock_path,
    log_path,
    say_stop,
)

log = logging.getLogger(__name__)

ENTRYPOINT = "upbit_auto_trading.entrypoints.watchdog"
MAX_RESTARTS = 3  # a watchdog that dies while its session runs is started again, this many times


@dataclass
class _Armed:
    writer: HeartbeatWriter
    process: subprocess.Popen[bytes] | None
    restarts: int = 0


class WatchdogProcesses:
    def __init__(
        self,
        *,
        folder: Callable[[], Path],
        home: Path,
        profile: Callable[[], str],  # the active profile, asked at each start (a switch repoints it)
        timeout: float = 30.0,
        flatten: bool = False,
        enabled: bool = True,
        python: str = sys.executable,
        ready_timeout: float = 30.0,
    ) -> None:
        self._folder = folder
        self._home = Path(home)
        self._profile = profile
        self.timeout = float(timeout)
        self.flatten = bool(flatten)
        self.enabled = bool(enabled)
        self._python = python
        self._ready_timeout = ready_timeout
        self._armed: dict[str, _Armed] = {}

    # --- DeadManSwitch ------------------------------------------------------------------------------------

    async def arm(self, session: TradingSession) -> str:
        if not self.enabled:
            return "no watchdog: trading.watchdog.enabled is off"
        sid = session.session_id
        folder = self._folder()
        folder.mkdir(parents=True, exist_ok=True)
        armed = self._armed.get(sid)
        if armed is None:
            armed = self._armed[sid] = _Armed(HeartbeatWriter(beat_path(folder, sid)), None)
        armed.writer.beat()  # before the watchdog starts: it must find a beat, not a goodbye
        lock = EngineLock(lock_path(folder, sid))
        if lock.held_elsewhere():  # a watchdog from before a crash still watches: it follows our beats now
            return self._guarding(lock.holder())
        armed.process = self._spawn(sid, folder)
        deadline = time.monotonic() + self._ready_timeout
        while time.monotonic() < deadline:
            if lock.held_elsewhere():
                return self._guarding(armed.process.pid)
            if armed.process.poll() is not None:
                return f"no watchdog: it stopped at once ({self._last_words(folder, sid)})"
            await asyncio.sleep(0.05)
        return f"no watchdog yet: it did not start within {self._ready_timeout:.0f} s (see {log_path(folder, sid)})"

    def beat(self, session_ids: Collection[str]) -> None:
        for sid in session_ids:
            armed = self._armed.get(sid)
            if armed is None:
                continue
            try:
                armed.writer.beat()
            except OSError as exc:  # the profile's folder went away: the watchdog will act; say why here
                log.error("session %s: heartbeat not written: %s", sid, exc)
            process = armed.process
            if process is not None and process.poll() is not None:
                folder = self._folder()
                log.error("session %s: its watchdog (pid %s) exited with %s while the session runs: %s",
                          sid, process.pid, process.returncode, self._last_words(folder, sid))  # fmt: skip
                armed.process = None
                if armed.restarts < MAX_RESTARTS:
                    armed.restarts += 1
                    armed.process = self._spawn(sid, folder)

    def disarm(self, session_id: str) -> None:
        armed = self._armed.pop(session_id, None)
        if armed is not None:
            armed.writer.stop()
        else:
            say_stop(beat_path(self._folder(), session_id))
        # the process reads "stop" within its poll interval and exits; it is reaped by the interpreter

    # --- helpers ------------------------------------------------------------------------------------------

    def _guarding(self, pid: int | None) -> str:
        what = "cancels its open orders" + (" and sells its positions" if self.flatten else "")
        return f"watchdog{f' (pid {pid})' if pid else ''} {what} {self.timeout:g} s after this process stops"

    def _spawn(self, sid: str, folder: Path) -> subprocess.Popen[bytes]:
        args = [self._python, "-m", ENTRYPOINT, "--home", str(self._home), "--profile", self._profile(),
                "--session", sid, "--timeout", repr(self.timeout)]  # fmt: skip
        if self.flatten:
            args.append("--flatten")
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[3])  # the folder holding the package (a source checkout)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        with open(log_path(folder, sid), "ab") as stderr:
            return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                                    env=env, start_new_session=True, close_fds=True)  # fmt: skip

    @staticmethod
    def _last_words(folder: Path, sid: str) -> str:
        try:
            lines = [
                ln for ln in log_path(folder, sid).read_text(errors="replace").splitlines() if ln.strip()
            ]
        except OSError:
            return "no output"
        return lines[-1].strip() if lines else "no output"
