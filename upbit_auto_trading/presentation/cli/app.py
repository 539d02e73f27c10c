"""Argument parsing and the one outer handler that maps errors to exit codes."""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from upbit_auto_trading import __version__
from upbit_auto_trading.application.errors import ApplicationError
from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.presentation.cli import commands
from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError

if TYPE_CHECKING:
    from upbit_auto_trading.presentation.cli.services import CliServices

log = logging.getLogger(__name__)

# Builds the application for the parsed command line (entrypoints/cli.py): called once a command is known,
# so --help, --version and usage errors build nothing.
ServicesFactory = Callable[[argparse.Namespace], "CliServices"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, no usage dump
        raise CliError(f"{self.prog}: {message}", exit_code=2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="upbit-auto-trading", description="Upbit auto-trading workstation (command line)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--home", help="application home (data, config, logs, backups)")
    parser.add_argument("--profile", help="database profile to use for this command")
    parser.add_argument("--json", action="store_true", help="print exactly one JSON document on stdout")
    parser.add_argument("--yes", "-y", action="store_true", help="answer yes to confirmations")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if module_info.name.endswith("_views"):  # a command's text output: imported by the command that runs
            continue
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


_GLOBAL_FLAGS = ("--json", "--yes", "-y")


def hoist_global_flags(argv: Sequence[str]) -> list[str]:
    """Accept the flag-only global options anywhere (``triggers eval X --json``) by moving them first.

    Options that take a value (``--home``, ``--profile``) must still come before the command.
    """
    args = list(argv)
    end = args.index("--") if "--" in args else len(args)
    flags = [a for a in args[:end] if a in _GLOBAL_FLAGS]
    rest = [a for a in args[:end] if a not in _GLOBAL_FLAGS]
    return flags + rest + args[end:]


def run(argv: Sequence[str], services_factory: ServicesFactory) -> int:
    ctx: CliContext | None = None
    try:
        parser = build_parser()
        args = parser.parse_args(hoist_global_flags(argv))
        handler = getattr(args, "func", None)
        if handler is None:
            parser.print_help(sys.stderr)
            return 2
        ctx = CliContext(services=services_factory(args), json=args.json, assume_yes=args.yes)
        result = handler(ctx, args)
        return int(result or 0)
    except CliError as exc:
        _fail(str(exc))
        return exc.exit_code
    except (ApplicationError, DomainError) as exc:
        _fail(str(exc))
        return 1
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except Exception as exc:  # the outer handler: never a traceback on the terminal
        if type(exc).__module__.startswith("upbit_auto_trading"):
            _fail(str(exc))
        else:
            log.exception("unexpected error in the CLI")
            _fail(f"unexpected error: {type(exc).__name__}: {exc}")
        return 1


def _fail(message: str) -> None:
    sys.stderr.write("error: " + " ".join(message.split()) + "\n")
