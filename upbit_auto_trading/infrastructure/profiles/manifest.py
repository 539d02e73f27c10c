"""The backup manifest (manifest.json): the BackupRecord as JSON, the source of truth for the list."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from upbit_auto_trading.domain.errors import DomainError
from upbit_auto_trading.domain.profiles.backup_record import BackupFile, BackupRecord
from upbit_auto_trading.domain.profiles.values import (
    BackupId,
    BackupKind,
    DatabaseName,
    Environment,
    ProfileId,
)
from upbit_auto_trading.infrastructure.files.errors import FileOperationError

MANIFEST_NAME = "manifest.json"
VERIFICATION_NAME = "verification.json"
FORMAT = "upbit-auto-trading-backup"
FORMAT_VERSION = 1
# A real manifest is about 1 KB; anything near this limit is not one, and reading it whole (or a zip
# entry that claims to be it) could exhaust memory before the JSON parser even starts.
MANIFEST_LIMIT = 1024 * 1024


class ManifestError(FileOperationError):
    """The backup's manifest is missing or unreadable; the backup cannot be used as it is."""


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def to_document(record: BackupRecord) -> dict:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "id": record.id,
        "profile": record.profile_id.value,
        "environment": record.environment.value,
        "kind": record.kind.value,
        "created_at": utc_text(record.created_at),
        "app_version": record.app_version,
        "note": record.note,
        "files": [
            {
                "database": f.database.value,
                "file": f.file_name,
                "bytes": f.bytes,
                "sha256": f.sha256,
                "schema_version": f.schema_version,
            }
            for f in record.files
        ],
    }


def from_document(document: object, where: Path) -> BackupRecord:
    try:
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise ValueError("not a backup manifest of this app")
        if int(document["format_version"]) > FORMAT_VERSION:
            raise ValueError(
                f"manifest format {document['format_version']} is newer than this app understands"
            )
        files = tuple(
            BackupFile(
                database=DatabaseName.parse(f["database"]),
                file_name=str(f["file"]),
                bytes=int(f["bytes"]),
                sha256=str(f["sha256"]),
                schema_version=int(f["schema_version"]),
            )
            for f in document["files"]
        )
        return BackupRecord(
            backup_id=BackupId(str(document["id"])),
            profile_id=ProfileId(str(document["profile"])),
            environment=Environment.parse(str(document["environment"])),
            kind=BackupKind(str(document["kind"])),
            created_at=parse_utc(str(document["created_at"])),
            app_version=str(document.get("app_version", "")),
            files=files,
            note=str(document.get("note", "")),
        )
    except (KeyError, TypeError, ValueError, DomainError) as exc:
        raise ManifestError(f"The backup manifest in {where} is corrupt: {exc}") from exc
    except RecursionError:  # str() of a deeply nested value
        raise ManifestError(f"The backup manifest in {where} is corrupt: nested too deeply") from None


def _load_json(path: Path) -> object:
    """The JSON document in ``path``; ValueError for anything that is not a small, sane JSON file."""
    with open(path, "rb") as handle:
        data = handle.read(MANIFEST_LIMIT + 1)
    if len(data) > MANIFEST_LIMIT:
        raise ValueError(f"larger than {MANIFEST_LIMIT} bytes")
    try:
        return json.loads(data.decode("utf-8"))
    except RecursionError:  # deeply nested arrays: json gives up with RecursionError, not ValueError
        raise ValueError("nested too deeply") from None


def read_manifest(folder: Path) -> BackupRecord:
    path = folder / MANIFEST_NAME
    if not folder.is_dir():
        raise ManifestError(f"The backup folder {folder} is missing")
    if not path.is_file():
        raise ManifestError(f"The backup in {folder} has no manifest ({MANIFEST_NAME})")
    try:
        document = _load_json(path)
    except (OSError, ValueError) as exc:
        raise ManifestError(f"The backup manifest {path} is corrupt: {exc}") from exc
    record = from_document(document, folder)
    if record.id != folder.name:
        raise ManifestError(f"The backup manifest in {folder} names another backup ({record.id})")
    verification = folder / VERIFICATION_NAME
    if verification.is_file():
        try:
            data = _load_json(verification)
            if not isinstance(data, dict):
                raise TypeError("not a mapping")
            record.verified = bool(data["ok"])
            record.verified_at = parse_utc(str(data["at"]))
            record.verification_problems = tuple(str(p) for p in data.get("problems") or ())
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            record.verified = None
            record.verified_at = None
            record.verification_problems = ()
    return record
