"""Evaluate a parsed gizmo on pixels the way Nuke's nodes are documented to.

- ``Expression``: temporaries then ``expr0..3`` in float32, every expression reading the node's
  *input* pixel; a row writes the channels enabled in its ``channelN`` knob; others pass through.
- ``ColorMatrix``: ``out_i = m_i0*r + m_i1*g + m_i2*b`` in float32 (matrix stored as float).
- ``Switch``: ``which`` (a knob expression, double) picks input ``which`` (clamped); only that
  input is evaluated.
- Knob expressions (``{{...}}`` user knobs, ``which``) are evaluated in double.

A :class:`Instance` is a gizmo placed in a script: set knob values as a user would, then run it.
``root`` holds the script's Root knobs (``root.KNOB`` in expressions); an absent one cannot be read.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

import nkexpr
import nkparse
from nkparse import Gizmo, NkError, NkNode, words

_COMPONENTS = {"r": 0, "g": 1, "b": 2, "a": 3, "x": 0, "y": 1, "z": 2}


class Instance:
    """One gizmo instance with its own knob values (defaults from the file)."""

    def __init__(self, gizmo: Gizmo, root: Mapping[str, float] = {}):
        self.gizmo = gizmo
        self.root = dict(root)
        self.values: dict[str, nkparse.Word] = {k: v.value for k, v in gizmo.user_knobs.items()
                                                if v.value is not None}

    def set(self, name: str, value) -> None:
        """Set a knob as a user would: a number, a list of 3 numbers, an enumeration item or index, a bool."""
        k = self.gizmo.user_knobs.get(name)
        if k is None or k.hidden:
            raise KeyError(f"the gizmo has no user knob {name!r}")
        if k.type == 4:
            if isinstance(value, int):
                if not 0 <= value < len(k.items):
                    raise ValueError(f"{name}: index {value} out of range")
                value = k.items[value]
            if value not in k.items:
                raise ValueError(f"{name}: {value!r} is not one of {k.items}")
            word = nkparse.Word("bare", value)
        elif k.type == 6:
            word = nkparse.Word("bare", "true" if value else "false")
        elif k.type == 18:
            vals = [float(v) for v in value]
            if len(vals) != 3:
                raise ValueError(f"{name}: needs 3 values")
            word = nkparse.Word("brace", " ".join(repr(v) for v in vals))
        elif k.type == 7:
            word = nkparse.Word("bare", repr(float(value)))
        else:
            raise ValueError(f"{name}: knob type {k.type} cannot be set here")
        nkparse._check_value(k, word)
        self.values[name] = word

    # -- knob evaluation (double precision) ----------------------------------------------------
    def knob(self, path: str) -> float:
        """Value of ``knob`` or ``knob.r`` on the gizmo, or ``root.knob`` on the script's Root."""
        if path.startswith("root."):
            if path[5:] not in self.root:
                raise NkError(f"the script's Root has no knob {path[5:]!r}")
            return float(self.root[path[5:]])
        name, _, comp = path.partition(".")
        k = self.gizmo.user_knobs.get(name)
        if k is None:
            raise NkError(f"the gizmo has no knob {name!r} (referenced as {path!r})")
        w = self.values.get(name)
        if k.type == 4:
            if comp:
                raise NkError(f"{path}: an enumeration has no components")
            return float(k.items.index(w.text if w is not None else k.items[0]))
        if k.type == 6:
            if comp:
                raise NkError(f"{path}: a Boolean has no components")
            return 1.0 if w is not None and w.text in ("true", "1") else 0.0
        if w is None:
            return 0.0
        if w.kind == "brace" and w.text.startswith("{") and w.text.endswith("}"):
            if comp:
                raise NkError(f"{path}: a single expression value has no component {comp!r}")
            return float(nkexpr.evaluate(nkexpr.parse(w.text[1:-1]), self.knob, np.float64))
        vals = [float(x.text) for x in words(w.text)[0]] if w.kind == "brace" else [float(w.text)]
        if comp:
            if comp not in _COMPONENTS or _COMPONENTS[comp] >= len(vals) or k.type not in (18, 13, 9):
                raise NkError(f"{path}: knob {name!r} has no component {comp!r}")
            return vals[_COMPONENTS[comp]]
        if len(vals) != 1:
            raise NkError(f"{path}: a {len(vals)}-component knob needs a component")
        return vals[0]

    def parent(self, name: str) -> float:
        if not name.startswith("parent."):
            raise NkError(f"unknown name {name!r} (only r g b a, temporaries and parent.knob are used)")
        return self.knob(name[len("parent."):])

    # -- pixels ---------------------------------------------------------------------------------
    def run(self, rgb) -> np.ndarray:
        """Run the gizmo on (n, 3) or (n, 4) pixels; returns float32 (n, 4) (alpha 1 if not given)."""
        x = np.asarray(rgb, dtype=np.float32)
        if x.shape[-1] == 3:
            x = np.concatenate([x, np.ones(x.shape[:-1] + (1,), np.float32)], axis=-1)
        return self._eval(self.gizmo.output, x)

    def _eval(self, node: NkNode, src: np.ndarray) -> np.ndarray:
        if node.cls == "Input":
            return src
        if node.cls == "Switch":
            which = float(nkexpr.evaluate(nkexpr.parse(node.knobs["which"].text.strip("{}")), self.parent,
                                          np.float64)) if node.knobs["which"].kind == "brace" \
                else float(node.knobs["which"].text)
            i = int(min(max(which, 0), len(node.inputs) - 1))
            return self._eval(node.inputs[i], src)
        (inp,) = node.inputs
        x = self._eval(inp, src)
        if node.cls in ("Output", "Dot"):
            return x
        if node.cls == "ColorMatrix":
            m = np.array([[float(v.text) for v in words(r.text)[0]] for r in words(node.knobs["matrix"].text)[0]],
                         dtype=np.float32)
            out = x.copy()
            with np.errstate(invalid="ignore"):      # NaN inputs give NaN, as in float32 C
                for i in range(3):
                    out[:, i] = m[i, 0] * x[:, 0] + m[i, 1] * x[:, 1] + m[i, 2] * x[:, 2]
            return out
        if node.cls == "Expression":
            return self._expression(node, x)
        raise NkError(f"cannot evaluate {node.cls}")

    def _expression(self, node: NkNode, x: np.ndarray) -> np.ndarray:
        env: dict = {c: x[:, i] for c, i in (("r", 0), ("g", 1), ("b", 2), ("a", 3))}
        pixel_env = dict(env)

        def lookup_input(name: str):
            if name in pixel_env:
                return pixel_env[name]
            return self.parent(name)

        for i in range(4):
            if f"temp_name{i}" in node.knobs:
                name = node.knobs[f"temp_name{i}"].text
                if name in env:
                    raise NkError(f"temporary {name!r} shadows a channel or another temporary")
                # a temporary sees the input channels and knobs only
                env[name] = nkexpr.evaluate(nkexpr.parse(node.knobs[f"temp_expr{i}"].text), lookup_input)

        def lookup(name: str):
            if name in env:
                return env[name]
            return self.parent(name)

        out = x.copy()
        written: set[int] = set()
        for i in range(4):
            ch = node.knobs.get(f"channel{i}")
            if ch is None and f"expr{i}" not in node.knobs:
                continue          # an untouched row (aceskit writes every row it uses explicitly)
            default_rows = ["rgba.red -rgba.green -rgba.blue none", "-rgba.red rgba.green -rgba.blue none",
                            "-rgba.red -rgba.green rgba.blue none", "none none none rgba.alpha"]
            text = ch.text if ch is not None else default_rows[i]
            enabled = [nkparse.CHANNELS.index(c) for c in text.split() if c != "none" and not c.startswith("-")]
            if not enabled:
                continue
            w = node.knobs.get(f"expr{i}")
            value = nkexpr.evaluate(nkexpr.parse(w.text), lookup) if w is not None else np.float32(0)
            for c in enabled:
                if c in written:
                    raise NkError(f"{node.name}: channel {nkparse.CHANNELS[c]} written by two rows")
                written.add(c)
                out[:, c] = value
        return out


def load(path_or_text) -> Gizmo:
    text = path_or_text.read_text(encoding="utf-8") if hasattr(path_or_text, "read_text") else path_or_text
    return nkparse.parse_gizmo(text)


def run_gizmo(gizmo: Gizmo, rgb, knobs: Mapping[str, object] = {}, root: Mapping[str, float] = {}) -> np.ndarray:
    inst = Instance(gizmo, root)
    for k, v in knobs.items():
        inst.set(k, v)
    return inst.run(rgb)[:, :3].astype(np.float64)
