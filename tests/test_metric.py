"""The implementation guide's Appendix A metric and its oiiotool-style report."""

from __future__ import annotations

import numpy as np
import pytest

from aceskit import metric


def test_relative_above_and_absolute_below_the_floor():
    aim = np.array([[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [0.01, 0.01, 0.01], [0.01, 0.01, 0.01], [-5.0, 0.0, 0.0]])
    act = np.array([[1.0019, 1.0, 1.0], [1.0021, 1.0, 1.0], [0.0101, 0.01, 0.01], [0.0103, 0.01, 0.01],
                    [-5.009, 0.0, 0.0]])
    # 0.0019/1, 0.0021/1, 0.0001/0.1, 0.0003/0.1, 0.009/5
    assert metric.rangecheck(aim, act) == metric.RangeCheck(0, 2, 3)


def test_report_matches_oiiotool_layout():
    r = metric.RangeCheck(0, 0, 2073600)
    assert r.report() == "       0  < 0,0,0\n       0  > 0.002,0.002,0.002\n 2073600  within range"
    assert r.ok


def test_alpha_is_ignored_and_nan_rules():
    aim = np.array([[1.0, 2.0, 3.0, 1.0], [np.nan, 0.0, 0.0, 1.0], [0.0, 0.0, 0.0, 1.0]])
    act = np.array([[1.0, 2.0, 3.0, 0.0], [np.nan, 0.0, 0.0, 0.5], [np.nan, 0.0, 0.0, 1.0]])
    assert metric.rangecheck(aim, act) == metric.RangeCheck(0, 1, 2)


def test_shape_mismatch_is_an_error():
    with pytest.raises(ValueError, match="same shape"):
        metric.rangecheck(np.zeros((2, 3)), np.zeros((3, 3)))
