"""The ONE compatibility rule: which variables may be compared with which (docs/compatibility.md).

Comparability is decided by comparison group (catalogue data): two variables are compatible when their
groups are. The matrix below lists, for every group, the groups it may be compared with; it is symmetric
and tested cell by cell. Meta variables (trailing stop, pyramid target) are price levels that only exist
inside management rules, so they pair with price-scale variables only when the usage is MANAGEMENT.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from upbit_auto_trading.domain.trigger.variables import VariableDefinition


class Usage(Enum):
    SIGNAL = "signal"  # entry / exit signals built in the trigger builder
    MANAGEMENT = "management"  # position-management rules (trailing stop, pyramiding)


GROUPS: tuple[str, ...] = (
    "price",
    "oscillator_0_100",
    "williams_r",
    "cci",
    "macd",
    "rate_of_change",
    "volatility_price",
    "volume",
    "cumulative_volume",
    "capital",
    "coin_quantity",
    "profit_percent",
    "meta",
)

# Cross-group pairs that are allowed, and in which usages. Every group is compatible with itself
# (except meta in signal rules); nothing else is.
_CROSS: dict[frozenset[str], frozenset[Usage]] = {
    frozenset({"meta", "price"}): frozenset({Usage.MANAGEMENT}),
}
_SELF_ONLY_IN: dict[str, frozenset[Usage]] = {"meta": frozenset({Usage.MANAGEMENT})}

_REASONS: dict[str, tuple[str, str]] = {
    "price": (
        "가격 스케일 값(가격, 이동평균, 밴드, 평균 매수가)끼리만",
        "price-scale values (prices, moving averages, bands, average buy price) only with each other",
    ),
    "oscillator_0_100": (
        "0-100 오실레이터(RSI, 스토캐스틱, MFI)끼리만",
        "0-100 oscillators (RSI, stochastic, MFI) only with each other",
    ),
    "williams_r": (
        "윌리엄스 %R(-100~0)은 자기 자신 또는 고정값과만",
        "Williams %R (-100..0) only with itself or a fixed value",
    ),
    "cci": ("CCI는 CCI 또는 고정값과만", "CCI only with CCI or a fixed value"),
    "macd": (
        "MACD 선/시그널/히스토그램끼리 또는 0과만",
        "MACD line, signal and histogram only with each other or with zero",
    ),
    "rate_of_change": (
        "변화율은 변화율 또는 고정값과만",
        "rate of change only with rate of change or a fixed value",
    ),
    "volatility_price": (
        "ATR은 ATR 또는 고정값과만 (가격 수준이 아닌 가격 폭)",
        "ATR only with ATR or a fixed value (a price distance, not a price level)",
    ),
    "volume": ("거래량은 거래량끼리만", "volume only with volume"),
    "cumulative_volume": ("OBV는 OBV 또는 고정값과만", "OBV only with OBV or a fixed value"),
    "capital": ("자본(KRW)은 자본끼리만", "capital (KRW) only with capital"),
    "coin_quantity": ("코인 수량은 코인 수량끼리만", "coin quantity only with coin quantity"),
    "profit_percent": (
        "수익률은 수익률 또는 고정값과만",
        "profit percent only with profit percent or a fixed value",
    ),
    "meta": (
        "메타 변수(트레일링 스탑, 피라미딩)는 관리 규칙에서 가격과만",
        "meta variables (trailing stop, pyramid target) only in management rules, against prices",
    ),
}


@dataclass(frozen=True)
class Compatibility:
    compatible: bool
    reason_ko: str = ""
    reason_en: str = ""

    @property
    def reason(self) -> str:
        return self.reason_en


def groups_compatible(group_a: str, group_b: str, usage: Usage = Usage.SIGNAL) -> bool:
    """The matrix cell (group_a, group_b) for a usage."""
    for group in (group_a, group_b):
        if group not in GROUPS:
            raise ValueError(f"unknown comparison group {group!r}")
    if group_a == group_b:
        return usage in _SELF_ONLY_IN.get(group_a, frozenset(Usage))
    return usage in _CROSS.get(frozenset({group_a, group_b}), frozenset())


def group_allowed(group: str, usage: Usage) -> bool:
    """Whether a variable of this group may appear at all in a rule of this usage."""
    return usage in _SELF_ONLY_IN.get(group, frozenset(Usage)) or any(
        group in pair and usage in usages for pair, usages in _CROSS.items()
    )


def check_compatibility(
    left: VariableDefinition, right: VariableDefinition, usage: Usage = Usage.SIGNAL
) -> Compatibility:
    if groups_compatible(left.group, right.group, usage):
        return Compatibility(True)
    ko, en = _REASONS[left.group]
    return Compatibility(
        False,
        f"{left.name_ko}와(과) {right.name_ko}는 비교할 수 없습니다: {ko} 비교합니다.",
        f"{left.variable_id} cannot be compared with {right.variable_id}: {en}.",
    )


def check_usage(variable: VariableDefinition, usage: Usage) -> Compatibility:
    if variable.group == "meta" and usage is not Usage.MANAGEMENT:
        ko, en = _REASONS["meta"]
        return Compatibility(False, f"{variable.name_ko}: {ko}", f"{variable.variable_id}: {en}.")
    return Compatibility(True)
