from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from upbit_auto_trading.application.event_bus import EventPriority
from upbit_auto_trading.application.event_bus.codec import OpaqueEvent, decode_event, encode_event
from upbit_auto_trading.domain.events import Event
from upbit_auto_trading.domain.trading.events import TradingStarted


@dataclass(frozen=True, kw_only=True)
class Fill(Event):
    price: Decimal
    at: datetime
    side: EventPriority
    tags: tuple[str, ...] = ()
    meta: dict[str, object] = field(default_factory=dict)


def test_round_trip_keeps_types_and_chain() -> None:
    first = TradingStarted(strategy_id="s1", market="KRW-BTC", source="engine")
    fill = first.caused(
        Fill(
            price=Decimal("101.25"),
            at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
            side=EventPriority.HIGH_SAFETY,
            tags=("a", "b"),
            meta={"k": [1, 2]},
        )
    )
    for event in (first, fill):
        assert decode_event(encode_event(event)) == event


def test_unknown_class_comes_back_opaque() -> None:
    text = encode_event(
        Fill(price=Decimal("1"), at=datetime(2024, 1, 1, tzinfo=UTC), side=EventPriority.LOW_LOGGING)
    )
    text = text.replace("Fill", "GoneFill")
    event = decode_event(text)
    assert isinstance(event, OpaqueEvent)
    assert event.event_type == "GoneFill"
    assert event.data["price"] == Decimal("1")
