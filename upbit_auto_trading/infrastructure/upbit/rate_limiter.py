"""Client-side rate limiting per Upbit group, driven by the ``Remaining-Req`` header.

Upbit counts requests per group per second (quotation groups ``market candle trade ticker orderbook``:
10/s per IP; exchange ``default`` 30/s, ``order`` and ``order-test`` 8/s per account) and says what is left
in ``Remaining-Req: group=candle; min=600; sec=9`` (``min`` is deprecated). The limiter keeps a sliding
one-second log per group, waits before a request would exceed it, pauses a group whose header says
``sec=0``, backs off exponentially on 429 and, after a 418,
refuses to send anything until the block has passed.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from upbit_auto_trading.infrastructure.upbit.errors import UpbitBlockedError

PUBLISHED_LIMITS: dict[str, int] = {
    "market": 10,
    "candle": 10,
    "trade": 10,
    "ticker": 10,
    "orderbook": 10,
    "default": 30,
    "order": 8,
    "order-test": 8,
    "order-cancel-all": 1,
}


@dataclass(frozen=True)
class RemainingReq:
    group: str
    sec: int
    min: int | None = None

    @classmethod
    def parse(cls, header: str | None) -> RemainingReq | None:
        """Parse ``group=default; min=1800; sec=29``; None when absent or malformed."""
        if not header:
            return None
        fields: dict[str, str] = {}
        for part in header.split(";"):
            key, _, value = part.strip().partition("=")
            if key:
                fields[key.strip()] = value.strip()
        try:
            return cls(
                group=fields["group"],
                sec=int(fields["sec"]),
                min=int(fields["min"]) if "min" in fields else None,
            )
        except (KeyError, ValueError):
            return None


@dataclass(frozen=True)
class BackoffPolicy:
    """Exponential backoff for 429: ``base * 2**attempt`` seconds, capped, for at most ``max_retries``."""

    base: float = 0.25
    cap: float = 4.0
    max_retries: int = 5

    def delay(self, attempt: int) -> float:
        return min(self.cap, self.base * (2**attempt))


class RateLimiter:
    """Shared by every request of one client (and safe across threads)."""

    def __init__(
        self,
        limits: Mapping[str, int] | None = None,
        *,
        window: float = 1.0,
        margin: float = 0.01,
        backoff: BackoffPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limits = dict(PUBLISHED_LIMITS)
        self._limits.update(limits or {})
        self._window = window
        self._margin = margin
        self.backoff = backoff or BackoffPolicy()
        self._clock = clock
        self._log: dict[str, deque[list[float]]] = {}
        self._paused_until: dict[str, float] = {}
        self._blocked_until = 0.0
        self._lock = threading.Lock()
        self.waited = 0.0  # total seconds spent waiting (for benchmarks and logs)

    def limit(self, group: str) -> int:
        return self._limits.get(group, self._limits["default"])

    # --- decisions ------------------------------------------------------------------------------------

    def _check_blocked(self, now: float) -> None:
        if now < self._blocked_until:
            left = self._blocked_until - now
            raise UpbitBlockedError(
                f"Upbit blocked this client (418); no request is sent for another {left:.0f} s",
                name="blocked",
                retry_after=left,
            )

    def _delay_locked(self, group: str, now: float) -> float:
        self._check_blocked(now)
        log = self._log.setdefault(group, deque())
        while log and log[0][0] <= now - self._window - self._margin:
            log.popleft()
        wait = self._paused_until.get(group, 0.0) - now
        limit = self.limit(group)
        if len(log) >= limit:
            wait = max(
                wait, max(e[0] for e in list(log)[: len(log) - limit + 1]) + self._window + self._margin - now
            )
        return max(0.0, wait)

    def try_acquire(self, group: str) -> float:
        """Record a request and return 0 if it may go now; otherwise the seconds to wait (nothing recorded)."""
        return self._try(group)[0]

    def _try(self, group: str) -> tuple[float, list[float] | None]:
        with self._lock:
            now = self._clock()
            wait = self._delay_locked(group, now)
            if wait > 0:
                return wait, None
            entry = [now]
            self._log.setdefault(group, deque()).append(entry)
            return 0.0, entry

    async def acquire(self, group: str) -> list[float]:
        """Wait until a request of ``group`` may go; pass the returned ticket to :meth:`done` afterwards."""
        while True:
            wait, entry = self._try(group)
            if entry is not None:
                return entry
            self.waited += wait
            await asyncio.sleep(wait)

    def acquire_sync(self, group: str) -> list[float]:
        while True:
            wait, entry = self._try(group)
            if entry is not None:
                return entry
            self.waited += wait
            time.sleep(wait)

    def done(self, ticket: list[float]) -> None:
        """The reply arrived: count the request from now on. The server saw it at some moment between send
        and reply, so spacing from the reply keeps us inside its window whatever the network delay."""
        with self._lock:
            ticket[0] = max(ticket[0], self._clock())

    # --- feedback from replies ------------------------------------------------------------------------

    def observe(self, header: str | None) -> RemainingReq | None:
        """Learn from a ``Remaining-Req`` header: when nothing is left, pause the group until the window moves.

        The limit itself is not lowered from the header (clock skew between client and server would ratchet
        it down); a server limited lower than published is handled by the 429 backoff.
        """
        info = RemainingReq.parse(header)
        if info is None:
            return None
        with self._lock:
            now = self._clock()
            log = self._log.setdefault(info.group, deque())
            if info.sec <= 0:
                start = log[0][0] if log else now
                self._paused_until[info.group] = max(
                    self._paused_until.get(info.group, 0.0), start + self._window + self._margin
                )
        return info

    def on_too_many(self, group: str, attempt: int) -> float:
        """A 429 arrived: pause the group for the backoff delay and return it."""
        delay = self.backoff.delay(attempt)
        with self._lock:
            self._paused_until[group] = max(self._paused_until.get(group, 0.0), self._clock() + delay)
        return delay

    def on_blocked(self, retry_after: float) -> None:
        """A 418 arrived: refuse every request until the block has passed."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + max(retry_after, 1.0))
