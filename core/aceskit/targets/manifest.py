"""What each host ships: one table that the host backends and the host glue read.

A host entry names the RGC working spaces its nodes offer (the first is the default), the RGC
directions, the ACES spaces its conversion nodes convert to and from (the hubs), the directions
of those conversions, and the ACES versions its project settings offer.  The conversion sources
are the same for every host: each camera space of the registry (log and linear) and the ACES log
spaces.  Where a host differs from :data:`DEFAULT`, the entry says why in ``reasons``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Dict, List, Tuple

#: The ACES versions whose gamut compression aceskit writes into AMF (see aceskit.amf).
ACES_VERSIONS = ("1.3", "2.0")
#: Conversion directions, as the hosts label them.
TO_ACES, FROM_ACES = "to ACES", "from ACES"
#: The clip overrides of the implementation guide (aceskit.policy.ClipOverride values) with their UI labels.
OVERRIDE_LABELS = (("follow", "Follow Project"), ("on", "On"), ("off", "Off"))


@dataclass(frozen=True)
class Host:
    name: str
    rgc_spaces: Tuple[str, ...] = ("ACES2065-1", "ACEScg", "ACEScct")
    rgc_directions: Tuple[str, ...] = ("forward", "inverse")
    hubs: Tuple[str, ...] = ("ACEScg", "ACES2065-1")
    conversion_directions: Tuple[str, ...] = (TO_ACES, FROM_ACES)
    aces_versions: Tuple[str, ...] = ACES_VERSIONS
    #: field name -> why this host differs from DEFAULT there.
    reasons: Dict[str, str] = field(default_factory=dict)

    def conversion_pairs(self) -> List[Tuple[str, str]]:
        """``(src, dst)`` pairs of the conversion nodes: every source to and from every hub, and
        the hubs among each other, in the host's directions."""
        pairs: List[Tuple[str, str]] = []
        for src in dict.fromkeys(conversion_sources() + list(self.hubs)):
            for hub in self.hubs:
                if src == hub or (src in self.hubs and self.hubs.index(src) > self.hubs.index(hub)):
                    continue
                if TO_ACES in self.conversion_directions:
                    pairs.append((src, hub))
                if FROM_ACES in self.conversion_directions:
                    pairs.append((hub, src))
        return pairs


def conversion_sources() -> List[str]:
    """Camera spaces (log and linear) and the ACES log spaces, in registry order."""
    from .. import spaces
    return [n for n in spaces.names() if spaces.get(n).family == "Camera" or n in ("ACEScct", "ACEScc")]


DEFAULT = Host("default")

HOSTS: Dict[str, Host] = {
    "nuke": replace(DEFAULT, name="nuke"),
    "blender": replace(
        DEFAULT, name="blender", rgc_spaces=("ACES2065-1", "ACEScg"),
        reasons={"rgc_spaces": "In Blender's float32 node math the ACEScct inverse misses the shared "
                               "accuracy check; ACEScct images go through the ACEScct conversion group first."}),
    "resolve": replace(
        DEFAULT, name="resolve", rgc_spaces=("ACEScct", "ACEScg", "ACES2065-1"), hubs=("ACEScct", "ACEScg"),
        conversion_directions=(TO_ACES,),
        reasons={"rgc_spaces": "ACEScct is Resolve's default ACES timeline space, so it is the combo's default.",
                 "hubs": "Resolve grades in an ACEScct or ACEScg timeline; DCTL conversions land there.",
                 "conversion_directions": "Resolve's ACES Transform and Color Space Transform effects "
                                          "cover output to camera encodings; the DCTLs are input conversions."}),
}


def host(name: str) -> Host:
    """The manifest entry of ``name`` (nuke, blender or resolve)."""
    try:
        return HOSTS[name]
    except KeyError:
        raise ValueError(f"host must be one of {', '.join(HOSTS)}, got {name!r}") from None
