"""Backup, verify and restore of a 100 MB and a 1 GB profile next to a plain copy (with fsync) of the
same files, in the same run; and the profile switch time.

    python benchmarks/bench_backup.py            # 100 MB and 1 GB
    python benchmarks/bench_backup.py --sizes 100

Goals (issue 4): backup >= half the plain-copy throughput; restore of 100 MB incl. verification < 5 s;
switch < 100 ms. Uses a temporary home in /tmp (or --dir) and deletes it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from upbit_auto_trading.container.bootstrap import build_container  # noqa: E402
from upbit_auto_trading.infrastructure.profiles.sqlite_file import online_backup  # noqa: E402

MB = 1024 * 1024


def fill(path: Path, megabytes: int) -> None:
    """Candles for ~10% of the size, then 64 KiB blobs up to the size (fast to generate)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS bench_filler (id INTEGER PRIMARY KEY, data BLOB)")
    rows = megabytes * MB // 10 // 90
    start = 1_500_000_000
    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO candles VALUES ('KRW-BTC', '1m', ?, '1000.5', '1001.5', '999.5', '1000.0', '12.3456', '12345.678')",
            ((start + 60 * i,) for i in range(rows)),
        )
    blob = os.urandom(64 * 1024)
    while (
        path.stat().st_size
        + (Path(str(path) + "-wal").stat().st_size if Path(str(path) + "-wal").exists() else 0)
        < megabytes * MB
    ):
        with conn:
            conn.executemany("INSERT INTO bench_filler (data) VALUES (?)", ((blob,) for _ in range(256)))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def timed(fn) -> tuple[float, object]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def plain_copy(paths: dict[str, Path], folder: Path) -> None:
    folder.mkdir()
    for path in paths.values():
        target = folder / path.name
        shutil.copyfile(path, target)
        with open(target, "rb") as handle:
            os.fsync(handle.fileno())


def one_size(base: Path, megabytes: int) -> dict:
    home = base / f"home-{megabytes}"
    container = build_container(home=home)
    session = container.core.database_session()
    container.profiles.gate_client()
    paths = session.paths()
    session.close_all()
    fill(paths["market_data"], megabytes)
    total = sum(p.stat().st_size for p in paths.values())
    session.database("market_data").connection()  # the app has the files open, as in real use

    copy_s, _ = timed(lambda: plain_copy(paths, base / f"copy-{megabytes}"))
    raw_dir = base / f"raw-{megabytes}"
    raw_dir.mkdir()
    raw_s, _ = timed(lambda: [online_backup(p, raw_dir / p.name) for p in paths.values()])
    backup_s, summary = timed(lambda: container.profiles.create_backup().execute())
    verify_s, result = timed(lambda: container.profiles.verify_backup().execute(summary.id))
    assert result.ok, result.problems
    restore_s, outcome = timed(lambda: asyncio.run(container.profiles.restore_backup().execute(summary.id)))
    assert outcome.done

    switch = container.profiles.apply_switch()
    times = []
    for _ in range(5):
        for target in ("testing", "development"):
            elapsed, _ = timed(lambda t=target: switch.execute(t))
            times.append(elapsed)
    session.close_all()
    for folder in (base / f"copy-{megabytes}", raw_dir):
        shutil.rmtree(folder)
    return {
        "size_mb": total / MB,
        "copy_mbps": total / MB / copy_s,
        "raw_backup_mbps": total / MB / raw_s,
        "backup_s": backup_s,
        "backup_mbps": total / MB / backup_s,
        "verify_s": verify_s,
        "restore_s": restore_s,
        "switch_ms_median": statistics.median(times) * 1000,
        "switch_ms_max": max(times) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1024], help="profile sizes in MB")
    parser.add_argument("--dir", default=None, help="where to put the temporary home")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-backup-", dir=args.dir))
    try:
        print(
            "| profile | plain copy + fsync | online backup API only | backup (snapshot copy + SHA-256 + fsync, manifest) | "
            "verify (SHA-256 + integrity_check) | restore incl. verification | switch median / max |"
        )
        print("|---|---|---|---|---|---|---|")
        for size in args.sizes:
            r = one_size(base, size)
            print(
                f"| {r['size_mb']:.0f} MB | {r['copy_mbps']:.0f} MB/s | {r['raw_backup_mbps']:.0f} MB/s | "
                f"{r['backup_s']:.2f} s ({r['backup_mbps']:.0f} MB/s, {r['backup_mbps'] / r['copy_mbps']:.2f}x copy) | "
                f"{r['verify_s']:.2f} s | {r['restore_s']:.2f} s | {r['switch_ms_median']:.1f} / {r['switch_ms_max']:.1f} ms |",
                flush=True,
            )
            shutil.rmtree(base / f"home-{size}")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
