"""Integer codes shared by the kernel and the result objects (stable: they are stored)."""

from __future__ import annotations

from enum import IntEnum


class FillReason(IntEnum):
    """Why a fill happened. Buys: ENTRY_SIGNAL, PYRAMID, SCALE_IN; everything else sells."""

    ENTRY_SIGNAL = 1
    PYRAMID = 2
    SCALE_IN = 3
    STOP_LOSS = 4
    TAKE_PROFIT = 5
    TRAILING_STOP = 6
    PARTIAL_TAKE_PROFIT = 7
    EXIT_SIGNAL = 8
    TIME_EXIT = 9

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def is_buy(self) -> bool:
        return self.value <= 3


# Parameter vector layout (float64) handed to the kernel.
P_SL = 0  # stop-loss fraction, NaN = off
P_TP = 1  # take-profit fraction, NaN = off
P_TRAIL_ACT = 2  # trailing activation fraction, NaN = off
P_TRAIL = 3  # trailing distance fraction
P_PYR_DROP = 4
P_PYR_MAX = 5  # 0 = off
P_PYR_SIZE = 6  # fraction of the first buy's order total
P_SCALE_RISE = 7
P_SCALE_MAX = 8  # 0 = off
P_SCALE_SIZE = 9
P_PART_PROFIT = 10  # NaN = off
P_PART_SELL = 11
P_TIME_N = 12  # 0 = off
P_SIZE_MODE = 13  # 0 fixed amount, 1 share of cash
P_SIZE_VALUE = 14  # amount, or fraction of cash
P_COOLDOWN = 15
P_POLICY = 16  # 0 conservative, 1 priority
P_FEE = 17
P_SLIP = 18
P_TICK = 19  # 1 = round to the KRW tick table
P_MIN_ORDER = 20  # 0 = off
P_QTY_STEP = 21  # 0 = off
P_RANK_EXIT = 22  # priority ranks of the close-decided actions (lower wins)
P_RANK_TIME = 23
P_RANK_PYR = 24
P_RANK_SCALE = 25
P_EXIT_ENABLED = 26  # 1 when exit signals are used
P_INTRABAR = 27  # 0 stop first, 1 take-profit first (a stop and a profit level both inside one candle)
N_PARAMS = 28

# Kernel state vector (float64), carried from chunk to chunk.
S_CASH = 0
S_QTY = 1
S_AVG = 2
S_LAST_BUY = 3
S_HIGHEST = 4
S_TRAIL_ON = 5
S_NPYR = 6
S_NSCALE = 7
S_PART_DONE = 8
S_ENTRY_BAR = 9
S_LAST_EXIT = 10
S_PENDING = 11
S_ENTRY_COST = 12
S_TRADE = 13
S_REFUSED = 14
S_AMBIGUOUS = 15  # candles in which a stop level and a profit level were both inside the high-low range
N_STATE = 16
