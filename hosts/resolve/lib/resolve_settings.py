"""Resolve project settings the aceskit scripts write, each proven by reading it back.

The values to try for a setting come from ``resolve_settings.json`` beside this module (every
value with its source), after those of the studio files named in ``ACESKIT_RESOLVE_SETTINGS``
(``os.pathsep``-separated) and of the user file ``resolve_settings.json`` in the aceskit Resolve
data folder, where the Probe Settings script records values it reads from a live Resolve.

The ACES version is never assumed: a version setting if Resolve exposes one, else what the
settings imply (the ``aces_version`` rules of the JSON file), else the aceskit project file
(aceskit.policy).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path, PurePath
from typing import Dict, List, Optional, Sequence, Tuple

SHIPPED = Path(__file__).resolve().with_name("resolve_settings.json")
STUDIO_ENV = "ACESKIT_RESOLVE_SETTINGS"
PROJECT_ENV = "ACESKIT_PROJECT"
GAMUT_COMPRESS = "colorAcesGamutCompressType"
#: Colour keys the probe reads one by one (Resolve 21.1 typed API stub, ProjectSettings).
PROBE_KEYS = ("colorScienceMode", "colorAcesIDT", "colorAcesODT", GAMUT_COMPRESS,
              "colorAcesNodeLUTProcessingSpace", "isAutoColorManage", "colorSpaceInput", "colorSpaceTimeline",
              "colorSpaceOutput", "timelineWorkingLuminanceMode")


class ResolveError(Exception):
    """A one-sentence problem to show the user."""


def data_root(platform: str = sys.platform, env=os.environ, home: Optional[Path] = None) -> PurePath:
    """The per-user aceskit Resolve folder: the scripts' Python payload, settings and probes."""
    home = Path(home or Path.home())
    if platform == "darwin":
        return home / "Library/Application Support/aceskit/resolve"
    if platform.startswith("win"):
        return Path(env.get("APPDATA", str(home / "AppData" / "Roaming"))) / "aceskit" / "resolve"
    return home / ".local/share/aceskit/resolve"


def user_file() -> Path:
    return Path(data_root()) / "resolve_settings.json"


def _read(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise ResolveError(f"cannot read the settings file {path} ({e})") from None
    if not isinstance(data, dict):
        raise ResolveError(f"the settings file {path} must hold a JSON object")
    return data


class Settings:
    """The merged candidate tables: files earlier in ``docs`` list their values first."""

    def __init__(self, docs: Sequence[dict]):
        self.docs = list(docs)

    @classmethod
    def load(cls) -> "Settings":
        paths = [user_file()] + [Path(p) for p in os.environ.get(STUDIO_ENV, "").split(os.pathsep) if p]
        return cls([_read(p) for p in paths if p.is_file()] + [_read(SHIPPED)])

    def _entry(self, key: str) -> List[dict]:
        return [d.get("settings", {}).get(key, {}) for d in self.docs]

    def candidates(self, key: str, role: str) -> List[dict]:
        seen: Dict[str, dict] = {}
        for entry in self._entry(key):
            for c in entry.get("roles", {}).get(role, []):
                seen.setdefault(str(c["value"]), c)
        if not seen:
            raise ResolveError(f"no value for {key} ({role}) in the aceskit Resolve settings files")
        return list(seen.values())

    def values(self, key: str, role: str) -> List[str]:
        return [str(c["value"]) for c in self.candidates(key, role)]

    def control(self, key: str) -> str:
        return next((e["control"] for e in self._entry(key) if "control" in e), f"the {key} setting")

    def version(self) -> dict:
        return self.docs[-1]["aces_version"]

    def rgc_on(self, value: Optional[str]) -> bool:
        """Resolve's RGC is on when the setting holds anything but a known "off" value."""
        return value not in ("", None, *self.values(GAMUT_COMPRESS, "off"))


# -- writing with read-back -------------------------------------------------------------------------

def apply(project, settings: Settings, key: str, role: str) -> str:
    """Set ``key`` to the first candidate of ``role`` that Resolve takes and reads back; return it.

    A candidate counts only if ``SetSetting`` returns True and ``GetSetting`` then shows it; a
    refused attempt that changed the value anyway is undone.  None taken: ResolveError naming the
    control to set by hand.
    """
    before = project.GetSetting(key)
    values = settings.values(key, role)
    if before in values:
        return before
    for value in values:
        accepted = project.SetSetting(key, value)
        now = project.GetSetting(key)
        if accepted and now == value:
            return value
        if now != before:
            project.SetSetting(key, before)
    raise ResolveError(f"Resolve did not take {key} = {' / '.join(map(repr, values))} "
                       f"(it reads {project.GetSetting(key)!r}); "
                       f"set {settings.control(key)} by hand, then run Workspace > Scripts > aceskit > "
                       "Probe Settings so the scripts learn Resolve's value")


def restore(project, key: str, value: str) -> Optional[str]:
    """Put ``key`` back to ``value``; a sentence if Resolve did not take it back."""
    if project.GetSetting(key) != value:
        project.SetSetting(key, value)
    now = project.GetSetting(key)
    return None if now == value else f"could not restore {key} to {value!r} (it reads {now!r}); set it by hand"


# -- the ACES version -------------------------------------------------------------------------------

def read_values(project, settings: Settings) -> dict:
    """The project's settings (``GetSetting()``), completed key by key where the version rules look."""
    everything = project.GetSetting()
    values = dict(everything) if isinstance(everything, dict) else {}
    table = settings.version()
    for key in [GAMUT_COMPRESS] + [e["key"] for e in table["keys"]] + [r["key"] for r in table["rules"] if "key" in r]:
        if key not in values:
            values[key] = project.GetSetting(key)
    return values


def project_file(project_name: str) -> Path:
    """The aceskit project file (aceskit.policy) of a Resolve project: ``ACESKIT_PROJECT``, else
    ``projects/<name>.json`` in the aceskit Resolve data folder."""
    if os.environ.get(PROJECT_ENV):
        return Path(os.environ[PROJECT_ENV])
    return Path(data_root()) / "projects" / f"{re.sub(r'[^A-Za-z0-9._ ()-]+', '_', project_name)}.json"


def _rule_applies(rule: dict, values: dict, resolve_major: int, settings: Settings) -> bool:
    when = rule["when"]
    if when == "rgc_on":
        return settings.rgc_on(values.get(GAMUT_COMPRESS))
    if when == "resolve_major_below":
        return 0 < resolve_major < int(rule["value"])
    if when == "setting_matches":
        return re.search(rule["pattern"], str(values.get(rule["key"]) or "")) is not None
    raise ResolveError(f"unknown ACES version rule {when!r} in the aceskit Resolve settings")


def aces_version(values: dict, resolve_major: int, settings: Settings, project_name: str) -> Tuple[str, str]:
    """(ACES version, where it came from) for a project whose settings are ``values`` (GetSetting())."""
    from aceskit import policy
    table = settings.version()
    for entry in table["keys"]:
        shown = values.get(entry["key"])
        if shown:
            m = re.search(r"(\d+)\.(\d+)", str(shown))
            if not m:
                raise ResolveError(f"the Resolve setting {entry['key']} = {shown!r} names no ACES version")
            return f"{m[1]}.{m[2]}", f"Resolve setting {entry['key']} = {shown!r}"
    allowed, reasons = list(table["known"]), []
    for rule in table["rules"]:
        if _rule_applies(rule, values, resolve_major, settings):
            allowed = [v for v in allowed if v in rule["allows"]]
            reasons.append(rule["source"])
    if len(allowed) == 1:
        return allowed[0], f"the Resolve settings ({'; '.join(reasons)})"
    path = project_file(project_name)
    if not path.is_file():
        raise ResolveError(f"the Resolve settings do not tell the ACES version (they allow {' or '.join(allowed)}); "
                           f"write it into the aceskit project file {path}, e.g. {{\"aces_version\": \"{allowed[-1]}\"}}")
    try:
        version = policy.Project.load(path).aces_version
    except (ValueError, OSError) as e:
        raise ResolveError(str(e)) from None
    if version not in allowed:
        raise ResolveError(f"the aceskit project file {path} says ACES {version}, but the Resolve settings "
                           f"allow only {' or '.join(allowed)}")
    return version, f"aceskit project file {path}"


# -- the probe ------------------------------------------------------------------------------------

def probe(resolve, project, settings: Settings, folder: Optional[Path] = None) -> Tuple[Path, Optional[str]]:
    """Write the project's colour settings to a JSON file; return its path and, when Resolve's RGC
    is on with a value the tables do not list first, that value (recorded in the user file)."""
    from aceskit import fileio
    everything = project.GetSetting()
    keys = list(PROBE_KEYS) + [e["key"] for e in settings.version()["keys"]]
    data = {"format": "aceskit resolve probe 1",
            "resolve": {"product": resolve.GetProductName(), "version": resolve.GetVersionString()},
            "project": project.GetName(), "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "settings": {k: project.GetSetting(k) for k in keys},
            "all_settings": everything if isinstance(everything, dict) else None}
    folder = Path(folder or Path(data_root()) / "probes")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    path = folder / f"{re.sub(r'[^A-Za-z0-9._ ()-]+', '_', project.GetName())} {stamp}.json"
    fileio.write_text(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
    value = data["settings"][GAMUT_COMPRESS]
    if not settings.rgc_on(value) or settings.values(GAMUT_COMPRESS, "on")[0] == value:
        return path, None
    learn(GAMUT_COMPRESS, "on", value, f"read from {data['resolve']['product']} {data['resolve']['version']} "
                                       f"by Probe Settings ({path.name})")
    return path, value


def learn(key: str, role: str, value: str, source: str) -> Path:
    """Put ``value`` first among the user file's candidates for ``key``/``role``."""
    from aceskit import fileio
    path = user_file()
    doc = _read(path) if path.is_file() else {"about": "Values learned from this machine's Resolve; tried first."}
    roles = doc.setdefault("settings", {}).setdefault(key, {}).setdefault("roles", {})
    roles[role] = [{"value": value, "verified": True, "source": source}] + \
        [c for c in roles.get(role, []) if c.get("value") != value]
    path.parent.mkdir(parents=True, exist_ok=True)
    fileio.write_text(path, json.dumps(doc, indent=2) + "\n")
    return path
