"""Import a CSV file of candles into the store."""

from __future__ import annotations

import logging
from dataclasses import replace

from upbit_auto_trading.application.market_data.dto import ImportSpec
from upbit_auto_trading.application.market_data.ports import CandleFileReader, CandleStore
from upbit_auto_trading.application.ports.event_publisher import EventPublisher, NoPublisher
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.events import CandlesImported
from upbit_auto_trading.domain.market.import_report import ImportReport, RejectedRow
from upbit_auto_trading.domain.market.market_id import normalize_market
from upbit_auto_trading.domain.market.timeframe import Timeframe

log = logging.getLogger(__name__)


class ImportCandles:
    """Parse the whole file first, then write every valid row in one transaction.

    The result does not depend on row order: rows repeating a start with the same values count as duplicates,
    rows repeating a start with different values are all rejected (no order decides which one wins).
    A file that cannot be parsed as a whole raises ImportFileError before anything is written.
    """

    def __init__(
        self, reader: CandleFileReader, store: CandleStore, publisher: EventPublisher | None = None
    ) -> None:
        self._reader = reader
        self._store = store
        self._publisher = publisher or NoPublisher()

    def execute(self, spec: ImportSpec) -> ImportReport:
        market = normalize_market(spec.market)
        timeframe = Timeframe.from_code(spec.timeframe).code
        normalized = replace(spec, market=market, timeframe=timeframe, column_map=dict(spec.column_map))
        parsed = self._reader.read(normalized)
        unique, in_file_duplicates, conflicts = deduplicate(parsed.candles)
        counts = self._store.upsert(unique)
        report = ImportReport(
            market=market,
            timeframe=timeframe,
            read=parsed.read,
            inserted=counts.inserted,
            updated=counts.updated,
            duplicates=in_file_duplicates + counts.unchanged,
            rejected=tuple(sorted(list(parsed.rejected) + conflicts, key=lambda r: r.line)),
        )
        log.info("imported %s as %s %s: %s", spec.path, market, timeframe, report.as_dict())
        self._publisher.publish(
            CandlesImported(
                source="market_data",
                market=market,
                timeframe=timeframe,
                read=report.read,
                inserted=report.inserted,
                updated=report.updated,
                duplicates=report.duplicates,
                rejected=len(report.rejected),
            )
        )
        return report


def deduplicate(rows: list[tuple[int, Candle]]) -> tuple[list[Candle], int, list[RejectedRow]]:
    """Unique candles (ascending), the number of identical repeats, and rows rejected for conflicting repeats."""
    by_start: dict[int, list[tuple[int, Candle]]] = {}
    for line, candle in rows:
        by_start.setdefault(candle.start_epoch, []).append((line, candle))
    unique: list[Candle] = []
    duplicates = 0
    rejected: list[RejectedRow] = []
    for start in sorted(by_start):
        group = by_start[start]
        first = group[0][1]
        if len(group) == 1:
            unique.append(first)
        elif all(first.same_values(c) for _, c in group[1:]):
            unique.append(first)
            duplicates += len(group) - 1
        else:
            rejected.extend(
                RejectedRow(line, "conflicting rows for the same candle start") for line, _ in group
            )
    return unique, duplicates, rejected
