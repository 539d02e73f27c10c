"""The bundled candle files cut short, for tests of the seeding path that need it to take milliseconds.

Same names, formats and newest candles as the packaged files (the first lines of each file are its newest
candles), so the real importer and seed ledger run; only fewer rows.
"""

from __future__ import annotations

import gzip
from itertools import islice
from pathlib import Path

from upbit_auto_trading.infrastructure.market_data.bundled import BUNDLED, PackagedCandleCatalog


def small_bundle(folder: Path, rows: int = 300) -> PackagedCandleCatalog:
    """A catalogue of the bundled datasets holding the newest ``rows`` candles of each (header kept)."""
    source = PackagedCandleCatalog().directory()
    folder.mkdir(parents=True, exist_ok=True)
    for _market, _timeframe, _format, name, _title in BUNDLED:
        with gzip.open(source / name, "rt", encoding="utf-8") as full:
            head = list(islice(full, rows + 1))
        with gzip.open(folder / name, "wt", encoding="utf-8") as cut:
            cut.writelines(head)
    return PackagedCandleCatalog(folder)


def bundled_series() -> set[tuple[str, str]]:
    """(market, timeframe) of every bundled dataset."""
    return {(market, timeframe) for market, timeframe, *_rest in BUNDLED}
