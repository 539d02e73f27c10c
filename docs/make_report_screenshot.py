"""Regenerate docs/images/report-export.png: the top of an HTML report exported by `report export`, as a
browser shows it. A run of the 7-rule sample over 2022 on the bundled KRW-BTC 1h candles, exported from the
command line into a fresh home, then opened in Qt WebEngine's headless Chromium (tests/support/report_browser.py,
the same page the screenshot test checks).

Usage: python docs/make_report_screenshot.py [OUT.png] [--home DIR] [--lang en|ko]
(needs PyQt6-WebEngine, in the dev extra; Korean needs a CJK font).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = "Basic 7-rule (기본 7규칙)"


def cli(home: Path, *args: str) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "upbit_auto_trading", "--home", str(home), *args],
        capture_output=True, text=True, cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", nargs="?", default=str(ROOT / "docs" / "images" / "report-export.png"))
    parser.add_argument("--home")
    parser.add_argument("--lang", default="en", choices=("en", "ko"))
    args = parser.parse_args()
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="shot-report-"))
    run = json.loads(cli(home, "--json", "backtest", "run", "--strategy", SAMPLE, "--market", "KRW-BTC",
                         "--timeframe", "1h", "--from", "2022-01-01", "--to", "2022-12-31"))  # fmt: skip
    html = home / "report.html"
    cli(home, "report", "export", str(run["run_id"]), "--html", str(html), "--language", args.lang)
    page = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "support" / "report_browser.py"), str(html),
         str(home / "charts"), "--shot", args.out],
        capture_output=True, text=True, cwd=ROOT, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), check=True,
    )  # fmt: skip
    shown = json.loads(page.stdout.strip().splitlines()[-1])
    print(f"{args.out}: {shown['title']}; {len(shown['painted'])} charts painted")


if __name__ == "__main__":
    main()
