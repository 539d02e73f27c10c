"""Plain data of the strategy maker: rule parameter specs, defaults, list rows, problem rows (no Qt)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from upbit_auto_trading.domain.strategy import MAX_MANAGEMENT_RULES, SCHEMA_VERSION
from upbit_auto_trading.presentation.desktop.i18n import tr

MAX_RULES = MAX_MANAGEMENT_RULES


@dataclass(frozen=True)
class ParamSpec:
    key: str
    label_ko: str
    label_en: str
    kind: str  # "decimal" | "int"
    minimum: float
    maximum: float
    default: float | None  # None: optional and off by default
    optional: bool = False
    suffix: str = "%"

    @property
    def label(self) -> str:
        return tr(self.label_ko, self.label_en)


@dataclass(frozen=True)
class RuleSpec:
    type: str
    title_ko: str
    title_en: str
    params: tuple[ParamSpec, ...] = ()
    uses_triggers: bool = False
    help_ko: str = ""
    help_en: str = ""

    @property
    def title(self) -> str:
        return tr(self.title_ko, self.title_en)

    @property
    def help(self) -> str:
        return tr(self.help_ko, self.help_en)


def _p(
    key: str, ko: str, en: str, kind: str, lo: float, hi: float, default: float | None, **kw: Any
) -> ParamSpec:
    return ParamSpec(key, ko, en, kind, lo, hi, default, **kw)


RULE_SPECS: tuple[RuleSpec, ...] = (
    RuleSpec("stop_take_profit", "고정 손절/익절", "Fixed stop-loss / take-profit", (
        _p("stop_loss_pct", "손절", "Stop-loss", "decimal", 0.01, 99.99, 3, optional=True),
        _p("take_profit_pct", "익절", "Take-profit", "decimal", 0.01, 10000, 6, optional=True),
    ), help_ko="평균 매수가 대비 -손절% / +익절%에 전량 매도 (캔들 안에서 확인)",
       help_en="Sell everything at -SL % / +TP % from the average buy price (checked inside each candle)"),
    RuleSpec("trailing_stop", "트레일링 스탑", "Trailing stop", (
        _p("activate_pct", "활성화 수익", "Activate at +", "decimal", 0, 10000, 5),
        _p("trail_pct", "고점 대비 하락", "Trail below high", "decimal", 0.01, 99.99, 3),
    ), help_ko="평균가 대비 +A% 도달 후, 고점에서 B% 떨어지면 전량 매도",
       help_en="Once +A % over the average, sell when the price falls B % below the high"),
    RuleSpec("pyramid", "물타기 (추가 매수)", "Pyramid buying (average down)", (
        _p("drop_pct", "평균가 대비 하락", "Drop below average", "decimal", 0.01, 99.99, 5),
        _p("max_times", "최대 횟수", "Max times", "int", 1, 20, 2, suffix=""),
        _p("size_pct_of_entry", "첫 매수 대비 크기", "Size of first buy", "decimal", 0.01, 1000, 100),
    ), help_ko="종가가 평균가보다 X% 낮으면 다음 시가에 추가 매수 (최대 N회)",
       help_en="When a close is X % below the average buy price, buy again at the next open (up to N times)"),
    RuleSpec("scale_in", "불타기 (추가 매수)", "Scale-in buying", (
        _p("rise_pct", "마지막 매수가 대비 상승", "Rise over last buy", "decimal", 0.01, 10000, 5),
        _p("max_times", "최대 횟수", "Max times", "int", 1, 20, 3, suffix=""),
        _p("size_pct_of_entry", "첫 매수 대비 크기", "Size of first buy", "decimal", 0.01, 1000, 50),
    ), help_ko="종가가 마지막 매수가보다 X% 높으면 추가 매수 (최대 N회)",
       help_en="When a close is X % above the last buy price, buy again (up to N times)"),
    RuleSpec("partial_take_profit", "부분 익절", "Partial take-profit", (
        _p("profit_pct", "수익", "At profit", "decimal", 0.01, 10000, 3),
        _p("sell_pct", "매도 비율", "Sell share", "decimal", 0.01, 99.99, 50),
    ), help_ko="포지션당 한 번, 평균가 대비 +Q%에서 보유량의 P% 매도",
       help_en="Once per position, sell P % of the holding at +Q % over the average"),
    RuleSpec("time_exit", "시간 청산", "Time-based exit", (
        _p("candles", "보유 캔들 수", "Candles held", "int", 1, 100000, 24, suffix=""),
    ), help_ko="N개 캔들 보유 후 다음 시가에 전량 매도", help_en="Sell everything at the open after N candles held"),
    RuleSpec("exit_triggers", "청산 트리거", "Exit triggers", (), uses_triggers=True,
             help_ko="트리거 그룹이 참이면 다음 시가에 전량 매도 (그룹 안 AND, 그룹 사이 OR)",
             help_en="Sell everything at the next open when the groups hold (AND inside a group, OR between)"),
)  # fmt: skip
SPECS_BY_TYPE = {spec.type: spec for spec in RULE_SPECS}


def default_rule(rule_type: str) -> dict[str, Any]:
    spec = SPECS_BY_TYPE[rule_type]
    rule: dict[str, Any] = {"type": rule_type}
    for p in spec.params:
        rule[p.key] = None if p.default is None else (int(p.default) if p.kind == "int" else p.default)
    if spec.uses_triggers:
        rule["groups"] = []
    return rule


def empty_document(name: str = "") -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "name": name,
        "description": "",
        "entry": {"groups": []},
        "management": [],
        "sizing": {"mode": "cash_percent", "value": 100},
        "cooldown_candles": 0,
        "same_candle_policy": "conservative",
    }


def groups_of(obj: dict[str, Any]) -> list[list[str]]:
    """Trigger names per group of a ``{"groups": [{"triggers": [...]}]}`` object."""
    out: list[list[str]] = []
    for g in obj.get("groups", []):
        names = [t if isinstance(t, str) else str(t.get("name", "")) for t in g.get("triggers", [])]
        out.append(names)
    return out


def groups_doc(groups: Sequence[Sequence[str]]) -> dict[str, Any]:
    return {"groups": [{"triggers": [{"name": n, "id": None} for n in g]} for g in groups]}


@dataclass(frozen=True)
class StrategyForm:
    """What the form's inputs hold, as the view reads them; ``document_of`` makes the strategy document."""

    name: str
    description: str
    entry: Sequence[Sequence[str]]  # trigger names per entry group
    management: Sequence[dict[str, Any]]  # the rules, top first
    sizing_mode: str  # "cash_percent" | "fixed_amount"
    sizing_value: float
    cooldown_candles: int
    same_candle_policy: str  # "conservative" | "priority"


def document_of(form: StrategyForm) -> dict[str, Any]:
    """The strategy document of a filled form (what validation and saving take)."""
    value = round(float(form.sizing_value), 4)  # the spin box's float, without its binary noise
    return {
        "schema_version": SCHEMA_VERSION,
        "name": form.name,
        "description": form.description,
        "entry": groups_doc(form.entry),
        "management": [dict(rule) for rule in form.management],
        "sizing": {"mode": form.sizing_mode, "value": int(value) if value == int(value) else value},
        "cooldown_candles": int(form.cooldown_candles),
        "same_candle_policy": form.same_candle_policy,
    }


def form_of(document: dict[str, Any]) -> StrategyForm:
    """What the form shows for a strategy document; a missing part shows as a new strategy's."""
    sizing = document.get("sizing") or {}
    return StrategyForm(
        name=str(document.get("name", "")),
        description=str(document.get("description", "")),
        entry=groups_of(document.get("entry") or {}),
        management=[dict(rule) for rule in document.get("management", [])],
        sizing_mode=str(sizing.get("mode", "cash_percent")),
        sizing_value=float(sizing.get("value", 100)),
        cooldown_candles=int(document.get("cooldown_candles", 0)),
        same_candle_policy=str(document.get("same_candle_policy") or "conservative"),
    )


def rule_summary(rule: dict[str, Any]) -> str:
    spec = SPECS_BY_TYPE.get(str(rule.get("type")))
    if spec is None:
        return str(rule.get("type"))
    if spec.uses_triggers:
        text = " OR ".join("(" + " AND ".join(g) + ")" for g in groups_of(rule)) or tr(
            "트리거 없음", "no triggers"
        )
        return f"{spec.title}: {text}"
    parts = [f"{p.label} {rule.get(p.key)}{p.suffix}" for p in spec.params if rule.get(p.key) is not None]
    return f"{spec.title}: " + ", ".join(parts)


@dataclass(frozen=True)
class StrategyRow:
    strategy_id: int
    name: str
    version: int
    summary: str
    updated_at: str


@dataclass(frozen=True)
class ProblemRow:
    field: str
    message: str
    severity: str = "error"  # "error" | "warning"


@dataclass
class EditorState:
    """What the presenter remembers about the form."""

    strategy_id: int | None = None
    version: int | None = None
    saved_document: dict[str, Any] = field(default_factory=empty_document)
