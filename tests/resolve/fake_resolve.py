"""A strict in-memory fake of the DaVinci Resolve scripting API objects the aceskit scripts use.

Method names and arities follow Resolve's scripting README (``Developer/Scripting/README.txt``,
18.x-20.x copies): each modelled method is a Python method with the documented parameters, so a
wrong arity raises TypeError; a documented method the fake does not model raises
NotImplementedError; any other name raises AttributeError.  Behaviour modelled after the README:

- ``GetSetting()`` without a name returns a dict of all settings; ``SetSetting`` takes strings and
  refuses an unknown key, an ACES key while the color science is not ACES (those keys are read-only
  outside ACES), and **any value the fake has no evidence for**: :data:`EVIDENCE` lists the values
  seen in public settings dumps or documentation, each with its source.  A refusal returns False,
  or with ``refusal="silent"`` returns True and keeps the old value (what Resolve does for some
  keys, as third-party tools report), so only a read-back tells.
- :func:`from_probe` builds a Resolve from a JSON file of the Probe Settings script: its settings,
  its Resolve version, and its values added to the evidence (source: that file).
- ``Graph.SetLUT`` succeeds only for a 1-based node index and a LUT file that Resolve discovered
  under its LUT folder at the last ``Project.RefreshLUTList()``; ``GetLUT`` returns the relative path.
- Render formats/codecs as ``GetRenderFormats``/``GetRenderCodecs`` list them; ``SetRenderSettings``
  accepts only the documented keys with the documented types.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

ACES_MODES = ("acescc", "acescct")
_DUMPS = "GetSetting() dumps of Resolve 18-21 in public code"
_README = "Resolve scripting README, Looking up project settings"
#: key -> {value: source}; None: any string (a free-form key).  ACES keys are writable only in ACES.
EVIDENCE = {
    "colorScienceMode": {v: _README for v in ("davinciYRGB", "davinciYRGBColorManagedv2", "acescc", "acescct")},
    "colorAcesGamutCompressType": {"None": _DUMPS},
    "colorAcesNodeLUTProcessingSpace": {"acesccAp1": _DUMPS, "acesAp0Linear": _README, "projectSetting": _README},
    "colorAcesIDT": {"No Input Transform": _DUMPS},
    "colorAcesODT": {"No Output Transform": _DUMPS, "Rec.709": "Resolve manual, ACES Output Device Transform list"},
    "timelineFrameRate": None,
    "timelineResolutionWidth": None,
    "timelineResolutionHeight": None,
    "nodeStackLayers": None,
}
ACES_KEYS = ("colorAcesGamutCompressType", "colorAcesNodeLUTProcessingSpace", "colorAcesIDT", "colorAcesODT")
RENDER_FORMATS = {"EXR": "exr", "QuickTime": "mov", "TIFF": "tif", "DPX": "dpx"}
RENDER_CODECS = {
    "exr": {"RGB Float": "RGBFloat", "RGB Float (ZIP)": "RGBFloatZIP", "RGB Float (PIZ)": "RGBFloatPIZ",
            "RGB Float (RLE)": "RGBFloatRLE", "RGB Float (DWAA)": "RGBFloatDWAA", "RGB Float (DWAB)": "RGBFloatDWAB",
            "RGB Half": "RGBHalf", "RGB Half (ZIP)": "RGBHalfZIP", "RGB Half (PIZ)": "RGBHalfPIZ",
            "RGB Half (RLE)": "RGBHalfRLE", "RGB Half (DWAA)": "RGBHalfDWAA", "RGB Half (DWAB)": "RGBHalfDWAB"},
    "mov": {"Apple ProRes 422 HQ": "ProRes422HQ", "Apple ProRes 4444": "ProRes4444"},
    "tif": {"RGB 16 bits": "RGB16"},
    "dpx": {"RGB 10 bits": "RGB10"},
}
RENDER_SETTING_TYPES = {
    "SelectAllFrames": bool, "MarkIn": int, "MarkOut": int, "TargetDir": str, "CustomName": str,
    "UniqueFilenameStyle": int, "ExportVideo": bool, "ExportAudio": bool, "FormatWidth": int,
    "FormatHeight": int, "FrameRate": (float, int), "PixelAspectRatio": str, "VideoQuality": (int, str),
    "AudioCodec": str, "AudioBitDepth": int, "AudioSampleRate": int, "ColorSpaceTag": str, "GammaTag": str,
    "ExportAlpha": bool, "EncodingProfile": str, "MultiPassEncode": bool, "AlphaMode": int,
    "NetworkOptimization": bool,
}
LUT_SUFFIXES = (".cube", ".dctl", ".dctle", ".3dl", ".davlut", ".ilut", ".olut")


class _Strict:
    """Unknown attribute -> AttributeError; documented but unmodelled -> NotImplementedError."""

    UNMODELLED: tuple = ()

    def __getattr__(self, name):
        if name in type(self).UNMODELLED:
            def unmodelled(*args, **kwargs):
                raise NotImplementedError(f"{type(self).__name__}.{name} is documented but not modelled by the fake")
            return unmodelled
        raise AttributeError(f"{type(self).__name__} has no method {name!r} in the Resolve scripting API")


class Resolve(_Strict):
    UNMODELLED = ("Fusion", "GetMediaStorage", "LoadLayoutPreset", "UpdateLayoutPreset", "ExportLayoutPreset",
                  "DeleteLayoutPreset", "SaveLayoutPreset", "ImportLayoutPreset", "Quit", "ImportRenderPreset",
                  "ExportRenderPreset", "ImportBurnInPreset", "ExportBurnInPreset", "GetKeyframeMode",
                  "SetKeyframeMode")

    def __init__(self, lut_root: Path):
        self.lut_root = Path(lut_root)
        self.discovered: set[str] = set()
        self.page = "color"
        self._pm = ProjectManager(self)

    def GetProjectManager(self): return self._pm
    product, version = "DaVinci Resolve Studio", "19.1.3.7"

    def GetProductName(self): return self.product
    def GetVersion(self): return [int(p) for p in self.version.split(".")] + [""]
    def GetVersionString(self): return self.version
    def GetCurrentPage(self): return self.page

    def OpenPage(self, pageName):
        if pageName in ("media", "cut", "edit", "fusion", "color", "fairlight", "deliver"):
            self.page = pageName

    def scan_luts(self) -> None:
        self.discovered = {p.relative_to(self.lut_root).as_posix() for p in self.lut_root.rglob("*")
                           if p.is_file() and p.suffix.lower() in LUT_SUFFIXES}


class ProjectManager(_Strict):
    UNMODELLED = ("CreateProject", "DeleteProject", "LoadProject", "CloseProject", "CreateFolder", "DeleteFolder",
                  "GetProjectListInCurrentFolder", "GetFolderListInCurrentFolder", "GotoRootFolder",
                  "GotoParentFolder", "GetCurrentFolder", "OpenFolder", "ImportProject", "ExportProject",
                  "RestoreProject", "GetCurrentDatabase", "GetDatabaseList", "SetCurrentDatabase",
                  "ArchiveProject", "CreateCloudProject", "LoadCloudProject", "ImportCloudProject",
                  "RestoreCloudProject")

    def __init__(self, resolve):
        self._resolve = resolve
        self.project = None
        self.saves = 0

    def GetCurrentProject(self): return self.project

    def SaveProject(self):
        self.saves += 1
        return self.project is not None


class Project(_Strict):
    UNMODELLED = ("GetTimelineCount", "GetTimelineByIndex", "SetCurrentTimeline", "GetGallery", "SetName",
                  "GetPresetList", "SetPreset", "DeleteRenderJob", "DeleteAllRenderJobs", "GetRenderPresetList",
                  "StopRendering", "LoadRenderPreset", "SaveAsNewRenderPreset", "DeleteRenderPreset",
                  "GetRenderResolutions", "GetUniqueId", "InsertAudioToCurrentTrackAtPlayhead", "LoadBurnInPreset",
                  "ExportCurrentFrameAsStill", "GetColorGroupsList", "AddColorGroup", "DeleteColorGroup",
                  "GetQuickExportRenderPresets", "RenderWithQuickExport", "ApplyFairlightPresetToCurrentTimeline")

    def __init__(self, resolve, name: str, settings: dict, refusal: str = "false"):
        self._resolve, self._name, self.refusal = resolve, name, refusal
        self.evidence = {k: (dict(v) if v is not None else None) for k, v in EVIDENCE.items()}
        self.settings = {"colorScienceMode": "davinciYRGB", "colorAcesGamutCompressType": "None",
                         "colorAcesNodeLUTProcessingSpace": "acesccAp1", "colorAcesIDT": "No Input Transform",
                         "colorAcesODT": "No Output Transform", "timelineFrameRate": "24",
                         "nodeStackLayers": "1", **settings}
        self.media_pool = MediaPool()
        self.timeline = None
        self.format = {"format": "mov", "codec": "ProRes422HQ"}
        self.render_mode = 1
        self.render_settings: dict = {}
        self.jobs: dict[str, dict] = {}
        self.started: list[str] = []
        self._ids = itertools.count(1)
        self._in_progress = 0
        self.render_outcome = "Complete"      # what a started job ends as ("Failed" to model a failure)

    def GetName(self): return self._name
    def GetMediaPool(self): return self.media_pool
    def GetCurrentTimeline(self): return self.timeline

    def GetSetting(self, settingName=None):
        if settingName is None:
            return dict(self.settings)
        return self.settings.get(settingName, "")

    def SetSetting(self, settingName, settingValue):
        if not isinstance(settingName, str) or not isinstance(settingValue, str):
            return False
        known = settingName in self.evidence and (self.evidence[settingName] is None
                                                  or settingValue in self.evidence[settingName])
        if not known or (settingName in ACES_KEYS and self.settings["colorScienceMode"] not in ACES_MODES):
            return self.refusal == "silent"
        self.settings[settingName] = settingValue
        return True

    def learn(self, key: str, value: str, source: str) -> None:
        """Add evidence that Resolve takes ``value`` for ``key``."""
        if self.evidence.get(key, {}) is not None:
            self.evidence.setdefault(key, {})[value] = source

    def RefreshLUTList(self):
        self._resolve.scan_luts()
        return True

    # -- rendering --
    def GetRenderFormats(self): return dict(RENDER_FORMATS)

    def GetRenderCodecs(self, renderFormat):
        return dict(RENDER_CODECS.get(renderFormat, {}))

    def GetCurrentRenderFormatAndCodec(self): return dict(self.format)

    def SetCurrentRenderFormatAndCodec(self, format, codec):
        if codec not in RENDER_CODECS.get(format, {}).values():
            return False
        self.format = {"format": format, "codec": codec}
        return True

    def GetCurrentRenderMode(self): return self.render_mode

    def SetCurrentRenderMode(self, renderMode):
        if renderMode not in (0, 1):
            return False
        self.render_mode = renderMode
        return True

    def SetRenderSettings(self, settings):
        if not isinstance(settings, dict):
            return False
        for key, value in settings.items():
            kind = RENDER_SETTING_TYPES.get(key)
            if kind is None or not isinstance(value, kind):
                return False
        self.render_settings.update(settings)
        return True

    def AddRenderJob(self):
        if "TargetDir" not in self.render_settings:
            return ""
        job = f"job-{next(self._ids)}"
        self.jobs[job] = {"format": dict(self.format), "mode": self.render_mode,
                          "settings": dict(self.render_settings), "rendered_with": None}
        return job

    def GetRenderJobList(self):
        return [{"JobId": k, "TargetDir": v["settings"]["TargetDir"], **v["format"]} for k, v in self.jobs.items()]

    def StartRendering(self, *args, isInteractiveMode=False):
        if args and isinstance(args[0], list):
            if len(args) > 2:
                raise TypeError("StartRendering([jobIds...], isInteractiveMode=False) takes at most two arguments")
            ids = args[0]
        elif args and isinstance(args[0], bool):
            ids = list(self.jobs)
        else:
            ids = list(args) or list(self.jobs)
        if not ids or any(i not in self.jobs for i in ids):
            return False
        for job in ids:   # the color state the render sees
            self.jobs[job]["rendered_with"] = self.color_state()
            self.started.append(job)
        self._in_progress = 1
        return True

    def IsRenderingInProgress(self):
        busy, self._in_progress = self._in_progress > 0, max(0, self._in_progress - 1)
        return busy

    def GetRenderJobStatus(self, jobId):
        if jobId not in self.jobs:
            return {}
        done = jobId in self.started
        return {"JobStatus": self.render_outcome if done else "Ready", "CompletionPercentage": 100 if done else 0}

    def color_state(self) -> dict:
        items = self.timeline.all_items() if self.timeline else []
        return {"settings": dict(self.settings),
                "nodes": {i.GetName(): [dict(n) for n in i.graph.nodes] for i in items}}


class MediaPool(_Strict):
    UNMODELLED = ("GetRootFolder", "AddSubFolder", "RefreshFolders", "CreateEmptyTimeline", "AppendToTimeline",
                  "CreateTimelineFromClips", "ImportTimelineFromFile", "DeleteTimelines", "GetCurrentFolder",
                  "SetCurrentFolder", "DeleteClips", "ImportFolderFromFile", "DeleteFolders", "MoveClips",
                  "MoveFolders", "GetClipMatteList", "GetTimelineMatteList", "DeleteClipMattes", "RelinkClips",
                  "UnlinkClips", "ImportMedia", "ExportMetadata", "GetUniqueId", "CreateStereoClip",
                  "SetSelectedClip", "AutoSyncAudio")

    def __init__(self):
        self.selected: list = []

    def GetSelectedClips(self): return list(self.selected)


class MediaPoolItem(_Strict):
    UNMODELLED = ("GetMetadata", "SetMetadata", "AddMarker", "GetMarkers", "GetMarkerByCustomData",
                  "UpdateMarkerCustomData", "GetMarkerCustomData", "DeleteMarkersByColor", "DeleteMarkerAtFrame",
                  "DeleteMarkerByCustomData", "AddFlag", "GetFlagList", "ClearFlags", "GetClipColor",
                  "SetClipColor", "ClearClipColor", "LinkProxyMedia", "UnlinkProxyMedia", "ReplaceClip",
                  "TranscribeAudio", "ClearTranscription", "GetAudioMapping", "GetMarkInOut", "SetMarkInOut",
                  "ClearMarkInOut")
    _ids = itertools.count(1)

    def __init__(self, name: str, properties: dict | None = None):
        self._name, self._id = name, f"mpi-{next(self._ids)}"
        self.properties = {"Clip Name": name, **(properties or {})}
        self.third_party: dict[str, str] = {}

    def GetName(self): return self._name
    def GetUniqueId(self): return self._id
    def GetMediaId(self): return self._id

    def GetClipProperty(self, propertyName=None):
        return dict(self.properties) if propertyName is None else self.properties.get(propertyName, "")

    def SetClipProperty(self, propertyName, propertyValue):
        if propertyName not in self.properties or not isinstance(propertyValue, str):
            return False
        self.properties[propertyName] = propertyValue
        return True

    def GetThirdPartyMetadata(self, metadataType=None):
        return dict(self.third_party) if metadataType is None else self.third_party.get(metadataType, "")

    def SetThirdPartyMetadata(self, metadataType, metadataValue=None):
        pairs = metadataType.items() if isinstance(metadataType, dict) and metadataValue is None \
            else [(metadataType, metadataValue)]
        pairs = list(pairs)
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in pairs):
            return False
        self.third_party.update(pairs)
        return True


class Timeline(_Strict):
    UNMODELLED = ("SetName", "GetStartFrame", "GetEndFrame", "SetStartTimecode", "GetStartTimecode", "AddTrack",
                  "DeleteTrack", "SetTrackEnable", "GetIsTrackEnabled", "SetTrackLock", "GetIsTrackLocked",
                  "DeleteClips", "SetClipsLinked", "AddMarker", "GetMarkers", "GetCurrentTimecode",
                  "SetCurrentTimecode", "GetTrackName", "SetTrackName", "DuplicateTimeline", "CreateCompoundClip",
                  "CreateFusionClip", "ImportIntoTimeline", "Export", "GetSetting", "SetSetting",
                  "InsertGeneratorIntoTimeline", "GrabStill", "GrabAllStills", "GetUniqueId", "GetNodeGraph",
                  "GetMediaPoolItem", "GetMarkInOut", "SetMarkInOut", "ClearMarkInOut", "GetTrackSubType")

    def __init__(self, name: str, tracks: list[list]):
        self._name, self.tracks = name, tracks
        self.current = None

    def all_items(self) -> list:
        return [i for t in self.tracks for i in t]

    def GetName(self): return self._name

    def GetTrackCount(self, trackType):
        return len(self.tracks) if trackType == "video" else 0

    def GetItemListInTrack(self, trackType, index):
        if trackType != "video" or not 1 <= index <= len(self.tracks):
            return None
        return list(self.tracks[index - 1])

    def GetCurrentVideoItem(self): return self.current


class TimelineItem(_Strict):
    UNMODELLED = ("GetDuration", "GetEnd", "GetStart", "GetLeftOffset", "GetRightOffset", "SetProperty",
                  "GetProperty", "AddMarker", "GetMarkers", "AddFlag", "GetFlagList", "ClearFlags", "GetClipColor",
                  "SetClipColor", "ClearClipColor", "AddVersion", "GetCurrentVersion", "LoadVersionByName",
                  "SetCDL", "CopyGrades", "SetClipEnabled", "GetClipEnabled", "GetColorGroup",
                  "AssignToColorGroup", "RemoveFromColorGroup", "ExportLUT", "GetLinkedItems",
                  "GetTrackTypeAndIndex", "GetSourceStartFrame", "GetSourceEndFrame", "GetFusionCompCount")
    _ids = itertools.count(1)

    def __init__(self, name: str, media: MediaPoolItem | None, nodes: list[dict] | None = None, resolve=None):
        self._name, self._media, self._id = name, media, f"ti-{next(self._ids)}"
        self.graph = Graph(resolve, nodes or [{"label": "", "lut": "", "enabled": True}])

    def GetName(self): return self._name
    def GetMediaPoolItem(self): return self._media
    def GetUniqueId(self): return self._id

    def GetNodeGraph(self, layerIdx=None):
        if layerIdx not in (None, 1):
            return None
        return self.graph


class Graph(_Strict):
    UNMODELLED = ("SetNodeCacheMode", "GetNodeCacheMode", "ApplyGradeFromDRX", "ApplyArriCdlLut", "ResetAllGrades")

    def __init__(self, resolve, nodes: list[dict]):
        self._resolve = resolve
        self.nodes = [dict({"label": "", "lut": "", "enabled": True}, **n) for n in nodes]

    def _ok(self, nodeIndex) -> bool:
        return isinstance(nodeIndex, int) and 1 <= nodeIndex <= len(self.nodes)

    def GetNumNodes(self): return len(self.nodes)

    def GetNodeLabel(self, nodeIndex):
        return self.nodes[nodeIndex - 1]["label"] if self._ok(nodeIndex) else ""

    def GetLUT(self, nodeIndex):
        return self.nodes[nodeIndex - 1]["lut"] if self._ok(nodeIndex) else ""

    def GetToolsInNode(self, nodeIndex):
        return ["LUT"] if self._ok(nodeIndex) and self.nodes[nodeIndex - 1]["lut"] else []

    def SetLUT(self, nodeIndex, lutPath):
        if not self._ok(nodeIndex) or not isinstance(lutPath, str):
            return False
        rel = lutPath.replace("\\", "/")
        root = self._resolve.lut_root.as_posix() + "/"
        if rel.startswith(root):
            rel = rel[len(root):]
        if rel not in self._resolve.discovered:
            return False
        self.nodes[nodeIndex - 1]["lut"] = rel
        return True

    def SetNodeEnabled(self, nodeIndex, isEnabled):
        if not self._ok(nodeIndex) or not isinstance(isEnabled, bool):
            return False
        self.nodes[nodeIndex - 1]["enabled"] = isEnabled
        return True


def make(lut_root: Path, clips: list[tuple[str, dict]] = (), settings: dict | None = None,
         refusal: str = "false") -> Resolve:
    """A Resolve with one open project and one single-track timeline of ``clips`` (name, properties)."""
    resolve = Resolve(lut_root)
    project = Project(resolve, "Show", settings or {}, refusal)
    items = [TimelineItem(name, MediaPoolItem(name, props), resolve=resolve) for name, props in clips]
    project.timeline = Timeline("Timeline 1", [items])
    project.timeline.current = items[0] if items else None
    resolve.GetProjectManager().project = project
    return resolve


def from_probe(lut_root: Path, probe: Path, clips: list[tuple[str, dict]] = (), refusal: str = "false") -> Resolve:
    """A Resolve seeded from a Probe Settings JSON: its Resolve version, its settings, and its values
    as evidence of what that Resolve takes."""
    data = json.loads(Path(probe).read_text(encoding="utf-8"))
    seen = {**(data.get("all_settings") or {}), **{k: v for k, v in data["settings"].items() if v != ""}}
    resolve = make(lut_root, clips, seen, refusal)
    resolve.product, resolve.version = data["resolve"]["product"], data["resolve"]["version"]
    project = resolve.GetProjectManager().GetCurrentProject()
    for key, value in seen.items():
        project.learn(key, value, f"probe {Path(probe).name}")
    return resolve
