"""``trade drift`` and ``trade record`` as a user runs them, and the paper record on the live start path:
text with KST times, one JSON document with ISO UTC times, the CSV written whole."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "Basic 7-rule (기본 7규칙)"
pytestmark = pytest.mark.slow


def _cli(
    home: Path, *args: str, stdin: str | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    env.pop("UPBIT_AUTO_TRADING_HOME", None)
    env.pop("UPBIT_AUTO_TRADING_PASSPHRASE", None)
    # the replay is compared with its backtest: the risk limits (the one rule the backtest lacks) are off
    for key in ("CAUTION", "DEFENSE", "HALT"):
        env[f"UPBIT_AUTO_TRADING__TRADING__RISK__{key}_LOSS_PCT"] = "null"
    return subprocess.run([sys.executable, "-m", "upbit_auto_trading", "--home", str(home), *args], input=stdin,
                          capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT, env=env)  # fmt: skip


def _json(home: Path, *args: str) -> dict:
    result = _cli(home, "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_drift_report_as_text_json_and_csv_and_the_record_of_a_replayed_strategy(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run = _cli(home, "trade", "run", "--strategy", SAMPLE, "--market", "KRW-BTC", "--timeframe", "1h", "--replay",
               "--from", "2021-01-01", "--to", "2021-01-20", "--slippage", "0.1")  # fmt: skip
    assert run.returncode == 0, run.stderr
    (session,) = _json(home, "trade", "status", "--all")["sessions"]
    sid = session["id"]

    # text: KST times, labelled
    text = _cli(home, "trade", "drift", sid)
    assert text.returncode == 0, text.stderr
    assert f"Drift report of {sid}" in text.stdout and "every trade paired" in text.stdout
    assert "time (KST)" in text.stdout and "KST" in text.stdout.splitlines()[2]
    pair_lines = [line for line in text.stdout.splitlines() if "  pair  " in line]
    assert pair_lines and "paired, 0 missed, 0 extra" in text.stdout

    # JSON (one document on stdout) and the CSV beside it
    target = tmp_path / "reports" / "drift.csv"
    result = _cli(home, "--json", "trade", "drift", sid[-6:], "--csv", str(target))
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert str(target) in result.stderr
    assert doc["session"] == sid and doc["identical"] is True and doc["mode"] == "replay"
    (market,) = doc["markets"]
    assert market["matched"] == len(market["pairs"]) == len(pair_lines) == doc["totals"]["pairs"] >= 1
    assert market["missed"] == [] and market["extra"] == []
    first = market["pairs"][0]
    assert first["time"].endswith("Z") and doc["generated_at"].endswith("Z")
    assert market["period"]["from"] == "2021-01-01T00:00:00Z"
    assert {"model_price", "fill_price", "slippage_krw", "slippage_bps", "quantity"} <= set(first)
    # 0.1 % slippage in the model, none at the paper exchange for the buy: better than the model
    assert float(first["slippage_bps"]) < 0 and first["side"] == "buy"

    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    pairs = [r for r in rows if r["row"] == "pair"]
    assert len(pairs) == market["matched"]
    assert [r["market"] for r in rows if r["row"] == "total"] == ["KRW-BTC", "ALL"]
    utc = datetime.fromisoformat(pairs[0]["time_utc"].replace("Z", "+00:00"))
    assert pairs[0]["time_kst"] == (utc + timedelta(hours=9)).strftime("%Y-%m-%d %H:%M:%S")
    assert pairs[0]["slippage_bps"] == first["slippage_bps"] and pairs[0]["fill_price"] == first["fill_price"]
    assert rows[-1]["pnl_difference_krw"] == doc["totals"]["pnl_difference_krw"]
    assert not [p for p in target.parent.iterdir() if p.name != "drift.csv"], "a temporary file was left"

    # a folder is not a file: one line, nothing written
    refused = _cli(home, "trade", "drift", sid, "--csv", str(target.parent))
    assert refused.returncode != 0 and len(_errors(refused)) == 1 and "folder" in _errors(refused)[0]
    assert "Traceback" not in refused.stderr

    # the record: a replay is not a paper record
    record = _cli(home, "trade", "record", SAMPLE)
    assert record.returncode == 0, record.stderr
    assert "never run on paper" in record.stdout and "1 replay(s)" in record.stdout
    assert "WARNING" in record.stdout
    doc = _json(home, "trade", "record", SAMPLE)
    assert doc["never_on_paper"] is True and doc["replay_sessions"] == 1 and doc["paper_sessions"] == 0
    assert doc["sessions"] == [] and doc["warnings"]


def test_a_live_start_shows_the_paper_record_and_a_strategy_never_on_paper_needs_acceptance(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    keys = _cli(
        home, "--profile", "production", "keys", "set", "--stdin", stdin="A" * 40 + "\n" + "B" * 40 + "\n"
    )
    assert keys.returncode == 0, keys.stderr
    live = ("--profile", "production", "trade", "run", "--strategy", SAMPLE, "--market", "KRW-BTC", "--mode",
            "live", "--confirm", "production", "--api-url", "http://127.0.0.1:9")  # fmt: skip
    refused = _cli(home, *live)
    assert refused.returncode != 0
    assert f"Paper record of {SAMPLE}" in refused.stderr and "never run on paper" in refused.stderr
    (error,) = _errors(refused)
    assert "never run on paper" in error
    assert _json(home, "--profile", "production", "trade", "status", "--all")["sessions"] == [], (
        "nothing started"
    )
    # on a development profile the profile is what is refused, as before (the record is still shown)
    dev = _cli(home, "trade", "run", "--strategy", SAMPLE, "--market", "KRW-BTC", "--mode", "live", "--confirm",
               "development")  # fmt: skip
    (error,) = _errors(dev)
    assert "production" in error and "Paper record" in dev.stderr
