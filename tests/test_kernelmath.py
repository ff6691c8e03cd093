"""The native kernels' own float64 math (aceskit.targets.kernelmath), compiled into kernels.

Oracle: numpy's long double (80-bit extended precision on x86-64 Linux, 11 more bits than
float64) for accuracy in units in the last place; numpy's float64 functions, which follow C99,
for the special values.  And a law: the interpreted module gives the compiled kernel's bits.
"""

from __future__ import annotations

import numpy as np
import pytest

from aceskit import expr as E
from aceskit.ops import Curve, PixelExpr
from aceskit.targets import kernelmath, native

pytestmark = pytest.mark.skipif(not native.available(), reason="numba is not installed")
EXTENDED = np.finfo(np.longdouble).nmant >= 63
X = E.var("x")


def run_curve(fn: E.Expr, x: np.ndarray) -> np.ndarray:
    flat = np.resize(x, (len(x) + 2) // 3 * 3).reshape(-1, 3)
    return native.run((Curve(fn),), flat).reshape(-1)[:len(x)]


def ulps(got: np.ndarray, exact: np.ndarray) -> np.ndarray:
    """|got - exact| in units in the last place of the float64 nearest ``exact``."""
    spacing = np.spacing(np.abs(exact.astype(np.float64))).astype(np.longdouble)
    return np.abs((got.astype(np.longdouble) - exact) / spacing).astype(np.float64)


rng = np.random.default_rng(11)
N = 40000
CASES = {  # name: (expression, arguments, long double oracle)
    "exp": (E.exp(X), rng.uniform(-708, 709, N), np.exp),
    "exp near 0": (E.exp(X), rng.uniform(-1, 1, N), np.exp),
    "exp2": (E.exp2(X), rng.uniform(-1022, 1023, N), np.exp2),
    "exp10": (E.exp10(X), rng.uniform(-307, 308, N), lambda x: np.power(np.longdouble(10), x)),
    "log": (E.ln(X), np.exp(rng.uniform(-700, 700, N)), np.log),
    "log near 1": (E.ln(X), rng.uniform(0.7, 1.4, N), np.log),
    "log subnormal": (E.ln(X), rng.uniform(1e-320, 2e-308, N), np.log),
    "log2": (E.log2(X), np.exp(rng.uniform(-700, 700, N)), np.log2),
    "log10": (E.log10(X), np.exp(rng.uniform(-700, 700, N)), np.log10),
    "pow 1.2": (X ** 1.2, rng.uniform(0, 50, N), lambda x: np.power(x, np.longdouble(1.2))),
    "pow 1/1.2": (X ** (1 / 1.2), rng.uniform(1, 3, N), lambda x: np.power(x, np.longdouble(1 / 1.2))),
    "pow 2.4": (X ** 2.4, np.exp(rng.uniform(-100, 100, N)), lambda x: np.power(x, np.longdouble(2.4))),
    "pow -3.7": (X ** -3.7, np.exp(rng.uniform(-100, 100, N)), lambda x: np.power(x, np.longdouble(-3.7))),
}


@pytest.mark.skipif(not EXTENDED, reason="needs an extended-precision long double (x86-64)")
@pytest.mark.parametrize("name", list(CASES))
def test_accurate_to_within_two_thirds_of_an_ulp(name):
    fn, x, oracle = CASES[name]
    got = run_curve(fn, x)
    exact = oracle(x.astype(np.longdouble))
    normal = np.abs(exact) >= np.finfo(np.float64).tiny
    assert ulps(got[normal], exact[normal]).max() <= 0.7
    # subnormal results: the same absolute accuracy as the smallest normal numbers
    assert np.all(np.abs(got[~normal] - exact[~normal].astype(np.float64)) <= 5e-324)


EDGES = np.array([0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0, np.inf, -np.inf, np.nan, 1e-310, -1e-310,
                  1e308, -1e308, 1e-300, 1e20, -1e20, 1023.0, 1075.0, -1075.0, 1.2, -1.2])


def test_special_values_follow_c99_as_numpy_does():
    x, y = (a.ravel() for a in np.meshgrid(EDGES, EDGES, indexing="ij"))
    with np.errstate(all="ignore"):
        want = np.power(x, y)
        got = native.run((PixelExpr((E.var("r") ** E.var("g"), E.var("g"), E.var("b"))),),
                         np.stack([x, y, np.zeros_like(x)], axis=-1))[:, 0]
        nan = np.isnan(want)
        np.testing.assert_array_equal(np.isnan(got), nan)
        close = np.isclose(got[~nan], want[~nan], rtol=1e-15, atol=0.0)
        assert close.all(), list(zip(x[~nan][~close], y[~nan][~close], got[~nan][~close], want[~nan][~close]))
        np.testing.assert_array_equal(np.signbit(got[~nan]), np.signbit(want[~nan]))  # -0.0 and -inf
        for fn, ref in ((E.exp, np.exp), (E.exp2, np.exp2), (E.exp10, lambda v: np.power(10.0, v)), (E.ln, np.log),
                        (E.log2, np.log2), (E.log10, np.log10)):
            g, w = run_curve(fn(X), EDGES), ref(EDGES)
            np.testing.assert_array_equal(np.isnan(g), np.isnan(w))
            ok = ~np.isnan(w)
            assert np.allclose(g[ok], w[ok], rtol=1e-15, atol=0.0) and np.array_equal(np.signbit(g[ok]), np.signbit(w[ok]))


def test_pow_of_one_and_to_the_first_are_exact():
    x = np.exp(rng.uniform(-700, 700, 30000))
    np.testing.assert_array_equal(run_curve(X ** 1.0, x), x)
    np.testing.assert_array_equal(run_curve(E.const(1.0) ** X, x), np.ones_like(x))


def test_the_module_as_python_gives_the_kernel_bits():
    # kernelmath is plain Python: interpreted (fma by exact fractions) it gives what the kernels compute
    x = np.concatenate([np.exp(rng.uniform(-40, 40, 200)), [1e-310, 0.5, 1.0, 2.0]])
    for name, fn in (("exp", E.exp(-X / 64)), ("log", E.ln(X)), ("pow", X ** 1.2)):
        compiled = run_curve(fn, x)
        python = np.array([{"exp": lambda v: kernelmath.exp(-v / 64), "log": kernelmath.log,
                            "pow": lambda v: kernelmath.pow(v, 1.2)}[name](float(v)) for v in x])
        np.testing.assert_array_equal(compiled.view(np.uint64), python.view(np.uint64), err_msg=name)
    halves = np.array([0.0, -0.0, 1.0, 65504.0, 65519.99, 6e-8, 2.98e-8, 1e-4, np.nan, -np.inf, 0.333])
    assert [int(kernelmath.to_half(float(v))) for v in halves] == list(halves.astype(np.float16).view(np.uint16))
