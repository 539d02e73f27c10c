"""The one log line and the event of a stored strategy version (shared by the use cases that save one)."""

from __future__ import annotations

import logging

from upbit_auto_trading.application.ports.event_publisher import EventPublisher
from upbit_auto_trading.application.strategy.ports import StoredStrategy
from upbit_auto_trading.domain.strategy.events import StrategySaved

log = logging.getLogger(__name__)


def announce_saved(publisher: EventPublisher, stored: StoredStrategy, change: str) -> None:
    """``change``: created | new_version | duplicated | imported."""
    log.info(
        "strategy %r saved (id %s, version %s, %s)", stored.name, stored.strategy_id, stored.version, change
    )
    publisher.publish(
        StrategySaved(
            source="strategy",
            strategy_id=stored.strategy_id,
            name=stored.name,
            version=stored.version,
            change=change,
        )
    )
