"""Pictures of a frame's gamut: a CIE 1931 chromaticity diagram and an RGC false-color map.

- :func:`draw_chromaticity`: the spectral locus (``data/cie1931_locus_5nm.csv``), the AP0, AP1,
  Rec.709, P3-D65 and Rec.2020 gamuts, camera gamuts from the frame's history, and the frame's
  pixel chromaticities as a density, before and after the Reference Gamut Compression.
- :func:`falsecolor`: per RGC distance (cyan, magenta, yellow: the R, G, B channels in AP1) each
  pixel's class from :func:`aceskit.rgc.classify`: inside the zone of trust (the frame's own
  luminance in grey), compressed (the channel's color), beyond the limit (red).

Needs matplotlib (``pip install aceskit[plot]``), imported on first use.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence, Tuple, Union

import numpy as np

from . import fileio, optional, rgc, spaces
from .convert import convert

#: Reference gamuts drawn on every diagram: (label, registry name, color).
GAMUTS = (("AP0", "ACES2065-1", "#444444"), ("AP1", "ACEScg", "#1f77b4"), ("Rec.709", "Linear Rec.709 (sRGB)", "#2ca02c"),
          ("P3-D65", "Linear P3-D65", "#ff7f0e"), ("Rec.2020", "Linear Rec.2020", "#9467bd"))
CHANNELS = (("Cyan (R)", (0.0, 0.85, 0.85)), ("Magenta (G)", (0.85, 0.0, 0.85)), ("Yellow (B)", (0.9, 0.85, 0.0)))
BEYOND = (0.9, 0.05, 0.05)
KINDS = ("chromaticity", "falsecolor", "both")


def _mpl():
    return optional.require("matplotlib.figure", "pictures", "aceskit[plot]").Figure


@lru_cache(maxsize=1)
def spectral_locus() -> np.ndarray:
    """(n, 3) rows of wavelength (nm), x, y of the CIE 1931 2° spectral locus, 380–780 nm at 5 nm."""
    path = Path(__file__).with_name("data") / "cie1931_locus_5nm.csv"
    table = np.loadtxt(path, delimiter=",", comments="#", skiprows=4)
    table.setflags(write=False)
    return table


def chromaticities(rgb_ap0) -> Tuple[np.ndarray, int]:
    """CIE xy of each ACES2065-1 pixel (flattened, ACES white) and how many pixels had no chromaticity
    (non-finite, or X + Y + Z <= 0, e.g. black or negative light)."""
    rgb = np.asarray(rgb_ap0, dtype=np.float64).reshape(-1, 3)
    xyz = rgb @ spaces.get("ACES2065-1").matrix_to_xyz.T
    s = xyz.sum(axis=1)
    ok = np.all(np.isfinite(xyz), axis=1) & (s > 0) & (xyz[:, 1] >= 0)
    return xyz[ok, :2] / s[ok, None], int(len(rgb) - ok.sum())


def _triangle(ax, space: str, label: str, color: str, style: str = "-") -> None:
    p = np.array(spaces.get(space).primaries)
    p = np.vstack([p, p[:1]])
    ax.plot(p[:, 0], p[:, 1], style, color=color, lw=1.2, label=label)


def draw_chromaticity(fig, rgb_ap0, *, cameras: Sequence[str] = (), params: Optional[rgc.RGCParams] = None,
                      title: str = "") -> None:
    """Two xy diagrams on ``fig`` (a Figure or SubFigure): the frame before and after the RGC."""
    from matplotlib.colors import LogNorm
    after = rgc.compress(np.asarray(rgb_ap0, dtype=np.float32), params)
    locus = spectral_locus()
    axes = fig.subplots(1, 2, sharex=True, sharey=True)
    bins = (np.linspace(-0.1, 0.8, 361), np.linspace(-0.15, 0.95, 441))
    for ax, data, name in zip(axes, (rgb_ap0, after), ("before the RGC", "after the RGC")):
        xy, dropped = chromaticities(data)
        hist, _, _ = np.histogram2d(xy[:, 0], xy[:, 1], bins=bins)
        if hist.any():
            ax.pcolormesh(bins[0], bins[1], np.ma.masked_equal(hist.T, 0), norm=LogNorm(vmin=1, vmax=hist.max()),
                          cmap="inferno", rasterized=True)
        ax.plot(np.r_[locus[:, 1], locus[0, 1]], np.r_[locus[:, 2], locus[0, 2]], color="black", lw=1.0,
                label="spectral locus")
        for label, space, color in GAMUTS:
            _triangle(ax, space, label, color)
        for cam, color in zip(cameras, ("#d62728", "#8c564b", "#e377c2", "#17becf")):
            _triangle(ax, cam, spaces.get(cam).name, color, "--")
        ax.set_title(f"{name}" + (f" ({dropped} pixels without chromaticity)" if dropped else ""), fontsize=9)
        ax.set_xlim(bins[0][0], bins[0][-1])
        ax.set_ylim(bins[1][0], bins[1][-1])
        ax.set_aspect("equal")
        ax.set_xlabel("CIE x")
        ax.grid(alpha=0.2)
    axes[0].set_ylabel("CIE y")
    axes[1].legend(loc="upper right", fontsize=7)
    fig.suptitle(title or "CIE 1931 xy chromaticity of the frame (density of pixels)", fontsize=10)


def classes(rgb_ap0, params: Optional[rgc.RGCParams] = None) -> np.ndarray:
    """(H, W, 3) RGC class per pixel and distance (0 trust, 1 compressed, 2 beyond the limit)."""
    return rgc.classify(convert(np.asarray(rgb_ap0, dtype=np.float64), "ACES2065-1", "ACEScg"), params)


def counts(cls: np.ndarray) -> dict:
    """``{"cyan": {"trust": n, "compressed": n, "beyond_limit": n}, ...}`` of a :func:`classes` array."""
    return {label.split()[0].lower(): {k: int(np.count_nonzero(cls[..., i] == v))
                                        for k, v in (("trust", 0), ("compressed", 1), ("beyond_limit", 2))}
            for i, (label, _) in enumerate(CHANNELS)}


def falsecolor(rgb_ap0, cls: Optional[np.ndarray] = None, params: Optional[rgc.RGCParams] = None) -> np.ndarray:
    """(3, H, W, 3) float images, one per distance: grey luminance where trusted, the channel's color
    where compressed, red beyond the limit."""
    rgb = np.asarray(rgb_ap0, dtype=np.float64)
    cls = classes(rgb, params) if cls is None else cls
    lum = rgb @ spaces.get("ACES2065-1").matrix_to_xyz[1]
    lum = np.nan_to_num(np.clip(lum, 0.0, None), nan=0.0, posinf=1e9)
    grey = 0.15 + 0.5 * (lum / (lum + 0.18)) ** (1 / 2.2)  # a simple tone curve, mid grey at 0.5
    out = np.repeat(np.repeat(grey[None, ..., None], 3, axis=-1), 3, axis=0)
    for i, (_, color) in enumerate(CHANNELS):
        out[i][cls[..., i] == 1] = color
        out[i][cls[..., i] == 2] = BEYOND
    return out


def draw_falsecolor(fig, rgb_ap0, params: Optional[rgc.RGCParams] = None, title: str = "") -> dict:
    """One false-color panel per RGC distance on ``fig``; returns the :func:`counts`."""
    from matplotlib.patches import Patch
    cls = classes(rgb_ap0, params)
    maps = falsecolor(rgb_ap0, cls)
    n = counts(cls)
    axes = fig.subplots(1, 3)
    for ax, img, (label, color), c in zip(axes, maps, CHANNELS, n.values()):
        ax.imshow(img, interpolation="nearest")
        ax.set_title(f"{label}: {c['compressed']} compressed, {c['beyond_limit']} beyond", fontsize=8)
        ax.set_axis_off()
        ax.legend(handles=[Patch(color=(0.5, 0.5, 0.5), label="zone of trust"), Patch(color=color, label="compressed"),
                           Patch(color=BEYOND, label="beyond the limit")], loc="lower left", fontsize=6)
    fig.suptitle(title or "What the RGC touches, per distance (AP1 channel)", fontsize=10)
    return n


def figure(rgb_ap0, kind: str = "both", *, size: Tuple[int, int] = (1600, 1000), cameras: Sequence[str] = (),
           params: Optional[rgc.RGCParams] = None, title: str = ""):
    """A matplotlib Figure of ``size`` pixels (width, height) with the chosen pictures."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    w, h = size
    if not (isinstance(w, int) and isinstance(h, int)) or w < 200 or h < 150:
        raise ValueError(f"size must be at least 200 x 150 pixels, got {size!r}")
    arr = np.asarray(rgb_ap0)
    if arr.ndim != 3 or arr.shape[-1] != 3 or arr.size == 0:
        raise ValueError(f"rgb_ap0 must be a non-empty (height, width, 3) array, got shape {arr.shape}")
    cams = [spaces.get(c).name for c in cameras]
    Figure = _mpl()
    fig = Figure(figsize=(w / 100.0, h / 100.0), dpi=100, layout="constrained")
    if kind == "both":
        top, bottom = fig.subfigures(2, 1, height_ratios=(1.3, 1.0))
        draw_chromaticity(top, arr, cameras=cams, params=params)
        draw_falsecolor(bottom, arr, params)
    elif kind == "chromaticity":
        draw_chromaticity(fig, arr, cameras=cams, params=params)
    else:
        draw_falsecolor(fig, arr, params)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def save(fig, path: Union[str, os.PathLike]) -> Path:
    """Save a figure as PNG at its own pixel size, atomically."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"output path must end in .png, got {str(path)!r}")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"output folder does not exist: {path.parent}")
    with fileio.atomic_path(path, suffix=".tmp.png") as tmp:
        fig.savefig(tmp, format="png", dpi=fig.dpi)
    return path


def camera_history(colorspace: str) -> list:
    """The camera gamut a frame came from, if its color space is a camera space (else [])."""
    s = spaces.get(colorspace)
    return [s.name] if s.family == "Camera" else []
