"""Retry policy for failed deliveries: exponential backoff, configurable per event type."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RetryPolicy:
    """``max_retries`` retries after the first failure; retry n waits ``base_delay * factor**(n-1)`` s,
    capped at ``max_delay``. With the defaults: 0.2 s, 0.4 s, 0.8 s, then a dead letter."""

    max_retries: int = 3
    base_delay: float = 0.2
    factor: float = 2.0
    max_delay: float = 30.0

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.base_delay < 0 or self.factor < 1 or self.max_delay < 0:
            raise ValueError("retry policy: max_retries >= 0, base_delay >= 0, factor >= 1, max_delay >= 0")

    def delay(self, retry_number: int) -> float:
        """Seconds to wait before retry ``retry_number`` (1-based)."""
        return min(self.max_delay, self.base_delay * self.factor ** (retry_number - 1))


@dataclass
class RetryPolicies:
    """The default policy plus overrides per event type; an override applies to subclasses too."""

    default: RetryPolicy = field(default_factory=RetryPolicy)
    by_type: dict[type, RetryPolicy] = field(default_factory=dict)

    def set(self, event_type: type, policy: RetryPolicy) -> None:
        self.by_type[event_type] = policy

    def for_event(self, event_type: type) -> RetryPolicy:
        for klass in event_type.__mro__:
            policy = self.by_type.get(klass)
            if policy is not None:
                return policy
        return self.default
