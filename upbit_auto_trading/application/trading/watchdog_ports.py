"""Ports of the dead-man watchdog (docs/trading-engine.md, "Dead-man watchdog").

The engine's side is ``DeadManSwitch``: it arms a watchdog process for every session whose orders stay at an
exchange outside the engine's process, beats it about every second from the engine's own event loop (a stuck
loop stops the beats, as a dead process does) and disarms it when the session ends or the process lets it go
cleanly. The watchdog's side reads the ``Heartbeat`` and takes the ``EngineOwnership`` (the profile's engine
lock) before it writes to the journal.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from upbit_auto_trading.domain.trading.session import TradingSession


class DeadManSwitch(Protocol):
    async def arm(self, session: TradingSession) -> str:
        """Start the session's watchdog (or keep the one already watching it). Returns one line for the user:
        what guards the session, or why nothing does. The caller's process must hold the engine lock."""
        ...

    def beat(self, session_ids: Collection[str]) -> None:
        """Tell the watchdogs of these sessions that the engine is alive and following them."""
        ...

    def disarm(self, session_id: str) -> None:
        """The session ended or this process let it go cleanly: its watchdog exits without acting. Safe to
        call from any process, for a session armed elsewhere or never armed."""
        ...


class Heartbeat(Protocol):
    def read(self) -> str | None:
        """The latest beat (any change is a beat), or None once the engine let the session go cleanly."""
        ...


class EngineOwnership(Protocol):
    def try_acquire(self) -> bool:
        """Take the profile's engine lock when no live process holds it (the engine's process is gone)."""
        ...

    def release(self) -> None: ...
