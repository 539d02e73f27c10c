"""Real SQLite stores on temporary directories for the market-data integration tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from upbit_auto_trading.application.market_data.import_candles import ImportCandles
from upbit_auto_trading.infrastructure.market_data.candle_store import SqliteCandleStore
from upbit_auto_trading.infrastructure.market_data.importers.reader import CsvCandleFileReader
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession

RESOURCES = Path(__file__).resolve().parents[3] / "upbit_auto_trading" / "resources" / "candles"
UPBIT_FILE = RESOURCES / "upbit_krw-btc_1h_2017-09_2023-05.csv.gz"
BITSTAMP_FILE = RESOURCES / "bitstamp_btc-usd_1h_2018-05_2022-03.csv.gz"


def open_session(directory: Path) -> DatabaseSession:
    session = DatabaseSession(
        {n: directory / f"{n}.sqlite3" for n in ("settings", "strategies", "market_data")}
    )
    session.migrate_all()
    return session


@pytest.fixture
def session(tmp_path):
    s = open_session(tmp_path)
    yield s
    s.close_all()


@pytest.fixture
def candle_store(session) -> SqliteCandleStore:
    return SqliteCandleStore(session)


@pytest.fixture
def importer(candle_store) -> ImportCandles:
    return ImportCandles(CsvCandleFileReader(), candle_store)


@pytest.fixture(scope="module")
def bundled_store(tmp_path_factory):
    """One store holding both shipped files, imported once per module (each import takes about a second)."""
    from upbit_auto_trading.application.market_data.dto import ImportSpec

    s = open_session(tmp_path_factory.mktemp("bundled"))
    store = SqliteCandleStore(s)
    importer = ImportCandles(CsvCandleFileReader(), store)
    reports = {
        "upbit": importer.execute(ImportSpec(UPBIT_FILE, "KRW-BTC", "1h", "upbit")),
        "cdd": importer.execute(ImportSpec(BITSTAMP_FILE, "USD-BTC", "1h", "cdd")),
    }
    yield store, importer, reports
    s.close_all()
