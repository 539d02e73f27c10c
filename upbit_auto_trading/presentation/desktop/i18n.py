"""Korean and English UI text: every visible string is written in both, chosen by the language setting."""

from __future__ import annotations

import locale
import os

SUPPORTED = ("ko", "en")
_current = "ko"


def system_language() -> str:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "ko" if value.lower().startswith("ko") else "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "ko" if code.lower().startswith("ko") else "en"


def set_language(language: str) -> str:
    """Set 'ko', 'en' or 'auto' (the system locale); returns the language now in force."""
    global _current
    _current = system_language() if language == "auto" else language if language in SUPPORTED else "en"
    return _current


def language() -> str:
    return _current


def tr(korean: str, english: str) -> str:
    return korean if _current == "ko" else english
