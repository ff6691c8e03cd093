"""An OpenColorIO v2 config holding every aceskit color space, the RGC looks and ACES views.

- Color spaces: every name of :func:`aceskit.spaces.names` with its aliases.  Where the ACES
  studio config inside OpenColorIO has the space, its own transforms are used (OpenColorIO's
  built-in ACES definitions); linear gamuts it lacks get a ``MatrixTransform``; the remaining
  encodings are the core's op chains compiled by :func:`aceskit.targets.ctf.to_ocio`.
  Transforms that need a lookup table are written as CTF files beside the config.
- Looks: ``ACES 1.3 Reference Gamut Compression`` (AP0 -> AP1, ``ACES_GAMUT_COMP_13``, AP1 -> AP0,
  from :func:`aceskit.rgc.chain`), plus one parametric preset per camera gamut (see
  :func:`camera_params`).
- Displays and views: the ACES 2.0 output transforms of ``ocio://studio-config-latest`` and the
  ACES 1.x ones of the ACES 1.3 studio config, as shared views on every display.
- Roles, file rules and viewing rules as the studio config sets them, so Nuke, Resolve and
  Blender (the ``OCIO`` environment variable) can load the file.

The file is written as profile 2.4 so that OpenColorIO 2.4 hosts load it: studio definitions that
need a newer profile are replaced by aceskit's own, and interchange attributes (AMF transform
IDs) move into descriptions.  The ACES 2 definitions come from the installed OpenColorIO's
``studio-config-latest`` (tested with PyOpenColorIO 2.6); PyOpenColorIO is imported on first use.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

import numpy as np

from . import __version__, fileio, optional, rgc, spaces
from .convert import plan

ACES2_CONFIG = "ocio://studio-config-latest"
ACES13_CONFIG = "ocio://studio-config-v2.2.0_aces-v1.3_ocio-v2.4"
#: Profile version written: 2.4 is the first with the ACES 2.0 output transforms (Blender 5.0 loads it).
PROFILE = (2, 4)
RGC_LOOK = "ACES 1.3 Reference Gamut Compression"
RAW = "Raw"
XYZ_DISPLAY = "CIE XYZ-D65 - Display-referred"
ROLES = {
    "aces_interchange": "ACES2065-1", "cie_xyz_d65_interchange": XYZ_DISPLAY, "scene_linear": "ACEScg",
    "rendering": "ACEScg", "color_timing": "ACEScct", "compositing_log": "ACEScct", "matte_paint": "ACEScct",
    "color_picking": "sRGB Encoded Rec.709 (sRGB)", "texture_paint": "sRGB Encoded Rec.709 (sRGB)",
    "data": RAW, "default_byte": "sRGB Encoded Rec.709 (sRGB)", "default_float": "ACEScg",
    "default_sequencer": "sRGB Encoded Rec.709 (sRGB)",
}
_RULE_SCENE, _RULE_VIDEO = "Any Scene-linear or Log", "Any Video"


def _ocio():
    return optional.require("PyOpenColorIO", "the OpenColorIO config", "opencolorio")


@lru_cache(maxsize=None)
def _builtin(uri: str):
    return _ocio().Config.CreateFromFile(uri)


def _allowed(cs) -> bool:
    """True if the color space validates in a config of profile :data:`PROFILE`."""
    ocio = _ocio()
    cfg = ocio.Config.CreateRaw()
    cfg.setMajorVersion(PROFILE[0])
    cfg.setMinorVersion(PROFILE[1])
    cfg.addViewTransform(ocio.ViewTransform(ocio.REFERENCE_SPACE_SCENE, name="probe",
                                            fromReference=ocio.MatrixTransform()))
    cfg.addColorSpace(cs)
    level = ocio.GetLoggingLevel()
    ocio.SetLoggingLevel(ocio.LOGGING_LEVEL_NONE)  # the probe config lacks roles; only the version gate matters
    try:
        cfg.validate()
    except ocio.Exception as exc:
        return "version" not in str(exc)
    finally:
        ocio.SetLoggingLevel(level)
    return True


def _view_transform(vt):
    """A copy of a studio view transform without interchange attributes (profile 2.4 has none)."""
    ocio = _ocio()
    ids = vt.getInterchangeAttribute("amf_transform_ids") if hasattr(vt, "getInterchangeAttribute") else ""
    desc = vt.getDescription() + (f"\nACES transform IDs: {' '.join(ids.split())}" if ids else "")
    return ocio.ViewTransform(vt.getReferenceSpaceType(), name=vt.getName(), family=vt.getFamily(),
                              description=desc.strip(), categories=list(vt.getCategories()),
                              toReference=vt.getTransform(ocio.VIEWTRANSFORM_DIR_TO_REFERENCE),
                              fromReference=vt.getTransform(ocio.VIEWTRANSFORM_DIR_FROM_REFERENCE))


def camera_distances(space: str) -> tuple[float, float, float]:
    """The largest RGC distances (cyan, magenta, yellow) that a camera's encoding gamut reaches from
    the AP1 achromatic axis: the RGB cube of the linear gamut, sampled on its faces where one
    channel is 0 (the distance does not change along a ray, and the farthest rays lie there)."""
    s = spaces.get(space)
    if s.family != "Camera" or not s.is_linear:
        raise ValueError(f"space must be a linear camera gamut (e.g. 'Linear ARRI Wide Gamut 4'), got {s.name!r}")
    g = np.linspace(0.0, 1.0, 129)
    a, b = (x.ravel() for x in np.meshgrid(g, g))
    zero = np.zeros_like(a)
    faces = np.concatenate([np.stack([zero, a, b], -1), np.stack([a, zero, b], -1), np.stack([a, b, zero], -1)])
    ap1 = faces[faces.max(axis=1) > 0] @ np.linalg.solve(spaces.get("ACEScg").matrix_to_ap0, s.matrix_to_ap0).T
    ach = ap1.max(axis=1, keepdims=True)
    c, m, y = (float(d) for d in ((ach - ap1) / np.abs(ach)).max(axis=0))
    return c, m, y


def camera_params(space: str) -> rgc.RGCParams:
    """RGC parameters fitted to one camera gamut: reference thresholds and power, and limits equal
    to :func:`camera_distances` rounded up to 1/1000, so every value the camera encodes ends in AP1.

    The ACES Gamut Mapping VWG derived the reference limits the same way ("calculated to encompass
    the encoding gamuts of common digital cinema cameras"): rounded to 1/1000, the distances of
    Venice S-Gamut3 (cyan 1.1473), Canon Cinema Gamut (magenta 1.2642) and REDWideGamutRGB
    (yellow 1.3123) are the reference limits 1.147, 1.264 and 1.312.
    """
    c, m, y = (float(np.ceil(d * 1000.0 - 1e-9) / 1000.0) for d in camera_distances(space))
    return rgc.RGCParams(limit=(c, m, y))


def camera_looks() -> dict[str, rgc.RGCParams]:
    """``{look name: params}`` for each distinct linear camera gamut of the registry."""
    looks: dict[str, rgc.RGCParams] = {}
    seen: list[np.ndarray] = []
    for name in spaces.names():
        s = spaces.get(name)
        if s.family != "Camera" or not s.is_linear:
            continue
        m = s.matrix_to_ap0
        if any(np.allclose(m, o, atol=1e-9) for o in seen):
            continue
        seen.append(m)
        looks[f"ACES RGC ({name.removeprefix('Linear ')})"] = camera_params(name)
    return looks


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_")


def _encoding(s: spaces.ColorSpace) -> str:
    if s.name == XYZ_DISPLAY:
        return "display-linear"
    if s.referred == "display":
        return "hdr-video" if s.name.startswith(("Rec.2100", "ST2084")) else "sdr-video"
    if s.is_linear:
        return "scene-linear"
    return "sdr-video" if s.family in ("Texture", "Utility") else "log"


class _Luts:
    """Collects chains that need lookup tables: inline transforms in memory, CTF files on disk."""

    def __init__(self, folder: Optional[Path]):
        self.folder = folder
        self.files: dict[str, tuple] = {}

    def transform(self, chain: tuple, name: str):
        from .targets import ctf
        group = ctf.to_ocio(chain)
        if self.folder is None or not any(type(t).__name__ == "Lut1DTransform" for t in group):
            return group
        fname = f"{_slug(name)}.ctf"
        self.files[fname] = chain
        return _ocio().FileTransform(fname, interpolation=_ocio().INTERP_LINEAR)


def _colorspace(s: spaces.ColorSpace, luts: _Luts):
    ocio = _ocio()
    studio = _builtin(ACES2_CONFIG).getColorSpace(s.name)
    display = s.referred == "display"
    ref = ocio.REFERENCE_SPACE_DISPLAY if display else ocio.REFERENCE_SPACE_SCENE
    kw = dict(referenceSpace=ref, name=s.name, aliases=list(s.aliases), encoding=_encoding(s),
              bitDepth=ocio.BIT_DEPTH_F32, categories=["file-io"])
    if studio is not None and studio.getName() == s.name:
        kw.update(family=studio.getFamily(), description=studio.getDescription(),
                  categories=list(studio.getCategories()), encoding=studio.getEncoding(),
                  toReference=studio.getTransform(ocio.COLORSPACE_DIR_TO_REFERENCE),
                  fromReference=studio.getTransform(ocio.COLORSPACE_DIR_FROM_REFERENCE))
        kw = {k: v for k, v in kw.items() if v is not None}
        cs = ocio.ColorSpace(**kw)
        if _allowed(cs):
            return cs
        kw = {k: kw[k] for k in ("referenceSpace", "name", "aliases", "encoding", "bitDepth", "categories")}
    kw.update(family={"Camera": "Input", "Film": "Input/Film"}.get(s.family, s.family),
              description=f"{s.name} ({s.source}); defined by aceskit {__version__}")
    anchor = XYZ_DISPLAY if display else "ACES2065-1"
    if s.is_linear and not display:
        m = np.eye(4)
        m[:3, :3] = s.matrix_to_ap0
        kw["toReference"] = ocio.MatrixTransform(m.reshape(-1).tolist())
    else:
        kw["toReference"] = luts.transform(plan(s, anchor), f"{s.name} to {anchor}")
        kw["fromReference"] = luts.transform(plan(anchor, s), f"{anchor} to {s.name}")
    return ocio.ColorSpace(**kw)


def _look(name: str, params: rgc.RGCParams, description: str):
    from .targets import ctf
    ocio = _ocio()
    return ocio.Look(name=name, processSpace="ACES2065-1",
                     transform=ctf.to_ocio(rgc.chain(params, space="ACES2065-1")), description=description)


def _views(config, display: str, names: list) -> None:
    config.addDisplayView(display, RAW, RAW)
    for view in names:
        config.addDisplaySharedView(display, view)


def _build(luts: _Luts):
    ocio = _ocio()
    aces2, aces13 = _builtin(ACES2_CONFIG), _builtin(ACES13_CONFIG)
    cfg = ocio.Config.CreateRaw()
    cfg.setMajorVersion(PROFILE[0])
    cfg.setMinorVersion(PROFILE[1])
    cfg.setName(f"aceskit-{__version__}")
    cfg.setDescription("aceskit color spaces, ACES Reference Gamut Compression looks, ACES 2.0 and ACES 1.3 "
                       "output transforms (scene reference ACES2065-1, display reference CIE XYZ-D65).")
    cfg.setStrictParsingEnabled(True)
    if luts.folder is not None:
        cfg.setSearchPath(luts.folder.name)
    cfg.setRole("default", None)
    cfg.removeDisplayView("sRGB", "Raw")
    cfg.removeColorSpace("raw")
    cfg.addColorSpace(ocio.ColorSpace(ocio.REFERENCE_SPACE_SCENE, name=RAW, aliases=["Utility - Raw"],
                                      family="Utility", encoding="data", isData=True, categories=["file-io"],
                                      description="Data that is not color: no conversion is applied."))
    for name in spaces.names():
        cfg.addColorSpace(_colorspace(spaces.get(name), luts))
    cfg.setInactiveColorSpaces(", ".join((XYZ_DISPLAY, "CIE XYZ-D65 - Scene-referred")))
    for role, space in ROLES.items():
        cfg.setRole(role, space)

    # looks
    cfg.addLook(_look(RGC_LOOK, rgc.REFERENCE, "LMT (applied in ACES2065-1) compressing scene-referred values "
                      f"from common cameras into AP1. ACEStransformID: {rgc.TRANSFORM_ID_ACES13}"))
    for name, params in camera_looks().items():
        cfg.addLook(_look(name, params, "Parametric RGC: reference thresholds and power, limits fitted to the "
                          f"camera's encoding gamut {tuple(params.limit)} (aceskit.ocio.camera_params)."))

    # view transforms and shared views (ACES 2.0 first, then the ACES 1.x ones)
    vts = [*aces2.getViewTransforms(), *[v for v in aces13.getViewTransforms()
                                         if aces2.getViewTransform(v.getName()) is None]]
    for vt in vts:
        cfg.addViewTransform(_view_transform(vt))
    cfg.setDefaultViewTransformName("Un-tone-mapped")
    rules = ocio.ViewingRules()
    rules.insertRule(0, _RULE_SCENE)
    rules.addEncoding(0, "log")
    rules.addEncoding(0, "scene-linear")
    rules.insertRule(1, _RULE_VIDEO)
    for enc in ("sdr-video", "hdr-video", "display-linear"):
        rules.addEncoding(1, enc)
    cfg.setViewingRules(rules)
    for vt in vts:
        n = vt.getName()
        cfg.addSharedView(n, n, ocio.OCIO_VIEW_USE_DISPLAY_NAME, "",
                          _RULE_VIDEO if n == "Video (colorimetric)" else _RULE_SCENE, "")

    # displays: each display-referred space, with the studio configs' views for it
    for name in spaces.names():
        s = spaces.get(name)
        if s.referred != "display" or name == XYZ_DISPLAY:
            continue
        views = []
        for src in (aces2, aces13):
            match = next((d for d in src.getDisplays() if d in (name, *s.aliases)), None)
            if match:
                views += [v for v in src.getViews(match) if v != RAW and v not in views]
        if not any(v.startswith("ACES") for v in views):
            views = ["ACES 1.0 - SDR Cinema"] + views  # DCDM: the ACES 1 cinema rendering
        for v in ("Un-tone-mapped", "Video (colorimetric)"):
            if v not in views:
                views.append(v)
        _views(cfg, name, views)

    # file rules: EXRs are ACES2065-1, movies Rec.709, everything else sRGB
    fr = ocio.FileRules()
    fr.insertRule(0, "EXR", "ACES2065-1", "*", "exr")
    fr.insertRule(1, "Movies", "Rec.1886 Rec.709 - Display", r".*\.([mM][pP]4|[mM][oO][vV]|[mM][xX][fF])$")
    fr.setDefaultRuleColorSpace("sRGB - Display")
    cfg.setFileRules(fr)
    cfg.validate()
    return cfg


def build_config():
    """The config as a ``PyOpenColorIO.Config`` (in memory: LUT transforms inline, not serialisable
    until :func:`write_config` turns them into CTF files)."""
    return _build(_Luts(None))


def write_config(path) -> Path:
    """Write the config to ``path`` (``.ocio``) plus its CTF files in ``<stem>_luts/`` beside it.

    Every file is written to a temporary name in its folder and renamed; the config last.
    """
    from .targets import ctf
    path = Path(path)
    if path.suffix.lower() != ".ocio":
        raise ValueError(f"config path must end in .ocio, got {str(path)!r}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"output folder does not exist: {path.parent}")
    folder = path.parent / f"{path.stem}_luts"
    luts = _Luts(folder)
    cfg = _build(luts)
    folder.mkdir(exist_ok=True)
    for fname, chain in luts.files.items():
        ctf.write(chain, folder / fname, description=fname[:-4].replace("_", " "),
                  transform_id=f"aceskit:{fname[:-4]}")
    fileio.write_text(path, cfg.serialize())
    return path
