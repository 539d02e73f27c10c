"""``data fetch`` over real HTTP: the CLI (subprocess) downloads from the loopback Upbit server on 127.0.0.1.

The server replays stored candles: a window of the bundled Upbit KRW-BTC hourly file (with its real gaps),
imported into a separate store, served through ``SimServerFactory(candle_reader=store)`` as ``sim-server``
does. The download spans several 200-candle pages.
"""

from __future__ import annotations

import gzip
import math
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from upbit_auto_trading.application.market_data.dto import ImportSpec
from upbit_auto_trading.application.market_data.import_candles import ImportCandles
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.infrastructure.market_data.candle_store import SqliteCandleStore
from upbit_auto_trading.infrastructure.market_data.importers.reader import CsvCandleFileReader
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession
from upbit_auto_trading.infrastructure.upbit_sim.factory import SimServerFactory

REPO_ROOT = Path(__file__).resolve().parents[2]
UPBIT_FILE = (
    REPO_ROOT / "upbit_auto_trading" / "resources" / "candles" / "upbit_krw-btc_1h_2017-09_2023-05.csv.gz"
)
LONG_VOLUME = "0.12345678901234567890123"  # more digits than a float holds: must arrive digit for digit
MARGIN = 40  # candles served outside the requested range, on both sides


def _served_candles(tmp_path: Path) -> tuple[DatabaseSession, list[Candle]]:
    """Store KRW-BTC 1h from 2017-10-04 to 2017-11-03 KST (about 700 candles, gaps included) for the server."""
    lines = gzip.decompress(UPBIT_FILE.read_bytes()).decode("utf-8").splitlines()
    window = [line for line in lines[1:] if "2017-10-04T00:00:00" <= line[:19] < "2017-11-03T00:00:00"]
    source = tmp_path / "window.csv"
    source.write_text("\n".join([lines[0], *window]) + "\n", encoding="utf-8")
    directory = tmp_path / "server-db"
    directory.mkdir()
    session = DatabaseSession(
        {n: directory / f"{n}.sqlite3" for n in ("settings", "strategies", "market_data")}
    )
    session.migrate_all()
    store = SqliteCandleStore(session)
    report = ImportCandles(CsvCandleFileReader(), store).execute(ImportSpec(source, "KRW-BTC", "1h", "upbit"))
    assert report.inserted == len(window) and report.rejected_count == 0
    candles = store.load_candles("KRW-BTC", "1h")
    tweaked = replace(candles[MARGIN + 250], volume=Decimal(LONG_VOLUME))
    store.upsert([tweaked])
    return session, store.load_candles("KRW-BTC", "1h")


def _stored(home: Path) -> list[Candle]:
    container = build_container(home=home)
    session = container.core.database_session()
    try:
        return container.market_data.candle_store().load_candles("KRW-BTC", "1h")
    finally:
        session.close_all()


def _iso(candle: Candle) -> str:
    return candle.start.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def served(tmp_path):
    session, candles = _served_candles(tmp_path)
    server = SimServerFactory(candle_reader=SqliteCandleStore(session))(
        port=0, markets=["KRW-BTC"], timeframe="1h", limit=None
    )
    try:
        yield server, candles
    finally:
        server.stop()
        session.close_all()


def test_fetch_over_http_pages_resumes_and_fails_cleanly(cli_unseeded, app_home, served):
    server, served_candles = served
    wanted = served_candles[MARGIN:-MARGIN]
    assert len(wanted) > 3 * 200 - 100 and any(
        b.start_epoch - a.start_epoch > 3600 for a, b in zip(wanted, wanted[1:], strict=False)
    )  # several pages, and real gaps inside the range
    fetch = ("data", "fetch", "--market", "KRW-BTC", "--timeframe", "1h")
    span = ("--from", _iso(wanted[0]), "--to", _iso(wanted[-1]))

    server.start()
    url = server.base_url
    assert url.startswith("http://127.0.0.1:")
    before = server.stats.requests
    report = cli_unseeded.json(*fetch, *span, "--api-url", url)
    pages = server.stats.requests - before
    assert report == {
        "market": "KRW-BTC",
        "timeframe": "1h",
        "from": _iso(wanted[0]),
        "to": _iso(wanted[-1]),
        "pages": pages,
        "fetched": len(wanted),
        "inserted": len(wanted),
        "updated": 0,
        "duplicates": 0,
        "status": "complete",
        "resumed": False,
    }
    assert pages >= math.ceil(len(wanted) / 200) >= 3  # one request per page, across 200-candle boundaries
    stored = _stored(app_home)
    assert stored == wanted  # every candle once, nothing from outside the range, values numerically equal
    assert [str(c.volume) for c in stored if c.start == served_candles[MARGIN + 250].start] == [LONG_VOLUME]

    again = cli_unseeded.json(*fetch, *span, "--api-url", url)  # the same range again: nothing changes
    assert (again["inserted"], again["updated"], again["duplicates"]) == (0, 0, len(wanted))
    update = cli_unseeded.json(*fetch, "--to", _iso(wanted[-1]), "--api-url", url)  # from the newest stored
    assert (update["inserted"], update["updated"], update["pages"]) == (0, 0, 1)
    assert _stored(app_home) == wanted

    server.stop()  # nothing listens on that port any more
    earlier = ("--from", _iso(served_candles[0]), "--to", _iso(served_candles[-1]))
    result = cli_unseeded.run("--json", *fetch, *earlier, "--api-url", url)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("error: ") and "Cannot reach the exchange" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert _stored(app_home) == wanted
