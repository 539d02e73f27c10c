"""What the docs/make_*_screenshot.py scripts share: the checkout on the import path, the Qt application set up as
the desktop app sets it up (input rules, language, theme, a font with Hangul), a fresh home seeded with the
bundled candles and the sample strategies, the event-loop waits and the grab.

Screens are built as the main window builds them: ``build(services, parent)`` from the screen's ``screen.py``
with the services ``upbit_auto_trading/container/screens.py`` makes from the container.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
SAMPLE = "Basic 7-rule (기본 7규칙)"  # the sample strategy every new profile gets

if str(ROOT) not in sys.path:  # run from a checkout without installing the package
    sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from PyQt6.QtWidgets import QApplication, QWidget

    from upbit_auto_trading.container import ApplicationContainer


_apps: list[
    Any
] = []  # the QApplication lives as long as the script: a collected one takes every widget with it


def application(language: str = "ko", theme: str = "light") -> QApplication:
    """The QApplication with the app-wide input rules, ``language`` and ``theme`` (Korean needs a CJK font:
    fonts-noto-cjk)."""
    from PyQt6.QtWidgets import QApplication

    from upbit_auto_trading.presentation.desktop.app import _prefer_cjk_font, configure_application
    from upbit_auto_trading.presentation.desktop.i18n import set_language
    from upbit_auto_trading.presentation.desktop.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    _apps.append(app)
    configure_application(app)
    set_language(language)
    apply_theme(app, theme)
    _prefer_cjk_font(app)
    return app


def seeded_container(home: str | None, prefix: str) -> ApplicationContainer:
    """A started container on ``home``, or on a fresh one (seeded at start-up: bundled candles, samples)."""
    from upbit_auto_trading.container.bootstrap import build_container
    from upbit_auto_trading.container.startup import startup

    container = build_container(home=Path(home or tempfile.mkdtemp(prefix=prefix)))
    startup(container)
    return container


def wait_until(condition: Callable[[], bool], seconds: float = 120, what: str = "") -> None:
    """Run Qt's events until ``condition`` holds (the screens' worker threads report through them)."""
    from PyQt6.QtWidgets import QApplication

    deadline = time.monotonic() + seconds
    while not condition():
        QApplication.processEvents()
        time.sleep(0.02)
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what or 'the screen'}")


def settle(rounds: int = 5, pause: float = 0.05) -> None:
    """Let deferred redraws (timers a few tens of ms after the last change) happen before a grab."""
    from PyQt6.QtWidgets import QApplication

    for _ in range(rounds):
        time.sleep(pause)
        QApplication.processEvents()


def shown(widget: QWidget, width: int = 1500, height: int = 950) -> Any:
    widget.resize(width, height)
    widget.show()
    return widget


def save(widget: QWidget, out: str | Path) -> None:
    ok = widget.grab().save(str(out))
    if not ok:
        raise SystemExit(f"could not write {out}")
    print("wrote", out)
