"""Shared pieces of the CSV importers: opening files, time zones, building candles from fields (numbers: numbers.py)."""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from upbit_auto_trading.application.market_data.errors import ImportFileError
from upbit_auto_trading.domain.market.calendar import bucket_start
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.errors import InvalidCandleError
from upbit_auto_trading.domain.market.import_report import RejectedRow
from upbit_auto_trading.domain.market.timeframe import Timeframe

KST = timezone(timedelta(hours=9), "KST")
_OFFSET = re.compile(r"^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_ZERO = Decimal(0)


def parse_tz(name: str | None, default: tzinfo) -> tzinfo:
    """``UTC``, ``KST``, ``+09:00``, ``UTC+9`` or an IANA name such as ``Asia/Seoul``; None -> ``default``."""
    if name is None or not str(name).strip():
        return default
    text = str(name).strip()
    upper = text.upper()
    if upper in ("UTC", "Z", "GMT"):
        return UTC
    if upper == "KST":
        return KST
    match = _OFFSET.match(text)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
        if delta > timedelta(hours=14):
            raise ImportFileError(f"Time-zone offset {text!r} is out of range")
        return timezone(sign * delta)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ImportFileError(
            f"Unknown time zone {text!r}: use UTC, KST, an offset like +09:00 or a name like Asia/Seoul"
        ) from exc


def read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of every non-blank CSV row of a (optionally gzip-compressed) UTF-8 file. Whole-file problems raise ImportFileError."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"File not found: {path}")
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as exc:
        raise ImportFileError(f"Cannot read {path.name}: {exc} (a damaged or truncated file?)") from exc
    if b"\x00" in raw[:4096]:
        raise ImportFileError(f"{path.name} is not a text CSV file (binary content)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path.name} is not UTF-8 text: {exc}") from exc
    rows: list[tuple[int, list[str]]] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        for row in reader:
            if row and any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise ImportFileError(f"{path.name} is not a valid CSV file: {exc}") from exc
    if not rows:
        raise ImportFileError(f"{path.name} is empty: expected a header line and candle rows")
    return rows


def header_index(header: list[str]) -> dict[str, int]:
    """Column name (stripped, lower-case) -> position."""
    return {name.strip().lower(): i for i, name in enumerate(header)}


def require_columns(
    index: dict[str, int], wanted: Mapping[str, tuple[str, ...]], file: str, fmt: str
) -> dict[str, int]:
    """For each field the first present candidate column; ImportFileError naming what is missing."""
    found: dict[str, int] = {}
    missing: list[str] = []
    for field_name, candidates in wanted.items():
        for candidate in candidates:
            if candidate.lower() in index:
                found[field_name] = index[candidate.lower()]
                break
        else:
            missing.append(" or ".join(candidates))
    if missing:
        raise ImportFileError(
            f"{file} does not look like a {fmt} candle file: missing column(s) {', '.join(missing)}"
            f" (found: {', '.join(sorted(index)) or 'none'}). Choose another format or give a column mapping."
        )
    return found


@dataclass
class RowSink:
    """Collects the candles and rejections of one file."""

    market: str
    timeframe: Timeframe
    read: int = 0
    candles: list[tuple[int, Candle]] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)

    def reject(self, line: int, reason: str, row: list[str]) -> None:
        self.rejected.append(RejectedRow(line, reason, ",".join(row)[:200]))

    def add(
        self,
        line: int,
        row: list[str],
        start: datetime,
        values: tuple[Decimal, Decimal, Decimal, Decimal, Decimal, Decimal],
    ) -> None:
        try:
            candle = Candle(self.market, self._code, start, *values)
        except InvalidCandleError as exc:
            self.reject(line, exc.reason, row)
            return
        epoch = candle.start_epoch
        if (epoch % self._seconds if self._seconds else bucket_start(epoch, self.timeframe) - epoch) != 0:
            self.reject(line, f"start {start.isoformat()} is not on a {self._code} boundary", row)
            return
        self.candles.append((line, candle))

    def __post_init__(self) -> None:
        self._code = self.timeframe.code
        self._seconds = (
            self.timeframe.seconds if self.timeframe not in (Timeframe.W1, Timeframe.MONTH1) else None
        )


def iter_data(rows: list[tuple[int, list[str]]], header_row: int) -> Iterator[tuple[int, list[str]]]:
    """(line number, row) for every data row after the header at position ``header_row``."""
    yield from rows[header_row + 1 :]
