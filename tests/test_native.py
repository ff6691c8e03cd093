"""The native engine (one fused numba kernel per op chain) against the numpy reference backend.

Every kernel is compared with :mod:`aceskit.targets.numpy` on the same pixels: float64 results
within 1e-12 relative (to the largest finite magnitude in the pixel: a matrix rounds relative to
its inputs) plus 1e-15 absolute, NaN and Inf in the same places, and pixels the RGC
leaves untouched bit-exact.  The oracle tests of test_rgc.py run against both engines too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from aceskit import expr as E, plans, rgc, spaces, testimage
from aceskit.ops import Curve, PixelExpr
from aceskit.targets import kernelsource, native, numpy as reference
from hostcheck import PARAM_SETS

ROOT = Path(__file__).resolve().parents[1]
EDGE = (np.nan, np.inf, -np.inf, 0.0, -0.0, 65504.0, 1e30, -1e30, 0.18, -0.05, 1e-30)


def edge_pixels() -> np.ndarray:
    """Every triple of the edge values, and achromatic zero (max channel exactly 0)."""
    e = np.array(EDGE)
    grid = np.stack(np.meshgrid(e, e, e, indexing="ij"), axis=-1).reshape(-1, 3)
    zero = np.array([[0.0, -0.1, -0.2], [-0.3, 0.0, -1e-30], [-0.0, -2.0, 0.0], [0.0, 0.0, 0.0]])
    return np.concatenate([grid, zero, testimage.edge_case_pixels(), testimage.nonfinite_pixels()])


@pytest.fixture(scope="module")
def pixels() -> np.ndarray:
    """Float64 test pixels: the validation image, random codes over several decades, edge pixels."""
    rng = np.random.default_rng(10)
    image = testimage.rgc_validation_image(192, 108).reshape(-1, 3).astype(np.float64)
    codes = rng.uniform(-0.25, 1.25, (3000, 3))
    wide = rng.uniform(-0.25, 1.25, (3000, 3)) * 10.0 ** rng.uniform(-8, 5, (3000, 1))  # codes over decades
    return np.concatenate([image, codes, wide, edge_pixels()])


def assert_matches(got: np.ndarray, want: np.ndarray, rtol: float = 1e-12, atol: float = 1e-15) -> None:
    assert got.dtype == want.dtype and got.shape == want.shape
    g, w = got.astype(np.float64), want.astype(np.float64)
    np.testing.assert_array_equal(np.isnan(g), np.isnan(w), err_msg="NaN in different places")
    inf = np.isinf(w)
    np.testing.assert_array_equal(g[inf], w[inf], err_msg="Inf differs")
    ok = ~np.isnan(w) & ~inf
    assert np.isfinite(g[ok]).all()
    scale = np.broadcast_to(np.max(np.where(ok, np.abs(w), 0.0), axis=-1, keepdims=True), w.shape)
    err = np.abs(g[ok] - w[ok]) - (rtol * scale[ok] + atol)
    assert err.max(initial=-1.0) <= 0.0, f"worst excess {err.max():.3g} over rtol {rtol} + atol {atol}"


def both(chain, x, **kwargs):
    """(native result, reference result, native stats, reference stats)."""
    s_native, s_ref = {}, {}
    return (native.run(chain, x, stats=s_native, **kwargs), reference.run(chain, x, stats=s_ref, **kwargs),
            s_native, s_ref)


def test_numba_is_available_here():
    assert native.available(), "numba is a dependency on Python >= 3.10: the native engine must be active"


@pytest.mark.parametrize("direction", ["decode", "encode"])
@pytest.mark.parametrize("name", spaces.names())
def test_every_space_to_and_from_aces_matches_the_reference(pixels, name, direction):
    chain = plans.plan(name, "ACES2065-1") if direction == "decode" else plans.plan("ACES2065-1", name)
    got, want, _, _ = both(chain, pixels)
    assert_matches(got, want)


PARAM_IDS = ["reference", "set1", "set2", "set3"]


@pytest.mark.parametrize("params", PARAM_SETS, ids=PARAM_IDS)
@pytest.mark.parametrize("inverse", [False, True], ids=["forward", "inverse"])
@pytest.mark.parametrize("space", rgc.SPACES)
def test_rgc_matches_the_reference_and_passes_untouched_pixels_bit_exact(pixels, params, inverse, space):
    # the pixels in the working space, and the edge pixels as they are (a NaN in one channel only)
    x = np.concatenate([reference.run(plans.plan("ACES2065-1", space), pixels), edge_pixels()])
    chain = rgc.chain(params, inverse=inverse, space=space)
    got, want, s_native, s_ref = both(chain, x)
    assert_matches(got, want)
    assert s_native == s_ref and s_ref["rgc_changed"] > 1000
    # untouched pixels: the reference hands back the input; so must the native kernel, bit for bit
    same = np.all(want == x, axis=-1)
    assert same.sum() > 1000
    np.testing.assert_array_equal(np.all(got == x, axis=-1), same)
    np.testing.assert_array_equal(got[same].view(np.uint64), want[same].view(np.uint64))  # down to -0.0


def test_dim_pixels_are_counted_like_the_reference():
    # below 0.001 the count's tolerance is relative to 0.001 (count_changed's floor): at these
    # exposures some compressed pixels move by less than it and are not counted
    image = testimage.rgc_validation_image(480, 270).astype(np.float64)
    counts = []
    for exposure in (1e-4, 1e-5, 1e-6):
        _, _, s_native, s_ref = both(rgc.chain(), image * exposure)
        assert s_native == s_ref
        counts.append(s_ref["rgc_changed"])
    assert counts[0] > counts[1] > counts[2] > 0


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_image_dtypes_keep_pass_through_bit_exact_and_count_like_the_reference(dtype):
    image = testimage.rgc_validation_image(480, 270).astype(dtype)
    got, want, s_native, s_ref = both(rgc.chain(), image)
    assert got.dtype == dtype and s_native == s_ref
    same = np.all(want.view(np.uint16 if dtype == np.float16 else np.uint32) ==
                  image.view(np.uint16 if dtype == np.float16 else np.uint32), axis=-1)
    assert same.sum() > 0.3 * same.size
    np.testing.assert_array_equal(got[same].view(np.uint8), image[same].view(np.uint8))
    # elsewhere both round the same float64 values: at most one unit in the last place apart
    ulp = np.spacing(np.abs(want[~same]).astype(dtype))
    assert np.all((np.abs(got[~same] - want[~same]) <= ulp) | (np.isnan(got[~same]) & np.isnan(want[~same])))


def test_exp_and_exp10_match_numpy_over_the_whole_float64_range():
    # the kernel's own exp (vectorisable) against numpy's libm, down to overflow, underflow and subnormals
    rng = np.random.default_rng(4)
    y = np.concatenate([rng.uniform(-760.0, 720.0, 60000), rng.uniform(-3.0, 3.0, 30000),
                        [709.782712893384, 709.7827128933841, -745.1332191019412, -745.14, -708.4, 1e300, -1e300,
                         np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324, 1.0, -1.0]])
    x = np.resize(y, (len(y) + 2) // 3 * 3).reshape(-1, 3)
    with np.errstate(over="ignore"):
        cases = ((E.exp(E.var("x")), x, np.exp(x)),
                 (E.exp10(E.var("x")), x / np.log(10.0), np.power(10.0, x / np.log(10.0))))
    for fn, arg, want in cases:
        got = native.run((Curve(fn),), arg)
        assert_matches(got, want)
        subnormal = np.abs(want) < np.finfo(np.float64).tiny
        assert np.all(np.abs(got[subnormal] - want[subnormal]) <= 1e-320)


def test_float16_output_rounds_like_numpy():
    halves = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float64)
    finite = np.sort(halves[np.isfinite(halves)])
    ties = (finite[1:] + finite[:-1]) / 2  # exactly halfway: round to even
    rng = np.random.default_rng(3)
    x = np.concatenate([halves, ties, np.nextafter(ties, np.inf), np.nextafter(ties, -np.inf),
                        rng.normal(0, 1e4, 30000), 10.0 ** rng.uniform(-10, 6, 30000), [65519.99, 65520.0, 1e30]])
    x = np.resize(x, (len(x) + 2) // 3 * 3).reshape(-1, 3)
    got = native.run((), x, dtype=np.float16)
    want = x.astype(np.float16)
    nan = np.isnan(want)
    np.testing.assert_array_equal(np.isnan(got), nan)
    np.testing.assert_array_equal(got.view(np.uint16)[~nan], want.view(np.uint16)[~nan])


def test_dtypes_shapes_workers_and_bad_input():
    chain = plans.plan("ACES2065-1", "ARRI LogC3 (EI800)")
    x = np.random.default_rng(1).uniform(-0.1, 4, (700, 300, 3))
    one = native.run(chain, x, workers=1)
    np.testing.assert_array_equal(native.run(chain, x, workers=3), one)
    assert native.run(chain, x.astype(np.float32)).dtype == np.float32
    assert native.run(chain, x[..., :3:1][::2], dtype=np.float16).shape == (350, 300, 3)  # strided view
    assert native.run(chain, np.ones((2, 3), dtype=np.int32)).dtype == np.float64
    assert native.run(chain, np.zeros((0, 3))).shape == (0, 3)
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 3\)"):
        native.run(chain, np.zeros((4, 2)))


def test_host_parameters_and_runtime_direction_bind_from_env(pixels):
    chain = rgc.chain(rgc.UI, inverse=None, space="ACES2065-1")
    for params, invert in ((PARAM_SETS[1], 0.0), (PARAM_SETS[2], 1.0)):
        env = {**params.values(), "invert": invert}
        got, want, s_native, s_ref = both(chain, pixels, env=env)
        assert_matches(got, want)
        assert s_native == s_ref
    with pytest.raises(KeyError, match="limit_c"):
        native.run(chain, pixels, env={})


def test_deferred_selects_alike_or_not_match_the_reference(pixels):
    # a select computes its costly value only for the pixels that pick it: alike selects (the
    # same code on other inputs and constants) share one list loop, others get one loop each
    r, g, b = E.var("r"), E.var("g"), E.var("b")
    alike = PixelExpr(tuple(E.select(c < 0.2 * k, c, (c - 0.1 * k) ** 1.3) for k, c in enumerate((r, g, b), 1)))
    unlike = PixelExpr((E.select(r < 0.0, r, r ** 2.4), E.select(g < 0.5, E.const(0.0), E.exp(g) + r),
                        E.select(b > 1.0, b, E.ln(b + 1.0) * g)))
    for op in (alike, unlike):
        got, want, _, _ = both((op,), pixels)
        assert_matches(got, want)


def test_chains_differing_only_in_numbers_share_one_kernel():
    a = kernelsource.source(plans.plan("ARRI LogC3 (EI800)", "ACES2065-1"))
    b = kernelsource.source(plans.plan("ARRI LogC3 (EI1600)", "ACES2065-1"))
    assert a == b and "def kernel(" in a


def test_kernels_use_512_bit_vectors_where_the_cpu_has_them():
    import llvmlite.binding as llvm
    llvm.initialize_native_target()
    if "+avx512f" not in llvm.get_host_cpu_features().flatten().split(","):
        pytest.skip("this CPU has no 512-bit vectors (AVX-512F)")
    import numba
    # compiled here, not through native.kernel: a kernel loaded from the disk cache shows no assembly
    text, names, constants = kernelsource.generate(tuple(rgc.chain()), np.float32, np.float32)
    namespace: dict = {}
    exec(compile(kernelsource.module(text), "<rgc kernel>", "exec"), namespace)
    k = numba.njit(error_model="numpy")(namespace["kernel"])  # as native compiles it
    px = np.zeros((64, 3), np.float32)
    assert not names
    assert k(px, np.empty_like(px), np.array(constants + [0.0]), np.zeros(1, np.float32), 0, 64) == 0
    assembly = "\n".join(k.inspect_asm().values())
    # 512-bit registers (zmm) over 256-bit ones (ymm), which LLVM would prefer in the RGC's loops unasked
    assert assembly.count("zmm") > 10 * assembly.count("ymm")


# -- the disk cache, in fresh processes ---------------------------------------------------------

SCRIPT = textwrap.dedent("""
    import sys, warnings
    import numpy as np
    warnings.simplefilter("always")
    from aceskit import plans, rgc
    from aceskit.targets import native, numpy as reference
    x = np.random.default_rng(5).uniform(-0.5, 2.0, (5000, 3))
    chain = rgc.chain(space="ACEScg")
    got = native.run(chain, x)
    assert np.allclose(got, reference.run(chain, x), rtol=1e-12, atol=1e-15), "native differs from the reference"
    to_ap0 = plans.plan("ACEScg", "ACES2065-1")
    assert np.array_equal(native.run(to_ap0, x), reference.run(to_ap0, x)), "native differs from the reference"
    kernel = native.kernel(chain, np.dtype(np.float64), np.dtype(np.float64))[0]
    stats = kernel.stats
    where = "memory" if kernel.py_func.__code__.co_filename.startswith("<") else "disk"
    print(where, "hits", sum(stats.cache_hits.values()), "misses", sum(stats.cache_misses.values()))
""")


def fresh(cache: Path, prelude: str = "", **popen) -> subprocess.Popen:
    env = {**os.environ, native.CACHE_ENV: str(cache), "PYTHONPATH": str(ROOT / "core")}
    return subprocess.Popen([sys.executable, "-c", prelude + SCRIPT], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **popen)


def finish(p: subprocess.Popen) -> tuple:
    out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    warned = err.count("cannot use its kernel cache")
    return out.strip(), warned


def test_a_second_process_loads_the_kernel_from_the_cache(tmp_path):
    assert finish(fresh(tmp_path)) == ("disk hits 0 misses 1", 0)
    assert finish(fresh(tmp_path)) == ("disk hits 1 misses 0", 0)
    assert list((tmp_path / "kernels").glob("kernel_*.py"))


def test_two_processes_compiling_at_once_both_succeed_and_leave_a_usable_cache(tmp_path):
    first, second = fresh(tmp_path), fresh(tmp_path)
    assert [finish(p)[1] for p in (first, second)] == [0, 0]
    assert finish(fresh(tmp_path)) == ("disk hits 1 misses 0", 0)


def test_a_corrupt_cache_compiles_in_memory_with_one_warning(tmp_path):
    finish(fresh(tmp_path))
    files = list((tmp_path / "kernels" / "__pycache__").glob("*.nb*"))
    assert files
    for f in files:
        f.write_bytes(b"\x80\x04not a pickle")
    out, warned = finish(fresh(tmp_path))  # numba recompiles over some damage and raises on other
    assert (out, warned) in (("disk hits 0 misses 1", 0), ("memory hits 0 misses 1", 1))
    for f in (tmp_path / "kernels").glob("kernel_*.py"):
        f.write_text("garbage")
    assert finish(fresh(tmp_path)) == ("memory hits 0 misses 1", 1)


def test_a_read_only_cache_compiles_in_memory_with_one_warning(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir()
    folder.chmod(0o555)
    locked = os.geteuid() == 0  # root writes through permissions: make the folder immutable instead
    if locked:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    try:
        assert finish(fresh(folder)) == ("memory hits 0 misses 1", 1)
        assert not any(folder.iterdir())
    finally:
        if locked:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def test_a_stand_in_scipy_module_does_not_disable_the_engine():
    """colour-science puts a stand-in for a missing scipy into sys.modules; numba's import checks
    scipy's version, so aceskit hides the stand-in while numba loads."""
    code = ("import sys, unittest.mock; sys.modules['scipy'] = unittest.mock.MagicMock(); "
            "from aceskit.targets import native; assert native.available(); "
            "assert isinstance(sys.modules['scipy'], unittest.mock.MagicMock); print('ok')")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "core")}
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert (r.returncode, r.stdout.strip()) == (0, "ok"), r.stderr


def test_without_numba_the_reference_runs_silently(tmp_path):
    code = textwrap.dedent("""
        import sys, warnings
        sys.modules["numba"] = None  # as in a host's Python without numba: the import fails
        warnings.simplefilter("error")
        import numpy as np, aceskit
        from aceskit import rgc, targets
        from aceskit.targets import native, numpy as reference
        assert not native.available()
        x = np.random.default_rng(2).uniform(-0.5, 2.0, (2000, 3)).astype(np.float32)
        assert np.array_equal(rgc.compress(x), reference.run(rgc.chain(), x))  # the reference ran
        assert np.array_equal(aceskit.convert(x, "ACEScg", "ACEScct"), reference.run(aceskit.plan("ACEScg", "ACEScct"), x))
        assert "numba" not in [m for m in sys.modules if sys.modules[m] is not None]
        print("ok")
    """)
    env = {**os.environ, native.CACHE_ENV: str(tmp_path), "PYTHONPATH": str(ROOT / "core")}
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert (r.returncode, r.stdout.strip(), r.stderr) == (0, "ok", "")
    assert not any(tmp_path.iterdir())
