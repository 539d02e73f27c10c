"""A profile opened for the first time gets the bundled candles and the sample strategies, whichever way it
is opened (start-up with --profile, ``profiles switch``), once (the seed ledgers), and not at all with
``market_data.seed_bundled`` / ``strategies.seed_samples`` off. The commands run in this process, through
the same parser, start-up and use cases as the console script; the bundled files are cut to 300 candles
(tests/support/bundled_sample.py) so each seeding takes milliseconds (the real files: tests/e2e)."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
from pathlib import Path

import pytest
from dependency_injector import providers

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.cli import cli_services
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.presentation.cli.app import run

SAMPLE = "Basic 7-rule (기본 7규칙)"
SAMPLE_TRIGGERS = {
    "RSI(14) below 20",
    "Crash: close 3% below previous close",
    "Surge: close 5% above previous close",
}


def _support():  # noqa: ANN202 - tests/support/bundled_sample.py (tests are not a package under importlib mode)
    name = "bundled_sample"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[2] / "support" / "bundled_sample.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def cli(tmp_path, capsys):
    """``cli(home, *argv, seed=True)``: one command, as entrypoints/cli.py runs it; ``seed=False`` turns both
    seeding settings off (``strategies.seed_samples`` set on the built container: see the report about the
    schema key)."""
    catalog = _support().small_bundle(tmp_path / "bundle")

    def call(home: Path, *argv: str, seed: bool = True) -> tuple[int, str, str]:
        made = []

        def factory(args):  # noqa: ANN001
            overrides = {} if seed else {"market_data": {"seed_bundled": False}}
            container = build_container(home=args.home, profile=args.profile, overrides=overrides)
            if not seed:
                container.config.strategies.seed_samples.from_value(False)
            container.market_data.bundled_catalog.override(providers.Object(catalog))
            startup(container)
            made.append(container)
            return cli_services(container)

        code = run(["--home", str(home), *argv], factory)
        for container in made:
            container.core.database_session().close_all()
        out, err = capsys.readouterr()
        return code, out, err

    return call


def js(result: tuple[int, str, str]):
    code, out, err = result
    assert code == 0, err
    return json.loads(out)


def _series(cli, home: Path, profile: str) -> dict[tuple[str, str], int]:
    rows = js(cli(home, "--profile", profile, "data", "list", "--json"))
    return {(r["market"], r["timeframe"]): r["count"] for r in rows}


def _strategies(cli, home: Path, profile: str) -> list[str]:
    return [s["name"] for s in js(cli(home, "--profile", profile, "strategies", "list", "--json"))]


def _rows(path: Path, table: str) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
    finally:
        conn.close()


def test_profiles_switch_to_a_new_profile_seeds_it(tmp_path, cli):
    home = tmp_path / "home"
    assert js(cli(home, "profiles", "switch", "testing", "--json"))["status"] == "applied"
    # the switch itself seeded it (``data list`` would import the candles on its own, so look in the files)
    folder = home / "data" / "testing"
    assert _rows(folder / "market_data.sqlite3", "candles") == 600
    assert _rows(folder / "strategies.sqlite3", "strategy_profiles") == 1
    bundled = _support().bundled_series()
    rows = js(cli(home, "data", "list", "--json"))  # the new active profile, without --profile
    assert {(r["market"], r["timeframe"]) for r in rows} == bundled and all(r["count"] == 300 for r in rows)
    assert [s["name"] for s in js(cli(home, "strategies", "list", "--json"))] == [SAMPLE]
    assert {t["name"] for t in js(cli(home, "triggers", "list", "--json"))} == SAMPLE_TRIGGERS


def test_start_up_with_profile_seeds_that_profile_once(tmp_path, cli):
    home = tmp_path / "home"
    assert _strategies(cli, home, "production") == [SAMPLE]
    assert set(_series(cli, home, "production")) == _support().bundled_series()
    js(cli(home, "--profile", "production", "strategies", "delete", SAMPLE, "--yes", "--json"))
    js(cli(home, "--profile", "production", "data", "delete", "--market", "KRW-BTC", "--timeframe", "1h",
           "--yes", "--json"))  # fmt: skip
    # opened again, twice: what the user deleted stays deleted (the ledgers), nothing is duplicated
    assert _strategies(cli, home, "production") == []
    assert set(_series(cli, home, "production")) == _support().bundled_series() - {("KRW-BTC", "1h")}
    profile_dir = home / "data" / "production"
    assert _rows(profile_dir / "strategies.sqlite3", "trading_conditions") == len(SAMPLE_TRIGGERS)


def test_with_the_seeding_settings_off_a_new_profile_stays_empty(tmp_path, cli):
    home = tmp_path / "home"
    assert js(cli(home, "profiles", "switch", "testing", "--json", seed=False))["status"] == "applied"
    assert js(cli(home, "data", "list", "--json", seed=False)) == []
    assert js(cli(home, "strategies", "list", "--json", seed=False)) == []
    assert js(cli(home, "triggers", "list", "--json", seed=False)) == []
    for profile in ("development", "testing"):
        folder = home / "data" / profile
        assert _rows(folder / "market_data.sqlite3", "candles") == 0
        assert _rows(folder / "strategies.sqlite3", "strategy_profiles") == 0
