"""Write nodes: the export RGC mode ("VFX pull (EXR)" forces it off) and AMF export.

``setup_write`` adds an ``aceskit`` tab to a Write: the export mode (an ``aceskit.policy``
mode or template) and an "Export AMF" button.  It also fills the Write's ``beforeRender`` /
``afterRender`` knobs, which Nuke saves with the script and runs in render-only sessions too:
before rendering, every upstream RGC gizmo's ``rgc`` override is set to On exactly when the
export bakes it (Off otherwise), and afterwards its previous value comes back.

AMF validation needs ``xmlschema``, which Nuke's Python usually lacks; without it the AMF is
written unvalidated and one line says so.
"""

from __future__ import annotations

import os
import re
from typing import Optional

import nuke

from . import RGC_CLASSES, project

MODE_KNOB = "aceskit_export"
AMF_KNOB = "aceskit_amf"
DEFAULT_TEMPLATE = "VFX pull (EXR)"
BEFORE = "import aceskit_nuke.export; aceskit_nuke.export.before_render()"
AFTER = "import aceskit_nuke.export; aceskit_nuke.export.after_render()"
_saved: dict[str, list[tuple[nuke.Node, str]]] = {}


def modes() -> tuple[str, ...]:
    from aceskit import policy
    return tuple(policy.EXPORT_MODES)


def setup_write(write: nuke.Node, template: str = DEFAULT_TEMPLATE) -> str:
    """Give a Write the aceskit export settings; ``template`` is a policy template or export mode."""
    from aceskit import policy
    if write.Class() != "Write":
        raise ValueError(f"{write.name()} is a {write.Class()}; the export settings go on a Write node")
    mode = policy.export_mode(template).value
    if write.knob(MODE_KNOB) is None:
        write.addKnob(nuke.Tab_Knob("aceskit", "aceskit"))
        write.addKnob(nuke.Enumeration_Knob(MODE_KNOB, "RGC in export", list(modes())))
        write.addKnob(nuke.PyScript_Knob(AMF_KNOB, "Export AMF",
                                         "import aceskit_nuke.export; aceskit_nuke.export.export_amf(nuke.thisNode())"))
    write[MODE_KNOB].setValue(mode)
    if template in policy.TEMPLATES and template.endswith("(EXR)"):
        write["file_type"].setValue("exr")
    write["beforeRender"].setValue(BEFORE)
    write["afterRender"].setValue(AFTER)
    return mode


def mode(write: nuke.Node) -> str:
    k = write.knob(MODE_KNOB)
    return str(k.value()) if k is not None else "follow_project"


def upstream(node: nuke.Node) -> list[nuke.Node]:
    """Every node feeding ``node`` (depth first, each once, nearest first)."""
    seen: list[nuke.Node] = []
    stack = [node]
    while stack:
        n = stack.pop()
        for i in reversed(range(n.inputs())):
            src = n.input(i)
            if src is not None and src not in seen:
                seen.append(src)
                stack.append(src)
    return seen


def rgc_upstream(write: nuke.Node) -> list[nuke.Node]:
    return [n for n in upstream(write) if n.Class() in RGC_CLASSES]


def bake_plan(write: nuke.Node) -> list[tuple[nuke.Node, bool]]:
    """(gizmo, baked) for each upstream RGC gizmo under this Write's export mode."""
    from aceskit import policy
    p = project.project()
    return [(n, policy.baked(p, project.override(n), mode(write))) for n in rgc_upstream(write)]


def before_render(write: Optional[nuke.Node] = None) -> None:
    """beforeRender: turn each upstream RGC gizmo on exactly when this export bakes it."""
    write = write if write is not None else nuke.thisNode()
    plan = bake_plan(write)
    _saved[write.name()] = [(n, str(n[project.OVERRIDE_KNOB].value())) for n, _ in plan]
    for n, baked in plan:
        project.set_override(n, "on" if baked else "off")


def after_render(write: Optional[nuke.Node] = None) -> None:
    """afterRender: restore the gizmos' previous overrides."""
    write = write if write is not None else nuke.thisNode()
    for n, value in _saved.pop(write.name(), []):
        n[project.OVERRIDE_KNOB].setValue(value)


def applied_flag(write: nuke.Node) -> Optional[bool]:
    """The AMF ``applied`` flag of the RGC for this export (None: no RGC in the pipeline).

    With several RGC gizmos upstream the strongest state wins: baked, then viewed.
    """
    from aceskit import policy
    p = project.project()
    flags = [policy.amf_applied(p, project.override(n), mode(write)) for n in rgc_upstream(write)]
    if True in flags:
        return True
    return False if False in flags else None


def _known(name: str) -> Optional[str]:
    from aceskit import spaces
    try:
        return spaces.get(name).name
    except KeyError:
        return None


def input_space(write: nuke.Node) -> str:
    """The source space: an upstream aceskit conversion gizmo (to ACES), else the Read's colorspace."""
    from aceskit.targets.nuke import conversion_spaces, gizmo_name
    from aceskit.targets.manifest import TO_ACES
    by_class = {gizmo_name(s): s for s in conversion_spaces()}
    for n in upstream(write):
        cls = n.Class()
        if cls in by_class and str(n["direction"].value()) == TO_ACES:
            return by_class[cls]
        if cls == "Read":
            found = _known(str(n["colorspace"].value()))
            if found:
                return found
    return "ACES2065-1"


def _sequence(write: nuke.Node) -> tuple[str, int, int]:
    path = str(write["file"].value())
    root = nuke.root()
    return path, int(root["first_frame"].value()), int(root["last_frame"].value())


def amf_path(write: nuke.Node) -> str:
    """``<folder>/<name without frame number>.amf`` next to the Write's files."""
    path = str(write["file"].value())
    folder, base = os.path.split(path)
    stem = re.sub(r"[._]?(%0?\d*d|#+|@+)$", "", os.path.splitext(base)[0]) or write.name()
    return os.path.join(folder, stem + ".amf")


def export_amf(write: nuke.Node, path: Optional[str] = None, clip_name: Optional[str] = None) -> str:
    """Write the AMF describing this Write's frames; returns its path.

    The file is validated against the AMF XSD when ``xmlschema`` is importable; otherwise a
    one-line note says validation was skipped.
    """
    from aceskit import amf
    if write.Class() != "Write":
        raise ValueError(f"{write.name()} is a {write.Class()}; AMF export needs a Write node")
    path = path or amf_path(write)
    working = _known(str(write["colorspace"].value())) or "ACES2065-1"
    pattern, first, last = _sequence(write)
    seq = (os.path.basename(pattern), first, last) if re.search(r"%0?\d*d|#+|@+", pattern) else None
    doc = amf.for_frames(clip_name or write.name(), input_space(write), working, applied_flag(write),
                         aces_version=project.project().aces_version, sequence=seq,
                         file=None if seq else os.path.basename(pattern))
    doc.write(path)
    try:
        import xmlschema  # noqa: F401  (what amf.validate needs)
    except ImportError:
        print(f"aceskit: {path} written without schema validation (xmlschema is not installed in Nuke's Python)")
        return path
    errors = amf.validate(path)
    if errors:
        raise ValueError(f"{path}: the AMF does not validate: {errors[0]}")
    return path
