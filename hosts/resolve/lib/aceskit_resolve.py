"""Shared code of the aceskit Resolve scripts (documented scripting API only).

The project RGC is Resolve's own ``colorAcesGamutCompressType`` setting.  A clip override is
kept in the clip's third-party metadata (``aceskit.rgc``: ``on``/``off``/``follow``) and made
visible by a baked RGC DCTL on the clip's ``aceskit RGC`` node (or node 1 while it holds no other
LUT): the forward DCTL when the clip wants the RGC and the project has it off, the inverse when
the project has it on and the clip wants it off (Resolve applies its RGC before the node graph),
the node disabled otherwise.  Exports read the same state back (:func:`project_state`).  Every
setting written is read back (resolve_settings).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path, PurePath
from typing import List, Optional, Sequence, Tuple

from aceskit import fileio, policy, rgc
from aceskit.targets import dctl
from resolve_settings import GAMUT_COMPRESS, ResolveError, Settings, aces_version, apply, read_values, restore

#: Project/timeline setting keys (Resolve scripting README, "Looking up project settings").
COLOR_SCIENCE = "colorScienceMode"
ACES_MODES = ("acescc", "acescct")
NODE_LUT_SPACE = "colorAcesNodeLUTProcessingSpace"
OUTPUT_TRANSFORM = "colorAcesODT"
METADATA_KEY = "aceskit.rgc"
NODE_LABEL = "aceskit RGC"
LUT_SUBDIR = "aceskit"


# -- install locations ----------------------------------------------------------------------

def lut_roots(platform: str = sys.platform, env=os.environ) -> List[PurePath]:
    """Resolve's master LUT folders, where DCTLs are found, in order of preference.

    Linux has two: ``/opt/resolve/LUT`` (the Linux installer's layout, Resolve manual "Adding
    Lookup Tables") and ``/home/resolve/LUT`` (the manual's "Using LUTs" chapter; systems whose
    Resolve lives in ``/home/resolve``).
    """
    if platform == "darwin":
        return [Path("/Library/Application Support/Blackmagic Design/DaVinci Resolve/LUT")]
    if platform.startswith("win"):
        from pathlib import PureWindowsPath
        base = env.get("PROGRAMDATA", r"C:\ProgramData")
        return [PureWindowsPath(base, "Blackmagic Design", "DaVinci Resolve", "Support", "LUT")]
    return [Path("/opt/resolve/LUT"), Path("/home/resolve/LUT")]


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


def installed_lut_dirs() -> List[Path]:
    """The LUT folders the installer recorded (``ACESKIT_RESOLVE_LUT_ROOT``), else the existing defaults."""
    recorded = [Path(p) for p in os.environ.get("ACESKIT_RESOLVE_LUT_ROOT", "").split(os.pathsep) if p]
    return recorded or [Path(p) for p in lut_roots() if Path(p).is_dir()] or [Path(lut_roots()[0])]


def lut_dirs(lut_dir=None) -> List[Path]:
    """``lut_dir`` (a folder or a list of folders) as a list; None: :func:`installed_lut_dirs`."""
    if lut_dir is None:
        return installed_lut_dirs()
    return [Path(lut_dir)] if isinstance(lut_dir, (str, os.PathLike)) else [Path(p) for p in lut_dir]


# -- reading Resolve's state ------------------------------------------------------------------

def current(resolve):
    """(project, timeline); raises ResolveError when no project or timeline is open."""
    project = resolve.GetProjectManager().GetCurrentProject() if resolve else None
    if not project:
        raise ResolveError("no Resolve project is open")
    timeline = project.GetCurrentTimeline()
    if not timeline:
        raise ResolveError(f"project {project.GetName()!r} has no current timeline")
    return project, timeline


def resolve_major(resolve) -> int:
    version = resolve.GetVersion() or [0]
    return int(version[0])


def project_state(resolve, project, settings: Settings, clips: Optional[dict] = None) -> Tuple[policy.Project, str]:
    """The aceskit policy state of a Resolve project and where its ACES version came from."""
    values = read_values(project, settings)
    version, source = aces_version(values, resolve_major(resolve), settings, project.GetName())
    return policy.Project(version, settings.rgc_on(values.get(GAMUT_COMPRESS)), clips or {}), source


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


def clip_overrides(timeline) -> dict:
    clips = {clip_name(i): clip_override(i) for i in video_items(timeline)}
    return {k: v for k, v in clips.items() if v != "follow"}


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


def ensure_baked(lut_dirs: Sequence[Path], params: rgc.RGCParams, inverse: bool, space: str) -> str:
    """The LUT-relative path of a baked RGC DCTL, (re)written atomically into each LUT folder if
    missing or different."""
    name = dctl.baked_name(params, inverse=inverse, space=space)
    rel = f"{LUT_SUBDIR}/Baked/{name}"
    text = dctl.baked(params, inverse=inverse, space=space).source()
    for root in lut_dirs:
        path = Path(root) / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            fileio.write_text(path, text)
    return rel


def sync_clip(state: policy.Project, project, item, lut_dirs: Sequence[Path],
              params: rgc.RGCParams = rgc.REFERENCE) -> str:
    """Make a clip's node match its override; returns what it did ("forward", "inverse" or "none")."""
    want, have = policy.clip_rgc(state, clip_override(item)), bool(state.rgc)
    graph = item.GetNodeGraph(1)
    node = rgc_node(graph)
    if want == have:
        if _is_ours(graph.GetLUT(node)):
            graph.SetNodeEnabled(node, False)
        return "none"
    inverse = have and not want
    rel = ensure_baked(lut_dirs, params, inverse, node_lut_space(project))
    project.RefreshLUTList()
    if not graph.SetLUT(node, rel) or not (graph.GetLUT(node) or "").replace("\\", "/").endswith(rel):
        raise ResolveError(f"Resolve refused the LUT {rel!r} on node {node} of {item.GetName()!r}")
    graph.SetNodeEnabled(node, True)
    return "inverse" if inverse else "forward"


def override_items(timeline) -> list:
    """The timeline clips whose override is not ``follow``."""
    return [i for i in video_items(timeline) if clip_override(i) != "follow"]


def connect():
    """The Resolve object outside Resolve's own console; a ResolveError when there is none."""
    try:
        import DaVinciResolveScript as dvr
    except ImportError:
        raise ResolveError("cannot import DaVinciResolveScript: run the script from Workspace > Scripts, or set "
                           "RESOLVE_SCRIPT_API, RESOLVE_SCRIPT_LIB and PYTHONPATH as Resolve's scripting README "
                           "says") from None
    resolve = dvr.scriptapp("Resolve")
    if resolve is None:
        raise ResolveError("no running Resolve answered: start Resolve, and for scripts run outside it use "
                           "Resolve Studio with Preferences > System > General > External scripting using = Local")
    return resolve


def run(main, resolve=None) -> int:
    """Run a script's ``main`` (connecting when ``resolve`` is None); a ResolveError is one printed line."""
    try:
        return main(resolve or connect())
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
    state, source = project_state(resolve, project, Settings.load())
    for item in selected_items(project, timeline):
        mpi = item.GetMediaPoolItem()
        if not mpi or not mpi.SetThirdPartyMetadata(METADATA_KEY, override) \
                or mpi.GetThirdPartyMetadata(METADATA_KEY) != override:
            raise ResolveError(f"could not record the RGC override on {item.GetName()!r}")
        done = sync_clip(state, project, item, lut_dirs(lut_dir), params)
        print(f"aceskit: {clip_name(item)}: RGC {override} (node DCTL: {done}); ACES {state.aces_version} "
              f"from {source}")
    return 0


# -- exports ---------------------------------------------------------------------------------------

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


def write_amfs(state: policy.Project, version_source: str, items, template: str, folder: Path,
               working_space: str) -> List[Path]:
    """One AMF per clip with the RGC ``applied`` flag of ``template`` (aceskit.policy); its
    description names where the ACES version came from."""
    from aceskit import amf
    written = []
    for item in items:
        name = clip_name(item)
        applied = policy.amf_applied(state, state.clip_override(name), template)
        doc = amf.for_frames(name, input_space(item), working_space, applied, aces_version=state.aces_version)
        note = doc.root.find(f"{{{amf.NS_V2}}}amfInfo/{{{amf.NS_V2}}}description")
        note.text = f"{note.text}; ACES {state.aces_version} from {version_source}"
        written.append(Path(doc.write(folder / f"{file_name(name)}.amf")))
    return written


def queue_job(project, folder: Path, individual_clips: bool) -> str:
    """Add a render job into ``folder``, verified in the render queue (some builds return None
    from the setters even on success, so only an explicit False counts as a refusal)."""
    settings = {"SelectAllFrames": True, "TargetDir": str(folder), "ExportVideo": True, "ExportAudio": False}
    if project.SetRenderSettings(settings) is False:
        raise ResolveError(f"Resolve refused the render settings for {folder}")
    project.SetCurrentRenderMode(0 if individual_clips else 1)
    job = project.AddRenderJob()
    queued = {j.get("JobId"): j for j in project.GetRenderJobList() or []}
    if not job or queued.get(job, {}).get("TargetDir") != str(folder):
        raise ResolveError(f"Resolve did not queue a render job for {folder}")
    return job


def vfx_pull(state: policy.Project, project, timeline, folder: Path, settings: Settings,
             wait: float = 0.5) -> Tuple[str, List[str]]:
    """Render the pull now with the RGC off everywhere and no ACES output transform (ACES2065-1 frames),
    every setting verified by read-back; then restore the settings and the nodes of ``state``.
    Returns the job and any restore problems."""
    import time
    saved = {k: project.GetSetting(k) for k in (GAMUT_COMPRESS, OUTPUT_TRANSFORM)}
    saved_format, saved_mode = project.GetCurrentRenderFormatAndCodec(), project.GetCurrentRenderMode()
    nodes = []
    for item in video_items(timeline):
        graph = item.GetNodeGraph(1)
        after = policy.clip_rgc(state, clip_override(item)) != bool(state.rgc)
        for i in range(1, int(graph.GetNumNodes()) + 1):
            if _is_ours(graph.GetLUT(i)):
                nodes.append((graph, i, after))
    problems: List[str] = []
    try:
        apply(project, settings, GAMUT_COMPRESS, "off")
        apply(project, settings, OUTPUT_TRANSFORM, "ap0")
        for graph, i, _ in nodes:
            graph.SetNodeEnabled(i, False)
        codec = exr_codec(project)
        project.SetCurrentRenderFormatAndCodec("exr", codec)
        if project.GetCurrentRenderFormatAndCodec() != {"format": "exr", "codec": codec}:
            raise ResolveError(f"Resolve did not take the EXR render format ({codec})")
        job = queue_job(project, folder, individual_clips=True)
        if project.StartRendering([job]) is False:
            raise ResolveError("Resolve did not start the VFX pull render")
        while project.IsRenderingInProgress():
            time.sleep(wait)
        status = (project.GetRenderJobStatus(job) or {}).get("JobStatus")
        if status != "Complete":
            raise ResolveError(f"the VFX pull render job {job} ended with status {status!r}")
        return job, problems
    finally:
        for key, value in saved.items():
            problem = restore(project, key, value)
            if problem:
                problems.append(problem)
        if saved_format:
            project.SetCurrentRenderFormatAndCodec(saved_format["format"], saved_format["codec"])
        project.SetCurrentRenderMode(saved_mode)
        for graph, i, after in nodes:
            graph.SetNodeEnabled(i, after)
