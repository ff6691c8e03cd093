"""Shared code of the aceskit Resolve scripts (documented scripting API only).

The project RGC is Resolve's own ``colorAcesGamutCompressType`` setting.  A clip override is
kept in the clip's third-party metadata (``aceskit.rgc``: ``on``/``off``/``follow``) and made
visible by a baked RGC DCTL on the clip's ``aceskit RGC`` node (or node 1 while it holds no other
LUT): the forward DCTL when the clip wants the RGC and the project has it off, the inverse when
the project has it on and the clip wants it off (Resolve applies its RGC before the node graph),
the node disabled otherwise.  Exports read the same state back (:func:`policy_project`).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path, PurePath
from typing import Optional

from aceskit import policy, rgc
from aceskit.targets import dctl

#: Project/timeline setting keys and values (Resolve scripting README, "Looking up project settings").
COLOR_SCIENCE = "colorScienceMode"
ACES_MODES = ("acescc", "acescct")
GAMUT_COMPRESS = "colorAcesGamutCompressType"
GAMUT_COMPRESS_OFF = "None"
#: The "on" value as public settings models spell it; unverified on a live Resolve.
GAMUT_COMPRESS_ON = "ACES reference gamut compress"
NODE_LUT_SPACE = "colorAcesNodeLUTProcessingSpace"
OUTPUT_TRANSFORM = "colorAcesODT"
#: Candidate keys of the ACES version: the README documents none, settings dumps show these.
ACES_VERSION_KEYS = ("colorAcesVersion", "acesVersion")
METADATA_KEY = "aceskit.rgc"
NODE_LABEL = "aceskit RGC"
LUT_SUBDIR = "aceskit"


# -- install locations ----------------------------------------------------------------------

def lut_root(platform: str = sys.platform, env=os.environ) -> PurePath:
    """Resolve's master LUT folder, where DCTLs are found (Resolve DaVinciCTL README)."""
    if platform == "darwin":
        return Path("/Library/Application Support/Blackmagic Design/DaVinci Resolve/LUT")
    if platform.startswith("win"):
        from pathlib import PureWindowsPath
        base = env.get("PROGRAMDATA", r"C:\ProgramData")
        return PureWindowsPath(base, "Blackmagic Design", "DaVinci Resolve", "Support", "LUT")
    return Path("/opt/resolve/LUT")


def scripts_root(platform: str = sys.platform, env=os.environ, home: Optional[Path] = None) -> PurePath:
    """The per-user Fusion/Scripts folder whose ``Utility`` entries appear in Workspace > Scripts."""
    home = Path(home or Path.home())
    if platform == "darwin":
        return home / "Library/Application Support/Blackmagic Design/DaVinci Resolve/Fusion/Scripts"
    if platform.startswith("win"):
        from pathlib import PureWindowsPath
        base = env.get("APPDATA", str(PureWindowsPath(home, "AppData", "Roaming")))
        return PureWindowsPath(base, "Blackmagic Design", "DaVinci Resolve", "Support", "Fusion", "Scripts")
    return home / ".local/share/DaVinciResolve/Fusion/Scripts"


# -- reading Resolve's state ------------------------------------------------------------------

class ResolveError(Exception):
    """A one-sentence problem to show the user."""


def current(resolve):
    """(project, timeline); raises ResolveError when no project or timeline is open."""
    project = resolve.GetProjectManager().GetCurrentProject() if resolve else None
    if not project:
        raise ResolveError("no Resolve project is open")
    timeline = project.GetCurrentTimeline()
    if not timeline:
        raise ResolveError(f"project {project.GetName()!r} has no current timeline")
    return project, timeline


def aces_version(project) -> tuple[Optional[str], Optional[str]]:
    """(setting key, value) of the ACES version, or (None, None) when the API does not expose it."""
    settings = project.GetSetting() or {}
    for key in ACES_VERSION_KEYS:
        if key in settings:
            return key, settings[key]
    return None, None


def version_number(value: Optional[str]) -> str:
    m = re.search(r"(\d+)\.(\d+)", value or "")
    return f"{m[1]}.{m[2]}" if m else "1.3"


def project_rgc_on(project) -> bool:
    return project.GetSetting(GAMUT_COMPRESS) not in ("", None, GAMUT_COMPRESS_OFF)


def node_lut_space(project) -> str:
    """The aceskit space a DCTL on a node receives (colorAcesNodeLUTProcessingSpace)."""
    mode = project.GetSetting(COLOR_SCIENCE)
    if mode not in ACES_MODES:
        raise ResolveError(f"{COLOR_SCIENCE} is {mode!r}; run 'aceskit Project RGC' to switch to ACES first")
    if project.GetSetting(NODE_LUT_SPACE) == "acesAp0Linear":
        return "ACES2065-1"
    if mode != "acescct":
        raise ResolveError("the RGC DCTLs run in ACEScct, ACEScg or ACES2065-1; this project works in ACEScc "
                           f"(set {NODE_LUT_SPACE} to ACES AP0 linear or use ACEScct)")
    return "ACEScct"


def clip_override(item) -> str:
    mpi = item.GetMediaPoolItem()
    value = mpi.GetThirdPartyMetadata(METADATA_KEY) if mpi else ""
    return value if value in policy.CLIP_OVERRIDES else "follow"


def clip_name(item) -> str:
    mpi = item.GetMediaPoolItem()
    return mpi.GetName() if mpi else item.GetName()


def video_items(timeline) -> list:
    items = []
    for track in range(1, int(timeline.GetTrackCount("video")) + 1):
        items += list(timeline.GetItemListInTrack("video", track) or [])
    return items


def policy_project(project, timeline) -> policy.Project:
    """The aceskit policy state of a Resolve project: ACES version, project RGC, clip overrides."""
    _, version = aces_version(project)
    clips = {clip_name(i): clip_override(i) for i in video_items(timeline)}
    return policy.Project(version_number(version), project_rgc_on(project),
                          {k: v for k, v in clips.items() if v != "follow"})


# -- the clip node -------------------------------------------------------------------------------

def _is_ours(lut: Optional[str]) -> bool:
    return PurePath((lut or "").replace("\\", "/")).parts[:1] == (LUT_SUBDIR,)


def rgc_node(graph) -> int:
    """The node the override uses: the one labelled ``aceskit RGC``, else node 1 if it holds no other LUT."""
    n = int(graph.GetNumNodes())
    for i in range(1, n + 1):
        if graph.GetNodeLabel(i) == NODE_LABEL:
            return i
    if n >= 1 and (not graph.GetLUT(1) or _is_ours(graph.GetLUT(1))):
        return 1
    raise ResolveError(f"no node labelled {NODE_LABEL!r}, and node 1 already holds a LUT; "
                       f"add a serial node labelled {NODE_LABEL!r} first in the graph")


def ensure_baked(lut_dir: Path, params: rgc.RGCParams, inverse: bool, space: str) -> str:
    """The LUT-relative path of a baked RGC DCTL, (re)written atomically if missing or different."""
    name = dctl.baked_name(params, inverse=inverse, space=space)
    path = Path(lut_dir) / LUT_SUBDIR / "Baked" / name
    text = dctl.baked(params, inverse=inverse, space=space).source()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return f"{LUT_SUBDIR}/Baked/{name}"


def sync_clip(project, item, lut_dir: Path, params: rgc.RGCParams = rgc.REFERENCE) -> str:
    """Make a clip's node match its override; returns what it did ("forward", "inverse" or "none")."""
    state = policy.Project(version_number(aces_version(project)[1]), project_rgc_on(project))
    want, have = policy.clip_rgc(state, clip_override(item)), bool(state.rgc)
    graph = item.GetNodeGraph(1)
    node = rgc_node(graph)
    if want == have:
        if _is_ours(graph.GetLUT(node)):
            graph.SetNodeEnabled(node, False)
        return "none"
    inverse = have and not want
    rel = ensure_baked(lut_dir, params, inverse, node_lut_space(project))
    project.RefreshLUTList()
    if not graph.SetLUT(node, rel):
        raise ResolveError(f"Resolve refused the LUT {rel!r} on node {node} of {item.GetName()!r}")
    graph.SetNodeEnabled(node, True)
    return "inverse" if inverse else "forward"


def installed_lut_dir() -> Path:
    """The LUT folder the installer recorded (``ACESKIT_RESOLVE_LUT_ROOT``), else the per-OS default."""
    return Path(os.environ.get("ACESKIT_RESOLVE_LUT_ROOT") or lut_root())


def connect():
    """The Resolve object outside Resolve's own console (Studio; Resolve must be running)."""
    import DaVinciResolveScript as dvr
    return dvr.scriptapp("Resolve")


def run(main, resolve) -> int:
    """Run a script's ``main`` and print a ResolveError as one line instead of a traceback."""
    try:
        return main(resolve)
    except (ResolveError, ValueError, OSError) as e:
        print(f"aceskit: {e}")
        return 1


# -- clip overrides -------------------------------------------------------------------------------

def selected_items(project, timeline) -> list:
    """Timeline clips of the Media Pool selection, else the clip under the playhead."""
    chosen = {c.GetUniqueId() for c in (project.GetMediaPool().GetSelectedClips() or [])}
    items = [i for i in video_items(timeline)
             if i.GetMediaPoolItem() and i.GetMediaPoolItem().GetUniqueId() in chosen]
    if not items and timeline.GetCurrentVideoItem():
        items = [timeline.GetCurrentVideoItem()]
    if not items:
        raise ResolveError("select clips in the Media Pool, or park the playhead on a clip")
    return items


def apply_override(resolve, override: str, lut_dir=None, params: rgc.RGCParams = rgc.REFERENCE) -> int:
    """Record ``override`` (on/off/follow) on the selected clips and update their RGC node."""
    override = policy.clip_override(override).value
    project, timeline = current(resolve)
    lut = Path(lut_dir) if lut_dir else installed_lut_dir()
    for item in selected_items(project, timeline):
        mpi = item.GetMediaPoolItem()
        if not mpi or not mpi.SetThirdPartyMetadata(METADATA_KEY, override):
            raise ResolveError(f"could not record the RGC override on {item.GetName()!r}")
        done = sync_clip(project, item, lut, params)
        print(f"aceskit: {clip_name(item)}: RGC {override} (node DCTL: {done})")
    return 0


# -- exports ---------------------------------------------------------------------------------------

#: ACES output transform giving ACES2065-1 frames for a VFX pull (unverified value name).
ODT_AP0 = "ACES2065-1"
#: EXR codecs in order of preference for a VFX pull (lossless half float first).
EXR_CODECS = ("RGBHalfPIZ", "RGBHalfZIP", "RGBHalf", "RGBFloatPIZ", "RGBFloatZIP", "RGBFloat")


def exr_codec(project) -> str:
    offered = set((project.GetRenderCodecs("exr") or {}).values())
    for codec in EXR_CODECS:
        if codec in offered:
            return codec
    raise ResolveError(f"this Resolve offers no EXR codec among {', '.join(EXR_CODECS)}")


def input_space(item) -> str:
    """The clip's source space as aceskit names it (its IDT / Input Color Space), else ACES2065-1."""
    from aceskit import spaces
    mpi = item.GetMediaPoolItem()
    for prop in ("IDT", "Input Color Space"):
        value = mpi.GetClipProperty(prop) if mpi else ""
        try:
            return spaces.get(value).name
        except (KeyError, ValueError, TypeError):
            continue
    return "ACES2065-1"


def file_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._ ()-]+", "_", text).strip() or "clip"


def write_amfs(state: policy.Project, items, template: str, folder: Path, working_space: str) -> list[Path]:
    """One AMF per clip with the RGC ``applied`` flag of ``template`` (aceskit.policy)."""
    from aceskit import amf
    written = []
    for item in items:
        name = clip_name(item)
        applied = policy.amf_applied(state, state.clip_override(name), template)
        doc = amf.for_frames(name, input_space(item), working_space, applied, aces_version=state.aces_version)
        written.append(Path(doc.write(folder / f"{file_name(name)}.amf")))
    return written


def queue_job(project, folder: Path, individual_clips: bool) -> str:
    settings = {"SelectAllFrames": True, "TargetDir": str(folder), "ExportVideo": True, "ExportAudio": False}
    if not project.SetRenderSettings(settings):
        raise ResolveError(f"Resolve refused the render settings for {folder}")
    project.SetCurrentRenderMode(0 if individual_clips else 1)
    job = project.AddRenderJob()
    if not job:
        raise ResolveError(f"Resolve did not add a render job for {folder}")
    return job


def vfx_pull(project, timeline, folder: Path, wait: float = 0.5) -> str:
    """Render the pull now with the RGC off everywhere and an ACES2065-1 output, then restore."""
    import time
    saved = {k: project.GetSetting(k) for k in (GAMUT_COMPRESS, OUTPUT_TRANSFORM)}
    saved_format, saved_mode = project.GetCurrentRenderFormatAndCodec(), project.GetCurrentRenderMode()
    nodes = []
    for item in video_items(timeline):
        graph = item.GetNodeGraph(1)
        for i in range(1, int(graph.GetNumNodes()) + 1):
            if _is_ours(graph.GetLUT(i)):
                nodes.append((graph, i))
    try:
        for key, value in ((GAMUT_COMPRESS, GAMUT_COMPRESS_OFF), (OUTPUT_TRANSFORM, ODT_AP0)):
            if not project.SetSetting(key, value):
                raise ResolveError(f"Resolve refused {key} = {value!r} for the VFX pull")
        for graph, i in nodes:
            graph.SetNodeEnabled(i, False)
        if not project.SetCurrentRenderFormatAndCodec("exr", exr_codec(project)):
            raise ResolveError("Resolve refused the EXR render format")
        job = queue_job(project, folder, individual_clips=True)
        if not project.StartRendering([job]):
            raise ResolveError("Resolve did not start the VFX pull render")
        while project.IsRenderingInProgress():
            time.sleep(wait)
        return job
    finally:
        for key, value in saved.items():
            project.SetSetting(key, value)
        if saved_format:
            project.SetCurrentRenderFormatAndCodec(saved_format["format"], saved_format["codec"])
        project.SetCurrentRenderMode(saved_mode)
        for item in video_items(timeline):
            sync_clip_quiet(project, item)


def sync_clip_quiet(project, item) -> None:
    """Restore a clip's node after a pull (enabled exactly when its override needs the DCTL)."""
    if clip_override(item) == "follow":
        return
    state = policy.Project(version_number(aces_version(project)[1]), project_rgc_on(project))
    graph = item.GetNodeGraph(1)
    node = rgc_node(graph)
    if _is_ours(graph.GetLUT(node)):
        graph.SetNodeEnabled(node, policy.clip_rgc(state, clip_override(item)) != bool(state.rgc))
