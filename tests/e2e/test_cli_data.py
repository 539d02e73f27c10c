"""``upbit-auto-trading data ...`` as a script would run it (subprocess, temporary home)."""

from __future__ import annotations

import json

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
