"""Apple Log."""

from __future__ import annotations

from functools import lru_cache

from .. import expr as E
from .base import Transfer

# Apple "Apple Log Profile White Paper" (2023)
AL_R0, AL_RT, AL_C = -0.05641088, 0.01, 47.28711236
AL_BETA, AL_GAMMA, AL_DELTA = 0.00964052, 0.08550479, 0.69336945
AL_PT = AL_C * (AL_RT - AL_R0) ** 2


@lru_cache(maxsize=None)
def apple_log() -> Transfer:
    """Apple Log: γ·log2(x + β) + δ above 0.01, c·(x − R0)² down to R0, 0 below."""
    def encode(x):
        quad = AL_C * (E.maximum(x, AL_R0) - AL_R0) ** 2.0
        return E.select(x >= AL_RT, AL_GAMMA * E.log2(E.maximum(x, AL_RT) + AL_BETA) + AL_DELTA,
                        E.select(x >= AL_R0, quad, 0.0))

    def decode(v):
        return E.select(v >= AL_PT, E.exp2((v - AL_DELTA) / AL_GAMMA) - AL_BETA,
                        E.select(v >= 0.0, E.sqrt(E.maximum(v, 0.0) / AL_C) + AL_R0, AL_R0))

    return Transfer("Apple Log", encode, decode, source="Apple Log Profile White Paper (2023)")
