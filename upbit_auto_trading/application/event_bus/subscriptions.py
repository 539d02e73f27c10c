"""Who wants which events: subscriptions by event type, matched against the event's class and its bases."""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from upbit_auto_trading.domain.events import Event

Handler = Callable[[Any], "Awaitable[None] | None"]
_sequence = itertools.count()


def handler_name(handler: Callable[..., Any]) -> str:
    """A name stable across restarts (``module.qualname``) so a dead letter can find its handler again."""
    target = getattr(handler, "__func__", handler)
    module = getattr(target, "__module__", None) or type(handler).__module__
    qualname = getattr(target, "__qualname__", None) or type(handler).__qualname__
    return f"{module}.{qualname}"


@dataclass(eq=False)
class Subscription:
    event_type: type
    handler: Handler
    name: str
    is_async: bool
    seq: int = field(default_factory=lambda: next(_sequence))
    active: bool = True


class SubscriptionRegistry:
    def __init__(self) -> None:
        self._by_type: dict[type, list[Subscription]] = {}
        self._cache: dict[type, tuple[Subscription, ...]] = {}

    def add(self, event_type: type, handler: Handler, name: str | None = None) -> Subscription:
        if not (isinstance(event_type, type) and issubclass(event_type, Event)):
            raise TypeError(f"subscribe to an Event subclass, not {event_type!r}")
        if not callable(handler):
            raise TypeError("handler must be callable")
        is_async = inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
            getattr(handler, "__call__", None)  # noqa: B004 - async callable objects
        )
        sub = Subscription(event_type, handler, name or handler_name(handler), is_async)
        self._by_type.setdefault(event_type, []).append(sub)
        self._cache.clear()
        return sub

    def remove(self, sub: Subscription) -> None:
        subs = self._by_type.get(sub.event_type, [])
        if sub in subs:
            subs.remove(sub)
            sub.active = False
            self._cache.clear()

    def for_type(self, event_type: type) -> tuple[Subscription, ...]:
        """Subscribers of the class or any base class, in subscription order."""
        cached = self._cache.get(event_type)
        if cached is None:
            found = [s for klass in event_type.__mro__ for s in self._by_type.get(klass, ())]
            cached = tuple(sorted(found, key=lambda s: s.seq))
            self._cache[event_type] = cached
        return cached

    def named(self, name: str) -> list[Subscription]:
        return [s for subs in self._by_type.values() for s in subs if s.name == name]

    def all(self) -> list[Subscription]:
        return sorted((s for subs in self._by_type.values() for s in subs), key=lambda s: s.seq)
