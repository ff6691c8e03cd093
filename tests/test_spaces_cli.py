"""Names: `aceskit spaces`, and every colour-space argument accepting names in any case, the ACES
studio config's aliases and interop IDs, with "did you mean" suggestions for a wrong name."""

import json
import warnings

import PyOpenColorIO as ocio
import pytest

from aceskit import exr, spaces, testimage
from aceskit.cli import main

STUDIO = ocio.Config.CreateFromFile("ocio://studio-config-latest")
SHARED = [cs for cs in STUDIO.getColorSpaces() if cs.getName() in spaces.names()]


def test_the_studio_configs_aliases_and_interop_ids_name_the_same_space():
    """The oracle is OpenColorIO's ACES studio config: what it calls a space, aceskit accepts."""
    assert len(SHARED) >= 40
    for cs in SHARED:
        for alias in [*cs.getAliases(), cs.getInteropID()]:
            if alias:
                assert spaces.get(alias).name == cs.getName(), alias
                assert spaces.get(alias.upper()).name == cs.getName(), alias


def test_every_name_in_any_case():
    for name in spaces.names():
        for variant in (name.lower(), name.upper(), name.swapcase(), f" {name} "):
            assert spaces.get(variant).name == name


@pytest.mark.parametrize("wrong, first", [("ACEScgg", "ACEScg"), ("acescct ", "ACEScct"), ("slog3", "S-Log3 S-Gamut3"),
                                          ("ARRI LogC3 EI800", "ARRI LogC3 (EI800)")])
def test_a_wrong_name_suggests_the_right_one(wrong, first):
    try:
        space = spaces.get(wrong)
    except KeyError as exc:
        msg = exc.args[0]
        assert "\n" not in msg and f"did you mean '{first}'" in msg and "aceskit spaces" in msg
    else:
        assert space.name == first  # only case and spacing were off


def test_cli_arguments_take_aliases_interop_ids_and_suggest(tmp_path, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exr.write(tmp_path / "p.exr", testimage.rgc_validation_image(64, 40), "ACES2065-1", compression="zip")
    src, out = str(tmp_path / "p.exr"), str(tmp_path / "o.exr")
    assert main(["convert", src, out, "--from", "LIN_AP0_SCENE", "--to", "lin_ap1_scene"]) == 0
    assert exr.read(out).colorspace == "ACEScg"
    assert main(["convert", src, out, "--to", "acescct", "--overwrite"]) == 0
    assert exr.read(out).colorspace == "ACEScct"
    capsys.readouterr()
    assert main(["convert", src, str(tmp_path / "x.exr"), "--to", "ACEScgg"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "did you mean 'ACEScg'" in err
    assert main(["info", src, "--from", "ACEScgg"]) == 2
    assert "did you mean 'ACEScg'" in capsys.readouterr().err


def test_spaces_lists_the_registry(capsys):
    assert main(["spaces", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [e["name"] for e in entries] == spaces.names()
    by = {e["name"]: e for e in entries}
    for cs in SHARED:  # family, aliases and interop ID as the studio config has them
        e = by[cs.getName()]
        assert set(cs.getAliases()) <= set(e["aliases"]) | {e["interop_id"]}
        assert e["interop_id"] == (cs.getInteropID() or None)
    assert by["ACEScg"]["gamut"] == "AP1" and by["ACEScg"]["encoding"] == "linear"
    assert by["ACEScct"]["encoding"] != "linear" and by["ARRI LogC3 (EI800)"]["gamut"] == "AWG3"
    assert main(["spaces"]) == 0
    text = capsys.readouterr().out
    assert all(name in text for name in spaces.names())


def test_spaces_pattern_filters_and_suggests(capsys):
    assert main(["spaces", "LOGC3", "--json"]) == 0
    names = [e["name"] for e in json.loads(capsys.readouterr().out)]
    assert names and all("LogC3" in n for n in names) and "ARRI LogC3 (EI800)" in names
    assert main(["spaces", "lin_ap1_scene", "--json"]) == 0  # an interop ID
    assert [e["name"] for e in json.loads(capsys.readouterr().out)] == ["ACEScg"]
    assert main(["spaces", "ACEScgg"]) == 1
    assert "did you mean 'ACEScg'" in capsys.readouterr().err
