"""The master-key file, ``<home>/config/secret.key``: the fallback when the machine has no OS keyring.

The file holds a random Fernet key and must be readable by its owner only (0600). A copy made readable by
others (``chmod 644``, an archive tool, a sync client) is repaired to 0600 with a warning, because silently
using a key other users may have read is how it leaks; if the mode cannot be repaired the key is refused.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from pathlib import Path

from cryptography.fernet import Fernet

from upbit_auto_trading.application.credentials.errors import CredentialsError
from upbit_auto_trading.infrastructure.errors import InfrastructureError
from upbit_auto_trading.infrastructure.files.fsutil import fsync_dir

log = logging.getLogger(__name__)

MASTER_KEY_FILE = "secret.key"
_PRIVATE = 0o600
_OTHERS = 0o077  # any permission for the group or for other users


class MasterKeyError(InfrastructureError, CredentialsError):
    """The master key file is unreadable, damaged or exposed; the message says what to do.

    Also a CredentialsError so the CLI and the settings screen show it as a one-line message."""


def _private_temp(path: Path, data: bytes) -> str:
    """``data`` in a 0600 temp file beside ``path``, fsynced; its name. mkstemp creates the file 0600 from
    the start (the key is never readable by others, not even briefly), and the ".<name>.<random>.tmp" name
    is one the start-up sweep removes if a crash leaves it behind."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_private_file(path: Path, data: bytes) -> None:
    """Write ``data`` to a 0600 temp file beside ``path``, fsync it, rename it over ``path``, fsync the
    folder: a crash leaves the old file or the new one, never a half-written key."""
    tmp = _private_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def create_private_file(path: Path, data: bytes) -> bool:
    """Create ``path`` holding ``data`` only if it does not exist yet: a 0600 temp file, fsynced, then
    hard-linked to the name (atomic, and refused when the name exists). False when another process created
    it first: two first starts at once must agree on one key, not each encrypt with its own."""
    tmp = _private_temp(path, data)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links (FAT, some network shares): rename, as before
            if path.exists():
                return False
            os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    fsync_dir(path.parent)
    return True


class MasterKeyFile:
    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        return self.path.exists()

    def read(self) -> bytes | None:
        """The key, or None when there is no file. Repairs a group/world-readable mode to 0600 first."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise MasterKeyError(
                f"The master key {self.path} cannot be read ({exc.strerror or exc}); fix its permissions, or "
                "delete it and enter the API keys again (`keys set`)."
            ) from exc
        try:
            self._make_private(fd)  # on the open descriptor: the file checked is the file read
            with os.fdopen(os.dup(fd), "rb") as handle:
                key = handle.read(4096).strip()
        except OSError as exc:
            raise MasterKeyError(f"The master key {self.path} cannot be read ({exc.strerror or exc}).") from exc
        finally:
            os.close(fd)
        try:
            Fernet(key)
        except ValueError as exc:
            raise MasterKeyError(
                f"The master key {self.path} is damaged (not a key); delete it and enter the API keys again "
                "(`keys set`)."
            ) from exc
        return key

    def _make_private(self, fd: int) -> None:
        if os.name == "nt":  # no POSIX modes: the file inherits the per-user folder's ACL
            return
        mode = stat.S_IMODE(os.fstat(fd).st_mode)
        if not mode & _OTHERS:
            return
        try:
            os.fchmod(fd, _PRIVATE)
            repaired = not stat.S_IMODE(os.fstat(fd).st_mode) & _OTHERS  # some file systems ignore chmod
        except OSError:
            repaired = False
        if not repaired:
            raise MasterKeyError(
                f"The master key {self.path} is readable by other users (mode {mode:04o}) and its mode cannot "
                "be changed to 0600; it is not used. Move the home to a file system with permissions, or fix "
                "the file's owner, then try again."
            )
        log.warning(
            "The master key %s was readable by other users (mode %04o); its mode is now 0600. Anyone who read "
            "it can decrypt the stored API keys: consider issuing new keys on Upbit and running `keys set`.",
            self.path,
            mode,
        )

    def create(self, key: bytes) -> bytes:
        """Store a new key unless another process just did; the key in force either way."""
        try:
            created = create_private_file(self.path, key)
        except OSError as exc:
            raise MasterKeyError(f"The master key {self.path} cannot be written ({exc.strerror or exc}).") from exc
        if created:
            return key
        existing = self.read()
        if existing is None:  # created and removed again in between: nothing sensible to share
            raise MasterKeyError(f"The master key {self.path} changed while it was being created; try again.")
        return existing

    def remove(self) -> None:
        # A plain unlink: overwriting first promises nothing on journaling file systems and SSDs.
        self.path.unlink(missing_ok=True)
        fsync_dir(self.path.parent)
