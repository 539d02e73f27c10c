"""The candle files shipped inside the package (``upbit_auto_trading/resources/candles``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from upbit_auto_trading.application.market_data.dto import BundledDataset

_PACKAGE = "upbit_auto_trading.resources.candles"

BUNDLED: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "KRW-BTC",
        "1h",
        "upbit",
        "upbit_krw-btc_1h_2017-09_2023-05.csv.gz",
        "Upbit KRW-BTC 1h 2017-09..2023-05",
    ),
    (
        "USD-BTC",
        "1h",
        "cdd",
        "bitstamp_btc-usd_1h_2018-05_2022-03.csv.gz",
        "Bitstamp BTC/USD 1h 2018-05..2022-03",
    ),
)


class PackagedCandleCatalog:
    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory

    def directory(self) -> Path:
        if self._directory is not None:
            return self._directory
        return Path(str(resources.files(_PACKAGE)))

    def datasets(self) -> list[BundledDataset]:
        base = self.directory()
        return [
            BundledDataset(market, tf, fmt, base / name, title)
            for market, tf, fmt, name, title in BUNDLED
            if (base / name).is_file()
        ]
