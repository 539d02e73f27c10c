"""Entries on markets under Upbit's investment warning: the exchange's list is read at most once a minute of
the session's clock and a failed read keeps the last list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from upbit_auto_trading.application.trading.market_trader import MarketWarnings
from upbit_auto_trading.application.trading.ports import ExchangeError


class Exchange:
    def __init__(self) -> None:
        self.warned: frozenset[str] = frozenset({"KRW-XRP"})
        self.reads = 0
        self.down = False

    async def warned_markets(self) -> frozenset[str]:
        self.reads += 1
        if self.down:
            raise ExchangeError("the market list is unavailable")
        return self.warned


async def test_the_list_is_read_once_a_minute_of_market_time() -> None:
    exchange = Exchange()
    now = [datetime(2021, 1, 1, tzinfo=UTC)]
    warnings = MarketWarnings(exchange, clock=lambda: now[0])  # type: ignore[arg-type]
    assert "warning" in await warnings.blocked("KRW-XRP")
    assert await warnings.blocked("KRW-BTC") == ""
    now[0] += timedelta(seconds=59)
    exchange.warned = frozenset({"KRW-BTC"})
    assert await warnings.blocked("KRW-BTC") == "" and exchange.reads == 1  # cached
    now[0] += timedelta(seconds=1)
    assert "KRW-BTC" in await warnings.blocked("KRW-BTC") and exchange.reads == 2
    assert await warnings.blocked("KRW-XRP") == ""


async def test_a_failed_read_keeps_the_last_list_and_is_tried_again() -> None:
    exchange = Exchange()
    now = [datetime(2021, 1, 1, tzinfo=UTC)]
    warnings = MarketWarnings(exchange, clock=lambda: now[0])  # type: ignore[arg-type]
    assert await warnings.blocked("KRW-XRP")
    exchange.down = True
    now[0] += timedelta(minutes=5)
    assert await warnings.blocked("KRW-XRP") and exchange.reads == 2
    exchange.down = False
    exchange.warned = frozenset()
    assert await warnings.blocked("KRW-XRP") == "" and exchange.reads == 3
