"""Settings proven by read-back: the candidate tables, the ACES version sources, the probe round trip."""

from __future__ import annotations

import json
import sys
import types

import pytest

import aceskit_resolve as ar
import fake_resolve
import resolve_settings as rs
from aceskit import amf, policy
from aceskit.targets import manifest
from resolvetest import GAMUT, load_script, project_of, tick_rgc_by_hand

CLIPS = [("A001C003", {"IDT": "ARRI LogC3 (EI800)"}), ("B002C010", {})]
#: A value standing for what one Resolve build stores; the tests learn it, never assume it.
PROBED = "value seen by the probe"


def test_the_shipped_table_names_a_source_for_every_value():
    doc = json.loads(rs.SHIPPED.read_text(encoding="utf-8"))
    for key, entry in doc["settings"].items():
        assert entry["control"].startswith("Project Settings > Color Management > "), key
        for role, candidates in entry["roles"].items():
            assert candidates, (key, role)
            for c in candidates:
                assert isinstance(c["value"], str) and isinstance(c["verified"], bool) and len(c["source"]) > 20
    assert "Apply ACES Reference Gamut Compress (check box)" in doc["settings"][GAMUT]["control"]
    assert not any(c["verified"] for c in doc["settings"][GAMUT]["roles"]["on"])    # nothing public shows it
    assert doc["settings"]["colorAcesODT"]["roles"]["ap0"][0]["value"] == "No Output Transform"
    version = doc["aces_version"]
    assert set(manifest.ACES_VERSIONS) <= set(version["known"])
    for rule in version["rules"]:
        assert set(rule["allows"]) < set(version["known"]) and rule["source"]


def test_user_and_studio_values_come_first(tmp_path, monkeypatch):
    studio = tmp_path / "studio.json"
    studio.write_text(json.dumps({"settings": {GAMUT: {"roles": {"on": [
        {"value": "studio value", "verified": True, "source": "studio probe"},
        {"value": "ACES reference gamut compress", "verified": False, "source": "duplicate"}]}}}}))
    monkeypatch.setenv(rs.STUDIO_ENV, str(studio))
    rs.learn(GAMUT, "on", "user value", "user probe")
    values = rs.Settings.load().values(GAMUT, "on")
    assert values[:3] == ["user value", "studio value", "ACES reference gamut compress"]
    assert len(values) == len(set(values))
    assert rs.Settings.load().candidates(GAMUT, "on")[2]["source"] == "duplicate"   # first file wins
    studio.write_text("[1, 2")
    with pytest.raises(rs.ResolveError, match="cannot read the settings file .*studio.json"):
        rs.Settings.load()


class HalfTaking:
    """A project that refuses a value but changes the setting anyway."""

    def __init__(self):
        self.value = "None"

    def GetSetting(self, key=None):
        return self.value

    def SetSetting(self, key, value):
        self.value = value if value == "None" else value.upper()
        return False


def test_a_refused_value_that_changed_the_setting_is_undone():
    project = HalfTaking()
    with pytest.raises(rs.ResolveError, match="Resolve did not take colorAcesGamutCompressType"):
        rs.apply(project, rs.Settings.load(), GAMUT, "on")
    assert project.value == "None"


# -- the ACES version -------------------------------------------------------------------------------

def version_of(values, major=19):
    return rs.aces_version(values, major, rs.Settings.load(), "Show")


def test_a_version_setting_is_used_when_resolve_exposes_one():
    assert version_of({"acesVersion": "1.1"}) == ("1.1", "Resolve setting acesVersion = '1.1'")
    assert version_of({"colorAcesVersion": "ACES 1.0.3", GAMUT: PROBED})[0] == "1.0"    # the setting wins
    with pytest.raises(rs.ResolveError, match="acesVersion = 'latest' names no ACES version"):
        version_of({"acesVersion": "latest"})


def test_the_version_is_inferred_where_the_settings_allow_it():
    version, source = version_of({GAMUT: PROBED}, major=19)
    assert version == "1.3" and "Apply ACES Reference Gamut Compress only from ACES 1.3" in source
    assert "Resolve 19 and older" in source
    version, source = version_of({GAMUT: PROBED, "colorAcesODT": "ADX10"}, major=21)
    assert version == "1.3" and "ADX10/ADX16" in source


@pytest.mark.parametrize("values,major,allowed", [({GAMUT: PROBED}, 20, "1.3 or 2.0"),
                                                  ({GAMUT: "None"}, 19, "1.0 or 1.1 or 1.3"),
                                                  ({GAMUT: "None"}, 21, "1.0 or 1.1 or 1.3 or 2.0")])
def test_otherwise_the_aceskit_project_file_decides(values, major, allowed, tmp_path, monkeypatch):
    with pytest.raises(rs.ResolveError, match=f"allow {allowed}\\); write it into the aceskit project file "):
        version_of(values, major)
    path = tmp_path / "show.json"
    monkeypatch.setenv(rs.PROJECT_ENV, str(path))
    policy.Project("1.3").save(path)
    assert version_of(values, major) == ("1.3", f"aceskit project file {path}")
    policy.Project("1.1", False).save(path)
    if "1.1" in allowed:
        assert version_of(values, major)[0] == "1.1"
    else:
        with pytest.raises(rs.ResolveError, match="says ACES 1.1, but the Resolve settings allow only 1.3 or 2.0"):
            version_of(values, major)


# -- the probe, and a fake seeded from it ----------------------------------------------------------------

def probed_resolve(lut_root, tmp_path, capsys):
    """A user ticks the RGC box by hand and runs Probe Settings; a fake is seeded from the probe file."""
    live = fake_resolve.make(lut_root, CLIPS)
    tick_rgc_by_hand(live, PROBED)
    project_of(live).settings["colorAcesODT"] = "Rec.709"
    assert load_script("Probe Settings").main(live, folder=tmp_path / "probes") == 0
    out = capsys.readouterr().out.splitlines()
    path = tmp_path / "probes" / out[0].split(" written to ")[1]
    assert out[0].startswith("aceskit: colour settings of 'Show' written to ") and path.is_file()
    assert out[1] == f"aceskit: {GAMUT} = {PROBED!r} recorded in {rs.user_file()}; Project RGC uses it from now on"
    return fake_resolve.from_probe(lut_root, path, CLIPS), path


def test_the_probe_writes_the_colour_settings_and_learns_the_rgc_value(lut_root, tmp_path, capsys):
    seeded, path = probed_resolve(lut_root, tmp_path, capsys)
    data = json.loads(path.read_text())
    assert data["settings"][GAMUT] == PROBED and data["settings"]["colorScienceMode"] == "acescct"
    assert data["all_settings"][GAMUT] == PROBED and data["resolve"]["version"] == "19.1.3.7"
    learned = rs.Settings.load().candidates(GAMUT, "on")[0]
    assert learned["value"] == PROBED and learned["verified"] and path.name in learned["source"]
    # the seeded fake is that Resolve: same settings, and it takes the probed value
    assert project_of(seeded).GetSetting(GAMUT) == PROBED and seeded.GetVersionString() == "19.1.3.7"
    # a second probe of the same state learns nothing new
    assert load_script("Probe Settings").main(seeded, folder=tmp_path / "probes") == 0
    assert "recorded in" not in capsys.readouterr().out


def test_export_from_a_probed_project_verifies_every_setting(lut_root, tmp_path, capsys):
    seeded, _ = probed_resolve(lut_root, tmp_path, capsys)
    p = project_of(seeded)
    calls = []
    set_setting = p.SetSetting
    p.SetSetting = lambda k, v: calls.append((k, v)) or set_setting(k, v)
    assert load_script("Export").main(seeded, target_dir=tmp_path / "out") == 0
    pull = p.jobs[p.started[0]]["rendered_with"]["settings"]
    assert (pull[GAMUT], pull["colorAcesODT"]) == ("None", "No Output Transform")
    assert calls == [(GAMUT, "None"), ("colorAcesODT", "No Output Transform"), (GAMUT, PROBED),
                     ("colorAcesODT", "Rec.709")]
    assert p.GetSetting(GAMUT) == PROBED                    # restored, and read back
    doc = amf.read(tmp_path / "out" / "Deliverable" / "A001C003.amf")
    assert doc.rgc_applied is True and doc.aces_version == "1.3"
    # the Project RGC script takes the learned value back after a switch-off
    assert load_script("Project RGC").main(seeded, enable=False, lut_dir=lut_root) == 0
    assert load_script("Project RGC").main(seeded, lut_dir=lut_root) == 0
    assert p.GetSetting(GAMUT) == PROBED


def test_a_refused_value_tries_the_candidates_then_asks_for_the_control(lut_root, tmp_path, capsys, monkeypatch):
    seeded, _ = probed_resolve(lut_root, tmp_path, capsys)
    p = project_of(seeded)
    # this Resolve names "no output transform" differently; a studio file lists two spellings
    del p.evidence["colorAcesODT"]["No Output Transform"]
    p.learn("colorAcesODT", "No ODT", "a hypothetical build")
    studio = tmp_path / "studio.json"
    studio.write_text(json.dumps({"settings": {"colorAcesODT": {"roles": {"ap0": [
        {"value": "No ODT", "verified": False, "source": "test"}]}}}}))
    monkeypatch.setenv(rs.STUDIO_ENV, str(studio))
    assert load_script("Export").main(seeded, target_dir=tmp_path / "a", templates=("VFX pull (EXR)",)) == 0
    assert p.jobs[p.started[0]]["rendered_with"]["settings"]["colorAcesODT"] == "No ODT"
    # a Resolve that takes none of the candidates: no render, the control to set by hand, no success line
    del p.evidence["colorAcesODT"]["No ODT"]
    capsys.readouterr()
    started = list(p.started)
    assert ar.run(lambda r: load_script("Export").main(r, target_dir=tmp_path / "b"), seeded) == 1
    out = capsys.readouterr().out
    assert "Resolve did not take colorAcesODT = 'No ODT' / 'No Output Transform'" in out
    assert "set Project Settings > Color Management > ACES Output Transform = No Output Transform by hand" in out
    assert "render job" not in out and p.started == started
    assert (p.GetSetting(GAMUT), p.GetSetting("colorAcesODT")) == (PROBED, "Rec.709")


# -- connecting ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("module,expected", [
    (None, "aceskit: cannot import DaVinciResolveScript: run the script from Workspace > Scripts"),
    (types.SimpleNamespace(scriptapp=lambda name: None), "aceskit: no running Resolve answered: start Resolve")])
def test_a_failed_connection_is_one_line(module, expected, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "DaVinciResolveScript", module)
    assert ar.run(load_script("Probe Settings").main) == 1
    out = capsys.readouterr().out
    assert out.startswith(expected) and out.count("\n") == 1
