from __future__ import annotations

import json
import sqlite3

from upbit_auto_trading import __version__


def test_info_json_shape(cli_unseeded) -> None:
    cli = cli_unseeded
    info = cli.json("info")
    assert info["version"] == __version__
    assert info["home"] == str(cli.home.resolve())
    assert info["profile"] == "development"
    assert set(info["databases"]) == {"settings", "strategies", "market_data"}
    for entry in info["databases"].values():
        assert entry["schema_version"] >= 1
        assert entry["path"].startswith(str(cli.home.resolve()))


def test_db_check_ok_and_detects_a_broken_database(cli_unseeded) -> None:
    cli = cli_unseeded
    report = cli.json("db", "check")
    assert report["ok"] is True
    assert all(d["integrity"] == "ok" for d in report["databases"].values())
    settings_path = cli.json("info")["databases"]["settings"]["path"]
    conn = sqlite3.connect(settings_path)
    conn.execute("PRAGMA user_version = 0")  # looks like an unmigrated file with tables in it
    conn.commit()
    conn.close()
    result = cli.run("--json", "db", "check")
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "Traceback" not in result.stderr


def test_profile_option_selects_another_profile(cli_unseeded) -> None:
    cli = cli_unseeded
    info = cli.json("--profile", "testing", "info")
    assert info["profile"] == "testing"
    assert "testing" in info["databases"]["settings"]["path"]


def test_errors_are_one_line_without_traceback(cli_unseeded) -> None:
    cli = cli_unseeded
    result = cli.run("no-such-command")
    assert result.returncode == 2
    assert result.stderr.startswith("error:")
    assert "Traceback" not in result.stderr
    (cli.home / "config").mkdir(parents=True, exist_ok=True)
    (cli.home / "config" / "config.yaml").write_text("logging:\n  level: SHOUT\n", encoding="utf-8")
    result = cli.run("info")
    assert result.returncode == 1
    assert "config.yaml" in result.stderr and "logging.level" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_newer_schema_refused_and_untouched(cli_unseeded) -> None:
    cli = cli_unseeded
    path = cli.json("info")["databases"]["strategies"]["path"]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 9999")
    conn.commit()
    conn.close()
    before = open(path, "rb").read()
    result = cli.run("--json", "info")
    assert result.returncode == 1
    assert "newer" in result.stderr
    assert open(path, "rb").read() == before
    assert json.loads(result.stdout or "null") is None


def test_a_home_that_is_a_file_is_refused_clearly(tmp_path) -> None:
    import subprocess
    import sys

    not_a_folder = tmp_path / "home-is-a-file"
    not_a_folder.write_text("x")
    result = subprocess.run(
        [sys.executable, "-m", "upbit_auto_trading", "--home", str(not_a_folder), "info"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: Cannot use") and "--home" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_config_errors_from_the_environment_are_one_line_naming_the_variable(cli_unseeded) -> None:
    import os
    import subprocess
    import sys

    cli = cli_unseeded
    for name, value, needle in (
        ("UPBIT_AUTO_TRADING__BACKUP__DAILY", "[unclosed", "not valid YAML"),
        ("UPBIT_AUTO_TRADING__PROFILE", "nope", "'profile' is 'nope'"),
    ):
        env = dict(os.environ, UPBIT_AUTO_TRADING__MARKET_DATA__SEED_BUNDLED="false", **{name: value})
        result = subprocess.run(
            [sys.executable, "-m", "upbit_auto_trading", "--home", str(cli.home), "info"],
            capture_output=True, text=True, timeout=60, env=env,
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
        assert name in result.stderr and needle in result.stderr and "Traceback" not in result.stderr
    assert not (cli.home / "data").exists()  # refused before anything was created
