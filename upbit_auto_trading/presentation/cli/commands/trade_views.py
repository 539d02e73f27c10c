"""How ``trade`` shows sessions and orders (JSON documents and text lines)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from upbit_auto_trading.presentation.cli.times import iso_z, utc_text

if TYPE_CHECKING:
    from upbit_auto_trading.application.trading.engine import TradingEngine
    from upbit_auto_trading.domain.trading.journal import JournalOrder, OrderFill
    from upbit_auto_trading.domain.trading.session import TradingSession

ZERO = Decimal(0)


def session_dict(engine: TradingEngine, s: TradingSession) -> dict[str, Any]:
    desk_journal = engine.journal
    running = engine.running.get(s.session_id)
    positions = []
    unrealized_total = ZERO
    realized = ZERO
    from upbit_auto_trading.domain.trading.position import position_from

    fills = desk_journal.fills(s.session_id)
    for market in s.markets:
        pos = position_from(market, fills)
        realized += pos.realized
        last = ZERO
        if running is not None and market in running.runner.traders:
            last = running.runner.traders[market].status.last_price
        if pos.is_open:
            unrealized = pos.unrealized(last) if last else ZERO
            unrealized_total += unrealized
            positions.append({"market": market, "quantity": pos.quantity, "avg_price": pos.average_price,
                              "unrealized_krw": unrealized})  # fmt: skip
    open_orders = desk_journal.orders(s.session_id, unfinished_only=True)
    risk = running.risk.state.value if running is not None and running.risk is not None else "normal"
    return {
        "id": s.session_id, "strategy": s.strategy_name, "mode": s.mode.value, "markets": list(s.markets),
        "state": s.state.value, "timeframe": s.timeframe, "budget": s.budget, "positions": positions,
        "open_orders": len(open_orders), "realized_krw": realized, "unrealized_krw": unrealized_total,
        "risk_state": risk, "last_candle": {m: iso_z(datetime.fromisoformat(t)) for m, t in s.last_candle.items()},
        "started_at": s.started_at, "note": s.note,
    }  # fmt: skip


def session_text(engine: TradingEngine, s: TradingSession) -> str:
    d = session_dict(engine, s)
    lines = [f"{d['id']}  {d['strategy']}  {d['mode']}  {d['state']}  {', '.join(d['markets'])}  "
             f"realised {d['realized_krw']:,.0f} KRW  open orders {d['open_orders']}  risk {d['risk_state']}"]  # fmt: skip
    for p in d["positions"]:
        lines.append(f"  {p['market']}: {p['quantity']} @ {p['avg_price']:,.0f}")
    return "\n".join(lines)


def order_dict(e: JournalOrder, fills: list[OrderFill]) -> dict[str, Any]:
    mine = [f for f in fills if f.identifier == e.identifier]
    volume = sum((f.volume for f in mine), ZERO)
    avg = sum((f.price * f.volume for f in mine), ZERO) / volume if volume else None
    return {
        "identifier": e.identifier, "uuid": e.uuid, "market": e.market, "side": e.side.value,
        "ord_type": e.ord_type.value, "state": e.state.value, "volume": e.volume,
        "executed_volume": e.executed_volume, "price": e.price, "avg_fill_price": avg, "paid_fee": e.paid_fee,
        "created_at": e.created_at, "source": e.source, "reason": e.reason, "session": e.session_id,
        "decided_bar": e.decided_bar, "kind": e.kind,
    }  # fmt: skip


def order_text(d: dict[str, Any]) -> str:
    what = f"{d['volume']}" if d["volume"] is not None else f"{d['price']} KRW"
    return (f"{utc_text(d['created_at'])}  {d['market']}  {d['side']:<3} {d['ord_type']:<6} {what:<14} "
            f"{d['state']:<10} executed {d['executed_volume']}  {d['reason']}  {d['identifier']}")  # fmt: skip
