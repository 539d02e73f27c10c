"""Reading the numbers of a CSV cell: exact decimals, no silent guessing about separators, no out-of-range values.

Without named separators only ``1234.5`` / ``1.08608E+11`` style is read. A cell such as ``1,5`` reads as 1.5
(decimal comma) or 15 (thousands separator); stripping the comma, as the importers once did, stored European
files 10-100x wrong without a word. So such a cell refuses the whole file (``AmbiguousNumber``) until the user
names the separators; the refusal carries the file's most likely reading for the GUI to offer.

Values a float cannot hold (``1e400`` -> inf, ``1e-400`` -> 0) are unparsable: the charts, indicators and
backtests read candles as float64, where they would turn into infinity or zero.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from upbit_auto_trading.application.market_data.dto import ImportSpec
from upbit_auto_trading.application.market_data.errors import AmbiguousNumbersError, ImportFileError

DECIMALS = (".", ",")
THOUSANDS = ("", ",", ".", " ", "'")
# the command line's names of the separators ('' and ' ' are awkward to type and to read in a message)
_TOKENS = {"": "none", " ": "space"}

_MAX = Decimal(sys.float_info.max)
_MIN = Decimal(sys.float_info.min)  # smallest normal float: below it a float loses digits, then becomes 0
_SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space (French grouping)
_GROUPED = re.compile(r"^[+-]?[\d.,'\u00a0\u202f ]*\d[\d.,'\u00a0\u202f ]*$")
_SAMPLE_ROWS = 5000  # enough rows to guess a file's separators; a guess is only a suggestion


class AmbiguousNumber(Exception):  # noqa: N818 - not a ValueError on purpose: it must stop the file, not the row
    """A cell that reads two ways; the importer turns it into AmbiguousNumbersError for the whole file."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def token(separator: str) -> str:
    """How the command line names a separator: ``.``, ``,``, ``'``, ``space``, ``none``."""
    return _TOKENS.get(separator, separator)


class NumberParser:
    """Parses one cell into an exact Decimal; ValueError for a bad cell (the row is rejected), AmbiguousNumber
    for a cell that reads two ways while no separators are named."""

    def __init__(self, decimal: str | None = None, thousands: str | None = None) -> None:
        self.named = decimal is not None or thousands is not None
        self.decimal = "." if decimal is None else decimal
        self.thousands = "" if thousands is None else thousands
        if self.decimal not in DECIMALS:
            raise ImportFileError(f"Decimal separator {self.decimal!r} is not supported: use . or ,")
        if self.thousands not in THOUSANDS:
            raise ImportFileError(
                f"Thousands separator {self.thousands!r} is not supported: use none, ',', '.', space or \"'\""
            )
        if self.decimal == self.thousands:
            raise ImportFileError(
                f"The decimal and thousands separators are both {self.decimal!r}: they must differ"
            )
        self._pattern = _named_pattern(self.decimal, self.thousands) if self.named else None

    @classmethod
    def for_spec(cls, spec: ImportSpec) -> NumberParser:
        return cls(spec.decimal, spec.thousands)

    def __call__(self, text: str) -> Decimal:
        return self._named(text) if self._pattern is not None else self._strict(text)

    @property
    def parse(self) -> Callable[[str], Decimal]:
        """The parsing function itself (one call less per cell: files have hundreds of thousands of cells)."""
        return self._named if self._pattern is not None else self._strict

    def _strict(self, text: str) -> Decimal:
        try:
            value = Decimal(text)
        except InvalidOperation:
            cleaned = text.strip() if text else ""
            if not cleaned:
                raise ValueError("empty value") from None
            if _looks_grouped(cleaned):
                raise AmbiguousNumber(cleaned) from None
            raise ValueError(f"not a number: {text!r}") from None
        if "_" in text:  # Decimal() accepts 1_000; a CSV writer never means it
            raise ValueError(f"not a number: {text!r}")
        return _checked(value, text)

    def _named(self, text: str) -> Decimal:
        cleaned = text.strip() if text else ""
        assert self._pattern is not None
        match = self._pattern.match(cleaned)
        if match is None:
            raise ValueError(f"not a number in this file's format: {text!r}")
        sign, integer, fraction, exponent = match.groups()
        digits = re.sub(r"\D", "", integer or "")
        if not digits and not fraction:
            raise ValueError(f"not a number: {text!r}")
        return _checked(Decimal(f"{sign}{digits or '0'}.{fraction or ''}{exponent or ''}"), text)


def _checked(value: Decimal, text: str) -> Decimal:
    if not value.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    # adjusted() is the decimal exponent: a cheap test that settles every everyday value
    if value and not -307 <= value.adjusted() <= 307 and not _MIN <= abs(value) <= _MAX:
        raise ValueError(f"out of range for a float: {text!r}")
    return value


def _named_pattern(decimal: str, thousands: str) -> re.Pattern[str]:
    if thousands:
        sep = f"[{_SPACES}]" if thousands == " " else re.escape(thousands)
        integer = rf"(?:\d{{1,3}}(?:{sep}\d{{3}})+|\d+)"
    else:
        integer = r"\d+"
    return re.compile(rf"^([+-]?)({integer})?(?:{re.escape(decimal)}(\d*))?([eE][+-]?\d+)?$")


def _looks_grouped(text: str) -> bool:
    """Digits with a comma, a second point, an inner space or an apostrophe: separators we would have to guess."""
    if not _GROUPED.match(text):
        return False
    return "," in text or text.count(".") > 1 or "'" in text or any(s in text for s in _SPACES)


def guess_separators(cells: Iterable[str]) -> tuple[str, str]:
    """(decimal, thousands) that most cells agree on. Only a default for the question the user answers."""
    decimal: Counter[str] = Counter()
    thousands: Counter[str] = Counter()
    for count, cell in enumerate(cells):
        if count >= _SAMPLE_ROWS * 6:
            break
        text = cell.strip()
        if not text or not _GROUPED.match(text):
            continue
        for space in _SPACES[1:]:
            text = text.replace(space, " ")
        marks = [ch for ch in text if ch in ".,' "]
        if marks:
            _vote(text, marks, decimal, thousands)
    chosen = "," if decimal[","] > decimal["."] else "."
    candidates = [(n, sep) for sep, n in thousands.items() if sep != chosen]
    grouping = max(candidates)[1] if candidates else ""
    return chosen, grouping


def _vote(text: str, marks: list[str], decimal: Counter[str], thousands: Counter[str]) -> None:
    """Count what the marks of one cell (its ``.,' `` characters, in order) say about the separators."""
    if "," in marks and "." in marks:
        last = marks[-1]  # 1.234,5 or 1,234.5: the last mark is the decimal one
        decimal[last] += 1
        thousands["." if last == "," else ","] += 1
    elif marks.count(",") == 1 and "." not in marks:
        tail = text.rsplit(",", 1)[1]
        if len(tail) == 3 and tail.isdigit():
            thousands[","] += 1  # 1,234 reads both ways: a weak hint only
        else:
            decimal[","] += 1
    elif marks.count(",") > 1:
        thousands[","] += 1
    elif marks.count(".") > 1:
        thousands["."] += 1
        decimal[","] += 1
    for mark in ("'", " "):
        if mark in marks:
            thousands[mark] += 1


def ambiguous_numbers_error(file: str, line: int, sample: str, cells: Iterable[str]) -> AmbiguousNumbersError:
    decimal, thousands = guess_separators(cells)
    return AmbiguousNumbersError(
        f"{file} line {line}: the number {sample!r} reads more than one way (decimal comma or thousands"
        f" separator?); nothing was imported. Name the separators with --decimal and --thousands: this file"
        f" looks like --decimal {token(decimal)} --thousands {token(thousands)}",
        line=line,
        sample=sample,
        decimal=decimal,
        thousands=thousands,
    )
