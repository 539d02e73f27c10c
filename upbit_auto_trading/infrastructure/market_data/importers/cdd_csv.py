"""CryptoDataDownload files: an optional banner line, ``unix`` and/or ``date`` columns, ``symbol``,
open/high/low/close and two volume columns (``Volume BTC``/``Volume USD``, or ``volume``/``Volume USD``).

- ``unix`` (epoch seconds, or milliseconds when larger than 1e11) is preferred over ``date``.
- ``date`` may be ``2019-10-17 09:00:00``, ``2019-10-17 09-AM`` (12-hour), ``2019-10-17``; UTC unless ``--tz``.
- Volume columns are swapped in parts of some files. The base volume is the smaller of the two and the quote
  volume the larger when the price is at least 1 (and the other way round below 1), since quote = base x price.
- ``symbol`` is ``BTC/USD`` or, in older Coinbase and Bitstamp files, ``BTCUSD`` (see symbols.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from decimal import Decimal

from upbit_auto_trading.application.market_data.dto import ImportSpec, ParsedCandles
from upbit_auto_trading.application.market_data.errors import ImportFileError
from upbit_auto_trading.domain.market.timeframe import Timeframe
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
from upbit_auto_trading.infrastructure.market_data.importers.symbols import symbol_filter

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


def find_header(rows: list[tuple[int, list[str]]]) -> int | None:
    """Position of the header (open, high, low, close) among the first lines, after an optional banner."""
    for position, (_, row) in enumerate(rows[:5]):
        names = {cell.strip().lower() for cell in row}
        if {"open", "high", "low", "close"} <= names:
            return position
    return None


def read_cdd_csv(spec: ImportSpec, rows: list[tuple[int, list[str]]]) -> ParsedCandles:
    header_row = find_header(rows)
    if header_row is None:
        raise ImportFileError(
            f"{spec.path.name} does not look like a CryptoDataDownload file: no header with open, high, low, "
            "close in its first lines. Choose another format."
        )
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
    width = len(header)
    symbol_col = index.get("symbol")
    symbol_ok = (
        symbol_filter(
            (row[symbol_col] for _, row in iter_data(rows, header_row) if len(row) == width),
            spec.market,
            spec.path.name,
        )
        if symbol_col is not None
        else None
    )
    number = NumberParser.for_spec(spec).parse
    number_cols = [cols[k] for k in ("open", "high", "low", "close")] + volume_cols
    sink = RowSink(spec.market, Timeframe.from_code(spec.timeframe))
    for line, row in iter_data(rows, header_row):
        sink.read += 1
        if len(row) != width:
            sink.reject(line, f"expected {width} columns, found {len(row)}", row)
            continue
        if symbol_ok is not None and symbol_col is not None and not symbol_ok(row[symbol_col]):
            sink.reject(line, f"symbol {row[symbol_col].strip()!r} is not {spec.market}", row)
            continue
        try:
            start = _row_start(row, unix_col, date_col, zone)
            o, h, lo, c = (number(row[cols[k]]) for k in ("open", "high", "low", "close"))
            vols = [number(row[i]) for i in volume_cols]
        except AmbiguousNumber as exc:
            cells = (r[i] for _, r in iter_data(rows, header_row) for i in number_cols if i < len(r))
            raise ambiguous_numbers_error(spec.path.name, line, exc.text, cells) from None
        except (ValueError, OverflowError, OSError):  # Overflow/OSError: an epoch datetime cannot hold
            sink.reject(line, "unparsable", row)
            continue
        base, quote = _base_and_quote(vols, c)
        sink.add(line, row, start, (o, h, lo, c, base, quote))
    return ParsedCandles(sink.read, sink.candles, sink.rejected)


def _row_start(row: list[str], unix_col: int | None, date_col: int | None, zone: tzinfo) -> datetime:
    """The candle's start: its ``unix`` cell when filled, else its ``date``; ValueError when neither."""
    if unix_col is not None and row[unix_col].strip():
        return parse_epoch(row[unix_col])
    if date_col is not None:
        return parse_date(row[date_col], zone)
    raise ValueError("no time")


def _base_and_quote(vols: list[Decimal], close: Decimal) -> tuple[Decimal, Decimal]:
    """Base and quote volume from the file's volume columns, whose names do not say which is which: with a
    price of at least 1 the quote volume is the larger (below 1, the smaller)."""
    if len(vols) == 2:
        small, large = sorted(vols)
        return (small, large) if close >= _ONE else (large, small)
    if len(vols) == 1:
        return vols[0], Decimal(0)
    return Decimal(0), Decimal(0)
