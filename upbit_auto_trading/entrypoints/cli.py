"""Console script ``upbit-auto-trading``: build the container and hand it to the CLI."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from upbit_auto_trading.container.bootstrap import build_container
from upbit_auto_trading.presentation.cli.app import run


def _container(args: argparse.Namespace):
    container = build_container(home=args.home, profile=args.profile)
    from upbit_auto_trading.container.logging_setup import configure_logging
    from upbit_auto_trading.container.startup import startup

    configure_logging(container, console=False)
    startup(container)
    return container


def main(argv: Sequence[str] | None = None) -> int:
    return run(sys.argv[1:] if argv is None else argv, _container)


if __name__ == "__main__":
    raise SystemExit(main())
