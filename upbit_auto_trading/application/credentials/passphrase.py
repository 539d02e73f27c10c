"""The rule a new passphrase must meet before any key is encrypted with it."""

from __future__ import annotations

from upbit_auto_trading.application.credentials.errors import WeakPassphraseError

MIN_PASSPHRASE_LENGTH = 8
MAX_PASSPHRASE_LENGTH = 1024  # far above any real passphrase; only stops a pasted file from being taken as one


def check_new_passphrase(passphrase: str) -> str:
    """Return the passphrase unchanged (spaces are part of it) or raise with the rule it breaks."""
    if not passphrase.strip() or len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphraseError(
            f"The passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters (got {len(passphrase)})."
        )
    if len(passphrase) > MAX_PASSPHRASE_LENGTH:
        raise WeakPassphraseError(f"The passphrase must be at most {MAX_PASSPHRASE_LENGTH} characters.")
    if "\n" in passphrase or "\r" in passphrase:
        raise WeakPassphraseError("The passphrase must be one line.")
    return passphrase
