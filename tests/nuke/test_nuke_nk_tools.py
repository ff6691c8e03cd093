"""The offline Nuke tools themselves: the strict .nk parser rejects what Nuke rejects, and the
expression interpreter follows the documented (C-like, float32) semantics."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

import nkexpr
import nkgraph
import nkparse

GIZMO = (Path(__file__).resolve().parents[2] / "hosts" / "nuke" / "gizmos" / "ACES_RGC.gizmo").read_text()

MINI = """version 13.2 v1
Gizmo {
 inputs 1
 addUserKnob {20 t l T}
 addUserKnob {4 pick l pick M {first second}}
 pick first
 addUserKnob {18 gain l gain R 0 4}
 gain {2 3 4}
}
 Input {
  inputs 0
  name Input
 }
 set Nsrc [stack 0]
 push $Nsrc
 Expression {
  channel0 {rgba.red -rgba.green -rgba.blue none}
  expr0 "r*parent.gain.r"
  channel1 {-rgba.red rgba.green -rgba.blue none}
  expr1 g
  channel2 {-rgba.red -rgba.green rgba.blue none}
  expr2 b
  channel3 none
  name second
 }
 push $Nsrc
 Expression {
  temp_name0 k
  temp_expr0 "parent.gain.b"
  channel0 {rgba.red rgba.green rgba.blue none}
  expr0 "k*g"
  channel3 none
  name first
 }
 Switch {
  inputs 2
  which {{parent.pick}}
  name sw
 }
 Output {
  name Output1
 }
end_group
"""


def test_the_mini_gizmo_runs_with_documented_stack_order():
    g = nkparse.parse_gizmo(MINI)
    px = np.array([[1.0, 2.0, 3.0]])
    # Switch input 0 = the most recently pushed branch ("first"): all channels = gain.b * g
    np.testing.assert_array_equal(nkgraph.run_gizmo(g, px), [[8.0, 8.0, 8.0]])
    np.testing.assert_array_equal(nkgraph.run_gizmo(g, px, {"pick": "second"}), [[2.0, 2.0, 3.0]])
    np.testing.assert_array_equal(nkgraph.run_gizmo(g, px, {"pick": 1, "gain": (0.5, 1, 1)}), [[0.5, 2.0, 3.0]])


@pytest.mark.parametrize("broken,message", [
    (MINI.replace(" Switch {\n", " Switch {\n {\n"), "unbalanced"),
    (MINI.replace("end_group\n", "end_group\n}\n"), "unbalanced"),
    (MINI.replace("{18 gain", "{99 gain"), "unknown knob type"),
    (MINI.replace("Switch {", "Swtich {"), "unknown node class"),
    (MINI.replace("push $Nsrc\n Expression {\n  temp_name0", "push $Nmissing\n Expression {\n  temp_name0"),
     "no such stack name"),
    (MINI.replace("inputs 2\n  which", "inputs 5\n  which"), "needs 5 inputs"),
    (MINI.replace("  name sw\n", "  name sw\n  mix 0.5\n"), "has no knob"),
    (MINI.replace("pick first\n", "pick third\n"), "not one of"),
    (MINI.replace('"r*parent.gain.r"', '"log2(r)"'), "unknown function"),
    (MINI.replace('"r*parent.gain.r"', '"(r*2"'), "expected"),
    (MINI.replace('"r*parent.gain.r"', '"r*2)"'), "unexpected"),
    (MINI.replace("end_group\n", ""), "missing end_group"),
    (MINI.replace('expr0 "r*parent.gain.r"', 'expr0 "r*parent.gain.r'), "unterminated"),
    (MINI.replace("rgba.red -rgba.green", "rgba.rouge -rgba.green", 1), "unknown channel"),
    (MINI.replace("gain {2 3 4}", "gain {2 3}"), "expected 3 values"),
    (MINI.replace(" Output {\n  name Output1\n }\n", ""), "one Input and one Output"),
])
def test_parser_rejects(broken, message):
    with pytest.raises((nkparse.NkError, nkexpr.ExprError), match=message):
        nkparse.parse_gizmo(broken)


def test_unknown_knob_references_fail_at_evaluation():
    g = nkparse.parse_gizmo(MINI.replace("parent.gain.r", "parent.gian.r"))
    with pytest.raises(nkparse.NkError, match="no knob 'gian'"):
        nkgraph.run_gizmo(g, np.zeros((1, 3)), {"pick": "second"})
    g = nkparse.parse_gizmo(MINI.replace("parent.gain.r", "gain.r"))
    with pytest.raises(nkparse.NkError, match="unknown name"):
        nkgraph.run_gizmo(g, np.zeros((1, 3)), {"pick": "second"})


def test_shipped_gizmo_round_trip_through_the_tokenizer():
    g = nkparse.parse_gizmo(GIZMO)
    assert {n.cls for n in g.nodes} == {"Input", "Output", "Expression", "ColorMatrix", "Switch"}


def _f32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


@pytest.mark.parametrize("text,expected", [
    ("1+2*3", 7.0), ("(1+2)*3", 9.0), ("10-4-3", 3.0), ("2/4/2", 0.25), ("-2*-3", 6.0),
    ("1<2", 1.0), ("2<=1", 0.0), ("1==1&&2!=2", 0.0), ("0||3", 1.0), ("!0", 1.0), ("!5", 0.0),
    ("1?2:3", 2.0), ("0?2:0?4:5", 5.0), ("1+1?10:20", 10.0), ("1<2==1", 1.0),
    ("pow(2,10)", 1024.0), ("min(3,1)", 1.0), ("max(-1,-2)", -1.0), ("abs(-2.5)", 2.5), ("floor(-1.5)", -2.0),
    ("log10(1000)", 3.0), ("sqrt(16)", 4.0), ("exp(0)", 1.0), ("1e3+2.5e-1", 1000.25),
])
def test_expression_semantics(text, expected):
    assert float(nkexpr.evaluate_text(text, {})) == expected


def test_arithmetic_is_float32():
    # 0.1 + 0.2 rounded to float32 at every step (float64 would give 0.30000000000000004)
    got = float(nkexpr.evaluate_text("0.1+0.2", {}))
    assert got == _f32(_f32(0.1) + _f32(0.2)) and got != 0.1 + 0.2
    # 16777216 + 1 is not representable in float32
    assert float(nkexpr.evaluate_text("16777216+1", {})) == 16777216.0
    # knob expressions are double
    assert float(nkexpr.evaluate_text("16777216+1", {}, np.float64)) == 16777217.0


def test_nan_follows_c():
    nan = np.float32("nan")
    assert float(nkexpr.evaluate_text("r?1:2", {"r": nan})) == 1.0        # NaN is truthy in C
    assert float(nkexpr.evaluate_text("r<1?1:2", {"r": nan})) == 2.0      # comparisons with NaN are false
    assert float(nkexpr.evaluate_text("max(r,1)", {"r": nan})) == 1.0     # fmaxf ignores NaN
    assert np.isnan(nkexpr.evaluate_text("pow(-8,1/3)", {}))              # powf(neg, non-integer)


@pytest.mark.parametrize("rule,max_nan_1,max_1_nan,min_nan_1,min_1_nan", [
    ("fmax", 1.0, 1.0, 1.0, 1.0),                 # C fmaxf/fminf: NaN ignored
    ("a>b?a:b", 1.0, "nan", 1.0, "nan"),          # max = a>b?a:b, min = a<b?a:b
    ("a<b?b:a", "nan", 1.0, "nan", 1.0),          # max = a<b?b:a, min = a>b?b:a
])
def test_min_max_nan_rules(rule, max_nan_1, max_1_nan, min_nan_1, min_1_nan):
    nan = np.float32("nan")
    with nkexpr.nan_rule(rule):
        for text, want in (("max(r,1)", max_nan_1), ("max(1,r)", max_1_nan),
                           ("min(r,1)", min_nan_1), ("min(1,r)", min_1_nan)):
            got = float(nkexpr.evaluate_text(text, {"r": nan}))
            assert (np.isnan(got) if want == "nan" else got == want), (rule, text, got)
        assert float(nkexpr.evaluate_text("max(2,3)+min(2,3)", {})) == 5.0
    assert float(nkexpr.evaluate_text("max(r,1)", {"r": nan})) == 1.0   # restored afterwards
    with pytest.raises(ValueError, match="NaN rule must be one of"):
        with nkexpr.nan_rule("nanmax"):
            pass


def test_tcl_numvalue_in_knob_expressions():
    env = {"rgc": 1.0, "root.aceskit_rgc": 0.0}
    text = '"rgc==1&&\\[numvalue root.aceskit_rgc 1]"'          # as written in a .nk file: quoted, \[ escaped
    assert float(nkexpr.evaluate_text(text, env, np.float64)) == 0.0
    assert float(nkexpr.evaluate_text(text, {"rgc": 1.0}, np.float64)) == 1.0   # absent knob: the default
    with pytest.raises(nkexpr.ExprError, match="only \\[numvalue"):
        nkexpr.parse("[value root.aceskit_rgc]")
    with pytest.raises(nkexpr.ExprError, match="default must be a number"):
        nkexpr.parse("[numvalue root.aceskit_rgc on]")
    g = nkparse.parse_gizmo(GIZMO)
    with_root = nkgraph.Instance(g, {"aceskit_rgc": 0.0})
    assert with_root.knob("rgc_on") == 0.0 and nkgraph.Instance(g).knob("rgc_on") == 1.0
    with pytest.raises(nkparse.NkError, match="Root has no knob"):
        nkgraph.Instance(g).knob("root.aceskit_rgc")
