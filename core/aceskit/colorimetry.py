"""Primaries, white points, normalised primary matrices and chromatic adaptation.

All matrices are derived at float64 from chromaticities, as the ACES CTL and
OpenColorIO do (SMPTE RP 177-1993 §3.3), and act on column vectors:
``xyz = M @ rgb``.  Their products and inverses are written out in Python floats
(:func:`matmul`, :func:`inverse`), so every machine derives the same bits; BLAS and
LAPACK kernels round differently from one CPU to another.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional, Tuple

import numpy as np

XY = Tuple[float, float]
Primaries = Tuple[XY, XY, XY]

#: White points (CIE 1931 xy).  Sources: ITU-R BT.709-6 (D65), SMPTE ST 2065-1
#: (ACES white, not CIE D60), SMPTE RP 431-2 (DCI), Blackmagic "Generation 5
#: Color Science" (its own near-D65 white), CIE illuminant E.
WHITES: dict[str, XY] = {
    "D65": (0.3127, 0.3290),
    "ACES": (0.32168, 0.33767),
    "DCI": (0.314, 0.351),
    "BMD Gen5": (0.3127170, 0.3290312),
    "E": (1.0 / 3.0, 1.0 / 3.0),
}

#: Primaries (R, G, B) as CIE 1931 xy.  Each entry names its source.
PRIMARIES: dict[str, Primaries] = {
    "AP0": ((0.7347, 0.2653), (0.0, 1.0), (0.0001, -0.0770)),            # SMPTE ST 2065-1
    "AP1": ((0.713, 0.293), (0.165, 0.830), (0.128, 0.044)),              # AMPAS S-2014-004
    "Rec.709": ((0.640, 0.330), (0.300, 0.600), (0.150, 0.060)),          # ITU-R BT.709-6
    "Rec.2020": ((0.708, 0.292), (0.170, 0.797), (0.131, 0.046)),         # ITU-R BT.2020-2
    "P3": ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060)),               # SMPTE RP 431-2
    "AdobeRGB": ((0.64, 0.33), (0.21, 0.71), (0.15, 0.06)),               # Adobe RGB (1998)
    "AWG3": ((0.6840, 0.3130), (0.2210, 0.8480), (0.0861, -0.1020)),      # ARRI ALEXA Wide Gamut 3
    "AWG4": ((0.7347, 0.2653), (0.1424, 0.8576), (0.0991, -0.0308)),      # ARRI LogC4 specification (2022)
    "BMD WideGamut Gen5": ((0.7177215, 0.3171181), (0.2280410, 0.8615690), (0.1005841, -0.0820452)),  # BMD Gen 5
    "DaVinci WideGamut": ((0.8000, 0.3130), (0.1682, 0.9877), (0.0790, -0.1155)),  # DaVinci Resolve 17 WG/Intermediate
    "CinemaGamut": ((0.740, 0.270), (0.170, 1.140), (0.080, -0.100)),     # Canon Cinema Gamut
    "V-Gamut": ((0.730, 0.280), (0.165, 0.840), (0.100, -0.030)),         # Panasonic V-Log/V-Gamut reference manual
    "REDWideGamutRGB": ((0.780308, 0.304253), (0.121595, 1.493994), (0.095612, -0.084589)),  # RED white paper
    "S-Gamut3": ((0.730, 0.280), (0.140, 0.855), (0.100, -0.050)),        # Sony S-Gamut3/S-Log3 technical summary
    "S-Gamut3.Cine": ((0.766, 0.275), (0.225, 0.800), (0.089, -0.087)),   # same document
    "D-Gamut": ((0.71, 0.31), (0.21, 0.88), (0.09, -0.08)),               # DJI D-Log / D-Gamut white paper
    # GoPro publishes a matrix to ACES, not primaries; these are the primaries that reproduce it
    # with CAT02 (derived by colour-science from GoPro's matrix; Cinematic Color's R x = 0.698448 is a typo).
    "Protune Native": ((0.698480461493841, 0.193026445370121), (0.329555378387345, 1.024596624134644),
                       (0.108442631407675, -0.034678569754016)),
    "XYZ": ((1.0, 0.0), (0.0, 1.0), (0.0, 0.0)),                           # CIE 1931 XYZ as an RGB system
}

#: von Kries cone-response matrices (linear Bradford, without the blue non-linearity; CIECAM02 CAT02).
CONE_MATRICES: dict[str, np.ndarray] = {
    "Bradford": np.array([[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]]),
    "CAT02": np.array([[0.7328, 0.4296, -0.1624], [-0.7036, 1.6975, 0.0061], [0.0030, 0.0136, 0.9834]]),
}
CATS = ("Bradford", "CAT02", None)


def matmul(a, b) -> np.ndarray:
    """``a @ b`` for a 3x3 ``a`` and a 3-row matrix or 3-vector ``b``, in a fixed order of float64 operations."""
    a = np.asarray(a, dtype=np.float64).tolist()
    b = np.asarray(b, dtype=np.float64)
    if b.ndim == 1:
        return matmul(a, b[:, None])[:, 0]
    cols = b.shape[1]
    b = b.tolist()
    return np.array([[a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j] for j in range(cols)]
                     for i in range(3)])


def inverse(m) -> np.ndarray:
    """Inverse of a 3x3 matrix by cofactors, in a fixed order of float64 operations; a singular one
    raises ``numpy.linalg.LinAlgError`` (a ValueError), as numpy's inverse does."""
    (a, b, c), (d, e, f), (g, h, i) = np.asarray(m, dtype=np.float64).tolist()
    cof = ((e * i - f * h, f * g - d * i, d * h - e * g),
           (c * h - b * i, a * i - c * g, b * g - a * h),
           (b * f - c * e, c * d - a * f, a * e - b * d))
    det = a * cof[0][0] + b * cof[0][1] + c * cof[0][2]
    if det == 0.0 or det != det:
        raise np.linalg.LinAlgError("matrix must be invertible, got a singular 3x3 matrix")
    # the inverse is the transposed cofactor matrix over the determinant
    return np.array([[cof[j][k] / det for j in range(3)] for k in range(3)])


def xy_to_XYZ(xy: XY) -> np.ndarray:
    x, y = xy
    return np.array([x / y, 1.0, (1.0 - x - y) / y])


@lru_cache(maxsize=None)
def _npm(primaries: Primaries, white: XY) -> np.ndarray:
    P = np.array([[x, y, 1.0 - x - y] for x, y in primaries]).T
    S = matmul(inverse(P), xy_to_XYZ(white))
    m = P * S
    m.setflags(write=False)
    return m


def npm(primaries: Primaries, white: XY) -> np.ndarray:
    """Normalised primary matrix RGB -> XYZ (SMPTE RP 177): RGB (1,1,1) maps to the white with Y = 1."""
    return _npm(tuple(map(tuple, primaries)), tuple(white)).copy()


def cat_matrix(src_white: XY, dst_white: XY, method: Optional[str] = "Bradford") -> np.ndarray:
    """von Kries chromatic adaptation XYZ(src white) -> XYZ(dst white); ``None`` means no adaptation."""
    if method is None or tuple(src_white) == tuple(dst_white):
        return np.eye(3)
    if method not in CONE_MATRICES:
        raise ValueError(f"chromatic adaptation must be one of {CATS}, got {method!r}")
    ma = CONE_MATRICES[method]
    rho = matmul(ma, xy_to_XYZ(dst_white)) / matmul(ma, xy_to_XYZ(src_white))
    return matmul(inverse(ma), rho[:, None] * ma)


def rgb_to_rgb(src: Primaries, src_white: XY, dst: Primaries, dst_white: XY,
               cat: Optional[str] = "Bradford") -> np.ndarray:
    """Matrix from linear RGB in one gamut to another: NPM_dst^-1 . CAT . NPM_src."""
    return matmul(inverse(npm(dst, dst_white)), matmul(cat_matrix(src_white, dst_white, cat), npm(src, src_white)))


def XYZ_to_xy(XYZ: np.ndarray) -> np.ndarray:
    """Chromaticity of XYZ triples (..., 3); black maps to NaN."""
    XYZ = np.asarray(XYZ, dtype=np.float64)
    with np.errstate(all="ignore"):
        return XYZ[..., :2] / XYZ.sum(axis=-1, keepdims=True)


def primaries_from_matrix(to_xyz: np.ndarray) -> Primaries:
    """xy of the three columns of an RGB -> XYZ matrix."""
    xy = XYZ_to_xy(np.asarray(to_xyz).T)
    return tuple((float(a), float(b)) for a, b in xy)  # type: ignore[return-value]
