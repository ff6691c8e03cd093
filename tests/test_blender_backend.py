"""The Blender backend without Blender: networks run on an emulator of Blender's Math node.

The emulator follows the Math node's semantics as measured in Blender 4.5.15 and 5.0.1 (float32; DIVIDE by 0
gives 0; POWER of a negative base with a fractional exponent gives 0; LOGARITHM/SQRT of invalid
input give 0; MINIMUM/MAXIMUM return their first operand when either is NaN).  tests/blender
checks the emulator against real renders; here it lets the core's laws be checked quickly.
"""

from __future__ import annotations

import numpy as np
import pytest

from aceskit import expr as E
from aceskit import rgc, testimage
from aceskit.ops import Curve, PixelExpr
from aceskit.targets import blender as backend

F = np.float32


def _math(op: str, a, b):
    with np.errstate(all="ignore"):
        if op == "ADD":
            return a + b
        if op == "SUBTRACT":
            return a - b
        if op == "MULTIPLY":
            return a * b
        if op == "DIVIDE":
            return np.where(b != 0, a / np.where(b != 0, b, F(1)), F(0))
        if op == "POWER":
            frac = (a < 0) & (b != np.trunc(b))
            return np.where(frac, F(0), np.power(a, b))
        if op == "LOGARITHM":
            bad = (a <= 0) | (b <= 0)
            return np.where(bad, F(0), np.log(np.where(bad, F(1), a)) / np.log(np.where(bad, F(2), b)))
        if op == "SQRT":
            return np.where(a < 0, F(0), np.sqrt(np.where(a < 0, F(0), a)))
        if op == "EXPONENT":
            return np.exp(a)
        if op == "ABSOLUTE":
            return np.abs(a)
        if op == "FLOOR":
            return np.floor(a)
        if op == "MINIMUM":
            return np.where(b < a, b, a)
        if op == "MAXIMUM":
            return np.where(a < b, b, a)
        if op == "LESS_THAN":
            return (a < b).astype(F)
        if op == "GREATER_THAN":
            return (a > b).astype(F)
    raise ValueError(f"the emulator has no Math operation {op!r}")


def simulate(net: backend.Net, rgb, inputs: dict | None = None, variant: str | None = None) -> np.ndarray:
    """Run a compiled network on float32 pixels (n, 3) like Blender's compositor would."""
    rgb = np.asarray(rgb, dtype=F).reshape(-1, 3)
    env = {"r": rgb[:, 0], "g": rgb[:, 1], "b": rgb[:, 2], **{k: F(v) for k, v in (inputs or {}).items()}}

    def value(v):
        if isinstance(v, backend.N):
            return vals[v.node]
        if isinstance(v, backend.In):
            return env[v.name]
        return F(v)

    vals = []
    for op, args, _ in net.nodes:
        a = [value(x) for x in args]
        if op == "MULTIPLY_ADD":
            with np.errstate(all="ignore"):
                vals.append(F(1) * a[0] * a[1] + a[2])
        else:
            vals.append(_math(op, a[0], a[1] if len(a) > 1 else F(0)))
    out = net.outputs[variant if variant is not None else next(iter(net.outputs))]
    return np.stack([np.broadcast_to(value(v), (len(rgb),)) for v in out], axis=-1).astype(F)


def rgc_inputs(params, inverse):
    v = params.values()
    return {"Invert": float(inverse), **{p.label: v[p.name] for p in rgc.UI_PARAMS}}


# -- the RGC on the emulator --------------------------------------------------------------------

@pytest.mark.parametrize("space", backend.HOST.rgc_spaces)
@pytest.mark.parametrize("inverse", [False, True])
def test_parametric_rgc_on_emulator(space, inverse):
    import hostcheck
    from aceskit.convert import convert
    net = backend.rgc_spec(True).net
    px = convert(hostcheck.validation_pixels(192, 108), "ACES2065-1", space).astype(F).astype(np.float64)
    for params in hostcheck.PARAM_SETS[:2]:
        out = simulate(net, px, rgc_inputs(params, inverse), space).astype(np.float64)
        hostcheck.check_rgc(out, px, params, inverse, space)


def test_nonfinite_like_numpy_on_emulator():
    net = backend.rgc_spec(False).net
    px = np.concatenate([testimage.nonfinite_pixels(), testimage.edge_case_pixels(),
                         [[np.nan, -1, 2], [0, 0, np.nan], [-np.inf, 0, 0]]])
    for inverse in (False, True):
        for space in backend.HOST.rgc_spaces:
            out = simulate(net, px, {"Invert": float(inverse)}, space)
            with np.errstate(all="ignore"):
                aim = rgc.compress(px.astype(F).astype(np.float64), inverse=inverse, space=space)
            np.testing.assert_array_equal(np.isnan(out), np.isnan(aim))
            np.testing.assert_array_equal(np.isinf(out), np.isinf(aim))


# -- translation laws ---------------------------------------------------------------------------

SPECIAL = np.array([0.0, -0.0, 1e-8, -1e-8, 1e-45, 0.5, 1.0, -1.0, 2.0, 3e38, np.inf, -np.inf, np.nan], F)


def _run_expr(e: E.Expr, x, y):
    net = backend.compile_chains({"": (PixelExpr((e, e, e)),)})
    return simulate(net, np.stack([x, y, np.zeros_like(x)], -1))[:, 0]


def _numpy(e: E.Expr, x, y):
    with np.errstate(all="ignore"):
        out = E.evaluate([e], {"r": x.astype(np.float64), "g": y.astype(np.float64)})[0]
    return np.broadcast_to(np.asarray(out, dtype=np.float64), x.shape)


@pytest.mark.parametrize("op", ["lt", "le", "gt", "ge", "eq", "ne"])
def test_comparisons_follow_c_with_nan_and_tiny_values(op):
    """Blender's COMPARE counts values within FLT_EPSILON as equal; the translation does not."""
    x, y = (a.ravel() for a in np.meshgrid(SPECIAL, SPECIAL))
    e = E._node(op, E.var("r"), E.var("g"))
    np.testing.assert_array_equal(_run_expr(e, x, y), _numpy(e, x, y))


@pytest.mark.parametrize("op", ["min", "max"])
def test_min_max_ignore_nan_like_fminf(op):
    x, y = (a.ravel() for a in np.meshgrid(SPECIAL, SPECIAL))
    e = E._node(op, E.var("r"), E.var("g"))
    np.testing.assert_array_equal(_run_expr(e, x, y), _numpy(e, x, y).astype(F))


def test_select_discards_poisoned_branches():
    """Branches holding Inf or NaN (or a safe-divide 0 where numpy has Inf) never leak."""
    r, g = E.var("r"), E.var("g")
    cases = [E.select(r > 0.0, E.ln(r), -5.0), E.select(E.eq(r, 0.0), 0.0, 1.0 / r),
             E.select(r > 0.0, r ** 0.5, E.const(np.inf)), E.select(g > 1.0, r * 1e38 * 1e38, r),
             E.select(E.logical_and(r > 0.0, g > 0.0), r / g, E.const(np.nan))]
    x, y = (a.ravel() for a in np.meshgrid(SPECIAL, SPECIAL))
    for e in cases:
        with np.errstate(over="ignore"):
            want = _numpy(e, x, y).astype(F)
        np.testing.assert_allclose(_run_expr(e, x, y), want, rtol=1e-6, atol=0, err_msg=E.to_text(e))


def test_the_emulator_is_not_numpy():
    """The quirks the translation works around are real in the emulator (else the tests above prove nothing)."""
    a = np.array([-2.0, 1.0, np.nan, 0.0], F)
    np.testing.assert_array_equal(_math("DIVIDE", a, F(0)), np.zeros(4, F))
    assert _math("POWER", F(-2.0), F(0.5)) == 0.0
    assert np.isnan(_math("MAXIMUM", F(np.nan), F(1.0))) and _math("MAXIMUM", F(1.0), F(np.nan)) == 1.0


# -- planning -----------------------------------------------------------------------------------

def test_group_names_and_specs():
    names = backend.group_names()
    assert len(names) == len(set(names))
    assert names[:2] == [backend.RGC_REFERENCE, backend.RGC_PARAMETRIC]
    assert "ARRI LogC3 (EI800) to ACEScg" in names and "ACEScct to ACES2065-1" in names
    spec = backend.spec(backend.RGC_PARAMETRIC)
    floats = [s for s in spec.inputs if s.kind == "FLOAT"]
    assert [(s.name, s.default, s.min, s.max) for s in floats] == [(p.label, p.default, p.min, p.max)
                                                                    for p in rgc.UI_PARAMS]
    assert list(spec.net.outputs) == list(backend.HOST.rgc_spaces)
    with pytest.raises(ValueError, match="not an aceskit node group"):
        backend.spec("ACES Thing")


def test_fingerprint_tracks_the_network():
    a, b = backend.spec(backend.RGC_REFERENCE), backend.spec(backend.RGC_REFERENCE)
    assert backend.fingerprint(a) == backend.fingerprint(b)
    assert backend.fingerprint(a) != backend.fingerprint(backend.spec(backend.RGC_PARAMETRIC))


def test_shared_subexpressions_are_emitted_once():
    x = E.var("x")
    shared = E.log10(E.maximum(x, 1e-6))
    net = backend.compile_chains({"": (Curve(shared * 2.0 + shared),)})
    assert sum(1 for op, *_ in net.nodes if op == "LOGARITHM") == 3  # once per channel
    assert len(net.nodes) == len({(op, args) for op, args, _ in net.nodes})


def test_unknown_variable_is_named():
    with pytest.raises(ValueError, match="'limit_c' has no Blender input"):
        backend.compile_chains({"": (PixelExpr((E.var("limit_c"),) * 3),)})


def test_unknown_op_type_is_named():
    class Dither:
        label = "dither"
    with pytest.raises(TypeError, match="cannot compile Dither; it compiles Matrix, Curve, PixelExpr, GamutCompress"):
        backend.compile_chains({"": (Dither(),)})


def test_groups_are_what_the_manifest_ships():
    from aceskit.targets import manifest
    blender = manifest.host("blender")
    assert backend.group_names()[2:] == [backend.conversion_name(s, d) for s, d in blender.conversion_pairs()]
    assert "Linear ARRI Wide Gamut 4 to ACEScg" in backend.group_names()  # linear camera spaces too
    assert list(backend.spec(backend.RGC_REFERENCE).net.outputs) == list(blender.rgc_spaces)
    socket = backend.spec(backend.RGC_REFERENCE, menus=False).inputs[0]
    assert (socket.kind, socket.default, socket.min, socket.max) == ("INT", 0, 0, len(blender.rgc_spaces) - 1)
    assert socket.description.endswith(", ".join(f"{k} = {s}" for k, s in enumerate(blender.rgc_spaces)))


@pytest.mark.parametrize("parametric", [False, True])
def test_index_input_chooses_exactly_what_the_menu_does(parametric):
    """Blender 4.5 has no menu sockets: the working space is an integer input and the network
    chooses the variant itself; every pixel (NaN and Inf included) is bit-identical to the menu
    variant, and an index outside the range picks the nearest end."""
    menu_net = backend.spec(backend.RGC_PARAMETRIC if parametric else backend.RGC_REFERENCE).net
    index_net = backend.spec(backend.RGC_PARAMETRIC if parametric else backend.RGC_REFERENCE, menus=False).net
    assert list(index_net.outputs) == [""]
    px = np.concatenate([np.random.default_rng(3).normal(0.2, 1.5, (500, 3)), testimage.edge_case_pixels(),
                         testimage.nonfinite_pixels()])
    spaces = backend.HOST.rgc_spaces
    for inverse in (False, True):
        inputs = rgc_inputs(rgc.REFERENCE, inverse) if parametric else {"Invert": float(inverse)}
        for k, space in [*enumerate(spaces), (-3, spaces[0]), (7, spaces[-1])]:
            want = simulate(menu_net, px, inputs, space)
            got = simulate(index_net, px, {**inputs, backend.WORKING_SPACE: k})
            np.testing.assert_array_equal(got, want, err_msg=f"index {k}, inverse={inverse}")
        assert not np.array_equal(simulate(menu_net, px, inputs, spaces[0]), simulate(menu_net, px, inputs, spaces[1]))
