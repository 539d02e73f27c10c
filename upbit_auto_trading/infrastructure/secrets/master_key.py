"""The master key that encrypts exchange keys at rest.

It lives in ``<home>/config/secret.key`` (mode 0600), outside every database, so a database backup holds
only ciphertext: a backup copied elsewhere reveals nothing, and restoring it on another machine needs the
keys to be entered again.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet

from upbit_auto_trading.infrastructure.errors import InfrastructureError


class MasterKeyError(InfrastructureError):
    """The master key file is unreadable or damaged; delete it and enter the API keys again."""


def load_or_create_master_key(path: Path) -> bytes:
    if path.exists():
        try:
            key = path.read_bytes().strip()
            Fernet(key)
        except (OSError, ValueError) as exc:
            raise MasterKeyError(f"The master key {path} is damaged ({exc}); delete it and enter the keys again.") from exc
        return key
    key = Fernet.generate_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return key
