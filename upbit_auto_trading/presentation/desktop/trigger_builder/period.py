"""The preview period typed in the trigger builder: two UTC dates, either may be empty (as on the backtest
screen and in ``triggers eval --from/--to``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from upbit_auto_trading.application.trigger.preview_candles import PREVIEW_CANDLES, PreviewPeriod
from upbit_auto_trading.presentation.desktop.i18n import tr

FORMAT_HINT = "YYYY-MM-DD"


class PeriodError(ValueError):
    """A message for the form's validation line."""


def _moment(text: str, label: str, end: bool) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise PeriodError(
            tr(
                f"{label}: {FORMAT_HINT} 형식으로 입력하세요 ({text!r})",
                f"{label}: expected {FORMAT_HINT}, got {text!r}",
            )
        ) from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if end and len(text) <= 10:  # a date alone: its last candle start is that day's last second
        moment += timedelta(days=1, seconds=-1)
    return moment


def parse_period(start_text: str, end_text: str) -> PreviewPeriod:
    """Empty start: the last PREVIEW_CANDLES candles up to the end (empty end: the newest)."""
    start = _moment(start_text, tr("시작일", "From"), end=False)
    end = _moment(end_text, tr("종료일", "To"), end=True)
    if start is not None and end is not None and start > end:
        raise PeriodError(tr("시작일이 종료일보다 늦습니다", "The start is after the end"))
    return PreviewPeriod(start, end)


def period_hint() -> str:
    return tr(
        f"비우면 최근 {PREVIEW_CANDLES:,}개 캔들 (UTC 날짜)",
        f"Empty: the last {PREVIEW_CANDLES:,} candles (UTC dates)",
    )
