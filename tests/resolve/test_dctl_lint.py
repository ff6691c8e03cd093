"""The DCTL lint: every shipped DCTL passes, and each rule catches its violation."""

from __future__ import annotations

import pytest

from aceskit import rgc
from aceskit.targets import dctl
from resolvetest import DCTL_DIR
from dctl_lint import lint

SHIPPED = sorted(DCTL_DIR.rglob("*.dctl"))


def test_every_category_is_shipped():
    names = {p.relative_to(DCTL_DIR).as_posix() for p in SHIPPED}
    assert {"aceskit RGC Reference.dctl", "aceskit Gamut Compress.dctl"} <= names
    assert sum(n.startswith("Baked/") for n in names) == 6
    assert sum(n.startswith("CSC/") for n in names) == len(dctl.HOST.conversion_pairs())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_dctl_is_clean(path):
    assert lint(path.read_text(encoding="utf-8")) == []


def test_baked_for_other_parameters_is_clean():
    p = rgc.RGCParams(limit=(1.2, 1.4, 1.1), threshold=(0.7, 0.9, 0.6), power=1.5)
    for inverse in (False, True):
        for _, _, space in dctl.WORKING_SPACES:
            assert lint(dctl.baked(p, inverse=inverse, space=space).source()) == []


GOOD = (DCTL_DIR / "aceskit Gamut Compress.dctl").read_text(encoding="utf-8")
BREAKS = {
    "semicolon after DEFINE_UI_PARAMS": ("DCTLUI_CHECK_BOX, 0)", "DCTLUI_CHECK_BOX, 0);"),
    "make_float3 needs three": ("float3 c = make_float3(p_R, p_G, p_B);", "float3 c = make_float3(p_R);"),
    "lacks the f suffix": ("1.0f - ", "1.0 - "),
    "not plain ASCII": ("Limit Cyan", "Limit Cy\u00e4n"),
    "needs exactly one transform": ("int p_X, int p_Y", "int p_X, int  p_Z, int p_Y"),
    "undocumented function powf": ("_powf(", "powf("),
    "undocumented function _expm1f": ("_exp2f(", "_expm1f("),
    "'double' is not a type": ("const float t0 = _fmaxf(c.y, c.z);", "const double t0 = _fmaxf(c.y, c.z);"),
    "'long' is not a type": ("const int t2 = t1 == 0.0f;", "const long t2 = t1 == 0.0f;"),
    "'static' is not a type": ("const float t0 = _fmaxf(c.y, c.z);", "static float t0 = _fmaxf(c.y, c.z);"),
    "'r' is not a type": ("_fmaxf(c.y, c.z)", "_fmaxf(c.r, c.z)"),
}


@pytest.mark.parametrize("rule", BREAKS)
def test_lint_catches(rule):
    old, new = BREAKS[rule]
    assert old in GOOD
    problems = lint(GOOD.replace(old, new, 1))
    assert any(rule in p for p in problems), problems


def test_lint_catches_a_second_transform():
    assert any("exactly one transform" in p for p in lint(GOOD + "\n" + dctl.SIGNATURE + "\n{ return make_float3(p_R, p_G, p_B); }\n"))


@pytest.mark.parametrize("old, new", [
    ("const float t0 = _fmaxf(c.y, c.z);", "const double t0 = _fmaxf(c.y, c.z);"),   # a double temporary
    ("1.0f - ", "1.0 - "),                                                           # float promoted to double
])
def test_the_test_compiler_rejects_double(tmp_path, old, new):
    """DCTL has no double: the shim poisons it and the build makes float -> double promotion an error,
    so such a DCTL cannot reach the numeric tests (the unchanged file compiles)."""
    from dctlrun import build
    good, bad = tmp_path / "good.dctl", tmp_path / "bad.dctl"
    good.write_text(GOOD, encoding="utf-8")
    bad.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    assert build(good, tmp_path).exists()
    with pytest.raises(RuntimeError, match="double"):
        build(bad, tmp_path)
