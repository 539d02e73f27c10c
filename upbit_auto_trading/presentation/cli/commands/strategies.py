"""``strategies list | show | add | export | import | duplicate | versions | delete``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from upbit_auto_trading.application.strategy.ports import StoredStrategy
from upbit_auto_trading.application.strategy.quick_form import quick_strategy_document
from upbit_auto_trading.domain.strategy import ExitTriggers, Strategy, TriggerGroups, strategy_to_dict
from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    strategies = subparsers.add_parser("strategies", help="saved strategies: list, show, add, export, delete")
    sub = strategies.add_subparsers(dest="strategies_command", metavar="SUBCOMMAND", required=True)

    listing = sub.add_parser("list", help="saved strategies")
    listing.add_argument("--search", default="", help="filter by name or description")
    listing.set_defaults(func=_list)

    show = sub.add_parser("show", help="one strategy (its JSON document and versions)")
    show.add_argument("name")
    show.add_argument("--version", type=int, help="an earlier version")
    show.set_defaults(func=_show)

    add = sub.add_parser(
        "add",
        help="save a strategy: --file F (JSON, docs/strategy-schema.md) or NAME --entry TRIGGER ... (quick form)",
    )
    add.add_argument("name", nargs="?", help="quick form: the new strategy's name")
    add.add_argument("--file", "-f", help="strategy JSON document to read")
    add.add_argument("--on-conflict", choices=("fail", "rename", "new_version"), default="fail",
                     help="--file only: when the name is taken")  # fmt: skip
    add.add_argument("--entry", action="append", default=[], metavar="TRIGGER",
                     help="entry trigger (repeat: all must hold, AND)")  # fmt: skip
    add.add_argument("--exit", action="append", default=[], metavar="TRIGGER",
                     help="exit trigger (repeat: any one exits, OR)")  # fmt: skip
    add.add_argument("--stop-loss", metavar="PCT", help="sell at -PCT %% from the average buy price")
    add.add_argument("--take-profit", metavar="PCT", help="sell at +PCT %% from the average buy price")
    add.add_argument("--trailing-stop", metavar="ACTIVATE_PCT:TRAIL_PCT",
                     help="after +ACTIVATE %%, sell TRAIL %% below the high, e.g. 5:3")  # fmt: skip
    add.add_argument("--size-pct", metavar="PCT", help="%% of cash per entry (default 100)")
    add.add_argument("--description", default="")
    add.set_defaults(func=_add)

    export = sub.add_parser("export", help="write a strategy as JSON")
    export.add_argument("name")
    export.add_argument("--version", type=int)
    export.add_argument("--output", "-o", help="file to write (default: stdout)")
    export.set_defaults(func=_export)

    imp = sub.add_parser("import", help="read a strategy JSON file (same as add --file)")
    imp.add_argument("file")
    imp.add_argument("--on-conflict", choices=("fail", "rename", "new_version"), default="fail")
    imp.set_defaults(func=_import)

    dup = sub.add_parser("duplicate", help="copy a strategy under a new name")
    dup.add_argument("name")
    dup.add_argument("--as", dest="new_name", help="the copy's name (default: NAME (copy))")
    dup.set_defaults(func=_duplicate)

    versions = sub.add_parser("versions", help="the saved versions of a strategy")
    versions.add_argument("name")
    versions.set_defaults(func=_versions)

    delete = sub.add_parser("delete", help="delete a strategy and its versions (asks; --yes to skip)")
    delete.add_argument("name")
    delete.set_defaults(func=_delete)

    for parser in (listing, show, add, export, imp, dup, versions, delete):
        parser.add_argument(
            "--json", action="store_true", default=argparse.SUPPRESS, help="one JSON document"
        )


def _groups_text(groups: TriggerGroups) -> str:
    return " OR ".join("(" + " AND ".join(r.name for r in g.triggers) + ")" for g in groups.groups)


def summary(stored: StoredStrategy) -> dict[str, Any]:
    s = stored.strategy
    return {
        "id": stored.strategy_id,
        "name": s.name,
        "version": stored.version,
        "content_hash": stored.content_hash,
        "entry": _groups_text(s.entry),
        "rules": [r.type for r in s.management],
        "sizing": {"mode": s.sizing.mode.value, "value": format(s.sizing.value, "f")},
        "updated_at": stored.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def describe(strategy: Strategy) -> str:
    lines = [f"entry: {_groups_text(strategy.entry)}"]
    for i, rule in enumerate(strategy.management, 1):
        if isinstance(rule, ExitTriggers):
            lines.append(f"  {i}. exit_triggers: {_groups_text(rule.condition)}")
        else:
            params = {k: v for k, v in rule.__dict__.items() if k != "type" and v is not None}
            lines.append(f"  {i}. {rule.type}: " + ", ".join(f"{k}={v}" for k, v in params.items()))
    unit = "%" if strategy.sizing.mode.value == "cash_percent" else " KRW"
    lines.append(f"sizing: {strategy.sizing.value}{unit} ({strategy.sizing.mode.value}), "
                 f"cooldown {strategy.cooldown_candles} candles, policy {strategy.same_candle_policy.value}")  # fmt: skip
    return "\n".join(lines)


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    rows = [summary(s) for s in ctx.services.strategies.list_strategies().execute(args.search)]
    text = "\n".join(f"{r['id']:>4}  {r['name']}  v{r['version']}  entry {r['entry']}  rules {','.join(r['rules'])}"
                     for r in rows) or "no strategies saved"  # fmt: skip
    ctx.emit(rows, text)
    return 0


def _show(ctx: CliContext, args: argparse.Namespace) -> int:
    stored = ctx.services.strategies.get_strategy().execute(args.name, args.version)
    doc = {**summary(stored), "document": strategy_to_dict(stored.strategy),
           "warnings": [str(w) for w in stored.strategy.warnings()]}  # fmt: skip
    text = f"{stored.name} (id {stored.strategy_id}, version {stored.version})\n{describe(stored.strategy)}"
    ctx.emit(doc, text)
    return 0


def _read_json(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise CliError(f"cannot read {path}: not UTF-8 text (a strategy is a JSON document)") from None


def _saved(ctx: CliContext, stored: StoredStrategy, verb: str) -> int:
    ctx.emit(
        summary(stored),
        f"{verb} strategy {stored.name!r} (id {stored.strategy_id}, version {stored.version})",
    )
    for warning in stored.strategy.warnings():
        ctx.info(f"warning: {warning}")
    return 0


def _add(ctx: CliContext, args: argparse.Namespace) -> int:
    s = ctx.services.strategies
    quick = (
        args.entry or args.exit or args.stop_loss or args.take_profit or args.trailing_stop or args.size_pct
    )
    if args.file:
        if args.name or quick:
            raise CliError("give either --file or NAME with --entry options, not both", exit_code=2)
        return _saved(ctx, s.import_strategy().execute(_read_json(args.file), args.on_conflict), "saved")
    if not args.name:
        raise CliError("strategies add needs --file FILE or NAME --entry TRIGGER", exit_code=2)
    doc = quick_strategy_document(
        args.name, args.entry, args.exit, stop_loss=args.stop_loss, take_profit=args.take_profit,
        trailing_stop=args.trailing_stop, size_pct=args.size_pct, description=args.description,
    )  # fmt: skip
    return _saved(ctx, s.create_strategy().execute(doc), "saved")


def _export(ctx: CliContext, args: argparse.Namespace) -> int:
    doc = ctx.services.strategies.export_strategy().execute(args.name, args.version)
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        ctx.emit({"name": doc["name"], "file": str(Path(args.output).resolve())}, f"wrote {args.output}")
    else:
        ctx.emit(doc, text)
    return 0


def _import(ctx: CliContext, args: argparse.Namespace) -> int:
    stored = ctx.services.strategies.import_strategy().execute(_read_json(args.file), args.on_conflict)
    return _saved(ctx, stored, "imported")


def _duplicate(ctx: CliContext, args: argparse.Namespace) -> int:
    return _saved(
        ctx, ctx.services.strategies.duplicate_strategy().execute(args.name, args.new_name), "saved"
    )


def _versions(ctx: CliContext, args: argparse.Namespace) -> int:
    rows: list[dict[str, Any]] = [
        {"version": v.version, "name": v.name, "content_hash": v.content_hash,
         "created_at": v.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")}
        for v in ctx.services.strategies.list_versions().execute(args.name)
    ]  # fmt: skip
    ctx.emit(
        rows,
        "\n".join(f"v{r['version']}  {r['created_at']}  {r['name']}  {r['content_hash'][:12]}" for r in rows),
    )
    return 0


def _delete(ctx: CliContext, args: argparse.Namespace) -> int:
    s = ctx.services.strategies
    stored = s.get_strategy().execute(args.name)
    if not ctx.confirm(f"Delete strategy {stored.name!r} and all its versions?"):
        raise CliError("not deleted (confirm, or pass --yes)")
    s.delete_strategy().execute(stored.strategy_id)
    ctx.emit({"deleted": stored.name, "id": stored.strategy_id}, f"deleted strategy {stored.name!r}")
    return 0
