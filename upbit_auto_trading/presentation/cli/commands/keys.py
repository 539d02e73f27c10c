"""``keys set | status | delete``: the Upbit API keys, encrypted at rest."""

from __future__ import annotations

import argparse
import getpass

from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError


def register(subparsers: argparse._SubParsersAction) -> None:
    keys = subparsers.add_parser("keys", help="Upbit API keys (stored encrypted)")
    sub = keys.add_subparsers(dest="keys_command", metavar="SUBCOMMAND", required=True)
    set_cmd = sub.add_parser("set", help="store the access and secret key (read from the terminal or stdin)")
    set_cmd.add_argument("--stdin", action="store_true", help="read two lines from stdin: access key, secret key")
    set_cmd.set_defaults(func=_set)
    sub.add_parser("status", help="whether keys are stored (access key masked)").set_defaults(func=_status)
    sub.add_parser("delete", help="remove the stored keys").set_defaults(func=_delete)


def _status_dict(status) -> dict:
    return {
        "stored": status.stored,
        "readable": status.readable,
        "access_key": status.masked_access_key,
        "updated_at": status.updated_at.isoformat().replace("+00:00", "Z") if status.updated_at else None,
    }


def _set(ctx: CliContext, args: argparse.Namespace) -> int:
    if args.stdin or not ctx.stdin.isatty():
        lines = [ctx.stdin.readline().strip(), ctx.stdin.readline().strip()]
    else:
        lines = [getpass.getpass("Access key: "), getpass.getpass("Secret key: ")]
    if not all(lines):
        raise CliError("both the access key and the secret key are needed (two lines)")
    status = ctx.container.secrets.save_api_keys().execute(lines[0], lines[1])
    ctx.emit(_status_dict(status), f"keys saved (access key {status.masked_access_key})")
    return 0


def _status(ctx: CliContext, args: argparse.Namespace) -> int:
    status = ctx.container.secrets.get_api_key_status().execute()
    if not status.stored:
        text = "no keys stored: paper trading and public data only"
    elif not status.readable:
        text = "keys stored but unreadable (the master key changed): set them again"
    else:
        text = f"keys stored (access key {status.masked_access_key}, updated {status.updated_at:%Y-%m-%d %H:%M} UTC)"
    ctx.emit(_status_dict(status), text)
    return 0


def _delete(ctx: CliContext, args: argparse.Namespace) -> int:
    if not ctx.confirm("Delete the stored Upbit API keys?"):
        raise CliError("not confirmed (use --yes)")
    deleted = ctx.container.secrets.delete_api_keys().execute()
    ctx.emit({"deleted": deleted}, "keys deleted" if deleted else "no keys were stored")
    return 0
