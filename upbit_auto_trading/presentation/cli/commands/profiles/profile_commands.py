"""``profiles list | create | edit | delete | switch``: the database profiles."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from upbit_auto_trading.application.profiles.change_database_location import (
    ChangeLocationCommand,
)
from upbit_auto_trading.application.profiles.create_profile import CreateProfileCommand
from upbit_auto_trading.application.profiles.edit_profile import EditProfileCommand
from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError

EXIT_HELD = 3
DATABASES = ("settings", "strategies", "market_data")


def _common(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: given after the subcommand they set the flag; absent they keep the top-level value
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="one JSON document on stdout"
    )
    parser.add_argument("--yes", "-y", action="store_true", default=argparse.SUPPRESS, help="answer yes")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser(
        "profiles", help="database profiles (development, testing, production, ...)"
    )
    sub = group.add_subparsers(dest="profiles_command", metavar="SUBCOMMAND", required=True)

    p = sub.add_parser("list", help="every profile, the active one marked")
    p.add_argument(
        "--health", action="store_true", help="also sizes, schema versions and problems of the files"
    )
    _common(p)
    p.set_defaults(func=_list)

    p = sub.add_parser("create", help="create a profile")
    p.add_argument("id", help="3-40 characters: a-z, 0-9, '-', '_'")
    p.add_argument("--name", default="")
    p.add_argument("--environment", default="development", help="development | testing | production")
    p.add_argument("--description", default="")
    p.add_argument("--folder", help="keep its databases in this folder (default: <home>/data/<id>)")
    _common(p)
    p.set_defaults(func=_create)

    p = sub.add_parser("edit", help="rename, describe, re-classify or move a profile")
    p.add_argument("id")
    p.add_argument("--name")
    p.add_argument("--description")
    p.add_argument("--environment")
    move = p.add_mutually_exclusive_group()
    move.add_argument("--move-to", help="move its database files to this folder")
    move.add_argument("--copy-to", help="copy its database files to this folder and use the copies")
    _common(p)
    p.set_defaults(func=_edit)

    p = sub.add_parser("delete", help="delete a profile that is not active (its backups are kept)")
    p.add_argument("id")
    p.add_argument("--delete-files", action="store_true", help="also delete its database files")
    _common(p)
    p.set_defaults(func=_delete)

    p = sub.add_parser("switch", help="make a profile active (held while a trade is live)")
    p.add_argument("id")
    _common(p)
    p.set_defaults(func=_switch)


def _profile_text(p: dict[str, Any]) -> str:
    mark = "*" if p["active"] else " "
    lines = [f"{mark} {p['id']:<16} {p['environment']:<12} {p['name']}"]
    for name, path in p["databases"].items():
        health = p.get("health", {}).get(name)
        extra = ""
        if health:
            state = "missing" if not health["exists"] else (health["problem"] or "ok")
            extra = f"  [{state}, {health['bytes']} bytes, v{health['schema_version']}]"
        lines.append(f"    {name:<12} {path}{extra}")
    return "\n".join(lines)


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    profiles = [p.to_dict() for p in ctx.services.profiles.list_profiles().execute(with_health=args.health)]
    ctx.emit(profiles, "\n".join(_profile_text(p) for p in profiles))
    return 0


def _create(ctx: CliContext, args: argparse.Namespace) -> int:
    paths = {}
    if args.folder:
        folder = Path(args.folder).expanduser().resolve()
        paths = {name: folder / f"{name}.sqlite3" for name in DATABASES}
    use = ctx.services.profiles
    profile = use.create_profile().execute(
        CreateProfileCommand(args.id, args.name or args.id, args.environment, args.description, paths)
    )
    data = next(p.to_dict() for p in use.list_profiles().execute() if p.id == profile.id)
    ctx.emit(data, f"created profile {profile.id} ({profile.environment.value})")
    return 0


def _edit(ctx: CliContext, args: argparse.Namespace) -> int:
    use = ctx.services.profiles
    if any(v is not None for v in (args.name, args.description, args.environment)):
        use.edit_profile().execute(EditProfileCommand(args.id, args.name, args.description, args.environment))
    target = args.move_to or args.copy_to
    if target:
        use.change_location().execute(ChangeLocationCommand(args.id, Path(target), move=bool(args.move_to)))
    data = next((p.to_dict() for p in use.list_profiles().execute() if p.id == args.id), None)
    if data is None:
        raise CliError(f"no profile '{args.id}'")
    ctx.emit(data, _profile_text(data))
    return 0


def _delete(ctx: CliContext, args: argparse.Namespace) -> int:
    what = "and its database files " if args.delete_files else ""
    if not ctx.confirm(f"Delete profile '{args.id}' {what}(backups are kept)?"):
        raise CliError("not confirmed; nothing was deleted (use --yes)")
    ctx.services.profiles.delete_profile().execute(args.id, delete_files=args.delete_files)
    ctx.emit({"deleted": args.id}, f"deleted profile {args.id}")
    return 0


def _switch(ctx: CliContext, args: argparse.Namespace) -> int:
    result = asyncio.run(ctx.services.profiles.switch_profile().execute(args.id))
    data = {"profile": args.id, **result.to_dict()}
    if result.status == "held":
        ctx.emit(data, f"held: {result.reason}")
        return EXIT_HELD
    if result.status != "applied":
        raise CliError(f"switch refused: {result.reason}")
    ctx.emit(data, f"active profile: {args.id}")
    return 0
