"""What a CLI start imports before it knows the command: ``--help``, ``--version``, no command and a usage
error build no container (its imports are most of a start, ~2 s), touch no home, and still answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# One interpreter runs the console script's main() on each command line in turn and reports, after each,
# the exit code and whether the composition root (or the DI library) has been imported by then.
_PROBE = """
import contextlib, io, json, sys
from upbit_auto_trading.entrypoints.cli import main

report = []
for argv in json.loads(sys.argv[1]):
    with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.redirect_stderr(io.StringIO()) as err:
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's --help and --version
            code = exc.code
    loaded = sorted(m for m in sys.modules if m.startswith(("upbit_auto_trading.container", "dependency_injector")))
    report.append({"argv": argv, "code": code, "out": out.getvalue(), "err": err.getvalue(), "loaded": loaded})
print(json.dumps(report))
"""


def test_help_version_and_usage_errors_build_no_container(tmp_path: Path) -> None:
    home = tmp_path / "home"
    lines = [
        ["--home", str(home), "--help"],
        ["--version"],
        ["--home", str(home)],
        ["--home", str(home), "triggers", "--help"],
        ["--home", str(home), "no-such-command"],
        ["--home", str(home), "triggers", "eval"],
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPBIT_AUTO_TRADING")}
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(lines)],
        capture_output=True, text=True, timeout=120, cwd=REPO_ROOT, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    for entry in report:
        assert entry["loaded"] == [], entry  # nothing of the container before a command is known
    assert [e["code"] for e in report] == [0, 0, 2, 0, 2, 2]
    assert "usage: upbit-auto-trading" in report[0]["out"] and "triggers" in report[0]["out"]
    assert report[1]["out"].startswith("upbit-auto-trading ")
    assert "eval" in report[3]["out"]
    assert report[4]["err"].startswith("error: ") and report[4]["err"].count("\n") == 1
    assert "the following arguments are required" in report[5]["err"]
    assert not home.exists()  # no home made, no configuration or database read
