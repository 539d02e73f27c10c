"""``trade`` as a user runs it: a paper replay headless, killed with SIGKILL at random moments and resumed;
no order is ever placed twice, the journal and the loopback exchange agree, positions equal balances."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from upbit_auto_trading.infrastructure.upbit_sim.persistence import SimStateFile

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "Basic 7-rule (기본 7규칙)"
pytestmark = pytest.mark.slow


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    env.pop("UPBIT_AUTO_TRADING_HOME", None)
    # the replay is compared with its backtest: the risk limits (the one rule the backtest lacks) are off
    for key in ("CAUTION", "DEFENSE", "HALT"):
        env[f"UPBIT_AUTO_TRADING__TRADING__RISK__{key}_LOSS_PCT"] = "null"
    return env


def _cli(home: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "upbit_auto_trading", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT, env=_env())  # fmt: skip


def _spawn(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "upbit_auto_trading", "--home", str(home), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT, env=_env())  # fmt: skip


def _json(home: Path, *args: str) -> object:
    result = _cli(home, "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _kill_after(proc: subprocess.Popen[str], seconds: float) -> bool:
    """SIGKILL after ``seconds`` unless it ended first; True when it was killed."""
    try:
        proc.wait(seconds)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        return True


def test_sigkill_at_random_moments_never_doubles_or_forgets_an_order(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _cli(home, "db", "check").returncode == 0  # creates and seeds the home (bundled candles)
    seed = int(os.environ.get("UAT_KILL_SEED", random.randrange(1_000_000)))
    rng = random.Random(seed)
    kills = 0
    sessions: list = []
    for attempt in range(6):  # a kill before the session was written leaves nothing to resume: start again
        start = _spawn(home, "trade", "run", "--strategy", SAMPLE, "--market", "KRW-BTC", "--timeframe", "1h",
                       "--replay", "--from", "2021-01-01", "--to", "2021-02-20", "--budget", "10000000")  # fmt: skip
        kills += int(_kill_after(start, rng.uniform(3.0, 5.0) + 3 * attempt))  # later each time: a loaded machine
        sessions = _json(home, "trade", "status", "--all")["sessions"]
        if sessions:
            break
    assert len(sessions) == 1, f"seed {seed}"
    sid = sessions[0]["id"]
    for _ in range(3):
        if sessions[0]["state"] != "running":
            break
        proc = _spawn(home, "trade", "resume", sid)
        kills += int(_kill_after(proc, rng.uniform(2.5, 4.5)))
        sessions = _json(home, "trade", "status", "--all")["sessions"]
    if sessions[0]["state"] == "running":
        done = _cli(home, "trade", "resume", sid, timeout=300)
        assert done.returncode == 0, done.stderr
    sessions = _json(home, "trade", "status", "--all")["sessions"]
    assert sessions[0]["state"] == "finished", f"seed {seed}: {sessions}"
    assert kills >= 1, f"seed {seed}: the run was never killed; the kill window is too late"

    orders = _json(home, "trade", "orders", "--session", sid)
    state_file = home / "data" / "development" / "paper" / f"replay-{sid}.json"
    server = SimStateFile(state_file).read()  # the state with its change log applied
    at_server = {o["identifier"]: o for o in server["orders"]}
    journaled = {o["identifier"]: o for o in orders}
    # every order at the exchange is journaled, and nothing journaled as not placed is there
    assert set(at_server) <= set(journaled), f"seed {seed}: orders the journal does not know"
    for ident, o in journaled.items():
        if o["state"] in ("not_placed", "rejected"):
            assert ident not in at_server
        else:
            assert ident in at_server, f"seed {seed}: journal says {o['state']} but the exchange has no {ident}"
            assert Decimal(o["executed_volume"]) == Decimal(at_server[ident]["executed"]), f"seed {seed}"
    # no decision was placed twice
    placed = [o["decided_bar"] for o in orders if o["identifier"] in at_server]
    assert len(placed) == len(set(placed)), f"seed {seed}: a decision was placed twice"
    # positions equal balances
    btc = server["accounts"][next(iter(server["accounts"]))].get("BTC", {"balance": "0", "locked": "0"})
    held = Decimal(btc["balance"]) + Decimal(btc["locked"])
    positions = _json(home, "trade", "positions")
    journal_qty = sum((Decimal(p["quantity"]) for p in positions if p["session"] == sid), Decimal(0))
    assert held == journal_qty, f"seed {seed}: exchange {held} vs journal {journal_qty}"
    # and the session, crashes and all, made the backtest's trades
    drift = _json(home, "trade", "drift", sid)
    assert drift["identical"], f"seed {seed}: {drift}"
    assert drift["markets"][0]["matched"] >= 4, f"seed {seed}: {drift} {sessions}"


def test_trade_cli_refuses_bad_input_with_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    cases = [
        (("trade", "run", "--strategy", SAMPLE, "--market", "KRW-BTC", "--budget", "-5", "--replay"), "--budget"),
        (("trade", "run", "--strategy", "nope", "--market", "KRW-BTC", "--replay"), "nope"),
        (("trade", "run", "--strategy", SAMPLE, "--market", "KRW-BTC", "--mode", "live", "--confirm", "x"),
         "production"),
        (("trade", "run", "--strategy", SAMPLE, "--market", "KRW-BTC", "--replay", "--speed", "-1"), "--speed"),
        (("trade", "drift", "missing-session"), "missing-session"),
        (("trade", "run", "--strategy", SAMPLE, "--market", "KRW-BTC", "--replay", "--from", "2021-03-01",
          "--to", "2021-01-03"), "is after --to"),
        (("data", "fetch", "--market", "KRW-BTC", "--timeframe", "1h", "--from", "2021-03-01",
          "--to", "2021-01-03"), "is after --to"),
    ]  # fmt: skip
    for args, word in cases:
        result = _cli(home, *args)
        assert result.returncode != 0, args
        lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(lines) == 1 and word in lines[0], (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_a_restore_is_refused_while_trade_run_runs_in_another_process(tmp_path: Path) -> None:
    """The engine runs headless in its own process and journals its orders in the profile's strategies
    database; while it runs (flat or holding a position) a restore from another process is refused,
    naming it, and nothing changes. Once it has stopped the restore goes through."""
    import time

    home = tmp_path / "home"
    backup = _json(home, "backup", "create", "--note", "before trading")
    engine = _spawn(home, "trade", "run", "--strategy", SAMPLE, "--market", "KRW-BTC", "--timeframe", "1h",
                    "--replay", "--from", "2021-01-01", "--to", "2021-03-01", "--speed", "200")  # fmt: skip
    lock = home / "data" / "development" / "trading-engine.lock"
    try:
        deadline = time.monotonic() + 120
        while not (lock.exists() and lock.read_text().strip() == str(engine.pid)):
            assert engine.poll() is None, engine.stderr.read() if engine.stderr else ""
            assert time.monotonic() < deadline, "the engine did not start"
            time.sleep(0.05)
        refused = _cli(home, "--yes", "backup", "restore", backup["id"])
        assert refused.returncode != 0
        # one error line; the progress lines before the refusal (restore:  5% verify) are not errors
        said = [line for line in refused.stderr.strip().splitlines() if not line.startswith("restore:")]
        assert f"pid {engine.pid}" in refused.stderr and len(said) == 1, refused.stderr
        assert not [b for b in _json(home, "backup", "list") if b.get("kind") == "pre_restore"]
    finally:
        engine.send_signal(signal.SIGKILL)
        engine.wait(10)
    done = _cli(home, "--yes", "backup", "restore", backup["id"])
    assert done.returncode == 0, done.stderr
