"""A real keyring backend (a ``keyring.backend.KeyringBackend`` subclass) that keeps entries in memory:
what `keyring.set_keyring` installs in tests to stand for Windows Credential Locker, macOS Keychain or
Secret Service, none of which this headless machine has. One instance is one machine's keyring."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment] - a plain number is how keyring's own test backends do it

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")


class LockedKeyring(MemoryKeyring):
    """A keyring that is there but refuses every request, as a locked Secret Service collection does."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("the collection is locked")
