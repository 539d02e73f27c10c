"""Comparison operators over aligned float arrays, with ONE written definition of each.

Equality tolerance (REL_TOL)
    Two values a, b are *equal* when ``|a - b| <= REL_TOL * max(|a|, |b|)`` (REL_TOL = 1e-9). ``>`` means
    greater and not equal; ``>=`` means greater or equal; and so on. So two moving averages that are
    mathematically equal but differ in the last bits because of how they were summed compare as equal,
    every time, and a tie is decided by the definitions below, never by floating-point noise.
    (1e-9 relative is 0.1 KRW at 100,000,000 KRW: far below any Upbit tick.)

Crosses
    ``crosses_above`` fires at candle t when ``a[t-1] <= b[t-1]`` and ``a[t] > b[t]`` (previous closed
    candle on or below, current strictly above); ``crosses_below`` mirrors it. A candle with no previous
    value (the first candle, or the first after the warm-up) never fires. Equal values on both candles do
    not fire; below -> equal does not fire; equal -> above fires.

Approximately equal (``~=``)
    ``|a - b| <= percent / 100 * |b|`` (the percentage is of the target; default 1%).

Rising / falling for N candles
    ``rising`` fires at t when ``a[t] > a[t-1] > ... > a[t-N]`` (N strict increases, each beyond the
    tolerance); ``falling`` mirrors it. The comparison target is ignored; N is the operator's parameter.

NaN (warm-up, no position) never fires.
"""

from __future__ import annotations

from enum import Enum

import numpy as np

from upbit_auto_trading.domain.trigger.errors import InvalidOperatorError

REL_TOL = 1e-9
DEFAULT_APPROX_PERCENT = 1.0


class Operator(Enum):
    GT = "gt"
    GE = "ge"
    LT = "lt"
    LE = "le"
    EQ = "eq"
    NE = "ne"
    APPROX = "approx"
    CROSSES_ABOVE = "crosses_above"
    CROSSES_BELOW = "crosses_below"
    RISING = "rising"
    FALLING = "falling"

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]

    @property
    def needs_target(self) -> bool:
        return self not in (Operator.RISING, Operator.FALLING)

    @property
    def label_ko(self) -> str:
        return _LABELS[self][0]

    @property
    def label_en(self) -> str:
        return _LABELS[self][1]

    @classmethod
    def parse(cls, text: str | Operator) -> Operator:
        if isinstance(text, Operator):
            return text
        key = str(text).strip().lower().replace("-", "_")
        for op in cls:
            if key in (op.value, op.symbol.lower()):
                return op
        alias = _ALIASES.get(key)
        if alias is not None:
            return alias
        spelled = ", ".join(f"{op.value} ({op.symbol})" for op in cls)
        raise InvalidOperatorError(f"Unknown operator {text!r}; use one of {spelled}")


_SYMBOLS = {
    Operator.GT: ">",
    Operator.GE: ">=",
    Operator.LT: "<",
    Operator.LE: "<=",
    Operator.EQ: "==",
    Operator.NE: "!=",
    Operator.APPROX: "~=",
    Operator.CROSSES_ABOVE: "crosses_above",
    Operator.CROSSES_BELOW: "crosses_below",
    Operator.RISING: "rising",
    Operator.FALLING: "falling",
}
_ALIASES = {
    "=": Operator.EQ,
    "<>": Operator.NE,
    "≈": Operator.APPROX,
    "↑": Operator.CROSSES_ABOVE,
    "↓": Operator.CROSSES_BELOW,
    "cross_above": Operator.CROSSES_ABOVE,
    "cross_below": Operator.CROSSES_BELOW,
}
_LABELS = {
    Operator.GT: ("초과 (>)", "greater than (>)"),
    Operator.GE: ("이상 (>=)", "at least (>=)"),
    Operator.LT: ("미만 (<)", "less than (<)"),
    Operator.LE: ("이하 (<=)", "at most (<=)"),
    Operator.EQ: ("같음 (==)", "equal (==)"),
    Operator.NE: ("다름 (!=)", "not equal (!=)"),
    Operator.APPROX: ("근사 (~=, %)", "approximately (~=, %)"),
    Operator.CROSSES_ABOVE: ("상향 돌파", "crosses above"),
    Operator.CROSSES_BELOW: ("하향 돌파", "crosses below"),
    Operator.RISING: ("N봉 연속 상승", "rising for N candles"),
    Operator.FALLING: ("N봉 연속 하락", "falling for N candles"),
}


def _scalar_bounds(b: float) -> tuple[float, float]:
    """(lo, hi) with ``a > hi`` <=> ``a - b > REL_TOL * max(|a|, |b|)`` and ``a < lo`` likewise, for fixed b."""
    if b > 0:
        return b * (1.0 - REL_TOL), b / (1.0 - REL_TOL)
    if b < 0:
        return b / (1.0 - REL_TOL), b * (1.0 - REL_TOL)
    return 0.0, 0.0


def _kernels():
    """The compiled comparison kernels, imported on first use (keeps numba out of the import time)."""
    from upbit_auto_trading.domain.trigger import _compare_kernels as kernels

    return kernels


def _operands(a: np.ndarray, b: np.ndarray | float) -> tuple[np.ndarray, np.ndarray, bool, float, float]:
    """(a, b, scalar, lo, hi) for the kernels: a fixed target (a scalar or a broadcast scalar) is compared
    through the bounds of :func:`_scalar_bounds`; a NaN target becomes an all-NaN array (never fires)."""
    a = np.ascontiguousarray(a, dtype=np.float64)
    if np.ndim(b) == 0 or (isinstance(b, np.ndarray) and b.strides == (0,) * b.ndim and b.size):
        fixed = float(np.asarray(b).flat[0]) if np.ndim(b) else float(b)
        if not np.isnan(fixed):
            lo, hi = _scalar_bounds(fixed)
            return a, a, True, lo, hi
    b_arr = np.ascontiguousarray(np.broadcast_to(np.asarray(b, dtype=np.float64), a.shape))
    return a, b_arr, False, 0.0, 0.0


def _codes(a: np.ndarray, b: np.ndarray | float) -> np.ndarray:
    """Per candle: 1 a above b, -1 below (each beyond the tolerance), 0 equal, 2 a NaN on either side."""
    a, b_arr, scalar, lo, hi = _operands(a, b)
    return _kernels().side_codes(a, b_arr, scalar, lo, hi, REL_TOL, np.empty(a.shape[0], dtype=np.int8))


def _sides(a: np.ndarray, b: np.ndarray | float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(greater, less, valid): a > b and a < b beyond the tolerance; valid where neither is NaN."""
    codes = _codes(a, b)
    return codes == 1, codes == -1, codes != 2


def compare(
    op: Operator, a: np.ndarray, b: np.ndarray | float, *, percent: float | None = None, candles: int = 1
) -> np.ndarray:
    """Boolean array: where the operator holds at each candle (never where an input is NaN)."""
    a = np.asarray(a, dtype=np.float64)
    if op is Operator.RISING or op is Operator.FALLING:
        return _monotone(a, candles, rising=op is Operator.RISING)
    if op is Operator.APPROX:
        b_arr = np.broadcast_to(np.asarray(b, dtype=np.float64), a.shape)
        pct = DEFAULT_APPROX_PERCENT if percent is None else percent
        with np.errstate(invalid="ignore"):
            return np.abs(a - b_arr) <= (pct / 100.0) * np.abs(b_arr)
    if op is Operator.CROSSES_ABOVE or op is Operator.CROSSES_BELOW:
        a, b_arr, scalar, lo, hi = _operands(a, b)
        direction = 1 if op is Operator.CROSSES_ABOVE else -1
        out = np.empty(a.shape[0], dtype=np.bool_)
        return _kernels().crosses(a, b_arr, scalar, lo, hi, REL_TOL, direction, out)
    codes = _codes(a, b)
    if op is Operator.GT:
        return codes == 1
    if op is Operator.LT:
        return codes == -1
    if op is Operator.GE:
        return (codes == 0) | (codes == 1)
    if op is Operator.LE:
        return (codes == 0) | (codes == -1)
    if op is Operator.EQ:
        return codes == 0
    if op is Operator.NE:
        return (codes == 1) | (codes == -1)
    raise InvalidOperatorError(f"operator {op.value} is not a comparison")


def _monotone(a: np.ndarray, candles: int, *, rising: bool) -> np.ndarray:
    if candles < 1:
        raise InvalidOperatorError("rising/falling needs N >= 1 candles")
    out = np.zeros(a.shape, dtype=bool)
    if a.shape[0] <= candles:
        return out
    greater, less, _ = _sides(a[1:], a[:-1])
    step = greater if rising else less  # step[t-1]: a[t] vs a[t-1]
    # all of the last N steps hold: a window count of failures equal to zero
    failures = np.concatenate([[0], np.cumsum(~step)])
    count = failures[candles:] - failures[:-candles]
    out[candles:] = count == 0
    return out
