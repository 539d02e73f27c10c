from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

import pytest

from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.trading.order import (
    InvalidOrderError,
    OrderRequest,
    OrderSide,
    OrderType,
    TimeInForce,
)
from upbit_auto_trading.infrastructure.upbit.errors import (
    UpbitBlockedError,
    UpbitInsufficientFundsError,
    UpbitInvalidQueryPayloadError,
    UpbitNonceUsedError,
    error_for,
)
from upbit_auto_trading.infrastructure.upbit.paging import CandlePager
from upbit_auto_trading.infrastructure.upbit.rate_limiter import RateLimiter, RemainingReq


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_remaining_req_parsing():
    info = RemainingReq.parse("group=default; min=1800; sec=29")
    assert info == RemainingReq("default", 29, 1800)
    assert RemainingReq.parse(None) is None
    assert RemainingReq.parse("garbage") is None


def test_limiter_spaces_requests_within_the_group_limit():
    clock = FakeClock()
    limiter = RateLimiter({"candle": 3}, margin=0.0, clock=clock)
    assert [limiter.try_acquire("candle") for _ in range(3)] == [0, 0, 0]
    assert limiter.try_acquire("candle") == pytest.approx(1.0)
    assert limiter.try_acquire("ticker") == 0  # other groups are independent
    clock.now += 1.0
    assert limiter.try_acquire("candle") == 0


def test_limiter_pauses_group_when_header_says_nothing_left():
    clock = FakeClock()
    limiter = RateLimiter(margin=0.0, clock=clock)
    limiter.try_acquire("order")
    limiter.observe("group=order; min=480; sec=0")
    assert limiter.try_acquire("order") == pytest.approx(1.0)


def test_limiter_refuses_everything_while_blocked():
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    limiter.on_blocked(30)
    with pytest.raises(UpbitBlockedError):
        limiter.try_acquire("candle")
    clock.now += 31
    assert limiter.try_acquire("candle") == 0


def test_backoff_grows_exponentially_and_is_capped():
    limiter = RateLimiter()
    delays = [limiter.backoff.delay(i) for i in range(8)]
    assert delays[:3] == [0.25, 0.5, 1.0] and max(delays) == limiter.backoff.cap


def test_error_names_map_to_typed_errors():
    assert isinstance(error_for(401, "invalid_query_payload", "x"), UpbitInvalidQueryPayloadError)
    assert isinstance(error_for(401, "nonce_used", "x"), UpbitNonceUsedError)
    assert isinstance(error_for(400, "insufficient_funds_bid", "x"), UpbitInsufficientFundsError)
    blocked = error_for(418, "", "blocked for 42 seconds")
    assert isinstance(blocked, UpbitBlockedError) and blocked.retry_after == 42


def test_order_request_rules_and_params():
    req = OrderRequest("KRW-BTC", OrderSide.BID, OrderType.LIMIT, volume=D("0.001"), price=D("50000000"))
    params = req.as_params()
    assert list(params) == ["market", "side", "volume", "price", "ord_type", "identifier"]
    assert params["price"] == "50000000" and params["identifier"].startswith("uat-")
    assert req.krw_rule_problem() is None
    other = OrderRequest("KRW-BTC", OrderSide.BID, OrderType.LIMIT, volume=D("0.001"), price=D("50000000"))
    assert other.identifier != req.identifier
    assert (
        "tick"
        in OrderRequest("KRW-BTC", OrderSide.BID, OrderType.LIMIT, D("1"), D("50000500")).krw_rule_problem()
    )
    assert (
        "minimum"
        in OrderRequest("KRW-BTC", OrderSide.BID, OrderType.PRICE, price=D("4000")).krw_rule_problem()
    )
    with pytest.raises(InvalidOrderError):
        OrderRequest("KRW-BTC", OrderSide.BID, OrderType.LIMIT, volume=D("1"))
    with pytest.raises(InvalidOrderError):
        OrderRequest("KRW-BTC", OrderSide.ASK, OrderType.PRICE, price=D("10000"))
    with pytest.raises(InvalidOrderError):
        OrderRequest("KRW-BTC", OrderSide.BID, OrderType.BEST, price=D("10000"))
    OrderRequest("KRW-BTC", OrderSide.BID, OrderType.BEST, price=D("10000"), time_in_force=TimeInForce.IOC)


def _candle(i: int) -> Candle:
    start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=i)
    return Candle("KRW-BTC", "1h", start, D(1), D(1), D(1), D(1), D(1), D(1))


def test_pager_walks_backwards_without_overlap_and_stops_on_a_short_page():
    pager = CandlePager(count=3)
    first = pager.accept([_candle(9), _candle(8), _candle(7)])
    assert [c.start.hour for c in first] == [9, 8, 7] and pager.to == _candle(7).start and not pager.done
    second = pager.accept([_candle(6), _candle(5)])
    assert [c.start.hour for c in second] == [6, 5] and pager.done


def test_pager_keeps_only_the_range_and_stops_at_start():
    pager = CandlePager(start=_candle(5).start, end=_candle(8).start, count=3)
    kept = pager.accept([_candle(7), _candle(6), _candle(5)])
    assert [c.start.hour for c in kept] == [7, 6, 5] and pager.done
