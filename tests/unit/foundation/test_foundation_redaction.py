from __future__ import annotations

import logging

import pytest

from upbit_auto_trading.infrastructure.logging.redaction import RedactingFilter, redact

ACCESS = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd"


@pytest.mark.parametrize(
    "text",
    [
        f"access_key={ACCESS}",
        f"secret_key: {ACCESS}",
        f'{{"access_key": "{ACCESS}"}}',
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJhY2Nlc3Nfa2V5IjoieCJ9.c2lnbmF0dXJl",
        f"loaded key {ACCESS} for upbit",
        "password=hunter2",
    ],
)
def test_secrets_are_removed(text: str) -> None:
    cleaned = redact(text)
    assert "[REDACTED]" in cleaned
    assert ACCESS not in cleaned
    assert "hunter2" not in cleaned
    assert "eyJhbGciOiJIUzI1NiJ9" not in cleaned


def test_ordinary_lines_are_left_alone() -> None:
    line = "backtest of KRW-BTC 1h finished: 42 trades, return 12.5%"
    assert redact(line) == line


def test_filter_merges_arguments_before_redacting() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "using key %s", (ACCESS,), None)
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "using key [REDACTED]"
