"""Cold start to window shown: median of N launches of run_desktop_ui.py on a seeded development profile.

Usage: python benchmarks/bench_startup.py [--runs 5] [--home DIR]

Each run is a fresh process (`--exit-after-show`). Reported: process spawn to window shown (the app logs the
wall-clock time at which the window is shown) and process spawn to exit (which also waits for the background
warm-up of the numba kernels and the bus shutdown). The first launch, which creates and seeds the databases,
is reported separately and not counted.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOWN = re.compile(r"window shown (\d+) ms after start \(epoch ([0-9.]+)\)")


def launch(home: Path) -> tuple[float, float | None]:
    """Returns (process spawn to exit, process spawn to window shown) in seconds."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    spawned = time.time()
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "run_desktop_ui.py"), "--home", str(home), "--exit-after-show"],
        capture_output=True, text=True, env=env, check=True,
    )
    wall = time.perf_counter() - started
    match = SHOWN.search(result.stderr)
    return wall, (float(match.group(2)) - spawned if match else None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--home")
    args = parser.parse_args()
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="bench-start-"))
    first_wall, first_shown = launch(home)
    print(f"first launch (creates and seeds databases): wall {first_wall:.2f} s, shown at {first_shown} s")
    walls, shown = [], []
    for _ in range(args.runs):
        wall, at = launch(home)
        walls.append(wall)
        if at is not None:
            shown.append(at)
    print(f"process spawn to exit, median of {args.runs}: {statistics.median(walls):.3f} s  (all: "
          + ", ".join(f"{w:.2f}" for w in walls) + ")")
    if shown:
        print(f"process spawn to window shown, median of {len(shown)}: {statistics.median(shown):.3f} s  (all: "
              + ", ".join(f"{w:.2f}" for w in shown) + ")")


if __name__ == "__main__":
    main()
