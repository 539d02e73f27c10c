"""What the Trading tab's presenter and its view say to each other (the passive view's protocol and the values
it shows or answers with), and what the presenter's pieces share (``TabContext``). No Qt here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from upbit_auto_trading.application.trading.desk_view import ChartData
from upbit_auto_trading.domain.trading.review import ReviewItem
from upbit_auto_trading.presentation.desktop.background import BackgroundWork
from upbit_auto_trading.presentation.desktop.trading.model import Line, StartForm
from upbit_auto_trading.presentation.desktop.trading.reports import DriftView
from upbit_auto_trading.presentation.desktop.trading.services import TradingServices


@dataclass(frozen=True)
class LivePrompt:
    """What the live confirmation shows before the user types the profile's name."""

    profile: str
    strategy: str
    markets: tuple[str, ...]
    budget: str
    connection: str  # what the connection test found
    record: tuple[str, ...]  # the paper record (promotion check)
    never_on_paper: bool


@dataclass(frozen=True)
class LiveAnswer:
    typed: str  # what the user typed as the profile's name
    accept_without_paper: bool = False


@dataclass(frozen=True)
class ChainLine:
    at: str  # KST
    what: str  # intent, sent, open, fill..., or the event's type
    source: str
    detail: str


class TradingView(Protocol):
    def show_strategies(self, names: Sequence[str]) -> None: ...
    def show_series(self, markets: Sequence[str], timeframes: Sequence[str]) -> None: ...
    def form(self) -> StartForm: ...
    def set_starting(self, starting: bool) -> None: ...
    def show_sessions(self, lines: Sequence[Line]) -> None: ...
    def show_positions(self, lines: Sequence[Line]) -> None: ...
    def show_orders(self, lines: Sequence[Line]) -> None: ...
    def show_fills(self, lines: Sequence[Line]) -> None: ...
    def show_review(self, lines: Sequence[Line]) -> None: ...
    def show_chart_choices(
        self, choices: Sequence[tuple[str, str]], current: tuple[str, str] | None
    ) -> None: ...
    def show_chart(self, chart: ChartData | None) -> None: ...
    def show_live(self, running: int) -> None: ...
    def show_banner(self, text: str) -> None: ...
    def show_status(self, text: str) -> None: ...
    def show_error(self, text: str) -> None: ...
    def ask_live_confirmation(
        self, prompt: LivePrompt, answer: Callable[[LiveAnswer | None], None]
    ) -> None: ...
    def ask_emergency(self, answer: Callable[[bool | None], None]) -> None:
        """Ask once; ``answer(flatten)`` when confirmed, ``answer(None)`` when cancelled."""
        ...

    def ask_resolution(self, item: ReviewItem, answer: Callable[[str | None], None]) -> None: ...
    def show_chain(self, title: str, lines: Sequence[ChainLine]) -> None: ...
    def show_drift(self, view: DriftView) -> None: ...


@dataclass(frozen=True)
class TabContext:
    """What the presenter's pieces (starting, session commands, details) share with it: the view, the
    services, the screen's background work, and the presenter's refresh and error display."""

    view: TradingView
    services: TradingServices
    work: BackgroundWork
    refresh: Callable[[], None]
    failed: Callable[[Exception], None]
