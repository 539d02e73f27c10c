"""Per-group request counting for the loopback server: Remaining-Req, 429, and a 418 block."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

GROUP_MIN = {"default": 1800, "order": 480}  # Upbit still sends a (deprecated, fixed) ``min`` field


@dataclass(frozen=True)
class Verdict:
    status: int  # 200 (go), 429 or 418
    remaining: int
    block_left: float = 0.0


class SimRateLimiter:
    def __init__(
        self,
        limits: Mapping[str, int],
        window: float = 1.0,
        block_after: int = 30,
        block_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = dict(limits)
        self.window = window
        self.block_after = block_after
        self.block_seconds = block_seconds
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._rejects: deque[float] = deque()
        self._blocked_until = 0.0
        self.count_429 = 0
        self.count_418 = 0

    def check(self, group: str) -> Verdict:
        now = self._clock()
        if now < self._blocked_until:
            self.count_418 += 1
            return Verdict(418, 0, self._blocked_until - now)
        limit = self.limits.get(group, self.limits.get("default", 30))
        hits = self._hits.setdefault(group, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= limit:
            self.count_429 += 1
            self._rejects.append(now)
            while self._rejects and self._rejects[0] <= now - self.window:
                self._rejects.popleft()
            if len(self._rejects) >= self.block_after:
                self._blocked_until = now + self.block_seconds
                self._rejects.clear()
                self.count_418 += 1
                return Verdict(418, 0, self.block_seconds)
            return Verdict(429, 0)
        hits.append(now)
        return Verdict(200, limit - len(hits))

    def unblock(self) -> None:
        self._blocked_until = 0.0
        self._rejects.clear()

    @staticmethod
    def header(group: str, remaining: int) -> str:
        return f"group={group}; min={GROUP_MIN.get(group, 600)}; sec={remaining}"
