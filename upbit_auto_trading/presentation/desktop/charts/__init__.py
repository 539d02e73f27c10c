"""What every price-over-time chart shares, so the market-data, backtest and trigger-builder charts behave alike.

- ``number_axis``: full numbers with thousands separators (40,000,000 KRW, never 4e+07).
- ``time_axis``: dates in KST that keep the year at every zoom.
- ``fit``: wheel and drag move the time axis only; the value axis fits what is visible after each move.
- ``crosshair``: the dashed crosshair and its read-out, cleared when the data is replaced.
"""
