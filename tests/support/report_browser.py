"""Open an exported HTML report in a headless Chromium (Qt WebEngine, offscreen) and say what it showed.

Run as a script, in its own process (Chromium wants the QApplication to itself, created after WebEngine is
imported, so a pytest process that already made one for the widget tests cannot host it):

    QT_QPA_PLATFORM=offscreen python tests/support/report_browser.py REPORT.html OUT_DIR [--shot FILE.png]

It prints one JSON document: every ``svg.chart`` with its ``data-chart`` name, its box on the page and how
many drawn marks it holds; for each visible chart, how many of its pixels in the grabbed screenshot are not
the white background and which of the report's series colours appear; the log-scale switch's effect (which
equity chart is visible before and after a click); the page's requests that were not for the file itself
(an offline report makes none). ``--shot`` saves the top of the page as a PNG (the docs' picture).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Chromium's sandbox refuses to run as root (containers, CI); software GL: no GPU offscreen.
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu --disable-gpu-compositing")

import numpy as np  # noqa: E402
from PyQt6.QtCore import QEventLoop, QRect, QTimer, QUrl  # noqa: E402
from PyQt6.QtGui import QImage  # noqa: E402
from PyQt6.QtWebEngineCore import QWebEngineUrlRequestInterceptor  # noqa: E402
from PyQt6.QtWebEngineWidgets import QWebEngineView  # noqa: E402
from PyQt6.QtWidgets import QApplication  # noqa: E402

VIEW_W, VIEW_H = 1040, 1400
# The report's series colours (presentation/report/charts.py): strategy green, drawdown/gain red, loss blue,
# rolling purple, exposure orange, buy-and-hold grey.
COLOURS = {
    "green": (0x14, 0x6E, 0x3C), "red": (0xC8, 0x28, 0x28), "blue": (0x1E, 0x5A, 0xC8),
    "purple": (0x6A, 0x3D, 0x9A), "orange": (0xE0, 0x8A, 0x00), "grey": (0x8C, 0x8C, 0x8C),
}  # fmt: skip

CHARTS_JS = """
JSON.stringify([...document.querySelectorAll('svg.chart')].map(s => {
  const b = s.getBoundingClientRect();
  return {name: s.dataset.chart || '', x: b.left + window.scrollX, y: b.top + window.scrollY,
          w: b.width, h: b.height,
          marks: s.querySelectorAll('path.series, rect.bar').length,
          bands: s.querySelectorAll('rect.band').length,
          empty: s.querySelectorAll('text.empty').length};
}))
"""


HEATMAP_JS = """
JSON.stringify([...document.querySelectorAll('table.heatmap')].map(t => {
  const b = t.getBoundingClientRect();
  const cells = [...t.querySelectorAll('td')].filter(td => td.textContent.trim() !== '');
  const coloured = cells.filter(td => getComputedStyle(td).backgroundColor !== 'rgba(0, 0, 0, 0)');
  return {w: b.width, h: b.height, cells: cells.length, coloured: coloured.length};
}))
"""


class Recorder(QWebEngineUrlRequestInterceptor):
    """Every URL the page asks for (the file itself included)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def interceptRequest(self, info) -> None:  # noqa: ANN001, N802 - Qt's override
        self.urls.append(info.requestUrl().toString())


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def run_js(view: QWebEngineView, script: str, timeout_ms: int = 10_000) -> object:
    out: dict[str, object] = {}
    loop = QEventLoop()

    def done(value: object) -> None:
        out["value"] = value
        loop.quit()

    view.page().runJavaScript(script, done)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()
    if "value" not in out:
        raise TimeoutError(f"no answer from the page to {script[:60]!r}")
    return out["value"]


def pixel_summary(image: QImage, rect: QRect) -> dict[str, object]:
    """Non-white pixels in ``rect`` of the grab, and how many pixels have each series colour (within a small
    tolerance: anti-aliasing and translucent fills blend the edges)."""
    rect = rect.intersected(image.rect())
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    bits = rgb.constBits()
    bits.setsize(rgb.sizeInBytes())
    pixels = np.frombuffer(bits, dtype=np.uint8).reshape(rgb.height(), rgb.bytesPerLine() // 4, 4)
    box = pixels[rect.top() : rect.bottom() + 1, rect.left() : rect.right() + 1, :3].astype(np.int16)
    b, g, r = box[..., 0], box[..., 1], box[..., 2]  # RGB32 is B, G, R, A in memory (little-endian)
    inked = int(((r < 245) | (g < 245) | (b < 245)).sum())
    found = {
        name: int(((abs(r - cr) <= 24) & (abs(g - cg) <= 24) & (abs(b - cb) <= 24)).sum())
        for name, (cr, cg, cb) in COLOURS.items()
    }
    return {"inked": inked, "pixels": int(r.size), "colours": found}


def blank(image: QImage) -> bool:
    """Nothing painted yet: the whole view one colour."""
    return int(pixel_summary(image, image.rect())["inked"]) in (0, image.width() * image.height())


def settled_grab(view: QWebEngineView, before: QImage | None = None, tries: int = 80) -> QImage:
    """A grab of what the page shows now: Chromium paints a moment after the load or a scroll, so grab until
    two grabs in a row are the same, show something, and (after a scroll) differ from ``before``."""
    previous = view.grab().toImage()
    for _ in range(tries):
        wait(100)
        image = view.grab().toImage()
        if image == previous and not blank(image) and (before is None or image != before):
            return image
        previous = image
    return previous  # never settled: the caller's assertions fail on what is there


def main() -> int:
    html = Path(sys.argv[1]).resolve()
    out_dir = Path(sys.argv[2])
    shot = Path(sys.argv[sys.argv.index("--shot") + 1]) if "--shot" in sys.argv else None
    out_dir.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    view = QWebEngineView()
    recorder = Recorder()
    view.page().profile().setUrlRequestInterceptor(recorder)
    view.resize(VIEW_W, VIEW_H)
    view.show()
    loaded: dict[str, bool] = {}
    loop = QEventLoop()
    view.loadFinished.connect(lambda ok: (loaded.__setitem__("ok", ok), loop.quit()))
    view.load(QUrl.fromLocalFile(str(html)))
    QTimer.singleShot(30_000, loop.quit)
    loop.exec()
    report: dict[str, object] = {"loaded": loaded.get("ok", False), "title": view.title()}
    charts = json.loads(str(run_js(view, CHARTS_JS)))
    report["charts"] = charts
    current = settled_grab(view)
    if shot is not None:
        current.save(str(shot))
    painted = []
    scroll_y = 0.0
    for i, chart in enumerate(charts):
        if chart["w"] <= 0 or chart["h"] <= 0:
            continue  # hidden (the log-scale twin)
        top = max(0, int(chart["y"]) - 20)
        run_js(view, f"window.scrollTo(0, {top}); 1")
        new_scroll = float(run_js(view, "window.scrollY"))  # type: ignore[arg-type]
        current = settled_grab(view, current if new_scroll != scroll_y else None)
        scroll_y = new_scroll
        rect = QRect(int(chart["x"]), int(chart["y"] - scroll_y), int(chart["w"]), int(chart["h"]))
        current.copy(rect).save(str(out_dir / f"chart-{i:02d}-{chart['name']}.png"))
        painted.append({"index": i, "name": chart["name"], **pixel_summary(current, rect)})
    report["painted"] = painted
    # The CSS-only log-scale switch: click it, and the other equity chart is the visible one.
    before = json.loads(str(run_js(view, CHARTS_JS)))
    run_js(view, "document.querySelector('input.log-toggle').click(); 1")
    wait(200)
    after = json.loads(str(run_js(view, CHARTS_JS)))

    def visible(charts_: list[dict[str, object]]) -> list[str]:
        return [str(c["name"]) for c in charts_ if float(c["w"]) > 0 and str(c["name"]).startswith("equity")]  # type: ignore[arg-type]

    report["log_switch"] = {"before": visible(before), "after": visible(after)}
    log_chart = next((c for c in after if c["name"] == "equity-log" and float(c["w"]) > 0), None)
    if log_chart is not None:  # the log chart, now shown, is painted too
        run_js(view, f"window.scrollTo(0, {max(0, int(log_chart['y']) - 20)}); 1")
        new_scroll = float(run_js(view, "window.scrollY"))  # type: ignore[arg-type]
        current = settled_grab(view, current if new_scroll != scroll_y else None)
        rect = QRect(
            int(log_chart["x"]), int(log_chart["y"] - new_scroll), int(log_chart["w"]), int(log_chart["h"])
        )
        current.copy(rect).save(str(out_dir / "chart-equity-log.png"))
        report["log_painted"] = pixel_summary(current, rect)
    report["heatmap"] = json.loads(str(run_js(view, HEATMAP_JS)))
    own = QUrl.fromLocalFile(str(html)).toString()
    report["requests"] = [u for u in recorder.urls if u != own]
    print(json.dumps(report))
    view.close()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
