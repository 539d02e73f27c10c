"""Regenerate the window pictures in docs/images/ with the real app (run_desktop_ui.py --screenshot).

Usage: python docs/make_screenshots.py [--home DIR] [--out-dir DIR]

Runs offscreen on a virtual 1600x1000 screen; a fresh home is seeded on the first launch (bundled candles,
sample strategy), then each picture is one launch. Korean text needs a CJK font (fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from screenshot_support import IMAGES, ROOT

SHOTS = [
    # file, language, theme, tab
    ("main-window.png", "ko", "light", "trigger_builder"),
    ("main-window-en-dark.png", "en", "dark", "market_data"),
    ("settings-ko.png", "ko", "light", "settings"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home")
    parser.add_argument("--out-dir", type=Path, default=IMAGES)
    args = parser.parse_args()
    home = Path(args.home or tempfile.mkdtemp(prefix="shots-"))
    screen = Path(tempfile.mkdtemp()) / "screen.json"
    screen.write_text(json.dumps({"screens": [{"name": "doc", "x": 0, "y": 0, "width": 1600, "height": 1000,
                                                "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}")
    launcher = [sys.executable, str(ROOT / "run_desktop_ui.py"), "--home", str(home)]
    subprocess.run([*launcher, "--exit-after-show"], env=env, check=True, capture_output=True)
    for name, language, theme, tab in SHOTS:
        subprocess.run(
            [*launcher, "--lang", language, "--theme", theme, "--tab", tab, "--screenshot", str(args.out_dir / name),
             "--screenshot-delay", "4000"],
            env=env, check=True, capture_output=True,
        )
        print("wrote", args.out_dir / name)


if __name__ == "__main__":
    main()
