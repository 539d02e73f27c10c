"""The one way screens run work off the GUI thread: submit a job, get its result, error and progress back on
the GUI thread, cancel it through its handle.

Presenters depend on ``BackgroundWork`` (no Qt); screens build a ``QtBackgroundWork`` (``background.qt``),
presenter tests an ``ImmediateBackgroundWork``.
"""

from __future__ import annotations

from upbit_auto_trading.presentation.desktop.background.immediate import ImmediateBackgroundWork
from upbit_auto_trading.presentation.desktop.background.work import BackgroundWork, JobContext, WorkHandle

__all__ = ["BackgroundWork", "ImmediateBackgroundWork", "JobContext", "WorkHandle"]
