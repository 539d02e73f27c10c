"""Every time in a ``--json`` document is ISO-8601 UTC ending in ``Z`` (issue 13 item 10: the trade session
wrote its last candle as "+00:00" beside "Z" times, and a datetime handed to the JSON writer kept whatever
zone it carried); the text output says UTC.

The CLI's own parser and handlers in this process, on one home with real SQLite files: stored candles, a
backtest, a paper replay with orders, backups.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np
import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.cli import cli_services
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.presentation.cli.app import run

# a whole ISO-8601 date-time (a compound key such as "2024-01-15T17:00:00+00:00#entry_signal" is not one)
ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(?P<zone>Z|[+-]\d{2}:\d{2})?")
BASE = 1_704_067_200  # 2024-01-01T00:00:00Z

pytestmark = pytest.mark.slow  # some twenty commands, each opening the application (about a minute)


def _candles() -> list[Candle]:
    rng = np.random.default_rng(3)
    closes = 40_000_000 * np.exp(np.cumsum(rng.normal(0, 0.01, 800)))
    out = []
    for i, close in enumerate(closes):
        v = Decimal(int(close))
        out.append(Candle("KRW-BTC", "1h", datetime.fromtimestamp(BASE + i * 3600, UTC), v, v + 1000, v - 1000, v,
                          Decimal(1), v))  # fmt: skip
    return out


@pytest.fixture(scope="module")
def cli(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    overrides = {"market_data": {"seed_bundled": False}}
    seeded = build_container(home=home, overrides=overrides)
    startup(seeded)
    seeded.market_data.candle_store().upsert(_candles())
    seeded.core.database_session().close_all()

    def call(*argv: str) -> tuple[int, str, str]:
        made = []

        def factory(args):  # noqa: ANN001, ANN202 - as entrypoints/cli.py, minus the log files
            container = build_container(home=args.home, overrides=overrides)
            startup(container)
            made.append(container)
            return cli_services(container)

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(["--home", str(home), *argv], factory)
        for container in made:
            container.core.database_session().close_all()
        return code, out.getvalue(), err.getvalue()

    return call


def _times(document: object, path: str = "") -> list[tuple[str, str, str | None]]:
    """(where, text, zone) of every string in the document that is a whole ISO date-time."""
    if isinstance(document, dict):
        return [t for key, value in document.items() for t in _times(value, f"{path}.{key}")]
    if isinstance(document, list):
        return [t for i, value in enumerate(document) for t in _times(value, f"{path}[{i}]")]
    if isinstance(document, str) and (match := ISO_TIME.fullmatch(document)):
        return [(path, document, match["zone"])]
    return []


COMMANDS = (
    ("triggers", "add", "up", "--variable", "RSI", "--operator", "gt", "--value", "55"),
    ("triggers", "add", "down", "--variable", "RSI", "--operator", "lt", "--value", "45"),
    ("strategies", "add", "swing", "--entry", "up", "--exit", "down"),
    ("strategies", "list"),
    ("strategies", "versions", "swing"),
    ("triggers", "list"),
    ("triggers", "show", "up"),
    ("triggers", "eval", "up", "--market", "KRW-BTC"),
    ("data", "list"),
    ("backtest", "run", "--strategy", "swing", "--market", "KRW-BTC", "--timeframe", "1h"),
    ("backtest", "list"),
    ("backtest", "show", "1"),
    ("trade", "run", "--strategy", "swing", "--market", "KRW-BTC", "--replay"),
    ("trade", "status", "--all"),
    ("trade", "orders"),
    ("backup", "create"),
    ("backup", "list"),
    ("events", "dead-letters"),
    ("keys", "status"),
)


def test_every_time_in_json_output_is_utc_with_z(cli):
    seen: dict[str, int] = {}
    wrong = []
    for argv in COMMANDS:
        code, out, err = cli("--json", *argv)
        assert code == 0, (argv, err)
        times = _times(json.loads(out))
        seen[" ".join(argv[:2])] = len(times)
        wrong += [f"{' '.join(argv)}: {where} = {text}" for where, text, zone in times if zone != "Z"]
    assert not wrong, "times in --json that are not UTC with Z:\n" + "\n".join(wrong)
    # the scan saw the times it is about (it cannot pass on documents without any)
    for command in ("strategies list", "triggers list", "triggers eval", "data list", "backtest show",
                    "trade run", "trade status", "trade orders", "backup list"):  # fmt: skip
        assert seen[command] > 0, f"no time in the output of {command}"


def test_trade_orders_text_says_utc(cli):
    for argv in COMMANDS[:3] + (COMMANDS[12],):  # the strategy and a replay (module-scoped home: may exist)
        cli("--json", *argv)
    code, out, err = cli("trade", "orders")
    assert code == 0, err
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines and all(re.match(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC ", line) for line in lines), lines
