"""A cross-process marker of live trading, so a CLI run (or a second window) sees another window's trade.

The config-change gate holds switches and restores during a live trade, but only in its own process.
While this process has any live trade, it keeps ``<home>/config/live-trading.<pid>.json`` (the owning
pid, its start time, the live trades); the file is removed when the last trade completes. Each
process writes only its own file, so several windows never fight over one. Writes are atomic (a
``.part`` file renamed over the marker) but not fsynced: the marker only means something while its
process runs, and after a crash or power loss the process is gone, so its marker is stale.

Readers ignore their own marker and stale ones: the pid is not running, or it is now another program
(its start time differs). Stale markers are removed by the reader. The state follows the bus like the
gate does: a trade is live from the moment its ``TradingStarted`` is published until its
``TradingCompleted`` is dispatched.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from upbit_auto_trading.application.profiles.ports import TradeElsewhere
from upbit_auto_trading.domain.trading.events import TradingCompleted, TradingStarted
from upbit_auto_trading.domain.trading.state import TradeKey, TradingState
from upbit_auto_trading.infrastructure.files.process_info import pid_running, process_start_token

log = logging.getLogger(__name__)

PREFIX = "live-trading."
_NAME = re.compile(r"^live-trading\.(\d+)\.json(\.part)?$")


class LiveTradingMarker:
    """Writer (this process's trades) and reader (other processes' trades: ``TradingElsewhere``)."""

    def __init__(self, folder: Path, pid: int | None = None) -> None:
        self._folder = Path(folder)
        self._pid = int(pid if pid is not None else os.getpid())
        self._token = process_start_token(self._pid)
        self._state = TradingState()
        self._lock = threading.Lock()
        self._detach: list[Any] = []

    @classmethod
    def following(cls, folder: Path, bus: Any) -> LiveTradingMarker:
        """A marker attached to ``bus`` from the start: other processes see this process's live trades."""
        marker = cls(folder)
        marker.attach(bus)
        return marker

    @property
    def path(self) -> Path:
        return self._folder / f"{PREFIX}{self._pid}.json"

    # ------------------------------------------------------------------ this process's trades
    def attach(self, bus: Any) -> None:
        """Follow TradingStarted (at publish, like the gate) and TradingCompleted (at dispatch)."""
        if self._detach:
            return
        self._detach.append(bus.add_publish_hook(TradingStarted, self._on_started))
        subscription = bus.subscribe(TradingCompleted, self._on_completed, name="live_trading_marker")
        self._detach.append(lambda: bus.unsubscribe(subscription))

    def detach(self) -> None:
        for remove in self._detach:
            try:
                remove()
            except Exception:  # noqa: BLE001 - the bus may be gone already
                log.debug("could not detach the live-trading marker", exc_info=True)
        self._detach.clear()

    def _on_started(self, event: Any) -> None:
        self.trade_started(TradeKey(event.strategy_id, event.market))

    def _on_completed(self, event: Any) -> None:
        self.trade_completed(TradeKey(event.strategy_id, event.market))

    def trade_started(self, key: TradeKey) -> None:
        with self._lock:
            self._state = self._state.started(key)
            self._write()

    def trade_completed(self, key: TradeKey) -> None:
        with self._lock:
            self._state = self._state.completed(key)
            self._write()

    @property
    def live(self) -> bool:
        return not self._state.is_idle

    def _write(self) -> None:
        """Must never break trading: a failure is logged (the other processes then see no trade)."""
        try:
            if self._state.is_idle:
                self.path.unlink(missing_ok=True)
                return
            document = {
                "pid": self._pid,
                "started": self._token,
                "trades": [str(key) for key in sorted(self._state.live)],
                "updated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            self._folder.mkdir(parents=True, exist_ok=True)
            part = self.path.with_name(self.path.name + ".part")
            part.write_text(json.dumps(document), encoding="utf-8")
            os.replace(part, self.path)
        except OSError:
            log.exception("could not update the live-trading marker %s", self.path)

    # ------------------------------------------------------------------ other processes' trades
    def trade_elsewhere(self) -> TradeElsewhere | None:
        if not self._folder.is_dir():
            return None
        found: TradeElsewhere | None = None
        for entry in sorted(self._folder.iterdir()):
            match = _NAME.match(entry.name)
            if match is None:
                continue
            pid = int(match.group(1))
            if pid == self._pid:
                continue
            if match.group(2):  # a .part left by a process killed mid-write
                if not pid_running(pid):
                    entry.unlink(missing_ok=True)
                continue
            trade = self._read(entry, pid)
            if trade is None:
                log.info("removing the stale live-trading marker %s", entry)
                entry.unlink(missing_ok=True)
            elif found is None:
                found = trade
        return found

    @staticmethod
    def _read(entry: Path, pid: int) -> TradeElsewhere | None:
        """The trade it records, or None when the marker is stale."""
        if not pid_running(pid):
            return None
        try:
            document = json.loads(entry.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return TradeElsewhere(pid)  # unreadable but its process runs: assume a live trade
        if not isinstance(document, dict):
            return TradeElsewhere(pid)
        recorded = document.get("started")
        current = process_start_token(pid)
        if recorded is not None and current is not None and recorded != current:
            return None  # the pid now belongs to another program
        trades = document.get("trades")
        text = ", ".join(str(t) for t in trades) if isinstance(trades, list) else ""
        return TradeElsewhere(pid, text)
