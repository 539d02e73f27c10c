"""The CLI end to end in subprocesses: what needs a real process of its own. Another window of the app
(this test process) has a live trade: switch and restore refuse with its pid and change nothing; once
the trade completes the restore is applied. JSON shapes and the other commands
are covered in process by tests/integration/profiles/test_profiles_cli.py.

One home is reused by every call, and no call imports the bundled candles (none is needed here), so
each call costs about one interpreter start.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from upbit_auto_trading.domain.trading.state import TradeKey
from upbit_auto_trading.infrastructure.profiles.live_trading_marker import LiveTradingMarker

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


# --- issue 13, item 14: archive import, and logging on a full disk ------------------------------------


def cli_with_file_limit(home: Path, max_file_bytes: int, *args: str) -> subprocess.CompletedProcess:
    """``cli`` in a process that cannot write any file past ``max_file_bytes`` (RLIMIT_FSIZE; the write
    fails with EFBIG instead of killing the process): proves what the command never writes."""
    code = (
        "import resource, runpy, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({max_file_bytes}, {max_file_bytes}))\n"
        "sys.argv = ['upbit_auto_trading', *sys.argv[1:]]\n"
        "runpy.run_module('upbit_auto_trading', run_name='__main__', alter_sys=True)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, "--home", str(home), *args],
        capture_output=True, text=True, env=ENV, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_import_refuses_an_oversized_entry_without_writing_it(tmp_path):
    """A 256 MiB entry whose manifest says a few KB: refused in one line before it is written (the old
    import wrote it all, then refused at verification; under a 32 MiB file limit it failed with EFBIG)."""
    import zipfile

    first = tmp_path / "first"
    backup = js(cli(first, "backup", "create", "--json"))
    exported = Path(js(cli(first, "--json", "backup", "export", backup["id"], str(tmp_path)))["archive"])
    grown = tmp_path / "grown.zip"
    with (
        zipfile.ZipFile(exported) as src,
        zipfile.ZipFile(grown, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        for name in src.namelist():
            with dst.open(name, "w", force_zip64=True) as out:
                out.write(src.read(name))
                if name.endswith("market_data.sqlite3"):
                    for _ in range(256):
                        out.write(bytes(1 << 20))
    assert grown.stat().st_size < 8 * 1024 * 1024

    second = tmp_path / "second"
    result = cli_with_file_limit(second, 32 * 1024 * 1024, "backup", "import", str(grown))
    assert result.returncode == 1 and result.stdout == "", result.stderr
    assert result.stderr.count("\n") == 1 and "not a valid backup archive" in result.stderr, result.stderr
    assert "the manifest says" in result.stderr and "File too large" not in result.stderr
    assert list((second / "backups").iterdir()) == []  # not even a partial folder

    nested = tmp_path / "nested.zip"  # the same one-line refusal for a manifest that json cannot even parse
    with zipfile.ZipFile(exported) as src, zipfile.ZipFile(nested, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, b"[" * 100_000 + b"]" * 100_000 if name.endswith(".json") else src.read(name))
    result = cli(second, "backup", "import", str(nested))
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert "not a valid backup archive" in result.stderr and "unexpected error" not in result.stderr
    assert list((second / "backups").iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_full_logs_disk_costs_log_lines_not_a_traceback_per_record(tmp_path):
    """The log file on a full disk (/dev/full answers every write with ENOSPC): the backup is made and
    stderr holds one line about the log, not "--- Logging error ---" and a traceback per record."""
    home = tmp_path / "home"
    js(cli(home, "--json", "info"))
    log_file = home / "logs" / "upbit_auto_trading.log"
    log_file.unlink()
    log_file.symlink_to("/dev/full")

    result = cli(home, "backup", "create", "--note", "full logs disk")
    assert result.returncode == 0, result.stderr
    assert "written to" in result.stdout
    assert result.stderr.count("\n") == 1, result.stderr
    assert "No space left on device" in result.stderr and str(log_file) in result.stderr
    assert "Traceback" not in result.stderr and "Logging error" not in result.stderr
    assert len(list((home / "backups").iterdir())) == 1


# --- issue 13, item 13: nothing the app writes in a checkout shows up in git status --------------------


def test_runtime_files_of_a_checkout_home_are_git_ignored(tmp_path):
    """A git repository with the project's .gitignore and tracked defaults, used as the home by the CLI
    and the desktop (databases, locks, ui_state.ini, secret.key, a live-trading marker, the engine lock,
    backups, logs): ``git status`` lists only the files copied in, none of the app's."""
    import shutil

    from upbit_auto_trading.infrastructure.trading.engine_lock import EngineLock

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    home = tmp_path / "checkout"
    home.mkdir()
    subprocess.run(["git", "init", "-q", str(home)], check=True)
    tracked = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "config", "data", "logs", "backups"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert "config/config.example.yaml" in tracked
    for relative in [".gitignore", *tracked]:
        (home / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / relative, home / relative)

    backup = js(cli(home, "--json", "backup", "create"))
    assert cli(home, "db", "check").returncode == 0
    assert cli(home, "backup", "verify", backup["id"]).returncode == 0
    keys = subprocess.run(
        [sys.executable, "-m", "upbit_auto_trading", "--home", str(home), "keys", "set", "--stdin"],
        input="A" * 40 + "\n" + "B" * 40 + "\n", capture_output=True, text=True, env=ENV, timeout=60,
    )  # fmt: skip
    assert keys.returncode == 0, keys.stderr
    desktop = subprocess.run(
        [sys.executable, str(ROOT / "run_desktop_ui.py"), "--home", str(home), "--exit-after-show"],
        capture_output=True, text=True, env={**ENV, "QT_QPA_PLATFORM": "offscreen"}, timeout=180,
    )  # fmt: skip
    assert desktop.returncode == 0, desktop.stderr[-2000:]
    assert (home / "config" / "ui_state.ini").is_file() and (home / "config" / "secret.key").is_file()

    window = LiveTradingMarker(home / "config")  # a window with a live trade, and the engine's lock
    engine = EngineLock(home / "data" / "development" / "trading-engine.lock")
    window.trade_started(TradeKey("rsi", "KRW-BTC"))
    engine.acquire()
    try:
        status = subprocess.run(
            ["git", "-C", str(home), "status", "--porcelain", "--untracked-files=all"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        engine.release()
        window.trade_completed(TradeKey("rsi", "KRW-BTC"))
    listed = sorted(line[3:] for line in status.splitlines())
    assert listed == sorted([".gitignore", *tracked]), status
