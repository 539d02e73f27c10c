"""``events ...`` end to end in subprocesses: dead letters and held config changes of the active profile.

One home for the module; the stores are filled in-process (as a crashed desktop run would leave them),
then the CLI lists, retries, discards, applies and cancels them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from upbit_auto_trading.application.event_bus import EventPriority
from upbit_auto_trading.application.event_bus.ports import (
    ALL_HANDLERS,
    ConfigChangeRequest,
    DeadLetter,
    HeldRequest,
)
from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.domain.trading.events import TradingCompleted, TradingStarted

ROOT = Path(__file__).resolve().parents[2]
GATE_HANDLER = "config_gate.trading_completed"  # the one subscriber a CLI process has


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPBIT_AUTO_TRADING")}
    env.update(PYTHONPATH=str(ROOT), UPBIT_AUTO_TRADING__MARKET_DATA__SEED_BUNDLED="false")
    return env


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("events_home")
    container = build_container(home=home, environ={})
    session = container.core.database_session()
    dead = container.event_bus.dead_letter_store()
    trade = {"strategy_id": "rsi-1", "market": "KRW-BTC", "source": "strategy"}
    letters = [
        ("a1b2c3d4e5", TradingCompleted(**trade), GATE_HANDLER, "RuntimeError: state store down"),
        ("a1b2ffff00", TradingCompleted(**trade), "tests.gone_screen.on_trade", "KeyError: 'x'"),
        ("b0b0b0b0b0", TradingStarted(**trade), ALL_HANDLERS, "undelivered at the last shutdown"),
        ("c0c0c0c0c0", TradingStarted(**trade), "tests.chart.on_start", "ValueError: bad"),
    ]
    for letter_id, event, handler, error in letters:
        attempts = 0 if handler == ALL_HANDLERS else 4
        dead.add(
            DeadLetter(event, EventPriority.CRITICAL_TRADING, handler, error, attempts, letter_id=letter_id)
        )
    held = container.event_bus.held_request_store()
    for request in (
        ConfigChangeRequest(
            kind="paths.move", payload={"to": "/x"}, description="move data", request_id="d1d1d1d1"
        ),
        ConfigChangeRequest(
            kind="logging.level", payload={"level": "DEBUG"}, description="debug logs", request_id="e1e1e1e1"
        ),
        ConfigChangeRequest(
            kind="profile.switch",
            payload={"profile_id": "testing"},
            description="switch to database profile 'testing'",
            request_id="f1f1f1f1",
        ),
    ):
        held.add(HeldRequest(request))
    session.close_all()
    return home


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "upbit_auto_trading", "--home", str(home), "events", *args],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=60,
    )


def js(home: Path, *args: str) -> object:
    result = run(home, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def fails(result: subprocess.CompletedProcess[str], text: str) -> None:
    assert result.returncode != 0
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert text in result.stderr


def test_dead_letters_are_listed_with_their_handler_and_error(home: Path) -> None:
    letters = js(home, "dead-letters")
    assert [d["id"] for d in letters] == ["a1b2c3d4e5", "a1b2ffff00", "b0b0b0b0b0", "c0c0c0c0c0"]
    first = letters[0]
    assert first["event_type"] == "TradingCompleted" and first["priority"] == "CRITICAL_TRADING"
    assert first["handler"] == GATE_HANDLER and first["attempts"] == 4
    assert first["error"] == "RuntimeError: state store down"
    assert first["failed_at"].endswith("Z") and not first["all_handlers"]
    assert letters[2]["all_handlers"] is True
    text = run(home, "dead-letters")
    assert text.returncode == 0 and "every subscriber (undelivered at shutdown)" in text.stdout


def test_retry_delivers_to_the_handler_and_removes_the_letter(home: Path) -> None:
    fails(run(home, "retry", "a1b2"), "matches 2 dead letters")  # ambiguous prefix
    fails(run(home, "retry", "nope-1234"), "no dead letter 'nope-1234'")
    fails(run(home, "retry", "a1b2ff"), "No subscriber named tests.gone_screen.on_trade")
    fails(run(home, "retry", "b0b0"), "Nothing subscribed to TradingStarted")  # never re-published to nobody

    done = js(home, "retry", "a1b2c3")
    assert done == {
        "retried": "a1b2c3d4e5",
        "event_type": "TradingCompleted",
        "delivered": True,
        "first_attempt_ok": True,
    }
    left = [d["id"] for d in js(home, "dead-letters")]
    assert left == ["a1b2ffff00", "b0b0b0b0b0", "c0c0c0c0c0"]  # the refused ones are all kept


def test_discard_needs_confirmation_and_an_existing_id(home: Path) -> None:
    fails(run(home, "discard", "c0c0c0c0c0"), "not confirmed")  # no terminal, no --yes
    assert js(home, "discard", "c0c0c0c0c0", "--yes") == {"discarded": "c0c0c0c0c0"}
    fails(run(home, "discard", "c0c0c0c0c0", "--yes"), "no dead letter")
    assert "c0c0c0c0c0" not in [d["id"] for d in js(home, "dead-letters")]


def test_held_changes_are_listed_applied_or_cancelled(home: Path) -> None:
    held = js(home, "held")
    assert [h["id"] for h in held] == ["d1d1d1d1", "e1e1e1e1", "f1f1f1f1"]
    assert held[0]["kind"] == "paths.move" and held[0]["payload"] == {"to": "/x"}
    assert held[0]["state"] == "pending" and held[0]["held_at"].endswith("Z")

    # no applier for this kind in this build: refused, and still pending (not lost)
    fails(run(home, "apply-held", "d1d1"), "No applier is registered for 'paths.move'")
    fails(run(home, "apply-held", "9999"), "no held change '9999'")
    assert js(home, "cancel-held", "e1e1", "--yes") == {"cancelled": "e1e1e1e1", "kind": "logging.level"}
    fails(run(home, "cancel-held", "e1e1e1e1", "--yes"), "no held change")
    assert [h["id"] for h in js(home, "held")] == ["d1d1d1d1", "f1f1f1f1"]

    applied = js(home, "apply-held", "f1f1f1f1")
    assert applied == {"id": "f1f1f1f1", "kind": "profile.switch", "status": "applied", "reason": ""}
    profiles = subprocess.run(
        [sys.executable, "-m", "upbit_auto_trading", "--home", str(home), "--json", "profiles", "list"],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=60,
    )
    assert [p["id"] for p in json.loads(profiles.stdout) if p["active"]] == ["testing"]
