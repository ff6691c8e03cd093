"""The Resolve scripts, run against the strict fake of the scripting API."""

from __future__ import annotations

import pytest

import aceskit_resolve as ar
import resolve_settings as rs
import fake_resolve
from aceskit import amf, policy, rgc
from aceskit.targets import dctl
from resolvetest import GAMUT, HAND_TICKED, load_script, project_of, tick_rgc_by_hand, untick_rgc_by_hand
from dctl_lint import lint

CLIPS = [("A001C003", {"IDT": "ARRI LogC3 (EI800)"}), ("B002C010", {"IDT": "S-Log3 S-Gamut3.Cine"}),
         ("C003C001", {})]


def resolve_with(lut_root, **kw):
    return fake_resolve.make(lut_root, CLIPS, **kw)


def learn_rgc_value(resolve):
    """The documented workflow: tick the box by hand once, probe, untick; the scripts now know the value."""
    tick_rgc_by_hand(resolve)
    assert load_script("Probe Settings").main(resolve) == 0
    untick_rgc_by_hand(resolve)


def items_of(resolve):
    return {i.GetName(): i for i in project_of(resolve).GetCurrentTimeline().all_items()}


def select(resolve, *names):
    items = items_of(resolve)
    project_of(resolve).GetMediaPool().selected = [items[n].GetMediaPoolItem() for n in names]


# -- the fake itself is strict ----------------------------------------------------------------

def test_fake_rejects_what_resolve_rejects(lut_root):
    r = resolve_with(lut_root)
    p = project_of(r)
    with pytest.raises(AttributeError):
        p.SetGamutCompression("on")                     # not an API method
    with pytest.raises(TypeError):
        p.SetSetting("colorScienceMode")                 # wrong arity
    with pytest.raises(NotImplementedError):
        p.GetGallery()                                  # documented, not modelled
    assert p.SetSetting("colorAcesGamutCompress", "None") is False   # unknown key
    assert p.SetSetting("colorScienceMode", "aces") is False         # unknown value
    assert p.SetSetting(GAMUT, "None") is False                      # ACES key outside ACES
    assert p.SetSetting("colorScienceMode", 1) is False              # values are strings
    assert p.SetSetting("colorScienceMode", "acescct") is True
    # values nothing public shows are refused: the RGC "on" guesses and an ACES2065-1 ODT name
    for guess in ("ACES reference gamut compress", "ACES Reference Gamut Compress", "1"):
        assert p.SetSetting(GAMUT, guess) is False
    assert p.SetSetting("colorAcesODT", "ACES2065-1") is False
    assert p.SetSetting("colorAcesODT", "No Output Transform") is True
    graph = items_of(r)["A001C003"].GetNodeGraph()
    assert graph.SetLUT(1, "aceskit/aceskit RGC Reference.dctl") is False   # not discovered yet
    p.RefreshLUTList()
    assert graph.SetLUT(0, "aceskit/aceskit RGC Reference.dctl") is False   # node indices are 1-based
    assert graph.SetLUT(1, "aceskit/aceskit RGC Reference.dctl") is True
    assert p.SetRenderSettings({"TargetDir": 5}) is False
    assert p.SetCurrentRenderFormatAndCodec("exr", "ProRes422HQ") is False


# -- Project RGC ------------------------------------------------------------------------------

def test_project_rgc_uses_the_learned_value_and_reads_it_back(lut_root, capsys):
    r = resolve_with(lut_root)
    learn_rgc_value(r)
    assert load_script("Project RGC").main(r, lut_dir=lut_root) == 0
    s = project_of(r).GetSetting()
    assert s["colorScienceMode"] == "acescct" and s[GAMUT] == HAND_TICKED
    assert f"project RGC on ({GAMUT} reads {HAND_TICKED!r})" in capsys.readouterr().out


def test_project_rgc_keeps_acescc(lut_root):
    r = resolve_with(lut_root, settings={"colorScienceMode": "acescc"})
    learn_rgc_value(r)
    project_of(r).settings["colorScienceMode"] = "acescc"
    load_script("Project RGC").main(r, lut_dir=lut_root)
    s = project_of(r).GetSetting()
    assert (s["colorScienceMode"], s[GAMUT]) == ("acescc", HAND_TICKED)


def test_project_rgc_off(lut_root, capsys):
    r = resolve_with(lut_root)
    tick_rgc_by_hand(r)
    assert load_script("Project RGC").main(r, enable=False, lut_dir=lut_root) == 0
    assert project_of(r).GetSetting(GAMUT) == "None"
    assert f"project RGC off ({GAMUT} reads 'None')" in capsys.readouterr().out


@pytest.mark.parametrize("refusal", ["false", "silent"])
def test_a_value_resolve_does_not_take_ends_with_the_control_to_set_by_hand(lut_root, capsys, refusal):
    """Nothing learned: every shipped candidate is tried, each refused (False, or True without the
    value sticking); the user is told which check box to tick, and no success is printed."""
    r = resolve_with(lut_root, refusal=refusal)
    assert ar.run(load_script("Project RGC").main, r) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("aceskit: Resolve did not take colorAcesGamutCompressType")
    for candidate in ("'ACES reference gamut compress'", "'ACES Reference Gamut Compress'", "'1'"):
        assert candidate in out
    assert "Project Settings > Color Management > Apply ACES Reference Gamut Compress (check box)" in out
    assert "project RGC on" not in out
    assert project_of(r).GetSetting(GAMUT) == "None"


def test_no_project_is_one_sentence(lut_root, capsys):
    r = resolve_with(lut_root)
    r.GetProjectManager().project = None
    assert ar.run(load_script("Project RGC").main, r) == 1
    assert capsys.readouterr().out.strip() == "aceskit: no Resolve project is open"


# -- clip overrides ------------------------------------------------------------------------------

def baked_path(inverse, space="ACEScct"):
    return f"aceskit/Baked/{dctl.baked_name(inverse=inverse, space=space)}"


@pytest.fixture
def aces_project(lut_root):
    r = resolve_with(lut_root)
    learn_rgc_value(r)
    assert load_script("Project RGC").main(r, lut_dir=lut_root) == 0
    return r


def test_clip_off_in_an_rgc_project_gets_the_inverse_dctl(aces_project, lut_root):
    r = aces_project
    select(r, "A001C003")
    assert load_script("Clip RGC Off").main(r, lut_dir=lut_root) == 0
    a = items_of(r)["A001C003"]
    assert a.GetMediaPoolItem().GetThirdPartyMetadata("aceskit.rgc") == "off"
    assert a.graph.nodes[0] == {"label": "", "lut": baked_path(True), "enabled": True}
    # the file Resolve was pointed at is the baked inverse for the reference parameters
    text = (lut_root / baked_path(True)).read_text()
    assert text == dctl.baked(rgc.REFERENCE, inverse=True, space="ACEScct").source() and lint(text) == []
    assert items_of(r)["B002C010"].graph.nodes[0]["lut"] == ""      # untouched


def test_clip_on_in_an_rgc_project_needs_no_dctl(aces_project, lut_root):
    r = aces_project
    select(r, "B002C010")
    load_script("Clip RGC On").main(r, lut_dir=lut_root)
    b = items_of(r)["B002C010"]
    assert b.GetMediaPoolItem().GetThirdPartyMetadata("aceskit.rgc") == "on"
    assert b.graph.nodes[0]["lut"] == ""


def test_project_toggle_resyncs_overrides(aces_project, lut_root, capsys):
    r = aces_project
    select(r, "A001C003")
    load_script("Clip RGC Off").main(r, lut_dir=lut_root)
    select(r, "B002C010")
    load_script("Clip RGC On").main(r, lut_dir=lut_root)
    assert load_script("Project RGC").main(r, enable=False, lut_dir=lut_root) == 0   # version read first
    a, b = items_of(r)["A001C003"], items_of(r)["B002C010"]
    assert a.graph.nodes[0]["enabled"] is False                      # off == project off
    assert b.graph.nodes[0] == {"label": "", "lut": baked_path(False), "enabled": True}
    # with Resolve's RGC off, Resolve 19's settings allow ACES 1.0, 1.1 or 1.3: nothing is assumed
    select(r, "B002C010")
    assert ar.run(lambda res: load_script("Clip RGC Follow Project").main(res, lut_dir=lut_root), r) == 1
    out = capsys.readouterr().out
    path = rs.project_file("Show")
    assert f"do not tell the ACES version (they allow 1.0 or 1.1 or 1.3); write it into the aceskit project " \
           f"file {path}" in out
    assert b.GetMediaPoolItem().GetThirdPartyMetadata("aceskit.rgc") == "on"      # nothing half-done
    path.parent.mkdir(parents=True)
    policy.Project("1.3").save(path)
    load_script("Clip RGC Follow Project").main(r, lut_dir=lut_root)
    assert f"ACES 1.3 from aceskit project file {path}" in capsys.readouterr().out
    assert b.GetMediaPoolItem().GetThirdPartyMetadata("aceskit.rgc") == "follow"
    assert b.graph.nodes[0]["enabled"] is False


def test_current_clip_is_used_without_a_selection(aces_project, lut_root):
    r = aces_project
    project_of(r).GetCurrentTimeline().current = items_of(r)["C003C001"]
    load_script("Clip RGC Off").main(r, lut_dir=lut_root)
    assert items_of(r)["C003C001"].graph.nodes[0]["lut"] == baked_path(True)


def test_linear_node_lut_space_uses_the_ap0_bake(aces_project, lut_root):
    r = aces_project
    assert project_of(r).SetSetting("colorAcesNodeLUTProcessingSpace", "acesAp0Linear")
    select(r, "A001C003")
    load_script("Clip RGC Off").main(r, lut_dir=lut_root)
    assert items_of(r)["A001C003"].graph.nodes[0]["lut"] == baked_path(True, "ACES2065-1")


def test_labelled_node_is_preferred_and_foreign_luts_are_kept(aces_project, lut_root, capsys):
    r = aces_project
    a = items_of(r)["A001C003"]
    a.graph.nodes = [{"label": "", "lut": "Film Looks/look.cube", "enabled": True},
                     {"label": "aceskit RGC", "lut": "", "enabled": True}]
    select(r, "A001C003")
    load_script("Clip RGC Off").main(r, lut_dir=lut_root)
    assert [n["lut"] for n in a.graph.nodes] == ["Film Looks/look.cube", baked_path(True)]
    b = items_of(r)["B002C010"]
    b.graph.nodes = [{"label": "", "lut": "Film Looks/look.cube", "enabled": True}]
    select(r, "B002C010")
    assert ar.run(lambda res: load_script("Clip RGC Off").main(res, lut_dir=lut_root), r) == 1
    assert "no node labelled 'aceskit RGC'" in capsys.readouterr().out
    assert b.graph.nodes[0]["lut"] == "Film Looks/look.cube"


def test_custom_parameters_write_a_new_baked_dctl(aces_project, lut_root):
    r = aces_project
    params = rgc.RGCParams(limit=(1.2, 1.4, 1.1), threshold=(0.7, 0.9, 0.6), power=1.5)
    select(r, "A001C003")
    ar.apply_override(r, "off", lut_root, params)
    rel = items_of(r)["A001C003"].graph.nodes[0]["lut"]
    assert rel == f"aceskit/Baked/{dctl.baked_name(params, inverse=True, space='ACEScct')}"
    text = (lut_root / rel).read_text()
    assert text == dctl.baked(params, inverse=True, space="ACEScct").source() and lint(text) == []


# -- export ---------------------------------------------------------------------------------------

def test_export_templates(aces_project, lut_root, tmp_path, capsys):
    r = aces_project
    p = project_of(r)
    select(r, "A001C003")
    load_script("Clip RGC Off").main(r, lut_dir=lut_root)
    before = (p.GetSetting(), p.GetCurrentRenderFormatAndCodec(), p.GetCurrentRenderMode())
    out = tmp_path / "exports"
    assert load_script("Export").main(r, target_dir=out) == 0
    pull, deliverable = p.jobs.values()
    # the VFX pull: EXR half float, one sequence per clip, rendered with the RGC off everywhere
    assert pull["format"] == {"format": "exr", "codec": "RGBHalfPIZ"} and pull["mode"] == 0
    assert pull["settings"]["TargetDir"] == str(out / "VFX pull (EXR)")
    seen = pull["rendered_with"]
    assert seen["settings"]["colorAcesGamutCompressType"] == "None"
    assert seen["settings"]["colorAcesODT"] == "No Output Transform"     # AP0 linear out
    assert not any(n["enabled"] and n["lut"].startswith("aceskit/") for ns in seen["nodes"].values() for n in ns)
    # everything restored afterwards; the deliverable is queued in the user's format, not rendered
    assert (p.GetSetting(), p.GetCurrentRenderFormatAndCodec(), p.GetCurrentRenderMode()) == before
    assert items_of(r)["A001C003"].graph.nodes[0]["enabled"] is True
    assert deliverable["format"] == before[1] and deliverable["rendered_with"] is None
    assert deliverable["settings"]["TargetDir"] == str(out / "Deliverable")
    # AMFs: valid against the AMF XSD, RGC flags per the guide
    expected = {  # clip: (pull, deliverable); A001C003 has the RGC off, the others follow the project (on)
        "A001C003": (None, None), "B002C010": (False, True), "C003C001": (False, True)}
    for i, template in enumerate(("VFX pull (EXR)", "Deliverable")):
        for clip, flags in expected.items():
            path = out / template / f"{clip}.amf"
            assert amf.validate(path) == [], path
            doc = amf.read(path)
            assert doc.clip_name == clip and doc.rgc_applied is flags[i], (template, clip)
            assert doc.aces_version == "1.3" and "ACES 1.3 from the Resolve settings (Resolve offers" in doc.description
    assert "aceskit: ACES 1.3 from the Resolve settings (Resolve offers" in capsys.readouterr().out
    arri = amf.read(out / "Deliverable" / "A001C003.amf").input_transform
    assert arri.applied and arri.transform_id.endswith("IDT.ARRI.Alexa-v3-logC-EI800.a1.v2")  # ACES registry ID


def test_a_failed_pull_render_is_not_reported_as_done(aces_project, tmp_path, capsys):
    p = project_of(aces_project)
    before = p.GetSetting()
    p.render_outcome = "Failed"
    assert ar.run(lambda r: load_script("Export").main(r, target_dir=tmp_path), aces_project) == 1
    out = capsys.readouterr().out
    assert "the VFX pull render job job-1 ended with status 'Failed'" in out and "render job job-1," not in out
    assert p.GetSetting() == before and not (tmp_path / "VFX pull (EXR)" / "A001C003.amf").exists()


def test_export_outside_aces_is_refused(lut_root, tmp_path, capsys):
    r = resolve_with(lut_root)
    assert ar.run(lambda res: load_script("Export").main(res, target_dir=tmp_path), r) == 1
    assert "switch to ACES first" in capsys.readouterr().out
    assert project_of(r).jobs == {}


def test_baked_names_tell_parameter_sets_apart_and_stale_files_are_rewritten(aces_project, lut_root):
    a = rgc.RGCParams(limit=(1.2, 1.4, 1.1), threshold=(0.7, 0.9, 0.6), power=1.5)
    b = rgc.RGCParams(limit=(1.20001, 1.4, 1.1), threshold=(0.7, 0.9, 0.6), power=1.5)
    assert dctl.baked_name(a) != dctl.baked_name(b)
    stale = lut_root / "aceskit" / "Baked" / dctl.baked_name(inverse=True)
    stale.write_text("// edited by hand")
    select(aces_project, "A001C003")
    load_script("Clip RGC Off").main(aces_project, lut_dir=lut_root)
    assert stale.read_text() == dctl.baked(inverse=True).source()
