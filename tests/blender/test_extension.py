"""The aceskit extension as a user gets it: built by the installer, validated with Blender's own
blender_ext.py, installed and enabled in Blender, its operators run, and renders write an AMF
that validates against the official XSD with the RGC ``applied`` flag the policy asks for."""

import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import OpenEXR
import pytest

from aceskit.commands.install import load_installer

from aceskit import amf, policy, rgc, spaces
from aceskit.targets import blender as backend

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def installer():
    return load_installer("blender")


@pytest.fixture(scope="session")
def extension_zip(installer, tmp_path_factory):
    return installer.build(tmp_path_factory.mktemp("dist") / "aceskit-blender.zip")


@pytest.fixture(scope="session")
def installed(bpy, extension_zip, user_resources):
    result = bpy.ops.extensions.package_install_files(filepath=str(extension_zip), repo="user_default",
                                                     enable_on_install=True)
    assert result == {"FINISHED"}
    assert "bl_ext.user_default.aceskit" in sys.modules
    assert (user_resources / "extensions" / "user_default" / "aceskit" / "blender_manifest.toml").is_file()
    return sys.modules["bl_ext.user_default.aceskit"]


def test_zip_contents(extension_zip):
    with zipfile.ZipFile(extension_zip) as zf:
        names = zf.namelist()
        manifest = zf.read("blender_manifest.toml").decode()
    assert {"__init__.py", "blender_manifest.toml", "exrheader.py", "tagging.py", "render.py"} <= set(names)
    wheels = [n for n in names if n.startswith("wheels/aceskit-") and n.endswith(".whl")]
    assert len(wheels) == 1 and f'"./{wheels[0]}"' in manifest


def test_validates_with_blender_ext(installer, extension_zip):
    tool = installer.find_blender_ext()
    assert tool is not None and tool.is_file()
    proc = subprocess.run([sys.executable, str(tool), "validate", str(extension_zip)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr + proc.stdout


def test_bad_zip_path_is_one_sentence(installer, tmp_path, capsys):
    assert installer.main(["--build-only", "--zip", str(tmp_path / "x.tar")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--zip must name a .zip file" in err


def test_installer_installs_and_removes_with_blender_cli(installer, tmp_path, monkeypatch, capsys):
    """``aceskit install blender --blender B`` runs ``B --command extension install-file/remove``; B here
    launches Blender's own implementation of that command (bl_pkg.cli_extension) from the bpy module."""
    launcher = tmp_path / "blender"
    launcher.write_text(f"#!{sys.executable}\n" + LAUNCHER)
    launcher.chmod(0o755)
    user = tmp_path / "user"
    user.mkdir()
    monkeypatch.setenv("BLENDER_USER_RESOURCES", str(user))
    zip_path = tmp_path / "ext.zip"
    assert installer.main(["--blender", str(launcher), "--zip", str(zip_path)]) == 0
    assert "validated with blender_ext.py" in capsys.readouterr().out
    assert (user / "extensions" / "user_default" / "aceskit" / "__init__.py").is_file()
    assert installer.main(["--blender", str(launcher), "--uninstall"]) == 0
    assert not (user / "extensions" / "user_default" / "aceskit").exists()


LAUNCHER = """import sys
import bpy  # noqa: F401  (puts Blender's own modules on the path)
import addon_utils
argv = sys.argv[1:]
if argv[:2] != ["--command", "extension"]:
    sys.exit(f"unsupported arguments {argv}")
addon_utils.enable("bl_pkg")
import bl_pkg
sys.exit(bl_pkg.cli_extension(argv[2:]))
"""


def test_enabling_creates_every_group(bpy, installed):
    assert set(backend.group_names()) <= set(bpy.data.node_groups.keys())
    assert hasattr(bpy.ops.aceskit, "ensure_node_groups")


def test_ensure_node_groups_operator(bpy, installed):
    bpy.data.node_groups.remove(bpy.data.node_groups[backend.RGC_PARAMETRIC])
    victim = bpy.data.node_groups[backend.conversion_name("ARRI LogC4", "ACEScg")]
    victim.nodes.clear()
    assert bpy.ops.aceskit.ensure_node_groups() == {"FINISHED"}
    assert backend.RGC_PARAMETRIC in bpy.data.node_groups
    assert len(bpy.data.node_groups[backend.conversion_name("ARRI LogC4", "ACEScg")].nodes) > 10


def test_add_group_node_operator(bpy, installed):
    scene = bpy.context.scene
    tree = backend.scene_tree(scene, bpy, create=True)
    tree.nodes.clear()
    try:
        bpy.data.node_groups.remove(bpy.data.node_groups[backend.RGC_REFERENCE])  # made again on demand
        assert bpy.ops.aceskit.add_group_node(group_name=backend.RGC_REFERENCE) == {"FINISHED"}
        name = backend.conversion_name("S-Log3 S-Gamut3.Cine", "ACEScg")
        assert bpy.ops.aceskit.add_group_node(group_name=name) == {"FINISHED"}
        assert sorted(n.node_tree.name for n in tree.nodes) == sorted([backend.RGC_REFERENCE, name])
        with pytest.raises(RuntimeError, match="group_name must be an aceskit node group"):
            bpy.ops.aceskit.add_group_node(group_name="Not A Group")
    finally:
        tree.nodes.clear()


def write_exr(path, rgb, **header):
    rgb = np.asarray(rgb, dtype=np.float32).reshape(4, 4, 3)
    hdr = {"compression": OpenEXR.NO_COMPRESSION, "type": OpenEXR.scanlineimage, **header}
    with OpenEXR.File(hdr, {"RGB": rgb}) as f:
        f.write(str(path))
    return path


AP1 = spaces.get("ACEScg").chromaticities


@pytest.mark.parametrize("header,blender_name,space,source", [
    ({"chromaticities": AP1}, "ACEScg", "ACEScg", "chromaticities"),
    ({"colorInteropID": "lin_ap1_scene"}, "ACEScg", "ACEScg", "colorInteropID"),
    ({"acesImageContainerFlag": 1}, "ACES2065-1", "ACES2065-1", "acesImageContainerFlag"),
    ({"chromaticities": spaces.get("Linear Rec.2020").chromaticities}, "Linear Rec.2020", "Linear Rec.2020",
     "chromaticities"),
    ({"colorInteropID": "ocio:arrilogc3_awg3_scene"}, "Non-Color", "ARRI LogC3 (EI800)", "colorInteropID"),
], ids=["AP1-chromaticities", "lin_ap1_scene", "aces-container", "rec2020", "logc3"])
def test_tag_exr_images(bpy, installed, tmp_path, header, blender_name, space, source):
    path = write_exr(tmp_path / "plate.exr", np.full(48, 0.18), **header)
    img = bpy.data.images.load(str(path))
    try:
        assert bpy.ops.aceskit.tag_exr_images(image_name=img.name) == {"FINISHED"}
        assert img.colorspace_settings.name == blender_name
        assert (img.aceskit.source_space, img.aceskit.source) == (space, source)
    finally:
        bpy.data.images.remove(img)


def test_blender_alone_misses_ap1(bpy, tmp_path):
    """Why the tagging exists: Blender reads AP1 chromaticities as its default float space."""
    img = bpy.data.images.load(str(write_exr(tmp_path / "ap1.exr", np.full(48, 0.18), chromaticities=AP1)))
    try:
        assert img.colorspace_settings.name != "ACEScg"
    finally:
        bpy.data.images.remove(img)


def test_untagged_exr_is_left_alone(bpy, installed, tmp_path):
    img = bpy.data.images.load(str(write_exr(tmp_path / "bare.exr", np.full(48, 0.18))))
    try:
        before = img.colorspace_settings.name
        assert bpy.ops.aceskit.tag_exr_images(image_name=img.name) == {"FINISHED"}
        assert img.colorspace_settings.name == before and img.aceskit.source_space == ""
    finally:
        bpy.data.images.remove(img)


def test_corrupt_exr_header_is_reported(installed, tmp_path):
    from importlib import import_module
    exrheader = import_module("bl_ext.user_default.aceskit.exrheader")
    good = write_exr(tmp_path / "good.exr", np.zeros(48), chromaticities=AP1)
    assert exrheader.read(str(good))["chromaticities"] == pytest.approx(AP1, abs=1e-7)
    cut = tmp_path / "cut.exr"
    cut.write_bytes(good.read_bytes()[:60])
    with pytest.raises(ValueError, match="truncated or corrupt"):
        exrheader.read(str(cut))
    fake = tmp_path / "fake.exr"
    fake.write_text("not an exr")
    with pytest.raises(ValueError, match="not an OpenEXR file"):
        exrheader.read(str(fake))


def test_set_working_space_acescg(bpy, installed):
    if backend.api(bpy).version < (5, 0):  # no working space setting: the operator is unavailable
        with pytest.raises(RuntimeError, match="needs Blender 5.0"):
            bpy.ops.aceskit.set_working_space_acescg()
        return
    before = bpy.data.colorspace.working_space
    try:
        assert bpy.ops.aceskit.set_working_space_acescg() == {"FINISHED"}
        assert bpy.data.colorspace.working_space == "ACEScg"
    finally:
        bpy.ops.wm.set_working_color_space(working_space=before, convert_colors=False)


# -- render: policy and AMF ---------------------------------------------------------------------

PLATE = np.array([[0.9, -0.2, 0.1]] * 8 + [[0.18, 0.18, 0.18]] * 8)  # ACEScg, first half out of gamut


@pytest.fixture
def plate_scene(bpy, installed, tmp_path, space_value):
    path = write_exr(tmp_path / "A001C003.exr", PLATE, colorInteropID="lin_ap1_scene")
    img = bpy.data.images.load(str(path))
    bpy.ops.aceskit.tag_exr_images(image_name=img.name)
    img.colorspace_settings.name = "Non-Color"  # feed ACEScg values unconverted (working space Rec.709)
    sc = bpy.context.scene
    tree = backend.scene_tree(sc, bpy, create=True)
    tree.nodes.clear()
    src = tree.nodes.new("CompositorNodeImage")
    src.image = img
    node = tree.nodes.new("CompositorNodeGroup")
    node.node_tree = bpy.data.node_groups[backend.RGC_REFERENCE]
    node.inputs[backend.WORKING_SPACE].default_value = space_value("ACEScg")
    out = backend.output_node(tree, bpy, create=True)
    tree.links.new(src.outputs["Image"], node.inputs["Image"])
    tree.links.new(node.outputs["Image"], out.inputs["Image"])
    r = sc.render
    r.resolution_x = r.resolution_y = 4
    r.resolution_percentage = 100
    r.compositor_precision = "FULL"
    s = r.image_settings
    s.file_format, s.color_depth, s.exr_codec = "OPEN_EXR", "32", "NONE"
    r.filepath = str(tmp_path / "out" / "A001C003_comp.exr")
    (tmp_path / "out").mkdir()
    yield sc, img, node, tmp_path / "out"
    tree.nodes.clear()
    bpy.data.images.remove(img)
    sc.aceskit.aces_version, sc.aceskit.rgc, sc.aceskit.export_mode = "1.3", True, "follow_project"


def _render(bpy, folder):
    bpy.ops.render.render(write_still=True)
    with OpenEXR.File(str(folder / "A001C003_comp.exr")) as f:
        px = np.array(f.channels()["RGBA"].pixels)[..., :3].reshape(-1, 3)
    return px, folder / "A001C003_comp.amf"


@pytest.mark.parametrize("aces,rgc_on,override,mode", [
    ("1.3", True, "follow", "follow_project"),
    ("1.3", True, "follow", "force_off"),        # the guide's VFX pull: not baked, AMF says view it
    ("1.3", True, "off", "follow_clip"),
    ("2.0", False, "on", "follow_clip"),
    ("1.3", False, "follow", "force_on"),
    ("2.0", True, "follow", "follow_project"),
])
def test_render_writes_amf(bpy, plate_scene, aces, rgc_on, override, mode):
    sc, img, node, folder = plate_scene
    sc.aceskit.aces_version, sc.aceskit.rgc, sc.aceskit.export_mode = aces, rgc_on, mode
    img.aceskit.rgc_override = override
    project = policy.Project(aces, rgc_on)
    want_baked = policy.baked(project, override, mode)
    want_flag = policy.amf_applied(project, override, mode)

    px, amf_path = _render(bpy, folder)
    expected = rgc.compress(PLATE, space="ACEScg") if want_baked else PLATE
    np.testing.assert_allclose(px, expected, rtol=1e-5, atol=1e-6)
    assert amf.validate(str(amf_path)) == []
    doc = amf.read(str(amf_path))
    assert doc.rgc_applied == want_flag
    assert doc.clip_name == "A001C003" and doc.aces_version.startswith(aces)
    assert doc.input_transform.applied is True  # the plate was tagged ACEScg from its colorInteropID
    assert doc.input_transform.transform_id == amf.input_transform_id("ACEScg", aces) is not None
    # after the render the node shows what the viewing pipeline applies
    assert node.mute == (not policy.clip_rgc(project, override))


def test_animation_gets_one_sequence_amf(bpy, plate_scene):
    sc, img, node, folder = plate_scene
    sc.render.filepath = str(folder / "shot_")
    sc.frame_start, sc.frame_end = 1, 3
    try:
        bpy.ops.render.render(animation=True)
    finally:
        sc.frame_start, sc.frame_end = 1, 250
    assert sorted(p.name for p in folder.glob("shot_*.exr")) == ["shot_0001.exr", "shot_0002.exr", "shot_0003.exr"]
    path = folder / "shot.amf"
    assert amf.validate(str(path)) == []
    doc = amf.read(str(path))
    assert doc.rgc_applied is True
    assert doc.clip["sequence"] == ("shot_####.exr", "#", 1, 3)


def test_menus_panel_and_disable_enable(bpy, installed):
    import addon_utils
    module = "bl_ext.user_default.aceskit"
    draws = bpy.types.NODE_MT_category_compositor_color._dyn_ui_initialize()
    assert any(getattr(f, "__module__", "") == module for f in draws)
    assert hasattr(bpy.types, "NODE_PT_aceskit") and hasattr(bpy.types, "NODE_MT_aceskit")
    addon_utils.disable(module, default_set=True)
    try:
        assert not hasattr(bpy.types, "NODE_PT_aceskit")
        assert "aceskit" not in bpy.types.Scene.bl_rna.properties
        assert not any(getattr(f, "__module__", "") == module for f in bpy.app.handlers.render_complete)
    finally:
        addon_utils.enable(module, default_set=True)
    assert "aceskit" in bpy.types.Scene.bl_rna.properties and hasattr(bpy.types, "NODE_PT_aceskit")


def test_opening_a_file_tags_images_and_refreshes_stale_groups(bpy, installed, tmp_path):
    img = bpy.data.images.load(str(write_exr(tmp_path / "plate_ap1.exr", np.full(48, 0.18), chromaticities=AP1)))
    img.use_fake_user = True
    assert img.colorspace_settings.name != "ACEScg"
    stale = bpy.data.node_groups[backend.RGC_REFERENCE]
    count = len(stale.nodes)
    stale.nodes.clear()
    stale[backend.TAG] = "from an older aceskit"
    blend = tmp_path / "shot.blend"
    bpy.ops.wm.save_as_mainfile(filepath=str(blend))
    bpy.ops.wm.open_mainfile(filepath=str(blend))
    assert bpy.data.images["plate_ap1.exr"].colorspace_settings.name == "ACEScg"
    assert bpy.data.images["plate_ap1.exr"].aceskit.source == "chromaticities"
    assert len(bpy.data.node_groups[backend.RGC_REFERENCE].nodes) == count
    assert set(backend.group_names()) <= set(bpy.data.node_groups.keys())


class Layout:
    """Records what a draw function asks of ``bpy.types.UILayout``; only the methods the documented
    API has, with their signatures (operator/menu/prop/label/row/column/box/separator)."""

    def __init__(self, log):
        self.log, self.enabled = log, True

    def operator(self, operator, *, text="", icon="NONE"):
        assert operator in {"aceskit.ensure_node_groups", "aceskit.add_group_node", "aceskit.tag_exr_images",
                            "aceskit.set_working_space_acescg"}, operator
        props = type("OperatorProperties", (), {})()
        self.log.append(("operator", operator, text, props))
        return props

    def menu(self, menu, *, text="", icon="NONE"):
        assert hasattr(__import__("bpy").types, menu), menu
        self.log.append(("menu", menu))

    def prop(self, data, property, *, text="", icon="NONE"):
        assert property in data.bl_rna.properties, property
        self.log.append(("prop", property))

    def label(self, *, text="", icon="NONE"):
        self.log.append(("label", text))

    def separator(self, *, factor=1.0):
        pass

    def row(self, *, align=False):
        return self

    def column(self, *, align=False):
        return self

    def box(self):
        return self


def _draw(cls, context):
    log = []
    attrs = {k: getattr(cls, k) for k in ("kind",) if hasattr(cls, k)}  # class data the draw reads
    cls.draw(type("Drawn", (), {"layout": Layout(log), **attrs})(), context)
    return log


def test_menus_and_panel_draw(bpy, installed, tmp_path):
    mt = bpy.types
    img = bpy.data.images.load(str(write_exr(tmp_path / "p.exr", np.zeros(48), colorInteropID="lin_ap1_scene")))
    bpy.ops.aceskit.tag_exr_images(image_name=img.name)
    node = type("ImageNode", (), {"image": img})()
    context = type("Context", (), {"scene": bpy.context.scene, "active_node": node})()
    try:
        top = _draw(mt.NODE_MT_aceskit, context)
        assert [e[3].group_name for e in top if e[0] == "operator"] == [backend.RGC_REFERENCE, backend.RGC_PARAMETRIC]
        listed = []
        for entry in (e for e in top if e[0] == "menu"):
            listed += [e[3].group_name for e in _draw(getattr(mt, entry[1]), context) if e[0] == "operator"]
        assert sorted(listed) == sorted(backend.group_names()[2:])
        panel = _draw(mt.NODE_PT_aceskit, context)
        props = [e[1] for e in panel if e[0] == "prop"]
        assert {"aces_version", "rgc", "export_mode", "write_amf", "rgc_override"} <= set(props)
        assert ("label", "ACEScg (from colorInteropID)") in panel
    finally:
        bpy.data.images.remove(img)


def test_new_exr_is_tagged_once_automatically(bpy, installed, tmp_path):
    img = bpy.data.images.load(str(write_exr(tmp_path / "late.exr", np.full(48, 0.18), chromaticities=AP1)))
    try:
        bpy.context.view_layer.update()  # any change in the file runs the depsgraph handler
        assert img.colorspace_settings.name == "ACEScg" and img.aceskit.checked
        img.colorspace_settings.name = "Linear Rec.709"  # the artist's choice stands
        bpy.context.view_layer.update()
        assert img.colorspace_settings.name == "Linear Rec.709"
    finally:
        bpy.data.images.remove(img)
