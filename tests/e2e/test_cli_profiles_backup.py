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


def cli_on_a_terminal(home: Path, typed: str, *args: str) -> subprocess.CompletedProcess:
    """``cli`` with stdin on a pseudo-terminal (so the command asks), answering ``typed``."""
    import pty

    main_fd, terminal_fd = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "upbit_auto_trading", "--home", str(home), *args],
            stdin=terminal_fd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
        )  # fmt: skip
        os.close(terminal_fd)
        terminal_fd = -1
        os.write(main_fd, typed.encode())
        out, err = process.communicate(timeout=60)
    finally:
        if terminal_fd >= 0:
            os.close(terminal_fd)
        os.close(main_fd)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_restore_confirmation_says_the_backup_failed_verification(tmp_path):
    """Issue 13: the confirmation of ``backup restore`` says, in the question itself, that the chosen
    backup failed its last verification (and what was found); a sound backup's question does not."""
    home = tmp_path / "home"
    sound = js(cli(home, "backup", "create", "--note", "sound", "--json"))
    damaged = js(cli(home, "backup", "create", "--note", "damaged", "--json"))
    (Path(damaged["path"]) / "settings.sqlite3").write_bytes(b"x" * 100)
    verified = cli(home, "backup", "verify", damaged["id"], "--json")
    assert verified.returncode == 1 and not json.loads(verified.stdout)["ok"]

    asked = cli_on_a_terminal(home, "n\n", "backup", "restore", damaged["id"])
    question, _, _ = asked.stderr.partition("[y/N]")
    assert f"backup {damaged['id']} FAILED verification" in question, asked.stderr
    assert "settings" in question and "Restore " in question and asked.returncode == 1
    assert "nothing was restored" in asked.stderr and len(list((home / "backups").iterdir())) == 2

    no_terminal = cli(home, "backup", "restore", damaged["id"])  # the error line says it too
    assert no_terminal.returncode == 1 and "FAILED verification" in no_terminal.stderr
    assert no_terminal.stderr.count("\n") == 1

    forced = cli(home, "backup", "restore", damaged["id"], "--yes")  # warned, then refused on re-verification
    assert forced.returncode == 1 and "FAILED verification" in forced.stderr
    assert len(list((home / "backups").iterdir())) == 2  # nothing was done, not even a pre-restore backup

    plain = cli_on_a_terminal(home, "n\n", "backup", "restore", sound["id"])
    assert "Restore " in plain.stderr and "FAILED" not in plain.stderr and plain.returncode == 1
