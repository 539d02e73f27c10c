"""The packaged catalogue: every variable of issue 2, with complete definitions."""

from __future__ import annotations

from upbit_auto_trading.domain.trigger.parameters import validate_parameters
from upbit_auto_trading.domain.trigger.series import CANDLE_VARIABLES, POSITION_VARIABLES
from upbit_auto_trading.domain.trigger.variables import ChartPlacement, ParameterType, Purpose, Source

REQUIRED = """CURRENT_PRICE OPEN_PRICE HIGH_PRICE LOW_PRICE SMA EMA WMA BOLLINGER_BAND HIGHEST_HIGH LOWEST_LOW RSI
STOCHASTIC MFI WILLIAMS_R CCI MACD ROC ATR VOLUME VOLUME_SMA OBV AVG_BUY_PRICE PROFIT_PERCENT PROFIT_AMOUNT
POSITION_SIZE CASH_BALANCE COIN_BALANCE TOTAL_BALANCE META_TRAILING_STOP META_PYRAMID_TARGET""".split()


def test_catalogue_has_every_required_variable(catalogue):
    assert [v.variable_id for v in catalogue] == REQUIRED
    assert catalogue.version >= 1


def test_catalogue_definitions_are_complete(catalogue):
    for v in catalogue:
        assert v.name_ko and v.name_en and v.help_ko and v.help_en and v.tooltip_ko and v.tooltip_en, (
            v.variable_id
        )
        assert isinstance(v.purpose, Purpose) and isinstance(v.chart, ChartPlacement)
        for p in v.parameters:
            assert p.name_ko and p.name_en and p.help_ko and p.help_en, (v.variable_id, p.name)
            if p.type is ParameterType.ENUM:
                assert p.default in p.choices
            else:
                assert p.minimum <= p.default <= p.maximum and p.placeholder_ko and p.placeholder_en
        validate_parameters(v, {})  # defaults are valid


def test_catalogue_chart_variables_take_a_timeframe_and_are_evaluable(catalogue):
    for v in catalogue:
        if v.source is Source.CANDLES:
            tf = v.parameter("timeframe")
            assert tf is not None and tf.default == "position" and "1M" in tf.choices and "1m" in tf.choices
            assert v.variable_id in CANDLE_VARIABLES
        else:
            assert v.parameter("timeframe") is None and v.variable_id in POSITION_VARIABLES


def test_catalogue_purposes_cover_all_eight(catalogue):
    grouped = catalogue.by_purpose()
    assert all(grouped[p] for p in Purpose)
