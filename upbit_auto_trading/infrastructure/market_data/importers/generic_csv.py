"""A generic OHLCV CSV: one header line, a column per field. Columns are found by common names or given by
``column_map`` (field -> column): fields ``time open high low close volume quote_volume``.

Times are ISO-8601 (with or without an offset), ``YYYY-MM-DD HH:MM[:SS]``, or epoch seconds/milliseconds.
Naive times are in ``--tz`` (default UTC). Without a quote-volume column the quote volume is stored as 0.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from decimal import Decimal

from upbit_auto_trading.application.market_data.dto import ImportSpec, ParsedCandles
from upbit_auto_trading.application.market_data.errors import ImportFileError
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.infrastructure.market_data.importers.cdd_csv import parse_date, parse_epoch
from upbit_auto_trading.infrastructure.market_data.importers.common import (
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

FIELDS = ("time", "open", "high", "low", "close", "volume", "quote_volume")
DEFAULT_NAMES: dict[str, tuple[str, ...]] = {
    "time": ("time", "timestamp", "datetime", "date", "open_time", "start", "candle_date_time_utc"),
    "open": ("open", "o", "opening_price"),
    "high": ("high", "h", "high_price"),
    "low": ("low", "l", "low_price"),
    "close": ("close", "c", "trade_price"),
    "volume": ("volume", "vol", "v", "base_volume", "candle_acc_trade_volume"),
    "quote_volume": ("quote_volume", "quote volume", "quote_asset_volume", "value", "candle_acc_trade_price"),
}


def parse_time(text: str, zone: tzinfo) -> datetime:
    cleaned = text.strip()
    if cleaned.replace(".", "", 1).isdigit():
        return parse_epoch(cleaned)
    if cleaned.endswith("Z"):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        return parse_date(cleaned, zone)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)).astimezone(UTC)


def read_generic_csv(spec: ImportSpec, rows: list[tuple[int, list[str]]]) -> ParsedCandles:
    unknown = set(spec.column_map) - set(FIELDS)
    if unknown:
        raise ImportFileError(
            f"Unknown field(s) in the column mapping: {', '.join(sorted(unknown))}; use {', '.join(FIELDS)}"
        )
    header = rows[0][1]
    index = header_index(header)
    wanted = {f: ((spec.column_map[f],) if f in spec.column_map else DEFAULT_NAMES[f]) for f in FIELDS[:6]}
    cols = require_columns(index, wanted, spec.path.name, "generic OHLCV")
    quote_col: int | None = None
    if "quote_volume" in spec.column_map:
        quote_col = require_columns(
            index, {"quote_volume": (spec.column_map["quote_volume"],)}, spec.path.name, "generic OHLCV"
        )["quote_volume"]
    else:
        quote_col = next((index[n] for n in DEFAULT_NAMES["quote_volume"] if n in index), None)
    zone = parse_tz(spec.tz, UTC)
    width = len(header)
    order = [cols[k] for k in ("open", "high", "low", "close", "volume")]
    zero = Decimal(0)
    number = NumberParser.for_spec(spec).parse
    sink = RowSink(spec.market, Timeframe.from_code(spec.timeframe))
    for line, row in iter_data(rows, 0):
        sink.read += 1
        if len(row) != width:
            sink.reject(line, f"expected {width} columns, found {len(row)}", row)
            continue
        try:
            start = parse_time(row[cols["time"]], zone)
            o, h, lo, c, v = (number(row[i]) for i in order)
            q = number(row[quote_col]) if quote_col is not None else zero
        except AmbiguousNumber as exc:
            columns = order + ([quote_col] if quote_col is not None else [])
            cells = (r[i] for _, r in iter_data(rows, 0) for i in columns if i < len(r))
            raise ambiguous_numbers_error(spec.path.name, line, exc.text, cells) from None
        except (ValueError, OverflowError, OSError):
            sink.reject(line, "unparsable", row)
            continue
        sink.add(line, row, start, (o, h, lo, c, v, q))
    return ParsedCandles(sink.read, sink.candles, sink.rejected)
