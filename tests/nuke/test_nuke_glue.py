"""The Nuke Python glue (init.py, menu.py, aceskit_nuke) against the strict fake ``nuke`` module,
and a mypy check against the types-nuke stubs."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import fakenuke
import nkgraph
from aceskit import amf, policy, rgc
from aceskit.targets import nuke as backend

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "hosts" / "nuke"
PYDIR = PLUGIN / "python"


def _studio_names() -> list[str]:
    import PyOpenColorIO as ocio
    return list(ocio.Config.CreateFromFile("ocio://studio-config-latest").getColorSpaceNames())


@pytest.fixture
def nk(monkeypatch):
    """A fresh fake nuke and a fresh import of aceskit_nuke."""
    fake = fakenuke.install([PLUGIN / "gizmos"], _studio_names())
    monkeypatch.syspath_prepend(str(PYDIR))
    for name in [m for m in sys.modules if m == "aceskit_nuke" or m.startswith("aceskit_nuke.")]:
        del sys.modules[name]
    yield fake
    sys.modules.pop("nuke", None)


def _glue():
    return (importlib.import_module("aceskit_nuke.project"), importlib.import_module("aceskit_nuke.export"),
            importlib.import_module("aceskit_nuke.ui"))


def _run(path: Path, fake) -> None:
    code = compile(path.read_text(encoding="utf-8"), str(path), "exec")
    exec(code, {"__file__": str(path), "__name__": "__main__"})


# -- the fake is strict ------------------------------------------------------------------------------
def test_fake_rejects_unknown_attributes_and_wrong_arity(nk):
    with pytest.raises(AttributeError, match="not in the Nuke API stubs"):
        nk.createGizmoFromThinAir
    with pytest.raises(AttributeError, match="not implemented"):
        nk.nodePaste("x.nk")
    with pytest.raises(TypeError, match="stub signature"):
        nk.createNode()
    with pytest.raises(TypeError, match="stub signature"):
        nk.root().knob("name", True, "extra")
    with pytest.raises(RuntimeError, match="unknown command"):
        nk.createNode("NoSuchGizmo")
    node = nk.createNode("ACES_RGC")
    with pytest.raises(NameError):
        node["no_such_knob"]
    with pytest.raises(ValueError):
        node["direction"].setValue("sideways")
    with pytest.raises(AttributeError):
        node.setKnobValueMagically(1)


def test_fake_methods_must_exist_in_the_stubs():
    with pytest.raises(TypeError, match="no counterpart"):
        @fakenuke.stubbed("Node")
        class Bad:
            def teleport(self):
                pass


# -- init.py / menu.py -------------------------------------------------------------------------------
def test_init_py_only_adds_paths(nk):
    _run(PLUGIN / "init.py", nk)
    assert nk.plugin_paths[:2] == [str(PLUGIN / "python"), str(PLUGIN / "gizmos")]
    assert not nk._menus and not nk._callbacks


def test_menu_py_builds_the_nodes_menu(nk):
    _run(PLUGIN / "init.py", nk)
    _run(PLUGIN / "menu.py", nk)
    menu = nk.menu("Nodes").findItem("aceskit")
    assert isinstance(menu, fakenuke.Menu)
    for label in ("ACES RGC", "GamutCompress", "Write: VFX pull (EXR)", "Export AMF for selected Write",
                  "Read: colour space from EXR metadata"):
        assert menu.findItem(label) is not None, label
    for space in backend.conversion_spaces():
        cls = backend.gizmo_name(space)
        cmd = menu.findItem("Color spaces/" + cls.split("_", 1)[1])
        assert cmd == f"nuke.createNode({cls!r})"
    exec(menu.findItem("ACES RGC"), {"nuke": nk})
    assert nk.allNodes()[-1].Class() == "ACES_RGC"


# -- project / gizmo settings ------------------------------------------------------------------------
OUT_OF_GAMUT = np.array([[0.8, 0.02, -0.05], [-0.03, 0.4, 0.9], [0.2, 0.3, 0.25]])


def _graph_applies(node, root) -> bool:
    """Whether the gizmo's own node graph compresses, given the fake node's and Root's knob values
    (the .nk interpreter evaluates the gizmo file; no Python glue involved)."""
    gizmo = nkgraph.load(PLUGIN / "gizmos" / f"{node.Class()}.gizmo")
    knob = root.knob(backend.PROJECT_RGC_KNOB)
    values = {} if knob is None else {backend.PROJECT_RGC_KNOB: float(knob.value())}
    out = nkgraph.run_gizmo(gizmo, OUT_OF_GAMUT, {"rgc": str(node["rgc"].value())}, root=values)
    passed = np.array_equal(out, OUT_OF_GAMUT.astype(np.float32))
    assert passed or not np.allclose(out[:2], OUT_OF_GAMUT[:2], atol=1e-3)
    return not passed


def test_project_setting_and_overrides_drive_the_gizmos(nk):
    project, _, ui = _glue()
    ui.register_callbacks()
    root = nk.root()
    node = nk.createNode("ACES_RGC")
    assert _graph_applies(node, root)                      # no aceskit project knobs: on, the guide's default
    project.ensure_project_knobs()
    assert root["aceskit_rgc"].value() is True            # the guide: on by default
    assert root["aceskit_aces_version"].value() == "1.3"
    assert [str(v) for v in root["aceskit_aces_version"].values()] == list(backend.HOST.aces_versions)
    for proj_rgc in (True, False):
        for label, value in project.overrides().items():
            root["aceskit_rgc"].setValue(proj_rgc)
            node["rgc"].setValue(label)
            assert project.override(node) == value
            assert _graph_applies(node, root) is project.active(node) is policy.clip_rgc(
                policy.Project("1.3", proj_rgc), value)
            assert node["disable"].value() is False        # the glue never disables a gizmo


def test_override_of_a_non_rgc_node_is_refused(nk):
    project, _, _ = _glue()
    with pytest.raises(ValueError, match="not an aceskit RGC gizmo"):
        project.override(nk.createNode("Grade"))


def _comp(nk, tmp_path, read_space="ARRI LogC3 (EI800)", convert_gizmo=False):
    read = nk.createNode("Read")
    read["file"].setValue(str(tmp_path / "plate.####.exr"))
    read["colorspace"].setValue(read_space)
    if convert_gizmo:
        conv = nk.createNode(backend.gizmo_name("S-Log3 S-Gamut3.Cine"))
        conv["aces"].setValue("ACES2065-1")
    rgc_node = nk.createNode("ACES_RGC")
    write = nk.createNode("Write")
    write["file"].setValue(str(tmp_path / "pull" / "shot010.####.exr"))
    write["colorspace"].setValue("ACES2065-1")
    (tmp_path / "pull").mkdir(exist_ok=True)
    nk.root()["last_frame"].setValue(24)
    return read, rgc_node, write


def test_vfx_pull_forces_the_rgc_off_while_rendering(nk, tmp_path):
    project, export, ui = _glue()
    ui.register_callbacks()
    project.ensure_project_knobs()
    _, node, write = _comp(nk, tmp_path)
    assert export.setup_write(write) == "force_off"
    assert write["file_type"].value() == "exr"
    assert _graph_applies(node, nk.root())                 # the comp views it
    nk.run_script_knob(write, "beforeRender")
    assert node["rgc"].value() == "Off" and not _graph_applies(node, nk.root())   # not baked into the pull
    nk.run_script_knob(write, "afterRender")
    assert node["rgc"].value() == "Follow Project" and _graph_applies(node, nk.root())


def test_deliverable_bakes_what_the_clip_views(nk, tmp_path):
    project, export, ui = _glue()
    ui.register_callbacks()
    project.ensure_project_knobs()
    _, node, write = _comp(nk, tmp_path)
    export.setup_write(write, "Deliverable")
    nk.root()["aceskit_rgc"].setValue(False)
    project.set_override(node, "on")
    nk.run_script_knob(write, "beforeRender")
    assert _graph_applies(node, nk.root())
    nk.run_script_knob(write, "afterRender")
    project.set_override(node, "follow")
    nk.run_script_knob(write, "beforeRender")
    assert not _graph_applies(node, nk.root())
    nk.run_script_knob(write, "afterRender")
    assert node["rgc"].value() == "Follow Project"


@pytest.mark.parametrize("template,project_rgc,override,applied", [
    ("VFX pull (EXR)", True, "follow", False),            # viewed, not baked
    ("VFX pull (EXR)", False, "follow", None),            # not in the pipeline
    ("Deliverable", True, "follow", True),                # baked
    ("Deliverable", False, "on", True),
    ("force_off", False, "off", None),
])
def test_amf_export_sets_applied(nk, tmp_path, template, project_rgc, override, applied):
    project, export, ui = _glue()
    ui.register_callbacks()
    project.ensure_project_knobs()
    _, node, write = _comp(nk, tmp_path)
    export.setup_write(write, template)
    nk.root()["aceskit_rgc"].setValue(project_rgc)
    project.set_override(node, override)
    expected = policy.amf_applied(policy.Project("1.3", project_rgc), override, policy.export_mode(template))
    assert expected is applied
    path = export.export_amf(write)
    assert path == str(tmp_path / "pull" / "shot010.amf")
    assert amf.validate(path) == []
    doc = amf.read(path)
    assert doc.rgc_applied is applied
    if applied is not None:
        assert doc.rgc_look().transform_id == rgc.TRANSFORM_ID_ACES13
    assert doc.input_transform is not None and doc.input_transform.applied is True
    assert doc.input_transform.transform_id == amf.input_transform_id("ARRI LogC3 (EI800)", "1.3")
    assert doc.clip["sequence"][2:] == (1, 24)


def test_amf_input_space_from_a_conversion_gizmo(nk, tmp_path):
    project, export, _ = _glue()
    project.ensure_project_knobs()
    _, _, write = _comp(nk, tmp_path, read_space="default", convert_gizmo=True)
    export.setup_write(write)
    assert export.input_space(write) == "S-Log3 S-Gamut3.Cine"
    doc = amf.read(export.export_amf(write, str(tmp_path / "a.amf")))
    assert doc.input_transform.transform_id == amf.input_transform_id("S-Log3 S-Gamut3.Cine", "1.3")


def test_amf_export_needs_a_write(nk):
    _, export, _ = _glue()
    with pytest.raises(ValueError, match="needs a Write"):
        export.export_amf(nk.createNode("Grade"))


# -- Read helper -------------------------------------------------------------------------------------
def test_read_colorspace_from_exr_metadata(nk, tmp_path):
    from aceskit import exr
    read_mod = importlib.import_module("aceskit_nuke.read")
    img = np.full((4, 6, 3), 0.18, np.float32)
    exr.write(tmp_path / "cg.0001.exr", img, colorspace="ACEScg", compression="zip")
    read = nk.createNode("Read")
    read["file"].setValue(str(tmp_path / "cg.####.exr"))
    assert read_mod.set_colorspace_from_metadata(read) == "ACEScg"
    assert read["colorspace"].value() == "ACEScg"


def test_read_without_color_metadata_is_left_alone(nk, tmp_path):
    import OpenEXR
    read_mod = importlib.import_module("aceskit_nuke.read")
    px = np.full((4, 6, 3), 0.5, np.float32)
    OpenEXR.File({"compression": OpenEXR.ZIP_COMPRESSION, "type": OpenEXR.scanlineimage},
                 {"RGB": px}).write(str(tmp_path / "bare.exr"))
    read = nk.createNode("Read")
    read["file"].setValue(str(tmp_path / "bare.exr"))
    assert read_mod.set_colorspace_from_metadata(read) is None
    assert read["colorspace"].value() == "default"


def test_read_with_custom_primaries_is_left_alone_and_says_how_to_convert(nk):
    """ScanLines/Tree.exr has chromaticities of no registered space: no OCIO name to set."""
    read_mod = importlib.import_module("aceskit_nuke.read")
    tree = ROOT / ".." / "shared" / "testdata" / "openexr-images" / "ScanLines" / "Tree.exr"
    assert tree.is_file(), f"the shared test data is missing: {tree}"
    read = nk.createNode("Read")
    read["file"].setValue(str(tree))
    assert read_mod.set_colorspace_from_metadata(read) is None
    assert read["colorspace"].value() == "default"
    assert len(nk.messages) == 1 and "\n" not in nk.messages[0]
    assert "custom primaries" in nk.messages[0]
    assert f"aceskit convert {tree} OUT.exr --to ACEScg" in nk.messages[0]


# -- static types ------------------------------------------------------------------------------------
def _mypy(*paths: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, MYPYPATH=os.pathsep.join([str(ROOT / "core"), str(PYDIR)]))
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent",
                           "--no-incremental", "--cache-dir", os.devnull, *paths],
                          cwd=ROOT, env=env, capture_output=True, text=True)


def test_glue_type_checks_against_types_nuke():
    res = _mypy(str(PYDIR / "aceskit_nuke"), str(PLUGIN / "init.py"), str(PLUGIN / "menu.py"))
    assert res.returncode == 0, res.stdout + res.stderr


def test_mypy_catches_a_wrong_call(tmp_path):
    bad = tmp_path / "bad_glue.py"
    bad.write_text("import nuke\n\n\ndef f() -> None:\n    nuke.createNode(3)\n    nuke.root().knobb('x')\n")
    res = _mypy(str(bad))
    assert res.returncode != 0
    assert "createNode" in res.stdout and "knobb" in res.stdout


def test_amf_export_without_xmlschema_writes_and_says_so(nk, tmp_path, monkeypatch, capsys):
    """Nuke's Python usually has no xmlschema: the AMF is still written, with a one-line note."""
    project, export, _ = _glue()
    project.ensure_project_knobs()
    _, _, write = _comp(nk, tmp_path)
    export.setup_write(write)
    monkeypatch.setitem(sys.modules, "xmlschema", None)      # import xmlschema raises ImportError
    path = export.export_amf(write)
    note = capsys.readouterr().out.strip().splitlines()
    assert len(note) == 1 and "without schema validation" in note[0] and "xmlschema" in note[0]
    monkeypatch.delitem(sys.modules, "xmlschema")
    assert amf.validate(path) == []                          # the file itself is valid
    assert amf.read(path).rgc_applied is False


def test_set_project_drives_follow_project_gizmos(nk):
    project, _, _ = _glue()
    node = nk.createNode("GamutCompress")
    project.set_project("2.0", False)
    assert nk.root()["aceskit_aces_version"].value() == "2.0" and not _graph_applies(node, nk.root())
    project.set_project("1.3", True)
    assert _graph_applies(node, nk.root())
    with pytest.raises(ValueError, match="only for ACES 1.3 or later"):
        project.set_project("1.2", True)
