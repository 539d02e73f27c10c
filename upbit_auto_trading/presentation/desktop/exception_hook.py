"""An app-wide exception hook: an error in a slot is logged and shown, and the app keeps running."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from upbit_auto_trading.presentation.desktop.i18n import tr

log = logging.getLogger("upbit_auto_trading.unhandled")

ShowError = Callable[[str, str], None]


def _message_box(summary: str, details: str) -> None:
    from PyQt6.QtWidgets import QApplication, QMessageBox

    if QApplication.instance() is None:
        return
    box = QMessageBox(QMessageBox.Icon.Critical, tr("예기치 않은 오류", "Unexpected error"), summary)
    box.setInformativeText(
        tr("작업은 중단되었지만 프로그램은 계속 실행됩니다. 자세한 내용은 로그에 있습니다.",
           "The action was stopped but the app keeps running. Details are in the log.")
    )
    box.setDetailedText(details)
    box.exec()


class ExceptionHook:
    def __init__(self, show_error: ShowError = _message_box) -> None:
        self._show_error = show_error
        self._showing = False
        self.count = 0

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        self.count += 1
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unhandled error: %s", details)
        if self._showing:  # an error while showing an error: log only, never recurse
            return
        self._showing = True
        try:
            self._show_error(f"{exc_type.__name__}: {exc}", details)
        finally:
            self._showing = False

    def install(self) -> None:
        sys.excepthook = self
