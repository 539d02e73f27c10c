"""The report's words and numbers: Korean or English, times in KST, money with thousands separators.

The report is a file the user keeps and shares, so it is written in one language chosen when it is exported
(the desktop's language setting, or the CLI's ``--language``), never by a process-wide setting.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

KST = timezone(timedelta(hours=9), "KST")
LANGUAGES = ("en", "ko")


class Texts:
    """``t(korean, english)``: the report's language, fixed when the report is written."""

    def __init__(self, language: str = "en") -> None:
        if language not in LANGUAGES:
            raise ValueError(f"report language must be one of {', '.join(LANGUAGES)}; got {language!r}")
        self.language = language

    def __call__(self, korean: str, english: str) -> str:
        return korean if self.language == "ko" else english


# ------------------------------------------------------------------------------------------------ times
def parse_utc(iso: str) -> datetime:
    """A stored time (ISO-8601 UTC, ``...Z``) as an aware datetime."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def kst_text(iso: str | None, *, seconds: bool = False) -> str:
    """``2024-01-01 09:00`` (KST) for ``2024-01-01T00:00:00Z``; "" for None. Headers say "KST"."""
    if not iso:
        return ""
    return parse_utc(iso).astimezone(KST).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def kst_now_text() -> str:
    return datetime.now(UTC).astimezone(KST).strftime("%Y-%m-%d %H:%M KST")


def duration_text(seconds: float | None, t: Texts) -> str:
    """``3d 4h`` / ``3일 4시간``: a holding time as a person reads it."""
    if seconds is None or not math.isfinite(seconds):
        return "-"
    minutes = int(round(seconds / 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return t(f"{days}일 {hours}시간", f"{days}d {hours}h")
    if hours:
        return t(f"{hours}시간 {mins}분", f"{hours}h {mins}m")
    return t(f"{mins}분", f"{mins}m")


# ------------------------------------------------------------------------------------------------ numbers
def to_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def money(value: Any, quote: str = "KRW") -> str:
    """Money in its quote currency: KRW as whole won with separators (``12,345,678``); other quotes (BTC-,
    USDT- markets) with their decimals, separators on the whole part."""
    number = to_decimal(value)
    if number is None:
        return "-"
    if quote == "KRW" or abs(number) >= 1000:
        return f"{number:,.0f}"
    text = f"{number:,.8f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def price(value: Any) -> str:
    """A price: whole won above 1,000 (Upbit's ticks there are whole), up to 8 decimals below."""
    number = to_decimal(value)
    if number is None:
        return "-"
    if abs(number) >= 1000:
        return f"{number:,.0f}"
    return f"{number:,.8f}".rstrip("0").rstrip(".") or "0"


def quantity(value: Any) -> str:
    number = to_decimal(value)
    return "-" if number is None else (f"{number:,.8f}".rstrip("0").rstrip(".") or "0")


def percent(value: Any, places: int = 2) -> str:
    """A fraction as a percentage: 0.1234 -> ``12.34%``; None -> ``-``."""
    if value is None:
        return "-"
    number = float(value)
    if not math.isfinite(number):
        return "-"
    return f"{number * 100:,.{places}f}%"


def signed_percent(value: Any, places: int = 1) -> str:
    text = percent(value, places)
    return "+" + text if value is not None and text != "-" and float(value) > 0 else text


def number(value: Any, places: int = 2) -> str:
    if value is None:
        return "-"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(x):
        return "-"
    return f"{x:,.{places}f}"


def rate_percent(value: Any) -> str:
    """A stored rate (``"0.0005"``) as Upbit writes fees: ``0.05%``."""
    number_ = to_decimal(value)
    if number_ is None:
        return "-"
    text = format((number_ * 100).normalize(), "f")
    return ("0" if text in ("-0", "") else text) + "%"


def axis_money(value: float) -> str:
    """An axis label of an equity chart: whole numbers with separators (the axis says the currency)."""
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:,.4g}"


def quote_of(market: str) -> str:
    return market.split("-")[0] if "-" in market else "KRW"


# ------------------------------------------------------------------------------------------------ labels
REASONS = {
    "entry_signal": ("진입 신호", "entry signal"), "pyramid": ("물타기", "pyramid"), "scale_in": ("불타기", "scale-in"),
    "stop_loss": ("손절", "stop-loss"), "take_profit": ("익절", "take-profit"),
    "trailing_stop": ("트레일링 스탑", "trailing stop"), "partial_take_profit": ("부분 익절", "partial take-profit"),
    "exit_signal": ("청산 트리거", "exit trigger"), "time_exit": ("시간 청산", "time exit"),
}  # fmt: skip


def reason_text(reason: str | None, t: Texts) -> str:
    if not reason:
        return t("보유 중", "open")
    ko, en = REASONS.get(reason, (reason, reason.replace("_", " ")))
    return t(ko, en)
