"""Workspace > Scripts > aceskit > Project RGC: ACES color science and Resolve's RGC on.

Sets ``colorScienceMode`` to ACEScct (an ACEScc project stays ACEScc), turns Resolve's own gamut
compression on (the guide's project-level default) and re-syncs the RGC node of every clip that
has an override.  Every setting is read back; a value Resolve does not take ends with the control
to set by hand (see resolve_settings).  The report names the ACES version and where it came from.
"""


import aceskit_resolve as ar
import resolve_settings as rs
from aceskit import policy


def main(resolve, enable: bool = True, lut_dir=None) -> int:
    project, timeline = ar.current(resolve)
    settings = rs.Settings.load()
    items = ar.override_items(timeline)
    try:            # the version does not change with the RGC; read it while the settings may tell
        before = ar.project_state(resolve, project, settings)
    except ar.ResolveError:
        before = None
    if project.GetSetting(ar.COLOR_SCIENCE) not in ar.ACES_MODES:
        rs.apply(project, settings, ar.COLOR_SCIENCE, "aces")
    try:
        value = rs.apply(project, settings, rs.GAMUT_COMPRESS, "on" if enable else "off")
    except ar.ResolveError as e:
        raise ar.ResolveError(f"{e} (Resolve offers the RGC from ACES 1.3: check Project Settings > "
                              "Color Management > ACES version)" if enable else str(e)) from None
    report = f"aceskit: project RGC {'on' if enable else 'off'} ({rs.GAMUT_COMPRESS} reads {value!r})"
    if items or before:
        version, source = before or ar.project_state(resolve, project, settings)
        state = policy.Project(version.aces_version, settings.rgc_on(value))
        synced = [ar.sync_clip(state, project, i, ar.lut_dirs(lut_dir)) for i in items]
        report += f"; {len(synced)} clip override(s) re-synced; ACES {state.aces_version} from {source}"
    print(report)
    return 0


if __name__ == "__main__":
    ar.run(main, globals().get("resolve"))
