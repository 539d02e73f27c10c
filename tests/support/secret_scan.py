"""Find secrets in files: every file's bytes under some folders, and inside zip archives the
decompressed members (an archive's deflated bytes would hide a plain-text key from a byte scan)."""

from __future__ import annotations

import base64
import zipfile
from collections.abc import Iterable
from pathlib import Path


def forms(secret: str) -> dict[str, bytes]:
    """The ways a secret can be written into a file: as is, base64 (standard and url-safe, with and without
    padding), hex (lower and upper case)."""
    raw = secret.encode("utf-8")
    found = {
        "plain": raw,
        "base64": base64.b64encode(raw),
        "base64url": base64.urlsafe_b64encode(raw),
        "hex": raw.hex().encode(),
        "HEX": raw.hex().upper().encode(),
    }
    found |= {f"{name} unpadded": value.rstrip(b"=") for name, value in list(found.items()) if b"=" in value}
    return found


def _contents(path: Path) -> Iterable[tuple[str, bytes]]:
    data = path.read_bytes()
    yield str(path), data
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                yield f"{path}!{name}", archive.read(name)


def leaks(folders: Iterable[Path], secrets: dict[str, str]) -> list[str]:
    """``"<file>: <secret name> (<form>)"`` for every secret form found in any file under ``folders``."""
    found: list[str] = []
    files = 0
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            for where, data in _contents(path):
                files += 1
                for label, secret in secrets.items():
                    for form, needle in forms(secret).items():
                        if needle in data:
                            found.append(f"{where}: {label} ({form})")
    assert files, f"nothing to scan under {list(folders)}"
    return found
