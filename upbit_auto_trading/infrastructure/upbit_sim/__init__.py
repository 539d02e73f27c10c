"""A loopback Upbit server: Upbit's REST and WebSocket protocol on 127.0.0.1, replaying stored candles.

Used by the test suite (the real client over real sockets), by end-to-end tests of trading and by the
demo mode. Start it in-process with ``with UpbitSimServer(...) as sim: sim.base_url`` or run
``upbit-auto-trading sim-server --port P``.
"""

from upbit_auto_trading.infrastructure.upbit_sim.config import SimAccountSpec, SimConfig
from upbit_auto_trading.infrastructure.upbit_sim.server import UpbitSimServer

__all__ = ["SimAccountSpec", "SimConfig", "UpbitSimServer"]
