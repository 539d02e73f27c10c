"""First run: import the candle files shipped with the app into an empty market-data database."""

from __future__ import annotations

import logging

from upbit_auto_trading.application.market_data.dto import BundledDataset, ImportSpec
from upbit_auto_trading.application.market_data.import_candles import ImportCandles
from upbit_auto_trading.application.market_data.ports import BundledCandleCatalog, CandleStore, SeedLedger
from upbit_auto_trading.domain.market.import_report import ImportReport

log = logging.getLogger(__name__)


class SeedBundledCandles:
    """Import each bundled dataset once per database, and only into a series that holds no candle yet.

    The ledger remembers what was seeded, so a bundled series the user deleted is not imported again.
    """

    def __init__(
        self, catalog: BundledCandleCatalog, store: CandleStore, importer: ImportCandles, ledger: SeedLedger
    ) -> None:
        self._catalog = catalog
        self._store = store
        self._importer = importer
        self._ledger = ledger

    def execute(self) -> list[ImportReport]:
        reports: list[ImportReport] = []
        for dataset in self._catalog.datasets():
            key = seed_key(dataset)
            if self._ledger.is_seeded(key):
                continue
            if self._store.count(dataset.market, dataset.timeframe) == 0:
                report = self._importer.execute(
                    ImportSpec(dataset.path, dataset.market, dataset.timeframe, dataset.format)
                )
                log.info(
                    "seeded bundled candles %s %s: %s", dataset.market, dataset.timeframe, report.as_dict()
                )
                reports.append(report)
            self._ledger.mark_seeded(key)
        return reports


def seed_key(dataset: BundledDataset) -> str:
    return f"bundled:{dataset.market}:{dataset.timeframe}:{dataset.path.name}"
