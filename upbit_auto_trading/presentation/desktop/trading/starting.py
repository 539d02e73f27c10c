"""Starting a session from the Trading tab: the form read, live mode behind its checks (production profile,
keys that pass a connection test, the paper record, the profile's name typed), the start or resume handed to
the desk. No Qt here.

The desk's commands are awaited by ``work.submit_async`` jobs on the GUI's loop; the desk runs them on the
engine's own thread and hands the result back, so ``on_done``/``on_error`` arrive on the GUI thread.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable

from upbit_auto_trading.application.trading.engine import ReplayWindow, StartRequest
from upbit_auto_trading.application.trading.live_check import LiveConnection
from upbit_auto_trading.application.trading.promotion import PaperRecord
from upbit_auto_trading.domain.trading.session import TradingMode, TradingSession
from upbit_auto_trading.presentation.desktop.background import JobContext
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.trading.contract import LiveAnswer, LivePrompt, TabContext
from upbit_auto_trading.presentation.desktop.trading.model import (
    DEFAULT_REPLAY_SPEED_MS,
    krw,
    mode_label,
    parse_start,
)
from upbit_auto_trading.presentation.desktop.trading.reports import record_lines


class StartFlow:
    """``started(session)`` is called (GUI thread) once a session runs: the presenter charts it."""

    def __init__(self, tab: TabContext, started: Callable[[TradingSession], None]) -> None:
        self._tab = tab
        self._view = tab.view
        self._s = tab.services
        self._on_started = started
        self._starting = False

    def start_session(self) -> None:
        if self._starting:
            return
        try:
            request = parse_start(self._view.form())
        except ValueError as exc:
            self._view.show_error(str(exc))
            return
        if request.mode is TradingMode.LIVE:
            self._check_live(request)
        else:
            self._launch(request, "")

    def resume_session(self, session_id: str) -> None:
        speed = parse_speed(self._view.form().speed_ms)
        desk = self._s.desk

        async def resume(_: JobContext) -> TradingSession:
            return await desk.resume(session_id, ReplayWindow(speed_ms=speed))

        self._tab.work.submit_async(resume, self._started, self._tab.failed)

    # ------------------------------------------------------------------ live mode's checks
    def _set_starting(self, starting: bool) -> None:
        self._starting = starting
        self._view.set_starting(starting)

    def _check_live(self, request: StartRequest) -> None:
        profile = self._s.active_profile()
        environment = self._s.active_environment()
        if environment != "production":
            self._view.show_error(tr(
                f"실거래는 운영(production) 프로필에서만 가능합니다. '{profile}'은(는) {environment} 프로필입니다.",
                f"Live trading runs only on a production profile; '{profile}' is {environment}.",
            ))  # fmt: skip
            return
        self._set_starting(True)
        self._view.show_status(tr("API 키 연결 확인 중...", "Testing the API keys' connection..."))
        services = self._s

        async def checks(_: JobContext) -> tuple[LiveConnection, PaperRecord]:
            connection = await services.check_live_connection.execute(request.api_url)
            record = await asyncio.to_thread(services.promotion_check.execute, request.strategy)
            return connection, record

        def ask(result: tuple[LiveConnection, PaperRecord]) -> None:
            connection, record = result
            prompt = LivePrompt(
                profile=profile, strategy=record.strategy, markets=request.markets, budget=krw(request.budget),
                connection=tr(f"연결 확인됨: KRW {krw(connection.krw)}원 사용 가능",
                              f"Connection test passed: {krw(connection.krw)} KRW available"),
                record=tuple(record_lines(record)), never_on_paper=record.never_on_paper,
            )  # fmt: skip
            self._view.ask_live_confirmation(
                prompt, lambda answer: self._answered(request, profile, record, answer)
            )

        self._tab.work.submit_async(checks, ask, self._start_failed)

    def _answered(
        self, request: StartRequest, profile: str, record: PaperRecord, answer: LiveAnswer | None
    ) -> None:
        if answer is None:
            self._set_starting(False)
            self._view.show_status(tr("실거래 시작을 취소했습니다.", "Live start cancelled."))
            return
        if answer.typed.strip() != profile:
            self._set_starting(False)
            self._view.show_error(tr(
                f"프로필 이름이 맞지 않아 실거래를 시작하지 않았습니다 ('{profile}'을(를) 정확히 입력하세요).",
                f"The profile's name does not match: live trading was not started (type '{profile}' exactly).",
            ))  # fmt: skip
            return
        missing = record.never_on_paper and not answer.accept_without_paper
        self._launch(dataclasses.replace(request, paper_record_missing=missing), answer.typed.strip())

    # ------------------------------------------------------------------ the start itself
    def _launch(self, request: StartRequest, confirmation: str) -> None:
        self._set_starting(True)
        self._view.show_status(tr(f"{mode_label(request.mode.value)} 세션 시작 중...",
                                  f"Starting a {mode_label(request.mode.value).lower()} session..."))  # fmt: skip
        desk = self._s.desk

        async def start(_: JobContext) -> TradingSession:
            return await desk.start(request, confirmation)

        self._tab.work.submit_async(start, self._started, self._start_failed)

    def _started(self, session: TradingSession) -> None:
        self._set_starting(False)
        self._view.show_status(tr(
            f"세션 {session.session_id} 시작: {session.strategy_name} ({', '.join(session.markets)}, "
            f"{mode_label(session.mode.value)})",
            f"Session {session.session_id} started: {session.strategy_name} on {', '.join(session.markets)} "
            f"({mode_label(session.mode.value)})",
        ))  # fmt: skip
        self._on_started(session)

    def _start_failed(self, exc: Exception) -> None:
        self._set_starting(False)
        self._tab.failed(exc)


def parse_speed(text: str) -> float:
    try:
        value = float(text) if text.strip() else DEFAULT_REPLAY_SPEED_MS
    except ValueError:
        return DEFAULT_REPLAY_SPEED_MS
    return value if value >= 0 else DEFAULT_REPLAY_SPEED_MS
