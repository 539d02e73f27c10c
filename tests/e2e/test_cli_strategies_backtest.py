"""``strategies`` and ``backtest`` commands as a script runs them (subprocess, one temporary home per module:
the development profile seeds the bundled candles and the sample strategy on first start)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_process import run_cli as cli  # tests/support, on sys.path by tests/e2e/conftest.py

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "Basic 7-rule (기본 7규칙)"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture(scope="module")
def home(seeded_home) -> Path:  # noqa: ANN001
    return seeded_home("cli_strategies")




def test_sample_is_seeded_and_quick_form_and_file_round_trip(home: Path, tmp_path: Path):
    listed = json.loads(cli(home, "--json", "strategies", "list").stdout)
    assert [s["name"] for s in listed] == [SAMPLE]
    assert listed[0]["rules"] == ["exit_triggers", "trailing_stop", "stop_take_profit", "scale_in", "pyramid"]

    quick = json.loads(cli(
        home, "strategies", "add", "Quick RSI", "--entry", "RSI(14) below 20", "--entry",
        "Crash: close 3% below previous close", "--exit", "Surge: close 5% above previous close",
        "--stop-loss", "3", "--take-profit", "6", "--trailing-stop", "5:3", "--size-pct", "50", "--json",
    ).stdout)  # fmt: skip
    assert quick["entry"] == "(RSI(14) below 20 AND Crash: close 3% below previous close)"
    assert quick["rules"] == ["exit_triggers", "trailing_stop", "stop_take_profit"]

    exported = json.loads(cli(home, "strategies", "export", "Quick RSI", "--json").stdout)
    assert exported["schema_version"] == 1 and exported["sizing"] == {"mode": "cash_percent", "value": 50}
    exported["name"] = "From file"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    added = json.loads(cli(home, "--json", "strategies", "add", "--file", str(path)).stdout)
    assert added["name"] == "From file" and added["content_hash"] == quick["content_hash"]

    bad = cli(home, "strategies", "add", "Broken", "--entry", "No such trigger", check=False)
    assert bad.returncode == 1 and "No such trigger" in bad.stderr and bad.stderr.count("\n") == 1


def test_backtest_run_json_then_list_rerun_show_delete(home: Path):
    run = cli(home, "backtest", "run", "--strategy", SAMPLE, "--market", "KRW-BTC", "--timeframe", "1h",
              "--from", "2022-01-01", "--to", "2022-12-31", "--fee", "0.05", "--json")  # fmt: skip
    doc = json.loads(run.stdout)  # exactly one JSON document on stdout
    assert doc["settings"]["fee_rate"] == "0.0005"  # --fee is in percent: 0.05 = 0.05 %, Upbit's KRW fee
    assert doc["warnings"] == []
    assert "backtest:" in run.stderr and "backtest:" not in run.stdout
    m = doc["metrics"]
    for key in ("total_return", "cagr", "sharpe", "sortino", "calmar", "max_drawdown", "win_rate",
                "profit_factor", "trades", "exposure", "fees", "buy_and_hold_return"):  # fmt: skip
        assert key in m
    assert -1 < m["total_return"] < 5 and -1 <= m["max_drawdown"] <= 0 and 0 <= m["exposure"] <= 1
    assert float(doc["final_equity"]) == pytest.approx(10_000_000 * (1 + m["total_return"]), rel=1e-9)
    assert m["trades"] == len([t for t in doc["trades"] if t["exit_time"]]) > 0
    for t in doc["trades"]:
        assert {
            "entry_time",
            "entry_price",
            "exit_time",
            "exit_price",
            "quantity",
            "fee",
            "exit_reason",
        } <= set(t)
        assert ISO.match(t["entry_time"]) and t["entry_time"] >= "2022-01-01"
    assert doc["data_start"] == "2022-01-01T00:00:00Z" and doc["data_end"] == "2022-12-31T23:00:00Z"

    runs = json.loads(cli(home, "--json", "backtest", "list").stdout)
    assert [r["run_id"] for r in runs] == [doc["run_id"]] and runs[0]["trades"] == m["trades"]

    rerun = json.loads(cli(home, "--json", "backtest", "rerun", str(doc["run_id"])).stdout)
    assert rerun["identical"] and rerun["final_equity"] == doc["final_equity"]

    shown = cli(home, "backtest", "show", str(doc["run_id"])).stdout
    assert SAMPLE in shown and "max_drawdown" in shown

    gone = cli(home, "--yes", "--json", "backtest", "delete", str(doc["run_id"]))
    assert json.loads(gone.stdout) == {"deleted": doc["run_id"]}
    missing = cli(home, "backtest", "show", str(doc["run_id"]), check=False)
    assert missing.returncode == 1 and "No stored backtest run" in missing.stderr


RUN_2022 = ("backtest", "run", "--strategy", SAMPLE, "--market", "KRW-BTC", "--timeframe", "1h",
            "--from", "2022-01-01", "--to", "2022-12-31", "--no-store")  # fmt: skip


def test_fee_and_slippage_are_percent_and_an_implausible_value_needs_yes(home: Path):
    """Issue 13: ``--fee 0.05`` is 0.05 % (as the GUI and Upbit write it), not 5 % per fill; a value above
    1 % (most likely a unit mistake) is refused with one line unless confirmed with --yes."""
    helped = cli(home, "backtest", "run", "--help").stdout
    assert "--fee PERCENT" in helped and "--slippage PERCENT" in helped and "0.05 = 0.05 %" in helped

    doc = json.loads(cli(home, *RUN_2022, "--fee", "0.05", "--slippage", "0.02", "--json").stdout)
    assert doc["settings"]["fee_rate"] == "0.0005" and doc["settings"]["slippage_rate"] == "0.0002"
    marked = json.loads(cli(home, *RUN_2022, "--fee", "0.05%", "--json").stdout)
    assert marked["settings"]["fee_rate"] == "0.0005"
    default = json.loads(cli(home, *RUN_2022, "--json").stdout)
    assert default["settings"]["fee_rate"] == "0.0005" and default["settings"]["slippage_rate"] == "0"

    for option in ("--fee", "--slippage"):
        refused = cli(home, *RUN_2022, option, "5", "--json", check=False)
        assert refused.returncode == 2 and refused.stdout == ""
        assert refused.stderr.count("\n") == 1, refused.stderr  # one line, no progress: nothing was run
        assert f"{option} 5 %" in refused.stderr and "percent" in refused.stderr and "--yes" in refused.stderr
    confirmed = json.loads(cli(home, *RUN_2022, "--fee", "5", "--yes", "--json").stdout)
    assert confirmed["settings"]["fee_rate"] == "0.05"

    negative = cli(home, *RUN_2022, "--fee", "-0.1", check=False)
    assert negative.returncode == 2 and "--fee" in negative.stderr and negative.stderr.count("\n") == 1


def test_refused_orders_are_reported_not_a_clean_zero_trades(home: Path):
    """Issue 13: capital under Upbit's 5,000 KRW minimum order: every order is refused. The JSON has a
    ``warnings`` list (count and reason), the text a WARNING line."""
    doc = json.loads(cli(home, *RUN_2022, "--capital", "4000", "--json").stdout)
    refused = doc["metrics"]["refused_orders"]
    assert doc["metrics"]["trades"] == 0 and refused > 0
    [warning] = doc["warnings"]
    assert warning["code"] == "orders_refused" and warning["count"] == refused
    assert warning["reason"] == "capital_below_minimum"
    assert "4,000 KRW" in warning["message"] and "5,000 KRW" in warning["message"]

    text = cli(home, *RUN_2022, "--capital", "4000").stdout
    line = next(x for x in text.splitlines() if x.startswith("WARNING:"))
    assert f"{refused:,} orders refused" in line and "starting capital (4,000 KRW)" in line, text


@pytest.mark.parametrize("capital", ["1e400", "NaN", "Infinity", "-5", "0", "1e16", "ten"])
def test_capital_outside_the_engines_range_is_refused_with_one_line(home: Path, capital: str):
    """Issue 16: ``--capital 1e400`` ran to the end and failed with "unexpected error: InvalidOperation"; NaN
    and 0 were refused without the range. Now one line naming the option and the range, before anything runs."""
    refused = cli(home, *RUN_2022, "--capital", capital, "--json", check=False)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr == (
        f"error: --capital takes an amount above 0 and at most 1,000,000,000,000,000; got '{capital}'\n"
    )


def test_capital_range_is_in_the_help_and_its_top_still_runs(home: Path):
    assert "at most 1,000,000,000,000,000" in " ".join(cli(home, "backtest", "run", "--help").stdout.split())
    doc = json.loads(cli(home, *RUN_2022, "--capital", "1,000,000,000,000,000", "--json").stdout)
    assert doc["settings"]["initial_capital"] == "1000000000000000" and doc["metrics"]["trades"] > 0


def test_a_backtest_period_starting_after_its_end_is_refused(home: Path):
    refused = cli(home, "backtest", "run", "--strategy", SAMPLE, "--market", "KRW-BTC", "--timeframe", "1h",
                  "--from", "2022-12-31", "--to", "2022-01-01", "--no-store", check=False)  # fmt: skip
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
    assert "--from 2022-12-31 is after --to 2022-01-01" in refused.stderr and "stored" not in refused.stderr


ABSURD_COUNTS = [
    ({"cooldown_candles": 10**30}, "cooldown_candles: must be a whole number from 0 to 100,000 (got 1"),
    ({"cooldown_candles": True}, "cooldown_candles: must be a whole number from 0 to 100,000 (got true)"),
    ({"schema_version": True}, "schema_version true: it must be the whole number 1"),
    ({"management": [{"type": "time_exit", "candles": 10**30}]},
     "management[0].candles: must be a whole number from 1 to 100,000"),
    ({"management": [{"type": "pyramid", "drop_pct": 5, "max_times": True}]},
     "management[0].max_times: must be a whole number from 1 to 20 (got true)"),
]  # fmt: skip


def test_strategy_files_with_absurd_or_boolean_counts_are_refused_and_not_saved(home: Path, tmp_path: Path):
    """Issue 16: a cooldown of 10^30 candles or ``"schema_version": true`` was saved. Both file paths
    (``strategies import`` and ``strategies add --file``) refuse each case with one line; nothing is stored.
    (One test over the cases: every CLI start costs seconds; the unit tests cover more values.)"""
    listed = json.loads(cli(home, "--json", "strategies", "list").stdout)
    for n, (change, message) in enumerate(ABSURD_COUNTS):
        doc = {
            "schema_version": 1, "name": "Absurd counts", "entry": {"groups": [{"triggers": ["RSI(14) below 20"]}]},
            "management": [], "sizing": {"mode": "cash_percent", "value": 20},
        } | change  # fmt: skip
        path = tmp_path / f"absurd-{n}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        for command in (("strategies", "import", str(path)), ("strategies", "add", "--file", str(path))):
            refused = cli(home, *command, check=False)
            assert refused.returncode == 1 and refused.stdout == "", (change, refused)
            assert refused.stderr.count("\n") == 1 and message in refused.stderr, (change, refused.stderr)
    assert json.loads(cli(home, "--json", "strategies", "list").stdout) == listed
