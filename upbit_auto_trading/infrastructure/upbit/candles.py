"""Upbit candle replies -> domain candles, and the ``to`` parameter's format."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.infrastructure.upbit.errors import UpbitProtocolError
from upbit_auto_trading.infrastructure.upbit.models import req_dec

MAX_CANDLES_PER_CALL = 200


def candle_path(timeframe: Timeframe) -> str:
    return f"/v1/candles/{timeframe.upbit_path}"


def format_to(moment: datetime) -> str:
    """Upbit's ``to`` (exclusive upper bound): ``YYYY-MM-DDTHH:MM:SSZ`` in UTC."""
    if moment.tzinfo is None:
        raise ValueError("candle 'to' must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    """``candle_date_time_utc`` (``2018-04-18T10:16:00``, no offset) as an aware UTC datetime."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def candle_from_json(d: dict[str, Any], timeframe: Timeframe) -> Candle:
    try:
        return Candle(
            market=d["market"] if "market" in d else d["code"],
            timeframe=timeframe.code,
            start=parse_utc(d["candle_date_time_utc"]),
            open=req_dec(d, "opening_price"),
            high=req_dec(d, "high_price"),
            low=req_dec(d, "low_price"),
            close=req_dec(d, "trade_price"),
            volume=req_dec(d, "candle_acc_trade_volume"),
            quote_volume=req_dec(d, "candle_acc_trade_price"),
        )
    except KeyError as exc:
        raise UpbitProtocolError(f"Upbit candle lacks {exc}") from exc


def candles_parser(timeframe: Timeframe):
    def parse(data: Any) -> list[Candle]:
        if not isinstance(data, list):
            raise UpbitProtocolError("Upbit candles reply is not a list")
        return [candle_from_json(d, timeframe) for d in data]

    return parse
