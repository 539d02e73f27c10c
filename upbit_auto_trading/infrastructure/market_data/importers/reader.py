"""Implements the CandleFileReader port: reads the file once, picks the importer for the requested (or, for
``auto``, the detected) format."""

from __future__ import annotations

import logging
from collections.abc import Callable

from upbit_auto_trading.application.market_data.dto import (
    AUTO_FORMAT,
    IMPORT_FORMATS,
    ImportSpec,
    ParsedCandles,
)
from upbit_auto_trading.application.market_data.errors import ImportFileError
from upbit_auto_trading.infrastructure.market_data.importers.cdd_csv import read_cdd_csv
from upbit_auto_trading.infrastructure.market_data.importers.common import read_rows
from upbit_auto_trading.infrastructure.market_data.importers.detect import detect_format
from upbit_auto_trading.infrastructure.market_data.importers.generic_csv import read_generic_csv
from upbit_auto_trading.infrastructure.market_data.importers.numbers import NumberParser
from upbit_auto_trading.infrastructure.market_data.importers.upbit_csv import read_upbit_csv

log = logging.getLogger(__name__)

Rows = list[tuple[int, list[str]]]
_READERS: dict[str, Callable[[ImportSpec, Rows], ParsedCandles]] = {
    "upbit": read_upbit_csv,
    "cdd": read_cdd_csv,
    "generic": read_generic_csv,
}
assert set(_READERS) == set(IMPORT_FORMATS)


class CsvCandleFileReader:
    def read(self, spec: ImportSpec) -> ParsedCandles:
        if spec.format != AUTO_FORMAT and spec.format not in _READERS:
            raise ImportFileError(
                f"Unknown import format {spec.format!r}; use one of {', '.join((AUTO_FORMAT, *_READERS))}"
            )
        NumberParser.for_spec(spec)  # bad separator options are refused before the file is read
        rows = read_rows(spec.path)
        fmt = spec.format
        if fmt == AUTO_FORMAT:
            # a column mapping only means something to the generic reader
            fmt = "generic" if spec.column_map else detect_format(rows)
            log.info("%s: detected format %s", spec.path.name, fmt)
        return _READERS[fmt](spec, rows)
