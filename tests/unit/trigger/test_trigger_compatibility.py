"""The compatibility matrix, cell by cell, for both usages; and the catalogue agrees with it."""

from __future__ import annotations

import itertools

import pytest

from upbit_auto_trading.domain.trigger.compatibility import (
    GROUPS,
    Usage,
    check_compatibility,
    check_usage,
    groups_compatible,
)

# The expected matrix written out independently of the implementation: group -> groups it pairs with.
EXPECTED_SIGNAL = {g: {g} for g in GROUPS if g != "meta"} | {"meta": set()}
EXPECTED_MANAGEMENT = {g: {g} for g in GROUPS} | {"price": {"price", "meta"}, "meta": {"meta", "price"}}


@pytest.mark.parametrize(("a", "b"), list(itertools.product(GROUPS, GROUPS)))
def test_compatibility_cell(a: str, b: str) -> None:
    assert groups_compatible(a, b, Usage.SIGNAL) is (b in EXPECTED_SIGNAL[a])
    assert groups_compatible(a, b, Usage.MANAGEMENT) is (b in EXPECTED_MANAGEMENT[a])


def test_compatibility_matrix_is_symmetric() -> None:
    for usage in Usage:
        for a, b in itertools.product(GROUPS, GROUPS):
            assert groups_compatible(a, b, usage) == groups_compatible(b, a, usage)


def test_compatibility_unknown_group_is_an_error() -> None:
    with pytest.raises(ValueError):
        groups_compatible("price", "nonsense")


def test_compatibility_every_catalogue_group_is_in_the_matrix(catalogue) -> None:
    assert {v.group for v in catalogue} == set(GROUPS)
    assert {g.group_id for g in catalogue.groups} == set(GROUPS)


@pytest.mark.parametrize(
    ("left", "right", "ok"),
    [
        ("SMA", "EMA", True),
        ("CURRENT_PRICE", "BOLLINGER_BAND", True),
        ("AVG_BUY_PRICE", "CURRENT_PRICE", True),
        ("RSI", "STOCHASTIC", True),
        ("RSI", "MFI", True),
        ("RSI", "WILLIAMS_R", False),
        ("RSI", "SMA", False),
        ("VOLUME", "VOLUME_SMA", True),
        ("VOLUME", "OBV", False),
        ("MACD", "MACD", True),
        ("MACD", "RSI", False),
        ("ATR", "SMA", False),
        ("CASH_BALANCE", "TOTAL_BALANCE", True),
        ("PROFIT_AMOUNT", "CASH_BALANCE", True),
        ("COIN_BALANCE", "CASH_BALANCE", False),
        ("PROFIT_PERCENT", "ROC", False),
        ("META_TRAILING_STOP", "CURRENT_PRICE", False),
    ],
)
def test_compatibility_named_pairs_in_signal_rules(catalogue, left, right, ok) -> None:
    verdict = check_compatibility(catalogue.get(left), catalogue.get(right))
    assert verdict.compatible is ok
    if not ok:
        assert left in verdict.reason_en and verdict.reason_ko


def test_compatibility_meta_only_in_management(catalogue) -> None:
    stop, price = catalogue.get("META_TRAILING_STOP"), catalogue.get("CURRENT_PRICE")
    assert not check_usage(stop, Usage.SIGNAL).compatible
    assert check_usage(stop, Usage.MANAGEMENT).compatible
    assert check_compatibility(price, stop, Usage.MANAGEMENT).compatible
    assert not check_compatibility(catalogue.get("RSI"), stop, Usage.MANAGEMENT).compatible
