"""Sony S-Log2 and S-Log3."""

from __future__ import annotations

from functools import lru_cache

from .. import expr as E
from .base import Transfer, camera_native

SLOG3_TOE = 171.2102946929  # code value at the S-Log3 linear/log join (Sony technical summary)


@lru_cache(maxsize=None)
def slog3() -> Transfer:
    """S-Log3 (Sony "Technical Summary for S-Gamut3.Cine/S-Log3"): reflectance in, CV/1023 out."""
    def encode(x):
        log = (420.0 + 261.5 * E.log10((E.maximum(x, 0.01125) + 0.01) / 0.19)) / 1023.0
        return E.select(x >= 0.01125, log, (x * (SLOG3_TOE - 95.0) / 0.01125 + 95.0) / 1023.0)

    def decode(v):
        return E.select(v >= SLOG3_TOE / 1023.0, 0.19 * E.exp10((v * 1023.0 - 420.0) / 261.5) - 0.01,
                        (v * 1023.0 - 95.0) * 0.01125 / (SLOG3_TOE - 95.0))

    return Transfer("S-Log3", encode, decode, source="Sony S-Log3 technical summary v1.0",
                    native=camera_native(base=10.0, log_slope=261.5 / 1023.0, log_offset=420.0 / 1023.0,
                                         lin_slope=1.0 / 0.19, lin_offset=0.01 / 0.19, lin_break=0.01125,
                                         linear_slope=(SLOG3_TOE - 95.0) / 0.01125 / 1023.0))


# Sony "S-Log2 Technical Paper" v1.0 (2012), in Cinematic Color §4.1.16's form: reflectance L in
# (the paper's linear IRE is L/0.9), legal-range code value CV/1023 out (IRE y -> (64 + 876·y)/1023).
SLOG2_TOE_SLOPE = 5.0 * 155.0 / 219.0
SLOG2_TOE_OFFSET = 0.030001222851889303


@lru_cache(maxsize=None)
def slog2() -> Transfer:
    """S-Log2: 0.432699·log10(155·L/197.1 + 0.037584) + 0.646596 IRE, linear toe below L = 0."""
    def encode(x):
        ire = E.select(x >= 0.0,
                       0.432699 * E.log10(155.0 * E.maximum(x, 0.0) / 197.1 + 0.037584) + 0.646596,
                       SLOG2_TOE_SLOPE * x / 0.9 + SLOG2_TOE_OFFSET)
        return (64.0 + 876.0 * ire) / 1023.0

    def decode(v):
        ire = (v * 1023.0 - 64.0) / 876.0
        return E.select(ire >= SLOG2_TOE_OFFSET,
                        197.1 * (E.exp10((ire - 0.646596) / 0.432699) - 0.037584) / 155.0,
                        0.9 * (ire - SLOG2_TOE_OFFSET) / SLOG2_TOE_SLOPE)

    return Transfer("S-Log2", encode, decode, source="Sony S-Log2 Technical Paper v1.0; Cinematic Color §4.1.16")
