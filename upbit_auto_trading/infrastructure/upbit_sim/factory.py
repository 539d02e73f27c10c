"""Build a ready loopback server: market data from a CandleReader or a synthetic walk, one account."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.infrastructure.upbit_sim.config import SimAccountSpec, SimConfig
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay, synthetic_candles
from upbit_auto_trading.infrastructure.upbit_sim.server import UpbitSimServer

DEMO_ACCESS_KEY = "sim-access-key-0000000000000000000000000"
DEMO_SECRET_KEY = "sim-secret-key-0000000000000000000000000"


@dataclass
class SimServerFactory:
    """``factory(port=8765, markets=["KRW-BTC"], timeframe="1h")`` -> an unstarted UpbitSimServer.

    ``state_file=path`` keeps the account and its orders in that file (the paper exchange)."""

    candle_reader: CandleReader | None = None

    def __call__(
        self,
        port: int = 0,
        markets: list[str] | None = None,
        timeframe: str = "1h",
        *,
        synthetic: bool = False,
        limit: int | None = 5000,
        visible: int | None = None,
        access_key: str = DEMO_ACCESS_KEY,
        secret_key: str = DEMO_SECRET_KEY,
        krw: Decimal = Decimal("10000000"),
        rate_limits: dict[str, int] | None = None,
        state_file: Path | None = None,
    ) -> UpbitSimServer:
        replay = MarketReplay()
        for market in markets or ["KRW-BTC"]:
            loaded = False
            if not synthetic and self.candle_reader is not None:
                try:
                    replay.add_from_reader(
                        self.candle_reader, market, timeframe, visible=visible, limit=limit
                    )
                    loaded = True
                except ValueError:
                    loaded = False  # no stored candles for this market: fall back on a synthetic walk
            if not loaded:
                replay.add_candles(synthetic_candles(market, timeframe, limit or 5000), visible=visible)
        config = SimConfig(
            port=port,
            accounts=[SimAccountSpec(access_key, secret_key, {"KRW": krw})],
            state_file=state_file,  # the account and its orders survive a restart; ``krw`` funds a new file only
        )
        if rate_limits:
            config.rate_limits.update(rate_limits)
        return UpbitSimServer(config, replay)
