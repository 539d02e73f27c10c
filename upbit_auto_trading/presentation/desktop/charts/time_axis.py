"""A time axis in KST whose every label carries the year, at every zoom.

pyqtgraph's DateAxisItem writes "14:00", "Tue 05" or "Mar" once zoomed in: the year (and often the day) is
gone, and a chart of 2018 reads like one of 2024. Here one step is chosen so that labels never overlap, the
ticks fall on KST boundaries (midnight, the 1st of a month, 1 January), and the label says everything the
step needs: "2024-03-05 14:00", "2024-03-05", "2024-03" or "2024".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pyqtgraph as pg
from PyQt6.QtGui import QFontMetricsF, QPainter
from PyQt6.QtWidgets import QApplication

from upbit_auto_trading.presentation.desktop.i18n import tr

KST = timezone(timedelta(hours=9), "KST")
KST_SECONDS = 9 * 3600  # Korea keeps no daylight saving time: one fixed offset, all year, every year
KST_OFFSET = -KST_SECONDS  # pyqtgraph DateAxisItem's utcOffset (seconds *west* of UTC), for plots that use it

MINUTE, HOUR, DAY = 60, 3600, 86400
MONTH, YEAR = 28 * DAY, 365 * DAY  # the shortest of each: labels must not collide even in February
GAP_PX = 24  # free space between two labels
FIRST_DATE = datetime(2, 1, 1, tzinfo=UTC).timestamp()
LAST_DATE = datetime(9998, 12, 31, tzinfo=UTC).timestamp()

FORMATS = {  # unit -> (strftime format, the widest label it writes)
    "minute": ("%Y-%m-%d %H:%M", "2088-08-28 18:58"),
    "hour": ("%Y-%m-%d %H:%M", "2088-08-28 18:58"),
    "day": ("%Y-%m-%d", "2088-08-28"),
    "month": ("%Y-%m", "2088-08"),
    "year": ("%Y", "2088"),
}
UNIT_SECONDS = {"minute": MINUTE, "hour": HOUR, "day": DAY, "month": MONTH, "year": YEAR}


@dataclass(frozen=True)
class Step:
    unit: str
    count: int

    @property
    def seconds(self) -> int:
        """Nominal length: exact for minutes, hours and days; the shortest month or year otherwise."""
        return UNIT_SECONDS[self.unit] * self.count


LADDER = [
    *(Step("minute", n) for n in (1, 2, 5, 10, 15, 30)),
    *(Step("hour", n) for n in (1, 2, 3, 6, 12)),
    *(Step("day", n) for n in (1, 2, 5, 10, 15)),
    *(Step("month", n) for n in (1, 2, 3, 6)),
    *(Step("year", n) for n in (1, 2, 5, 10, 20, 50, 100)),
]


def unit_for_spacing(spacing: float) -> str:
    """The unit of a step from its nominal length (what pyqtgraph hands back to ``tickStrings``)."""
    if spacing < DAY:
        return "hour"
    if spacing < MONTH:
        return "day"
    if spacing < YEAR:
        return "month"
    return "year"


def choose_step(seconds_per_px: float, label_px: dict[str, float]) -> Step:
    """The finest step whose labels, ``label_px`` wide, stay ``GAP_PX`` apart at this zoom."""
    for step in LADDER:
        if step.seconds / seconds_per_px >= label_px[step.unit] + GAP_PX:
            return step
    years = LADDER[-1].count
    while years * YEAR / seconds_per_px < label_px["year"] + GAP_PX:
        years *= 2
    return Step("year", years)


def tick_times(x0: float, x1: float, step: Step) -> list[float]:
    """Epoch seconds of the step's KST boundaries within [x0, x1]."""
    if step.unit == "day" and step.count >= 5:
        return _month_days(x0, x1, step.count)
    if step.unit in ("minute", "hour", "day"):
        size = step.seconds
        first = math.ceil((x0 + KST_SECONDS) / size) * size - KST_SECONDS
        return [float(t) for t in np.arange(first, x1 + 1e-6, size)]
    start = _kst(x0)
    if step.unit == "month":
        index = start.year * 12 + start.month - 1  # months since year 0; 12 is a multiple of every count
        index = -(-index // step.count) * step.count
        times: list[float] = []
        while (t := datetime(index // 12, index % 12 + 1, 1, tzinfo=KST).timestamp()) <= x1:
            if t >= x0:
                times.append(t)
            index += step.count
        return times
    year = -(-start.year // step.count) * step.count
    times = []
    while year <= 9999 and (t := datetime(year, 1, 1, tzinfo=KST).timestamp()) <= x1:
        if t >= x0:
            times.append(t)
        year += step.count
    return times


def _month_days(x0: float, x1: float, count: int) -> list[float]:
    """Days 1, 1 + count, ... of each month (1, 11, 21 for 10): ticks that meet every month's 1st. A day is
    left out when the next month's 1st comes sooner than ``count`` days after it (26 February for 5)."""
    start = _kst(x0)
    year, month = start.year, start.month
    times: list[float] = []
    while year < 9999 and (first := datetime(year, month, 1, tzinfo=KST)).timestamp() <= x1:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        length = (datetime(year, month, 1, tzinfo=KST) - first).days
        for day in range(1, length + 1, count):
            t = first.replace(day=day).timestamp()
            if (day == 1 or day + count <= length + 1) and x0 <= t <= x1:
                times.append(t)
    return times


def time_strings(values: list[float], spacing: float) -> list[str]:
    fmt = FORMATS[unit_for_spacing(spacing)][0]
    out = []
    for v in values:
        try:
            out.append(_kst(v).strftime(fmt))
        except (OverflowError, OSError, ValueError):  # far outside any candle's time: no label
            out.append("")
    return out


def _kst(epoch_seconds: float) -> datetime:
    return datetime.fromtimestamp(epoch_seconds, KST)


class KstTimeAxis(pg.AxisItem):
    """Bottom axis for epoch seconds (UTC), written in KST as the rest of the app writes times."""

    def __init__(self, orientation: str = "bottom", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)
        self.setLabel(tr("시간 (KST)", "Time (KST)"))
        self._metrics: QFontMetricsF | None = None

    def show_times(self, shown: bool) -> None:
        """Stacked panes share one time axis: the lower one writes the times, the upper ones only grid."""
        self.setStyle(showValues=shown)
        self.showLabel(shown)

    def generateDrawSpecs(self, p: QPainter) -> object:  # noqa: N802 - pyqtgraph API; its specs, untouched
        # Label widths must be measured in the font the labels are painted in.
        self._metrics = QFontMetricsF(p.font())
        return super().generateDrawSpecs(p)

    def tickValues(  # noqa: N802 - pyqtgraph API
        self, minVal: float, maxVal: float, size: float  # noqa: N803
    ) -> list[tuple[float, list[float]]]:
        if not (size > 0 and maxVal > minVal and math.isfinite(minVal) and math.isfinite(maxVal)):
            return []
        # Python's dates end at years 1 and 9999 (an empty plot's 0..1 range is fine: 1970).
        minVal, maxVal = max(minVal, FIRST_DATE), min(maxVal, LAST_DATE)
        if maxVal <= minVal:
            return []
        metrics = self._metrics or QFontMetricsF(self.style["tickFont"] or QApplication.font())
        label_px = {unit: metrics.horizontalAdvance(sample) for unit, (_fmt, sample) in FORMATS.items()}
        step = choose_step((maxVal - minVal) / size, label_px)
        return [(float(step.seconds), tick_times(minVal, maxVal, step))]

    def tickStrings(self, values: Sequence[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return time_strings(list(values), spacing)
