"""``trading.risk``: the engine's risk limits, parsed and checked by the domain's own rules.

Each key is parsed alone by ``RiskLimits.from_mapping`` (numbers, text such as ``'1,000,000'``, and the off
words: null, ``''``, ``off``, ``none``; an environment variable cannot carry YAML's null, and YAML reads an
unquoted ``off`` as false, which is therefore off too), then the whole
section is built into ``RiskLimits`` so its cross-key rules (caution <= defense <= halt) apply too. The
domain stays the one authority on what a limit means; this schema adds per-key messages and the reference.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from upbit_auto_trading.domain.trading.risk import RiskConfigError, RiskLimits
from upbit_auto_trading.infrastructure.config.rules import RULE, Allowed, Section

_OFF = "or off: null, '', off, none, false"
# Parsing one key at a time: the thresholds are switched off so a single value is not compared with defaults.
_NEUTRAL = {"caution_loss_pct": None, "defense_loss_pct": None, "halt_loss_pct": None}


def _parsed_by_the_domain(value: Any, info: ValidationInfo) -> Any:
    name = info.field_name or ""
    if value is False:
        value = None  # YAML reads an unquoted off (or no) as false: the off word the user wrote, not a number
    try:
        return getattr(RiskLimits.from_mapping({**_NEUTRAL, name: value}), name)
    except RiskConfigError as exc:
        raise ValueError(str(exc)) from None


Amount = Annotated[
    Decimal | None,
    BeforeValidator(_parsed_by_the_domain),
    Allowed("KRW amount", f"a positive amount of KRW (a number, or text such as '1,000,000'), {_OFF}"),
]
Count = Annotated[
    int | None, BeforeValidator(_parsed_by_the_domain), Allowed("integer", f"a whole number >= 1, {_OFF}")
]
LossPercent = Annotated[
    Decimal | None,
    BeforeValidator(_parsed_by_the_domain),
    Allowed("percent", f"a loss in percent > 0 and < 100, {_OFF}; caution <= defense <= halt"),
]


class RiskSettings(Section):
    """Checked before every order of the engine (docs/trading-engine.md)."""

    max_position_krw: Amount = Field(None, description="KRW invested in one market")
    max_total_krw: Amount = Field(None, description="KRW invested over all markets")
    max_open_positions: Count = Field(None, description="markets held at once")
    daily_loss_limit_krw: Amount = Field(
        None, description="KRW lost in one trading day; reaching it halts like halt_loss_pct"
    )
    caution_loss_pct: LossPercent = Field(
        Decimal(3), description="loss from the day's starting equity (KST day) that scales new buys to 0.7"
    )
    defense_loss_pct: LossPercent = Field(
        Decimal(5), description="loss from the day's starting equity that scales new buys to 0.4"
    )
    halt_loss_pct: LossPercent = Field(
        Decimal(8),
        description="loss from the day's starting equity that stops entries and adds for the rest of the day",
    )

    @model_validator(mode="after")
    def _consistent(self) -> RiskSettings:
        try:
            RiskLimits(**self.model_dump())
        except RiskConfigError as exc:
            raise PydanticCustomError(RULE, "{text}", {"text": f"is refused: {exc}"}) from None
        return self
