"""The Trading tab's session commands: stop (positions kept or sold) and the emergency stop. No Qt here.

Each command is a ``work.submit_async`` job of its own that awaits the desk, which runs it as a task of its
own on the engine's loop: the emergency stop never waits in a queue behind another job of this screen (a
start, a resume), nor for the config-change gate (it does not go through it).
"""

from __future__ import annotations

from upbit_auto_trading.presentation.desktop.background import JobContext
from upbit_auto_trading.presentation.desktop.i18n import tr
from upbit_auto_trading.presentation.desktop.trading.contract import TabContext


class SessionCommands:
    def __init__(self, tab: TabContext) -> None:
        self._tab = tab
        self._view = tab.view
        self._desk = tab.services.desk

    def stop_session(self, session_id: str, *, flatten: bool) -> None:
        self._view.show_status(tr(f"{session_id} 중지 중...", f"Stopping {session_id}..."))
        desk = self._desk

        async def stop(_: JobContext) -> None:
            await desk.stop(session_id, flatten=flatten)

        def done(_: None) -> None:
            self._view.show_status(
                tr(f"{session_id} 중지됨", f"{session_id} stopped")
                + (
                    tr(" (포지션 매도)", " (positions sold)")
                    if flatten
                    else tr(" (포지션 유지)", " (positions kept)")
                )
            )
            self._tab.refresh()

        self._tab.work.submit_async(stop, done, self._tab.failed)

    def emergency_stop(self) -> None:
        """Ask once, then cancel every open order (and sell everything when asked). Goes straight to the
        engine: never through the config-change gate, never behind another job of this screen."""
        self._view.ask_emergency(self._emergency_answered)

    def _emergency_answered(self, flatten: bool | None) -> None:
        if flatten is None:
            return
        self._view.show_status(tr("긴급 정지 중...", "Emergency stop..."))
        desk = self._desk

        async def halt(_: JobContext) -> list[str]:
            return await desk.emergency_stop(flatten=flatten)

        def done(problems: list[str]) -> None:
            if problems:
                self._view.show_error(tr("긴급 정지 중 문제:\n", "Problems during the emergency stop:\n")
                                      + "\n".join(problems))  # fmt: skip
            self._view.show_status(
                tr("긴급 정지 완료: 미체결 주문 취소", "Emergency stop done: open orders cancelled")
                + (tr(", 전 포지션 매도", ", every position sold") if flatten else "")
            )
            self._tab.refresh()

        self._tab.work.submit_async(halt, done, self._tab.failed)
