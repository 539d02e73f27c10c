"""A small SVG chart writer for the exported report: time-series lines (linear or log scale) with shaded
spans, and histograms. Pure text: no JavaScript, no fonts or files fetched, so the report opens offline.

The charts are static pictures of arrays the analysis already computed; nothing here computes a statistic.
Long curves are thinned to at most a few points per pixel column, keeping each column's first, lowest,
highest and last value, so a 50,000-candle curve stays a ~100 KB path that draws every spike it had.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from html import escape

import numpy as np

KST = timezone(timedelta(hours=9), "KST")

WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 30, 34  # plot margins: y labels left, title above, time labels below
AXIS, GRID, TEXT = "#666666", "#e3e3e3", "#333333"
FONT = "font-family=\"-apple-system,'Segoe UI','Noto Sans KR','Noto Sans CJK KR','Malgun Gothic',sans-serif\""

Formatter = Callable[[float], str]


@dataclass(frozen=True)
class Line:
    """One curve over time. ``fill_to``: shade the area between the curve and this value (the underwater
    curve fills to 0)."""

    label: str
    x: np.ndarray  # epoch seconds UTC
    y: np.ndarray
    colour: str
    width: float = 1.6
    dashed: bool = False
    fill_to: float | None = None


@dataclass(frozen=True)
class Band:
    """A shaded time span behind the curves (a drawdown episode), with a short label at its top."""

    start: float
    end: float
    label: str = ""
    colour: str = "#c82828"


@dataclass(frozen=True)
class Bin:
    lo: float
    hi: float
    count: int
    colour: str


@dataclass(frozen=True)
class ChartText:
    """The words a chart needs: its title and what to write when there is nothing to draw."""

    title: str
    empty: str = "No data"
    x_label: str = ""
    legend: bool = True
    extra: dict[str, str] = field(default_factory=dict)  # data-* attributes (tests and styling find charts)


# ---------------------------------------------------------------------------------------------- scales
class _Scale:
    """Maps data values in [lo, hi] to pixels in [a, b] (b < a for a y axis: up is smaller)."""

    def __init__(self, lo: float, hi: float, a: float, b: float, *, log: bool = False) -> None:
        if log:
            lo, hi = math.log10(lo), math.log10(hi)
        if hi <= lo:  # a flat curve: centre it in a band one unit (or one decade) wide
            lo, hi = lo - 0.5, hi + 0.5
        self.lo, self.hi, self.a, self.b, self.log = lo, hi, a, b, log

    def __call__(self, value: np.ndarray | float) -> np.ndarray:
        v = np.log10(value) if self.log else np.asarray(value, dtype=np.float64)
        return self.a + (v - self.lo) / (self.hi - self.lo) * (self.b - self.a)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round values (1, 2 or 5 times a power of ten apart) covering [lo, hi], about ``count`` of them."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi <= lo:
        return [lo]
    raw = (hi - lo) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [round(i * step, 12) + 0.0 for i in range(first, last + 1)]  # + 0.0: no "-0"


def log_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Ticks of a log axis: 1-2-5 of each decade when the range spans decades, round values otherwise."""
    if lo <= 0 or hi <= lo:
        return [lo] if lo > 0 else []
    if hi / lo < 10:
        return [t for t in nice_ticks(lo, hi, count) if t > 0]
    ticks: list[tuple[int, float]] = []
    for exponent in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1):
        for m in (1, 2, 5):
            value = m * 10.0**exponent
            if lo <= value <= hi:
                ticks.append((m, value))
    if len(ticks) > count * 2:  # many decades: the powers of ten only
        ticks = [(m, v) for m, v in ticks if m == 1]
    return [v for _, v in ticks]


_STEPS = (  # (unit, count): the ticks of a time axis fall on KST hours, midnights, month starts or new years
    ("hour", 1), ("hour", 3), ("hour", 6), ("hour", 12), ("day", 1), ("day", 2), ("day", 7), ("day", 14),
    ("month", 1), ("month", 2), ("month", 3), ("month", 6), ("year", 1), ("year", 2), ("year", 5),
    ("year", 10), ("year", 20), ("year", 50),
)  # fmt: skip
_NOMINAL = {"hour": 3600, "day": 86400, "month": 28 * 86400, "year": 365 * 86400}
_LABEL = {"hour": "%Y-%m-%d %H:%M", "day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}
_LABEL_PX = {"hour": 110, "day": 78, "month": 56, "year": 36}  # widest label at 11 px plus a gap


def _kst(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC).astimezone(KST)


def time_ticks(lo: float, hi: float, plot_px: float) -> list[tuple[float, str]]:
    """(epoch, label) of the finest KST step whose labels do not overlap over ``plot_px`` pixels; every
    label carries the year, so a chart of 2018 never reads like one of 2024."""
    if hi <= lo:
        return [(lo, _kst(lo).strftime("%Y-%m-%d %H:%M"))]
    per_px = (hi - lo) / plot_px
    unit, count = next(((u, c) for u, c in _STEPS if _NOMINAL[u] * c / per_px >= _LABEL_PX[u]), ("year", 100))
    start = _kst(lo)
    if unit == "hour":
        moment = start.replace(minute=0, second=0, microsecond=0)
        step = timedelta(hours=count)
        moment = moment.replace(hour=moment.hour - moment.hour % count)
    elif unit == "day":
        moment = start.replace(hour=0, minute=0, second=0, microsecond=0)
        step = timedelta(days=count)
    elif unit == "month":
        moment = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        moment = moment.replace(month=moment.month - (moment.month - 1) % count)
    else:
        moment = start.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        moment = moment.replace(year=moment.year - moment.year % count)
    ticks = []
    while moment.timestamp() <= hi:
        if moment.timestamp() >= lo:
            ticks.append((moment.timestamp(), moment.strftime(_LABEL[unit])))
        if unit in ("hour", "day"):
            moment = moment + step
        elif unit == "month":
            months = moment.month - 1 + count
            moment = moment.replace(year=moment.year + months // 12, month=months % 12 + 1)
        else:
            moment = moment.replace(year=moment.year + count)
    return ticks


# ---------------------------------------------------------------------------------------------- thinning
def thin(x: np.ndarray, y: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """At most four points per pixel column (its first, lowest, highest and last, in time order), so the
    drawn path looks exactly like the full one. NaN values are dropped (a gap, not a zero)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    n = x.shape[0]
    if n <= columns * 4 or columns < 1:
        return x, y
    bucket = np.minimum(((x - x[0]) / max(x[-1] - x[0], 1e-9) * columns).astype(np.int64), columns - 1)
    edges = np.flatnonzero(np.diff(bucket)) + 1
    starts = np.concatenate(([0], edges))
    ends = np.concatenate((edges, [n])) - 1
    lows = np.minimum.reduceat(y, starts)
    highs = np.maximum.reduceat(y, starts)
    picked: list[int] = []
    for s, e, lo, hi in zip(starts.tolist(), ends.tolist(), lows.tolist(), highs.tolist(), strict=True):
        segment = y[s : e + 1]
        i_lo = s + int(np.argmax(segment == lo))
        i_hi = s + int(np.argmax(segment == hi))
        picked.extend(sorted({s, i_lo, i_hi, e}))
    idx = np.asarray(picked, dtype=np.int64)
    return x[idx], y[idx]


# ---------------------------------------------------------------------------------------------- writing
def _n(value: float) -> str:
    """Pixel coordinates with one decimal: enough for a screen, short in the file."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _attrs(extra: dict[str, str]) -> str:
    return "".join(f' data-{escape(k)}="{escape(v)}"' for k, v in extra.items())


def _open(width: int, height: int, text: ChartText) -> list[str]:
    title = escape(text.title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{title}"{_attrs(text.extra)}>',
        f"<title>{title}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="18" font-size="13" font-weight="600" fill="{TEXT}" {FONT}>{title}</text>',
    ]


def _empty(width: int, height: int, text: ChartText) -> str:
    parts = _open(width, height, text)
    parts.append(
        f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" font-size="13" fill="#888888" text-anchor="middle" '
        f'class="empty" {FONT}>{escape(text.empty)}</text></svg>'
    )
    return "".join(parts)


def _legend(lines: Sequence[tuple[str, str, bool]], width: int) -> list[str]:
    """Right-aligned legend in the title row: a short stroke and the label per curve."""
    out = []
    x = width - RIGHT
    for label, colour, dashed in reversed(lines):
        w = 7 * len(label) + 8
        x -= w
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        out.append(
            f'<line x1="{x - 22}" y1="14" x2="{x - 4}" y2="14" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        out.append(f'<text x="{x}" y="18" font-size="11" fill="{TEXT}" {FONT}>{escape(label)}</text>')
        x -= 30
    return out


def _y_axis(ticks: Sequence[float], ys: _Scale, fmt: Formatter, width: int) -> list[str]:
    out = []
    for t in ticks:
        py = float(ys(t))
        out.append(f'<line x1="{LEFT}" y1="{_n(py)}" x2="{width - RIGHT}" y2="{_n(py)}" stroke="{GRID}"/>')
        out.append(
            f'<text x="{LEFT - 6}" y="{_n(py + 4)}" font-size="11" fill="{TEXT}" text-anchor="end" {FONT}>'
            f"{escape(fmt(t))}</text>"
        )
    return out


def _fits(px: float, label: str, width: int) -> bool:
    """A centred label stays inside the picture (11 px text is about 6.2 px a character)."""
    half = len(label) * 3.1
    return px - half >= 2 and px + half <= width - 2


def _x_axis(ticks: Sequence[tuple[float, str]], xs: _Scale, width: int, height: int) -> list[str]:
    out = []
    bottom = height - BOTTOM
    for t, label in ticks:
        px = float(xs(t))
        out.append(f'<line x1="{_n(px)}" y1="{TOP}" x2="{_n(px)}" y2="{bottom}" stroke="{GRID}"/>')
        if not _fits(px, label, width):
            continue
        out.append(
            f'<text x="{_n(px)}" y="{bottom + 16}" font-size="11" fill="{TEXT}" text-anchor="middle" {FONT}>'
            f"{escape(label)}</text>"
        )
    return out


def _frame(width: int, height: int) -> str:
    return (
        f'<rect x="{LEFT}" y="{TOP}" width="{width - LEFT - RIGHT}" height="{height - TOP - BOTTOM}" '
        f'fill="none" stroke="{AXIS}" stroke-width="1"/>'
    )


def _path(px: np.ndarray, py: np.ndarray) -> str:
    points = " ".join(f"{_n(a)},{_n(b)}" for a, b in zip(px.tolist(), py.tolist(), strict=True))
    return "M" + points.replace(" ", "L", 1) if points else ""


def _y_range(
    thinned: Sequence[tuple[Line, np.ndarray, np.ndarray]], *, log_y: bool, zero_line: bool
) -> tuple[float, float, list[float]]:
    """The y range the curves need (their fill levels and, when asked, zero included), padded, and its ticks."""
    ys_all = [y for _, _, y in thinned if y.shape[0]]
    y_lo = min(float(y.min()) for y in ys_all)
    y_hi = max(float(y.max()) for y in ys_all)
    for line, _, _ in thinned:
        if line.fill_to is not None:
            y_lo, y_hi = min(y_lo, line.fill_to), max(y_hi, line.fill_to)
    if log_y:
        y_lo, y_hi = y_lo / 1.05, y_hi * 1.05
        return y_lo, y_hi, log_ticks(y_lo, y_hi)
    if zero_line:
        y_lo, y_hi = min(y_lo, 0.0), max(y_hi, 0.0)
    pad = (y_hi - y_lo) * 0.05 or abs(y_hi) * 0.05 or 1.0
    y_lo, y_hi = (y_lo - pad if y_lo != 0 else 0.0), y_hi + pad
    return y_lo, y_hi, nice_ticks(y_lo, y_hi)


def _bands(bands: Sequence[Band], xs: _Scale, x_lo: float, x_hi: float, height: int) -> list[str]:
    """Shaded spans behind the curves; their labels in staggered rows so neighbours never overprint."""
    out = []
    for row, band in enumerate(bands):
        a, b = float(xs(max(band.start, x_lo))), float(xs(min(band.end, x_hi)))
        out.append(
            f'<rect class="band" x="{_n(a)}" y="{TOP}" width="{_n(max(b - a, 1.0))}" '
            f'height="{height - TOP - BOTTOM}" fill="{band.colour}" fill-opacity="0.13"/>'
        )
        if band.label:
            out.append(
                f'<text x="{_n(a + 2)}" y="{TOP + 12 + 11 * row}" font-size="10" fill="{band.colour}" {FONT}>'
                f"{escape(band.label)}</text>"
            )
    return out


def _curve(line: Line, px: np.ndarray, py: np.ndarray, ys: _Scale) -> list[str]:
    path = _path(px, py)
    out = []
    if line.fill_to is not None:
        base = _n(float(ys(line.fill_to)))
        out.append(
            f'<path d="{path}L{_n(float(px[-1]))},{base}L{_n(float(px[0]))},{base}Z" fill="{line.colour}" '
            f'fill-opacity="0.22" stroke="none"/>'
        )
    dash = ' stroke-dasharray="5 3"' if line.dashed else ""
    out.append(
        f'<path class="series" d="{path}" fill="none" stroke="{line.colour}" stroke-width="{line.width}" '
        f'stroke-linejoin="round"{dash}><title>{escape(line.label)}</title></path>'
    )
    return out


def time_chart(
    lines: Sequence[Line],
    text: ChartText,
    y_format: Formatter,
    *,
    log_y: bool = False,
    bands: Sequence[Band] = (),
    zero_line: bool = False,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> str:
    """Curves against KST time. With ``log_y`` the values must be positive (equity is); non-positive values
    are left out of a log chart rather than drawn at minus infinity."""
    plot_w = width - LEFT - RIGHT
    thinned = []
    for line in lines:
        x, y = thin(line.x, line.y, plot_w)
        if log_y:
            x, y = x[y > 0], y[y > 0]
        thinned.append((line, x, y))
    drawn = [item for item in thinned if item[1].shape[0]]
    if not drawn:
        return _empty(width, height, text)
    x_lo = min(float(x[0]) for _, x, _ in drawn)
    x_hi = max(float(x[-1]) for _, x, _ in drawn)
    y_lo, y_hi, ticks = _y_range(drawn, log_y=log_y, zero_line=zero_line)
    xs = _Scale(x_lo, x_hi, LEFT, width - RIGHT)
    ys = _Scale(y_lo, y_hi, height - BOTTOM, TOP, log=log_y)

    parts = _open(width, height, text)
    parts += _bands(bands, xs, x_lo, x_hi, height)  # behind the grid and the curves
    parts += _y_axis(ticks, ys, y_format, width)
    parts += _x_axis(time_ticks(x_lo, x_hi, plot_w), xs, width, height)
    if zero_line and not log_y and y_lo < 0 < y_hi:
        zy = _n(float(ys(0.0)))
        parts.append(f'<line x1="{LEFT}" y1="{zy}" x2="{width - RIGHT}" y2="{zy}" stroke="{AXIS}"/>')
    for line, x, y in drawn:
        parts += _curve(line, xs(x), ys(y), ys)
    parts.append(_frame(width, height))
    if text.legend:
        parts += _legend([(line.label, line.colour, line.dashed) for line in lines], width)
    parts.append("</svg>")
    return "".join(parts)


def histogram(
    bins: Sequence[Bin],
    text: ChartText,
    x_format: Formatter,
    *,
    width: int = WIDTH,
    height: int = 240,
) -> str:
    """Bars over consecutive value bins (their counts on the y axis); the bins say their own colour."""
    if not bins or sum(b.count for b in bins) == 0:
        return _empty(width, height, text)
    x_lo, x_hi = bins[0].lo, bins[-1].hi
    top = max(b.count for b in bins)
    xs = _Scale(x_lo, x_hi, LEFT, width - RIGHT)
    ys = _Scale(0.0, top * 1.08, height - BOTTOM, TOP)
    parts = _open(width, height, text)
    ticks = [t for t in nice_ticks(0.0, top * 1.08, 4) if t == int(t)]
    parts += _y_axis(ticks, ys, lambda v: f"{v:,.0f}", width)
    base = float(ys(0.0))
    for b in bins:
        if b.count == 0:
            continue
        a, c = float(xs(b.lo)), float(xs(b.hi))
        y = float(ys(b.count))
        label = f"{x_format(b.lo)} ~ {x_format(b.hi)}: {b.count:,}"
        parts.append(
            f'<rect class="bar" x="{_n(a + 0.5)}" y="{_n(y)}" width="{_n(max(c - a - 1.0, 1.0))}" '
            f'height="{_n(base - y)}" fill="{b.colour}"><title>{escape(label)}</title></rect>'
        )
    bottom = height - BOTTOM
    for t in nice_ticks(x_lo, x_hi, 8):
        px = _n(float(xs(t)))
        parts.append(f'<line x1="{px}" y1="{bottom}" x2="{px}" y2="{bottom + 4}" stroke="{AXIS}"/>')
        if not _fits(float(xs(t)), x_format(t), width):
            continue
        parts.append(
            f'<text x="{px}" y="{bottom + 16}" font-size="11" fill="{TEXT}" text-anchor="middle" {FONT}>'
            f"{escape(x_format(t))}</text>"
        )
    if text.x_label:
        parts.append(
            f'<text x="{width - RIGHT}" y="{height - 4}" font-size="11" fill="#777777" text-anchor="end" '
            f"{FONT}>{escape(text.x_label)}</text>"
        )
    parts.append(_frame(width, height))
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class Bar:
    """One bar of a chart over categories (holding-time ranges): its label under it, its count above."""

    label: str
    count: int
    colour: str


def bar_chart(bars: Sequence[Bar], text: ChartText, *, width: int = WIDTH, height: int = 240) -> str:
    """Equal-width bars over labelled categories, each with its count written above it."""
    if not bars or sum(b.count for b in bars) == 0:
        return _empty(width, height, text)
    top = max(b.count for b in bars)
    ys = _Scale(0.0, top * 1.15, height - BOTTOM, TOP)
    parts = _open(width, height, text)
    ticks = [t for t in nice_ticks(0.0, top * 1.15, 4) if t == int(t)]
    parts += _y_axis(ticks, ys, lambda v: f"{v:,.0f}", width)
    slot = (width - LEFT - RIGHT) / len(bars)
    base = float(ys(0.0))
    bottom = height - BOTTOM
    for i, b in enumerate(bars):
        centre = LEFT + slot * (i + 0.5)
        if b.count:
            y = float(ys(b.count))
            parts.append(
                f'<rect class="bar" x="{_n(centre - slot * 0.38)}" y="{_n(y)}" width="{_n(slot * 0.76)}" '
                f'height="{_n(base - y)}" fill="{b.colour}"><title>{escape(b.label)}: {b.count:,}</title></rect>'
            )
            parts.append(
                f'<text x="{_n(centre)}" y="{_n(y - 4)}" font-size="10" fill="{TEXT}" text-anchor="middle" '
                f"{FONT}>{b.count:,}</text>"
            )
        parts.append(
            f'<text x="{_n(centre)}" y="{bottom + 16}" font-size="11" fill="{TEXT}" text-anchor="middle" {FONT}>'
            f"{escape(b.label)}</text>"
        )
    if text.x_label:
        parts.append(
            f'<text x="{width - RIGHT}" y="{height - 4}" font-size="11" fill="#777777" text-anchor="end" '
            f"{FONT}>{escape(text.x_label)}</text>"
        )
    parts.append(_frame(width, height))
    parts.append("</svg>")
    return "".join(parts)
