"""A NaN channel stays NaN through every transfer curve, in both core engines.

Curves are written with guards such as ``log2(max(x, brk))``; with C ``fmax`` semantics (the
reference's ``max``) a NaN would become the guard's value and pass for a real pixel value (ACEScct
encoded NaN to 0.155).  Each Curve op keeps a NaN input as NaN; the other channels of the pixel
are unaffected, and finite values are exactly what the curve gives without the NaN beside them.
"""

from __future__ import annotations

import numpy as np
import pytest

from aceskit import convert, plans, spaces
from aceskit.ops import Curve
from aceskit.targets import ENGINES, run

CURVES = sorted({op.label: op for name in spaces.names()
                 for op in (*plans.plan(name, "ACES2065-1"), *plans.plan("ACES2065-1", name))
                 if isinstance(op, Curve)}.items())


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("label, op", CURVES, ids=[label for label, _ in CURVES])
def test_every_curve_keeps_nan_in_its_channel(label, op, engine):
    finite = np.array([[0.18, 0.5, 1.0], [1e-4, 0.02, 4.0]])
    rgb = finite.copy()
    rgb[0, 0] = rgb[1, 2] = np.nan
    out = run((op,), rgb, engine=engine, dtype=np.float64)
    clean = run((op,), finite, engine=engine, dtype=np.float64)
    nan = np.isnan(rgb)
    assert np.isnan(out[nan]).all(), f"{label}: NaN became {out[nan]}"
    np.testing.assert_array_equal(out[~nan], clean[~nan])


@pytest.mark.parametrize("engine", ENGINES)
def test_acescct_encode_keeps_nan(engine):
    out = convert(np.array([[np.nan, 0.18, 0.5]]), "ACEScg", "ACEScct", engine=engine)
    assert np.isnan(out[0, 0]) and np.isfinite(out[0, 1:]).all()
    np.testing.assert_allclose(out[0, 1:], convert(np.array([[0.18, 0.18, 0.5]]), "ACEScg", "ACEScct",
                                                   engine=engine)[0, 1:], rtol=0, atol=0)
