"""The home's master key: one random Fernet key, in the OS keyring where the machine has one, else in
``<home>/config/secret.key``.

With a keyring, the home keeps only ``config/secret.keyring``: the name of its keyring entry, which is not
a secret. A copy of the home (or a backup) taken to another machine then holds ciphertext and a name, and
the other machine's keyring has no such entry, so the keys cannot be read there.

A home that still has ``secret.key`` when a keyring becomes available is moved into the keyring on the
next use: entry written and read back, the name recorded, and only then the file removed. Every step is
safe to interrupt: until the file is gone it is still used, and the keyring entry holds the same key.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet

from upbit_auto_trading.application.credentials.ports import FILE, KEYRING
from upbit_auto_trading.infrastructure.secrets.keyring_store import KeyringStore
from upbit_auto_trading.infrastructure.secrets.master_key import (
    MASTER_KEY_FILE,
    MasterKeyError,
    MasterKeyFile,
    create_private_file,
    write_private_file,
)

log = logging.getLogger(__name__)

KEYRING_ENTRY_FILE = "secret.keyring"
_ENTRY_PREFIX = "master-key-"


@dataclass(frozen=True)
class MasterKeyLookup:
    key: bytes | None
    protection: str  # KEYRING or FILE: where the key is (or, with no key yet, where a new one would go)
    location: str
    problem: str = ""  # with no key: why, in one sentence


class HomeMasterKey:
    def __init__(self, config_dir: Path, keyring: KeyringStore) -> None:
        self._file = MasterKeyFile(config_dir / MASTER_KEY_FILE)
        self._entry_path = config_dir / KEYRING_ENTRY_FILE
        self._keyring = keyring

    # --- where -----------------------------------------------------------------------------------------

    def _keyring_location(self, entry: str) -> str:
        return f"OS keyring ({self._keyring.name() or 'keyring'}), entry {entry!r}"

    def describe(self) -> tuple[str, str]:
        """(protection, location) of the key a save without a passphrase would use now."""
        entry = self._entry()
        if self._keyring.usable():
            return KEYRING, self._keyring_location(entry or _ENTRY_PREFIX + "…")
        return FILE, str(self._file.path)

    def _entry(self) -> str | None:
        try:
            text = self._entry_path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise MasterKeyError(
                f"{self._entry_path} cannot be read ({exc}); delete it and enter the API keys again."
            ) from exc
        return text if text.startswith(_ENTRY_PREFIX) and text[len(_ENTRY_PREFIX) :].isalnum() else None

    # --- the key ---------------------------------------------------------------------------------------

    def lookup(self) -> MasterKeyLookup:
        """The existing key (moving a key file into a keyring that has appeared), or None and why."""
        entry = self._entry()
        usable = self._keyring.usable()
        file_key = self._file.read()  # repairs or refuses a key file others can read
        if entry is not None and usable:
            stored = self._keyring.get(entry)
            if stored is not None and _is_key(stored):
                if file_key is not None:
                    self._finish_move(file_key, stored)
                return MasterKeyLookup(stored, KEYRING, self._keyring_location(entry))
        if file_key is not None:
            if usable:
                moved = self._move_to_keyring(file_key)
                if moved is not None:
                    return moved
            return MasterKeyLookup(file_key, FILE, str(self._file.path))
        if entry is not None:
            where = self._keyring_location(entry)
            if usable:
                problem = (
                    "this home's master key is not in this machine's OS keyring (the home or backup comes "
                    "from another machine, or the keyring entry was deleted)"
                )
                return MasterKeyLookup(None, KEYRING, where, problem)
            problem = "this home's master key is kept in an OS keyring, and no keyring is available here"
            return MasterKeyLookup(None, KEYRING, where, problem)
        protection, location = self.describe()
        problem = (
            f"there is no master key here ({self._file.path} is missing: the keys were stored on another "
            "machine or home, or the key file was deleted)"
        )
        return MasterKeyLookup(None, protection, location, problem)

    def lookup_or_create(self) -> MasterKeyLookup:
        """The existing key, or a new one in the keyring (or the file when there is no keyring)."""
        found = self.lookup()
        if found.key is not None:
            return found
        key = Fernet.generate_key()
        if self._keyring.usable():
            entry = _ENTRY_PREFIX + secrets.token_hex(16)
            stale = self._entry_path.exists()  # names an entry this keyring lacks: replace it
            recorded = self._store_in_keyring(entry, key, replace=stale)
            if recorded is True:
                return MasterKeyLookup(key, KEYRING, self._keyring_location(entry))
            if recorded is None:  # another process recorded its new key first: use that one
                found = self.lookup()
                if found.key is not None:
                    return found
        # The entry name goes first: a later keyring must not take precedence over the file written now.
        self._entry_path.unlink(missing_ok=True)
        key = self._file.create(key)
        return MasterKeyLookup(key, FILE, str(self._file.path))

    def _store_in_keyring(self, entry: str, key: bytes, replace: bool = True) -> bool | None:
        """Entry written and read back, then its name recorded: True. False when the keyring refused (nothing
        recorded); None when ``replace`` is off and another process recorded its own entry first."""
        if not self._keyring.set(entry, key) or self._keyring.get(entry) != key:
            self._keyring.delete(entry)
            return False
        name = entry.encode("ascii") + b"\n"
        try:
            if replace:
                write_private_file(self._entry_path, name)
            elif not create_private_file(self._entry_path, name):
                self._keyring.delete(entry)
                return None
        except OSError as exc:
            self._keyring.delete(entry)
            raise MasterKeyError(f"{self._entry_path} cannot be written ({exc.strerror or exc}).") from exc
        return True

    def _move_to_keyring(self, file_key: bytes) -> MasterKeyLookup | None:
        entry = _ENTRY_PREFIX + secrets.token_hex(16)
        if not self._store_in_keyring(entry, file_key):
            return None  # the keyring refused: keep using the file (two processes moving it store one key)
        self._file.remove()
        log.info("the master key was moved from %s into the OS keyring", self._file.path)
        return MasterKeyLookup(file_key, KEYRING, self._keyring_location(entry))

    def _finish_move(self, file_key: bytes, keyring_key: bytes) -> None:
        if file_key == keyring_key:  # a move interrupted after the entry was recorded
            self._file.remove()
            return
        # Not something this code leaves behind (the file is removed before a keyring key replaces it):
        # keep both and say so rather than delete a key that may still open something.
        log.warning(
            "%s holds a different master key than this home's OS keyring entry; the keyring's is used and the "
            "file is left alone",
            self._file.path,
        )


def _is_key(value: bytes) -> bool:
    try:
        Fernet(value)
    except ValueError:
        return False
    return True
