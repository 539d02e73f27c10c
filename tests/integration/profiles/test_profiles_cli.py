"""The ``profiles`` and ``backup`` commands in this process (same parser, handlers and start-up as the
console script, without an interpreter start per call): JSON shapes, exit codes, errors. What needs a
real second process (another window's live trade) is in tests/e2e/test_cli_profiles_backup.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.cli import cli_services
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.presentation.cli.app import run


@pytest.fixture
def cli(capsys):
    def call(home: Path, *argv: str) -> tuple[int, str, str]:
        made = []

        def factory(args):  # noqa: ANN001 - as entrypoints/cli.py, minus the log files
            container = build_container(
                home=args.home, profile=args.profile, overrides={"market_data": {"seed_bundled": False}}
            )
            startup(container)
            made.append(container)
            return cli_services(container)

        code = run(["--home", str(home), *argv], factory)
        for container in made:  # as if the process ended: nothing stays open
            container.core.database_session().close_all()
        out, err = capsys.readouterr()
        return code, out, err

    return call


def js(result: tuple[int, str, str]):
    code, out, err = result
    assert code == 0, err
    return json.loads(out)  # exactly one JSON document on stdout


def test_profiles_and_backups_json_shapes_and_exit_codes(tmp_path, cli):
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

    backup = js(cli(home, "backup", "create", "--note", "cli", "--json"))
    assert set(backup) == {"id", "path", "files"}
    assert [f["database"] for f in backup["files"]] == ["settings", "strategies", "market_data"]
    assert all(set(f) == {"database", "bytes", "sha256", "schema_version"} for f in backup["files"])
    listed = js(cli(home, "backup", "list", "--json"))
    assert listed[0]["id"] == backup["id"] and {"kind", "created_at"} <= set(listed[0])
    assert listed[0]["kind"] == "manual"
    assert js(cli(home, "backup", "verify", backup["id"], "--json")) == {"ok": True, "problems": []}

    code, _, err = cli(home, "backup", "restore", backup["id"])  # no terminal and no --yes: not done
    assert code == 1 and "not confirmed" in err
    restored = js(cli(home, "backup", "restore", backup["id"], "--yes", "--json"))
    assert restored["status"] == "applied" and restored["pre_restore_backup"]
    switched = js(cli(home, "profiles", "switch", "paper-2", "--json"))
    assert switched["status"] == "applied"
    assert json.loads((home / "config" / "profiles.json").read_text())["active"] == "paper-2"

    moved = js(cli(home, "profiles", "edit", "paper-2", "--copy-to", str(tmp_path / "moved"), "--json"))
    assert moved["databases"]["settings"] == str(tmp_path / "moved" / "settings.sqlite3")

    archive = js(cli(home, "backup", "export", backup["id"], str(tmp_path), "--json"))["archive"]
    imported = js(cli(tmp_path / "other", "backup", "import", archive, "--json"))
    assert imported["id"] == backup["id"] and imported["verified"] is True

    # a damaged backup: verify exits 1 and lists the problem
    settings = Path(backup["path"]) / "settings.sqlite3"
    settings.write_bytes(settings.read_bytes()[:4096])
    code, out, _ = cli(home, "backup", "verify", backup["id"], "--json")
    report = json.loads(out)
    assert code == 1 and report["ok"] is False and any("truncated" in p for p in report["problems"])
    code, out, err = cli(home, "profiles", "switch", "nope")
    assert code == 1 and out == "" and err.startswith("error: ") and "No profile 'nope'" in err
