"""Console script ``upbit-auto-trading``: build the application for the command and hand it to the CLI."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from upbit_auto_trading.presentation.cli.app import run

if TYPE_CHECKING:
    from upbit_auto_trading.presentation.cli.services import CliServices


def _services(args: argparse.Namespace) -> CliServices:
    # imported here, once a command is known: the container's imports are most of a start (~2 s), and
    # --help, --version and usage errors need none of it
    from upbit_auto_trading.container.cli import open_cli_services

    return open_cli_services(home=args.home, profile=args.profile)


def main(argv: Sequence[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv, _services)


if __name__ == "__main__":
    raise SystemExit(main())
