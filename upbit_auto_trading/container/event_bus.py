"""Event-bus providers: the bus, the config-change gate and the use cases' publisher (Singletons) and
their SQLite stores."""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.application.event_bus.gate import ConfigChangeGate
from upbit_auto_trading.application.event_bus.ports import DeadLetterStore, UndeliveredEventStore
from upbit_auto_trading.application.event_bus.priority import PRIORITIES
from upbit_auto_trading.application.event_bus.publisher import BusPublisher
from upbit_auto_trading.application.event_bus.retry import RetryPolicy
from upbit_auto_trading.infrastructure.logging.bus_handler import install_bus_log_handler
from upbit_auto_trading.infrastructure.sqlite.event_store import (
    SqliteDeadLetterStore,
    SqliteHeldRequestStore,
    SqliteUndeliveredStore,
)


def bus_options(settings: dict[str, Any] | None) -> dict[str, Any]:
    """``EventBus`` keyword arguments from the validated ``event_bus`` config section (None: the defaults)."""
    if not settings:
        return {}
    capacity = settings.get("capacity") or {}
    retry = settings.get("retry") or {}
    options: dict[str, Any] = {
        "capacity": {p: int(capacity[p.name.lower()]) for p in PRIORITIES if p.name.lower() in capacity},
        "retry": RetryPolicy(
            **{key: retry[key] for key in ("max_retries", "base_delay", "factor") if key in retry}
        ),
    }
    if settings.get("publish_timeout") is not None:
        options["publish_timeout"] = float(settings["publish_timeout"])
    if settings.get("starvation_limit") is not None:
        options["starvation_limit"] = int(settings["starvation_limit"])
    return options


def _build_bus(core: Any, dead_letters: DeadLetterStore, undelivered: UndeliveredEventStore) -> EventBus:
    return EventBus(
        dead_letters=dead_letters, undelivered=undelivered, **bus_options(core.config.event_bus())
    )


class EventBusContainer(containers.DeclarativeContainer):
    """``bus()`` is created unstarted: start it on the application's running loop with
    ``await container.event_bus.bus().start()`` and stop it with ``await ... .stop()`` before the loop ends."""

    core = providers.DependenciesContainer()

    dead_letter_store = providers.Singleton(SqliteDeadLetterStore, session=core.database_session)
    undelivered_store = providers.Singleton(SqliteUndeliveredStore, session=core.database_session)
    held_request_store = providers.Singleton(SqliteHeldRequestStore, session=core.database_session)

    # Queue capacities, publish timeout, starvation limit and the default retry policy: config ``event_bus``.
    bus = providers.Singleton(
        _build_bus, core=core, dead_letters=dead_letter_store, undelivered=undelivered_store
    )
    gate = providers.Singleton(ConfigChangeGate, bus=bus, store=held_request_store)
    # Every use case's EventPublisher: this bus (an event published before it starts waits for it). A process
    # that runs no bus (the CLI) replaces it with the NullPublisher: ``build_container(runs_bus=False)``.
    publisher = providers.Singleton(BusPublisher, bus=bus)
    # Calling it attaches the handler to the root logger (once): log lines then reach LogLineEvent subscribers.
    log_handler = providers.Singleton(install_bus_log_handler, bus=bus)
