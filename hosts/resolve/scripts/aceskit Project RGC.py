"""Workspace > Scripts > aceskit > Project RGC: ACES color science, ACES >= 1.3, the RGC on.

Sets ``colorScienceMode`` to ``acescct`` (an ACEScc project stays ACEScc), raises the ACES
version to 1.3 where the API exposes it, turns Resolve's own gamut compression on (the guide's
project-level default) and re-syncs the RGC node of every clip that has an override.
"""

import re

from pathlib import Path

import aceskit_resolve as ar
from aceskit import policy


def main(resolve, enable: bool = True, lut_dir=None) -> int:
    project, timeline = ar.current(resolve)
    if project.GetSetting(ar.COLOR_SCIENCE) not in ar.ACES_MODES:
        if not project.SetSetting(ar.COLOR_SCIENCE, "acescct"):
            raise ar.ResolveError(f"Resolve refused {ar.COLOR_SCIENCE} = 'acescct'")
    key, version = ar.aces_version(project)
    if key is None:
        print("aceskit: the scripting API does not expose the ACES version; "
              "check Project Settings > Color Management shows ACES 1.3 or later")
    elif not policy.Project(ar.version_number(version), False).rgc_available:
        raised = re.sub(r"\d+\.\d+", "1.3", version)
        if not project.SetSetting(key, raised):
            raise ar.ResolveError(f"Resolve refused {key} = {raised!r}; set ACES 1.3 in Project Settings")
        version = raised
    policy.Project(ar.version_number(version), bool(enable))      # validates the combination
    value = ar.GAMUT_COMPRESS_ON if enable else ar.GAMUT_COMPRESS_OFF
    if not project.SetSetting(ar.GAMUT_COMPRESS, value):
        raise ar.ResolveError(f"Resolve refused {ar.GAMUT_COMPRESS} = {value!r}; set ACES Gamut Compress "
                              "in Project Settings > Color Management")
    lut = Path(lut_dir) if lut_dir else ar.installed_lut_dir()
    synced = [ar.sync_clip(project, i, lut) for i in ar.video_items(timeline) if ar.clip_override(i) != "follow"]
    print(f"aceskit: project RGC {'on' if enable else 'off'}; {len(synced)} clip override(s) re-synced")
    return 0


if __name__ == "__main__":
    ar.run(main, globals().get("resolve") or ar.connect())
