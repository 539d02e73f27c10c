"""What can stop the API keys from being stored or read; every message says what to do next.

They are application errors (not infrastructure ones) so the CLI and the settings screen can catch them
without importing the adapters that raise them.
"""

from __future__ import annotations

from upbit_auto_trading.application.errors import ApplicationError

PASSPHRASE_ENV = "UPBIT_AUTO_TRADING_PASSPHRASE"


class CredentialsError(ApplicationError):
    """The keys cannot be stored or read here; the message names the cause and the remedy."""


class CredentialsLockedError(CredentialsError):
    """The stored keys are protected by a passphrase that has not been given in this process."""

    def __init__(self) -> None:
        super().__init__(
            "The stored API keys are protected by a passphrase: unlock them in Settings > API keys, or give it"
            f" to command-line runs in {PASSPHRASE_ENV} (`keys unlock` checks a passphrase)."
        )


class WrongPassphraseError(CredentialsError):
    """The passphrase given does not open the stored keys."""

    def __init__(self, source: str = "the passphrase") -> None:
        super().__init__(
            f"Wrong passphrase: {source} does not open the stored API keys. Try again, or run `keys set` to"
            " enter the keys again."
        )


class WeakPassphraseError(CredentialsError):
    """The new passphrase is too short or empty."""
