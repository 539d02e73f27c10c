"""Handlers that report their own failure once, in one line, instead of a traceback per record.

The standard ``Handler.handleError`` prints "--- Logging error ---" and a full traceback to stderr for
every record that cannot be written. On a full logs disk that is one traceback per log line, all over
the terminal of a CLI command that is otherwise working (a backup to another disk succeeds). The log is
a diagnostic aid, not the product: losing lines is acceptable, burying the command's output is not.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys


class QuietErrorsMixin:
    """Replaces ``handleError``: the first failure of the handler writes one line to stderr, later
    failures are dropped silently (the line says so). Called under the handler's lock, so the flag
    needs no lock of its own."""

    _failure_reported = False

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's own name
        if self._failure_reported:
            return
        self._failure_reported = True
        stream = sys.stderr
        if not logging.raiseExceptions or stream is None:  # the same switches the standard one honours
            return
        error = sys.exc_info()[1]
        reason = f"{type(error).__name__}: {error}" if error is not None else "unknown error"
        line = f"logging: cannot write to {self._target()} ({reason}); further log lines there are dropped"
        try:
            stream.write(" ".join(line.split()) + "\n")
            stream.flush()
        except Exception:  # noqa: BLE001 - stderr on the same full disk: nothing left to tell anyone
            pass

    def _target(self) -> str:
        name = getattr(self, "baseFilename", None) or getattr(getattr(self, "stream", None), "name", None)
        return str(name) if name else type(self).__name__


class QuietRotatingFileHandler(QuietErrorsMixin, logging.handlers.RotatingFileHandler):
    """The app's log file."""


class QuietStreamHandler(QuietErrorsMixin, logging.StreamHandler):
    """The console (stderr may itself be redirected to a file on the full disk)."""
