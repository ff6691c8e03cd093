"""The DCTL backend on its own: literals, every expression op, program structure."""

from __future__ import annotations

import numpy as np
import pytest

from aceskit import expr as E
from aceskit import ops
from aceskit.targets import dctl
from dctl_lint import lint


@pytest.mark.parametrize("value", [0.1, 1.0, -2.5, 1e-30, 3.4e38, 17.52, -0.0729055341958355, 123456789.0])
def test_literals_reproduce_the_float32_value(value):
    text = dctl.literal(value)
    assert text.rstrip(")").endswith("f")
    assert np.float32(float(text.strip("()")[:-1])) == np.float32(value)


def test_non_finite_constants_are_refused():
    for bad in (float("nan"), float("inf"), 1e39):
        with pytest.raises(ValueError, match="finite in float32"):
            dctl.literal(bad)


def test_labels_are_checked():
    with pytest.raises(ValueError, match="ASCII"):
        dctl.Slider("x", "Gr\u00fcn", 0.0, 0.0, 1.0).define()


def _every_op():
    r, g, b = E.var("r"), E.var("g"), E.var("b")
    o1 = E.select(E.logical_and(r > 0.0, E.logical_not(E.eq(g, b))),
                  E.sqrt(E.fabs(r)) + E.log10(E.fabs(g) + 1.0), E.floor(b * 3.0) - E.exp10(r * 0.1))
    o2 = E.select(E.logical_or(r <= g, E.ne(r, b)),
                  E.ln(E.fabs(b) + 1.0) * E.exp(-E.fabs(g)), E.exp2(g) / (E.maximum(r, b) + 4.0))
    o3 = (E.fabs(r) + 0.5) ** E.minimum(g, 1.5) - E.log2(E.fabs(b) + 2.0) + E.select(r >= b, -r, r < g)
    return (o1, o2, o3)


def test_every_expression_op_compiles_and_matches_numpy(compiler, tmp_path):
    outputs = _every_op()
    ops_used = {n.op for n in E.toposort(outputs)}
    assert ops_used >= set(E.ARITY), set(E.ARITY) - ops_used
    prog = dctl.Program("every op", ["test"], [(ops.PixelExpr(outputs, "every op"),)])
    path = tmp_path / "every_op.dctl"
    path.write_text(prog.source())
    assert lint(path.read_text()) == []
    x = np.random.default_rng(3).uniform(-2.0, 2.0, (5000, 3)).astype(np.float32).astype(np.float64)
    aim = np.stack([np.broadcast_to(v, (len(x),)) for v in
                    E.evaluate(list(outputs), {"r": x[:, 0], "g": x[:, 1], "b": x[:, 2]})], axis=-1)
    out = compiler.get(path).run(x)
    np.testing.assert_allclose(out, aim, rtol=2e-5, atol=2e-6)


def test_shared_subexpressions_are_emitted_once():
    x = E.var("x")
    shared = E.log2(E.maximum(x, 0.5))
    src = dctl.op_function(ops.Curve(shared * shared + E.log2(E.maximum(x, 0.5))), "f")
    assert src.count("_log2f(") == 1 and src.count("_fmaxf(") == 1


def test_program_needs_one_chain_per_switch_option():
    with pytest.raises(ValueError, match="one chain per option"):
        dctl.Program("t", [], [()], switch=dctl.SPACE_COMBO).source()
    with pytest.raises(ValueError, match="exactly one chain"):
        dctl.Program("t", [], [(), ()]).source()


def test_what_ships_is_the_manifest_entry():
    from aceskit.targets import manifest
    host, files = manifest.host("resolve"), dctl.shipped()
    assert {k for k in files if k.startswith("CSC/")} == {dctl.conversion_path(s, d) for s, d in host.conversion_pairs()}
    assert len([k for k in files if k.startswith("Baked/")]) == len(host.rgc_spaces) * len(host.rgc_directions)
    assert [s for _, _, s in dctl.WORKING_SPACES] == list(host.rgc_spaces)
    ids = [i for i, _, _ in dctl.WORKING_SPACES] + [i for i, _ in dctl.DIRECTION_COMBO.options]
    assert len(set(ids)) == len(ids) and all(i.isidentifier() and i.isupper() for i in ids)


def test_an_op_type_without_an_emitter_is_refused():
    class Unknown:
        pass
    with pytest.raises(TypeError, match="the DCTL backend cannot compile Unknown"):
        dctl.op_function(Unknown(), "f")


def test_write_leaves_unchanged_files_and_prunes_only_stale_dctls(tmp_path):
    assert dctl.write(tmp_path) == []
    kept = tmp_path / "aceskit RGC Reference.dctl"
    inode = kept.stat().st_ino
    (tmp_path / "Baked" / "old.dctl").write_text("// old")
    (tmp_path / "notes.txt").write_text("a user's file")
    assert dctl.write(tmp_path) == [tmp_path / "Baked" / "old.dctl"]
    assert kept.stat().st_ino == inode and (tmp_path / "notes.txt").exists()
