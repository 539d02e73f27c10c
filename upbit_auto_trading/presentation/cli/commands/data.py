"""``data list | import | fetch | resample | gaps | delete``: the candle store from the command line.

JSON forms scripts rely on (``--json`` before or after the subcommand):
- ``data list`` -> ``[{"market", "timeframe", "first", "last", "count"}]`` (ISO-8601 UTC; ``--gaps`` adds
  ``gaps`` and ``missing``)
- ``data import FILE --market M --timeframe T`` -> ``{"read", "inserted", "updated", "duplicates", "rejected"}``
  (``--verbose`` adds ``"rejections": [{"line", "reason"}]``, one item per rejected row, in file order); a file
  whose numbers read two ways (``1,5``) or whose symbol names another market is refused with one line
- ``data fetch --market M --timeframe T --from DATE --to DATE`` -> the download report
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from upbit_auto_trading.application.market_data.download_candles import DownloadCommand
from upbit_auto_trading.application.market_data.dto import (
    AUTO_FORMAT,
    IMPORT_FORMATS,
    ImportSpec,
    iso_utc,
)
from upbit_auto_trading.application.market_data.errors import StartDateNeededError
from upbit_auto_trading.domain.market.timeframe import Timeframe
from upbit_auto_trading.domain.work import Progress
from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.errors import CliError

MAP_FIELDS = ("time", "open", "high", "low", "close", "volume", "quote_volume")
DECIMAL_CHOICES = (".", ",")
# spelled out where a shell would make the character awkward: ``--thousands space``, ``--thousands none``
THOUSANDS_CHOICES = {"none": "", ",": ",", ".": ".", "space": " ", "'": "'"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    data = subparsers.add_parser("data", help="stored candles: list, import, fetch, resample, gaps, delete")
    sub = data.add_subparsers(dest="data_command", metavar="SUBCOMMAND", required=True)

    p = sub.add_parser("list", help="every stored series with first/last candle and count")
    p.add_argument("--gaps", action="store_true", help="also count gaps (missing candles) per series")
    _common(p).set_defaults(func=_list)

    p = sub.add_parser("import", help="import a CSV file of candles")
    p.add_argument("file", type=Path)
    _series(p)
    p.add_argument(
        "--format",
        choices=(AUTO_FORMAT, *IMPORT_FORMATS),
        default=AUTO_FORMAT,
        help="file layout (default: auto, detected from the header; with --map: generic)",
    )
    p.add_argument("--tz", help="zone of times without an offset: UTC, KST, +09:00, Asia/Seoul ...")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="COLUMN=FIELD",
        help=f"generic format: which column holds a field ({', '.join(MAP_FIELDS)}); repeatable",
    )
    p.add_argument(
        "--decimal",
        choices=DECIMAL_CHOICES,
        metavar="{.|,}",
        help="decimal separator of the file's numbers: '.' or ','. Without --decimal/--thousands only 1234.5 is "
        "read, and a number that reads two ways (1,5 or 1,234.5) refuses the file",
    )
    p.add_argument(
        "--thousands",
        choices=tuple(THOUSANDS_CHOICES),
        metavar="{none|,|.|space|'}",
        help="thousands separator of the file's numbers (default: none; space also covers no-break spaces)",
    )
    p.add_argument(
        "--verbose",
        "-v",
        action="store_true",
        help='list every rejected row (stderr); with --json also as "rejections": [{"line", "reason"}]',
    )
    _common(p).set_defaults(func=_import)

    p = sub.add_parser("fetch", help="download candles from Upbit (resumable; Ctrl-C keeps what was fetched)")
    _series(p)
    p.add_argument(
        "--from", dest="start", help="first candle start (UTC if no offset); default: newest stored"
    )
    p.add_argument("--to", dest="end", help="last candle start (UTC if no offset); default: now")
    p.add_argument("--api-url", help="Upbit API base URL (default: config upbit.api_url)")
    _common(p).set_defaults(func=_fetch)

    p = sub.add_parser("resample", help="build a coarser series from a stored finer one (e.g. 1h -> 1d)")
    p.add_argument("--market", required=True)
    p.add_argument(
        "--source", "--from-timeframe", dest="source", required=True, help="stored timeframe, e.g. 1h"
    )
    p.add_argument("--target", "--to-timeframe", dest="target", required=True, help="new timeframe, e.g. 1d")
    _common(p).set_defaults(func=_resample)

    p = sub.add_parser("gaps", help="missing candles of a series (nothing traded, or a pause)")
    _series(p)
    _common(p).set_defaults(func=_gaps)

    p = sub.add_parser("delete", help="delete a stored series (asks for confirmation)")
    _series(p)
    _common(p)
    p.add_argument(
        "--yes", "-y", action="store_true", dest="yes", default=argparse.SUPPRESS, help="do not ask"
    )
    p.set_defaults(func=_delete)


def _series(p: argparse.ArgumentParser) -> None:
    p.add_argument("--market", required=True, help="e.g. KRW-BTC")
    p.add_argument("--timeframe", required=True, help=f"one of {' '.join(Timeframe.codes())}")


def _common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument(
        "--json", action="store_true", dest="json", default=argparse.SUPPRESS, help="one JSON document"
    )
    return p


def _list(ctx: CliContext, args: argparse.Namespace) -> int:
    rows = ctx.services.market_data.list_series().execute(with_gaps=args.gaps)
    lines = [
        f"{'market':<12} {'tf':<4} {'first (UTC)':<21} {'last (UTC)':<21} {'count':>9}"
        + ("   gaps missing" if args.gaps else "")
    ]
    for r in rows:
        line = f"{r.market:<12} {r.timeframe:<4} {iso_utc(r.first):<21} {iso_utc(r.last):<21} {r.count:>9,}"
        if args.gaps:
            line += f" {r.gaps:>6} {r.missing:>7}"
        lines.append(line)
    if not rows:
        lines.append("(no candles stored)")
    ctx.emit([r.as_dict() for r in rows], "\n".join(lines))
    return 0


def _import(ctx: CliContext, args: argparse.Namespace) -> int:
    spec = ImportSpec(
        path=args.file,
        market=args.market,
        timeframe=args.timeframe,
        format=args.format,
        tz=args.tz,
        column_map=parse_map(args.map),
        decimal=args.decimal,
        thousands=None if args.thousands is None else THOUSANDS_CHOICES[args.thousands],
    )
    report = ctx.services.market_data.import_candles().execute(spec)
    for reason, count in sorted(report.rejection_reasons().items()):
        ctx.info(f"rejected {count} row(s): {reason}")
    shown = report.rejected if args.verbose else report.rejected[:10]
    for rejected in shown:
        ctx.info(f"  line {rejected.line}: {rejected.reason}: {rejected.text}")
    if len(shown) < report.rejected_count:
        ctx.info(f"  ... {report.rejected_count - len(shown)} more (--verbose lists them all)")
    text = (
        f"{report.market} {report.timeframe}: read {report.read}, inserted {report.inserted}, updated "
        f"{report.updated}, duplicates {report.duplicates}, rejected {report.rejected_count}"
    )
    data: dict[str, object] = dict(report.as_dict())
    if args.verbose:  # opt-in, so the five documented keys stay the whole document by default
        data["rejections"] = [
            {"line": r.line, "reason": r.reason} for r in sorted(report.rejected, key=lambda r: r.line)
        ]
    ctx.emit(data, text)
    return 0


def parse_map(items: list[str]) -> dict[str, str]:
    """``COLUMN=FIELD`` (or ``FIELD=COLUMN``) pairs -> {field: column}."""
    mapping: dict[str, str] = {}
    for item in items:
        left, sep, right = item.partition("=")
        if not sep or not left.strip() or not right.strip():
            raise CliError(f"--map expects COLUMN=FIELD, got {item!r}")
        left, right = left.strip(), right.strip()
        if right.lower() in MAP_FIELDS:
            mapping[right.lower()] = left
        elif left.lower() in MAP_FIELDS:
            mapping[left.lower()] = right
        else:
            raise CliError(f"--map {item!r}: the field must be one of {', '.join(MAP_FIELDS)}")
    return mapping


def parse_when(text: str | None) -> datetime | None:
    """``2024-01-01``, ``2024-01-01T09:00``, ``2024-01-01T00:00:00Z``, ``...+09:00``; no offset means UTC."""
    if text is None:
        return None
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError as exc:
        raise CliError(
            f"cannot read the date {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+09:00]"
        ) from exc
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _fetch(ctx: CliContext, args: argparse.Namespace) -> int:
    md = ctx.services.market_data
    start, end = parse_when(args.start), parse_when(args.end)
    if start is not None and end is not None and start > end:
        raise CliError(f"--from {args.start} is after --to {args.end}: the start must not be after the end", exit_code=2)
    command = DownloadCommand(args.market, args.timeframe, start, end)

    def progress(p: Progress) -> None:
        if p.message != "done":
            ctx.info(f"{p.message} ({p.fraction:.0%})")

    with md.candle_fetcher(args.api_url) as fetcher:
        try:
            report = md.download_candles(fetcher).execute(command, progress=progress)
        except StartDateNeededError as exc:  # the use case names no flag: this front end's is --from
            raise CliError(f"{exc} (--from DATE)") from exc
    text = (
        f"{report.market} {report.timeframe} {iso_utc(report.start)} .. {iso_utc(report.end)}: {report.status}, "
        f"{report.fetched} fetched in {report.pages} page(s), {report.inserted} new, {report.updated} updated"
        + (" (resumed)" if report.resumed else "")
    )
    ctx.emit(report.as_dict(), text)
    return 0


def _resample(ctx: CliContext, args: argparse.Namespace) -> int:
    report = ctx.services.market_data.resample_series().execute(args.market, args.source, args.target)
    text = (
        f"{report.market}: {report.read} {report.source} candles -> {report.written} {report.target} candles "
        f"({report.inserted} new, {report.updated} updated, {report.unchanged} unchanged)"
    )
    ctx.emit(report.as_dict(), text)
    return 0


def _gaps(ctx: CliContext, args: argparse.Namespace) -> int:
    gaps = ctx.services.market_data.find_gaps().execute(args.market, args.timeframe)
    items = [
        {
            "first_missing": iso_utc(g.first_missing_utc),
            "last_missing": iso_utc(g.last_missing_utc),
            "missing": g.missing,
        }
        for g in gaps
    ]
    data = {
        "market": args.market.upper(),
        "timeframe": Timeframe.from_code(args.timeframe).code,
        "gaps": len(gaps),
        "missing": sum(g.missing for g in gaps),
        "items": items,
    }
    lines = [
        f"{data['market']} {data['timeframe']}: {data['gaps']} gap(s), {data['missing']} missing candle(s)"
    ]
    lines += [f"  {i['first_missing']} .. {i['last_missing']}  ({i['missing']} missing)" for i in items]
    ctx.emit(data, "\n".join(lines))
    return 0


def _delete(ctx: CliContext, args: argparse.Namespace) -> int:
    code = Timeframe.from_code(args.timeframe).code
    question = f"Delete every {code} candle of {args.market.upper()}?"
    if not (getattr(args, "yes", False) or ctx.confirm(question)):
        raise CliError("not deleted: confirm with --yes")
    deleted = ctx.services.market_data.delete_series().execute(args.market, code)
    ctx.emit(
        {"market": args.market.upper(), "timeframe": code, "deleted": deleted}, f"deleted {deleted} candles"
    )
    return 0
