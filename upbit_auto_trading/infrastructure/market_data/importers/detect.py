"""Which importer fits a file, from its header: used when no format is given (``--format auto``, the dialog's
"detect" choice).

Upbit (REST snake_case or the older API's camelCase) and CryptoDataDownload have columns no other layout uses,
so they are recognised first; anything else is read as a generic OHLCV file, whose own error then names the
missing columns.
"""

from __future__ import annotations

from upbit_auto_trading.infrastructure.market_data.importers.cdd_csv import find_header
from upbit_auto_trading.infrastructure.market_data.importers.upbit_csv import is_upbit_header

_CDD_MARKERS = ("symbol", "unix")


def detect_format(rows: list[tuple[int, list[str]]]) -> str:
    """``upbit``, ``cdd`` or ``generic`` for the rows of a file (as ``read_rows`` returns them)."""
    if is_upbit_header(rows[0][1]):
        return "upbit"
    position = find_header(rows)
    if position is not None:
        names = {cell.strip().lower() for cell in rows[position][1]}
        banner = position > 0 and "cryptodatadownload" in ",".join(rows[0][1]).lower()
        volume_of = any(name.startswith("volume ") for name in names)  # "Volume BTC", "Volume USD"
        if banner or volume_of or any(marker in names for marker in _CDD_MARKERS):
            return "cdd"
    return "generic"
