"""Benchmark what the cross-process write protocol costs a write, and how long a restore holds writers.

Run by hand (never in the test suite):  python benchmarks/bench_write_protocol.py [--count N] [--repeat R]
1. N one-row write transactions through SqliteDatabase.transaction() (shared lock, identity check,
   BEGIN IMMEDIATE ... COMMIT) against the same N through a bare sqlite3 connection on the same file
   (what a write cost before the protocol); median of R runs.
2. A restore of a market_data file of ~100 MB written in place through SQLite's backup API
   (copy_into_live) against the old rename (copy + os.replace): the time writers are held.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from upbit_auto_trading.infrastructure.profiles.sqlite_file import copy_into_live  # noqa: E402
from upbit_auto_trading.infrastructure.sqlite.database import SqliteDatabase, configure_connection  # noqa: E402


def _bare(path: Path, count: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    configure_connection(conn)
    start = time.perf_counter()
    for i in range(count):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?)", (i,))
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def _protocol(path: Path, count: int) -> float:
    db = SqliteDatabase(path, "bench")
    start = time.perf_counter()
    for i in range(count):
        with db.transaction() as conn:
            conn.execute("INSERT INTO t VALUES (?)", (i,))
    elapsed = time.perf_counter() - start
    db.close_all()
    return elapsed


def _without_protocol(path: Path, count: int) -> float:
    """The same SqliteDatabase with the shared lock switched off: what the protocol itself adds."""
    from contextlib import contextmanager

    from upbit_auto_trading.infrastructure.sqlite import write_access

    original = write_access.shared

    @contextmanager
    def no_lock(database, name, wait=0.0):  # noqa: ANN001, ANN202
        yield write_access.LockState()

    write_access.shared = no_lock
    try:
        return _protocol(path, count)
    finally:
        write_access.shared = original


def _make(path: Path, rows: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    configure_connection(conn)
    conn.execute("CREATE TABLE IF NOT EXISTS t (a)")
    if rows:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO t VALUES (?)", ((f"{i:064d}",) for i in range(rows)))
        conn.execute("COMMIT")
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--restore-rows", type=int, default=1_200_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-write-"))
    try:
        bare, unlocked, proto = [], [], []
        for r in range(args.repeat):
            a, b, c = work / f"bare{r}.sqlite3", work / f"proto{r}.sqlite3", work / f"free{r}.sqlite3"
            for made in (a, b, c):
                _make(made, 0)
            bare.append(_bare(a, args.count) / args.count)
            unlocked.append(_without_protocol(c, args.count) / args.count)
            proto.append(_protocol(b, args.count) / args.count)
        mb, mu, mp = statistics.median(bare), statistics.median(unlocked), statistics.median(proto)
        print(f"one-row write transaction: bare sqlite3 {mb * 1e6:.0f} us, SqliteDatabase without the lock "
              f"{mu * 1e6:.0f} us, with the protocol {mp * 1e6:.0f} us (the lock adds {(mp - mu) * 1e6:.0f} us)")  # fmt: skip

        source, live = work / "backup.sqlite3", work / "live.sqlite3"
        _make(source, args.restore_rows)
        size = source.stat().st_size / 1e6
        in_place, renamed = [], []
        for _ in range(max(1, args.repeat // 2)):
            _make(live, 1000)
            start = time.perf_counter()
            copy_into_live(source, live)
            in_place.append(time.perf_counter() - start)
            temp = work / "temp.sqlite3"
            start = time.perf_counter()
            shutil.copyfile(source, temp)
            with open(temp, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(temp, live)
            renamed.append(time.perf_counter() - start)
        print(f"restore of {size:.0f} MB: in place (backup API) {statistics.median(in_place):.2f} s, "
              f"copy + rename {statistics.median(renamed):.2f} s")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
