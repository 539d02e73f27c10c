"""The dead-letter office: where events a handler could not take end up, and what the user does with them.

Wraps the optional :class:`DeadLetterStore` (None: a bus built without storage, letters are counted and
logged, then lost) and counts every letter posted in this run for the bus's stats.
"""

from __future__ import annotations

import asyncio
import logging

from upbit_auto_trading.application.errors import NotFoundError
from upbit_auto_trading.application.event_bus.ports import DeadLetter, DeadLetterStore

# the bus's logger: the monitor and the log handler follow the bus's lines by this name
log = logging.getLogger("upbit_auto_trading.application.event_bus.bus")


class DeadLetterOffice:
    def __init__(self, store: DeadLetterStore | None) -> None:
        self._store = store
        self.count = 0  # letters posted in this run (stored or not)

    async def post(self, letter: DeadLetter) -> None:
        """Record ``letter``; never raises (a failing store must not stop the bus: the failure is logged)."""
        self.count += 1
        if self._store is None:
            log.error("no dead-letter store: %s for %s is lost", letter.event.event_type, letter.handler)
            return
        try:
            await asyncio.to_thread(self._store.add, letter)
        except Exception:  # noqa: BLE001 - logged; the bus carries on
            log.exception("could not record dead letter %s", letter.letter_id)

    async def letters(self) -> list[DeadLetter]:
        """Oldest first; empty without a store."""
        if self._store is None:
            return []
        return await asyncio.to_thread(self._store.list)

    async def discard(self, letter_id: str) -> bool:
        if self._store is None:
            return False
        return await asyncio.to_thread(self._store.remove, letter_id)

    async def get(self, letter_id: str) -> DeadLetter:
        """The letter to retry; NotFoundError without a store or when it is gone already."""
        if self._store is None:
            raise NotFoundError("There is no dead-letter store.")
        letter = await asyncio.to_thread(self._store.get, letter_id)
        if letter is None:
            raise NotFoundError(f"No dead letter {letter_id}; it may have been retried or discarded already.")
        return letter

    async def remove(self, letter_id: str) -> None:
        if self._store is not None:
            await asyncio.to_thread(self._store.remove, letter_id)
