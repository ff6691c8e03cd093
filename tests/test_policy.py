"""aceskit.policy: the implementation guide's project / clip / export rules, written out by hand."""

import json

import pytest

from aceskit import policy
from aceskit.policy import ClipOverride, ExportMode, Project

# (project RGC, clip override) -> viewing pipeline applies the RGC  (guide: "Project and Clip Level Setting")
VIEW = {
    (True, "follow"): True, (True, "on"): True, (True, "off"): False,
    (False, "follow"): False, (False, "on"): True, (False, "off"): False,
}
# (project RGC, clip override, export mode) -> baked  (guide: "Export Settings"), all 24 cases spelled out
BAKED = {
    (True, "follow", "follow_project"): True, (True, "follow", "follow_clip"): True,
    (True, "follow", "force_on"): True, (True, "follow", "force_off"): False,
    (True, "on", "follow_project"): True, (True, "on", "follow_clip"): True,
    (True, "on", "force_on"): True, (True, "on", "force_off"): False,
    (True, "off", "follow_project"): True, (True, "off", "follow_clip"): False,
    (True, "off", "force_on"): True, (True, "off", "force_off"): False,
    (False, "follow", "follow_project"): False, (False, "follow", "follow_clip"): False,
    (False, "follow", "force_on"): True, (False, "follow", "force_off"): False,
    (False, "on", "follow_project"): False, (False, "on", "follow_clip"): True,
    (False, "on", "force_on"): True, (False, "on", "force_off"): False,
    (False, "off", "follow_project"): False, (False, "off", "follow_clip"): False,
    (False, "off", "force_on"): True, (False, "off", "force_off"): False,
}


@pytest.mark.parametrize("project_rgc,override,mode", sorted(BAKED))
def test_truth_table(project_rgc, override, mode):
    p = Project("1.3", rgc=project_rgc)
    view = VIEW[(project_rgc, override)]
    bake = BAKED[(project_rgc, override, mode)]
    assert policy.clip_rgc(p, override) is view
    assert policy.baked(p, override, mode) is bake
    assert policy.baked(p, ClipOverride(override), ExportMode(mode)) is bake  # enums and strings alike
    # AMF: listed when viewed or baked, applied exactly when baked
    expected = True if bake else (False if view else None)
    assert policy.amf_applied(p, override, mode) is expected


def test_templates():
    assert policy.TEMPLATES == {"VFX pull (EXR)": ExportMode.FORCE_OFF, "Deliverable": ExportMode.FOLLOW_CLIP}
    p = Project("1.3", clips={"A001C001": "off", "A001C002": "on"})
    for clip in ("A001C001", "A001C002", "A001C003"):
        o = p.clip_override(clip)
        assert policy.baked(p, o, "VFX pull (EXR)") is False
        assert policy.baked(p, o, policy.TEMPLATES["Deliverable"]) is (clip != "A001C001")
    # a VFX pull of a clip viewed with the RGC: listed in the AMF, not applied
    assert policy.amf_applied(p, p.clip_override("A001C003"), "VFX pull (EXR)") is False
    assert policy.amf_applied(p, p.clip_override("A001C001"), "VFX pull (EXR)") is None


def test_aces_version_gating():
    assert Project("1.3").rgc is True and Project("2.0").rgc is True and Project("1.3.1").aces_version == "1.3"
    old = Project("1.2")
    assert old.rgc is False and not old.rgc_available
    with pytest.raises(ValueError, match="only for ACES 1.3 or later.*ACES 1.2"):
        Project("1.2", rgc=True)
    with pytest.raises(ValueError, match="has no RGC"):
        Project("1.1", clips={"A": "on"})
    with pytest.raises(ValueError, match="only for ACES 1.3"):
        old.set_clip("A", "on")
    with pytest.raises(ValueError, match="force_on needs ACES 1.3"):
        policy.baked(old, None, "force_on")
    for mode in ("follow_project", "follow_clip", "force_off"):
        assert policy.baked(old, "off", mode) is False and policy.amf_applied(old, None, mode) is None
    with pytest.raises(ValueError, match="aces_version must look like"):
        Project("latest")


def test_bad_values():
    with pytest.raises(ValueError, match="clip override must be one of follow, on, off"):
        policy.clip_rgc(Project(), "maybe")
    with pytest.raises(ValueError, match="export mode must be one of follow_project.*'VFX pull \\(EXR\\)'"):
        policy.baked(Project(), None, "always")
    with pytest.raises(ValueError, match="rgc must be true or false"):
        Project("1.3", rgc="yes")
    p = Project()
    p.set_clip("A", "off")
    p.set_clip("A", "follow")
    assert p.clips == {}


def test_json_roundtrip(tmp_path):
    p = Project("2.0", rgc=True, clips={"A001C003": "off", "B002C001": ClipOverride.ON})
    path = p.save(tmp_path / "show.json")
    assert sorted(x.name for x in tmp_path.iterdir()) == ["show.json"]
    raw = json.loads((tmp_path / "show.json").read_text())
    assert raw == {"aces_version": "2.0", "rgc": True, "clips": {"A001C003": "off", "B002C001": "on"},
                   "untagged": "ACES2065-1"}
    q = Project.load(path)
    assert q == p and q.clip_override("A001C003") is ClipOverride.OFF
    assert q.clip_override("unlisted") is ClipOverride.FOLLOW
    (tmp_path / "min.json").write_text('{"clips": {"X": "off"}}')
    m = Project.load(tmp_path / "min.json")
    assert (m.aces_version, m.rgc, m.clip_override("X")) == ("1.3", True, ClipOverride.OFF)


@pytest.mark.parametrize("text,match", [
    ("{not json", r"bad\.json: not valid JSON .* line 1"),
    ("[1, 2]", "must be a JSON object"),
    ('{"aces_version": "1.3", "rgc": true, "clip": {}}', r"unknown project keys \['clip'\]"),
    ('{"clips": {"A001C003": "sometimes"}}', "clip override must be one of"),
    ('{"aces_version": "1.2", "rgc": true}', "only for ACES 1.3"),
    ('{"aces_version": 13}', "aces_version must look like"),
    ('{"clips": ["A001C003"]}', "clips must map"),
    ('{"untagged": "ACEScg"}', r"untagged must be one of ACES2065-1, Linear Rec.709 \(sRGB\)"),
    ('{"untagged": "NoSuchSpace"}', "untagged must be one of"),
])
def test_bad_project_files(tmp_path, text, match):
    (tmp_path / "bad.json").write_text(text)
    with pytest.raises(ValueError, match=match):
        Project.load(tmp_path / "bad.json")


def test_missing_project_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="project file not found"):
        Project.load(tmp_path / "nope.json")


def test_untagged_setting_defaults_to_aces_and_accepts_openexr_convention(tmp_path):
    assert Project().untagged == "ACES2065-1"  # what the HDR generator delivers
    (tmp_path / "p.json").write_text('{"untagged": "lin_rec709"}')  # aliases accepted, stored by name
    p = Project.load(tmp_path / "p.json")
    assert p.untagged == "Linear Rec.709 (sRGB)" and p.to_dict()["untagged"] == "Linear Rec.709 (sRGB)"
    # the OpenEXR convention: a file without chromaticities has Rec.709 primaries and a D65 white
    import OpenEXR
    from aceskit import spaces
    assert spaces.get(p.untagged).chromaticities == pytest.approx(
        OpenEXR.colorInteropIDToChromaticities("lin_rec709_scene"), abs=1e-6)
