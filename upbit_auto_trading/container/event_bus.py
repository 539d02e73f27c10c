"""Event-bus providers: the bus and the config-change gate (Singletons) and their SQLite stores."""

from __future__ import annotations

from dependency_injector import containers, providers

from upbit_auto_trading.application.event_bus.bus import EventBus
from upbit_auto_trading.application.event_bus.gate import ConfigChangeGate
from upbit_auto_trading.infrastructure.logging.bus_handler import install_bus_log_handler
from upbit_auto_trading.infrastructure.sqlite.event_store import (
    SqliteDeadLetterStore,
    SqliteHeldRequestStore,
    SqliteUndeliveredStore,
)


class EventBusContainer(containers.DeclarativeContainer):
    """``bus()`` is created unstarted: start it on the application's running loop with
    ``await container.event_bus.bus().start()`` and stop it with ``await ... .stop()`` before the loop ends."""

    core = providers.DependenciesContainer()

    dead_letter_store = providers.Singleton(SqliteDeadLetterStore, session=core.database_session)
    undelivered_store = providers.Singleton(SqliteUndeliveredStore, session=core.database_session)
    held_request_store = providers.Singleton(SqliteHeldRequestStore, session=core.database_session)

    bus = providers.Singleton(EventBus, dead_letters=dead_letter_store, undelivered=undelivered_store)
    gate = providers.Singleton(ConfigChangeGate, bus=bus, store=held_request_store)
    # Calling it attaches the handler to the root logger (once): log lines then reach LogLineEvent subscribers.
    log_handler = providers.Singleton(install_bus_log_handler, bus=bus)
