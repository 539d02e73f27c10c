"""In-memory stores: for tests and for a bus built without the container (nothing survives a restart)."""

from __future__ import annotations

import threading
from dataclasses import replace

from upbit_auto_trading.application.event_bus.ports import DeadLetter, HeldRequest
from upbit_auto_trading.application.event_bus.priority import EventPriority
from upbit_auto_trading.domain.events import Event


class InMemoryDeadLetterStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._letters: dict[str, DeadLetter] = {}

    def add(self, letter: DeadLetter) -> None:
        with self._lock:
            self._letters[letter.letter_id] = letter

    def list(self) -> list[DeadLetter]:
        with self._lock:
            return list(self._letters.values())

    def get(self, letter_id: str) -> DeadLetter | None:
        with self._lock:
            return self._letters.get(letter_id)

    def remove(self, letter_id: str) -> bool:
        with self._lock:
            return self._letters.pop(letter_id, None) is not None


class InMemoryUndeliveredStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[tuple[EventPriority, Event]] = []

    def save(self, items: list[tuple[EventPriority, Event]]) -> None:
        with self._lock:
            self._items.extend(items)

    def take_all(self) -> list[tuple[EventPriority, Event]]:
        with self._lock:
            items, self._items = self._items, []
            return items


class InMemoryHeldRequestStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[str, HeldRequest] = {}

    def add(self, held: HeldRequest) -> None:
        with self._lock:
            self._held[held.request.request_id] = held

    def list(self) -> list[HeldRequest]:
        with self._lock:
            return list(self._held.values())

    def update_error(self, request_id: str, error: str) -> None:
        with self._lock:
            if request_id in self._held:
                self._held[request_id] = replace(self._held[request_id], last_error=error)

    def remove(self, request_id: str) -> bool:
        with self._lock:
            return self._held.pop(request_id, None) is not None
