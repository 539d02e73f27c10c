"""``info`` and ``db check``."""

from __future__ import annotations

import argparse

from upbit_auto_trading.presentation.cli.context import CliContext


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    info = subparsers.add_parser("info", help="version, home, active profile and its databases")
    info.set_defaults(func=_info)

    db = subparsers.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="SUBCOMMAND", required=True)
    check = db_sub.add_parser("check", help="integrity check and schema version of each database")
    check.set_defaults(func=_db_check)


def _info(ctx: CliContext, args: argparse.Namespace) -> int:
    info = ctx.services.system.get_system_info().execute()
    lines = [
        f"upbit-auto-trading {info.version}",
        f"home:    {info.home}",
        f"profile: {info.profile} ({info.environment})",
    ]
    lines += [f"  {d.name:<12} v{d.schema_version:<4} {d.path}" for d in info.databases]
    ctx.emit(info.to_dict(), "\n".join(lines))
    return 0


def _db_check(ctx: CliContext, args: argparse.Namespace) -> int:
    report = ctx.services.system.check_databases().execute()
    lines = [
        f"{d.name:<12} {d.integrity:<6} schema v{d.schema_version} (latest v{d.latest_version})" for d in report.databases
    ]
    lines.append("all databases OK" if report.ok else "PROBLEMS FOUND")
    ctx.emit(report.to_dict(), "\n".join(lines))
    return 0 if report.ok else 1
