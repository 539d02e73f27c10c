"""The numba kernels equal their plain-Python source bit for bit (the fallback without numba), handle NaN like
a direct window computation, and are not imported until an indicator is computed."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from upbit_auto_trading.domain.indicators import _compiled as ck
from upbit_auto_trading.domain.trigger import _compare_kernels as cmp

pytestmark = pytest.mark.skipif(not ck.NUMBA_AVAILABLE, reason="numba not installed")


def _series(size: int = 400, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = 5e7 + np.cumsum(rng.normal(0, 5e4, size))
    x[100:110] = x[99]  # flat stretch
    return x


def _both(kernel, *args, out_dtype=np.float64):
    size = args[0].shape[0]
    compiled = kernel(*args, np.empty(size, dtype=out_dtype))
    python = kernel.py_func(*args, np.empty(size, dtype=out_dtype))
    return compiled, python


@pytest.mark.parametrize("n", [1, 2, 7, 20, 60])
def test_indicators_rolling_sum_compiled_equals_python(n):
    compiled, python = _both(ck.rolling_sum, _series(), n, float(n))
    np.testing.assert_array_equal(compiled, python)


def test_indicators_recurrences_compiled_equal_python():
    x = _series()
    for kernel, args in (
        (ck.exp_smoothing, (x, 2.0 / 21.0, 19, float(x[:20].mean()))),
        (ck.wilder_smoothing, (np.abs(np.diff(x, prepend=x[0])), 14, 14, 1234.5)),
        (ck.wilder_rsi, (x, 14)),
        (ck.wilder_rsi, (x, 2)),
    ):
        compiled, python = _both(kernel, *args)
        np.testing.assert_array_equal(compiled, python)


def test_indicators_rolling_sum_drops_nan_and_inf_when_they_leave_the_window():
    x = _series(200)
    x[50] = np.nan
    x[120] = np.inf
    n = 7
    out = ck.rolling_sum(x, n, 1.0, np.empty(x.shape[0]))
    direct = np.array([np.sum(x[t - n + 1 : t + 1]) for t in range(n - 1, x.shape[0])])
    np.testing.assert_array_equal(np.isnan(out[n - 1 :]), np.isnan(direct))
    np.testing.assert_array_equal(np.isinf(out[n - 1 :]), np.isinf(direct))
    finite = np.isfinite(direct)
    np.testing.assert_allclose(out[n - 1 :][finite], direct[finite], rtol=1e-14)
    assert np.isnan(out[: n - 1]).all()
    assert np.isfinite(out[50 + n : 120]).all()  # the NaN is gone after n candles


@pytest.mark.parametrize("direction", [1, -1])
@pytest.mark.parametrize("scalar", [False, True])
def test_trigger_compare_kernels_compiled_equal_python_and_codes(direction, scalar):
    rng = np.random.default_rng(5)
    a = np.round(rng.normal(100, 3, 500))
    b = np.round(rng.normal(100, 3, 500))
    a[[3, 40, 41]] = np.nan
    b[[7, 80]] = np.nan
    lo, hi = 100.0 * (1 - 1e-9), 100.0 / (1 - 1e-9)
    args = (a, b, scalar, lo, hi, 1e-9)
    codes, codes_py = _both(cmp.side_codes, *args, out_dtype=np.int8)
    np.testing.assert_array_equal(codes, codes_py)
    fired, fired_py = _both(cmp.crosses, *args, direction, out_dtype=np.bool_)
    np.testing.assert_array_equal(fired, fired_py)
    # the cross kernel agrees with the cross rule written over the codes
    expected = np.zeros(a.shape[0], dtype=bool)
    expected[1:] = (codes[:-1] != direction) & (codes[:-1] != 2) & (codes[1:] == direction)
    np.testing.assert_array_equal(fired, expected)


def test_indicators_numba_is_imported_only_when_computing():
    code = (
        "import sys\n"
        "import upbit_auto_trading.domain.indicators, upbit_auto_trading.domain.trigger.evaluation\n"
        "assert 'numba' not in sys.modules, 'numba imported at import time'\n"
        "import numpy as np\n"
        "upbit_auto_trading.domain.indicators.sma(np.arange(50.0), 5)\n"
        "assert 'numba' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
