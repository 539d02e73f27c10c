"""Candle timeframes: the codes used everywhere (DB, CLI, JSON) and their Upbit API paths."""

from __future__ import annotations

from enum import Enum

from upbit_auto_trading.domain.market.errors import UnknownTimeframeError


class Timeframe(Enum):
    """A candle period. ``value`` is the code (``1m`` ... ``1M``)."""

    M1 = "1m"
    M3 = "3m"
    M5 = "5m"
    M10 = "10m"
    M15 = "15m"
    M30 = "30m"
    H1 = "1h"
    H4 = "4h"
    D1 = "1d"
    W1 = "1w"
    MONTH1 = "1M"

    @property
    def code(self) -> str:
        return self.value

    @property
    def seconds(self) -> int | None:
        """Fixed length in seconds; None for months (variable length)."""
        return _SECONDS[self]

    @property
    def upbit_path(self) -> str:
        """Path segment after ``/v1/candles/``: ``minutes/60``, ``days``, ``weeks``, ``months``."""
        return _UPBIT_PATH[self]

    @property
    def is_calendar(self) -> bool:
        """True for timeframes aligned to calendar units (week, month) rather than the epoch."""
        return self in (Timeframe.W1, Timeframe.MONTH1)

    @classmethod
    def from_code(cls, code: str | Timeframe) -> Timeframe:
        """Parse a code; accepts ``60m``, ``240m``, ``day``, ``week``, ``month``, ``minutes/60`` etc. too."""
        if isinstance(code, Timeframe):
            return code
        text = str(code).strip()
        for tf in cls:
            if tf.value == text:
                return tf
        alias = _ALIASES.get(text.lower())
        if alias is not None and text != "1M":
            return alias
        raise UnknownTimeframeError(
            f"Unknown timeframe {code!r}; use one of {', '.join(tf.value for tf in cls)}"
        )

    @classmethod
    def codes(cls) -> list[str]:
        return [tf.value for tf in cls]

    def __str__(self) -> str:
        return self.value


_SECONDS: dict[Timeframe, int | None] = {
    Timeframe.M1: 60,
    Timeframe.M3: 180,
    Timeframe.M5: 300,
    Timeframe.M10: 600,
    Timeframe.M15: 900,
    Timeframe.M30: 1800,
    Timeframe.H1: 3600,
    Timeframe.H4: 14400,
    Timeframe.D1: 86400,
    Timeframe.W1: 604800,
    Timeframe.MONTH1: None,
}

_UPBIT_PATH: dict[Timeframe, str] = {
    Timeframe.M1: "minutes/1",
    Timeframe.M3: "minutes/3",
    Timeframe.M5: "minutes/5",
    Timeframe.M10: "minutes/10",
    Timeframe.M15: "minutes/15",
    Timeframe.M30: "minutes/30",
    Timeframe.H1: "minutes/60",
    Timeframe.H4: "minutes/240",
    Timeframe.D1: "days",
    Timeframe.W1: "weeks",
    Timeframe.MONTH1: "months",
}

_ALIASES: dict[str, Timeframe] = {
    "1": Timeframe.M1,
    "1min": Timeframe.M1,
    "3min": Timeframe.M3,
    "5min": Timeframe.M5,
    "10min": Timeframe.M10,
    "15min": Timeframe.M15,
    "30min": Timeframe.M30,
    "60m": Timeframe.H1,
    "60min": Timeframe.H1,
    "1h": Timeframe.H1,
    "240m": Timeframe.H4,
    "240min": Timeframe.H4,
    "4h": Timeframe.H4,
    "day": Timeframe.D1,
    "days": Timeframe.D1,
    "1d": Timeframe.D1,
    "d": Timeframe.D1,
    "week": Timeframe.W1,
    "weeks": Timeframe.W1,
    "1w": Timeframe.W1,
    "w": Timeframe.W1,
    "month": Timeframe.MONTH1,
    "months": Timeframe.MONTH1,
    "1mo": Timeframe.MONTH1,
    "mo": Timeframe.MONTH1,
    **{path: tf for tf, path in _UPBIT_PATH.items()},
}
