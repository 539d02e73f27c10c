"""Everything the loopback server knows, behind one lock (handlers run on the server's loop thread,
test code and the CLI's replay clock call in from other threads)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from aiohttp import web

from upbit_auto_trading.infrastructure.upbit_sim.auth import TokenVerifier
from upbit_auto_trading.infrastructure.upbit_sim.config import SimConfig
from upbit_auto_trading.infrastructure.upbit_sim.exchange import SimExchange, SimRejection
from upbit_auto_trading.infrastructure.upbit_sim.market import MarketReplay
from upbit_auto_trading.infrastructure.upbit_sim.persistence import SimStateError, SimStateFile
from upbit_auto_trading.infrastructure.upbit_sim.ratelimit import SimRateLimiter


@dataclass
class Faults:
    """Failures to inject, for tests: late or lost replies to orders, WebSocket clients held off, myOrder
    messages sent twice, markets flagged with a warning (``market_event.warning``)."""

    order_reply_delay: float = 0.0
    delayed_orders_left: int = 0
    dropped_replies_left: int = 0
    refuse_websockets: bool = False
    duplicate_order_events: bool = False
    market_warnings: set[str] = field(default_factory=set)


@dataclass
class SimState:
    config: SimConfig
    market: MarketReplay
    exchange: SimExchange
    verifier: TokenVerifier
    limiter: SimRateLimiter
    faults: Faults = field(default_factory=Faults)
    lock: threading.RLock = field(default_factory=threading.RLock)
    requests: int = 0

    @classmethod
    def create(cls, config: SimConfig, market: MarketReplay) -> SimState:
        exchange = SimExchange(market, config.fee_rate, config.min_total)
        if config.state_file is not None:
            exchange.attach_store(SimStateFile(config.state_file))
        try:
            for spec in config.accounts:
                if not exchange.has_account(spec.access_key):  # a stored account keeps its stored balances
                    exchange.add_account(spec)
            exchange.save()
        except SimRejection as exc:
            raise SimStateError(f"cannot write the paper exchange state {config.state_file}: {exc}") from exc
        verifier = TokenVerifier(
            {a.access_key: a.secret_key for a in config.accounts},
            {a.access_key for a in config.accounts if a.expired},
        )
        limiter = SimRateLimiter(
            config.rate_limits, config.rate_window, config.block_after, config.block_seconds
        )
        return cls(config, market, exchange, verifier, limiter)


STATE_KEY: web.AppKey[SimState] = web.AppKey("upbit_sim_state", SimState)
