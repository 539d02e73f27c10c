"""The manual-review list: what reconciliation could not explain. Each item blocks new entries on its
market until the user resolves it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class ReviewKind(Enum):
    UNKNOWN_ORDER = "unknown_order"  # the exchange has an order the journal does not
    BALANCE_MISMATCH = "balance_mismatch"  # the exchange's balance differs from the journal's positions
    LOST_ORDER = "lost_order"  # journaled, sent, and not found at the exchange after every look-up
    STUCK_ORDER = "stuck_order"  # a fact could not be applied (e.g. a fill for an unknown order)


@dataclass(frozen=True)
class ReviewItem:
    item_id: int | None
    kind: ReviewKind
    market: str
    detail: str
    created_at: datetime
    session_id: str = ""
    identifier: str = ""
    resolved_at: datetime | None = None
    resolution: str = ""  # accepted | ignored | adopted ... free text a user chose

    @property
    def open(self) -> bool:
        return self.resolved_at is None
