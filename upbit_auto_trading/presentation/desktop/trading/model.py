"""The Trading tab's texts: the start form and how it becomes a ``StartRequest``, and every table row as the
strings the view shows (KRW with separators, times in KST, both languages). No Qt here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from upbit_auto_trading.application.trading.desk_view import (
    FillRow,
    OrderRow,
    PositionRow,
    SessionRow,
)
from upbit_auto_trading.application.trading.engine import ReplayWindow, StartRequest
from upbit_auto_trading.domain.trading.review import ReviewItem
from upbit_auto_trading.domain.trading.session import TradingMode
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.kst import to_kst

MODES = (  # (value, korean, english)
    ("paper", "모의 (실시간)", "Paper (real time)"),
    ("replay", "모의 (리플레이)", "Paper replay"),
    ("live", "실거래", "Live"),
)
DEFAULT_REPLAY_SPEED_MS = 150.0  # a replay the eye can follow; 0 runs as fast as it can


@dataclass(frozen=True)
class StartForm:
    strategy: str
    markets: str  # comma or space separated: "KRW-BTC, KRW-ETH"
    timeframe: str
    mode: str  # paper | replay | live
    budget: str
    replay_from: str = ""  # YYYY-MM-DD (UTC)
    replay_to: str = ""
    speed_ms: str = ""
    api_url: str = ""


def _day(text: str, label: str, end: bool) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(tr(f"{label}: YYYY-MM-DD 형식으로 입력하세요", f"{label}: use YYYY-MM-DD")) from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if end and len(text) <= 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment


def parse_start(form: StartForm) -> StartRequest:
    """The request of a filled form; raises ValueError with a message for the user."""
    if not form.strategy.strip():
        raise ValueError(tr("전략을 고르세요", "Pick a strategy"))
    markets = tuple(m.strip().upper() for m in form.markets.replace(",", " ").split() if m.strip())
    if not markets:
        raise ValueError(
            tr("시장을 하나 이상 입력하세요 (예: KRW-BTC)", "Enter one or more markets (e.g. KRW-BTC)")
        )
    bad = [m for m in markets if not m.startswith("KRW-")]
    if bad:
        raise ValueError(
            tr(f"KRW 시장만 거래할 수 있습니다: {', '.join(bad)}", f"Only KRW markets: {', '.join(bad)}")
        )
    if len(set(markets)) != len(markets):
        raise ValueError(tr("같은 시장이 두 번 있습니다", "A market is listed twice"))
    try:
        budget = Decimal(form.budget.replace(",", "").replace("_", "").strip())
    except InvalidOperation:
        budget = Decimal("NaN")
    if not budget.is_finite() or budget < Decimal(5000):
        raise ValueError(tr("예산은 5,000원 이상이어야 합니다", "The budget must be at least 5,000 KRW"))
    mode = TradingMode(form.mode)
    replay = None
    if mode is TradingMode.REPLAY:
        start = _day(form.replay_from, tr("시작일", "From"), end=False)
        end = _day(form.replay_to, tr("종료일", "To"), end=True)
        if start is not None and end is not None and start > end:
            raise ValueError(tr("시작일이 종료일보다 늦습니다", "From is after To"))
        try:
            speed = float(form.speed_ms) if form.speed_ms.strip() else DEFAULT_REPLAY_SPEED_MS
        except ValueError:
            speed = -1.0
        if not speed >= 0:
            raise ValueError(tr("속도는 0 이상의 밀리초입니다", "Speed is 0 or more milliseconds per candle"))
        replay = ReplayWindow(start, end, speed)
    return StartRequest(strategy=form.strategy.strip(), markets=markets, timeframe=form.timeframe.strip() or "1h",
                        mode=mode, budget=budget, replay=replay, api_url=form.api_url.strip())  # fmt: skip


# --- texts ----------------------------------------------------------------------------------------------


def krw(value: Decimal | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+,.0f}" if signed else f"{value:,.0f}"


def price(value: Decimal | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def quantity(value: Decimal | None) -> str:
    if value is None:
        return "-"
    text = f"{value:.8f}".rstrip("0").rstrip(".")
    return text or "0"


def kst_time(moment: datetime) -> str:
    return to_kst(moment).strftime("%m-%d %H:%M:%S")


_MODE = {m: (ko, en) for m, ko, en in MODES}
_STATE = {
    "running": ("실행 중", "running"), "stopped": ("중지", "stopped"), "finished": ("완료", "finished"),
    "halted": ("긴급 정지", "halted"),
}  # fmt: skip
RISK = {
    "normal": ("정상", "normal"), "caution": ("주의", "caution"), "defense": ("방어", "defense"),
    "halt": ("정지", "halt"),
}  # fmt: skip
_KIND = {"entry": ("진입", "entry"), "add": ("추가 매수", "add"), "partial_exit": ("부분 청산", "partial exit"),
         "exit": ("청산", "exit"), "emergency": ("긴급", "emergency")}  # fmt: skip
_SIDE = {"bid": ("매수", "buy"), "ask": ("매도", "sell")}
_ORDER_STATE = {
    "intent": ("의도 기록", "intent"), "sent": ("전송됨", "sent"), "open": ("대기", "open"), "done": ("체결", "done"),
    "cancelled": ("취소", "cancelled"), "rejected": ("거부", "rejected"), "not_placed": ("미주문", "not placed"),
}  # fmt: skip


def label(table: dict[str, tuple[str, str]], key: str) -> str:
    pair = table.get(key)
    return tr(*pair) if pair else key


def mode_label(mode: str) -> str:
    return label(_MODE, mode)


SESSION_HEADERS = (
    ("세션", "Session"), ("전략", "Strategy"), ("모드", "Mode"), ("시장", "Markets"), ("상태", "State"),
    ("예산 사용", "Budget used"), ("실현 손익", "Realised P&L"), ("평가 손익", "Unrealised P&L"), ("위험 상태", "Risk"),
)  # fmt: skip
POSITION_HEADERS = (
    ("시장", "Market"), ("수량", "Quantity"), ("평균가", "Avg price"), ("현재가", "Last price"),
    ("평가 손익", "Unrealised P&L"), ("트레일링 스탑", "Trailing stop"), ("다음 물타기", "Next pyramid"),
    ("손절가", "Stop-loss"), ("세션", "Session"),
)  # fmt: skip
ORDER_HEADERS = (
    ("시각 (KST)", "Time (KST)"), ("시장", "Market"), ("구분", "Side"), ("종류", "Kind"), ("상태", "State"),
    ("가격/금액", "Price/total"), ("수량", "Volume"), ("체결", "Executed"), ("식별자", "Identifier"),
)  # fmt: skip
FILL_HEADERS = (
    ("시각", "Time"), ("시장", "Market"), ("구분", "Side"), ("종류", "Kind"), ("가격", "Price"), ("수량", "Volume"),
    ("수수료", "Fee"), ("식별자", "Identifier"),
)  # fmt: skip
REVIEW_HEADERS = (
    ("번호", "#"),
    ("시장", "Market"),
    ("종류", "Kind"),
    ("내용", "Detail"),
    ("발생 (KST)", "Found (KST)"),
)


def headers(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return [tr(ko, en) for ko, en in pairs]


@dataclass(frozen=True)
class Line:
    """A table row: its cells, the key it stands for (session id, identifier, review id) and a tone for
    colouring ("" | "profit" | "loss" | "warn" | "danger")."""

    cells: tuple[str, ...]
    key: str
    tone: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _tone(value: Decimal | None) -> str:
    if value is None or value == 0:
        return ""
    return "profit" if value > 0 else "loss"


def risk_text(state: str, reason: str) -> str:
    if not state:
        return "-"
    text = label(RISK, state)
    return f"{text}: {reason}" if reason and state != "normal" else text


def session_line(s: SessionRow) -> Line:
    used = f"{krw(s.used)} / {krw(s.budget)}"
    state = label(_STATE, s.state)
    if s.state == "running" and not s.followed:
        state += tr(" (다른 프로세스/대기)", " (not followed here)")
    if s.error:
        state += tr(" - 오류", " - failed")
    tone = {"caution": "warn", "defense": "warn", "halt": "danger"}.get(s.risk_state, "")
    if s.mode == "live" and s.state == "running":
        tone = "danger"
    return Line(
        (s.session_id, s.strategy, mode_label(s.mode), ", ".join(s.markets), state, used, krw(s.realized, True),
         krw(s.unrealized, True), risk_text(s.risk_state, s.risk_reason)),
        s.session_id, tone, {"markets": s.markets, "state": s.state, "followed": s.followed, "mode": s.mode},
    )  # fmt: skip


def _armed(value: Decimal | None, waiting: Decimal | None = None) -> str:
    if value is not None:
        return price(value)
    if waiting is not None:
        return tr(f"{price(waiting)}에서 작동", f"from {price(waiting)}")
    return "-"


def position_line(p: PositionRow) -> Line:
    a = p.armed
    return Line(
        (p.market, quantity(p.quantity), price(p.average_price), price(p.last_price), krw(p.unrealized, True),
         _armed(a.trailing_stop, a.trailing_from), _armed(a.next_pyramid), _armed(a.stop_loss), p.session_id),
        f"{p.session_id}|{p.market}", _tone(p.unrealized), {"session": p.session_id, "market": p.market},
    )  # fmt: skip


def order_line(o: OrderRow) -> Line:
    amount = price(o.price) if o.price is not None else "-"
    return Line(
        (kst_time(o.created_at), o.market, label(_SIDE, o.side), label(_KIND, o.kind), label(_ORDER_STATE, o.state),
         amount, quantity(o.volume), quantity(o.executed_volume), o.identifier),
        o.identifier, "warn" if o.state in ("intent", "sent") else "",
        {"correlation": o.correlation_id, "session": o.session_id, "market": o.market},
    )  # fmt: skip


def fill_line(f: FillRow) -> Line:
    return Line(
        (kst_time(f.at), f.market, label(_SIDE, f.side), label(_KIND, f.kind), price(f.price), quantity(f.volume),
         krw(f.fee) if f.fee >= 1 else f"{f.fee:.2f}", f.identifier),
        f.identifier, "profit" if f.side == "bid" else "loss",
        {"correlation": f.correlation_id, "session": f.session_id, "market": f.market},
    )  # fmt: skip


_REVIEW_KIND = {
    "unknown_order": ("모르는 주문", "unknown order"), "balance_mismatch": ("잔고 불일치", "balance mismatch"),
    "lost_order": ("사라진 주문", "lost order"), "stuck_order": ("적용 못한 주문", "stuck order"),
}  # fmt: skip


def review_line(item: ReviewItem) -> Line:
    return Line(
        (str(item.item_id), item.market, label(_REVIEW_KIND, item.kind.value), item.detail,
         to_kst(item.created_at).strftime("%Y-%m-%d %H:%M")),
        str(item.item_id), "warn", {"market": item.market},
    )  # fmt: skip


RESOLUTIONS = (  # what the user did about a review item (the note the journal keeps)
    ("accepted", "확인함 (거래소 상태가 맞음)", "Accepted (the exchange is right)"),
    ("handled", "거래소에서 직접 처리함", "Handled at the exchange by hand"),
    ("ignored", "무시 (이 세션과 무관)", "Ignored (not this app's)"),
)
