"""DCTL backend: an op chain as DaVinci Resolve DCTL source.

Three jobs, kept apart: pixel code from an op chain (:data:`EMITTERS`, one emitter per op type,
and :class:`Program`), the list of what Resolve ships (:func:`shipped`, from the host manifest
:mod:`aceskit.targets.manifest`), and writing it (:func:`write`, atomic, stale files pruned).

Each op becomes one ``__DEVICE__`` function (identical functions are emitted
once); its expression graph is compiled, operands first
(:func:`aceskit.expr.toposort`), into straight-line float32 code with one
temporary per shared node.  The ``transform`` entry point runs the functions
in order, optionally choosing a chain per value of a combo box.

Resolve 17+ rules followed (Resolve ``Developer/DaVinciCTL/README.txt``;
ampas ``aces-vwg-gamut-mapping-2020`` PR #5): the exact ``transform``
signature, no semicolon after ``DEFINE_UI_PARAMS``, three-argument
``make_float3``, ``f``-suffixed float literals, ASCII labels, and only the
documented ``_xxx`` math functions.  Constants are rounded to float32 once and
printed with 9 significant digits, which reproduces that float32 exactly.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence

import numpy as np

from .. import expr as E
from .. import fileio
from .. import gamut as rgc
from ..ops import Curve, GamutCompress, Matrix, PixelExpr
from . import manifest

SIGNATURE = ("__DEVICE__ float3 transform(int p_Width, int p_Height, int p_X, int p_Y, "
             "float p_R, float p_G, float p_B)")

_CALL = {"abs": "_fabs", "sqrt": "_sqrtf", "log": "_logf", "log2": "_log2f", "log10": "_log10f",
         "exp": "_expf", "exp2": "_exp2f", "exp10": "_exp10f", "floor": "_floorf",
         "pow": "_powf", "min": "_fminf", "max": "_fmaxf"}
HOST = manifest.host("resolve")


def _space_label(space: str) -> str:
    """A combo label for a space (labels avoid hyphens: ACES2065-1 -> ACES2065)."""
    return re.sub(r"-\d+$", "", space)


#: The RGC working spaces of the manifest's Resolve entry, as (combo identifier, label, aceskit
#: space); the first is the combo's default.
WORKING_SPACES = tuple((f"WS_{re.sub(r'[^A-Z0-9]', '', _space_label(s).upper())}", _space_label(s), s)
                       for s in HOST.rgc_spaces)
_LABEL = re.compile(r"^[A-Za-z0-9 .+-]+$")


def literal(value: float) -> str:
    """A float32 C literal with the ``f`` suffix (the value rounded to float32 first)."""
    with np.errstate(over="ignore"):
        v = float(np.float32(value))
    if not math.isfinite(v):
        raise ValueError(f"a DCTL constant must be finite in float32, got {value!r}")
    text = "%.9g" % v
    if not any(ch in text for ch in ".en"):
        text += ".0"
    return f"({text}f)" if v < 0 or text.startswith("-") else f"{text}f"


def _ui_number(value: float) -> str:
    """A UI macro number as Resolve's README writes them (``1.0``, ``0.001``; no suffix)."""
    text = "%.9g" % float(value)
    return text if any(ch in text for ch in ".e") else text + ".0"


# -- controls -----------------------------------------------------------------------

def _check_label(label: str) -> str:
    if not _LABEL.match(label):
        raise ValueError(f"a DCTL label must be ASCII letters, digits, spaces or . + -, got {label!r}")
    return label


class Slider(NamedTuple):
    name: str
    label: str
    default: float
    min: float
    max: float
    step: float = 0.001

    def define(self) -> str:
        nums = ", ".join(_ui_number(v) for v in (self.default, self.min, self.max, self.step))
        return f"DEFINE_UI_PARAMS({self.name}, {_check_label(self.label)}, DCTLUI_SLIDER_FLOAT, {nums})"


class CheckBox(NamedTuple):
    name: str
    label: str
    default: int = 0

    def define(self) -> str:
        return f"DEFINE_UI_PARAMS({self.name}, {_check_label(self.label)}, DCTLUI_CHECK_BOX, {int(self.default)})"


class Combo(NamedTuple):
    """A combo box; ``options`` are (identifier, label) pairs, valued 0, 1, ... in order."""

    name: str
    label: str
    options: tuple
    default: int = 0

    def define(self) -> str:
        ids = ", ".join(i for i, _ in self.options)
        labels = ", ".join(_check_label(lab) for _, lab in self.options)
        return (f"DEFINE_UI_PARAMS({self.name}, {_check_label(self.label)}, DCTLUI_COMBO_BOX, "
                f"{int(self.default)}, {{{ids}}}, {{{labels}}})")


# -- expression graphs -> straight-line code ---------------------------------------------

def _is_bool(node: E.Expr, types: dict) -> bool:
    if node.op in E.COMPARISONS:
        return True
    return node.op == "select" and types[id(node.args[1])] and types[id(node.args[2])]


def compile_exprs(outputs: Sequence[E.Expr], names: dict, indent: str = "    ") -> tuple[list[str], list[str]]:
    """Statements computing ``outputs`` and the C expression of each output.

    ``names`` maps variables to C expressions; other variables are used by name (UI controls).
    """
    lines: list[str] = []
    code: dict[int, str] = {}
    types: dict[int, bool] = {}
    seen: dict[str, str] = {}        # structurally equal nodes share one temporary
    for node in E.toposort(outputs):
        a = [code[id(x)] for x in node.args]
        types[id(node)] = _is_bool(node, types)
        if node.op in ("and", "or"):
            for keep, other in ((0, 1), (1, 0)):
                arg = node.args[other]
                if arg.is_const and bool(arg.value) == (node.op == "and"):
                    a = [a[keep]]       # x && true == x; x || false == x
        if len(a) == 1 and node.op in ("and", "or"):
            code[id(node)] = a[0]
            continue
        if node.op == "const":
            code[id(node)] = literal(node.value)
            continue
        if node.op == "var":
            code[id(node)] = names.get(node.name, node.name)
            continue
        rhs = E.c_syntax(node.op, a, _CALL)
        if node.op not in _CALL:
            rhs = rhs[1:-1]  # a statement needs no outer parentheses
        if rhs not in seen:
            seen[rhs] = f"t{len(lines)}"
            lines.append(f"{indent}const {'int' if types[id(node)] else 'float'} {seen[rhs]} = {rhs};")
        code[id(node)] = seen[rhs]
    return lines, [code[id(o)] for o in outputs]


def _pixel_function(name: str, outputs: Sequence[E.Expr]) -> str:
    names = {"r": "c.x", "g": "c.y", "b": "c.z"}
    lines, outs = compile_exprs(outputs, names)
    body = "\n".join(lines + [f"    return make_float3({', '.join(outs)});"])
    return f"__DEVICE__ float3 {name}(float3 c)\n{{\n{body}\n}}"


def _matrix(op: Matrix, name: str) -> str:
    rows = [" + ".join(f"{literal(op.m[i, j])} * c.{'xyz'[j]}" for j in range(3)) for i in range(3)]
    body = ",\n                       ".join(rows)
    return f"__DEVICE__ float3 {name}(float3 c)\n{{\n    return make_float3({body});\n}}"


def _curve(op: Curve, name: str) -> str:
    lines, (out,) = compile_exprs([op.fn], {"x": "x"})
    body = "\n".join(lines + [f"    return x != x ? x : {out};  // a NaN channel stays NaN, as in the core"])
    return (f"__DEVICE__ float {name}_1(float x)\n{{\n{body}\n}}\n\n"
            f"__DEVICE__ float3 {name}(float3 c)\n{{\n"
            f"    return make_float3({name}_1(c.x), {name}_1(c.y), {name}_1(c.z));\n}}")


#: Op type -> emitter of ``__DEVICE__ float3 name(float3 c)``: adding an op type is one entry.
EMITTERS: Dict[type, Callable[..., str]] = {
    Matrix: _matrix,
    Curve: _curve,
    GamutCompress: lambda op, name: _pixel_function(name, op.lower().outputs),
    PixelExpr: lambda op, name: _pixel_function(name, op.outputs),
}


def op_function(op, name: str) -> str:
    """C source of ``__DEVICE__ float3 name(float3 c)`` applying one op."""
    emit = EMITTERS.get(type(op))
    if emit is None:
        raise TypeError(f"the DCTL backend cannot compile {type(op).__name__}")
    return emit(op, name)


# -- whole programs -------------------------------------------------------------------

@dataclass
class Program:
    """A DCTL: a comment header, controls, and one op chain per value of an optional combo."""

    title: str
    description: Sequence[str]
    chains: Sequence[tuple]          # one chain, or one per option of ``switch``
    controls: Sequence = ()
    switch: Optional[Combo] = None
    constants: Optional[dict] = None  # name -> value, emitted as __CONSTANT__ float

    def source(self) -> str:
        if self.switch is None and len(self.chains) != 1:
            raise ValueError("a DCTL without a switch combo takes exactly one chain")
        if self.switch is not None and len(self.chains) != len(self.switch.options):
            raise ValueError("the switch combo needs one chain per option")
        functions: dict[str, str] = {}      # body text (with a placeholder name) -> name
        calls: list[list[tuple[str, str]]] = []
        for chain in self.chains:
            seq: list[tuple[str, str]] = []
            for op in chain:
                text = op_function(op, "@")
                if text not in functions:
                    functions[text] = f"op{len(functions) + 1}"
                label = getattr(op, "label", "") or type(op).__name__
                seq.append((functions[text], label))
            calls.append(seq)
        out = [f"// {self.title}"]
        out += [f"// {line}".rstrip() for line in self.description]
        out.append("// Generated by aceskit (aceskit.targets.dctl); regenerate rather than edit.")
        out.append("")
        out += [c.define() for c in self.controls]
        out += [f"__CONSTANT__ float {k} = {literal(v)};" for k, v in (self.constants or {}).items()]
        if self.controls or self.constants:
            out.append("")
        for text, name in functions.items():
            out += [text.replace("@", name), ""]
        out += [SIGNATURE, "{", "    float3 c = make_float3(p_R, p_G, p_B);"]
        if self.switch is None:
            out += [f"    c = {fn}(c);  // {label}" for fn, label in calls[0]]
        else:
            for i, ((ident, _), seq) in enumerate(zip(self.switch.options, calls)):
                head = "if" if i == 0 else "} else if"
                out.append(f"    {head} ({self.switch.name} == {ident}) {{")
                out += [f"        c = {fn}(c);  // {label}" for fn, label in seq]
            out.append("    }")
        out += ["    return c;", "}", ""]
        return "\n".join(out)


SPACE_COMBO = Combo("space", "Working Space", tuple((i, lab) for i, lab, _ in WORKING_SPACES))
DIRECTION_COMBO = Combo("invert", "Direction", tuple((f"DIR_{d.upper()}", d.capitalize()) for d in HOST.rgc_directions))
INVERT_BOX = CheckBox("invert", "Invert", 0)


def ui_sliders() -> tuple:
    """One slider per :data:`aceskit.rgc.UI_PARAMS` entry (name, label, default and range)."""
    return tuple(Slider(p.name, p.label, p.default, p.min, p.max) for p in rgc.UI_PARAMS)


def _space_note() -> str:
    first, *rest = HOST.rgc_spaces
    return f"Working Space must match the timeline: {first} (the default), {', '.join(rest[:-1])} or {rest[-1]}."


def reference() -> Program:
    """``aceskit RGC Reference``: the ACES 1.3 reference parameters, direction and working space combos."""
    chains = [rgc.chain(rgc.REFERENCE, inverse=None, space=s) for _, _, s in WORKING_SPACES]
    return Program("aceskit RGC Reference",
                   ["ACES Reference Gamut Compression (ACES 1.3 LMT) with the reference parameters.",
                    f"{rgc.ACES_USER_NAME}; {rgc.TRANSFORM_ID_ACES13}",
                    _space_note(), "Direction and Working Space are editable in the DCTL effect only."],
                   chains, (DIRECTION_COMBO, SPACE_COMBO), SPACE_COMBO)


def parametric() -> Program:
    """``aceskit Gamut Compress``: sliders for every parameter, an invert box, the working space combo."""
    chains = [rgc.chain(rgc.UI, inverse=None, space=s) for _, _, s in WORKING_SPACES]
    return Program("aceskit Gamut Compress",
                   ["Parametric ACES gamut compression (implementation guide section 9 controls).",
                    "Limit: distance mapped to the gamut boundary; Threshold: start of compression;",
                    "Roll-off: curve power.  Defaults are the ACES 1.3 reference values.", _space_note(),
                    "As a LUT a DCTL keeps these defaults; use the DCTL effect, or a baked DCTL."],
                   chains, (*ui_sliders(), INVERT_BOX, SPACE_COMBO), SPACE_COMBO)


def baked(params: Optional[rgc.RGCParams] = None, *, inverse: bool = False, space: str = "ACEScct") -> Program:
    """A DCTL with no controls: the RGC with ``params`` in one direction and one working space."""
    p = params or rgc.REFERENCE
    return Program(f"aceskit RGC {'inverse' if inverse else 'forward'} {space}",
                   [f"ACES gamut compression baked for use as a LUT ({space} in and out): the",
                    "Gamut Compress DCTL with its sliders replaced by these constants, so it computes",
                    "exactly what that DCTL computes at these settings."],
                   [rgc.chain(rgc.UI, inverse=bool(inverse), space=space)], constants=p.values())


def baked_name(params: Optional[rgc.RGCParams] = None, *, inverse: bool = False, space: str = "ACEScct") -> str:
    """A file name that identifies a baked DCTL's parameters, direction and space."""
    p = params or rgc.REFERENCE
    tag = "reference" if p.is_reference else "_".join(("%.9g" % v).replace(".", "p") for v in p.values().values())
    space_tag = {s: lab for _, lab, s in WORKING_SPACES}[space]
    return f"aceskit RGC {'Inverse' if inverse else 'Forward'} {space_tag} {tag}.dctl"


def conversion(src: str, dst: str) -> Program:
    """A color space conversion DCTL (:func:`aceskit.convert.plan`)."""
    from ..plans import plan
    from .. import spaces
    s, d = spaces.get(src), spaces.get(dst)
    return Program(f"aceskit {s.name} to {d.name}",
                   [f"Converts {s.name} to {d.name} through ACES2065-1 (aceskit.convert)."],
                   [plan(s, d)])


def file_stem(text: str) -> str:
    """A portable file name: parentheses and other punctuation dropped."""
    stem = re.sub(r"[^A-Za-z0-9 ._+-]", "", text)
    return re.sub(r"\s+", " ", stem).strip()


def conversion_path(src: str, dst: str) -> str:
    """Where the conversion DCTL ``src`` -> ``dst`` ships, relative to the ``dctl`` folder."""
    return f"CSC/{file_stem(f'aceskit {src} to {dst}')}.dctl"


# -- what Resolve ships, and writing it ------------------------------------------------------------

def shipped() -> Dict[str, Program]:
    """Every DCTL shipped for Resolve (the manifest's Resolve entry), keyed by path relative to
    the ``dctl`` folder."""
    files = {"aceskit RGC Reference.dctl": reference(), "aceskit Gamut Compress.dctl": parametric()}
    for direction in HOST.rgc_directions:
        for space in HOST.rgc_spaces:
            inverse = direction == "inverse"
            files["Baked/" + baked_name(inverse=inverse, space=space)] = baked(inverse=inverse, space=space)
    for src, dst in HOST.conversion_pairs():
        files[conversion_path(src, dst)] = conversion(src, dst)
    return files


def write(out_dir) -> List[Path]:
    """Write :func:`shipped` under ``out_dir`` atomically (unchanged files untouched) and remove
    ``.dctl`` files no longer shipped; returns the removed files."""
    out = Path(out_dir)
    files = shipped()
    for rel, program in files.items():
        path = out / rel
        text = program.source()
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            fileio.write_text(path, text)
    stale = [p for p in out.rglob("*.dctl") if p.relative_to(out).as_posix() not in files]
    for p in stale:
        p.unlink()
    return stale
