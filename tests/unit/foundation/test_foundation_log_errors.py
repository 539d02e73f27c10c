"""A log handler that cannot write (a full logs disk) reports it once, in one line on stderr, instead of
logging's "--- Logging error ---" and a traceback for every record (issue 13, item 14)."""

from __future__ import annotations

import errno
import io
import logging

import pytest

from upbit_auto_trading.infrastructure.logging.quiet_errors import (
    QuietRotatingFileHandler,
    QuietStreamHandler,
)
from upbit_auto_trading.infrastructure.logging.setup import configure


class FullDisk(io.StringIO):
    """A stream on a full disk: every write and flush fails with ENOSPC."""

    def write(self, text: str) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def flush(self) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def root_logger():
    """The root logger, given back afterwards exactly as it was (configure() replaces handlers)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


def test_the_log_file_on_a_full_disk_is_reported_once_in_one_line(tmp_path, root_logger, capsys):
    sink = configure(tmp_path / "logs", level="DEBUG", console=False)
    file_handler = next(h for h in root_logger.handlers if isinstance(h, QuietRotatingFileHandler))
    opened, file_handler.stream = file_handler.stream, FullDisk()  # the disk filled up after opening

    log = logging.getLogger("upbit_auto_trading.test.full_disk")
    try:
        for index in range(50):
            log.info("record %d", index)
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("with a traceback of its own")
    finally:
        file_handler.stream = opened

    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "No space left on device" in err and str(tmp_path / "logs" / "upbit_auto_trading.log") in err
    assert "Traceback" not in err and "Logging error" not in err
    assert len([line for line in sink.lines() if line.component.endswith("full_disk")]) == 51  # others unhurt


def test_a_failing_console_stream_is_reported_once(capsys):
    handler = QuietStreamHandler(FullDisk())
    logger = logging.getLogger("upbit_auto_trading.test.full_console")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        for index in range(20):
            logger.warning("line %d", index)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "OSError" in err and "Traceback" not in err, err
