"""Risk limits of a profile, the day's drawdown state, and the check every order passes before it is sent.

The day is Upbit's trading day: it starts 09:00 KST (= 00:00 UTC, when Upbit's daily candle opens) and is
named by the KST date on which it starts, which is also its UTC date. Losses are measured from the equity
at the start of that day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import Enum
from types import MappingProxyType
from typing import Any

from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.market.tick_size import KRW_MIN_ORDER_TOTAL
from upbit_auto_trading.domain.trading.order import InvalidOrderError


class RiskConfigError(DomainError):
    """A risk setting is not usable; the message names the setting and the value it needs."""


class RiskState(Enum):
    """How hard the day's losses let the engine trade, mildest first."""

    NORMAL = "normal"
    CAUTION = "caution"
    DEFENSE = "defense"
    HALT = "halt"


_DEFAULT_SCALE: Mapping[RiskState, Decimal] = MappingProxyType(
    {
        RiskState.NORMAL: Decimal("1.0"),
        RiskState.CAUTION: Decimal("0.7"),
        RiskState.DEFENSE: Decimal("0.4"),
        RiskState.HALT: Decimal("0"),
    }
)


def trading_day(at: datetime) -> date:
    """The Upbit trading day containing ``at`` (09:00 KST to 09:00 KST, named by its KST start date)."""
    if at.tzinfo is None:
        raise RiskConfigError(f"a time must carry its time zone to place it in a trading day, got {at!r}")
    return at.astimezone(UTC).date()


@dataclass(frozen=True)
class RiskLimits:
    """A profile's risk limits. A ``None`` limit is off.

    ``daily_loss_limit_krw`` is an absolute KRW amount: the percent thresholds already scale with equity,
    and a fixed amount is the limit a user can state as "never lose more than X KRW a day". Reaching it
    halts like ``halt_loss_pct``. Loss percents are measured from the day's starting equity; a state applies
    once the loss reaches its threshold (>=).
    """

    max_position_krw: Decimal | None = None  # KRW invested in one market
    max_total_krw: Decimal | None = None  # KRW invested over all markets
    max_open_positions: int | None = None
    daily_loss_limit_krw: Decimal | None = None
    caution_loss_pct: Decimal | None = Decimal(3)
    defense_loss_pct: Decimal | None = Decimal(5)
    halt_loss_pct: Decimal | None = Decimal(8)
    # hash=False: a mapping is unhashable, and the thresholds already tell profiles apart.
    size_scale: Mapping[RiskState, Decimal] = field(default_factory=lambda: _DEFAULT_SCALE, hash=False)

    def __post_init__(self) -> None:
        for name in ("max_position_krw", "max_total_krw", "daily_loss_limit_krw"):
            _positive_or_none(name, getattr(self, name))
        count = self.max_open_positions
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count <= 0):
            raise RiskConfigError(
                f"max_open_positions must be a whole number of 1 or more, or empty (off), got {count!r}"
            )
        thresholds = [(name, getattr(self, name)) for name in _THRESHOLDS]
        for name, value in thresholds:
            _positive_or_none(name, value)
            if value is not None and value >= 100:
                raise RiskConfigError(f"{name} is a loss in percent and must be under 100, got {value}")
        present = [(name, value) for name, value in thresholds if value is not None]
        for (low_name, low), (high_name, high) in zip(present, present[1:], strict=False):
            if high < low:
                raise RiskConfigError(f"{high_name} ({high}%) must not be below {low_name} ({low}%)")
        object.__setattr__(self, "size_scale", _scale_table(self.size_scale))

    def scale_for(self, state: RiskState) -> Decimal:
        return self.size_scale[state]

    def threshold_for(self, state: RiskState) -> Decimal | None:
        return {
            RiskState.CAUTION: self.caution_loss_pct,
            RiskState.DEFENSE: self.defense_loss_pct,
            RiskState.HALT: self.halt_loss_pct,
        }.get(state)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> RiskLimits:
        """Limits from a settings mapping (YAML/JSON): amounts as numbers or strings, ``null`` = off.

        ``size_scale`` is a mapping of state name to multiplier; states left out keep their default. An
        unknown key is refused so a misspelt limit is not silently off.
        """
        if not isinstance(data, Mapping):
            raise RiskConfigError(
                f"risk settings must be a mapping of setting to value, got {type(data).__name__}"
            )
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            raise RiskConfigError(
                f"unknown risk setting {unknown[0]!r}; known settings: {', '.join(sorted(_KEYS))}"
            )
        values: dict[str, Any] = {}
        for key, raw in data.items():
            if key == "size_scale":
                values[key] = _scale_from_mapping(raw)
            elif key == "max_open_positions":
                values[key] = _count(key, raw)
            else:
                values[key] = _decimal(key, raw)
        return cls(**values)


_THRESHOLDS = ("caution_loss_pct", "defense_loss_pct", "halt_loss_pct")
_KEYS = frozenset(
    {
        "max_position_krw",
        "max_total_krw",
        "max_open_positions",
        "daily_loss_limit_krw",
        *_THRESHOLDS,
        "size_scale",
    }
)


def _positive_or_none(name: str, value: object) -> None:
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise RiskConfigError(f"{name} must be a positive number or empty (off), got {value!r}")


_OFF_WORDS = frozenset({"", "null", "none", "off"})


def _is_off(raw: object) -> bool:
    """An environment variable cannot carry YAML's null: ``null``/``off``/empty text turn a limit off too."""
    return isinstance(raw, str) and raw.strip().lower() in _OFF_WORDS


def _decimal(name: str, raw: object) -> Decimal | None:
    """A setting's value as Decimal; floats go through ``str`` so 0.7 stays 0.7."""
    if raw is None or _is_off(raw):
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise RiskConfigError(f"{name} must be a number, got {raw!r}")
    try:
        value = Decimal(str(raw).strip().replace(",", "")) if not isinstance(raw, Decimal) else raw
    except ArithmeticError:
        raise RiskConfigError(f"{name} must be a number, got {raw!r}") from None
    if not value.is_finite():
        raise RiskConfigError(f"{name} must be a finite number, got {raw!r}")
    return value


def _count(name: str, raw: object) -> int | None:
    value = _decimal(name, raw)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise RiskConfigError(f"{name} must be a whole number, got {raw!r}")
    return int(value)


def _scale_from_mapping(raw: object) -> Mapping[RiskState, Decimal]:
    if not isinstance(raw, Mapping):
        raise RiskConfigError(
            f"size_scale must map states (normal, caution, defense, halt) to numbers, got {raw!r}"
        )
    table = dict(_DEFAULT_SCALE)
    for key, value in raw.items():
        try:
            state = RiskState(str(key).lower())
        except ValueError:
            raise RiskConfigError(
                f"size_scale.{key} is not a risk state; use normal, caution, defense or halt"
            ) from None
        scale = _decimal(f"size_scale.{state.value}", value)
        if scale is None:
            raise RiskConfigError(f"size_scale.{state.value} needs a number between 0 and 1")
        table[state] = scale
    return table


def _scale_table(raw: Mapping[RiskState, Decimal]) -> Mapping[RiskState, Decimal]:
    missing = [state.value for state in RiskState if state not in raw]
    if missing:
        raise RiskConfigError(f"size_scale has no multiplier for {', '.join(missing)}")
    for state in RiskState:
        scale = raw[state]
        if not isinstance(scale, Decimal) or not scale.is_finite() or not 0 <= scale <= 1:
            raise RiskConfigError(f"size_scale.{state.value} must be a number between 0 and 1, got {scale!r}")
    if raw[RiskState.HALT] != 0:
        # halt refuses every entry anyway; a non-zero value would only mislead whoever reads the settings
        raise RiskConfigError(
            f"size_scale.halt must be 0 (halt stops new entries), got {raw[RiskState.HALT]}"
        )
    return MappingProxyType({state: raw[state] for state in RiskState})


# --- the day's drawdown -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskTransition:
    """The risk state changed; ``reason`` says why in words for the user."""

    previous: RiskState
    state: RiskState
    reason: str
    at: datetime
    equity: Decimal
    loss_pct: Decimal  # from the day's start; negative when equity is above it


class DrawdownMonitor:
    """The day's risk state from equity updates (a pure state machine: no clock, no I/O).

    States follow the loss from the day's starting equity both ways (caution <-> defense <-> normal), except
    halt: once the halt threshold or the daily loss limit is reached the state stays halted for the rest of
    the trading day, even if equity recovers, so a bounce cannot re-open trading after a bad morning. The
    first update in a later trading day starts that day from its equity and returns to normal.
    """

    def __init__(self, limits: RiskLimits) -> None:
        self._limits = limits
        self._day: date | None = None
        self._start_equity = Decimal(0)
        self._state = RiskState.NORMAL

    @property
    def state(self) -> RiskState:
        return self._state

    @property
    def day(self) -> date | None:
        return self._day

    @property
    def start_equity(self) -> Decimal:
        return self._start_equity

    def start_day(self, day: date, equity: Decimal, *, state: RiskState = RiskState.NORMAL) -> None:
        """Begin ``day`` from ``equity``; ``state`` restores a day already under way (after a restart a
        halted day must stay halted)."""
        if not isinstance(equity, Decimal) or not equity.is_finite() or equity <= 0:
            raise RiskConfigError(f"the day's starting equity must be a positive KRW amount, got {equity!r}")
        self._day = day
        self._start_equity = equity
        self._state = state

    def update(self, equity: Decimal, at: datetime) -> RiskTransition | None:
        """Feed the current equity; returns the transition when the state changes, else None.

        An update from a later trading day starts that day from ``equity``. An update stamped in an
        earlier day than the current one (a late message) is judged against the current day.
        """
        if not isinstance(equity, Decimal) or not equity.is_finite():
            raise RiskConfigError(f"equity must be a KRW amount, got {equity!r}")
        day = trading_day(at)
        if self._day is None or day > self._day:
            previous = self._state
            # an empty account still starts a day: 1 KRW keeps the percent math defined
            self.start_day(day, max(equity, Decimal(1)))
            if previous is RiskState.NORMAL:
                return None
            reason = (
                f"a new trading day started {day.isoformat()} 09:00 KST from equity {_krw(equity)} KRW; "
                "risk state is back to normal"
            )
            return RiskTransition(previous, RiskState.NORMAL, reason, at, equity, Decimal(0))
        loss = self._start_equity - equity
        loss_pct = loss * 100 / self._start_equity
        if self._state is RiskState.HALT:
            return None
        new_state, reason = self._judge(equity, loss, loss_pct)
        if new_state is self._state:
            return None
        previous, self._state = self._state, new_state
        return RiskTransition(previous, new_state, reason, at, equity, loss_pct)

    def _judge(self, equity: Decimal, loss: Decimal, loss_pct: Decimal) -> tuple[RiskState, str]:
        limits = self._limits
        start = self._start_equity
        if limits.daily_loss_limit_krw is not None and loss >= limits.daily_loss_limit_krw:
            return RiskState.HALT, (
                f"the day's loss of {_krw(loss)} KRW reached the daily loss limit of "
                f"{_krw(limits.daily_loss_limit_krw)} KRW; new entries are stopped until 09:00 KST, "
                "exits still run"
            )
        state = RiskState.NORMAL
        for candidate in (RiskState.HALT, RiskState.DEFENSE, RiskState.CAUTION):
            threshold = limits.threshold_for(candidate)
            if threshold is not None and loss_pct >= threshold:
                state = candidate
                break
        where = (
            f"equity {_krw(equity)} KRW is {_pct(loss_pct)}% under the day's start {_krw(start)} KRW"
            if loss > 0
            else f"equity {_krw(equity)} KRW is at or above the day's start {_krw(start)} KRW"
        )
        if state is RiskState.HALT:
            return state, f"{where}; new entries are stopped until 09:00 KST, exits still run"
        if state is RiskState.NORMAL:
            return state, f"{where}; orders are back to full size"
        scale = limits.scale_for(state) * 100
        return state, f"{where}; {state.value}: new entries are sized at {_pct(scale)}%"


# --- the check before each order --------------------------------------------------------------------


class OrderIntent(Enum):
    ENTRY = "entry"  # opens a position in a market
    ADD = "add"  # buys more of an open position
    EXIT = "exit"  # sells (part of) a position


@dataclass(frozen=True)
class RiskVerdict:
    allowed: bool
    scaled_total: Decimal  # KRW to order when allowed (scaled and capped); 0 when refused
    reason: str


def check_order(
    limits: RiskLimits,
    state: RiskState,
    *,
    kind: OrderIntent | str,
    market: str,
    order_total_krw: Decimal,
    position_krw_after: Decimal,
    total_krw_after: Decimal,
    open_positions_after: int,
    min_total: Decimal = KRW_MIN_ORDER_TOTAL,
) -> RiskVerdict:
    """Whether an order may go out, and for how much KRW.

    The ``*_after`` figures are what the account would hold if the whole ``order_total_krw`` filled.
    Exits are always allowed (risk limits must never trap a position). Entries and adds are refused in
    halt; otherwise the total is multiplied by the state's size scale, then capped to the room left under
    ``max_position_krw`` and ``max_total_krw``. A capped order goes out when it is still at least
    ``min_total`` (Upbit's 5,000 KRW minimum), else it is refused. ``max_open_positions`` cannot be capped:
    an entry that would exceed it is refused; an add opens no position and is not counted.
    """
    intent = _checked_intent(kind, order_total_krw)
    if intent is OrderIntent.EXIT:
        return RiskVerdict(True, order_total_krw, f"{market}: exits are always allowed.")
    if state is RiskState.HALT:
        return _refuse(
            f"{market}: new entries are stopped for the rest of the trading day because the day's losses "
            "reached the halt limit. Exits still run; entries resume at 09:00 KST."
        )
    if (
        intent is OrderIntent.ENTRY
        and limits.max_open_positions is not None
        and open_positions_after > limits.max_open_positions
    ):
        return _refuse(
            f"{market}: opening it would make {open_positions_after} open positions, over the limit of "
            f"{limits.max_open_positions}. Close a position first or raise max_open_positions "
            "in the risk settings."
        )
    scale = limits.scale_for(state)
    total = (order_total_krw * scale).quantize(Decimal(1), rounding=ROUND_FLOOR)
    notes: list[str] = []
    if scale != 1:
        notes.append(f"sized at {_pct(scale * 100)}% in {state.value} ({_krw(total)} KRW)")
    if total < min_total:
        return _refuse(
            f"{market}: in {state.value} the order is sized at {_pct(scale * 100)}%, {_krw(total)} KRW, "
            f"under Upbit's {_krw(min_total)} KRW minimum. Raise the order size or wait for the day's "
            "losses to ease."
        )
    caps = (
        ("max_position_krw", "per-market position", limits.max_position_krw, position_krw_after),
        ("max_total_krw", "total invested", limits.max_total_krw, total_krw_after),
    )
    for key, label, limit, after in caps:
        if limit is None:
            continue
        held = after - order_total_krw  # what is held before this order, against the limit
        capped = _cap(market, key, label, limit, held, total, min_total)
        if isinstance(capped, RiskVerdict):
            return capped
        if capped < total:
            total = capped
            notes.append(f"capped to {_krw(capped)} KRW by the {label} limit of {_krw(limit)} KRW")
    if not notes:
        return RiskVerdict(True, total, f"{market}: within the risk limits.")
    return RiskVerdict(True, total, f"{market}: " + "; ".join(notes) + ".")


def _checked_intent(kind: OrderIntent | str, order_total_krw: Decimal) -> OrderIntent:
    """The order's intent; raises ``InvalidOrderError`` for an unknown kind or a total that is no amount."""
    try:
        intent = OrderIntent(kind)
    except ValueError:
        raise InvalidOrderError(f"an order's kind is entry, add or exit, got {kind!r}") from None
    if not isinstance(order_total_krw, Decimal) or not order_total_krw.is_finite() or order_total_krw <= 0:
        raise InvalidOrderError(f"an order total must be a positive KRW amount, got {order_total_krw!r}")
    return intent


def _cap(
    market: str, key: str, label: str, limit: Decimal, held: Decimal, total: Decimal, min_total: Decimal
) -> Decimal | RiskVerdict:
    """``total`` capped to the room ``held`` leaves under ``limit`` (unchanged when it fits), or a refusal
    when that room is under ``min_total``."""
    room = limit - held
    if total <= room:
        return total
    room = room.quantize(Decimal(1), rounding=ROUND_FLOOR)
    if room < min_total:
        return _refuse(
            f"{market}: the {label} limit is {_krw(limit)} KRW and {_krw(held)} KRW is already used, "
            f"leaving {_krw(max(room, Decimal(0)))} KRW, under Upbit's {_krw(min_total)} KRW minimum. "
            f"Sell part of a position or raise {key} in the risk settings."
        )
    return room


def _refuse(reason: str) -> RiskVerdict:
    return RiskVerdict(False, Decimal(0), reason)


def _krw(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def _pct(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}"
    return text[:-2] if text.endswith(".0") else text
