"""Expression graphs: construction, folding, substitution, evaluation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aceskit import expr as E


def test_constants_fold_in_float64():
    x = E.const(2.0) ** 0.5 * 3.0 + 1.0
    assert x.is_const and x.value == 2.0 ** 0.5 * 3.0 + 1.0


def test_identities_keep_graphs_small():
    x = E.var("x")
    assert (x * 1.0) is x and (x + 0.0) is x and (x / 1.0) is x and (x ** 1.0) is x
    assert E.select(E.const(1.0) > 0.0, x, E.const(3.0)) is x


def test_shared_subexpressions_are_one_node():
    x = E.var("x")
    a = E.log2(x)
    y = a * a + a
    nodes = E.toposort([y])
    assert sum(1 for n in nodes if n.op == "log2") == 1
    assert nodes.index(a) < nodes.index(y)


def test_substitute_binds_parameters_and_folds():
    x, p = E.var("x"), E.var("p")
    f = x ** p + p * 2.0
    (g,) = E.substitute([f], {"p": 3.0})
    assert E.variables([g]) == {"x"}
    assert E.count_ops([g]) == 2  # pow and add; 3*2 folded
    np.testing.assert_allclose(E.evaluate([g], {"x": np.array([2.0])})[0], 14.0)


def test_evaluate_follows_c_semantics():
    x = E.var("x")
    out = E.evaluate([E.select(x < 0.0, -x, x), E.maximum(x, 1.0), E.floor(x)],
                     {"x": np.array([-2.5, np.nan, 3.5])})
    np.testing.assert_array_equal(out[0][[0, 2]], [2.5, 3.5])
    assert np.isnan(out[0][1])            # NaN < 0 is false: the else-branch, x itself
    np.testing.assert_array_equal(out[1], [1.0, 1.0, 3.5])  # max ignores NaN like fmaxf
    np.testing.assert_array_equal(out[2][[0, 2]], [-3.0, 3.0])


def test_mirror_is_odd():
    x = E.var("x")
    f = E.mirror(lambda v: v ** 0.5, x)
    np.testing.assert_allclose(E.evaluate([f], {"x": np.array([-4.0, 9.0])})[0], [-2.0, 3.0])


def test_errors_are_clear():
    with pytest.raises(ValueError, match="unknown expression op"):
        E.Expr("cube")
    with pytest.raises(ValueError, match="takes 2 operands"):
        E.Expr("add", (E.const(1.0),))
    with pytest.raises(KeyError, match="variable 'y' has no value"):
        E.evaluate([E.var("y") + 1.0], {})
    with pytest.raises(TypeError, match="cannot use str"):
        E.var("x") + "1"


def test_text_rendering():
    x = E.var("x")
    assert E.to_text(E.select(x > 0.5, E.log10(x), -x)) == "((x > 0.5) ? log10(x) : (-x))"
    assert E.to_text(E.const(math.inf)) == "inf"
