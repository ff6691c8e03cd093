"""The host manifest: every difference from the default is deliberate and every entry names real things."""

from dataclasses import fields

import pytest

from aceskit import amf, policy, rgc, spaces
from aceskit.targets import manifest


@pytest.mark.parametrize("name", sorted(manifest.HOSTS))
def test_every_difference_from_the_default_has_a_reason(name):
    h = manifest.host(name)
    differs = {f.name for f in fields(h) if f.name not in ("name", "reasons")
               and getattr(h, f.name) != getattr(manifest.DEFAULT, f.name)}
    assert differs == set(h.reasons), f"{name}: differences {sorted(differs)}, reasons {sorted(h.reasons)}"


@pytest.mark.parametrize("name", sorted(manifest.HOSTS))
def test_entries_name_registry_spaces_and_supported_versions(name):
    h = manifest.host(name)
    assert set(h.rgc_spaces) <= set(rgc.SPACES) and len(set(h.rgc_spaces)) == len(h.rgc_spaces)
    assert set(h.rgc_directions) <= {"forward", "inverse"}
    assert set(h.aces_versions) <= set(amf.ACES_VERSIONS)
    for src, dst in h.conversion_pairs():
        assert spaces.get(src).name == src and spaces.get(dst).name == dst and src != dst
    pairs = h.conversion_pairs()
    assert len(pairs) == len(set(pairs))


def test_versions_and_overrides_match_the_core():
    assert manifest.ACES_VERSIONS == tuple(amf.ACES_VERSIONS)
    assert tuple(k for k, _ in manifest.OVERRIDE_LABELS) == tuple(policy.CLIP_OVERRIDES)


def test_conversion_pairs_cover_each_source_and_hub_in_each_direction():
    nuke = manifest.host("nuke")
    pairs = set(nuke.conversion_pairs())
    for src in manifest.conversion_sources():
        for hub in nuke.hubs:
            assert (src, hub) in pairs and (hub, src) in pairs
    assert ("ACEScg", "ACES2065-1") in pairs and ("ACES2065-1", "ACEScg") in pairs
    resolve = manifest.host("resolve")
    assert all(dst in resolve.hubs for _, dst in resolve.conversion_pairs())


def test_unknown_host_is_one_sentence():
    with pytest.raises(ValueError, match="host must be one of nuke, blender, resolve, got 'maya'"):
        manifest.host("maya")
