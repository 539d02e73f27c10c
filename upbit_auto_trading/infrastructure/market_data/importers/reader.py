"""Implements the CandleFileReader port: picks the importer for the requested format."""

from __future__ import annotations

from collections.abc import Callable

from upbit_auto_trading.application.market_data.dto import IMPORT_FORMATS, ImportSpec, ParsedCandles
from upbit_auto_trading.application.market_data.errors import ImportFileError
from upbit_auto_trading.infrastructure.market_data.importers.cdd_csv import read_cdd_csv
from upbit_auto_trading.infrastructure.market_data.importers.generic_csv import read_generic_csv
from upbit_auto_trading.infrastructure.market_data.importers.upbit_csv import read_upbit_csv

_READERS: dict[str, Callable[[ImportSpec], ParsedCandles]] = {
    "upbit": read_upbit_csv,
    "cdd": read_cdd_csv,
    "generic": read_generic_csv,
}
assert set(_READERS) == set(IMPORT_FORMATS)


class CsvCandleFileReader:
    def read(self, spec: ImportSpec) -> ParsedCandles:
        reader = _READERS.get(spec.format)
        if reader is None:
            raise ImportFileError(f"Unknown import format {spec.format!r}; use one of {', '.join(_READERS)}")
        return reader(spec)
