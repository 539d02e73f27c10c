"""How the desktop app words a trigger: the catalogue's Korean or English names, never the raw identifiers.

``TradingCondition.describe()`` ("RSI(period=14) crosses_above 30") stays what it is: the log lines, the CLI
and the trigger JSON ("summary") use it, and tests pin it. A screen shows :func:`condition_text` instead:
"RSI(14) 상향 돌파 30" / "RSI(14) crosses above 30", "지수이동평균(20) 3봉 연속 상승".

Comparison operators keep their symbols in a sentence (``>``, ``<=``, ``~=``): they read as such in both
languages; the word operators (crosses, rising, falling) are spelled out.
"""

from __future__ import annotations

from collections.abc import Mapping

from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.trigger.condition import FixedValue, TradingCondition, VariableRef
from upbit_auto_trading.domain.trigger.operators import Operator
from upbit_auto_trading.domain.trigger.variables import FOLLOW_POSITION, Catalogue
from upbit_auto_trading.presentation.desktop.i18n import tr

_WORDS = {
    Operator.CROSSES_ABOVE: ("상향 돌파", "crosses above"),
    Operator.CROSSES_BELOW: ("하향 돌파", "crosses below"),
}


def operator_name(op: Operator) -> str:
    """The operator as the picker lists it: "상향 돌파" / "crosses above", "초과 (>)" / "greater than (>)"."""
    return tr(op.label_ko, op.label_en)


def _operator_in_sentence(op: Operator, options: Mapping[str, float]) -> str:
    if op in (Operator.RISING, Operator.FALLING):
        n = int(options.get("candles", 1))
        if op is Operator.RISING:
            return tr(f"{n}봉 연속 상승", f"rising for {n} candle{'s' if n != 1 else ''}")
        return tr(f"{n}봉 연속 하락", f"falling for {n} candle{'s' if n != 1 else ''}")
    words = _WORDS.get(op)
    return tr(*words) if words else op.symbol


def _value(value: int | float | str) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def variable_text(catalogue: Catalogue | None, ref: VariableRef) -> str:
    """The variable's catalogue name with its parameter values: "단순이동평균(20, 4h)", "RSI(14)"."""
    name = ref.variable_id
    if catalogue is not None:
        try:
            definition = catalogue.get(ref.variable_id)
            name = tr(definition.name_ko, definition.name_en)
        except DomainError:  # a variable of a newer catalogue: its id is all there is to show
            pass
    shown = [_value(v) for k, v in ref.params.items() if not (k == "timeframe" and v == FOLLOW_POSITION)]
    return f"{name}({', '.join(shown)})" if shown else name


def target_text(catalogue: Catalogue | None, condition: TradingCondition) -> str:
    target = condition.target
    if isinstance(target, VariableRef):
        return variable_text(catalogue, target)
    if isinstance(target, FixedValue):
        return target.describe()
    return ""


def condition_text(catalogue: Catalogue | None, condition: TradingCondition) -> str:
    """One line for a person: "RSI(14) 상향 돌파 30", "RSI(14) ~= 50 ±2%", "EMA(20) 3봉 연속 상승"."""
    subject = variable_text(catalogue, condition.variable)
    verb = _operator_in_sentence(condition.operator, condition.operator_params)
    if not condition.operator.needs_target:
        return f"{subject} {verb}"
    extra = (
        f" ±{condition.operator_params.get('percent', 1.0):g}%"
        if condition.operator is Operator.APPROX
        else ""
    )
    return f"{subject} {verb} {target_text(catalogue, condition) or '?'}{extra}"


_FIELD_NAMES = {  # field -> (Korean name, English name)
    "variable": ("변수", "variable"),
    "operator": ("연산자", "operator"),
    "operator options": ("연산자 옵션", "operator options"),
    "target": ("비교 대상", "target"),
    "timeframe": ("타임프레임", "timeframe"),
    "usage": ("용도", "usage"),
    "description": ("설명", "description"),
}


def _options_text(condition: TradingCondition) -> str:
    options = condition.operator_params
    if "percent" in options:
        return f"±{options['percent']:g}%"
    if "candles" in options:
        n = int(options["candles"])
        return tr(f"{n}봉", f"{n} candle{'s' if n != 1 else ''}")
    return "-"


def _usage_text(condition: TradingCondition) -> str:
    return (
        tr("관리 규칙", "management rule") if condition.usage.value == "management" else tr("신호", "signal")
    )


def _shown(field: str, catalogue: Catalogue | None, condition: TradingCondition) -> str:
    if field == "variable":
        return variable_text(catalogue, condition.variable)
    if field == "operator":
        return operator_name(condition.operator)
    if field == "operator options":
        return _options_text(condition)
    if field == "target":
        return target_text(catalogue, condition) or "-"
    if field == "timeframe":
        return condition.timeframe
    if field == "usage":
        return _usage_text(condition)
    return repr(condition.description)


def difference_lines(
    catalogue: Catalogue | None, stored: TradingCondition, incoming: TradingCondition, fields: list[str]
) -> list[str]:
    """One "field: stored -> incoming" line per differing field (the import conflict dialog), the values worded
    as the screens word triggers. The field keeps its English name, the key it has in the file being
    imported; in Korean it follows the Korean name: "비교 대상 (target: 30 -> 20)"."""
    lines = []
    for field in fields:
        line = f"{field}: {_shown(field, catalogue, stored)} -> {_shown(field, catalogue, incoming)}"
        korean = _FIELD_NAMES.get(field, (field, field))[0]
        lines.append(tr(f"{korean} ({line})", line))
    return lines
