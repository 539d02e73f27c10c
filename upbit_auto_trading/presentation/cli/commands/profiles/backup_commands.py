"""``backup create | list | verify | restore | delete | export | import``."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from upbit_auto_trading.application.profiles.create_backup import CreateBackupCommand
from upbit_auto_trading.domain.work import Progress
from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError

if TYPE_CHECKING:
    from upbit_auto_trading.application.profiles.restore_backup import RestorePlan

EXIT_HELD = 3

Handler = Callable[[CliContext, argparse.Namespace], int]


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="one JSON document on stdout"
    )
    parser.add_argument("--yes", "-y", action="store_true", default=argparse.SUPPRESS, help="answer yes")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser("backup", help="back up, verify and restore the profile's databases")
    sub = group.add_subparsers(dest="backup_command", metavar="SUBCOMMAND", required=True)

    # (name, help, positional arguments, handler); options beyond the common ones are added below
    commands: list[tuple[str, str, tuple[tuple[str, str | None], ...], Handler]] = [
        ("create", "back up the active profile (online: the app may keep running)", (), _create),
        ("list", "every backup, newest first", (), _list),
        ("verify", "checksums, integrity check, tables and schema version of a backup", (("id", None),), _verify),
        ("restore", "restore a backup into the active profile (or --into another)", (("id", None),), _restore),
        ("delete", "delete a backup", (("id", None),), _delete),
        ("export", "write a backup as one archive file",
         (("id", None), ("destination", "a file name or a folder")), _export),
        ("import", "add a backup archive to the list (verified)", (("archive", None),), _import),
    ]  # fmt: skip
    parsers: dict[str, argparse.ArgumentParser] = {}
    for name, text, positionals, handler in commands:
        p = sub.add_parser(name, help=text)
        for argument, argument_help in positionals:
            p.add_argument(argument, help=argument_help)
        _common(p)
        p.set_defaults(func=handler)
        parsers[name] = p
    parsers["create"].add_argument("--note", default="")
    parsers["list"].add_argument("--of", dest="of_profile", help="only the backups of this profile")
    parsers["restore"].add_argument("--into", help="profile to restore into (default: the active one)")


def _backup_text(b: dict[str, Any]) -> str:
    verified = {True: "verified", False: "FAILED", None: "unverified"}[b.get("verified")]
    note = f"  {b['note']}" if b.get("note") else ""
    return f"{b['id']}  {b['kind']:<11} {b['profile']:<12} {b['bytes'] / 1e6:8.1f} MB  {verified}{note}"


def _create(ctx: CliContext, args: argparse.Namespace) -> int:
    summary = ctx.services.profiles.create_backup().execute(CreateBackupCommand(note=args.note))
    data = summary.to_dict()
    ctx.emit(
        {"id": data["id"], "path": data["path"], "files": data["files"]},
        f"backup {summary.id} written to {summary.path}",
    )
    return 0


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    backups = [b.to_dict() for b in ctx.services.profiles.list_backups().execute(args.of_profile)]
    ctx.emit(backups, "\n".join(_backup_text(b) for b in backups) or "no backups")
    return 0


def _verify(ctx: CliContext, args: argparse.Namespace) -> int:
    result = ctx.services.profiles.verify_backup().execute(args.id)
    text = "backup OK" if result.ok else "PROBLEMS:\n" + "\n".join(f"  {p}" for p in result.problems)
    ctx.emit(result.to_dict(), text)
    return 0 if result.ok else 1


def verification_warning(plan: RestorePlan) -> str:
    """One sentence when the backup failed its last verification, else ""."""
    if not plan.failed_verification:
        return ""
    found = "; ".join(plan.verification_problems[:3]) or "problems"
    more = f" (+{len(plan.verification_problems) - 3} more)" if len(plan.verification_problems) > 3 else ""
    return (
        f"WARNING: backup {plan.backup_id} FAILED verification"
        + (f" on {plan.verified_at}" if plan.verified_at else "")
        + f": {found}{more}. The restore verifies it again first and stops, changing nothing, if it still fails"
    )


def _confirm_restore(ctx: CliContext, plan: RestorePlan) -> None:
    warning = verification_warning(plan)
    if ctx.assume_yes:
        if warning:
            ctx.info(f"{warning}.")
        return
    question = (
        f"Restore {plan.backup_id} into profile '{plan.target_profile_id}'? Its current data is replaced"
    )
    not_confirmed = "not confirmed; nothing was restored" + (
        f" (backup {plan.backup_id} FAILED verification)" if warning else ""
    )
    if warning:
        question = f"{warning}.\n{question}"
    if plan.needs_typed_confirmation:
        if not ctx.stdin or not ctx.stdin.isatty():
            raise CliError(f"{not_confirmed} (use --yes)")
        ctx.stderr.write(
            f"{question} ({plan.backup_environment} backup into a {plan.target_environment} profile).\n"
            f"Type the profile id '{plan.target_profile_id}' to confirm: "
        )
        ctx.stderr.flush()
        if ctx.stdin.readline().strip() != plan.target_profile_id:
            raise CliError(not_confirmed)
        return
    if not ctx.confirm(question + " (a pre-restore backup is taken first)."):
        raise CliError(f"{not_confirmed} (use --yes)")


def _restore(ctx: CliContext, args: argparse.Namespace) -> int:
    use_case = ctx.services.profiles.restore_backup()
    plan = use_case.plan(args.id, args.into)
    _confirm_restore(ctx, plan)

    def progress(step: Progress) -> None:  # on stderr: --json keeps stdout one document
        ctx.info(f"restore: {step.fraction * 100:3.0f}% {step.message}")

    result = asyncio.run(use_case.execute(args.id, args.into, progress=progress))
    data = result.to_dict()
    if result.status == "held":
        ctx.emit(data, f"held: {result.reason}")
        return EXIT_HELD
    if result.status != "applied":
        raise CliError(f"restore refused: {result.reason}")
    ctx.emit(
        data,
        f"restored {args.id} into {plan.target_profile_id} (pre-restore backup {data.get('pre_restore_backup')})",
    )
    return 0


def _delete(ctx: CliContext, args: argparse.Namespace) -> int:
    if not ctx.confirm(f"Delete backup {args.id}?"):
        raise CliError("not confirmed; nothing was deleted (use --yes)")
    ctx.services.profiles.delete_backup().execute(args.id)
    ctx.emit({"deleted": args.id}, f"deleted backup {args.id}")
    return 0


def _export(ctx: CliContext, args: argparse.Namespace) -> int:
    destination = Path(args.destination).expanduser().resolve()
    path = ctx.services.profiles.export_backup().execute(args.id, destination)
    ctx.emit({"id": args.id, "archive": str(path)}, f"exported to {path}")
    return 0


def _import(ctx: CliContext, args: argparse.Namespace) -> int:
    summary = ctx.services.profiles.import_backup().execute(Path(args.archive).expanduser().resolve())
    ctx.emit(summary.to_dict(), f"imported backup {summary.id} (verified)")
    return 0
