from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC

import pytest

from upbit_auto_trading.domain.events import Event


@dataclass(frozen=True, kw_only=True)
class CandleClosed(Event):
    market: str = "KRW-BTC"


@dataclass(frozen=True, kw_only=True)
class SignalRaised(Event):
    reason: str = ""


def test_event_starts_its_own_chain() -> None:
    event = CandleClosed(source="test")
    assert event.correlation_id == event.event_id
    assert event.causation_id is None
    assert event.timestamp.tzinfo is UTC
    assert event.event_type == "CandleClosed"


def test_caused_event_follows_the_chain_both_ways() -> None:
    candle = CandleClosed()
    signal = candle.caused(SignalRaised(reason="rsi"))
    order = signal.caused(SignalRaised(reason="order"))
    assert signal.causation_id == candle.event_id
    assert order.causation_id == signal.event_id
    assert {signal.correlation_id, order.correlation_id} == {candle.correlation_id}


def test_events_are_immutable_and_unique() -> None:
    a, b = CandleClosed(), CandleClosed()
    assert a.event_id != b.event_id
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.market = "KRW-ETH"  # type: ignore[misc]
