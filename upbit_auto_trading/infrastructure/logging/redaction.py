"""A logging filter that removes anything that looks like a key, token or secret before it is written."""

from __future__ import annotations

import base64
import logging
import re
import threading

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


# Secrets the app holds right now (API keys, passphrases), in every form a message could carry them: the
# patterns above catch what looks like a key; these catch the real ones whatever they look like.
_known: tuple[str, ...] = ()  # longest first: a form may contain a shorter one
_known_lock = threading.Lock()
_MIN_KNOWN = 8  # shorter values would blank out ordinary words


def register_secret(value: str) -> None:
    """Never let ``value`` (or its base64 or hex form) reach a log line; for the lifetime of the process."""
    global _known
    if len(value) < _MIN_KNOWN:
        return
    raw = value.encode("utf-8")
    forms = {
        value,
        base64.b64encode(raw).decode("ascii"),
        base64.urlsafe_b64encode(raw).decode("ascii"),
        raw.hex(),
        raw.hex().upper(),
    }
    forms |= {form.rstrip("=") for form in forms}
    with _known_lock:
        merged = set(_known) | {form for form in forms if len(form) >= _MIN_KNOWN}
        _known = tuple(sorted(merged, key=len, reverse=True))


def redact(text: str) -> str:
    for secret in _known:
        if secret in text:
            text = text.replace(secret, "[REDACTED]")
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
