"""``keys set | status | unlock | delete``: the Upbit API keys, encrypted at rest.

Keys and passphrases are read without echo (a terminal) or from stdin lines (scripts), never from the
command line, where other users' ``ps`` and the shell history would see them.
"""

from __future__ import annotations

import argparse
import getpass
import os

from upbit_auto_trading.application.credentials.errors import PASSPHRASE_ENV
from upbit_auto_trading.application.credentials.ports import CredentialStatus
from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = subparsers.add_parser("keys", help="Upbit API keys (stored encrypted)")
    sub = keys.add_subparsers(dest="keys_command", metavar="SUBCOMMAND", required=True)
    set_cmd = sub.add_parser("set", help="store the access and secret key (read from the terminal or stdin)")
    set_cmd.add_argument(
        "--stdin", action="store_true",
        help="read lines from stdin: access key, secret key (and the passphrase, with --passphrase)",
    )  # fmt: skip
    set_cmd.add_argument(
        "--passphrase", action="store_true",
        help=f"protect the keys with a passphrase instead of the master key (asked twice; or {PASSPHRASE_ENV})",
    )  # fmt: skip
    set_cmd.set_defaults(func=_set)
    sub.add_parser("status", help="whether keys are stored, and where their master key is kept").set_defaults(
        func=_status
    )
    sub.add_parser(
        "unlock", help=f"check the passphrase of passphrase-protected keys (asked; or {PASSPHRASE_ENV})"
    ).set_defaults(func=_unlock)
    sub.add_parser("delete", help="remove the stored keys").set_defaults(func=_delete)


def _status_dict(status: CredentialStatus) -> dict[str, object]:
    return {
        "stored": status.stored,
        "readable": status.readable,
        "access_key": status.masked_access_key,
        "updated_at": status.updated_at.isoformat().replace("+00:00", "Z") if status.updated_at else None,
        "protection": status.protection,
        "location": status.location,
        "locked": status.locked,
        "problem": status.problem,
    }


def _where(status: CredentialStatus) -> str:
    """The line of `keys status` that says what opens the keys: the OS keyring, the key file, a passphrase."""
    if status.protection == "passphrase":
        return f"protected by {status.location or 'a passphrase'}"
    if not status.location:
        return ""
    label = "master key" if status.stored else "master key for new keys"
    return f"{label}: {'file ' if status.protection == 'file' else ''}{status.location}"


def _status_text(status: CredentialStatus) -> str:
    if not status.stored:
        text = "no keys stored: paper trading and public data only"
    elif not status.readable:
        text = f"keys stored but unreadable: {status.problem}"
    else:
        text = f"keys stored (access key {status.masked_access_key}, updated {status.updated_at:%Y-%m-%d %H:%M} UTC)"
    where = _where(status)
    return f"{text}\n{where}" if where else text


def _is_terminal(ctx: CliContext) -> bool:
    return bool(ctx.stdin) and ctx.stdin.isatty()


def _read_keys(ctx: CliContext, args: argparse.Namespace) -> tuple[str, str]:
    if args.stdin or not _is_terminal(ctx):
        lines = [ctx.stdin.readline().strip(), ctx.stdin.readline().strip()]
    else:
        lines = [getpass.getpass("Access key: "), getpass.getpass("Secret key: ")]
    if not all(lines):
        raise CliError("both the access key and the secret key are needed (two lines)")
    return lines[0], lines[1]


def _read_new_passphrase(ctx: CliContext, args: argparse.Namespace) -> str:
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    if args.stdin or not _is_terminal(ctx):
        line = ctx.stdin.readline().rstrip("\r\n")
        if not line:
            raise CliError(f"--passphrase needs a third line on stdin (the passphrase) or {PASSPHRASE_ENV}")
        return line
    first = getpass.getpass("New passphrase (not echoed): ")
    if getpass.getpass("The same passphrase again: ") != first:
        raise CliError("the two passphrases differ; nothing was saved")
    return first


def _read_passphrase(ctx: CliContext) -> str:
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    if _is_terminal(ctx):
        return getpass.getpass("Passphrase (not echoed): ")
    line = ctx.stdin.readline().rstrip("\r\n") if ctx.stdin else ""
    if not line:
        raise CliError(f"no passphrase given: type it in a terminal, send it as one line on stdin, or set {PASSPHRASE_ENV}")
    return line


def _is_production(ctx: CliContext) -> bool:
    try:
        return ctx.services.keys.active_environment() == "production"
    except Exception:  # noqa: BLE001 - only decides whether to print a hint
        return False


def _set(ctx: CliContext, args: argparse.Namespace) -> int:
    access, secret = _read_keys(ctx, args)
    passphrase = _read_new_passphrase(ctx, args) if args.passphrase else None
    status = ctx.services.keys.save_api_keys().execute(access, secret, passphrase)
    if passphrase is None and _is_production(ctx):
        ctx.info(
            "note: on a production profile, `keys set --passphrase` keeps the keys unreadable to anyone with a "
            "copy of this home or its backups"
        )
    ctx.emit(_status_dict(status), f"keys saved (access key {status.masked_access_key})\n{_where(status)}")
    return 0


def _status(ctx: CliContext, args: argparse.Namespace) -> int:
    status = ctx.services.keys.get_api_key_status().execute()
    ctx.emit(_status_dict(status), _status_text(status))
    return 0


def _unlock(ctx: CliContext, args: argparse.Namespace) -> int:
    keys = ctx.services.keys
    status = keys.get_api_key_status().execute()
    if not status.stored:
        ctx.emit(_status_dict(status), "no keys stored: nothing to unlock")
        return 0
    if status.protection != "passphrase":
        ctx.emit(_status_dict(status), f"the stored keys are not protected by a passphrase\n{_status_text(status)}")
        return 0
    status = keys.unlock_api_keys().execute(_read_passphrase(ctx))  # WrongPassphraseError: exit 1
    if not status.readable:
        raise CliError(status.problem or "the stored keys cannot be read")
    ctx.emit(_status_dict(status), f"passphrase accepted\n{_status_text(status)}")
    return 0


def _delete(ctx: CliContext, args: argparse.Namespace) -> int:
    if not ctx.confirm("Delete the stored Upbit API keys?"):
        raise CliError("not confirmed (use --yes)")
    deleted = ctx.services.keys.delete_api_keys().execute()
    ctx.emit({"deleted": deleted}, "keys deleted" if deleted else "no keys were stored")
    return 0
