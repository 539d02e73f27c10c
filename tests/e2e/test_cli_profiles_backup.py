"""The CLI end to end in subprocesses: what needs a real process of its own. Another window of the app
(this test process) has a live trade: switch and restore refuse with its pid and change nothing; once
the trade completes the restore is applied. JSON shapes and the other commands
are covered in process by tests/integration/database_configuration/test_dbconf_cli.py.

One home is reused by every call, and no call imports the bundled candles (none is needed here), so
each call costs about one interpreter start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from upbit_auto_trading.domain.trading.state import TradeKey
from upbit_auto_trading.infrastructure.files.live_trading_marker import LiveTradingMarker

ROOT = Path(__file__).resolve().parents[2]
ENV = {
    **os.environ,
    "PYTHONPATH": str(ROOT),
    "UPBIT_AUTO_TRADING__MARKET_DATA__SEED_BUNDLED": "false",
}


def cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "upbit_auto_trading", "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=ENV,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def js(result: subprocess.CompletedProcess):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_cli_refuses_switch_and_restore_while_another_window_trades(tmp_path):
    home = tmp_path / "home"
    backup = js(cli(home, "backup", "create", "--note", "e2e", "--json"))
    assert set(backup) == {"id", "path", "files"}

    # another window (this test process) has a live trade: switch and restore are refused, with the pid
    window = LiveTradingMarker(home / "config")
    window.trade_started(TradeKey("rsi", "KRW-BTC"))
    reason = f"a trade is live in another window (pid {os.getpid()}: rsi@KRW-BTC)"
    try:
        switch_refused = cli(home, "profiles", "switch", "testing")
        restore_refused = cli(home, "backup", "restore", backup["id"], "--yes")
    finally:
        window.trade_completed(TradeKey("rsi", "KRW-BTC"))
    assert not window.path.exists()
    assert switch_refused.returncode == 1 and reason in switch_refused.stderr, switch_refused.stderr
    assert restore_refused.returncode == 1 and reason in restore_refused.stderr, restore_refused.stderr
    assert switch_refused.stdout == restore_refused.stdout == ""
    registry = home / "config" / "profiles.json"  # written on the first change
    assert not registry.exists() or json.loads(registry.read_text())["active"] == "development"
    assert len(list((home / "backups").iterdir())) == 1  # not even a pre-restore backup was taken

    # the trade is over: the restore is applied, exit 0
    restored = js(cli(home, "backup", "restore", backup["id"], "--yes", "--json"))
    assert restored["status"] == "applied" and restored["pre_restore_backup"]
