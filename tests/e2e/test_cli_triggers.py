"""The triggers and variables commands as a script would run them (subprocess, temporary home)."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
from importlib import resources
from pathlib import Path

# The bundled sample candles are not needed here (eval imports its own slice): skipping the first-run
# seeding saves ~3 s per temporary home.
_ENV = {**os.environ, "UPBIT_AUTO_TRADING__MARKET_DATA__SEED_BUNDLED": "false"}


def cli(home, *args, check=True):
    result = subprocess.run(
        [sys.executable, "-m", "upbit_auto_trading", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=_ENV,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{args} exited {result.returncode}: {result.stderr}")
    return result


def test_cli_variables_list_json_shape(tmp_path):
    data = json.loads(cli(tmp_path, "--json", "variables", "list").stdout)
    assert len(data) >= 30
    rsi = next(v for v in data if v["id"] == "RSI")
    assert {"id", "name_ko", "name_en", "purpose", "chart", "group", "parameters"} <= set(rsi)
    assert rsi["purpose"] == "momentum" and rsi["chart"] == "subplot"
    period = next(p for p in rsi["parameters"] if p["name"] == "period")
    assert period["type"] == "int" and period["default"] == 14 and period["min"] == 2


def _names(tmp_path):
    return [t["name"] for t in json.loads(cli(tmp_path, "triggers", "list", "--json").stdout)]


def test_cli_triggers_lifecycle(tmp_path):
    samples = _names(tmp_path)  # a new profile may hold sample triggers (the strategy samples)
    cli(
        tmp_path,
        "triggers",
        "add",
        "rsi-up",
        "--variable",
        "RSI",
        "--param",
        "period=14",
        "--operator",
        "crosses_above",
        "--value",
        "30",
    )
    cli(
        tmp_path,
        "triggers",
        "add",
        "golden",
        "--variable",
        "SMA",
        "--param",
        "period=20",
        "--operator",
        "crosses_above",
        "--target",
        "SMA",
        "--target-param",
        "period=60",
    )
    bad = cli(
        tmp_path,
        "triggers",
        "add",
        "bad",
        "--variable",
        "RSI",
        "--operator",
        ">",
        "--target",
        "SMA",
        check=False,
    )
    assert bad.returncode != 0 and "cannot be compared" in bad.stderr and bad.stdout == ""
    out = cli(
        tmp_path,
        "triggers",
        "add",
        "bad",
        "--variable",
        "RSI",
        "--operator",
        "gt",
        "--value",
        "130",
        check=False,
    )
    assert out.returncode != 0 and "out of range" in out.stderr
    listed = _names(tmp_path)
    assert sorted(set(listed) - set(samples)) == ["golden", "rsi-up"] and len(listed) == len(samples) + 2
    cli(tmp_path, "triggers", "edit", "rsi-up", "--param", "period=10", "--operator", ">=")
    shown = json.loads(cli(tmp_path, "--json", "triggers", "show", "rsi-up").stdout)
    assert shown["variable"]["params"]["period"] == 10 and shown["operator"] == "ge"
    export = tmp_path / "t.json"
    cli(tmp_path, "triggers", "export", "-o", str(export))
    assert cli(tmp_path, "triggers", "delete", "golden", check=False).returncode != 0  # no --yes, no tty
    cli(tmp_path, "--yes", "triggers", "delete", "golden")
    imported = json.loads(
        cli(tmp_path, "--json", "triggers", "import", str(export), "--on-conflict", "skip").stdout
    )
    assert imported["imported"] == ["golden"] and imported["replaced"] == imported["skipped"] == []
    assert sorted(imported["identical"]) == sorted([*samples, "rsi-up"])  # the same: not copied again
    assert _names(tmp_path) == listed
    # the CLI runs no bus, but every change is one line in its log file
    log = (tmp_path / "logs" / "upbit_auto_trading.log").read_text(encoding="utf-8")
    assert "trigger 'rsi-up' created" in log and "trigger 'rsi-up' edited" in log
    assert "trigger 'golden' deleted" in log
    assert f"triggers imported: 1 imported, {len(samples) + 1} skipped (identical)" in log


def _sample_csv(path):
    """About three months of bundled KRW-BTC 1h candles (2021-11 .. 2022-02), from the package's own copy."""
    source = resources.files("upbit_auto_trading.resources.candles").joinpath(
        "upbit_krw-btc_1h_2017-09_2023-05.csv.gz"
    )
    with gzip.open(source.open("rb"), "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    keep = [line for line in lines[1:] if "2021-11-01" <= line[:10] <= "2022-02-28"]
    path.write_text("\n".join([lines[0], *keep]) + "\n", encoding="utf-8")
    return path


def test_cli_triggers_eval_json(tmp_path):
    cli(
        tmp_path,
        "data",
        "import",
        str(_sample_csv(tmp_path / "c.csv")),
        "--market",
        "KRW-BTC",
        "--timeframe",
        "1h",
    )
    cli(
        tmp_path,
        "triggers",
        "add",
        "rsi-up",
        "--variable",
        "RSI",
        "--operator",
        "crosses_above",
        "--value",
        "30",
    )
    result = cli(
        tmp_path,
        "triggers",
        "eval",
        "rsi-up",
        "--market",
        "KRW-BTC",
        "--timeframe",
        "1h",
        "--from",
        "2022-01-01",
        "--to",
        "2022-03-01T00:00:00Z",
        "--json",
        check=False,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["count"] == len(data["fired"]) > 0
    assert all(t.endswith("Z") and "2022-01-01" <= t <= "2022-03-01T00:00:00Z" for t in data["fired"])


def test_cli_trigger_rename_follows_into_strategies_and_delete_is_refused(tmp_path):
    for name, op, value in (("oversold", "lt", "30"), ("overbought", "gt", "70")):
        cli(tmp_path, "triggers", "add", name, "--variable", "RSI", "--operator", op, "--value", value)
    cli(tmp_path, "strategies", "add", "swing", "--entry", "oversold", "--exit", "overbought")

    edited = json.loads(cli(tmp_path, "triggers", "edit", "oversold", "--rename", "rsi-low", "--json").stdout)
    assert edited["name"] == "rsi-low" and edited["updated_strategies"] == ["swing"]
    shown = json.loads(cli(tmp_path, "--json", "strategies", "show", "swing").stdout)
    assert shown["version"] == 2
    assert shown["document"]["entry"]["groups"][0]["triggers"][0]["name"] == "rsi-low"

    refused = cli(tmp_path, "--yes", "triggers", "delete", "overbought", check=False)
    assert refused.returncode == 1 and "'swing'" in refused.stderr and "overbought" in refused.stderr


def _rows_of_every_table(home: Path) -> dict[str, list[str]]:
    """Every row of every table of the profile's three databases, read through read-only connections."""
    rows: dict[str, list[str]] = {}
    for db in sorted((home / "data" / "development").glob("*.sqlite3")):
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                rows[f"{db.name}:{table}"] = sorted(map(repr, conn.execute(f'SELECT * FROM "{table}"')))
        finally:
            conn.close()
    return rows


def test_cli_eval_with_the_start_after_the_end_is_refused_and_changes_nothing(tmp_path):
    """Issue 16: ``--from`` after ``--to`` read the whole series, wrote its packed copy to the candle cache
    and then said "no candles stored". Now: one line saying the start is after the end, exit 2, and every
    row of every table as it was."""
    csv = _sample_csv(tmp_path / "c.csv")  # about 2,900 candles: enough for the packed copy to be written
    home = tmp_path / "home"
    cli(home, "data", "import", str(csv), "--market", "KRW-BTC", "--timeframe", "1h")
    cli(home, "triggers", "add", "rsi-low", "--variable", "RSI", "--operator", "lt", "--value", "30")
    before = _rows_of_every_table(home)
    assert before["market_data.sqlite3:candle_array_cache"] == []

    refused = cli(home, "triggers", "eval", "rsi-low", "--market", "KRW-BTC", "--timeframe", "1h",
                  "--from", "2022-02-01", "--to", "2022-01-01", "--json", check=False)  # fmt: skip
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1, refused.stderr
    assert "--from 2022-02-01 is after --to 2022-01-01" in refused.stderr
    assert "stored" not in refused.stderr  # not the misleading "No 1h candles of KRW-BTC are stored ..."
    assert _rows_of_every_table(home) == before


def test_cli_an_empty_trigger_parameter_is_refused_not_defaulted(tmp_path):
    """Issue 16: ``--param period=`` silently became RSI(14). Now refused with the variable, the parameter
    and its range; nothing is saved or changed."""
    refused = cli(tmp_path, "triggers", "add", "rsi-empty", "--variable", "RSI", "--param", "period=",
                  "--operator", "lt", "--value", "30", check=False)  # fmt: skip
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1, refused.stderr
    assert "RSI period must be a whole number from 2 to 100; got ''" in refused.stderr
    assert "rsi-empty" not in _names(tmp_path)

    cli(tmp_path, "triggers", "add", "rsi-21", "--variable", "RSI", "--param", "period=21", "--operator", "lt",
        "--value", "30")  # fmt: skip
    edited = cli(tmp_path, "triggers", "edit", "rsi-21", "--param", "period=", check=False)
    assert edited.returncode == 1 and "RSI period must be a whole number from 2 to 100" in edited.stderr
    shown = json.loads(cli(tmp_path, "--json", "triggers", "show", "rsi-21").stdout)
    assert shown["variable"]["params"]["period"] == 21

    target = cli(tmp_path, "triggers", "add", "cross", "--variable", "SMA", "--operator", "crosses_above",
                 "--target", "EMA", "--target-param", "period=", check=False)  # fmt: skip
    assert target.returncode == 1 and "EMA period must be a whole number from 2 to 500" in target.stderr
