"""Issue 16: ``sim-server`` refuses bad options with one line and a non-zero exit, before it serves anything.

``--krw -5`` / ``NaN``, ``--speed -1``, an out-of-range ``--start-at`` and a market without stored candles all
used to start a server (the last one on a random walk presented as the market)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# nothing here needs the bundled candles: a home without them (faster) also shows the "no stored candles" refusal
_ENV = {**os.environ, "UPBIT_AUTO_TRADING__MARKET_DATA__SEED_BUNDLED": "false", "PYTHONIOENCODING": "utf-8"}


def sim_server(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """A refused start returns at once; one that serves would hang here until the timeout (a failure)."""
    return subprocess.run(
        [sys.executable, "-m", "upbit_auto_trading", "--home", str(home), "sim-server", "--port", "0", *args],
        capture_output=True, text=True, timeout=30, cwd=REPO_ROOT, env=_ENV,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--synthetic", "--krw", "-5"), "--krw takes an amount from 0 to 1,000,000,000,000,000; got '-5'"),
        (("--synthetic", "--krw", "NaN"), "--krw takes an amount from 0 to 1,000,000,000,000,000; got 'NaN'"),
        (("--synthetic", "--krw", "Infinity"), "--krw takes an amount from 0 to 1,000,000,000,000,000"),
        (("--synthetic", "--speed", "-1"), "--speed takes seconds per candle from 0 (frozen) to 86,400; got '-1'"),
        (("--synthetic", "--speed", "nan"), "--speed takes seconds per candle from 0 (frozen) to 86,400"),
        (("--synthetic", "--start-at", "0"), "--start-at takes a number of candles from 1 to 5,000"),
        (("--synthetic", "--start-at", "-5"), "--start-at takes a number of candles from 1 to 5,000"),
        (("--synthetic", "--start-at", "1000000000"), "--start-at takes a number of candles from 1 to 5,000"),
        (("--synthetic", "--start-at", "1900-01-01"), "--start-at takes a number of candles from 1 to 5,000 (not a date)"),
        (("--synthetic", "--start-at", "3000-01-01T00:00"), "(not a date); got '3000-01-01T00:00'"),
        (("--synthetic", "--market", "BTC"), "--market: Invalid market 'BTC': use QUOTE-BASE such as KRW-BTC"),
        (("--synthetic", "--timeframe", "7x"), "--timeframe: Unknown timeframe '7x'"),
        (("--market", "KRW-NOPE"), "--market KRW-NOPE: no 1h candles stored (stored 1h markets: none)"),
    ],
)  # fmt: skip
def test_bad_options_are_refused_with_one_line_before_serving(
    tmp_path: Path, args: tuple[str, ...], message: str
):
    refused = sim_server(tmp_path, *args)
    assert refused.returncode == 2 and refused.stdout == "", refused
    assert refused.stderr.count("\n") == 1 and refused.stderr.startswith("error: "), refused.stderr
    assert message in refused.stderr, refused.stderr


def test_checked_options_serve_the_stored_market_from_the_requested_candle(tmp_path: Path):
    """The refusals do not cost the good path: normalised market, a start count, a slow clock, a balance."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "upbit_auto_trading", "--home", str(tmp_path), "--json", "sim-server", "--port", "0",
         "--synthetic", "--market", "krw-eth", "--start-at", "100", "--speed", "86400", "--krw", "1,000,000"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT, env=_ENV,
    )  # fmt: skip
    try:
        info = json.loads(proc.stdout.readline())
        assert info["markets"] == ["KRW-ETH"]
        candles = httpx.get(info["rest"] + "/v1/candles/minutes/60", params={"market": "KRW-ETH", "count": 200},
                            timeout=5).json()  # fmt: skip
        assert len(candles) == 100  # --start-at 100: one hundred candles visible at start
    finally:
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(timeout=15)
    assert rc == 0, proc.stderr.read()
