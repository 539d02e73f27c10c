"""`keys` end to end in subprocesses, at DEBUG log level: after `keys set`, `keys status`, a backup and an
archive export, no file under the home or the export folder holds a key or the passphrase (every file's
bytes, zip members decompressed, plain/base64/hex). The archive restored in a fresh home (another
machine) does not open without the passphrase or the master key; that is one line, not a traceback."""

from __future__ import annotations

import importlib.util
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ACCESS = "Qm7TxV2pLk9RsW4nHc8ZyB3dFj6GaE1uNo5iKr0t"
SECRET = "Xp4Lm8Qz2Vn6Bw0Rt5Yc9Hd3Js7Kf1Ga4Ue8Io2P"
PASSPHRASE = "e2e passphrase, typed twice"
BASE_ENV = {
    **os.environ,
    "PYTHONPATH": str(ROOT),
    "PYTHONIOENCODING": "utf-8",
    "UPBIT_AUTO_TRADING__MARKET_DATA__SEED_BUNDLED": "false",
    "UPBIT_AUTO_TRADING__LOGGING__LEVEL": "DEBUG",
}


def _scan():  # noqa: ANN202 - tests/support/secret_scan.py (tests are not a package under importlib mode)
    spec = importlib.util.spec_from_file_location("secret_scan", ROOT / "tests" / "support" / "secret_scan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cli(home: Path, *args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "upbit_auto_trading", "--home", str(home), *args],
        capture_output=True, text=True, input=stdin, env={**BASE_ENV, **(env or {})}, timeout=120, cwd=ROOT,
    )  # fmt: skip


def js(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


def _export(home: Path, folder: Path) -> Path:
    backup = js(cli(home, "--json", "backup", "create", "--note", "keys e2e"))
    folder.mkdir()
    return Path(js(cli(home, "--json", "backup", "export", backup["id"], str(folder)))["archive"])


def _restore_in_fresh_home(archive: Path, home: Path) -> None:
    imported = js(cli(home, "--json", "backup", "import", str(archive)))
    assert cli(home, "--yes", "backup", "restore", imported["id"]).returncode == 0


def test_keys_stay_out_of_files_and_the_archive_needs_this_machine(tmp_path: Path) -> None:
    home, export, other = tmp_path / "home", tmp_path / "export", tmp_path / "other-machine"
    saved = cli(home, "keys", "set", "--stdin", stdin=f"{ACCESS}\n{SECRET}\n")
    assert saved.returncode == 0, saved.stderr
    assert f"master key: file {home / 'config' / 'secret.key'}" in saved.stdout
    assert "access key Qm7T********0t" in saved.stdout
    archive = _export(home, export)

    assert "DEBUG" in (home / "logs" / "upbit_auto_trading.log").read_text(encoding="utf-8")
    assert _scan().leaks([home, export], {"access key": ACCESS, "secret key": SECRET}) == []

    if os.name != "nt":  # a master key made world-readable is repaired, with a warning in the log
        key_file = home / "config" / "secret.key"
        key_file.chmod(0o644)
        repaired = cli(home, "keys", "status")
        assert repaired.returncode == 0 and repaired.stdout.startswith("keys stored (access key Qm7T"), repaired.stderr
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        log = (home / "logs" / "upbit_auto_trading.log").read_text(encoding="utf-8")
        assert [line for line in log.splitlines() if "WARNING" in line and "mode 0644" in line and "now 0600" in line]

    _restore_in_fresh_home(archive, other)
    status = cli(other, "keys", "status")
    assert status.returncode == 0 and "Traceback" not in status.stderr
    first_line = status.stdout.splitlines()[0]
    assert first_line.startswith("keys stored but unreadable:") and "`keys set`" in first_line


def test_passphrase_keys_stay_out_of_files_and_open_elsewhere_only_with_it(tmp_path: Path) -> None:
    home, export, other = tmp_path / "home", tmp_path / "export", tmp_path / "other-machine"
    saved = cli(home, "keys", "set", "--stdin", "--passphrase", stdin=f"{ACCESS}\n{SECRET}\n{PASSPHRASE}\n")
    assert saved.returncode == 0, saved.stderr
    assert "protected by a passphrase (scrypt n=2^15" in saved.stdout
    assert not (home / "config" / "secret.key").exists()
    archive = _export(home, export)
    secrets = {"access key": ACCESS, "secret key": SECRET, "passphrase": PASSPHRASE}
    assert _scan().leaks([home, export], secrets) == []

    _restore_in_fresh_home(archive, other)
    locked = cli(other, "keys", "status")
    assert locked.returncode == 0 and locked.stdout.count("\n") == 2
    assert "passphrase" in locked.stdout and "`keys unlock`" in locked.stdout and "`keys set`" in locked.stdout

    assert "Wrong passphrase" in one_line_error(cli(other, "keys", "unlock", stdin="not the passphrase\n"))
    unlocked = cli(other, "keys", "unlock", stdin=f"{PASSPHRASE}\n")
    assert unlocked.returncode == 0 and "passphrase accepted" in unlocked.stdout and "Qm7T********0t" in unlocked.stdout
    from_env = js(cli(other, "--json", "keys", "status", env={"UPBIT_AUTO_TRADING_PASSPHRASE": PASSPHRASE}))
    assert from_env["readable"] and from_env["access_key"] == "Qm7T********0t"
    assert _scan().leaks([other], secrets) == []


def _terminal_session(home: Path, *args: str, answers: list[tuple[str, str]]) -> tuple[int, str]:
    """Run the CLI on a pseudo-terminal (its controlling terminal, as a person's shell gives it), answer each
    prompt, and return the exit code and everything the terminal showed."""
    import pty
    import select
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the CLI
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "upbit_auto_trading", "--home", str(home), *args], BASE_ENV)
    shown = b""

    def read_until(prompt: str | None, deadline: float) -> None:
        nonlocal shown
        while time.monotonic() < deadline and (prompt is None or prompt.encode() not in shown):
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # the child closed the terminal
                    return
                if not chunk:
                    return
                shown += chunk

    for prompt, answer in answers:
        read_until(prompt, time.monotonic() + 60)
        assert prompt.encode() in shown, shown
        shown = shown.replace(prompt.encode(), b"<" + prompt.encode() + b">", 1)
        os.write(fd, answer.encode() + b"\n")
    read_until(None, time.monotonic() + 60)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), shown.decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32", reason="needs a pseudo-terminal")
def test_in_a_terminal_keys_and_passphrase_are_asked_without_echo(tmp_path: Path) -> None:
    home = tmp_path / "home"
    prompts = [("Access key: ", ACCESS), ("Secret key: ", SECRET), ("New passphrase (not echoed): ", PASSPHRASE)]
    code, shown = _terminal_session(
        home, "keys", "set", "--passphrase", answers=[*prompts, ("The same passphrase again: ", PASSPHRASE + "!")]
    )
    assert code == 1 and "the two passphrases differ; nothing was saved" in shown
    code, shown = _terminal_session(
        home, "keys", "set", "--passphrase", answers=[*prompts, ("The same passphrase again: ", PASSPHRASE)]
    )
    assert code == 0 and "keys saved (access key Qm7T********0t)" in shown and "protected by a passphrase" in shown
    code, unlocked = _terminal_session(home, "keys", "unlock", answers=[("Passphrase (not echoed): ", PASSPHRASE)])
    assert code == 0 and "passphrase accepted" in unlocked
    for text in (shown, unlocked):  # nothing typed was echoed back to the terminal
        assert ACCESS not in text and SECRET not in text and PASSPHRASE not in text
