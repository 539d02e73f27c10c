"""The time helpers of the two front ends (issue 13 item 10): the desktop writes KST and says so, the CLI
writes UTC (``...Z`` in JSON, "... UTC" in text), whatever zone a datetime arrives in."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta, timezone

from upbit_auto_trading.presentation.cli.context import CliContext
from upbit_auto_trading.presentation.cli.times import iso_z, utc_text
from upbit_auto_trading.presentation.desktop.kst import KST, kst_minutes, to_kst

NEW_YEAR_UTC = datetime(2024, 1, 1, 0, 0, 5, tzinfo=UTC)
SAME_IN_KST = NEW_YEAR_UTC.astimezone(KST)
SAME_IN_NEW_YORK = NEW_YEAR_UTC.astimezone(timezone(timedelta(hours=-5)))


def test_iso_z_is_utc_with_z_from_any_zone_and_from_naive_utc():
    for moment in (NEW_YEAR_UTC, SAME_IN_KST, SAME_IN_NEW_YORK, NEW_YEAR_UTC.replace(tzinfo=None)):
        assert iso_z(moment) == "2024-01-01T00:00:05Z"


def test_utc_text_says_utc():
    assert utc_text(SAME_IN_KST) == "2024-01-01 00:00:05 UTC"
    assert utc_text(NEW_YEAR_UTC.replace(tzinfo=None)) == "2024-01-01 00:00:05 UTC"


def test_json_writer_writes_datetimes_as_utc_z_and_dates_as_dates():
    out = io.StringIO()
    CliContext(services=None, json=True, stdout=out).emit(  # type: ignore[arg-type]
        {"kst": SAME_IN_KST, "new_york": SAME_IN_NEW_YORK, "day": date(2024, 1, 1)}
    )
    assert json.loads(out.getvalue()) == {
        "kst": "2024-01-01T00:00:05Z", "new_york": "2024-01-01T00:00:05Z", "day": "2024-01-01",
    }  # fmt: skip


def test_desktop_writes_kst_and_says_so():
    assert kst_minutes(NEW_YEAR_UTC) == "2024-01-01 09:00 KST"
    assert kst_minutes(SAME_IN_NEW_YORK) == "2024-01-01 09:00 KST"
    assert kst_minutes(NEW_YEAR_UTC.replace(tzinfo=None)) == "2024-01-01 09:00 KST"  # naive: UTC
    assert kst_minutes(None) == ""
    assert to_kst(NEW_YEAR_UTC).utcoffset() == timedelta(hours=9)
