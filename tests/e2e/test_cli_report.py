"""``report export`` as a script runs it (subprocess, one home per module seeded with the bundled candles and
the sample strategy), and the exported HTML opened in a headless browser (Qt WebEngine's Chromium, offscreen):
the page loads from the file alone, asks for nothing else, and every chart is painted."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_process import run_cli as cli  # tests/support, on sys.path by tests/e2e/conftest.py

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "Basic 7-rule (기본 7규칙)"
BROWSER = REPO_ROOT / "tests" / "support" / "report_browser.py"
# The colour each chart must show once painted (presentation/report/charts.py; report_browser.COLOURS).
EXPECTED_INK = {
    "comparison": {"green", "blue"}, "equity": {"green", "grey"}, "equity-log": {"green", "grey"},
    "underwater": {"red"}, "rolling-sharpe": {"purple"}, "rolling-volatility": {"purple"},
    "exposure": {"orange"}, "trade-returns": {"red", "blue"}, "holding": {"green"},
}  # fmt: skip




@pytest.fixture(scope="module")
def runs(seeded_home) -> tuple[Path, list[int]]:  # noqa: ANN001
    """A home with two stored runs of the sample strategy: 2022, and the second half of 2022."""
    home = seeded_home("cli_report")
    ids = []
    for start in ("2022-01-01", "2022-07-01"):
        done = cli(home, "--json", "backtest", "run", "--strategy", SAMPLE, "--market", "KRW-BTC",
                   "--timeframe", "1h", "--from", start, "--to", "2022-12-31")  # fmt: skip
        ids.append(json.loads(done.stdout)["run_id"])
    return home, ids


@pytest.fixture(scope="module")
def exported(runs: tuple[Path, list[int]], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    home, ids = runs
    out = tmp_path_factory.mktemp("cli_report_out")
    html = out / "report.html"
    result = cli(
        home, "report", "export", *map(str, ids), "--html", str(html), "--csv", str(out / "csv"), "--json"
    )
    return html, json.loads(result.stdout)


def test_export_writes_the_report_and_the_csvs(
    runs: tuple[Path, list[int]], exported: tuple[Path, dict]
) -> None:
    home, ids = runs
    html, doc = exported
    a, b = ids
    assert doc["runs"] == ids and doc["html"] == str(html)
    assert [Path(p).name for p in doc["csv"]] == [f"run-{a}-trades.csv", f"run-{a}-metrics.csv",
                                                  f"run-{b}-trades.csv", f"run-{b}-metrics.csv"]  # fmt: skip
    assert doc["bytes"] == html.stat().st_size + sum(Path(p).stat().st_size for p in doc["csv"])
    text = html.read_text(encoding="utf-8")
    assert "<title>Backtest comparison report: 2 runs</title>" in text
    assert "10,000,000 KRW" in text and "2022-01-01 09:00 ~ 2023-01-01 08:00" in text  # KST, separators
    assert 'data-flag="periods"' in text  # the half-year run is flagged
    shown = json.loads(cli(home, "--json", "backtest", "show", str(a)).stdout)
    trades = list(csv.DictReader(io.StringIO(Path(doc["csv"][0]).read_text(encoding="utf-8"))))
    assert [t["trade_no"] for t in trades] == [str(t["trade_no"]) for t in shown["trades"]]
    assert [t["pnl"] for t in trades] == [t["pnl"] or "" for t in shown["trades"]]


def test_text_output_and_korean(runs: tuple[Path, list[int]], tmp_path: Path) -> None:
    home, ids = runs
    result = cli(
        home, "report", "export", str(ids[1]), "--html", str(tmp_path / "ko.html"), "--language", "ko"
    )
    assert result.stdout.splitlines()[0] == f"wrote {tmp_path / 'ko.html'}"
    assert f"runs #{ids[1]}" in result.stdout
    assert "report: analysing" in result.stderr and "report:" not in result.stdout
    assert "백테스트 보고서" in (tmp_path / "ko.html").read_text(encoding="utf-8")


def test_errors_are_one_line_and_write_nothing(runs: tuple[Path, list[int]], tmp_path: Path) -> None:
    home, ids = runs
    missing = cli(
        home, "report", "export", str(ids[0]), "9999", "--html", str(tmp_path / "r.html"), check=False
    )
    assert missing.returncode == 1
    assert missing.stderr.splitlines()[-1] == "error: No stored backtest run 9999; `backtest list` shows them"
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    unwritable = cli(home, "report", "export", str(ids[0]), "--html", str(tmp_path / "r.html"),
                     "--csv", str(blocker / "csv"), check=False)  # fmt: skip
    assert unwritable.returncode == 1
    last = unwritable.stderr.splitlines()[-1]
    assert last.startswith("error: ") and str(blocker) in last and "Traceback" not in unwritable.stderr
    nothing = cli(home, "report", "export", str(ids[0]), check=False)
    assert nothing.returncode == 2 and nothing.stderr.count("\n") == 1 and "--html" in nothing.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # no report, no CSV, no temp file


def test_the_report_opens_in_a_headless_browser_and_shows_its_charts(
    exported: tuple[Path, dict], tmp_path: Path
) -> None:
    html, _ = exported
    shot = tmp_path / "report.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, str(BROWSER), str(html), str(tmp_path / "charts"), "--shot", str(shot)],
        capture_output=True, text=True, timeout=240, cwd=REPO_ROOT, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    page = json.loads(result.stdout.strip().splitlines()[-1])
    assert page["loaded"] is True and page["title"] == "Backtest comparison report: 2 runs"
    assert page["requests"] == []  # offline: nothing but the file itself was asked for

    charts = page["charts"]
    visible = [c for c in charts if c["w"] > 0 and c["h"] > 0]
    assert sorted({c["name"] for c in visible}) == sorted(set(EXPECTED_INK) - {"equity-log"})
    assert len(visible) == 1 + 2 * 7  # the overlay, then seven charts per run (log twins hidden)
    assert all(c["marks"] > 0 and c["empty"] == 0 for c in visible)
    assert [c["bands"] for c in visible if c["name"] == "underwater"] == [5, 5]

    assert len(page["painted"]) == len(visible)
    for chart in page["painted"]:  # each chart's box in the grabbed screenshot holds its drawing
        colours = {name for name, count in chart["colours"].items() if count >= 20}
        assert chart["inked"] > 0.02 * chart["pixels"], chart
        assert EXPECTED_INK[chart["name"]] <= colours, chart
    # The CSS log-scale switch swaps the first run's equity chart for its log twin, which is painted too.
    assert page["log_switch"]["before"] == ["equity", "equity"]
    assert page["log_switch"]["after"] == ["equity-log", "equity"]
    assert EXPECTED_INK["equity-log"] <= {n for n, k in page["log_painted"]["colours"].items() if k >= 20}
    assert [(h["cells"] > 0 and h["coloured"] == h["cells"] and h["h"] > 0) for h in page["heatmap"]] == [
        True,
        True,
    ]

    from PyQt6.QtGui import QImage  # the saved screenshot is a real, non-blank picture

    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1040, 1400)
    assert len({image.pixel(x, y) for x in range(0, 1040, 13) for y in range(0, 1400, 13)}) > 20
