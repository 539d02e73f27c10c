"""An exchange API key pair: validated, and never printed in full."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from upbit_auto_trading.domain.errors import DomainError

_KEY_SHAPE = re.compile(r"^[A-Za-z0-9_\-]{16,128}$")


class InvalidApiKeyError(DomainError):
    """The key text is not an Upbit key; copy it again from Upbit's Open API page. ``key`` says which one
    ("access" or "secret"), so a screen can word the message in its own language."""

    def __init__(self, message: str, *, key: str = "", length: int = 0) -> None:
        super().__init__(message)
        self.key = key
        self.length = length


def mask(key: str) -> str:
    return f"{key[:4]}{'*' * 8}{key[-2:]}" if len(key) > 8 else "*" * len(key)


@dataclass(frozen=True)
class ApiKeyPair:
    access_key: str
    secret_key: str = field(repr=False)

    def __post_init__(self) -> None:
        for key, value in (("access", self.access_key), ("secret", self.secret_key)):
            if not _KEY_SHAPE.fullmatch(value or ""):
                raise InvalidApiKeyError(
                    f"The {key} key must be 16-128 letters, digits, '-' or '_' with no spaces "
                    f"(got {len(value or '')} characters).",
                    key=key,
                    length=len(value or ""),
                )

    @property
    def masked_access_key(self) -> str:
        return mask(self.access_key)

    def __repr__(self) -> str:
        return f"ApiKeyPair(access_key={self.masked_access_key})"
