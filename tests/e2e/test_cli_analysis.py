"""``analysis show``, ``analysis compare`` and ``montecarlo`` as a script runs them (subprocess, one
temporary home per module: the development profile seeds the bundled KRW-BTC candles and the sample)."""

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
def runs(seeded_home) -> tuple[Path, list[int]]:  # noqa: ANN001
    """Three stored runs: 2022 twice (two capitals) and the first half of 2021."""
    home = seeded_home("cli_analysis")
    ids = []
    for start, end, capital in (("2022-01-01", "2022-12-31", "10000000"), ("2022-01-01", "2022-12-31", "3000000"),
                                ("2021-01-01", "2021-06-30", "10000000")):  # fmt: skip
        doc = json.loads(cli(home, "--json", "backtest", "run", "--strategy", SAMPLE, "--market", "KRW-BTC",
                             "--timeframe", "1h", "--from", start, "--to", end, "--capital", capital).stdout)  # fmt: skip
        ids.append(doc["run_id"])
    return home, ids


def test_analysis_show_json(runs: tuple[Path, list[int]]) -> None:
    home, ids = runs
    doc = json.loads(cli(home, "--json", "analysis", "show", str(ids[0]), "--series").stdout)
    stored = json.loads(cli(home, "--json", "backtest", "show", str(ids[0])).stdout)
    assert doc["run_id"] == ids[0] and doc["strategy"] == SAMPLE
    assert doc["metrics"] == stored["metrics"]  # the run's own metrics, unchanged
    assert float(stored["final_equity"]) == pytest.approx(doc["final_equity"], abs=1)
    risk = doc["risk"]
    for key in ("sharpe", "sortino", "omega", "ulcer_index", "var_95", "cvar_95", "psr", "skew", "kurtosis"):
        assert risk[key] is not None, key
    assert 0 <= risk["psr"] <= 1 and risk["cvar_95"] <= risk["var_95"] <= 0
    # 2022 in UTC touches 366 KST days (the last hours are 2023-01-01 KST); 365-day annualisation.
    assert risk["days"] == len(doc["daily"]) == 366
    assert all(ISO.match(d["day"]) for d in doc["daily"])
    assert doc["daily"][0]["day"] == "2021-12-31T15:00:00Z"  # 2022-01-01 00:00 KST
    assert len(doc["rolling"]["points"]) == 366 - 89 and doc["rolling"]["window_days"] == 90
    growth = 1.0
    for m in doc["monthly"]:
        growth *= 1 + m["ret"]
    assert growth - 1 == pytest.approx(doc["metrics"]["total_return"], rel=1e-9)
    assert doc["worst_drawdowns"][0]["depth"] == pytest.approx(doc["metrics"]["max_drawdown"])
    assert ISO.match(doc["worst_drawdowns"][0]["start"])
    trades = doc["metrics"]["trades"]
    assert doc["trades"]["closed"] == trades > 0
    for part in ("by_exit_reason", "by_entry_trigger", "by_weekday", "by_hour", "by_month"):
        assert sum(b["trades"] for b in doc["breakdowns"][part]) == trades, part
    assert sum(b["count"] for b in doc["holding_histogram"]) == trades
    plain = json.loads(cli(home, "--json", "analysis", "show", str(ids[0])).stdout)
    assert "daily" not in plain and plain["risk"] == risk


def test_analysis_show_text(runs: tuple[Path, list[int]]) -> None:
    home, ids = runs
    out = cli(home, "analysis", "show", str(ids[0])).stdout
    assert f"run {ids[0]}: {SAMPLE} on KRW-BTC 1h" in out
    for part in ("daily returns (366 KST days, 365-day year)", "probabilistic Sharpe ratio", "VaR 95%",
                 "worst drawdowns", "monthly returns (KST)", "by exit reason", "by entry trigger", "by weekday",
                 "SQN", "longest streaks"):  # fmt: skip
        assert part in out, part


def test_analysis_compare_flags_the_other_period(runs: tuple[Path, list[int]]) -> None:
    home, ids = runs
    doc = json.loads(cli(home, "--json", "analysis", "compare", *map(str, ids)).stdout)
    assert doc["periods_differ"] is True and doc["distinct_periods"] == 2
    rows = doc["runs"]
    assert [r["run_id"] for r in rows] == ids
    assert [r["period_flagged"] for r in rows] == [False, False, True]
    assert [r["initial_capital"] for r in rows] == ["10000000", "3000000", "10000000"]
    assert rows[0]["fee_rate"] == "0.0005" and rows[0]["slippage_rate"] == "0"
    assert rows[0]["data_hash"] == rows[1]["data_hash"] != rows[2]["data_hash"]
    assert rows[0]["strategy_version"] == 1 and rows[0]["strategy_hash"] == rows[2]["strategy_hash"]
    assert rows[0]["period_end"] == "2023-01-01T00:00:00Z" and ISO.match(rows[2]["data_start"])
    text = cli(home, "analysis", "compare", *map(str, ids)).stdout
    assert "⚠ other period" in text and "not directly comparable" in text
    same = cli(home, "analysis", "compare", str(ids[0]), str(ids[1])).stdout
    assert "⚠" not in same and "capital 3,000,000" in same


def test_montecarlo_is_reproducible_with_a_seed(runs: tuple[Path, list[int]]) -> None:
    home, ids = runs
    args = ("--json", "montecarlo", str(ids[0]), "--n", "400", "--seed", "17", "--loss", "10")
    first = json.loads(cli(home, *args).stdout)
    assert json.loads(cli(home, *args).stdout) == first
    assert first["seed"] == 17 and first["paths"] == 400 and first["loss_threshold"] == pytest.approx(0.1)
    shuffle, boot = first["shuffle"], first["bootstrap"]
    # Shuffling the order never changes the compounded final equity; bootstrapping does.
    assert shuffle["final_equity"]["p5"] == pytest.approx(shuffle["final_equity"]["p95"])
    assert boot["final_equity"]["p5"] < boot["final_equity"]["median"] < boot["final_equity"]["p95"]
    assert (
        shuffle["max_drawdown"]["p5"]
        <= shuffle["max_drawdown"]["median"]
        <= shuffle["max_drawdown"]["p95"]
        <= 0
    )
    assert 0 <= boot["loss_probability"] <= 1
    unseeded = cli(home, "montecarlo", str(ids[0]), "--n", "50").stdout
    assert re.search(r"50 paths, seed \d+", unseeded) and "P(loss >= 20%)" in unseeded


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        # one missing run per kind of command (the other commands share their run lookup: integration tests)
        (("analysis", "compare", "1", "999"), 1, "No stored backtest run 999"),
        (("montecarlo", "999"), 1, "No stored backtest run 999"),
        (("analysis", "compare", "1"), 1, "Compare 2 to 8 runs"),
        (("montecarlo", "1", "--loss", "0"), 2, "--loss"),
    ],
)
def test_errors_are_one_line_and_non_zero(runs: tuple[Path, list[int]], args: tuple[str, ...], code: int,
                                          message: str) -> None:  # fmt: skip
    home, _ = runs
    result = cli(home, *args, check=False)
    assert result.returncode == code
    assert message in result.stderr and result.stderr.count("\n") == 1 and result.stdout == ""
