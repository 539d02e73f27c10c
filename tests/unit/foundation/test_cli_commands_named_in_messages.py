"""Every CLI command a message or a docstring names in backticks exists (issue 13: messages sent users to a
`data download` that was never a command)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from upbit_auto_trading.presentation.cli.app import build_parser

PACKAGE = Path(__file__).resolve().parents[3] / "upbit_auto_trading"
DOCS = Path(__file__).resolve().parents[3] / "docs"
NAMED = re.compile(r"`(?:upbit-auto-trading )?([a-z][a-z-]*) ([a-z][a-z-]*)\b[^`]*`")


def _commands() -> dict[str, set[str]]:
    parser = build_parser()
    commands: dict[str, set[str]] = {}
    for action in parser._actions:  # argparse keeps subparsers here; no public accessor
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                subs: set[str] = set()
                for inner in sub._actions:
                    if isinstance(inner, argparse._SubParsersAction):
                        subs |= set(inner.choices)
                commands[name] = subs
    return commands


def test_every_command_named_in_the_code_and_docs_exists() -> None:
    commands = _commands()
    assert "data" in commands and "fetch" in commands["data"]
    wrong = []
    files = [*PACKAGE.rglob("*.py"), *DOCS.rglob("*.md")]
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for top, sub in NAMED.findall(line):
                if top in commands and commands[top] and sub not in commands[top]:
                    wrong.append(f"{path.relative_to(PACKAGE.parent)}:{number}: `{top} {sub}`")
    assert not wrong, "commands that do not exist:\n" + "\n".join(wrong)
