"""Rows the event monitor shows: plain data, no Qt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")


def kst(moment: datetime) -> str:
    return moment.astimezone(KST).strftime("%H:%M:%S.%f")[:-3]


def kst_full(moment: datetime) -> str:
    return moment.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class EventRow:
    event_id: str
    time: str
    priority: str
    event_type: str
    source: str
    correlation_id: str
    causation_id: str
    summary: str


@dataclass(frozen=True)
class QueueRow:
    priority: str
    depth: int
    capacity: int
    published: int
    dispatched: int
    dropped: int
    coalesced: int


@dataclass(frozen=True)
class StatsSummary:
    running: bool
    throughput: float
    handler_failures: int
    retries: int
    dead_letters: int
    dropped: int
    forced: int
    queues: tuple[QueueRow, ...]


@dataclass(frozen=True)
class FailureRow:
    time: str
    handler: str
    event_type: str
    attempt: int
    final: bool
    error: str
    correlation_id: str


@dataclass(frozen=True)
class DeadLetterRow:
    letter_id: str
    time: str
    priority: str
    event_type: str
    handler: str
    attempts: int
    error: str


@dataclass(frozen=True)
class HeldRow:
    request_id: str
    kind: str
    description: str
    held_at: str
    state: str  # "held" (applied when trades complete) | "decision" (user must apply or cancel)
    last_error: str


@dataclass(frozen=True)
class ChainRow:
    depth: int
    time: str
    event_type: str
    source: str
    event_id: str
    priority: str
