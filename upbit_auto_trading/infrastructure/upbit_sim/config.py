"""Settings of the loopback Upbit server."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from upbit_auto_trading.infrastructure.upbit.rate_limiter import PUBLISHED_LIMITS


@dataclass
class SimAccountSpec:
    """An API key pair and its starting balances (currency -> amount)."""

    access_key: str
    secret_key: str
    balances: dict[str, Decimal] = field(default_factory=lambda: {"KRW": Decimal("1000000")})
    expired: bool = False


@dataclass
class SimConfig:
    """``rate_limits`` per group (requests per second; Upbit's published figures by default).

    ``block_after`` 429s within one second turn into a 418 block of ``block_seconds``. ``fee_rate`` is
    Upbit's KRW-market fee (0.05 %); ``min_total`` the smallest KRW order total. ``state_file``: where the
    accounts and orders live (loaded at start when it exists, rewritten after every change); None keeps
    them in memory only.
    """

    host: str = "127.0.0.1"
    port: int = 0
    accounts: list[SimAccountSpec] = field(default_factory=list)
    rate_limits: dict[str, int] = field(default_factory=lambda: dict(PUBLISHED_LIMITS))
    rate_window: float = 1.0
    block_after: int = 30
    block_seconds: float = 30.0
    fee_rate: Decimal = Decimal("0.0005")
    min_total: Decimal = Decimal("5000")
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    state_file: Path | None = None

    def __post_init__(self) -> None:
        if self.host != "127.0.0.1":
            raise ValueError("the loopback Upbit server only listens on 127.0.0.1")
