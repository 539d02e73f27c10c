from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from upbit_auto_trading.infrastructure.upbit.auth import UpbitCredentials
from upbit_auto_trading.infrastructure.upbit_sim import SimAccountSpec, SimConfig, UpbitSimServer
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay, synthetic_candles

ACCESS = "itest-access-key-00000000000000000000000"
SECRET = "itest-secret-key-00000000000000000000000"
CREDS = UpbitCredentials(ACCESS, SECRET)


def make_server(
    candles: int = 1000, visible: int | None = None, drop: set[int] | None = None, **config
) -> UpbitSimServer:
    replay = MarketReplay()
    series = synthetic_candles("KRW-BTC", "1h", candles)
    if drop:
        series = [c for i, c in enumerate(series) if i not in drop]
    replay.add_candles(series, visible=visible)
    cfg = SimConfig(accounts=[SimAccountSpec(ACCESS, SECRET, {"KRW": Decimal("1000000")})], **config)
    return UpbitSimServer(cfg, replay)


@pytest.fixture
def sim() -> Iterator[UpbitSimServer]:
    with make_server() as server:
        yield server
