"""Workspace > Scripts > aceskit > Probe Settings: write the project's colour settings to a JSON file.

The file (in ``probes`` of the aceskit Resolve data folder) holds the colour keys read one by one
and everything ``GetSetting()`` returns.  When Resolve's RGC check box is ticked (by hand, in
Project Settings > Color Management) with a value the settings tables do not list first, that
value goes first into the user settings file, so the other scripts use it from then on.
"""

import aceskit_resolve as ar
import resolve_settings as rs


def main(resolve, folder=None) -> int:
    project, _ = ar.current(resolve)
    path, learned = rs.probe(resolve, project, rs.Settings.load(), folder)
    print(f"aceskit: colour settings of {project.GetName()!r} written to {path}")
    if learned:
        print(f"aceskit: {rs.GAMUT_COMPRESS} = {learned!r} recorded in {rs.user_file()}; "
              "Project RGC uses it from now on")
    return 0


if __name__ == "__main__":
    ar.run(main, globals().get("resolve"))
