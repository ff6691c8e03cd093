"""Workspace > Scripts > aceskit > Export: the guide's two export templates, with an AMF per clip.

- "VFX pull (EXR)": rendered now, RGC forced off (project setting None, aceskit nodes disabled),
  ACES2065-1 output, half-float EXR, one file sequence per clip; settings restored afterwards.
- "Deliverable": queued with the current format; follows each clip's RGC.
Each template's folder gets ``<clip>.amf`` with the RGC ``applied`` flag from aceskit.policy.
"""

from pathlib import Path

import aceskit_resolve as ar
from aceskit import policy

PULL, DELIVERABLE = "VFX pull (EXR)", "Deliverable"


def main(resolve, target_dir=None, templates=(PULL, DELIVERABLE)) -> int:
    project, timeline = ar.current(resolve)
    state = ar.policy_project(project, timeline)
    space = ar.node_lut_space(project)
    root = Path(target_dir or Path.home() / "aceskit exports" / ar.file_name(project.GetName()))
    items = ar.video_items(timeline)
    for template in templates:
        policy.export_mode(template)                      # validates the name
        folder = root / ar.file_name(template)
        folder.mkdir(parents=True, exist_ok=True)
        if template == PULL:
            job = ar.vfx_pull(project, timeline, folder)
            amfs = ar.write_amfs(state, items, template, folder, "ACES2065-1")
        else:
            job = ar.queue_job(project, folder, individual_clips=False)
            amfs = ar.write_amfs(state, items, template, folder, space)
        print(f"aceskit: {template}: render job {job}, {len(amfs)} AMF(s) in {folder}")
    return 0


if __name__ == "__main__":
    ar.run(main, globals().get("resolve") or ar.connect())
