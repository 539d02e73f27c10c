"""The symbol column of a candle file (CryptoDataDownload ``symbol``, Upbit ``market`` or the older API's ``code``)
against the market the user asked for.

Spellings: ``KRW-BTC``, ``BTC/USD``, ``CRIX.UPBIT.KRW-BTC`` (older Upbit API) and ``BTCUSD`` without a separator
(older Coinbase and Bitstamp files from CryptoDataDownload). A file whose symbols all name another market is
refused once, naming both, instead of rejecting every row; a file mixing markets keeps the rows of the asked
one and rejects the others row by row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from upbit_auto_trading.application.market_data.errors import MarketMismatchError
from upbit_auto_trading.domain.market.errors import InvalidMarketError
from upbit_auto_trading.domain.market.market_id import MarketId, normalize_market

# Quote currencies that end a separator-less symbol, longest first so BTCUSDT is USDT-BTC and not ?-BTCUS.
QUOTES = (
    "USDT", "USDC", "BUSD", "TUSD", "FDUSD", "USD", "EUR", "GBP", "JPY", "KRW", "AUD", "CAD", "CHF", "TRY",
    "BRL", "DAI", "BTC", "ETH", "BNB",
)  # fmt: skip


def _compact(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def symbol_market(symbol: str) -> str | None:
    """The QUOTE-BASE market a file's symbol names, or None if it cannot be read."""
    text = symbol.strip().upper()
    if text.startswith("CRIX."):
        text = text.rsplit(".", 1)[-1]
    try:
        return normalize_market(text)
    except InvalidMarketError:
        pass
    if text.isalnum():
        for quote in QUOTES:
            if text.endswith(quote) and len(text) > len(quote):
                try:
                    return normalize_market(f"{quote}-{text[: -len(quote)]}")
                except InvalidMarketError:
                    return None
    return None


def symbol_matches(symbol: str, market: str) -> bool:
    """Whether a file's symbol names ``market`` (QUOTE-BASE). A blank symbol claims nothing, so it matches."""
    if not symbol.strip():
        return True
    if symbol_market(symbol) == market:
        return True
    # BTCUSD for USD-BTC even when the quote currency is not in QUOTES, and BTC-USD (base-quote, as some
    # exchanges write it): one pair of currencies is one market whichever way round it is written
    parsed = MarketId.parse(market)
    return _compact(symbol) in (parsed.base + parsed.quote, parsed.quote + parsed.base)


def symbol_filter(symbols: Iterable[str], market: str, file: str) -> Callable[[str], bool]:
    """A check for each row's symbol. MarketMismatchError if no symbol in the file names ``market``."""
    market = normalize_market(market)
    seen = Counter(s.strip() for s in symbols)
    verdict = {s: symbol_matches(s, market) for s in seen}
    named = [s for s in seen if s]
    if named and not any(verdict[s] for s in named):
        symbol = max(named, key=lambda s: seen[s])
        file_market = symbol_market(symbol)
        shown = f"{file_market} ({symbol})" if file_market and file_market != symbol else repr(symbol)
        hint = f": import it with --market {file_market}" if file_market else ""
        raise MarketMismatchError(
            f"{file} holds {shown} candles, not {market}{hint}",
            market=market,
            file_symbol=symbol,
            file_market=file_market,
        )

    def matches(symbol: str) -> bool:
        ok = verdict.get(symbol.strip())
        return symbol_matches(symbol, market) if ok is None else ok

    return matches
