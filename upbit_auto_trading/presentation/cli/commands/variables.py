"""``variables list``: the trading-variable catalogue with groups and parameters."""

from __future__ import annotations

import argparse
from typing import Any

from upbit_auto_trading.domain.trigger.variables import ParameterDefinition, VariableDefinition
from upbit_auto_trading.presentation.cli.context import CliContext


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    variables = subparsers.add_parser("variables", help="the trading-variable catalogue")
    sub = variables.add_subparsers(dest="variables_command", metavar="SUBCOMMAND", required=True)
    listing = sub.add_parser(
        "list", help="every variable with its purpose, chart, comparison group and parameters"
    )
    listing.add_argument(
        "--purpose",
        help="only this purpose (trend, momentum, volatility, volume, price, capital, state, meta)",
    )
    listing.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="one JSON document on stdout"
    )
    listing.set_defaults(func=_list)


def parameter_to_dict(p: ParameterDefinition) -> dict[str, Any]:
    return {
        "name": p.name,
        "type": p.type.value,
        "default": p.default,
        "min": p.minimum,
        "max": p.maximum,
        "choices": list(p.choices),
        "required": p.required,
        "name_ko": p.name_ko,
        "name_en": p.name_en,
        "help_ko": p.help_ko,
        "help_en": p.help_en,
        "placeholder_ko": p.placeholder_ko,
        "placeholder_en": p.placeholder_en,
    }


def variable_to_dict(v: VariableDefinition) -> dict[str, Any]:
    return {
        "id": v.variable_id,
        "name_ko": v.name_ko,
        "name_en": v.name_en,
        "purpose": v.purpose.value,
        "chart": v.chart.value,
        "group": v.group,
        "source": v.source.value,
        "value_range": {
            "min": v.value_range.minimum,
            "max": v.value_range.maximum,
            "min_exclusive": v.value_range.min_exclusive,
            "unit": v.value_range.unit,
        },
        "help_ko": v.help_ko,
        "help_en": v.help_en,
        "tooltip_ko": v.tooltip_ko,
        "tooltip_en": v.tooltip_en,
        "parameters": [parameter_to_dict(p) for p in v.parameters],
    }


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    catalogue = ctx.services.triggers.list_catalogue().execute()
    chosen = [v for v in catalogue if not args.purpose or v.purpose.value == args.purpose]
    lines = [f"catalogue version {catalogue.version}: {len(chosen)} variables"]
    for v in chosen:
        params = ", ".join(
            f"{p.name}={p.default}"
            + (f"[{p.minimum:g}..{p.maximum:g}]" if p.minimum is not None and p.maximum is not None else "")
            for p in v.parameters
        )
        lines.append(f"  {v.variable_id:<20} {v.purpose.value:<10} {v.chart.value:<8} {v.group:<18} {params}")
    ctx.emit([variable_to_dict(v) for v in chosen], "\n".join(lines))
    return 0
