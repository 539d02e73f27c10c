"""What an import (or a download page, or a resample) did to the store."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that was not imported. ``line`` is the 1-based line in the file (0 if not from a file)."""

    line: int
    reason: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """Result of writing candles: new ones, changed ones, and ones already stored with the same values."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: UpsertCounts) -> UpsertCounts:
        return UpsertCounts(
            self.inserted + other.inserted, self.updated + other.updated, self.unchanged + other.unchanged
        )


@dataclass(frozen=True)
class ImportReport:
    """Rows ``read`` from the source = inserted + updated + duplicates + rejected.

    ``duplicates`` counts rows that changed nothing: repeated inside the file with the same values, or already
    stored with the same values (so a second import of the same file reports every row as a duplicate).
    """

    market: str
    timeframe: str
    read: int
    inserted: int
    updated: int
    duplicates: int
    rejected: tuple[RejectedRow, ...] = field(default_factory=tuple)

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    def rejection_reasons(self) -> dict[str, int]:
        return dict(Counter(r.reason for r in self.rejected))

    def as_dict(self) -> dict[str, int]:
        """The CLI's JSON form: ``{"read", "inserted", "updated", "duplicates", "rejected"}``."""
        return {
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "rejected": self.rejected_count,
        }
