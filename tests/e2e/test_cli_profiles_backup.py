"""The CLI end to end in subprocesses: profiles and backups, JSON shapes and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "upbit_auto_trading", "--home", str(home), *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=60,
    )


def js(result: subprocess.CompletedProcess):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_profiles_and_backups_through_the_cli(tmp_path):
    home = tmp_path / "home"
    profiles = js(cli(home, "profiles", "list", "--json"))
    assert [p["id"] for p in profiles] == ["development", "testing", "production"]
    assert set(profiles[0]) >= {"id", "name", "environment", "active", "databases"}
    assert profiles[0]["active"] and set(profiles[0]["databases"]) == {
        "settings",
        "strategies",
        "market_data",
    }

    created = js(
        cli(home, "profiles", "create", "paper-2", "--name", "Paper", "--environment", "testing", "--json")
    )
    assert created["id"] == "paper-2" and not created["active"]

    backup = js(cli(home, "backup", "create", "--note", "e2e", "--json"))
    assert set(backup) == {"id", "path", "files"}
    assert [f["database"] for f in backup["files"]] == ["settings", "strategies", "market_data"]
    assert all(set(f) == {"database", "bytes", "sha256", "schema_version"} for f in backup["files"])
    listed = js(cli(home, "backup", "list", "--json"))
    assert listed[0]["id"] == backup["id"] and {"kind", "created_at"} <= set(listed[0])
    assert listed[0]["kind"] == "manual"
    assert js(cli(home, "backup", "verify", backup["id"], "--json")) == {"ok": True, "problems": []}

    # restore without --yes (no terminal) is not done
    refused = cli(home, "backup", "restore", backup["id"])
    assert refused.returncode != 0 and "not confirmed" in refused.stderr
    restored = cli(home, "backup", "restore", backup["id"], "--yes", "--json")
    assert restored.returncode == 0, restored.stderr
    assert json.loads(restored.stdout)["status"] == "applied"

    switched = cli(home, "profiles", "switch", "paper-2", "--json")
    assert switched.returncode == 0 and json.loads(switched.stdout)["status"] == "applied"
    assert json.loads((home / "config" / "profiles.json").read_text())["active"] == "paper-2"

    archive = js(cli(home, "backup", "export", backup["id"], str(tmp_path), "--json"))["archive"]
    other = tmp_path / "other"
    imported = js(cli(other, "backup", "import", archive, "--json"))
    assert imported["id"] == backup["id"] and imported["verified"] is True

    # a damaged backup: verify exits non-zero and lists the problem
    settings = Path(backup["path"]) / "settings.sqlite3"
    settings.write_bytes(settings.read_bytes()[:4096])
    damaged = cli(home, "backup", "verify", backup["id"], "--json")
    assert damaged.returncode == 1
    report = json.loads(damaged.stdout)
    assert report["ok"] is False and any("truncated" in p for p in report["problems"])
    missing = cli(home, "profiles", "switch", "nope")
    assert missing.returncode == 1 and "No profile 'nope'" in missing.stderr
