"""The project / clip / export RGC model on a Blender scene, and the AMF written on render.

The scene holds the project (ACES version, RGC on/off) and the export mode; each image (a clip)
holds an override.  aceskit's RGC group nodes in the scene's compositor are managed: while
viewing they are active when the clip's RGC is on (``aceskit.policy.clip_rgc``); for a render
they are active exactly when the export bakes the RGC (``aceskit.policy.baked``).  After the
render an AMF is written next to the output with the RGC ``applied`` flag of
``aceskit.policy.amf_applied`` (true only when a managed node actually baked it).
"""

from __future__ import annotations

import os
import re
from typing import Iterable, Optional

import bpy

from aceskit import policy
from aceskit.targets import blender as backend

from .tagging import BLENDER_NAMES

RGC_GROUPS = (backend.RGC_REFERENCE, backend.RGC_PARAMETRIC)


def project(scene) -> policy.Project:
    s = scene.aceskit
    offered = policy.Project(s.aces_version, False).rgc_available
    return policy.Project(s.aces_version, bool(s.rgc) and offered)


def rgc_nodes(tree) -> Iterable:
    if tree is None:
        return []
    return [n for n in tree.nodes if n.bl_idname == "CompositorNodeGroup" and n.node_tree is not None
            and n.node_tree.name in RGC_GROUPS]


def source_image(node):
    """The image feeding ``node`` (following links upstream through any nodes), or None."""
    seen, stack = set(), [node]
    while stack:
        n = stack.pop()
        if n.as_pointer() in seen:
            continue
        seen.add(n.as_pointer())
        if n.bl_idname == "CompositorNodeImage" and n.image is not None:
            return n.image
        stack.extend(link.from_node for s in n.inputs for link in s.links)
    return None


def override(image) -> str:
    return image.aceskit.rgc_override if image is not None else "follow"


def apply_viewing(scene) -> None:
    """Activate managed RGC nodes where the clip's RGC is on (what the artist sees)."""
    p = project(scene)
    for n in rgc_nodes(backend.scene_tree(scene, bpy)):
        n.mute = not policy.clip_rgc(p, override(source_image(n)))


def apply_export(scene) -> Optional[bool]:
    """Activate managed RGC nodes where the export bakes the RGC; returns the AMF applied flag."""
    p, mode = project(scene), scene.aceskit.export_mode
    nodes = rgc_nodes(backend.scene_tree(scene, bpy))
    clip = _clip(scene)
    for n in nodes:
        n.mute = not policy.baked(p, override(source_image(n)), mode)
    flag = policy.amf_applied(p, override(clip), mode)
    if flag and not any(not n.mute for n in nodes):
        flag = False if policy.clip_rgc(p, override(clip)) else None  # nothing baked it
    return flag


def _clip(scene):
    tree = backend.scene_tree(scene, bpy)
    if tree is None:
        return None
    out = backend.output_node(tree, bpy)
    found = source_image(out) if out is not None else None
    return found or next((n.image for n in tree.nodes if n.bl_idname == "CompositorNodeImage" and n.image), None)


def image_space(image) -> str:
    if image is None:
        return "ACES2065-1"
    if image.aceskit.source_space:
        return image.aceskit.source_space
    return _aceskit_name(image.colorspace_settings.name)


def _aceskit_name(blender_name: str) -> str:
    """aceskit's name for a Blender color space (ACES2065-1 when aceskit has no such space)."""
    from aceskit import spaces
    iid = {b: i for i, b in BLENDER_NAMES.items()}.get(blender_name)
    found = spaces.find_by_interop_id(iid) if iid else None
    if found is not None:
        return found.name
    try:
        return spaces.get(blender_name).name
    except (KeyError, ValueError):
        return "ACES2065-1"


def output_space(scene) -> str:
    s = scene.render.image_settings
    if getattr(s, "color_management", "FOLLOW_SCENE") == "OVERRIDE":
        return _aceskit_name(s.linear_colorspace_settings.name)
    ws = getattr(getattr(bpy.data, "colorspace", None), "working_space", "") or "Linear Rec.709"
    return _aceskit_name(ws)


# -- handlers -----------------------------------------------------------------------------------
_session = {"frames": [], "flag": None}


def on_render_init(scene, *_):
    _session["frames"] = []
    _session["flag"] = apply_export(scene)


def on_render_write(scene, *_):
    path = _written(scene)
    if path and path not in (p for _, p in _session["frames"]):
        _session["frames"].append((scene.frame_current, path))


def on_render_done(scene, *_):
    try:
        if scene.aceskit.write_amf:
            write_amf(scene, _session["frames"] or _still_output(scene), _session["flag"])
    finally:
        _session["frames"] = []
        apply_viewing(scene)


def on_render_cancel(scene, *_):
    _session["frames"] = []
    apply_viewing(scene)


def _written(scene) -> Optional[str]:
    """The file just written: the numbered frame of an animation, or a still's own path."""
    r = scene.render
    still = bpy.path.abspath(r.filepath)
    for path in (bpy.path.abspath(r.frame_path(frame=scene.frame_current)), still, still + r.file_extension):
        if os.path.isfile(path):
            return path
    return None


def _still_output(scene) -> list:
    path = _written(scene)
    return [(scene.frame_current, path)] if path else []


def amf_path_for(frames: list) -> tuple[str, Optional[tuple], Optional[str]]:
    """(AMF path, sequence, file) for the frames written: one file, or a numbered sequence."""
    paths = [p for _, p in frames]
    if len(paths) == 1:
        return os.path.splitext(paths[0])[0] + ".amf", None, os.path.basename(paths[0])
    first, last = frames[0][0], frames[-1][0]
    m = re.match(r"^(.*?)(\d+)(\.[^.]*)?$", os.path.basename(paths[0]))
    folder = os.path.dirname(paths[0])
    if not m:
        return os.path.splitext(paths[0])[0] + ".amf", None, os.path.basename(paths[0])
    stem, digits, ext = m[1], m[2], m[3] or ""
    pattern = f"{stem}{'#' * len(digits)}{ext}"
    return os.path.join(folder, (stem.rstrip("._-") or "render") + ".amf"), (pattern, first, last), None


def write_amf(scene, frames: list, applied: Optional[bool]) -> Optional[str]:
    """Write the AMF for ``frames`` [(frame, path)] and return its path (None: nothing written)."""
    from aceskit import amf
    if not frames:
        return None
    clip = _clip(scene)
    path, sequence, file = amf_path_for(frames)
    clip_name = os.path.splitext(clip.name)[0] if clip is not None else scene.name
    doc = amf.for_frames(clip_name, image_space(clip), output_space(scene), applied,
                         aces_version=project(scene).aces_version, sequence=sequence, file=file)
    return doc.write(path)


HANDLERS = (("render_init", on_render_init), ("render_write", on_render_write),
            ("render_complete", on_render_done), ("render_cancel", on_render_cancel))
