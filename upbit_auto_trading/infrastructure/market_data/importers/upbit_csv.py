"""Upbit REST candle columns (``candle_date_time_kst``, ``opening_price`` ... ``candle_acc_trade_volume``).

Times are the candle start; ``candle_date_time_utc`` is used when present, else ``candle_date_time_kst`` (KST,
no offset in the text) is converted to UTC. ``--tz`` overrides the zone of the KST column.
"""

from __future__ import annotations

from datetime import UTC, datetime

from upbit_auto_trading.application.market_data.dto import ImportSpec, ParsedCandles
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.infrastructure.market_data.importers.common import (
    KST,
    RowSink,
    header_index,
    iter_data,
    parse_tz,
    read_rows,
    require_columns,
    to_decimal,
)

_VALUES = {
    "open": ("opening_price",),
    "high": ("high_price",),
    "low": ("low_price",),
    "close": ("trade_price",),
    "quote_volume": ("candle_acc_trade_price",),
    "volume": ("candle_acc_trade_volume",),
}


def read_upbit_csv(spec: ImportSpec) -> ParsedCandles:
    rows = read_rows(spec.path)
    index = header_index(rows[0][1])
    if "candle_date_time_utc" in index:
        time_col, zone = index["candle_date_time_utc"], UTC
    else:
        time_col = require_columns(index, {"time": ("candle_date_time_kst",)}, spec.path.name, "Upbit")[
            "time"
        ]
        zone = parse_tz(spec.tz, KST)
    cols = require_columns(index, _VALUES, spec.path.name, "Upbit")
    order = [cols[k] for k in ("open", "high", "low", "close", "volume", "quote_volume")]
    width = len(rows[0][1])
    sink = RowSink(spec.market, Timeframe.from_code(spec.timeframe))
    for line, row in iter_data(rows, 0):
        sink.read += 1
        if len(row) != width:
            sink.reject(line, f"expected {width} columns, found {len(row)}", row)
            continue
        try:
            start = datetime.fromisoformat(row[time_col].strip())
            if start.tzinfo is None:
                start = start.replace(tzinfo=zone)
            values = tuple(to_decimal(row[i]) for i in order)
        except ValueError:
            sink.reject(line, "unparsable", row)
            continue
        sink.add(line, row, start.astimezone(UTC), values)  # type: ignore[arg-type]
    return ParsedCandles(sink.read, sink.candles, sink.rejected)
