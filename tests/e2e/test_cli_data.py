"""``upbit-auto-trading data ...`` as a script would run it (subprocess, temporary home)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

UPBIT_CSV = (
    "candle_date_time_kst,opening_price,high_price,low_price,trade_price,candle_acc_trade_price,candle_acc_trade_volume\n"
    "2024-01-01T10:00:00,100,110,90,105,1.08608E+11,3.00E-05\n"
    "2024-01-01T09:00:00,100,110,90,100,1000,10\n"
    "2024-01-01T08:00:00,100,90,110,100,1000,10\n"
)


def test_data_commands_end_to_end(cli, tmp_path):
    listed = cli.json("data", "list")
    assert listed == [
        {
            "market": "KRW-BTC",
            "timeframe": "1h",
            "first": "2017-09-25T03:00:00Z",
            "last": "2023-04-30T23:00:00Z",
            "count": 48971,
        },
        {
            "market": "USD-BTC",
            "timeframe": "1h",
            "first": "2018-05-15T06:00:00Z",
            "last": "2022-03-01T00:00:00Z",
            "count": 33259,
        },
    ]

    gaps = cli.json("data", "gaps", "--market", "KRW-BTC", "--timeframe", "60m")
    assert (gaps["gaps"], gaps["missing"]) == (46, 82)

    source = tmp_path / "eth.csv"
    source.write_text(UPBIT_CSV)
    args = ("data", "import", str(source), "--market", "KRW-ETH", "--timeframe", "1h", "--format", "upbit")
    first = cli.run(*args, "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {
        "read": 3,
        "inserted": 2,
        "updated": 0,
        "duplicates": 0,
        "rejected": 1,
    }
    assert "high < low" in first.stderr
    # --verbose: the same five keys plus every rejected row (the default document above has only the five)
    assert cli.json(*args, "--verbose") == {
        "read": 3,
        "inserted": 0,
        "updated": 0,
        "duplicates": 2,
        "rejected": 1,
        "rejections": [{"line": 4, "reason": "high < low"}],
    }

    resampled = cli.json("data", "resample", "--market", "KRW-ETH", "--source", "1h", "--target", "1d")
    assert (resampled["read"], resampled["written"]) == (2, 1)

    refused = cli.run("data", "delete", "--market", "KRW-ETH", "--timeframe", "1h", input_text="")
    assert refused.returncode == 1 and "--yes" in refused.stderr
    deleted = cli.json("data", "delete", "--market", "KRW-ETH", "--timeframe", "1h", "--yes")
    assert deleted == {"market": "KRW-ETH", "timeframe": "1h", "deleted": 2}
    series = {(s["market"], s["timeframe"]) for s in cli.json("data", "list")}
    assert series == {("KRW-BTC", "1h"), ("USD-BTC", "1h"), ("KRW-ETH", "1d")}

    # the same home (already seeded) for the failure cases: each is one line on stderr, exit 1
    bad = tmp_path / "bad.csv"
    bad.write_text("time,price\n1,2\n")
    result = cli.run("data", "import", str(bad), "--market", "KRW-BTC", "--timeframe", "1h", "--json")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("error: ") and "missing column" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

    result = cli.run(
        "--json",
        "data",
        "fetch",
        "--market",
        "KRW-BTC",
        "--timeframe",
        "1h",
        "--from",
        "2024-01-01",
        "--to",
        "2024-01-02",
        "--api-url",
        "http://127.0.0.1:9",
    )
    assert result.returncode == 1 and result.stdout == ""
    assert "Cannot reach the exchange" in result.stderr and "Traceback" not in result.stderr


def _every_row(home: Path) -> dict[str, list[str]]:
    """Every row of every table of every database of the home, read through read-only connections."""
    rows: dict[str, list[str]] = {}
    for path in sorted(home.glob("data/*/*.sqlite3")):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                rows[f"{path.name}:{table}"] = sorted(
                    repr(r) for r in conn.execute(f'SELECT * FROM "{table}"')
                )
        finally:
            conn.close()
    return rows


def _stored(home: Path, market: str) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(f"file:{home / 'data' / 'development' / 'market_data.sqlite3'}?mode=ro", uri=True)
    try:
        query = "SELECT open, close, volume FROM candles WHERE market = ? ORDER BY start_utc"
        return [tuple(r) for r in conn.execute(query, (market,))]
    finally:
        conn.close()


def test_a_refused_delete_changes_no_database(cli_unseeded, tmp_path):
    source = tmp_path / "eth.csv"
    source.write_text(UPBIT_CSV)
    cli_unseeded.json("data", "import", str(source), "--market", "KRW-ETH", "--timeframe", "1h")
    before = _every_row(cli_unseeded.home)
    assert before  # the databases exist and hold the imported series

    result = cli_unseeded.run("data", "delete", "--market", "KRW-XRP", "--timeframe", "1h", "--yes")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == ["error: No 1h candles are stored for KRW-XRP"]
    result = cli_unseeded.run("data", "delete", "--market", "KRW-ETH", "--timeframe", "1d", "--yes")
    assert result.returncode == 1 and "No 1d candles" in result.stderr
    result = cli_unseeded.run("data", "delete", "--market", "KRW-ETH", "--timeframe", "1h", input_text="")
    assert result.returncode == 1 and "--yes" in result.stderr
    assert _every_row(cli_unseeded.home) == before


COMPACT_CDD = (
    "https://www.CryptoDataDownload.com\n"
    "unix,date,symbol,open,high,low,close,Volume BTC,Volume USD\n"
    "1571302800,2019-10-17 09:00:00,BTCUSD,8000,8100,7900,8050,10.5,84000\n"
    "1571299200,2019-10-17 08:00:00,BTCUSD,7990,8010,7980,8000,1,8000\n"
)
OLD_UPBIT = (
    "code,candleDateTime,candleDateTimeKst,openingPrice,highPrice,lowPrice,tradePrice,candleAccTradeVolume,"
    "candleAccTradePrice,timestamp,unit\n"
    "CRIX.UPBIT.KRW-BTC,2018-01-01T00:00:00+00:00,2018-01-01T09:00:00+09:00,100,110,90,105,2.5,262.5,"
    "1514771999000,60\n"
)


def test_import_detects_the_format_and_refuses_what_it_would_misread(cli_unseeded, tmp_path):
    cli = cli_unseeded
    compact = tmp_path / "Bitstamp_BTCUSD_1h.csv"
    compact.write_text(COMPACT_CDD)
    imported = cli.json("data", "import", str(compact), "--market", "USD-BTC", "--timeframe", "1h")
    assert (imported["inserted"], imported["rejected"]) == (2, 0)
    old = tmp_path / "old_upbit.csv"
    old.write_text(OLD_UPBIT)
    imported = cli.json("data", "import", str(old), "--market", "KRW-BTC", "--timeframe", "1h")
    assert (imported["inserted"], imported["rejected"]) == (1, 0)
    before = _every_row(cli.home)

    # the file's symbol names another market: one line naming both, nothing stored
    result = cli.run("data", "import", str(compact), "--market", "KRW-BTC", "--timeframe", "1h", "--json")
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "USD-BTC" in line and "KRW-BTC" in line

    # decimal commas: refused with the options to use, then read right once the separators are named
    european = tmp_path / "eu.csv"
    european.write_text('timestamp,open,high,low,close,volume\n1704067200,"1,5","1,7","1,2","1,6","2,25"\n')
    args = ("data", "import", str(european), "--market", "KRW-XRP", "--timeframe", "1h")
    result = cli.run(*args)
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert "'1,5'" in line and "--decimal , --thousands none" in line
    assert _every_row(cli.home) == before
    assert cli.json(*args, "--decimal", ",", "--thousands", ".")["inserted"] == 1
    assert _stored(cli.home, "KRW-XRP") == [("1.5", "1.6", "2.25")]

    # numbers a float cannot hold: the rows are rejected as unparsable, the rest is imported
    huge = tmp_path / "huge.csv"
    huge.write_text(
        "timestamp,open,high,low,close,volume\n1704067200,1e400,1e400,1,1,1\n"
        "1704070800,1,1,1,1,1e-400\n1704074400,2,2,2,2,2\n"
    )
    result = cli.run("data", "import", str(huge), "--market", "KRW-DOGE", "--timeframe", "1h", "--json", "-v")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rejections"] == [
        {"line": 2, "reason": "unparsable"},
        {"line": 3, "reason": "unparsable"},
    ]
    assert _stored(cli.home, "KRW-DOGE") == [("2", "2", "2")]
