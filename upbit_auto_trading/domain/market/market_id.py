"""Market identifiers in Upbit's QUOTE-BASE form (``KRW-BTC``: BTC priced in KRW)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from upbit_auto_trading.domain.market.errors import InvalidMarketError

_PATTERN = re.compile(r"^[A-Z0-9]{2,10}-[A-Z0-9]{1,20}$")


@dataclass(frozen=True, slots=True)
class MarketId:
    quote: str
    base: str

    @classmethod
    def parse(cls, text: str) -> MarketId:
        """Parse ``KRW-BTC`` (case-insensitive). ``BTC/USD`` (base/quote, CryptoDataDownload style) is accepted too."""
        raw = (text or "").strip().upper()
        if "/" in raw and "-" not in raw:
            base, _, quote = raw.partition("/")
            raw = f"{quote}-{base}"
        if not _PATTERN.match(raw):
            raise InvalidMarketError(f"Invalid market {text!r}: use QUOTE-BASE such as KRW-BTC")
        quote, base = raw.split("-", 1)
        return cls(quote=quote, base=base)

    @property
    def code(self) -> str:
        return f"{self.quote}-{self.base}"

    def __str__(self) -> str:
        return self.code


def normalize_market(text: str) -> str:
    """The canonical market code for ``text`` (raises InvalidMarketError)."""
    return MarketId.parse(text).code
