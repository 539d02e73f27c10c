"""``triggers import`` in this process (the console script's parser and handlers): a re-imported export is
skipped as identical; a different trigger is asked about on a terminal (y: as 'name (2)', n: skip), taken
from ``--yes`` / ``--on-conflict``, and refused (nothing imported) without a terminal or an option."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.container.cli import cli_services
from upbit_auto_trading.container.startup import startup
from upbit_auto_trading.presentation.cli.app import run


class Terminal(io.StringIO):
    """Typed answers on a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def cli(capsys, tmp_path):
    home = tmp_path / "home"

    def call(*argv: str) -> tuple[int, str, str]:
        made = []

        def factory(args):  # noqa: ANN001 - as entrypoints/cli.py, minus the log files
            container = build_container(home=args.home, overrides={"market_data": {"seed_bundled": False}})
            startup(container)
            made.append(container)
            return cli_services(container)

        code = run(["--home", str(home), *argv], factory)
        for container in made:
            container.core.database_session().close_all()
        out, err = capsys.readouterr()
        return code, out, err

    return call


def _names(cli) -> list[str]:
    code, out, err = cli("--json", "triggers", "list")
    assert code == 0, err
    return sorted(t["name"] for t in json.loads(out))


@pytest.fixture
def exported(cli, tmp_path) -> Path:
    """Two saved triggers and an export of them in which 'rsi' has since changed (period 21)."""
    assert cli("triggers", "add", "rsi", "--variable", "RSI", "--operator", "lt", "--value", "30")[0] == 0
    code = cli("triggers", "add", "ema", "--variable", "EMA", "--operator", "rising", "--candles", "3")[0]
    assert code == 0
    path = tmp_path / "t.json"
    assert cli("triggers", "export", "rsi", "ema", "-o", str(path))[0] == 0
    return path


def _change_rsi(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    for item in document["triggers"]:
        if item["name"] == "rsi":
            item["variable"]["params"]["period"] = 21
    path.write_text(json.dumps(document), encoding="utf-8")


def test_reimport_of_an_export_is_skipped_as_identical(cli, exported):
    before = _names(cli)
    code, out, err = cli("triggers", "import", str(exported))  # no terminal, no option: nothing to ask
    assert code == 0, err
    assert out.strip() == "2 skipped (identical)" and _names(cli) == before
    data = json.loads(cli("--json", "triggers", "import", str(exported))[1])
    assert sorted(data["identical"]) == ["ema", "rsi"] and data["imported"] == data["renamed"] == []


def test_a_changed_trigger_is_asked_about_on_a_terminal(cli, exported, monkeypatch):
    _change_rsi(exported)
    monkeypatch.setattr("sys.stdin", Terminal("y\n"))
    code, out, err = cli("triggers", "import", str(exported))
    assert code == 0, err
    assert "Trigger 'rsi' differs" in err and "variable: RSI(period=14) -> RSI(period=21)" in err
    assert "Import it as 'rsi (2)'?" in err and err.count("[y/N]") == 1  # asked once: ema is identical
    assert out.strip() == "1 imported under a new name, 1 skipped (identical)"
    assert "rsi (2)" in _names(cli)

    monkeypatch.setattr("sys.stdin", Terminal("n\n"))  # the same file again: 'rsi (2)' is its copy
    code, out, err = cli("triggers", "import", str(exported))
    assert code == 0 and "[y/N]" not in err and out.strip() == "2 skipped (identical)"
    assert _names(cli).count("rsi (2)") == 1 and "rsi (3)" not in _names(cli)


def test_without_a_terminal_a_conflict_needs_an_option(cli, exported):
    _change_rsi(exported)
    before = _names(cli)
    code, out, err = cli("triggers", "import", str(exported))
    assert code == 1 and out == ""
    assert "'rsi' differs" in err and "--on-conflict rename|skip|replace" in err and "--yes" in err
    assert _names(cli) == before

    code, out, err = cli("--json", "triggers", "import", str(exported), "--on-conflict", "skip")
    assert code == 0 and json.loads(out)["skipped"] == ["rsi"] and _names(cli) == before
    code, out, err = cli("--yes", "--json", "triggers", "import", str(exported))  # y to every question
    assert code == 0 and json.loads(out)["renamed"] == [{"from": "rsi", "to": "rsi (2)"}]
    code, out, err = cli("--json", "triggers", "import", str(exported), "--on-conflict", "replace")
    assert code == 0 and json.loads(out)["replaced"] == ["rsi"]  # overwrites, the earlier copy or not
    shown = json.loads(cli("--json", "triggers", "show", "rsi")[1])
    assert shown["variable"]["params"]["period"] == 21
