"""A logging filter that removes anything that looks like a key, token or secret before it is written."""

from __future__ import annotations

import logging
import re

_PATTERNS = [
    # Authorization: Bearer <jwt>
    (re.compile(r"(?i)(bearer\s+)[A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]+\.?[A-Za-z0-9\-_.+/=]*"), r"\1[REDACTED]"),
    # bare JWTs
    (re.compile(r"\beyJ[A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_.+/=]*"), "[REDACTED]"),
    # key=value / key: value for secret-ish names
    (
        re.compile(
            r"(?i)\b((?:access|secret|api|private)[_\- ]?key|token|password|passphrase|secret|authorization)"
            r"(\s*[=:]\s*|\"\s*:\s*\"|'\s*:\s*')([^\s,;'\"}]+)"
        ),
        r"\1\2[REDACTED]",
    ),
    # long opaque strings (Upbit keys are 40 alphanumerics)
    (re.compile(r"\b[A-Za-z0-9]{32,}\b"), "[REDACTED]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites the record's message (with its arguments merged) so no handler ever sees a secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw message rather than lose the line
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
