"""The operating system's keyring (Windows Credential Locker, macOS Keychain, Secret Service) through the
``keyring`` package: where the master key is kept when the machine has one.

"No keyring" is decided here and only here: keyring's ``fail`` and ``null`` backends, a plain-text file
backend, and any error the keyring raises. A keyring is an outside service (a locked Secret Service, a
missing D-Bus session), so every failure of it means "use the fallback", never a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

SERVICE = "upbit-auto-trading"

# keyrings.alt's PlaintextKeyring writes passwords unencrypted to a file in the user's home: no better than
# config/secret.key, and it would hide the key from `keys status`, so it does not count as a keyring.
_PLAIN_TEXT_BACKENDS = {("keyrings.alt.file", "PlaintextKeyring")}


def _keyring_failures() -> tuple[type[BaseException], ...]:
    from keyring.errors import KeyringError

    # RuntimeError: what backends raise when their service is missing (keyring's own convention for
    # `priority`); OSError: a D-Bus socket or a file that went away.
    return (KeyringError, RuntimeError, OSError)


def _default_backend() -> Any:
    import keyring  # imported on first use: it probes D-Bus and the platform, which no ordinary start needs

    return keyring.get_keyring()


class KeyringStore:
    """Entries of this app in the keyring: one per home, named by the id in ``config/secret.keyring``."""

    def __init__(self, service: str = SERVICE, backend: Callable[[], Any] = _default_backend) -> None:
        self._service = service
        self._backend = backend

    def _usable_backend(self) -> Any | None:
        try:
            from keyring.backends import fail, null

            backend = self._backend()
        except ImportError:  # keyring not installed: the file fallback still works
            return None
        except _keyring_failures() as exc:
            log.info("no usable OS keyring (%s); the master key is kept in a file", type(exc).__name__)
            return None
        if isinstance(backend, fail.Keyring | null.Keyring):
            return None
        if (type(backend).__module__, type(backend).__name__) in _PLAIN_TEXT_BACKENDS:
            return None
        return backend

    def usable(self) -> bool:
        return self._usable_backend() is not None

    def name(self) -> str:
        backend = self._usable_backend()
        return str(getattr(backend, "name", "") or type(backend).__name__) if backend is not None else ""

    def get(self, entry: str) -> bytes | None:
        """The stored value, or None when the entry is missing or the keyring cannot answer."""
        backend = self._usable_backend()
        if backend is None:
            return None
        try:
            value = backend.get_password(self._service, entry)
        except _keyring_failures() as exc:
            log.warning("the OS keyring could not be read (%s)", type(exc).__name__)
            return None
        return value.encode("ascii", "replace") if value else None

    def set(self, entry: str, value: bytes) -> bool:
        """Store ``value``; False when the keyring refused (the caller falls back to the file)."""
        backend = self._usable_backend()
        if backend is None:
            return False
        try:
            backend.set_password(self._service, entry, value.decode("ascii"))
        except _keyring_failures() as exc:
            log.warning("the OS keyring refused to store the master key (%s)", type(exc).__name__)
            return False
        return True

    def delete(self, entry: str) -> None:
        backend = self._usable_backend()
        if backend is None:
            return
        try:
            backend.delete_password(self._service, entry)
        except _keyring_failures():
            pass  # already gone, or the keyring is not answering: nothing depends on the removal
