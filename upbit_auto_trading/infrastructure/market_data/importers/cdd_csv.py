"""CryptoDataDownload files: an optional banner line, ``unix`` and/or ``date`` columns, ``symbol``,
open/high/low/close and two volume columns (``Volume BTC``/``Volume USD``, or ``volume``/``Volume USD``).

- ``unix`` (epoch seconds, or milliseconds when larger than 1e11) is preferred over ``date``.
- ``date`` may be ``2019-10-17 09:00:00``, ``2019-10-17 09-AM`` (12-hour), ``2019-10-17``; UTC unless ``--tz``.
- Volume columns are swapped in parts of some files. The base volume is the smaller of the two and the quote
  volume the larger when the price is at least 1 (and the other way round below 1), since quote = base x price.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from decimal import Decimal

from upbit_auto_trading.application.market_data.dto import ImportSpec, ParsedCandles
from upbit_auto_trading.application.market_data.errors import ImportFileError
from upbit_auto_trading.domain.market.errors import InvalidMarketError
from upbit_auto_trading.domain.market.market_id import normalize_market
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.infrastructure.market_data.importers.common import (
    RowSink,
    header_index,
    iter_data,
    parse_tz,
    read_rows,
    require_columns,
    to_decimal,
)

DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %I-%p",
    "%Y-%m-%d %H-%M-%S",
    "%Y-%m-%d",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
)
_ONE = Decimal(1)


def parse_epoch(text: str) -> datetime:
    value = float(text.strip())
    if value > 1e11:  # milliseconds
        value /= 1000.0
    return datetime.fromtimestamp(int(value), UTC)


def parse_date(text: str, zone: tzinfo) -> datetime:
    cleaned = text.strip()
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=zone).astimezone(UTC)
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError as exc:
        raise ValueError(f"unknown date format {text!r}") from exc
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)).astimezone(UTC)


def _find_header(rows: list[tuple[int, list[str]]], name: str) -> int:
    for position, (_, row) in enumerate(rows[:5]):
        names = {cell.strip().lower() for cell in row}
        if {"open", "high", "low", "close"} <= names:
            return position
    raise ImportFileError(
        f"{name} does not look like a CryptoDataDownload file: no header with open, high, low, close "
        "in its first lines. Choose another --format."
    )


def read_cdd_csv(spec: ImportSpec) -> ParsedCandles:
    rows = read_rows(spec.path)
    header_row = _find_header(rows, spec.path.name)
    header = rows[header_row][1]
    index = header_index(header)
    zone = parse_tz(spec.tz, UTC)
    unix_col = next((index[n] for n in ("unix", "unix timestamp", "timestamp") if n in index), None)
    date_col = index.get("date")
    if unix_col is None and date_col is None:
        raise ImportFileError(f"{spec.path.name} has neither a 'unix' nor a 'date' column")
    cols = require_columns(
        index,
        {"open": ("open",), "high": ("high",), "low": ("low",), "close": ("close",)},
        spec.path.name,
        "CDD",
    )
    volume_cols = [i for i, name in enumerate(header) if name.strip().lower().startswith("volume")]
    if len(volume_cols) > 2:
        raise ImportFileError(
            f"{spec.path.name} has more than two volume columns: cannot tell base from quote"
        )
    symbol_col = index.get("symbol")
    try:
        expected_market = normalize_market(spec.market)
    except InvalidMarketError as exc:
        raise ImportFileError(str(exc)) from exc
    symbols_ok: dict[str, bool] = {}
    width = len(header)
    sink = RowSink(spec.market, Timeframe.from_code(spec.timeframe))
    for line, row in iter_data(rows, header_row):
        sink.read += 1
        if len(row) != width:
            sink.reject(line, f"expected {width} columns, found {len(row)}", row)
            continue
        if symbol_col is not None:
            symbol = row[symbol_col].strip()
            ok = symbols_ok.get(symbol)
            if ok is None:
                try:
                    ok = normalize_market(symbol) == expected_market
                except InvalidMarketError:
                    ok = False
                symbols_ok[symbol] = ok
            if not ok:
                sink.reject(line, f"symbol {symbol!r} is not {expected_market}", row)
                continue
        try:
            if unix_col is not None and row[unix_col].strip():
                start = parse_epoch(row[unix_col])
            elif date_col is not None:
                start = parse_date(row[date_col], zone)
            else:
                raise ValueError("no time")
            o, h, lo, c = (to_decimal(row[cols[k]]) for k in ("open", "high", "low", "close"))
            vols = [to_decimal(row[i]) for i in volume_cols]
        except ValueError:
            sink.reject(line, "unparsable", row)
            continue
        if len(vols) == 2:
            small, large = sorted(vols)
            base, quote = (small, large) if c >= _ONE else (large, small)
        elif len(vols) == 1:
            base, quote = vols[0], Decimal(0)
        else:
            base = quote = Decimal(0)
        sink.add(line, row, start, (o, h, lo, c, base, quote))
    return ParsedCandles(sink.read, sink.candles, sink.rejected)
