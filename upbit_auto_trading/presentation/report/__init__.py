"""The exported report of stored runs: one self-contained HTML file (charts as inline SVG) and CSV files.

Pure text generation, no Qt: the CLI (``report export``) and the desktop hand ``ReportWriter`` to the
``ExportReport`` use case (application/analysis/export_report.py) as its renderer.
"""

from __future__ import annotations

from upbit_auto_trading.application.analysis.export_report import Report, ReportRun
from upbit_auto_trading.presentation.report.csv_files import metrics_csv, trades_csv
from upbit_auto_trading.presentation.report.html_report import render_html


class ReportWriter:
    """``ExportReport``'s ``ReportRenderer``."""

    def html(self, report: Report, language: str) -> str:
        return render_html(report, language)

    def trades_csv(self, run: ReportRun) -> str:
        return trades_csv(run)

    def metrics_csv(self, run: ReportRun) -> str:
        return metrics_csv(run)


__all__ = ["ReportWriter", "metrics_csv", "render_html", "trades_csv"]
