"""What the log dock shows: filtering by level, component and text, and pausing."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from upbit_auto_trading.presentation.desktop.i18n import tr

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_RANK = {name: index for index, name in enumerate(LEVELS)}


@dataclass(frozen=True)
class LogRow:
    """A log line as the presenter sees it (built from the logging sink's line)."""

    time_text: str
    level: str
    component: str
    message: str

    def render(self) -> str:
        return f"{self.time_text} {self.level:<8} {self.component}: {self.message}"


class LogView(Protocol):
    def append_rows(self, rows: Sequence[LogRow]) -> None: ...
    def replace_rows(self, rows: Sequence[LogRow]) -> None: ...
    def set_status(self, text: str) -> None: ...


class LogPresenter:
    def __init__(self, view: LogView, capacity: int = 5000) -> None:
        self._view = view
        self._rows: deque[LogRow] = deque(maxlen=capacity)
        self._pending_while_paused = 0
        self.min_level = "DEBUG"
        self.component = ""
        self.search = ""
        self.paused = False

    def accepts(self, row: LogRow) -> bool:
        if _RANK.get(row.level, 0) < _RANK.get(self.min_level, 0):
            return False
        if self.component and self.component.lower() not in row.component.lower():
            return False
        return not self.search or self.search.lower() in row.render().lower()

    def add(self, rows: Sequence[LogRow]) -> None:
        self._rows.extend(rows)
        if self.paused:
            self._pending_while_paused += len(rows)
            self._view.set_status(tr(f"일시정지: 새 줄 {self._pending_while_paused}개", f"Paused: {self._pending_while_paused} new lines"))
            return
        visible = [row for row in rows if self.accepts(row)]
        if visible:
            self._view.append_rows(visible)

    def set_filter(self, min_level: str | None = None, component: str | None = None, search: str | None = None) -> None:
        if min_level is not None:
            self.min_level = min_level
        if component is not None:
            self.component = component
        if search is not None:
            self.search = search
        self._refresh()

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        if not paused:
            self._pending_while_paused = 0
            self._refresh()

    def clear(self) -> None:
        self._rows.clear()
        self._refresh()

    def _refresh(self) -> None:
        visible = [row for row in self._rows if self.accepts(row)]
        self._view.replace_rows(visible)
        self._view.set_status(tr(f"{len(visible)}/{len(self._rows)}줄", f"{len(visible)}/{len(self._rows)} lines"))
