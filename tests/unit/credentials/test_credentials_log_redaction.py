"""Keys and passphrases the app holds are removed from log lines in every form, whatever they look like."""

from __future__ import annotations

import base64
import logging

from upbit_auto_trading.infrastructure.logging.redaction import RedactingFilter, redact, register_secret


def test_a_registered_secret_is_redacted_plain_base64_and_hex() -> None:
    secret = "my-pass phrase_with-dashes"  # nothing like a key: the patterns alone would let it through
    assert secret in redact(f"x {secret} y")
    register_secret(secret)
    raw = secret.encode()
    for form in (secret, base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("="),
                 raw.hex(), raw.hex().upper()):  # fmt: skip
        assert form not in redact(f"value={form!r} and again {form}"), form


def test_a_record_with_the_secret_as_an_argument_is_redacted() -> None:
    register_secret("Zq-7_passphrase-words")
    record = logging.LogRecord("t", logging.DEBUG, __file__, 1, "got %s", ("Zq-7_passphrase-words",), None)
    RedactingFilter().filter(record)
    assert record.getMessage() == "got [REDACTED]"


def test_short_values_are_not_registered() -> None:
    register_secret("abc")
    assert redact("abc abcdef") == "abc abcdef"
