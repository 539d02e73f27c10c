"""Upbit candle columns: the REST API's (``candle_date_time_kst``, ``opening_price`` ... ``candle_acc_trade_volume``)
or the older candle API's camelCase ones (``candleDateTimeKst``, ``openingPrice`` ... ``candleAccTradeVolume``).

Times are the candle start; the UTC column (``candle_date_time_utc`` / ``candleDateTime``) is used when present,
else the KST column (no offset in the text: KST) is converted to UTC. ``--tz`` overrides the zone of the KST
column. The older API's ``timestamp`` is the time of the last trade, not the start, so it is not used.
A ``market`` (``KRW-BTC``) or ``code`` (``CRIX.UPBIT.KRW-BTC``) column must name the market imported.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from upbit_auto_trading.application.market_data.dto import ImportSpec, ParsedCandles
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.infrastructure.market_data.importers.common import (
    KST,
    RowSink,
    header_index,
    iter_data,
    parse_tz,
    require_columns,
)
from upbit_auto_trading.infrastructure.market_data.importers.numbers import (
    AmbiguousNumber,
    NumberParser,
    ambiguous_numbers_error,
)
from upbit_auto_trading.infrastructure.market_data.importers.symbols import symbol_filter

_UTC_TIME = ("candle_date_time_utc", "candledatetime")
_KST_TIME = ("candle_date_time_kst", "candledatetimekst")
_VALUES = {
    "open": ("opening_price", "openingPrice"),
    "high": ("high_price", "highPrice"),
    "low": ("low_price", "lowPrice"),
    "close": ("trade_price", "tradePrice"),
    "quote_volume": ("candle_acc_trade_price", "candleAccTradePrice"),
    "volume": ("candle_acc_trade_volume", "candleAccTradeVolume"),
}
_SYMBOL = ("market", "code")


def is_upbit_header(header: list[str]) -> bool:
    """A header with an Upbit time column and Upbit's opening-price column (either generation of the API)."""
    names = header_index(header)
    has_time = any(name in names for name in _UTC_TIME + _KST_TIME)
    return has_time and any(name.lower() in names for name in _VALUES["open"])


def read_upbit_csv(spec: ImportSpec, rows: list[tuple[int, list[str]]]) -> ParsedCandles:
    header = rows[0][1]
    index = header_index(header)
    utc_col = next((index[name] for name in _UTC_TIME if name in index), None)
    zone: tzinfo
    if utc_col is not None:
        time_col, zone = utc_col, UTC
    else:
        time_col = require_columns(index, {"time": _KST_TIME}, spec.path.name, "Upbit")["time"]
        zone = parse_tz(spec.tz, KST)
    cols = require_columns(index, _VALUES, spec.path.name, "Upbit")
    order = [cols[k] for k in ("open", "high", "low", "close", "volume", "quote_volume")]
    width = len(header)
    symbol_col = next((index[name] for name in _SYMBOL if name in index), None)
    symbol_ok = (
        symbol_filter(
            (row[symbol_col] for _, row in iter_data(rows, 0) if len(row) == width),
            spec.market,
            spec.path.name,
        )
        if symbol_col is not None
        else None
    )
    number = NumberParser.for_spec(spec).parse
    sink = RowSink(spec.market, Timeframe.from_code(spec.timeframe))
    for line, row in iter_data(rows, 0):
        sink.read += 1
        if len(row) != width:
            sink.reject(line, f"expected {width} columns, found {len(row)}", row)
            continue
        if symbol_ok is not None and symbol_col is not None and not symbol_ok(row[symbol_col]):
            sink.reject(line, f"symbol {row[symbol_col].strip()!r} is not {spec.market}", row)
            continue
        try:
            start = datetime.fromisoformat(row[time_col].strip())
            if start.tzinfo is None:
                start = start.replace(tzinfo=zone)
            values = tuple(number(row[i]) for i in order)
        except AmbiguousNumber as exc:
            cells = (r[i] for _, r in iter_data(rows, 0) for i in order if i < len(r))
            raise ambiguous_numbers_error(spec.path.name, line, exc.text, cells) from None
        except ValueError:
            sink.reject(line, "unparsable", row)
            continue
        sink.add(line, row, start.astimezone(UTC), values)  # type: ignore[arg-type]
    return ParsedCandles(sink.read, sink.candles, sink.rejected)
