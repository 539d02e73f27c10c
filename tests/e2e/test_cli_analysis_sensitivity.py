"""``analysis sensitivity RUN`` as a script runs it (subprocess, one temporary home): a run on the bundled
KRW-BTC hours with tight stop and take-profit levels, read both ways; then 15-minute candles of the same
hours are imported (each hour traced open, high, low, close when it fell, open, low, high, close when it
rose: their hours are the bundled hours exactly) and the path replay sides with each hour's own path."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from cli_process import run_cli as cli  # tests/support, on sys.path by tests/e2e/conftest.py

REPO_ROOT = Path(__file__).resolve().parents[2]
BUNDLED = (
    REPO_ROOT / "upbit_auto_trading" / "resources" / "candles" / "upbit_krw-btc_1h_2017-09_2023-05.csv.gz"
)
HEADER = ["candle_date_time_kst", "opening_price", "high_price", "low_price", "trade_price",
          "candle_acc_trade_price", "candle_acc_trade_volume"]  # fmt: skip


@pytest.fixture(scope="module")
def home(seeded_home) -> Path:  # noqa: ANN001
    return seeded_home("cli_sensitivity")




def quarter_hours(path: Path) -> int:
    """The bundled hours of January 2022 (UTC) as 15-minute candles in Upbit's CSV layout; returns the hours."""
    first, last = datetime(2022, 1, 1, 9), datetime(2022, 2, 1, 8)  # KST
    with gzip.open(BUNDLED, "rt", encoding="utf-8") as f:
        rows = [
            r for r in csv.DictReader(f) if first <= datetime.fromisoformat(r["candle_date_time_kst"]) <= last
        ]
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(HEADER)
        for r in rows:
            o, h, lo, c = (Decimal(r[k]) for k in HEADER[1:5])
            x1, x2 = (h, lo) if c < o else (lo, h)  # a falling hour went up first
            points = [o, x1, x2, c, c]
            start = datetime.fromisoformat(r["candle_date_time_kst"])
            for k in range(4):
                a, b = points[k], points[k + 1]
                w.writerow([(start + timedelta(minutes=15 * k)).isoformat(), a, max(a, b), min(a, b), b,
                            Decimal(r[HEADER[5]]) / 4, Decimal(r[HEADER[6]]) / 4])  # fmt: skip
    return len(rows)


def test_sensitivity_of_a_stored_run_before_and_after_finer_candles(home: Path, tmp_path: Path) -> None:
    cli(home, "triggers", "add", "RSI(14) below 45", "--variable", "RSI", "--param", "period=14",
        "--operator", "lt", "--value", "45")  # fmt: skip
    cli(home, "strategies", "add", "Tight", "--entry", "RSI(14) below 45", "--stop-loss", "0.4",
        "--take-profit", "0.4")  # fmt: skip
    run = json.loads(cli(home, "backtest", "run", "--strategy", "Tight", "--market", "KRW-BTC", "--timeframe",
                         "1h", "--from", "2022-01-01", "--to", "2022-01-31", "--json").stdout)  # fmt: skip
    run_id = str(run["run_id"])

    before = cli(home, "analysis", "sensitivity", run_id, "--json")
    doc = json.loads(before.stdout)  # exactly one JSON document on stdout; stages on stderr
    assert "sensitivity: take-profit first" in before.stderr
    assert doc["reproduces_stored"] is True and doc["candle_count"] == 744
    stop, tp = doc["outcomes"]
    assert (stop["variant"], tp["variant"]) == ("stop_first", "take_profit_first")
    assert stop["final_equity"] == run["final_equity"]
    assert doc["ambiguous_candles"] == stop["ambiguous_candles"] > 5
    assert tp["total_return"] > stop["total_return"]
    assert doc["depends_on_optimism"] is True and doc["warning"]
    assert doc["replay"] is None and doc["notes"][0].startswith("No path replay: no finer candles of KRW-BTC")

    csv_path = tmp_path / "krw-btc_15m.csv"
    hours = quarter_hours(csv_path)
    assert hours == 744
    imported = json.loads(cli(home, "data", "import", str(csv_path), "--market", "KRW-BTC", "--timeframe",
                              "15m", "--tz", "KST", "--json").stdout)  # fmt: skip
    assert imported["inserted"] == 4 * hours

    after = json.loads(cli(home, "analysis", "sensitivity", run_id, "--json").stdout)
    stop, tp, replay = after["outcomes"]
    assert replay["variant"] == "path_replay" and replay["label"] == "15m path replay"
    assert after["replay"] == {"timeframe": "15m", "candles": 744, "covered": 744, "without_finer": 0,
                               "mismatched": 0}  # fmt: skip
    # the hours that held both levels went their own way: the replay differs from both readings
    assert stop["total_return"] < replay["total_return"] < tp["total_return"]
    assert replay["ambiguous_candles"] == 0 and replay["trades"] == stop["trades"]
    assert after["spread"]["total_return"] == pytest.approx(tp["total_return"] - stop["total_return"])

    assert after["warning"].startswith("Assuming the take-profit came first adds")  # both readings lose
    text = cli(home, "analysis", "sensitivity", run_id, "--threshold", "50").stdout
    assert "15m path replay" in text and "Take-profit first" in text and "spread" in text
    words = " ".join(text.split())
    assert "WARNING" not in text and "the warning threshold is 50 %" in words
    assert "The 15m path replay returns" in words

    missing = cli(home, "analysis", "sensitivity", "999", check=False)
    assert missing.returncode != 0 and "No stored backtest run 999" in missing.stderr
