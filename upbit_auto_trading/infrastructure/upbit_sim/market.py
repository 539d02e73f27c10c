"""The replayed market: stored candles revealed one at a time; the last revealed close is the price."""

from __future__ import annotations

import bisect
import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from upbit_auto_trading.application.ports.candle_reader import CandleReader
from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.domain.market.tick_size import krw_tick_size
from upbit_auto_trading.domain.market.timeframe import Timeframe

KST = timedelta(hours=9)
_ZERO = Decimal(0)

KNOWN_NAMES: dict[str, tuple[str, str]] = {
    "BTC": ("비트코인", "Bitcoin"),
    "ETH": ("이더리움", "Ethereum"),
    "XRP": ("엑스알피(리플)", "XRP"),
    "SOL": ("솔라나", "Solana"),
    "DOGE": ("도지코인", "Dogecoin"),
}


@dataclass
class Series:
    market: str
    timeframe: Timeframe
    candles: list[Candle]  # ascending by start; always the stored (whole) values
    starts: list[int]  # epoch seconds, for bisect
    cursor: int  # candles[:cursor] are visible (the past); candles[cursor-1] is the latest
    # What is known so far of candles[cursor-1] while it is being revealed (open_next .. complete_current);
    # None when the latest candle is whole.
    partial: Candle | None = None

    @property
    def current_partial(self) -> Candle | None:
        """The partly revealed latest candle, if any (ignored if the cursor was moved under it)."""
        p = self.partial
        if p is None or self.cursor <= 0 or p.start != self.candles[self.cursor - 1].start:
            return None
        return p

    @property
    def latest(self) -> Candle | None:
        if self.cursor <= 0:
            return None
        return self.current_partial or self.candles[self.cursor - 1]

    def shown(self, begin: int, end: int) -> list[Candle]:
        """Visible candles[begin:end] as the market knows them: the latest one possibly partial."""
        out = self.candles[begin : min(end, self.cursor)]
        partial = self.current_partial
        if partial is not None and out and begin <= self.cursor - 1 < end:
            out[-1] = partial
        return out


class MarketReplay:
    """Candles per (market, timeframe). ``advance`` reveals the next candle of a series; ``open_next``,
    ``move_price`` and ``complete_current`` reveal it bit by bit (a replay's intrabar prices)."""

    def __init__(self) -> None:
        self._series: dict[tuple[str, str], Series] = {}

    def add_candles(self, candles: Iterable[Candle], visible: int | None = None) -> Series:
        """Add one series (all candles of one market and timeframe); ``visible`` None reveals all of them."""
        ordered = sorted(candles, key=lambda c: c.start)
        if not ordered:
            raise ValueError("a replayed series needs at least one candle")
        first = ordered[0]
        unique: dict[int, Candle] = {c.start_epoch: c for c in ordered}
        ordered = [unique[k] for k in sorted(unique)]
        tf = Timeframe.from_code(first.timeframe)
        count = len(ordered) if visible is None else max(1, min(visible, len(ordered)))
        series = Series(first.market, tf, ordered, [c.start_epoch for c in ordered], count)
        self._series[(first.market, tf.code)] = series
        return series

    def add_from_reader(
        self,
        reader: CandleReader,
        market: str,
        timeframe: str,
        visible: int | None = None,
        limit: int | None = None,
    ) -> Series:
        """Replay a stored series (its newest ``limit`` candles). A reader that can give exact decimals
        (``load_candles``, as the SQLite candle store does) is used for them, so the server answers with the
        stored values digit for digit; otherwise the float arrays are converted back."""
        load_candles = getattr(reader, "load_candles", None)
        if callable(load_candles):
            exact = list(load_candles(market, timeframe))
            return self.add_candles(exact if limit is None else exact[-limit:] if limit > 0 else [], visible)
        arrays = reader.load_arrays(market, timeframe)
        n = len(arrays)
        begin = 0 if limit is None else max(0, n - limit)
        candles = [
            Candle(
                market=market,
                timeframe=timeframe,
                start=datetime.fromtimestamp(int(arrays.start[i]), UTC),
                open=_d(arrays.open[i]),
                high=_d(arrays.high[i]),
                low=_d(arrays.low[i]),
                close=_d(arrays.close[i]),
                volume=_d(arrays.volume[i]),
                quote_volume=_d(arrays.quote_volume[i]),
            )
            for i in range(begin, n)
        ]
        return self.add_candles(candles, visible)

    # --- queries ---------------------------------------------------------------------------------------

    def markets(self) -> list[str]:
        return sorted({m for m, _ in self._series})

    def has_market(self, market: str) -> bool:
        return any(m == market for m, _ in self._series)

    def series(self, market: str, timeframe: str) -> Series | None:
        return self._series.get((market, timeframe))

    def all_series(self) -> list[Series]:
        return list(self._series.values())

    def primary(self, market: str) -> Series | None:
        """The finest-grained series of a market: it drives the price."""
        options = [s for (m, _), s in self._series.items() if m == market]
        return min(options, key=lambda s: s.timeframe.seconds or 10**9) if options else None

    def price(self, market: str) -> Decimal | None:
        """The last price: the close of the latest visible candle, or where a partial candle stands now."""
        series = self.primary(market)
        latest = series.latest if series else None
        return latest.close if latest else None

    def now(self, market: str | None = None) -> datetime:
        """The replay clock: the end of the latest visible candle of the market (or of any series); inside
        a partly revealed candle, its start (the clock cannot know more)."""
        options = [self.primary(market)] if market else self.all_series()
        ends = [
            s.latest.start
            + (timedelta(0) if s.current_partial else timedelta(seconds=s.timeframe.seconds or 86400))
            for s in options
            if s is not None and s.latest is not None
        ]
        return max(ends) if ends else datetime(2020, 1, 1, tzinfo=UTC)

    def candles_before(self, market: str, timeframe: str, to: datetime | None, count: int) -> list[Candle]:
        """Visible candles starting strictly before ``to``, newest first, at most ``count``."""
        series = self._series.get((market, timeframe))
        if series is None:
            return []
        end = series.cursor
        if to is not None:
            end = min(end, bisect.bisect_left(series.starts, int(to.timestamp())))
        begin = max(0, end - count)
        return list(reversed(series.shown(begin, end)))

    def advance(self, market: str, timeframe: str, steps: int = 1) -> list[Candle]:
        """Reveal the next ``steps`` whole candles of a series (each: ``open_next`` then
        ``complete_current``); returns them (fewer at the end of the data)."""
        revealed: list[Candle] = []
        for _ in range(steps):
            if self.open_next(market, timeframe) is None:
                break
            whole = self.complete_current(market, timeframe)
            assert whole is not None
            revealed.append(whole)
        return revealed

    # --- intrabar: one candle revealed bit by bit ----------------------------------------------------------

    def open_next(self, market: str, timeframe: str) -> Candle | None:
        """The next candle opens: the previous one is whole now, the price is the new one's open, and only
        that open is known of it (o=h=l=c=open, volume 0). None (nothing changes) at the end of the data."""
        series = self._series[(market, timeframe)]
        if series.cursor >= len(series.candles):
            return None
        stored = series.candles[series.cursor]
        series.cursor += 1
        series.partial = replace(
            stored, high=stored.open, low=stored.open, close=stored.open, volume=_ZERO, quote_volume=_ZERO
        )
        return series.partial

    def move_price(self, market: str, timeframe: str, price: Decimal) -> Candle:
        """The price moves inside the partly revealed candle (kept within the stored candle's real range,
        which is where it really went); returns the candle as now known."""
        series = self._series[(market, timeframe)]
        partial = series.current_partial
        if partial is None:
            raise ValueError(f"{market} {timeframe}: no candle is being revealed; call open_next first")
        stored = series.candles[series.cursor - 1]
        price = min(max(Decimal(price), stored.low), stored.high)
        series.partial = replace(
            partial, high=max(partial.high, price), low=min(partial.low, price), close=price
        )
        return series.partial

    def unseen_range(self, market: str, timeframe: str) -> tuple[Decimal, Decimal] | None:
        """Where the price still goes before the partly revealed candle ends: from where it stands to the
        close, plus the stored low and high when the moves have not reached them yet. None when no candle
        is being revealed."""
        series = self._series[(market, timeframe)]
        partial = series.current_partial
        if partial is None:
            return None
        stored = series.candles[series.cursor - 1]
        low = min(partial.close, stored.close, stored.low if stored.low < partial.low else stored.close)
        high = max(partial.close, stored.close, stored.high if stored.high > partial.high else stored.close)
        return low, high

    def complete_current(self, market: str, timeframe: str) -> Candle | None:
        """The partly revealed candle becomes whole (its stored values); returns it, None if none was."""
        series = self._series[(market, timeframe)]
        if series.current_partial is None:
            return None
        series.partial = None
        return series.candles[series.cursor - 1]

    def orderbook(
        self, market: str, depth: int = 15
    ) -> tuple[list[tuple[Decimal, Decimal, Decimal, Decimal]], int]:
        """Synthetic book around the price: (ask, bid, ask_size, bid_size) per level, and a timestamp."""
        price = self.price(market)
        if price is None:
            return [], 0
        tick = krw_tick_size(price) if market.startswith("KRW-") else Decimal("0.01")
        base = (price / tick).to_integral_value(rounding=ROUND_HALF_UP) * tick
        units = [
            (base + tick * (i + 1), base - tick * i, Decimal("1.5"), Decimal("1.5")) for i in range(depth)
        ]
        return units, int(self.now(market).timestamp() * 1000)


def kst_text(moment: datetime) -> str:
    return (moment.astimezone(UTC) + KST).strftime("%Y-%m-%dT%H:%M:%S")


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _d(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def synthetic_candles(
    market: str,
    timeframe: str,
    count: int,
    start: datetime | None = None,
    price: Decimal = Decimal("50000000"),
    seed: int = 7,
) -> list[Candle]:
    """A deterministic random walk on the KRW tick grid (for demos and tests without stored data)."""
    tf = Timeframe.from_code(timeframe)
    step = timedelta(seconds=tf.seconds or 86400)
    moment = start or datetime(2024, 1, 1, tzinfo=UTC)
    rng = random.Random(seed)
    out: list[Candle] = []
    close = price
    for _ in range(count):
        tick = krw_tick_size(close)
        open_ = close
        close = max(tick, open_ + tick * rng.randint(-40, 40))
        high = max(open_, close) + tick * rng.randint(0, 10)
        low = max(tick, min(open_, close) - tick * rng.randint(0, 10))
        volume = Decimal(rng.randint(1, 5000)) / Decimal(100)
        out.append(
            Candle(
                market,
                tf.code,
                moment,
                open_,
                high,
                low,
                close,
                volume,
                (volume * close).quantize(Decimal("0.0001")),
            )
        )
        moment += step
    return out
