"""Check a backup folder against its manifest: sizes, SHA-256, integrity_check, kind, schema version."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from upbit_auto_trading.domain.profiles.backup_record import BackupRecord
from upbit_auto_trading.domain.work import Progress, ProgressCallback
from upbit_auto_trading.infrastructure.files.fsutil import atomic_write_text, sha256_file
from upbit_auto_trading.infrastructure.profiles.manifest import VERIFICATION_NAME, utc_text
from upbit_auto_trading.infrastructure.profiles.sqlite_file import inspect_file


def verify_folder(folder: Path, record: BackupRecord, progress: ProgressCallback | None = None) -> list[str]:
    problems: list[str] = []
    total = max(1, record.total_bytes)
    done = 0
    for entry in record.files:
        name = entry.database.value
        path = folder / entry.file_name
        if not path.is_file():
            problems.append(f"{name}: file {entry.file_name} is missing")
            continue
        size = path.stat().st_size
        if size != entry.bytes:
            problems.append(f"{name}: truncated or altered ({size} bytes, the manifest says {entry.bytes})")
            continue

        def step(n: int, _name: str = name) -> None:
            nonlocal done
            done += n
            if progress:
                progress(Progress(min(0.99, done / total / 2), 1, f"checksum {_name}"))

        if sha256_file(path, step) != entry.sha256:
            problems.append(f"{name}: checksum mismatch (the file changed since the backup was made)")
            continue
        if progress:
            progress(Progress(0.5 + done / total / 2, 1, f"integrity_check {name}"))
        report = inspect_file(path, name, thorough=True)
        problems.extend(f"{name}: {p}" for p in report.problems)
        if not report.problems:
            if report.schema_version != entry.schema_version:
                problems.append(
                    f"{name}: schema version {report.schema_version}, the manifest says {entry.schema_version}"
                )
            elif not report.schema_version:
                problems.append(f"{name}: an empty database (schema version 0)")
    return problems


def record_verification(folder: Path, problems: list[str]) -> None:
    document = {"ok": not problems, "at": utc_text(datetime.now(UTC)), "problems": problems}
    atomic_write_text(folder / VERIFICATION_NAME, json.dumps(document, indent=2))
