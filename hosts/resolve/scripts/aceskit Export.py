"""Workspace > Scripts > aceskit > Export: the guide's two export templates, with an AMF per clip.

- "VFX pull (EXR)": rendered now, RGC forced off (Resolve's setting off, aceskit nodes disabled),
  no ACES output transform (ACES2065-1 frames), half-float EXR, one file sequence per clip; each
  setting verified by read-back, all restored afterwards.
- "Deliverable": queued with the current format; follows each clip's RGC.
Each template's folder gets ``<clip>.amf`` with the RGC ``applied`` flag from aceskit.policy; the
report and each AMF's description say where the ACES version came from.
"""

from pathlib import Path

import aceskit_resolve as ar
import resolve_settings as rs
from aceskit import policy

PULL, DELIVERABLE = "VFX pull (EXR)", "Deliverable"


def main(resolve, target_dir=None, templates=(PULL, DELIVERABLE)) -> int:
    project, timeline = ar.current(resolve)
    settings = rs.Settings.load()
    space = ar.node_lut_space(project)
    state, source = ar.project_state(resolve, project, settings, ar.clip_overrides(timeline))
    for template in templates:
        policy.export_mode(template)                      # validates the name
    print(f"aceskit: ACES {state.aces_version} from {source}")
    root = Path(target_dir or Path.home() / "aceskit exports" / ar.file_name(project.GetName()))
    items, failed = ar.video_items(timeline), False
    for template in templates:
        folder = root / ar.file_name(template)
        folder.mkdir(parents=True, exist_ok=True)
        if template == PULL:
            job, problems = ar.vfx_pull(state, project, timeline, folder, settings)
            amfs = ar.write_amfs(state, source, items, template, folder, "ACES2065-1")
            for problem in problems:
                print(f"aceskit: {problem}")
            failed = failed or bool(problems)
        else:
            job = ar.queue_job(project, folder, individual_clips=False)
            amfs = ar.write_amfs(state, source, items, template, folder, space)
        print(f"aceskit: {template}: render job {job}, {len(amfs)} AMF(s) in {folder}")
    return 1 if failed else 0


if __name__ == "__main__":
    ar.run(main, globals().get("resolve"))
