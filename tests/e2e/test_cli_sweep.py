"""``sweep`` and ``walkforward`` as a script runs them (subprocesses, one temporary home for the module; the
development profile seeds the bundled KRW-BTC hourly candles and the sample strategy). Few cells and short
periods: the point is the wiring, the JSON documents and the stored lineage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_process import run_cli as cli  # tests/support, on sys.path by tests/e2e/conftest.py

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "Basic 7-rule (기본 7규칙)"
PERIOD = ("--market", "KRW-BTC", "--timeframe", "1h", "--from", "2022-01-01", "--to", "2022-04-30")


@pytest.fixture(scope="module")
def home(seeded_home) -> Path:  # noqa: ANN001
    return seeded_home("cli_sweep")




def test_sweep_run_show_heatmap_list_rerun_and_delete(home: Path):
    params = json.loads(cli(home, "--json", "sweep", "params", "--strategy", SAMPLE).stdout)
    by_path = {p["path"]: p for p in params}
    assert by_path["entry.0.params.period"]["current"] == "14" and by_path["entry.0.params.period"]["integer"]
    assert by_path["rules.trailing_stop.activate_pct"]["current"] == "5"

    run = cli(home, "sweep", "run", "--strategy", SAMPLE, *PERIOD, "--param", "entry.0.params.period=10,14",
              "--param", "rules.trailing_stop.activate_pct=4,6", "--workers", "1", "--json")  # fmt: skip
    doc = json.loads(run.stdout)  # exactly one JSON document on stdout, progress on stderr
    assert "sweep: cells 4/4" in run.stderr
    assert doc["status"] == "completed" and doc["evaluated"] == doc["total"] == 4
    assert [r["rank"] for r in doc["rows"]] == [1, 2, 3, 4]
    assert {tuple(r["values"].values()) for r in doc["rows"]} == {("10", "4"), ("10", "6"), ("14", "4"), ("14", "6")}
    best = doc["rows"][0]
    assert best["metrics"]["KRW-BTC"]["trades"] >= 0 and best["final_equity"]["KRW-BTC"]
    assert doc["overfitting"]["trials"] == 4 and doc["overfitting"]["verdict"] in (
        "likely_robust", "inconclusive", "likely_overfit", "not_enough_data")
    lineage = doc["lineage"]
    assert lineage["strategy_name"] == SAMPLE and len(lineage["strategy_hash"]) == 64
    assert lineage["data_hashes"]["KRW-BTC"] and lineage["engine_version"] and lineage["start"] == "2022-01-01T00:00:00Z"
    study = str(doc["study"]["study_id"])

    shown = json.loads(cli(home, "sweep", "show", study, "--heatmap",
                           "entry.0.params.period,rules.trailing_stop.activate_pct", "--metric", "total_return",
                           "--json").stdout)  # fmt: skip
    heat = shown["heatmap"]
    assert heat["x_values"] == ["10", "14"] and heat["y_values"] == ["4", "6"] and heat["metric"] == "total_return"
    by_values = {tuple(r["values"].values()): r["metrics"]["KRW-BTC"]["total_return"] for r in shown["rows"]}
    assert heat["z"][1][0] == by_values[("10", "6")]

    listed = cli(home, "sweep", "list").stdout  # text this time
    assert f"{study}" in listed and "sweep" in listed and "completed" in listed and "4/4 cells" in listed

    rerun = json.loads(cli(home, "sweep", "rerun", study, "--sample", "2", "--workers", "1", "--json").stdout)
    assert rerun["all_identical"] and rerun["checked"] == 2

    usage = cli(home, "sweep", "run", "--strategy", SAMPLE, *PERIOD, "--param", "entry.0.value=20", "--trials", "5",
                check=False)  # fmt: skip
    assert usage.returncode == 2 and "--trials is for --sampler optuna" in usage.stderr

    assert json.loads(cli(home, "sweep", "delete", study, "--yes", "--json").stdout) == {"deleted": int(study)}


def test_walkforward_run_and_show(home: Path):
    run = cli(home, "walkforward", "run", "--strategy", SAMPLE, *PERIOD, "--param", "entry.0.params.period=10,14",
              "--train", "60d", "--test", "30d", "--workers", "1", "--json", "--curve")  # fmt: skip
    doc = json.loads(run.stdout)
    windows = doc["windows"]
    assert [w["number"] for w in windows] == [1, 2]  # 120 days: 60 to train, then two 30-day tests
    assert windows[0]["test_start"] == "2022-03-02T00:00:00Z" and windows[1]["test_start"] == windows[0]["test_end"]
    assert all(w["train_end"] == w["test_start"] for w in windows)
    assert set(windows[0]["chosen"]) == {"entry.0.params.period"}
    equity = doc["equity"]
    assert len(equity["times"]) == len(equity["equity"]) > 24 * 50 and "walk_forward_efficiency" in doc
    study = str(doc["study"]["study_id"])
    text = cli(home, "walkforward", "show", study).stdout
    assert f"walk-forward {study}" in text and "walk-forward efficiency" in text and "rolling windows" in text
