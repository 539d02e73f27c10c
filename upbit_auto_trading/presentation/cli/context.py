"""What every CLI command handler receives."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # imported by the composition root at run time; --help never pays for it
    from upbit_auto_trading.presentation.cli.services import CliServices


def _json_default(value: object) -> str:
    from datetime import date, datetime
    from decimal import Decimal
    from pathlib import Path

    if isinstance(value, datetime):  # every time in --json is UTC, written ...Z (aware or not, any zone)
        from upbit_auto_trading.presentation.cli.times import iso_z

        return iso_z(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


@dataclass
class CliContext:
    services: CliServices
    json: bool = False
    assume_yes: bool = False
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    stdin: TextIO = field(default_factory=lambda: sys.stdin)

    def emit(self, data: object, text: str | None = None) -> None:
        """With --json, exactly one JSON document on stdout; otherwise the human text (or the data)."""
        if self.json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, default=_json_default) + "\n")
        else:
            self.stdout.write((text if text is not None else str(data)).rstrip("\n") + "\n")

    def info(self, message: str) -> None:
        """Progress and notes for a person: stderr, so --json stdout stays one document."""
        self.stderr.write(message.rstrip("\n") + "\n")

    def confirm(self, question: str) -> bool:
        if self.assume_yes:
            return True
        if not self.stdin or not self.stdin.isatty():
            return False
        self.stderr.write(f"{question} [y/N] ")
        self.stderr.flush()
        return self.stdin.readline().strip().lower() in {"y", "yes"}
