"""Paging backwards through Upbit candles with ``to`` (exclusive), 200 per call, without loss or repeats."""

from __future__ import annotations

from datetime import datetime

from upbit_auto_trading.domain.market.candle import Candle
from upbit_auto_trading.infrastructure.upbit.candles import MAX_CANDLES_PER_CALL


class CandlePager:
    """State of a backwards walk over [start, end). Feed each page (newest first) to :meth:`accept`.

    The next ``to`` is the oldest candle of the last page, so consecutive pages neither overlap nor skip.
    The walk ends on an empty or short page (no older data), on reaching ``start``, or if a page makes no
    progress (a misbehaving server must not loop us forever).
    """

    def __init__(
        self, start: datetime | None = None, end: datetime | None = None, count: int = MAX_CANDLES_PER_CALL
    ):
        self.start = start
        self.end = end
        self.count = count
        self.to: datetime | None = end
        self.done = False
        self.pages = 0

    def accept(self, page: list[Candle]) -> list[Candle]:
        """Candles of ``page`` inside the range (newest first); advances ``to`` and sets ``done``."""
        self.pages += 1
        if not page:
            self.done = True
            return []
        ordered = sorted(page, key=lambda c: c.start, reverse=True)
        oldest = ordered[-1].start
        kept = [
            c
            for c in ordered
            if (self.start is None or c.start >= self.start) and (self.to is None or c.start < self.to)
        ]
        if len(page) < self.count or (self.start is not None and oldest <= self.start):
            self.done = True
        if self.to is not None and oldest >= self.to:
            self.done = True  # no progress
        self.to = oldest
        return kept
