"""Transfer functions against colour-science, published points, and the inverse law."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from aceskit import transfer as T

warnings.filterwarnings("ignore", module="colour")
import colour
from colour.models.rgb.transfer_functions import itur_bt_2020  # noqa: E402

X = np.concatenate([np.linspace(0.0, 1.0, 501), np.geomspace(1e-4, 60.0, 400)])
V = np.linspace(0.05, 1.0, 400)


def close(a, b, rtol=1e-9, atol=1e-12):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=rtol, atol=atol)


# (our transfer, colour-science encode, colour-science decode, rtol) — same formulas, independent code
CASES = {
    "ACEScct": (T.acescct(), colour.models.log_encoding_ACEScct, colour.models.log_decoding_ACEScct, 1e-12),
    "ACEScc": (T.acescc(), colour.models.log_encoding_ACEScc, colour.models.log_decoding_ACEScc, 1e-12),
    "LogC4": (T.logc4(), colour.models.log_encoding_ARRILogC4, colour.models.log_decoding_ARRILogC4, 1e-12),
    "S-Log3": (T.slog3(), colour.models.log_encoding_SLog3, colour.models.log_decoding_SLog3, 1e-12),
    "S-Log2": (T.slog2(), colour.models.log_encoding_SLog2, colour.models.log_decoding_SLog2, 1e-12),
    "V-Log": (T.vlog(), colour.models.log_encoding_VLog, colour.models.log_decoding_VLog, 1e-12),
    "Log3G10": (T.log3g10(), colour.models.log_encoding_Log3G10, colour.models.log_decoding_Log3G10, 1e-12),
    "BMD Gen5": (T.bmdfilm_gen5(), colour.models.oetf_BlackmagicFilmGeneration5,
                 colour.models.oetf_inverse_BlackmagicFilmGeneration5, 1e-12),
    "DaVinci Intermediate": (T.davinci_intermediate(), colour.models.oetf_DaVinciIntermediate,
                             colour.models.oetf_inverse_DaVinciIntermediate, 1e-12),
    "Canon Log v1.2": (T.canon_log(), colour.models.log_encoding_CanonLog, colour.models.log_decoding_CanonLog, 1e-9),
    "Canon Log 2 v1.2": (T.canon_log2(), colour.models.log_encoding_CanonLog2, colour.models.log_decoding_CanonLog2,
                         1e-7),
    "Canon Log 3 v1.2": (T.canon_log3(), colour.models.log_encoding_CanonLog3, colour.models.log_decoding_CanonLog3,
                         1e-9),
    "Protune": (T.protune(), colour.models.log_encoding_Protune, colour.models.log_decoding_Protune, 1e-12),
    "Cineon": (T.cineon(), colour.models.log_encoding_Cineon, colour.models.log_decoding_Cineon, 1e-12),
    "REDLogFilm": (T.redlogfilm(), colour.models.log_encoding_REDLogFilm, colour.models.log_decoding_REDLogFilm,
                   1e-12),
    "PLogLin": (T.ploglin(), colour.models.log_encoding_PivotedLog, colour.models.log_decoding_PivotedLog, 1e-12),
    "BT.2020 precise": (T.bt2020_oetf(),
                        lambda x: colour.models.oetf_BT2020(x, constants=itur_bt_2020.CONSTANTS_BT2020_PRECISE),
                        lambda v: colour.models.oetf_inverse_BT2020(v, constants=itur_bt_2020.CONSTANTS_BT2020_PRECISE),
                        1e-12),
    "BT.709": (T.bt709_oetf(), colour.models.oetf_BT709, colour.models.oetf_inverse_BT709, 1e-12),
    "HLG OETF": (T.hlg_oetf(), colour.models.oetf_BT2100_HLG, colour.models.oetf_inverse_BT2100_HLG, 1e-12),
    "PQ (1.0 = 100 nits)": (T.pq(), lambda x: colour.models.eotf_inverse_ST2084(x * 100.0),
                            lambda v: colour.models.eotf_ST2084(v) / 100.0, 1e-9),
    "BT.1886 Lb=0.1": (T.bt1886(100.0, 0.1), lambda x: colour.models.eotf_inverse_BT1886(x * 100.0, 0.1, 100.0),
                       lambda v: colour.models.eotf_BT1886(v, 0.1, 100.0) / 100.0, 1e-12),
    "DCDM": (T.dcdm(), lambda x: colour.models.eotf_inverse_DCDM(x * 48.0),
             lambda v: colour.models.eotf_DCDM(v) / 48.0, 1e-12),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_against_colour_science(case):
    ours, enc, dec, rtol = CASES[case]
    x = X[X <= 1.0] if case in ("DCDM", "HLG OETF", "BT.2020 precise", "BT.709", "Protune") else X
    if case == "PLogLin":
        x = x[x > 0]  # a pure log: 0 is outside its domain
    close(ours.encode(x), enc(x), rtol=rtol, atol=1e-12)
    v = ours.encode(x)
    close(ours.decode(v), dec(v), rtol=max(rtol, 1e-10), atol=1e-12)


@pytest.mark.parametrize("ei", [160, 200, 250, 320, 400, 500, 640, 800, 1000, 1280, 1600])
def test_logc3_exposure_indices_against_colour_science(ei):
    """colour-science stores ARRI's 6-decimal table; the parametric model agrees to ARRI's rounding."""
    ours = T.logc3(ei)
    x = np.geomspace(1e-4, 50.0, 300)
    close(ours.encode(x), colour.models.log_encoding_ARRILogC3(x, EI=ei), rtol=0, atol=2e-6)
    v = np.linspace(0.1, 1.0, 300)
    close(ours.decode(v), colour.models.log_decoding_ARRILogC3(v, EI=ei), rtol=2e-5, atol=1e-7)
    table = colour.models.rgb.transfer_functions.arri.DATA_ALEXA_LOG_C_CURVE_CONVERSION[
        "SUP 3.x"]["Linear Scene Exposure Factor"][ei]
    p = T.logc3_parameters(ei)
    for key, published in zip(("cut", "a", "b", "c", "d", "e", "f"), table):
        assert round(getattr(p, key), 6) == pytest.approx(published, abs=1.01e-6), key


@pytest.mark.parametrize("method", ["v1", "v1.2"])
def test_canon_log_versions_describe_the_same_curve(method):
    for ours, ref in ((T.canon_log(method), colour.models.log_encoding_CanonLog),
                      (T.canon_log2(method), colour.models.log_encoding_CanonLog2),
                      (T.canon_log3(method), colour.models.log_encoding_CanonLog3)):
        x = np.linspace(-0.05, 2.0, 300)
        close(ours.encode(x), ref(x, method=method), rtol=1e-7, atol=1e-9)
    close(T.canon_log3("v1").encode(X), T.canon_log3("v1.2").encode(X), rtol=0, atol=5e-8)


def test_hlg_display_against_colour_science():
    e = np.random.default_rng(3).uniform(0.05, 1.0, (500, 3))
    ours = T.hlg_display(1000.0, 0.0).decode(e)
    ref = colour.models.eotf_BT2100_HLG(e, L_B=0, L_W=1000) / 100.0
    close(ours, ref, rtol=1e-9)
    close(T.hlg_display().encode(ours), e, rtol=1e-9)
    lifted = T.hlg_display(1000.0, 0.005).decode(e)
    close(lifted, colour.models.eotf_BT2100_HLG(e, L_B=0.005, L_W=1000) / 100.0, rtol=1e-9)


@pytest.mark.parametrize("tr, x, v", [
    (T.acescct(), 0.18, 0.4135884024924423),         # S-2016-001
    (T.acescc(), 0.18, 0.4135884024924423),          # S-2014-003
    (T.logc3(800), 0.18, 0.39100683203408376),       # ARRI: 18 % grey at CV 400
    (T.logc4(), 0.18, 0.2783958365482653),           # ARRI LogC4 spec
    (T.slog3(), 0.18, 420.0 / 1023.0),               # Sony: grey at CV 420
    (T.log3g10(), 0.18, 0.33333291),                 # RED: grey at (almost exactly) 1/3
    (T.vlog(), 0.0, 0.125),                          # Panasonic: black at CV 128
    (T.cineon(), 1.0, 685.0 / 1023.0),               # Kodak: white at CV 685
    (T.ploglin(), 0.18, 445.0 / 1023.0),             # pivot CV 445
    (T.pq(), 100.0, 1.0),                            # 10 000 cd/m² at 1.0
    (T.pq(), 1.0, 0.508078421517399),                # 100 cd/m²
])
def test_published_points(tr, x, v):
    assert float(tr.encode(x)) == pytest.approx(v, abs=2e-7)


ALL = [T.acescc(), T.acescct(), T.logc3(800), T.logc3(160), T.logc4(), T.slog2(), T.slog3(), T.canon_log(),
       T.canon_log2(), T.canon_log3(), T.vlog(), T.log3g10(), T.bmdfilm_gen5(), T.davinci_intermediate(),
       T.protune(), T.cineon(), T.ploglin(), T.apple_log(), T.dlog(), T.srgb(), T.srgb("mirror"), T.pq(),
       T.hlg_oetf(), T.bt1886(), T.bt1886(100, 0.05), T.bt709_oetf(), T.bt2020_oetf(), T.gamma(2.6, "mirror"),
       T.gamma(2.2), T.moncurve(1 / 0.45, 0.099), T.dcdm(), T.legal_range(T.slog3(), 10)]


@pytest.mark.parametrize("tr", ALL, ids=lambda t: t.name)
@settings(max_examples=60, deadline=None)
@given(x=st.floats(min_value=1e-3, max_value=8.0))
def test_decode_inverts_encode(tr, x):
    if tr.name in ("Protune Flat", "HLG OETF", "DCDM X'Y'Z'"):
        x = min(x, 1.0)
    assert float(tr.decode(tr.encode(x))) == pytest.approx(x, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_dtype_and_shape_are_preserved(dtype):
    a = np.linspace(0, 1, 24, dtype=dtype).reshape(2, 4, 3)
    out = T.logc3().encode(a)
    assert out.dtype == dtype and out.shape == a.shape


def test_parameter_validation():
    with pytest.raises(ValueError, match="exposure index"):
        T.logc3(3200)
    with pytest.raises(ValueError, match="method"):
        T.canon_log("v2")
    with pytest.raises(ValueError, match="bit_depth"):
        T.acesproxy(8)
    with pytest.raises(ValueError, match="Lb"):
        T.bt1886(100, 200)


@pytest.mark.parametrize("bits, black, white", [(8, 16, 235), (10, 64, 940), (12, 256, 3760), (16, 4096, 60160)])
def test_legal_range_puts_black_and_white_on_the_published_code_values(bits, black, white):
    """ITU-R BT.709/BT.2100 narrow range: black and nominal white at 16 and 235 (8-bit), 64 and 940
    (10-bit), 256 and 3760 (12-bit), 4096 and 60160 (16-bit); in between as colour-science's full_to_legal."""
    inner = T.gamma(2.4)                                   # 0 -> 0, 1 -> 1
    tr = T.legal_range(inner, bits)
    top = 2.0 ** bits - 1.0
    np.testing.assert_allclose(np.asarray(tr.encode(np.array([0.0, 1.0]))) * top, [black, white], rtol=0, atol=1e-9)
    x = np.linspace(0.0, 1.0, 101)
    legal = colour.models.full_to_legal(np.asarray(inner.encode(x)), bits)
    np.testing.assert_allclose(tr.encode(x), legal, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(tr.decode(np.array([black, white]) / top), [0.0, 1.0], rtol=0, atol=1e-12)
