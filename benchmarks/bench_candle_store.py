"""Benchmark the SQLite candle store: insert 1,000,000 candles, then load them into numpy arrays.

Run by hand (never in the test suite):  python benchmarks/bench_candle_store.py [--count N] [--repeat R]
The Candle objects are built once; the insert is repeated R times into fresh databases (median reported,
wall and CPU time: the CPU figure is steadier on a shared machine). The cold decode (no packed copy) is
timed R times for the current decoder and for the previous one (rows of ``CAST(text AS REAL)``), and both
are compared bit for bit with ``float(text)`` of every stored value.
Goals (issue 5): insert < 5 s, load < 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

# measure this checkout, whatever copy of the package is installed
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from upbit_auto_trading.domain.market.candle import Candle  # noqa: E402
from upbit_auto_trading.infrastructure.sqlite.session import DatabaseSession  # noqa: E402


def make_candles(count: int, market: str = "KRW-BTC", timeframe: str = "1m") -> list[Candle]:
    rng = random.Random(42)
    start = 1_500_000_000 - 1_500_000_000 % 60
    price = 10_000_000
    out: list[Candle] = []
    for i in range(count):
        o = price
        c = max(100_000, o + rng.randint(-20_000, 20_000))
        h = max(o, c) + rng.randint(0, 10_000)
        lo = max(1, min(o, c) - rng.randint(0, 10_000))
        vol = Decimal(rng.randint(1, 10**10)).scaleb(-8)
        out.append(
            Candle(
                market,
                timeframe,
                datetime.fromtimestamp(start + 60 * i, UTC),
                Decimal(o),
                Decimal(h),
                Decimal(lo),
                Decimal(c),
                vol,
                (vol * c).quantize(Decimal("0.00000001")),
            )
        )
        price = c
    return out


def _fresh_session(directory: Path) -> DatabaseSession:
    names = ("settings", "strategies", "market_data")
    session = DatabaseSession({n: directory / f"{n}.sqlite3" for n in names})
    session.migrate_all()
    return session


def _previous_decoder(conn, market: str, timeframe: str):  # noqa: ANN202 - np.ndarray
    """The decoder before the group_concat fast path: one tuple per row, SQLite's CAST AS REAL."""
    import numpy as np

    from upbit_auto_trading.infrastructure.market_data.candle_rows import fetch_tuples

    rows = fetch_tuples(
        conn,
        "SELECT start_utc, CAST(open AS REAL), CAST(high AS REAL), CAST(low AS REAL), CAST(close AS REAL), "
        "CAST(volume AS REAL), CAST(quote_volume AS REAL) FROM candles "
        "WHERE market = ? AND timeframe = ? ORDER BY start_utc",
        (market, timeframe),
    )
    return np.ascontiguousarray(np.array(rows, dtype=np.float64).T)


def _time_decoders(conn, repeat: int) -> dict[str, tuple[list[float], int]]:
    """Cold decode timings (wall) and how many values differ from float(text), per decoder."""
    import numpy as np

    from upbit_auto_trading.infrastructure.market_data import column_decode

    reference = column_decode.decode_rows(conn, "KRW-BTC", "1m")
    decoders = {
        "group_concat + np.fromstring (now)": column_decode.decode_series,
        "rows of CAST AS REAL (before)": _previous_decoder,
        "rows of float(text) (reference)": column_decode.decode_rows,
    }
    out: dict[str, tuple[list[float], int]] = {}
    for name, decode in decoders.items():
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            table = decode(conn, "KRW-BTC", "1m")
            times.append(time.perf_counter() - t0)
        out[name] = (times, int((table.view(np.uint64) != reference.view(np.uint64)).sum()))
    return out


def main(argv: list[str] | None = None) -> int:
    from upbit_auto_trading.infrastructure.market_data.candle_store import SqliteCandleStore

    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument(
        "--repeat", type=int, default=3, help="inserts into fresh databases (median reported; default 3)"
    )
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    candles = make_candles(args.count)
    t_build = time.perf_counter() - t0
    walls: list[float] = []
    cpus: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(max(1, args.repeat)):
            directory = Path(tmp) / f"run{i}"
            directory.mkdir()
            session = _fresh_session(directory)
            store = SqliteCandleStore(session)
            w0, c0 = time.perf_counter(), time.process_time()
            counts = store.upsert(candles)
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
            assert counts.inserted == args.count, counts
            if i + 1 < args.repeat:
                session.close_all()
                shutil.rmtree(directory)
        decoders = _time_decoders(session.market_data.connection(), max(1, args.repeat))
        t0 = time.perf_counter()
        arrays = store.load_arrays("KRW-BTC", "1m")
        t_load_cold = time.perf_counter() - t0
        assert len(arrays) == args.count
        t0 = time.perf_counter()
        arrays = store.load_arrays("KRW-BTC", "1m")
        t_load = time.perf_counter() - t0
        assert len(arrays) == args.count
        t0 = time.perf_counter()
        counts = store.upsert(candles[:100_000])  # fewer when --count is smaller
        t_reupsert = time.perf_counter() - t0
        assert counts.unchanged == min(100_000, args.count)
        size = (directory / "market_data.sqlite3").stat().st_size
        session.close_all()
    t_insert = statistics.median(walls)
    print(f"candles:                 {args.count:,}")
    print(f"build Candle objects:    {t_build:.2f} s (not part of the store)")
    print(
        f"insert (one transaction): median {t_insert:.2f} s wall, {statistics.median(cpus):.2f} s CPU "
        f"(runs: {', '.join(f'{w:.2f}' for w in walls)})  goal < 5 s   {'OK' if t_insert < 5 else 'MISSED'}"
    )
    for name, (times, wrong) in decoders.items():
        print(
            f"cold decode, {name}: median {statistics.median(times):.2f} s "
            f"(runs: {', '.join(f'{t:.2f}' for t in times)}); values != float(text): {wrong}"
        )
    print(f"load_arrays, first (decode + write the packed copy): {t_load_cold:.3f} s")
    print(
        f"load_arrays (packed copy current): {t_load:.3f} s  goal < 0.5 s {'OK' if t_load < 0.5 else 'MISSED'}"
    )
    print(f"re-upsert 100k unchanged: {t_reupsert:.2f} s")
    print(f"database size:           {size / 1e6:.0f} MB")
    print(f"load average:            {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
