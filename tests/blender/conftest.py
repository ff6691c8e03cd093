"""Real Blender (the bpy module) for the whole session, and a headless compositor runner.

One Blender per test session: ``bpy`` is imported once, with ``BLENDER_USER_RESOURCES`` pointing
at a scratch folder so installed extensions and preferences never touch the user's own.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
try:
    import aceskit  # noqa: F401  (installed in CI)
except ImportError:
    sys.path.insert(0, str(ROOT / "core"))
sys.path.insert(0, str(ROOT / "tests"))  # hostcheck

from aceskit.targets import blender as backend  # noqa: E402



@pytest.fixture(scope="session")
def user_resources(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("blender-user")


@pytest.fixture(scope="session")
def bpy(user_resources):
    os.environ["BLENDER_USER_RESOURCES"] = str(user_resources)  # read when bpy starts
    import bpy as _bpy
    _bpy.ops.wm.read_factory_settings(use_empty=True)
    return _bpy


class Compositor:
    """Renders ``rgb`` (n, 3) through one group node at full float precision, headless (CPU)."""

    WIDTH = 256

    def __init__(self, bpy, workdir: Path):
        self.bpy, self.workdir = bpy, workdir

    def run(self, group, rgb, **inputs) -> np.ndarray:
        bpy = self.bpy
        rgb = np.asarray(rgb, dtype=np.float32).reshape(-1, 3)
        n = len(rgb)
        w = min(self.WIDTH, max(n, 4))
        h = max(-(-n // w), 4)
        pix = np.zeros((h * w, 4), dtype=np.float32)
        pix[:n, :3] = rgb
        pix[:, 3] = 1.0
        img = bpy.data.images.new("aceskit-test-input", w, h, alpha=True, float_buffer=True)
        img.colorspace_settings.name = "Non-Color"  # values reach the compositor unconverted
        img.pixels.foreach_set(pix.reshape(h, w, 4)[::-1].ravel())  # Blender rows are bottom-first
        sc = bpy.context.scene
        comp = backend.scene_tree(sc, bpy, create=True)
        comp.nodes.clear()
        src = comp.nodes.new("CompositorNodeImage")
        src.image = img
        out = backend.output_node(comp, bpy, create=True)
        if group is None:
            comp.links.new(src.outputs["Image"], out.inputs["Image"])
        else:
            node = comp.nodes.new("CompositorNodeGroup")
            node.node_tree = bpy.data.node_groups[group] if isinstance(group, str) else group
            for name, value in inputs.items():
                node.inputs[name].default_value = space_input(bpy, value) if name == backend.WORKING_SPACE else value
            comp.links.new(src.outputs["Image"], node.inputs["Image"])
            comp.links.new(node.outputs["Image"], out.inputs["Image"])
        r = sc.render
        r.resolution_x, r.resolution_y, r.resolution_percentage = w, h, 100
        r.compositor_precision = "FULL"
        r.compositor_device = "CPU"
        s = r.image_settings
        s.file_format, s.color_depth, s.exr_codec, s.color_mode = "OPEN_EXR", "32", "NONE", "RGBA"
        path = self.workdir / "render.exr"
        r.filepath = str(path)
        # once the extension is enabled its render policy manages RGC nodes: keep the one under test on
        policy = getattr(sc, "aceskit", None)
        saved = (policy.export_mode, policy.write_amf) if policy is not None else None
        if policy is not None:
            policy.export_mode, policy.write_amf = "force_on", False
        try:
            bpy.ops.render.render(write_still=True)
            import OpenEXR
            with OpenEXR.File(str(path)) as f:
                out_px = np.array(f.channels()["RGBA"].pixels, dtype=np.float32)
        finally:
            if policy is not None:
                policy.export_mode, policy.write_amf = saved
            comp.nodes.clear()
            bpy.data.images.remove(img)
            if path.exists():
                path.unlink()
        return out_px.reshape(h * w, 4)[:n, :3]  # EXR rows are top-first, as packed


@pytest.fixture(scope="session")
def compositor(bpy, tmp_path_factory):
    return Compositor(bpy, tmp_path_factory.mktemp("render"))


@pytest.fixture(scope="session")
def groups(bpy):
    """All aceskit node groups, built once by the backend."""
    return backend.ensure_groups(bpy)


def space_input(bpy, space: str):
    """The value of a group node's Working Space input that selects ``space``: the space's name
    (a menu, Blender 5.0+) or its index (Blender 4.5)."""
    return space if backend.api(bpy).menus else backend.HOST.rgc_spaces.index(space)


@pytest.fixture(scope="session")
def space_value(bpy):
    return lambda space: space_input(bpy, space)
