"""How the analysis screen writes its figures: percentages, ratios, money, durations. No Qt.

A figure the run does not define (no losing day, fewer than two trades) is ``-``, never a made-up 0.
"""

from __future__ import annotations

import math
from typing import Any

from upbit_auto_trading.presentation.desktop.i18n import tr

DASH = "-"


def finite(value: Any) -> float | None:
    """``value`` as a finite float, None when it is missing or not a number."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def pct(value: Any, decimals: int = 2, *, signed: bool = False) -> str:
    """0.1234 -> ``12.34%`` (``+12.34%`` with ``signed``)."""
    number = finite(value)
    if number is None:
        return DASH
    text = f"{number * 100:{'+' if signed else ''},.{decimals}f}%"
    if float(text.rstrip("%").replace(",", "")) == 0:  # -0.001 % written to 1 decimal: 0.0 %, not -0.0 %
        return f"{0:.{decimals}f}%"
    return text


def ratio(value: Any, decimals: int = 2) -> str:
    number = finite(value)
    return DASH if number is None else f"{number:,.{decimals}f}"


def money(value: Any, quote: str = "KRW") -> str:
    """Whole won for KRW (and any amount of 1,000 or more), up to 8 decimals below that (BTC markets)."""
    number = finite(value)
    if number is None:
        return DASH
    if quote == "KRW" or abs(number) >= 1000:
        return f"{number:,.0f}"
    return f"{number:,.8f}".rstrip("0").rstrip(".")


def count(value: Any) -> str:
    number = finite(value)
    return DASH if number is None else f"{int(number):,}"


def duration(seconds: Any) -> str:
    """``3d 4h`` / ``3일 4시간``: a holding time as a person reads it."""
    number = finite(seconds)
    if number is None:
        return DASH
    minutes = int(round(number / 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return tr(f"{days}일 {hours}시간", f"{days}d {hours}h")
    if hours:
        return tr(f"{hours}시간 {mins}분", f"{hours}h {mins}m")
    return tr(f"{mins}분", f"{mins}m")


def short_hash(value: Any, length: int = 12) -> str:
    text = str(value or "")
    return text[:length] if text else DASH


def quote_of(market: str) -> str:
    """``KRW`` for ``KRW-BTC``."""
    return market.split("-")[0] if "-" in market else ""
