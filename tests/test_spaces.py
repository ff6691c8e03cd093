"""The color space registry against OpenColorIO's ACES studio config and published values."""

from __future__ import annotations

import numpy as np
import pytest

from aceskit import spaces
from aceskit.convert import convert
from oracles import assert_close, ocio_apply, ocio_config

REQUIRED = [
    "ACES2065-1", "ACEScg", "ACEScct", "ACEScc", "ACESproxy10i", "ACESproxy12i",
    *[f"ARRI LogC3 (EI{ei})" for ei in (160, 200, 250, 320, 400, 500, 640, 800, 1000, 1280, 1600)],
    "ARRI LogC4", "BMDFilm WideGamut Gen5", "DaVinci Intermediate WideGamut", "CanonLog2 CinemaGamut D55",
    "CanonLog3 CinemaGamut D55", "V-Log V-Gamut", "Log3G10 REDWideGamutRGB", "S-Log3 S-Gamut3",
    "S-Log3 S-Gamut3.Cine", "S-Log3 Venice S-Gamut3", "S-Log3 Venice S-Gamut3.Cine", "Apple Log", "D-Log D-Gamut",
    "Linear ARRI Wide Gamut 3", "Linear ARRI Wide Gamut 4", "Linear BMD WideGamut Gen5", "Linear DaVinci WideGamut",
    "Linear CinemaGamut D55", "Linear V-Gamut", "Linear REDWideGamutRGB", "Linear S-Gamut3", "Linear S-Gamut3.Cine",
    "Linear Venice S-Gamut3", "Linear Venice S-Gamut3.Cine", "Linear D-Gamut",
    "CanonLog CinemaGamut D55", "S-Log2 S-Gamut", "Linear S-Gamut", "Protune Flat Protune Native",
    "Linear Protune Native", "REDLogFilm REDWideGamutRGB", "Camera Rec.2020", "Cineon", "PLogLin",
    "Rec.1886 Rec.709 - Display", "sRGB - Display", "Gamma 2.2 Rec.709 - Display", "Display P3 - Display",
    "Gamma 2.6 P3-D65 - Display", "Gamma 2.6 P3-DCI - Display", "Gamma 2.6 P3-D60 - Display", "DCDM XYZ - Display",
    "Rec.2100-PQ - Display", "ST2084-P3-D65 - Display", "Rec.2100-HLG - Display", "Camera Rec.709",
    "sRGB Encoded Rec.709 (sRGB)", "Gamma 2.2 Encoded Rec.709", "Gamma 2.4 Encoded Rec.709", "sRGB Encoded AP1",
    "Linear Rec.709 (sRGB)", "Linear Rec.2020", "Linear P3-D65", "Linear AdobeRGB", "CIE XYZ-D65",
]


def _in_studio_config():
    cfg = ocio_config()
    return [n for n in spaces.names() if cfg.getColorSpace(n) is not None]


STUDIO = _in_studio_config()


def test_every_required_space_is_registered():
    for name in REQUIRED:
        assert spaces.get(name) is not None


def test_studio_config_covers_all_its_scene_camera_spaces():
    """Every camera space of the studio config is in the registry (Apple Log 2 and ADX excepted)."""
    cfg = ocio_config()
    ours = {spaces.get(n).name for n in spaces.names()}
    theirs = {cs.getName() for cs in cfg.getColorSpaces()}
    missing = theirs - ours - {"Apple Log 2", "Linear Apple Wide Gamut", "ADX10", "ADX16", "Raw",
                               "Display P3 HDR - Display"}
    assert not missing, f"studio config spaces missing from the registry: {sorted(missing)}"


@pytest.mark.parametrize("name", STUDIO)
def test_names_aliases_and_interop_ids_match_the_studio_config(name):
    cs = ocio_config().getColorSpace(name)
    ours = spaces.get(name)
    for alias in cs.getAliases():
        assert spaces.get(alias).name == name, alias
    assert ours.interop_id == (cs.getInteropID() or None)


def test_lookup_is_case_and_space_insensitive_and_errors_are_helpful():
    assert spaces.get("  acescg ").name == "ACEScg"
    assert spaces.get("ARRI  LogC3 (ei800)").name == "ARRI LogC3 (EI800)"
    with pytest.raises(KeyError, match="unknown color space 'LogC9'"):
        spaces.get("LogC9")
    with pytest.raises(KeyError, match="did you mean"):
        spaces.get("S-Log3")


def _code_values(space, rng, n=6000):
    lo, hi = (-0.02, 1.5) if space.is_linear else (0.02, 1.0)
    return rng.uniform(lo, hi, (n, 3)).astype(np.float32)


@pytest.mark.parametrize("name", STUDIO)
def test_decode_to_aces2065_matches_opencolorio(name, rng):
    s = spaces.get(name)
    code = _code_values(s, rng)
    assert_close(convert(code, name, "ACES2065-1"), ocio_apply((name, "ACES2065-1"), code), msg=name)


@pytest.mark.parametrize("name", STUDIO)
def test_encode_from_aces2065_matches_opencolorio(name, rng):
    """Linear light inside the destination gamut (>= 0.01, where float32 input is well conditioned)."""
    s = spaces.get(name)
    aces = (rng.uniform(0.01, 1.0, (6000, 3)) @ s.matrix_to_ap0.T).astype(np.float32)
    assert_close(convert(aces, "ACES2065-1", name), ocio_apply(("ACES2065-1", name), aces), scale="value", msg=name)


#: Displays the studio config lacks, with the OpenColorIO builtin that encodes them from CIE XYZ-D65.
BUILTIN_DISPLAYS = {
    "Gamma 2.6 P3-DCI - Display": "DISPLAY - CIE-XYZ-D65_to_G2.6-P3-DCI-BFD",
    "Gamma 2.6 P3-D60 - Display": "DISPLAY - CIE-XYZ-D65_to_G2.6-P3-D60-BFD",
    "DCDM XYZ - Display": "DISPLAY - CIE-XYZ-D65_to_DCDM-D65",
}
DISPLAY_CURVES = [n for n in spaces.names() if spaces.get(n).referred == "display" and spaces.get(n).transfer]


@pytest.mark.parametrize("name", DISPLAY_CURVES)
def test_display_curves_at_zero_and_below_match_opencolorio(name, rng):
    """Zero, -0.0, tiny and negative values through every display encoding, both ways, against
    OpenColorIO's builtins (mirrored or clamped as OpenColorIO does, per curve).  Neutral ramps
    keep each channel's value exact through the display matrix; the mixed colours have one channel
    at -1..1 and the others within 0.3 of it (no float32 cancellation to amplify near 0)."""
    import PyOpenColorIO as ocio
    from aceskit import colorimetry as C
    s = spaces.get(name)
    xyz_name = "CIE XYZ-D65 - Display-referred"
    v = np.concatenate([-np.geomspace(1e-6, 1.0, 25), [-0.0, 0.0], np.geomspace(1e-6, 1.0, 25)])
    base = rng.uniform(-1.0, 1.0, (2000, 1))
    values = np.concatenate([np.repeat(v[:, None], 3, axis=1), base + rng.uniform(-0.3, 0.3, (2000, 3)) * np.abs(base)])
    if name in BUILTIN_DISPLAYS:
        encode = ocio.BuiltinTransform(BUILTIN_DISPLAYS[name])
        decode = ocio.BuiltinTransform(BUILTIN_DISPLAYS[name], ocio.TRANSFORM_DIR_INVERSE)
    else:
        encode, decode = (xyz_name, name), (name, xyz_name)
    to_xyz = np.eye(3) if s.primaries == C.PRIMARIES["XYZ"] else C.npm(s.primaries, s.white)
    xyz = (values @ to_xyz.T).astype(np.float32)
    assert_close(convert(xyz, xyz_name, name), ocio_apply(encode, xyz), msg=f"{name} encode")
    code = values.astype(np.float32)
    assert_close(convert(code, name, xyz_name), ocio_apply(decode, code), msg=f"{name} decode")


@pytest.mark.parametrize("name, builtin", BUILTIN_DISPLAYS.items())
def test_displays_outside_the_studio_config_match_opencolorio_builtins(name, builtin, rng):
    import PyOpenColorIO as ocio
    group = ocio.GroupTransform([ocio.BuiltinTransform("UTILITY - ACES-AP0_to_CIE-XYZ-D65_BFD"),
                                 ocio.BuiltinTransform(builtin)])
    aces = (rng.uniform(0.01, 1.0, (6000, 3)) @ spaces.get(name).matrix_to_ap0.T).astype(np.float32)
    assert_close(convert(aces, "ACES2065-1", name), ocio_apply(group, aces), scale="value", msg=name)


def test_acesproxy10i_decode_matches_the_opencolorio_builtin(rng):
    import PyOpenColorIO as ocio
    code = (rng.integers(64, 941, (4000, 3)) / 1023.0).astype(np.float32)
    assert_close(convert(code, "ACESproxy10i", "ACES2065-1"),
                 ocio_apply(ocio.BuiltinTransform("ACESproxy10i_to_ACES2065-1"), code), msg="ACESproxy10i")


def test_acesproxy12i_matches_published_code_values_and_opencolorio(rng):
    """S-2013-001 12-bit: 0.18 -> 1705, 1.0 -> 2200, legal range 256..3760.  12i has no OpenColorIO
    builtin, but its code values are legal-range ACEScc (CV = 256 + 3504·ACEScc, the same log2 curve),
    so decoding must match OpenColorIO's ACEScc (on colours within half a stop of neutral, where
    OpenColorIO's ACEScc_to_ACES2065-1 does not clamp negative AP0)."""
    cv = convert(np.array([[0.18, 1.0, 1e-9], [222.86, 1e6, -1.0]]), "ACEScg", "ACESproxy12i") * 4095
    np.testing.assert_allclose(cv, [[1705, 2200, 256], [3760, 3760, 256]], atol=1e-9)
    code = np.clip(rng.integers(256, 3761, (4000, 1)) + rng.integers(-100, 101, (4000, 3)), 256, 3760)
    code = code.astype(np.float64)
    assert_close(convert(code / 4095, "ACESproxy12i", "ACES2065-1"),
                 ocio_apply(("ACEScc", "ACES2065-1"), (code - 256) / 3504), msg="ACESproxy12i")


def test_acesproxy_encodes_whole_legal_code_values():
    x = convert(np.array([[0.18, 1.0, 1e-9], [222.86, 1e6, -1.0]]), "ACEScg", "ACESproxy10i") * 1023
    np.testing.assert_allclose(x, np.round(x), atol=1e-9)
    assert x.min() >= 64 and x.max() <= 940
    np.testing.assert_allclose(x[0, :2], [426, 550])  # S-2013-001: 0.18 -> 426, 1.0 -> 550


# --- matrices of spaces OpenColorIO lacks, against colour-science / vendor matrices ----------------

def test_s_gamut_matches_colour_science_with_cat02():
    import colour
    m = colour.matrix_RGB_to_RGB(colour.RGB_COLOURSPACES["S-Gamut"], colour.RGB_COLOURSPACES["ACES2065-1"],
                                 chromatic_adaptation_transform="CAT02")
    np.testing.assert_allclose(spaces.get("Linear S-Gamut").matrix_to_ap0, m, atol=2e-6)


def test_protune_native_reproduces_gopros_matrix():
    # GoPro's published Protune Native -> ACES2065-1 matrix (legacy OpenColorIO ACES 1.0.3 config)
    gopro = [[0.533448429, 0.32413911, 0.142412421], [-0.050729924, 1.07572006, -0.024990416],
             [0.071419661, -0.290521962, 1.219102381]]
    np.testing.assert_allclose(spaces.get("Linear Protune Native").matrix_to_ap0, gopro, atol=1e-6)


def test_venice_primaries_reproduce_sonys_matrices():
    for name, cfg_name in (("Linear Venice S-Gamut3", "Linear Venice S-Gamut3"),):
        s = spaces.get(name)
        from aceskit import colorimetry as C
        derived = np.linalg.solve(C.npm(C.PRIMARIES["AP0"], C.WHITES["ACES"]),
                                  C.cat_matrix(s.white, C.WHITES["ACES"], "CAT02") @ C.npm(s.primaries, s.white))
        np.testing.assert_allclose(derived, s.matrix_to_ap0, atol=1e-9)


def test_cie_xyz_d65_is_the_bradford_adapted_ap0_matrix():
    # AP0 -> CIE XYZ-D65 (Bradford), as printed in OpenColorIO's UTILITY builtin to 15 digits
    expected = [[0.938279849277257, -0.004451445812361, 0.016627523586776],
                [0.337368890787837, 0.729521566690265, -0.066890457478102],
                [0.001173950849686, -0.003710706402053, 1.091594506312245]]
    np.testing.assert_allclose(np.linalg.inv(spaces.get("CIE XYZ-D65").matrix_to_ap0), expected, atol=1e-9)


def test_curve_only_spaces_take_an_explicit_gamut():
    cine = spaces.get("Cineon", gamut="Linear Rec.709 (sRGB)")
    assert cine.name == "Cineon (Linear Rec.709 (sRGB))"
    np.testing.assert_allclose(cine.matrix_to_ap0, spaces.get("Linear Rec.709 (sRGB)").matrix_to_ap0)
    # Cinematic Color §4.1.22: 18 % grey encodes to 0.4573196 (CV 467.8); neutrals stay neutral in AP0
    grey = convert(np.full(3, 0.4573196130854184), cine, "ACES2065-1")
    np.testing.assert_allclose(grey, 0.18, rtol=1e-9)
    with pytest.raises(ValueError, match="curve-only"):
        spaces.get("ACEScct", gamut="Linear Rec.709 (sRGB)")
    with pytest.raises(ValueError, match="linear"):
        spaces.get("Cineon", gamut="ACEScct")


def test_chromaticity_and_interop_lookup():
    assert spaces.find_by_chromaticities(spaces.get("ACEScg").chromaticities).name == "ACEScg"
    near = np.array(spaces.get("Linear Rec.2020").chromaticities) + 0.0009
    assert spaces.find_by_chromaticities(near).name == "Linear Rec.2020"
    assert spaces.find_by_chromaticities(near + 0.002) is None
    assert spaces.find_by_interop_id("lin_ap1_scene").name == "ACEScg"


def test_openexr_agrees_on_interop_ids_and_chromaticities():
    import OpenEXR
    for iid in ("lin_ap0_scene", "lin_ap1_scene", "lin_rec709_scene", "lin_p3d65_scene", "lin_rec2020_scene",
                "lin_adobergb_scene"):
        chroma = np.array(OpenEXR.colorInteropIDToChromaticities(iid)).reshape(-1)
        np.testing.assert_allclose(spaces.find_by_interop_id(iid).chromaticities, chroma, atol=1e-6)


def test_every_space_round_trips_through_aces(rng):
    for name in spaces.names():
        s = spaces.get(name)
        if name.startswith("ACESproxy"):
            continue  # quantised to integer code values
        lo = 0.05 if s.referred == "display" or not s.is_linear else -0.05
        code = rng.uniform(lo, 0.95, (500, 3))
        if s.clamp_ap0:  # AP0 is clamped at 0, so only colors inside AP0 survive the trip
            code = 0.45 + rng.uniform(-0.02, 0.02, (500, 3))
        back = convert(convert(code, name, "ACES2065-1"), "ACES2065-1", name)
        ok = np.isclose(back, code, rtol=1e-9, atol=1e-9)
        assert ok.all(), f"{name}: {code[~ok.all(-1)][:3]} -> {back[~ok.all(-1)][:3]}"


def test_docs_table_is_generated_from_the_registry():
    from pathlib import Path
    import drift
    doc = (Path(__file__).parents[1] / "docs" / "colorspaces.md").read_text(encoding="utf-8")
    table = spaces.markdown_table()
    drift.assert_no_drift(table, doc[len(doc) - len(table):], "docs/colorspaces.md",
                          "Replace its table with aceskit.spaces.markdown_table().")


def test_explicit_matrix_arithmetic_matches_lapack_and_is_exact_in_order(rng):
    """Matrices are derived with fixed-order float64 products and cofactor inverses (the same bits
    on every CPU); they agree with numpy's BLAS/LAPACK to rounding and obey the inverse law."""
    from aceskit import colorimetry as C
    for _ in range(50):
        a, b = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
        np.testing.assert_allclose(C.matmul(a, b), a @ b, rtol=1e-13, atol=1e-14)
        np.testing.assert_allclose(C.matmul(a, b[:, 0]), a @ b[:, 0], rtol=1e-13, atol=1e-14)
        np.testing.assert_allclose(C.inverse(a), np.linalg.inv(a), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(C.matmul(C.inverse(a), a), np.eye(3), atol=1e-10)
    m = [[1.0, 2.0, 3.0], [0.5, 0.25, 0.125], [3.0, 1.0, 2.0]]
    # the product in the documented order: ((a0·b0 + a1·b1) + a2·b2) in float64, row by column
    assert C.matmul(m, m)[1, 2] == (0.5 * 3.0 + 0.25 * 0.125) + 0.125 * 2.0
    with pytest.raises(ValueError, match="invertible"):
        C.inverse([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 0.0]])
