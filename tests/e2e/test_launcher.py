from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_screenshot_renders_the_window_and_exits_zero(app_home: Path, tmp_path: Path) -> None:
    target = tmp_path / "window.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "run_desktop_ui.py"), "--home", str(app_home), "--lang", "ko",
         "--screenshot", str(target)],
        capture_output=True, text=True, timeout=180, env=env,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    from PyQt6.QtGui import QImage

    image = QImage(str(target))
    assert image.width() >= 800 and image.height() >= 600
    assert (app_home / "data" / "development" / "settings.sqlite3").is_file()
    assert (app_home / "logs" / "upbit_auto_trading.log").is_file()


def test_broken_config_gives_a_clear_message(app_home: Path) -> None:
    (app_home / "config").mkdir(parents=True)
    (app_home / "config" / "config.yaml").write_text("ui: [oops\n", encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "run_desktop_ui.py"), "--home", str(app_home), "--exit-after-show"],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert result.returncode == 1
    assert "config.yaml" in result.stderr and "Traceback" not in result.stderr
