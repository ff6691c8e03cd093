"""The registry of color spaces.

Names follow the ACES studio config that ships inside OpenColorIO
(``ocio://studio-config-latest``) wherever it has the space, with its aliases;
spaces it lacks are named in the same style.  Every record carries what a
conversion needs (primaries, white, transfer, the CAT used to reach the ACES
white) and what interchange needs (EXR ``colorInteropID``, ACES transform IDs).

    >>> from aceskit import spaces
    >>> spaces.get("logc3ei800_alexawide").name
    'ARRI LogC3 (EI800)'
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from typing import Optional, Union

import numpy as np

from . import colorimetry as C
from . import transfer as T

Encoding = Union[T.Transfer, T.PixelTransfer, None]

V15 = "urn:ampas:aces:transformId:v1.5:"
V20 = "urn:ampas:aces:transformId:v2.0:"


@dataclass(frozen=True, eq=False)
class ColorSpace:
    """One color space: linear RGB (primaries + white) plus an optional encoding.

    ``cat`` is the chromatic adaptation used between this space's white and the ACES white
    (Bradford for ACES/OCIO display and utility paths, the vendor's CAT for camera gamuts).
    ``to_ap0`` overrides the primaries-derived matrix where a vendor publishes a matrix
    (Sony Venice).  ``clamp_ap0`` clamps ACES2065-1 to >= 0: ``"encode"`` before encoding, as the
    reference CTL does for ACEScc and ACESproxy; ``"both"`` also after decoding, as OpenColorIO's
    ACEScc does.  ``curve_only`` marks encodings defined without a gamut
    (Cineon, PLogLin), registered over AP1; pass ``gamut=`` to :func:`get` for another one.
    """

    name: str
    family: str
    primaries: C.Primaries
    white: C.XY
    transfer: Encoding = None
    cat: Optional[str] = "Bradford"
    aliases: tuple[str, ...] = ()
    referred: str = "scene"
    interop_id: Optional[str] = None
    aces_transform_ids: tuple[str, ...] = ()
    to_ap0: Optional[tuple] = field(default=None, repr=False)
    npm_white: Optional[C.XY] = None
    clamp_ap0: Optional[str] = None
    curve_only: bool = False
    source: str = ""

    @property
    def is_linear(self) -> bool:
        return self.transfer is None

    @property
    def matrix_to_xyz(self) -> np.ndarray:
        """NPM of the linear gamut (XYZ relative to this space's own white, Y = 1)."""
        return C.npm(self.primaries, self.npm_white or self.white)

    @property
    def matrix_to_ap0(self) -> np.ndarray:
        """Linear RGB -> ACES2065-1, with this space's CAT."""
        if self.to_ap0 is not None:
            return np.array(self.to_ap0, dtype=np.float64)
        ap0 = C.npm(C.PRIMARIES["AP0"], C.WHITES["ACES"])
        return C.matmul(C.inverse(ap0), C.matmul(C.cat_matrix(self.white, C.WHITES["ACES"], self.cat), self.matrix_to_xyz))

    @property
    def chromaticities(self) -> tuple[float, ...]:
        """EXR ``chromaticities`` order: rx, ry, gx, gy, bx, by, wx, wy."""
        (rx, ry), (gx, gy), (bx, by) = self.primaries
        wx, wy = self.npm_white or self.white
        return (rx, ry, gx, gy, bx, by, wx, wy)


_REGISTRY: dict[str, ColorSpace] = {}
_LOOKUP: dict[str, str] = {}


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _all_names(space: ColorSpace) -> tuple[str, ...]:
    """The name, the aliases and the interop ID: everything :func:`get` accepts for ``space``."""
    return (space.name, *space.aliases, *((space.interop_id,) if space.interop_id else ()))


def register(space: ColorSpace) -> ColorSpace:
    for n in _all_names(space):
        k = _key(n)
        if k in _LOOKUP and _LOOKUP[k] != space.name:
            raise ValueError(f"color space name {n!r} is already taken by {_LOOKUP[k]!r}")
    _REGISTRY[space.name] = space
    for n in _all_names(space):
        _LOOKUP[_key(n)] = space.name
    return space


def names() -> list[str]:
    """Every registered name, in registry order (aliases are accepted by :func:`get` too)."""
    return list(_REGISTRY)


def suggestions(name: str, n: int = 3) -> list[str]:
    """Registered names close to ``name`` (a typo, a partial name), best first."""
    def bare(text: str) -> str:
        return "".join(c for c in _key(text) if c.isalnum())

    part = bare(name)
    contains = [v for k, v in _LOOKUP.items() if part and part in bare(k)]
    close = [_LOOKUP[k] for k in difflib.get_close_matches(_key(name), list(_LOOKUP), n=n * 3, cutoff=0.6)]
    return list(dict.fromkeys(contains + close))[:n]


def get(name: Union[str, ColorSpace], gamut: Optional[str] = None) -> ColorSpace:
    """The space with this name, alias or interop ID (case and repeated spaces ignored).

    ``gamut`` names a linear space to carry a curve-only encoding (Cineon, PLogLin) instead
    of its default AP1, e.g. ``get("Cineon", gamut="Linear Rec.709 (sRGB)")``.
    """
    if isinstance(name, ColorSpace):
        space = name
    else:
        if not isinstance(name, str):
            raise TypeError(f"color space must be a name or ColorSpace, got {type(name).__name__}")
        try:
            space = _REGISTRY[_LOOKUP[_key(name)]]
        except KeyError:
            close = suggestions(name)
            hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
            raise KeyError(f"unknown color space {name!r}{hint} ('aceskit spaces' lists them all)") from None
    if gamut is None:
        return space
    if not space.curve_only:
        raise ValueError(f"{space.name!r} has its own gamut; gamut= applies only to curve-only "
                         f"encodings ({', '.join(n for n, s in _REGISTRY.items() if s.curve_only)})")
    g = get(gamut)
    if not g.is_linear:
        raise ValueError(f"gamut must name a linear color space, got {g.name!r}")
    return dataclasses.replace(space, name=f"{space.name} ({g.name})", primaries=g.primaries, white=g.white,
                               cat=g.cat, to_ap0=g.to_ap0, npm_white=g.npm_white, aliases=(), interop_id=None)


def find_by_chromaticities(chroma, tol: float = 0.001, linear_only: bool = True) -> Optional[ColorSpace]:
    """The first registered (linear, by default) space whose chromaticities match within ``tol``."""
    c = np.asarray(chroma, dtype=np.float64).reshape(-1)
    if c.shape != (8,):
        raise ValueError(f"chromaticities must have 8 numbers (rx ry gx gy bx by wx wy), got {c.size}")
    for s in _REGISTRY.values():
        if linear_only and not s.is_linear:
            continue
        if np.all(np.abs(np.asarray(s.chromaticities) - c) <= tol):
            return s
    return None


def find_by_interop_id(interop_id: str) -> Optional[ColorSpace]:
    for s in _REGISTRY.values():
        if s.interop_id == interop_id:
            return s
    return None


# ---------------------------------------------------------------------------
# Registry contents
# ---------------------------------------------------------------------------
P, W = C.PRIMARIES, C.WHITES


def _ids(*names: str) -> tuple[str, ...]:
    return tuple(n if n.startswith("urn:") else (V20 + n) for n in names)


def _camera(name, gamut, white, curve, cat, aliases=(), lin_name=None, lin_aliases=(), interop=None,
            lin_interop=None, ids=(), to_ap0=None, source=""):
    """Register a camera log space and (once) its linear gamut."""
    register(ColorSpace(name, "Camera", gamut, white, curve, cat, aliases, interop_id=interop,
                        aces_transform_ids=ids, to_ap0=to_ap0, source=source))
    if lin_name and _key(lin_name) not in _LOOKUP:
        register(ColorSpace(lin_name, "Camera", gamut, white, None, cat, lin_aliases, interop_id=lin_interop,
                            to_ap0=to_ap0, source=source))


# -- ACES (SMPTE ST 2065-1, AMPAS S-2014-003/004, S-2016-001, S-2013-001) --------------------------------
register(ColorSpace("ACES2065-1", "ACES", P["AP0"], W["ACES"], None, None,
                    ("aces2065_1", "aces", "ACES - ACES2065-1", "lin_ap0", "lin_ap0_scene", "AP0"),
                    interop_id="lin_ap0_scene", source="SMPTE ST 2065-1"))
register(ColorSpace("ACEScg", "ACES", P["AP1"], W["ACES"], None, None,
                    ("ACES - ACEScg", "lin_ap1", "lin_ap1_scene", "AP1"), interop_id="lin_ap1_scene",
                    aces_transform_ids=_ids(V15 + "ACEScsc.Academy.ACES_to_ACEScg.a1.0.3",
                                            V15 + "ACEScsc.Academy.ACEScg_to_ACES.a1.0.3",
                                            "CSC.Academy.ACES_to_ACEScg.a2.v1", "CSC.Academy.ACEScg_to_ACES.a2.v1"),
                    source="AMPAS S-2014-004"))
register(ColorSpace("ACEScct", "ACES", P["AP1"], W["ACES"], T.acescct(), None,
                    ("ACES - ACEScct", "acescct_ap1", "ocio:acescct_ap1_scene"), interop_id="ocio:acescct_ap1_scene",
                    aces_transform_ids=_ids(V15 + "ACEScsc.Academy.ACES_to_ACEScct.a1.0.3",
                                            V15 + "ACEScsc.Academy.ACEScct_to_ACES.a1.0.3",
                                            "CSC.Academy.ACES_to_ACEScct.a2.v1", "CSC.Academy.ACEScct_to_ACES.a2.v1"),
                    source="AMPAS S-2016-001"))
register(ColorSpace("ACEScc", "ACES", P["AP1"], W["ACES"], T.acescc(), None,
                    ("ACES - ACEScc", "acescc_ap1", "ocio:acescc_ap1_scene"), interop_id="ocio:acescc_ap1_scene",
                    aces_transform_ids=_ids(V15 + "ACEScsc.Academy.ACES_to_ACEScc.a1.0.3",
                                            V15 + "ACEScsc.Academy.ACEScc_to_ACES.a1.0.3",
                                            "CSC.Academy.ACES_to_ACEScc.a2.v1", "CSC.Academy.ACEScc_to_ACES.a2.v1"),
                    clamp_ap0="both", source="AMPAS S-2014-003"))
for _bits in (10, 12):
    register(ColorSpace(f"ACESproxy{_bits}i", "ACES", P["AP1"], W["ACES"], T.acesproxy(_bits), None,
                        (f"ACES - ACESproxy{_bits}i", f"acesproxy{_bits}i_ap1"),
                        aces_transform_ids=(V15 + f"ACEScsc.Academy.ACES_to_ACESproxy{_bits}i.a1.0.3",
                                            V15 + f"ACEScsc.Academy.ACESproxy{_bits}i_to_ACES.a1.0.3"),
                        clamp_ap0="encode", source="AMPAS S-2013-001"))

# -- ARRI ---------------------------------------------------------------------------------------------
for _ei in T.arri.LOGC3_EXPOSURE_INDICES:
    _ocio = _ei == 800
    _camera(f"ARRI LogC3 (EI{_ei})", P["AWG3"], W["D65"], T.logc3(_ei), "CAT02",
            (("arri_logc3_ei800", "logc3ei800_alexawide", "Input - ARRI - V3 LogC (EI800) - Wide Gamut",
              "ocio:arrilogc3_awg3_scene", "ARRI LogC3") if _ocio else
             (f"arri_logc3_ei{_ei}", f"logc3ei{_ei}_alexawide", f"Input - ARRI - V3 LogC (EI{_ei}) - Wide Gamut")),
            "Linear ARRI Wide Gamut 3",
            ("lin_arri_wide_gamut_3", "lin_alexawide", "Input - ARRI - Linear - ALEXA Wide Gamut",
             "ocio:lin_awg3_scene"),
            interop="ocio:arrilogc3_awg3_scene" if _ocio else None, lin_interop="ocio:lin_awg3_scene",
            ids=(_ids(V15 + "IDT.ARRI.Alexa-v3-logC-EI800.a1.v2", V15 + "ACEScsc.Academy.LogC_EI800_AWG_to_ACES.a1.1.0")
                 if _ocio else ()) + _ids("CSC.Arri.LogC3_to_ACES.a2.v1", "CSC.Arri.ACES_to_LogC3.a2.v1"),
            source="ARRI ALEXA LogC3 (SUP 3.x) and ALEXA Wide Gamut 3")
_camera("ARRI LogC4", P["AWG4"], W["D65"], T.logc4(), "CAT02", ("arri_logc4", "ocio:arrilogc4_awg4_scene"),
        "Linear ARRI Wide Gamut 4", ("lin_arri_wide_gamut_4", "lin_awg4", "ocio:lin_awg4_scene"),
        "ocio:arrilogc4_awg4_scene", "ocio:lin_awg4_scene",
        _ids("CSC.Arri.LogC4_to_ACES.a2.v1", "CSC.Arri.ACES_to_LogC4.a2.v1"), source="ARRI LogC4 specification (2022)")

# -- Blackmagic ---------------------------------------------------------------------------------------
_camera("BMDFilm WideGamut Gen5", P["BMD WideGamut Gen5"], W["BMD Gen5"], T.bmdfilm_gen5(), "CAT02",
        ("bmdfilm_widegamut_gen5", "ocio:bmdfilm5_wg5_scene"), "Linear BMD WideGamut Gen5",
        ("lin_bmd_widegamut_gen5", "ocio:lin_bmdwg5_scene"), "ocio:bmdfilm5_wg5_scene", "ocio:lin_bmdwg5_scene",
        _ids("CSC.Blackmagic.BMDFilm_WideGamut_Gen5_to_ACES.a2.v1", "CSC.Academy.ACES_to_BMDFilm_WideGamut_Gen5.a2.v1"),
        source="Blackmagic Generation 5 Color Science (2021)")
_camera("DaVinci Intermediate WideGamut", P["DaVinci WideGamut"], W["D65"], T.davinci_intermediate(), "CAT02",
        ("davinci_intermediate_widegamut", "ocio:davinci_dwg_scene"), "Linear DaVinci WideGamut",
        ("lin_davinci_widegamut", "ocio:lin_dwg_scene"), "ocio:davinci_dwg_scene", "ocio:lin_dwg_scene",
        source="DaVinci Wide Gamut Intermediate (2020)")

# -- Canon --------------------------------------------------------------------------------------------
_CG_LIN = ("lin_cinemagamut_d55", "lin_canoncgamutday", "Input - Canon - Linear - Canon Cinema Gamut Daylight",
           "ocio:lin_cgamutd55_scene")
_camera("CanonLog2 CinemaGamut D55", P["CinemaGamut"], W["D65"], T.canon_log2(), "CAT02",
        ("canonlog2_cinemagamut_d55", "canonlog2_cgamutday", "Input - Canon - Canon-Log2 - Cinema Gamut Daylight",
         "ocio:canonlog2_cgamutd55_scene"), "Linear CinemaGamut D55", _CG_LIN, "ocio:canonlog2_cgamutd55_scene",
        "ocio:lin_cgamutd55_scene", _ids("CSC.Canon.CLog2_CGamut_to_ACES.a1.v1", "CSC.Canon.ACES_to_CLog2_CGamut.a1.v1"),
        source="Canon Cinema Gamut / Canon Log 2 IDTs (2020)")
_camera("CanonLog3 CinemaGamut D55", P["CinemaGamut"], W["D65"], T.canon_log3(), "CAT02",
        ("canonlog3_cinemagamut_d55", "canonlog3_cgamutday", "Input - Canon - Canon-Log3 - Cinema Gamut Daylight",
         "ocio:canonlog3_cgamutd55_scene"), interop="ocio:canonlog3_cgamutd55_scene",
        ids=_ids(V15 + "ACEScsc.Academy.CLog3_CGamut_to_ACES.a1.1.0", "CSC.Canon.CLog3_CGamut_to_ACES.a1.v1",
                 "CSC.Canon.ACES_to_CLog3_CGamut.a1.v1"), source="Canon Cinema Gamut / Canon Log 3 IDTs (2020)")
_camera("CanonLog CinemaGamut D55", P["CinemaGamut"], W["D65"], T.canon_log(), "CAT02",
        ("canonlog_cinemagamut_d55", "canonlog_cgamutday"), source="Canon Cinema Gamut / Canon Log IDTs (2020)")

# -- Panasonic, RED, Sony, DJI, Apple, GoPro ---------------------------------------------------------------------
_camera("V-Log V-Gamut", P["V-Gamut"], W["D65"], T.vlog(), "Bradford",
        ("vlog_vgamut", "Input - Panasonic - V-Log - V-Gamut", "ocio:vlog_vgamut_scene"), "Linear V-Gamut",
        ("lin_vgamut", "Input - Panasonic - Linear - V-Gamut", "ocio:lin_vgamut_scene"), "ocio:vlog_vgamut_scene",
        "ocio:lin_vgamut_scene", _ids(V15 + "ACEScsc.Academy.VLog_VGamut_to_ACES.a1.1.0",
                                      "CSC.Panasonic.VLog_VGamut_to_ACES.a2.v1", "CSC.Panasonic.ACES_to_VLog_VGamut.a2.v1"),
        source="Panasonic V-Log/V-Gamut Reference Manual (2014)")
_camera("Log3G10 REDWideGamutRGB", P["REDWideGamutRGB"], W["D65"], T.log3g10(), "Bradford",
        ("log3g10_redwidegamutrgb", "rl3g10_rwg", "Input - RED - REDLog3G10 - REDWideGamutRGB",
         "ocio:redlog3g10_rwg_scene"), "Linear REDWideGamutRGB",
        ("lin_redwidegamutrgb", "lin_rwg", "Input - RED - Linear - REDWideGamutRGB", "ocio:lin_rwg_scene"),
        "ocio:redlog3g10_rwg_scene", "ocio:lin_rwg_scene",
        _ids(V15 + "ACEScsc.Academy.Log3G10_RWG_to_ACES.a1.1.0", "CSC.Red.Log3G10_RWG_to_ACES.a2.v1",
             "CSC.Red.ACES_to_Log3G10_RWG.a2.v1"), source="RED REDWideGamutRGB / Log3G10 white paper")
_camera("REDLogFilm REDWideGamutRGB", P["REDWideGamutRGB"], W["D65"], T.redlogfilm(), "Bradford",
        ("redlogfilm_redwidegamutrgb", "rlf_rwg"), source="RED REDLogFilm (Cineon curve) / REDWideGamutRGB")

_SG3 = dict(lin_aliases=("lin_sgamut3", "Input - Sony - Linear - S-Gamut3", "ocio:lin_sgamut3_scene"))
_camera("S-Log3 S-Gamut3", P["S-Gamut3"], W["D65"], T.slog3(), "CAT02",
        ("slog3_sgamut3", "Input - Sony - S-Log3 - S-Gamut3", "ocio:slog3_sgamut3_scene"), "Linear S-Gamut3",
        _SG3["lin_aliases"], "ocio:slog3_sgamut3_scene", "ocio:lin_sgamut3_scene",
        _ids(V15 + "IDT.Sony.SLog3_SGamut3.a1.v1", V15 + "ACEScsc.Academy.SLog3_SGamut3_to_ACES.a1.1.0",
             "CSC.Sony.SLog3_SGamut3_to_ACES.a2.v1", "CSC.Sony.ACES_to_SLog3_SGamut3.a2.v1"),
        source="Sony S-Gamut3/S-Log3 technical summary")
_camera("S-Log3 S-Gamut3.Cine", P["S-Gamut3.Cine"], W["D65"], T.slog3(), "CAT02",
        ("slog3_sgamut3cine", "slog3_sgamutcine", "Input - Sony - S-Log3 - S-Gamut3.Cine", "ocio:slog3_sgamut3cine_scene"),
        "Linear S-Gamut3.Cine", ("lin_sgamut3cine", "Input - Sony - Linear - S-Gamut3.Cine", "ocio:lin_sgamut3cine_scene"),
        "ocio:slog3_sgamut3cine_scene", "ocio:lin_sgamut3cine_scene",
        _ids(V15 + "IDT.Sony.SLog3_SGamut3Cine.a1.v1", V15 + "ACEScsc.Academy.SLog3_SGamut3Cine_to_ACES.a1.1.0",
             "CSC.Sony.SLog3_SGamut3Cine_to_ACES.a2.v1", "CSC.Sony.ACES_to_SLog3_SGamut3Cine.a2.v1"),
        source="Sony S-Gamut3.Cine/S-Log3 technical summary")
# Sony publishes Venice gamuts as matrices to ACES2065-1 (column vectors), not as primaries.
_VENICE_SG3 = ((0.7933297411, 0.0890786256, 0.1175916333), (0.0155810585, 1.0327123069, -0.0482933654),
               (-0.0188647478, 0.0127694121, 1.0060953358))
_VENICE_SG3C = ((0.6742570921, 0.2205717359, 0.1051711720), (-0.0093136061, 1.1059588614, -0.0966452553),
                (-0.0382090673, -0.0179383766, 1.0561474439))


def _primaries_of(to_ap0) -> C.Primaries:
    """Primaries (D65-adapted with CAT02) that a vendor matrix to AP0 implies."""
    to_xyz_aces = C.matmul(C.npm(P["AP0"], W["ACES"]), to_ap0)
    return C.primaries_from_matrix(C.matmul(C.cat_matrix(W["ACES"], W["D65"], "CAT02"), to_xyz_aces))


for _nm, _m, _al, _lal, _i, _id in (
        ("Venice S-Gamut3", _VENICE_SG3, ("slog3_venice_sgamut3", "Input - Sony - S-Log3 - Venice S-Gamut3"),
         ("lin_venice_sgamut3", "Input - Sony - Linear - Venice S-Gamut3"), "sgamut3venice", "Venice_SLog3_SGamut3"),
        ("Venice S-Gamut3.Cine", _VENICE_SG3C,
         ("slog3_venice_sgamut3cine", "slog3_venice_sgamutcine", "Input - Sony - S-Log3 - Venice S-Gamut3.Cine"),
         ("lin_venice_sgamut3cine", "Input - Sony - Linear - Venice S-Gamut3.Cine"), "sgamut3cinevenice",
         "Venice_SLog3_SGamut3Cine")):
    _camera(f"S-Log3 {_nm}", _primaries_of(_m), W["D65"], T.slog3(), "CAT02", _al + (f"ocio:slog3_{_i}_scene",),
            f"Linear {_nm}", _lal + (f"ocio:lin_{_i}_scene",), f"ocio:slog3_{_i}_scene", f"ocio:lin_{_i}_scene",
            _ids(f"CSC.Sony.{_id}_to_ACES.a2.v1", f"CSC.Sony.ACES_to_{_id}.a2.v1"), to_ap0=_m,
            source="Sony Venice IDT matrices")
_camera("S-Log2 S-Gamut", P["S-Gamut3"], W["D65"], T.slog2(), "CAT02", ("slog2_sgamut",), "Linear S-Gamut",
        ("lin_sgamut",), source="Sony S-Log2 Technical Paper; S-Gamut = S-Gamut3 primaries")
_camera("D-Log D-Gamut", P["D-Gamut"], W["D65"], T.dlog(), "CAT02", ("dlog_dgamut", "ocio:djilog_dgamut_scene"),
        "Linear D-Gamut", ("lin_dgamut", "ocio:lin_dgamut_scene"), "ocio:djilog_dgamut_scene", "ocio:lin_dgamut_scene",
        _ids("CSC.DJI.DLog_DGamut_to_ACES.a1.v1", "CSC.DJI.ACES_to_DLog_DGamut.a1.v1"),
        source="DJI D-Log/D-Gamut white paper")
_camera("Apple Log", P["Rec.2020"], W["D65"], T.apple_log(), "Bradford", ("apple_log", "ocio:applelog_rec2020_scene"),
        interop="ocio:applelog_rec2020_scene",
        ids=_ids("CSC.Apple.AppleLog_BT2020_to_ACES.a2.v1", "CSC.Apple.ACES_to_AppleLog_BT2020.a2.v1"),
        source="Apple Log Profile White Paper (2023)")
_camera("Protune Flat Protune Native", P["Protune Native"], W["D65"], T.protune(), "CAT02",
        ("protuneflat_protunenative", "Protune Flat - Protune Native"), "Linear Protune Native",
        ("lin_protunenative",), source="GoPro Protune; primaries reproducing GoPro's ACES matrix")

# -- Film curves over a chosen gamut ---------------------------------------------------------------------
register(ColorSpace("Cineon", "Film", P["AP1"], W["ACES"], T.cineon(), None, ("cineon_ap1", "cineon_log"),
                    curve_only=True, source="Kodak Cineon; Cinematic Color §4.1.22"))
register(ColorSpace("PLogLin", "Film", P["AP1"], W["ACES"], T.ploglin(), None, ("ploglin_ap1", "plog"),
                    curve_only=True, source="Josh Pines pivoted log"))

# -- Scene-referred utility and texture spaces (Bradford to the ACES white) ---------------------------------
for _nm, _g, _w, _al, _i in (
        ("Linear Rec.709 (sRGB)", "Rec.709", "D65",
         ("lin_rec709_srgb", "lin_rec709", "lin_rec709_scene", "lin_srgb", "Utility - Linear - sRGB",
          "Utility - Linear - Rec.709", "Linear Rec.709"), "lin_rec709_scene"),
        ("Linear Rec.2020", "Rec.2020", "D65", ("lin_rec2020", "lin_rec2020_scene", "Utility - Linear - Rec.2020"),
         "lin_rec2020_scene"),
        ("Linear P3-D65", "P3", "D65", ("lin_p3d65", "lin_displayp3", "lin_p3d65_scene", "Utility - Linear - P3-D65",
                                        "Linear Display P3"), "lin_p3d65_scene"),
        ("Linear AdobeRGB", "AdobeRGB", "D65", ("lin_adobergb", "lin_adobergb_scene", "Utility - Linear - Adobe RGB"),
         "lin_adobergb_scene")):
    register(ColorSpace(_nm, "Utility", P[_g], W[_w], None, "Bradford", _al, interop_id=_i, source="ITU-R / SMPTE / Adobe"))
register(ColorSpace("CIE XYZ-D65 - Scene-referred", "Utility", P["XYZ"], W["D65"], None, "Bradford",
                    ("CIE XYZ-D65", "cie_xyz_d65_scene", "lin_ciexyzd65_scene"), npm_white=W["E"],
                    interop_id="lin_ciexyzd65_scene", source="CIE 1931 XYZ, D65 adopted white"))
register(ColorSpace("Camera Rec.709", "Utility", P["Rec.709"], W["D65"], T.moncurve(1.0 / 0.45, 0.099), "Bradford",
                    ("camera_rec709", "rec709_camera", "Utility - Rec.709 - Camera", "ocio:itu709_rec709_scene"),
                    interop_id="ocio:itu709_rec709_scene", source="ITU-R BT.709-6 OETF (C¹ form, as OpenColorIO)"))
register(ColorSpace("Camera Rec.2020", "Utility", P["Rec.2020"], W["D65"], T.bt2020_oetf(), "Bradford",
                    ("camera_rec2020", "rec2020_camera"), source="ITU-R BT.2020-2 OETF (full-precision constants)"))
for _nm, _g, _tr, _al, _i in (
        ("sRGB Encoded Rec.709 (sRGB)", "Rec.709", T.srgb(),
         ("srgb_encoded_rec709_srgb", "srgb_texture", "srgb_rec709_scene", "Utility - sRGB - Texture",
          "Input - Generic - sRGB - Texture", "sRGB - Texture", "srgb_tx"), "srgb_rec709_scene"),
        ("Gamma 1.8 Encoded Rec.709", "Rec.709", T.gamma(1.8),
         ("g18_encoded_rec709", "g18_rec709", "Utility - Gamma 1.8 - Rec.709 - Texture", "Gamma 1.8 Rec.709 - Texture",
          "g18_rec709_tx", "g18_rec709_scene"), "g18_rec709_scene"),
        ("Gamma 2.2 Encoded Rec.709", "Rec.709", T.gamma(2.2),
         ("g22_encoded_rec709", "g22_rec709", "Utility - Gamma 2.2 - Rec.709 - Texture", "Gamma 2.2 Rec.709 - Texture",
          "g22_rec709_tx", "g22_rec709_scene"), "g22_rec709_scene"),
        ("Gamma 2.4 Encoded Rec.709", "Rec.709", T.gamma(2.4),
         ("g24_encoded_rec709", "g24_rec709", "rec709_display", "Utility - Rec.709 - Display",
          "Gamma 2.4 Rec.709 - Texture", "g24_rec709_tx", "ocio:g24_rec709_scene", "g24_rec709_scene"),
         "g24_rec709_scene"),
        ("sRGB Encoded P3-D65", "P3", T.srgb(),
         ("srgb_encoded_p3d65", "srgb_p3d65", "srgb_displayp3", "srgb_p3d65_scene", "sRGB Encoded P3-D65 - Texture",
          "srgb_encoded_p3d65_tx"), "srgb_p3d65_scene"),
        ("Gamma 2.2 Encoded AdobeRGB", "AdobeRGB", T.gamma(2.19921875),
         ("g22_encoded_adobergb", "adobergb", "g22_adobergb_scene"), "g22_adobergb_scene")):
    register(ColorSpace(_nm, "Texture", P[_g], W["D65"], _tr, "Bradford", _al, interop_id=_i,
                        source="IEC 61966-2-1 / Adobe RGB (1998) / pure gamma"))
register(ColorSpace("sRGB Encoded AP1", "Texture", P["AP1"], W["ACES"], T.srgb(), None,
                    ("srgb_encoded_ap1", "srgb_ap1", "srgb_ap1_scene", "sRGB Encoded AP1 - Texture", "srgb_encoded_ap1_tx"),
                    interop_id="srgb_ap1_scene", source="IEC 61966-2-1 curve over AP1"))
register(ColorSpace("Gamma 2.2 Encoded AP1", "Texture", P["AP1"], W["ACES"], T.gamma(2.2), None,
                    ("g22_encoded_ap1", "g22_ap1", "Gamma 2.2 AP1 - Texture", "g22_ap1_tx", "g22_ap1_scene"),
                    interop_id="g22_ap1_scene", source="pure 2.2 gamma over AP1"))

# -- Display-referred encodings (OpenColorIO convention: linear 1.0 = 100 cd/m², reached from ACES with
#    Bradford through CIE XYZ-D65, the display connection space) ---------------------------------------------
_OUT = V20 + "Output.Academy."
for _nm, _g, _w, _tr, _al, _i, _ids_ in (
        ("sRGB - Display", "Rec.709", "D65", T.srgb("mirror"), ("srgb_display", "srgb_rec709_display"),
         "srgb_rec709_display", ("Rec709-D65_100nit_in_Rec709-D65_sRGB-Piecewise.a2.v1",)),
        ("Gamma 2.2 Rec.709 - Display", "Rec.709", "D65", T.gamma(2.2, "mirror"), ("g22_rec709_display",),
         "g22_rec709_display", ("Rec709-D65_100nit_in_Rec709-D65_Gamma2pt2.a2.v1",)),
        ("Rec.1886 Rec.709 - Display", "Rec.709", "D65", T.bt1886(), ("rec1886_rec709_display", "g24_rec709_display"),
         "g24_rec709_display", ("Rec709-D65_100nit_in_Rec709-D65_BT1886.a2.v1",)),
        ("Display P3 - Display", "P3", "D65", T.srgb("mirror"), ("displayp3_display", "srgb_p3d65_display"),
         "srgb_p3d65_display", ("P3-D65_100nit_in_P3-D65_sRGB-Piecewise.a2.v1",)),
        ("Gamma 2.6 P3-D65 - Display", "P3", "D65", T.gamma(2.6, "mirror"),
         ("g26_p3d65_display", "P3-D65 - Display", "p3d65_display"), "g26_p3d65_display",
         ("P3-D65_48nit_in_P3-D65_Gamma2pt6.a2.v1",)),
        ("Gamma 2.6 P3-DCI - Display", "P3", "DCI", T.gamma(2.6, "clamp"), ("g26_p3dci_display", "P3-DCI - Display"),
         None, ()),
        ("Gamma 2.6 P3-D60 - Display", "P3", "ACES", T.gamma(2.6, "clamp"), ("g26_p3d60_display", "P3-D60 - Display"),
         None, ()),
        ("Rec.2100-PQ - Display", "Rec.2020", "D65", T.pq(), ("rec2100_pq_display", "pq_rec2020_display"),
         "pq_rec2020_display", ("Rec2100-D65_1000nit_in_Rec2100-D65_ST2084.a2.v1",)),
        ("ST2084-P3-D65 - Display", "P3", "D65", T.pq(), ("st2084_p3d65_display", "pq_p3d65_display"),
         "pq_p3d65_display", ("P3-D65_1000nit_in_P3-D65_ST2084.a2.v1",)),
        ("Rec.2100-HLG - Display", "Rec.2020", "D65", T.hlg_display(), ("rec2100_hlg_display", "hlg_rec2020_display"),
         "hlg_rec2020_display", ("P3-D65_1000nit_in_Rec2100-D65_HLG.a2.v1",))):
    register(ColorSpace(_nm, "Display", P[_g], W[_w], _tr, "Bradford", _al, referred="display", interop_id=_i,
                        aces_transform_ids=tuple(_OUT + x for x in _ids_), source="ITU-R / IEC / SMPTE display standards"))
register(ColorSpace("DCDM XYZ - Display", "Display", P["XYZ"], W["D65"], T.dcdm(), "Bradford",
                    ("dcdm_xyz_display", "DCDM X'Y'Z'"), referred="display", npm_white=W["E"],
                    source="SMPTE ST 428-1 (X'Y'Z', 48/52.37, gamma 2.6), D65 mastering white"))
register(ColorSpace("CIE XYZ-D65 - Display-referred", "Display", P["XYZ"], W["D65"], None, "Bradford",
                    ("cie_xyz_d65_display", "lin_ciexyzd65_display", "ocio:lin_ciexyzd65_display"), referred="display",
                    npm_white=W["E"], interop_id="ocio:lin_ciexyzd65_display", source="display connection space"))


def markdown_table() -> str:
    """The registry as the Markdown table of docs/colorspaces.md."""
    def xy(p):
        return " ".join(f"({x:.6g}, {y:.6g})" for x, y in p)

    whites = {v: k for k, v in C.WHITES.items()}
    rows = ["| name | aliases | primaries (R G B xy) | white | transfer | CAT to ACES | interop ID | source |",
            "|---|---|---|---|---|---|---|---|"]
    for s in _REGISTRY.values():
        prim = "XYZ" if s.primaries == C.PRIMARIES["XYZ"] else (
            "vendor matrix to AP0" if s.to_ap0 is not None else xy(s.primaries))
        tr = s.transfer.name if s.transfer is not None else "linear"
        cat = s.cat or "none"
        rows.append(f"| {s.name} | {', '.join(s.aliases)} | {prim} | {whites.get(tuple(s.white), s.white)} | {tr} | "
                    f"{cat} | {s.interop_id or ''} | {s.source} |")
    return "\n".join(rows) + "\n"
