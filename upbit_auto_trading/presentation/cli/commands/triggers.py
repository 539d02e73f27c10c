"""``triggers list | show | add | edit | delete | eval | export | import``."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from upbit_auto_trading.application.trigger.dto import TriggerDraft, trigger_to_dict
from upbit_auto_trading.application.trigger.errors import TriggerInUseError
from upbit_auto_trading.application.trigger.import_triggers import (
    ON_CONFLICT,
    ConflictChoice,
    ConflictResolver,
    TriggerConflict,
)
from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError

OPERATOR_HELP = "gt ge lt le eq ne approx crosses_above crosses_below rising falling (or > >= < <= == != ~=)"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    triggers = subparsers.add_parser("triggers", help="saved triggers: manage, evaluate, export, import")
    sub = triggers.add_subparsers(dest="triggers_command", metavar="SUBCOMMAND", required=True)

    listing = sub.add_parser("list", help="saved triggers")
    listing.add_argument("--search", default="", help="filter by name, description or variable")
    listing.set_defaults(func=_list)

    show = sub.add_parser("show", help="one trigger, with the strategies that use it (used_by)")
    show.add_argument("name")
    show.set_defaults(func=_show)

    add = sub.add_parser("add", help="save a new trigger")
    add.add_argument("name")
    _condition_options(add, required=True)
    add.set_defaults(func=_add)

    edit = sub.add_parser(
        "edit",
        help="change a saved trigger (only the options given); a rename also renames the references in the"
        " strategies that use it (each saved as a new version)",
    )
    edit.add_argument("name")
    edit.add_argument("--rename", help="new name (strategies using the trigger follow it)")
    _condition_options(edit, required=False)
    edit.set_defaults(func=_edit)

    delete = sub.add_parser(
        "delete", help="delete a trigger (asks; --yes to skip); refused while a strategy uses it"
    )
    delete.add_argument("name")
    delete.set_defaults(func=_delete)

    evaluate = sub.add_parser("eval", help="candles where a trigger fires")
    evaluate.add_argument("name")
    evaluate.add_argument("--market", required=True, help="e.g. KRW-BTC")
    evaluate.add_argument("--timeframe", help="candle timeframe (default: the trigger's)")
    evaluate.add_argument("--from", dest="start", help="first candle start, ISO-8601 UTC (date or date-time)")
    evaluate.add_argument("--to", dest="end", help="last candle start, ISO-8601 UTC")
    evaluate.set_defaults(func=_eval)

    export = sub.add_parser("export", help="write triggers as JSON (all, or the names given)")
    export.add_argument("names", nargs="*")
    export.add_argument("--output", "-o", help="file to write (default: stdout)")
    export.set_defaults(func=_export)

    imp = sub.add_parser(
        "import",
        help="read triggers from an export file; one identical to the saved one of its name is skipped, a"
        " different one is asked about (y: import as 'name (2)', n: skip; --yes: y to all)",
    )
    imp.add_argument("file")
    imp.add_argument(
        "--on-conflict",
        choices=ON_CONFLICT,
        help="for every trigger that differs from the saved one of its name, without asking: rename (save as"
        " 'name (2)'), skip (keep the saved one) or replace (overwrite it; strategies using it follow)",
    )
    imp.set_defaults(func=_import)

    for parser in (listing, show, add, edit, delete, evaluate, export, imp):
        add_json_flag(parser)


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    """Accept ``--json`` after the subcommand too (scripts write ``triggers eval ... --json``)."""
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="one JSON document on stdout"
    )


def _condition_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--variable", required=required, help="variable id, e.g. RSI (see `variables list`)")
    parser.add_argument(
        "--param", action="append", default=[], metavar="KEY=VALUE", help="variable parameter"
    )
    parser.add_argument("--operator", required=required, help=OPERATOR_HELP)
    parser.add_argument("--value", help="fixed value to compare with")
    parser.add_argument("--target", help="target variable id (instead of --value)")
    parser.add_argument("--target-param", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--timeframe", help="the trigger's candle timeframe (default 1h)")
    parser.add_argument("--description")
    parser.add_argument("--usage", choices=("signal", "management"))
    parser.add_argument("--tolerance", type=float, help="~= tolerance in percent (default 1)")
    parser.add_argument("--candles", type=int, help="N for rising/falling")


def _pairs(items: list[str], option: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CliError(f"{option} takes KEY=VALUE; got {item!r}", exit_code=2)
        result[key.strip()] = value.strip()
    return result


def _apply(draft: TriggerDraft, args: argparse.Namespace) -> TriggerDraft:
    if args.variable:
        if args.variable.upper() != draft.variable_id:
            draft.params = {}
        draft.variable_id = args.variable.upper()
    draft.params.update(_pairs(args.param, "--param"))
    if args.operator:
        draft.operator = args.operator
    if args.value is not None and args.target:
        raise CliError("give either --value or --target, not both", exit_code=2)
    if args.value is not None:
        draft.value, draft.target_variable_id, draft.target_params = args.value, None, {}
    if args.target:
        if args.target.upper() != (draft.target_variable_id or ""):
            draft.target_params = {}
        draft.value, draft.target_variable_id = None, args.target.upper()
    draft.target_params.update(_pairs(args.target_param, "--target-param"))
    for attribute in ("timeframe", "description", "usage"):
        if getattr(args, attribute):
            setattr(draft, attribute, getattr(args, attribute))
    _apply_operator_params(draft, args)
    return draft


def _apply_operator_params(draft: TriggerDraft, args: argparse.Namespace) -> None:
    """--tolerance / --candles (or rising/falling's --value, read as candles), kept only for an operator
    that takes them."""
    if args.tolerance is not None:
        draft.operator_params = {"percent": args.tolerance}
    if args.candles is not None:
        draft.operator_params = {"candles": args.candles}
    if draft.operator in ("rising", "falling") and args.candles is None and args.value is not None:
        draft.operator_params, draft.value = {"candles": args.value}, None
    if draft.operator not in ("approx", "~=") and "percent" in draft.operator_params:
        draft.operator_params = {}
    if draft.operator not in ("rising", "falling") and "candles" in draft.operator_params:
        draft.operator_params = {}


def _line(item: dict[str, Any]) -> str:
    return f"{item['name']:<24} {item['timeframe']:<4} {item['summary']}"


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    items = [trigger_to_dict(c) for c in ctx.services.triggers.list_triggers().execute(args.search)]
    ctx.emit(items, "\n".join(_line(i) for i in items) if items else "no triggers")
    return 0


def _show(ctx: CliContext, args: argparse.Namespace) -> int:
    item = trigger_to_dict(ctx.services.triggers.get_trigger().execute(args.name))
    item["used_by"] = ctx.services.triggers.find_trigger_users().execute(args.name)
    ctx.emit(item, json.dumps(item, ensure_ascii=False, indent=2))
    return 0


def _add(ctx: CliContext, args: argparse.Namespace) -> int:
    if args.value is None and not args.target and args.operator not in ("rising", "falling"):
        raise CliError("give --value or --target", exit_code=2)
    draft = _apply(TriggerDraft(name=args.name, variable_id="", operator=""), args)
    item = trigger_to_dict(ctx.services.triggers.create_trigger().execute(draft))
    ctx.emit(item, f"saved: {_line(item)}")
    return 0


def _edit(ctx: CliContext, args: argparse.Namespace) -> int:
    existing = ctx.services.triggers.get_trigger().execute(args.name)
    draft = _apply(TriggerDraft.from_condition(existing), args)
    if args.rename:
        draft.name = args.rename
    edited = ctx.services.triggers.edit_trigger().execute(args.name, draft)
    item = trigger_to_dict(edited.condition)
    item["updated_strategies"] = list(edited.updated_strategies)
    text = f"saved: {_line(item)}"
    if edited.updated_strategies:
        text += f"\nrenamed in {len(edited.updated_strategies)} strategy(ies), each saved as a new version: "
        text += ", ".join(edited.updated_strategies)
    ctx.emit(item, text)
    return 0


def _delete(ctx: CliContext, args: argparse.Namespace) -> int:
    users = ctx.services.triggers.find_trigger_users().execute(args.name)
    if users:  # checked before asking; the use case refuses it too
        raise TriggerInUseError(args.name, users)
    if not ctx.confirm(f"Delete trigger {args.name!r}?"):
        raise CliError("not deleted (confirm, or pass --yes before the command)")
    ctx.services.triggers.delete_trigger().execute(args.name)
    ctx.emit({"deleted": args.name}, f"deleted {args.name}")
    return 0


def _when(text: str | None, option: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise CliError(f"{option} takes an ISO-8601 date or date-time; got {text!r}", exit_code=2) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _eval(ctx: CliContext, args: argparse.Namespace) -> int:
    start, end = _when(args.start, "--from"), _when(args.end, "--to")
    if start is not None and end is not None and start > end:  # refused before any candle is read or cached
        raise CliError(
            f"--from {args.start} is after --to {args.end}: the start must not be after the end", exit_code=2
        )
    triggers = ctx.services.triggers
    condition = triggers.get_trigger().execute(args.name)
    result = triggers.evaluate_trigger().execute(condition, args.market, args.timeframe, start, end)
    fired = [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in result.fired_times()]
    text = "\n".join(
        [*fired, f"{len(fired)} of {len(result.candles)} candles fired ({condition.describe()})"]
    )
    ctx.emit({"count": len(fired), "fired": fired}, text)
    return 0


def _export(ctx: CliContext, args: argparse.Namespace) -> int:
    document = ctx.services.triggers.export_triggers().execute(args.names)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        ctx.emit(
            {"exported": len(document["triggers"]), "file": args.output},
            f"exported {len(document['triggers'])} triggers to {args.output}",
        )
    else:
        ctx.emit(document, text)
    return 0


def _import(ctx: CliContext, args: argparse.Namespace) -> int:
    try:
        document = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror}") from exc
    except ValueError as exc:  # JSONDecodeError, not UTF-8, or an integer of more than 4,300 digits
        raise CliError(f"{args.file} is not a usable JSON file: {exc}") from exc
    result = ctx.services.triggers.import_triggers().execute(document, _on_conflict(ctx, args))
    data = {
        "imported": result.imported,
        "renamed": [{"from": old, "to": new} for old, new in result.renamed],
        "replaced": result.replaced,
        "skipped": result.skipped,
        "identical": result.identical,
    }
    ctx.emit(data, result.summary())
    return 0


def _on_conflict(ctx: CliContext, args: argparse.Namespace) -> str | ConflictResolver:
    """The option when given; else --yes answers y (rename) to every question; else ask on the terminal.
    Without a terminal nothing is imported: a script says what it wants (skipping silently would lose data)."""
    if args.on_conflict:
        return str(args.on_conflict)
    if ctx.assume_yes:
        return ConflictChoice.RENAME
    interactive = bool(ctx.stdin) and ctx.stdin.isatty()

    def ask(conflict: TriggerConflict) -> ConflictChoice:
        if not interactive:
            raise CliError(
                f"trigger {conflict.name!r} differs from the saved one ({'; '.join(conflict.differences)});"
                " nothing imported: pass --on-conflict rename|skip|replace, or --yes to import such triggers"
                " under a new name"
            )
        ctx.info(f"Trigger {conflict.name!r} differs from the saved one:")
        for line in conflict.differences:
            ctx.info(f"  {line}")
        renamed = ctx.confirm(f"Import it as {conflict.rename_to!r}? (n: skip it, keep the saved one)")
        return ConflictChoice.RENAME if renamed else ConflictChoice.SKIP

    return ask
