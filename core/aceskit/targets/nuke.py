"""Nuke backend: op chains as Expression and ColorMatrix nodes inside a ``.gizmo``.

Three jobs, in this order below: pixel code (an op chain -> nodes, one emitter per op type in
:data:`EMITTERS`), the gizmo text around it, and what the plug-in ships (from
:mod:`aceskit.targets.manifest`), written by :func:`generate` through :mod:`aceskit.fileio`.

Only nodes that exist in every Nuke edition are emitted (no BlinkScript):

- :class:`~aceskit.ops.Matrix` -> ``ColorMatrix`` (``rgb' = M @ rgb``, rows are outputs).
- :class:`~aceskit.ops.Curve`, :class:`~aceskit.ops.PixelExpr` and the lowered
  :class:`~aceskit.ops.GamutCompress` -> one ``Expression`` node: ``expr0..2`` write red,
  green and blue from the node's input pixel, alpha passes through.  The four
  ``temp_name``/``temp_expr`` slots hold the sub-expressions that save the most text; a temporary
  refers only to input channels and knobs, as the Expression node documents.
- Sub-expressions that depend only on user parameters (the RGC scale, its guards) become hidden
  knobs on the gizmo with a knob expression, so Nuke evaluates them once per frame in double
  precision instead of once per pixel in float32.
- A choice between variants (working space, direction, RGC on/off) is a ``Switch`` node driven by
  an enumeration or boolean knob, so every knob works inside the node graph without Python.

NaN: an output channel whose input channel is NaN is NaN (``x!=x?x:...``), and ``min``/``max``
are written as comparisons with the NaN behaviour of C ``fmin``/``fmax`` (the numpy reference's),
so the result does not depend on what Nuke's own ``min``/``max`` do with NaN.

The expression language is the one documented for Nuke's Expression node (C operators,
``?:``, ``log``, ``log10``, ``pow``, ``exp``, ``sqrt``, ``abs``, ``floor``);
``log2`` is written ``log(x)*(1/ln 2)``, ``exp2``/``exp10`` as ``pow(2, x)``/``pow(10, x)``.

``python -m aceskit.targets.nuke --out DIR`` writes the plug-in's gizmos and CTF files.
"""

from __future__ import annotations

import argparse
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence, Union

import numpy as np

from .. import expr as E, fileio
from ..expr import Expr
from ..ops import Curve, GamutCompress, Matrix, PixelExpr
from . import manifest

#: What the Nuke plug-in ships (RGC spaces and directions, conversion pairs, ACES versions).
HOST = manifest.host("nuke")

#: Nuke knob type numbers used in ``addUserKnob`` (nuke.KnobType / NDK knob table).
KNOB_TYPES = {"tab": 20, "enum": 4, "bool": 6, "double": 7, "color": 18}
VERSION_LINE = "version 13.2 v1"
CHANNELS = ("rgba.red", "rgba.green", "rgba.blue")
_CALL = {"abs": "abs", "sqrt": "sqrt", "log": "log", "log10": "log10", "exp": "exp", "floor": "floor",
         "pow": "pow"}
#: The pixel variables of an Expression node (values that may be NaN).
PIXEL = ("r", "g", "b")


# -- expression text -------------------------------------------------------------------------------

def literal(v: float) -> str:
    """A float literal that reads back to the same double (a knob value)."""
    if not math.isfinite(v):
        raise ValueError(f"a Nuke expression cannot hold the non-finite constant {v!r}")
    return repr(float(v))


def number(v: float) -> str:
    """A literal usable as an operand: negative numbers in parentheses."""
    text = literal(v)
    return f"({text})" if text.startswith("-") else text


def _split(v: float) -> tuple[float, float]:
    """``v`` as float32 head + float32 tail (the tail is 0 when v is a float32 number)."""
    hi = float(np.float32(v))
    return hi, float(np.float32(v - hi))


def _compensated(n: Expr, a: list) -> str:
    """``x ± c`` with c split into float32 head and tail, so x - c keeps its sign in float32 near x = c
    (the difference x - head is exact there, Sterbenz); otherwise a zero appears where the float64
    reference has a tiny value of either sign, which matters at the RGC's achromatic == 0 test."""
    (x, xi), (c, ci) = ((n.args[0], 0), (n.args[1], 1)) if n.args[1].is_const else ((n.args[1], 1), (n.args[0], 0))
    hi, lo = _split(c.value)
    if n.op == "add":
        return f"(({a[xi]}+{number(hi)})+{number(lo)})"
    if ci == 1:   # x - c
        return f"(({a[xi]}-{number(hi)})-{number(lo)})"
    return f"(({number(hi)}-{a[xi]})+{number(lo)})"   # c - x


def _fminmax(op: str, a: list, maybe_nan: list) -> str:
    """``fmax``/``fmin`` as a comparison: a NaN operand gives the other one (C and numpy semantics),
    whatever Nuke's own ``max``/``min`` do with NaN."""
    cmp = ">" if op == "max" else "<"
    (x, x_nan), (y, y_nan) = sorted(zip(a, maybe_nan), key=lambda t: (not t[1], -len(t[0])))
    if not y_nan:                  # y is a number or a knob
        return f"(({x}{cmp}{y})?{x}:{y})"
    return f"((({y}!={y})||({x}{cmp}{y}))?{x}:{y})"   # y, the shorter text, is written three times


def render(e: Expr, leaf: Callable[[Expr], Optional[str]]) -> str:
    """Nuke expression text for ``e``; ``leaf(node)`` may name a node (a variable, temp or knob)."""
    memo: dict[int, str] = {}
    pixel: dict[int, bool] = {}
    for n in E.toposort([e]):
        pixel[id(n)] = n.name in PIXEL if n.op == "var" else any(pixel[id(x)] for x in n.args)
        named = leaf(n)
        if named is not None:
            memo[id(n)] = named
            continue
        a = [memo.get(id(x), "") for x in n.args]
        if n.op == "const":
            s = number(n.value)
        elif n.op == "var":
            raise ValueError(f"variable {n.name!r} has no Nuke binding")
        elif n.op in ("add", "sub") and any(x.is_const and _split(x.value)[1] for x in n.args):
            s = _compensated(n, a)
        elif n.op in ("min", "max"):
            s = _fminmax(n.op, a, [pixel[id(x)] for x in n.args])
        elif n.op == "log2":
            s = f"(log({a[0]})*{number(1.0 / math.log(2.0))})"
        elif n.op == "exp2":
            s = f"pow(2,{a[0]})"
        elif n.op == "exp10":
            s = f"pow(10,{a[0]})"
        else:
            s = E.c_syntax(n.op, a, _CALL, sep="")
        memo[id(n)] = s
    return memo[id(e)]


# -- nodes and user knobs ---------------------------------------------------------------------------

@dataclass
class Node:
    """One node: its class and knob lines in order (``(name, value text)``); one input."""

    cls: str
    knobs: list = field(default_factory=list)


@dataclass(frozen=True)
class Knob:
    """A user knob on the gizmo (``addUserKnob {type name ...}`` then its value line)."""

    kind: str
    name: str
    label: str = ""
    value: Optional[str] = None
    range: Optional[tuple] = None
    items: tuple = ()
    tooltip: str = ""
    hidden: bool = False


@dataclass(frozen=True)
class Switch:
    """Pick one branch with a knob expression (``which``): branch i is the Switch's input i."""

    which: str
    branches: tuple


Graph = Union[tuple, Switch]


class Params:
    """Binds expression variables to gizmo knobs and collects the hidden parameter-only knobs."""

    def __init__(self, bindings: Mapping[str, str]):
        self.bindings = dict(bindings)       # variable -> knob path on the gizmo, e.g. "limit.r"
        self.aux: dict[str, str] = {}        # expression text (gizmo scope) -> hidden knob name

    def own(self, n: Expr) -> Optional[str]:
        if n.op == "var":
            if n.name not in self.bindings:
                raise ValueError(f"variable {n.name!r} has no knob; bound: {sorted(self.bindings)}")
            return self.bindings[n.name]
        return None

    def hoist(self, e: Expr) -> str:
        text = render(e, self.own)
        if text not in self.aux:
            self.aux[text] = f"aux{len(self.aux)}"
        return "parent." + self.aux[text]

    def knobs(self) -> list[Knob]:
        return [Knob("double", name, value="{{" + text + "}}", hidden=True) for text, name in self.aux.items()]


def _param_only(outputs: Sequence[Expr], inputs: set) -> list[Expr]:
    """The largest sub-expressions that depend on parameters but on no pixel input."""
    nodes = E.toposort(outputs)
    pixel: dict[int, bool] = {}
    for n in nodes:
        if n.op == "var":
            pixel[id(n)] = n.name in inputs
        else:
            pixel[id(n)] = any(pixel[id(a)] for a in n.args)
    param = {id(n) for n in nodes if n.args and not pixel[id(n)]}
    top = {id(o) for o in outputs if id(o) in param}
    top |= {id(a) for n in nodes if id(n) not in param for a in n.args if id(a) in param}
    return [n for n in nodes if id(n) in top]


def _choose_temps(outputs: Sequence[Expr], leaf: Callable[[Expr], Optional[str]], slots: int = 4) -> list[Expr]:
    """Greedily pick the sub-expressions whose reuse as temporaries saves the most text."""
    order = E.toposort(outputs)
    temps: list[Expr] = []
    for _ in range(slots):
        chosen = {id(t) for t in temps}
        size: dict[int, int] = {}
        for n in order:
            named = leaf(n)
            if named is not None or id(n) in chosen:
                size[id(n)] = len(named) if named is not None else 5
            elif n.op == "const":
                size[id(n)] = len(number(n.value))
            else:
                size[id(n)] = 8 + sum(size[id(a)] for a in n.args)
        occ: dict[int, int] = {id(n): 0 for n in order}
        for o in outputs:
            occ[id(o)] += 1
        for n in reversed(order):
            if id(n) in chosen or leaf(n) is not None:
                continue
            for a in n.args:
                occ[id(a)] += occ[id(n)]
        best, gain = None, 0
        for n in order:
            if n.args and id(n) not in chosen and leaf(n) is None and occ[id(n)] > 1:
                g = (occ[id(n)] - 1) * size[id(n)]
                if g > gain:
                    best, gain = n, g
        if best is None:
            break
        temps.append(best)
    return temps


def expression_node(outputs: Sequence[Expr], params: Params, name: str, inputs=("r", "g", "b")) -> Node:
    """One Expression node computing red, green, blue from the input pixel."""
    hoisted = {id(n): params.hoist(n) for n in _param_only(outputs, set(inputs))}
    pixel_vars = {"r": "r", "g": "g", "b": "b"}

    def base(n: Expr) -> Optional[str]:
        if id(n) in hoisted:
            return hoisted[id(n)]
        if n.op == "var":
            if n.name in pixel_vars:
                return pixel_vars[n.name]
            return "parent." + (params.own(n) or "")
        return None

    temps = _choose_temps(outputs, base)
    temp_names = {id(t): f"tmp{i}" for i, t in enumerate(temps)}

    def with_temps(n: Expr) -> Optional[str]:
        return temp_names.get(id(n)) or base(n)

    knobs: list = []
    for i, t in enumerate(temps):
        knobs += [(f"temp_name{i}", f"tmp{i}"), (f"temp_expr{i}", _quote(render(t, base)))]
    for i, (ch, o) in enumerate(zip(CHANNELS, outputs)):
        row = " ".join(c if c == ch else "-" + c for c in CHANNELS) + " none"
        knobs += [(f"channel{i}", "{" + row + "}"), (f"expr{i}", _quote(render(o, with_temps)))]
    knobs += [("channel3", "none"), ("name", name)]
    return Node("Expression", knobs)


def _safe(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", label).strip("_") or "node"


def keep_nan(out: Expr, channel: str) -> Expr:
    """``out``, except NaN where the input ``channel`` is NaN."""
    x = E.var(channel)
    return E.select(E.ne(x, x), x, out)


def _matrix_nodes(op: Matrix, params: Params, name: str) -> list[Node]:
    rows = " ".join("{" + " ".join(literal(v) for v in row) + "}" for row in op.m)
    return [Node("ColorMatrix", [("matrix", "{" + rows + "}"), ("name", name)])]


def _curve_nodes(op: Curve, params: Params, name: str) -> list[Node]:
    outs = [keep_nan(E.substitute([op.fn], {"x": E.var(c)})[0], c) for c in PIXEL]
    return [expression_node(outs, params, name)]


def _pixel_nodes(op: PixelExpr, params: Params, name: str) -> list[Node]:
    return [expression_node([keep_nan(o, c) for o, c in zip(op.outputs, PIXEL)], params, name)]


def _rgc_nodes(op: GamutCompress, params: Params, name: str) -> list[Node]:
    return _pixel_nodes(op.lower(), params, name)


#: One emitter per op type: ``(op, params, node name) -> nodes``.
EMITTERS: dict = {Matrix: _matrix_nodes, Curve: _curve_nodes, PixelExpr: _pixel_nodes, GamutCompress: _rgc_nodes}


def op_nodes(op, params: Params, index: int) -> list[Node]:
    """The nodes for one op of a chain."""
    emit = EMITTERS.get(type(op))
    if emit is None:
        raise TypeError(f"the Nuke backend cannot compile {type(op).__name__}; it handles "
                        f"{', '.join(t.__name__ for t in EMITTERS)}")
    return emit(op, params, f"{_safe(getattr(op, 'label', '') or type(op).__name__)}_{index}")


# -- writer ----------------------------------------------------------------------------------------

def _quote(text: str) -> str:
    """A Tcl double-quoted word (backslash, quote, brackets and dollar escaped)."""
    return '"' + re.sub(r'([\\"\[\]$])', r"\\\1", text) + '"'


def _word(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9_.+\-]+", text) else _quote(text)


def _user_knob(k: Knob) -> str:
    parts = [str(KNOB_TYPES[k.kind]), k.name]
    if k.label:
        parts += ["l", _word(k.label)]
    if k.tooltip:
        parts += ["t", _quote(k.tooltip)]
    if k.range:
        parts += ["R", *(literal(v) for v in k.range)]
    if k.items:
        parts += ["M", "{" + " ".join(_word(i) for i in k.items) + "}"]
    if k.hidden:
        parts.append("+INVISIBLE")
    return " addUserKnob {" + " ".join(parts) + "}"


def _emit(graph: Graph, source: str, params: Params, lines: list, counter: list) -> None:
    if isinstance(graph, Switch):
        for branch in reversed(graph.branches):
            _emit(branch, source, params, lines, counter)
        counter[0] += 1
        lines += ["Switch {", f" inputs {len(graph.branches)}", f" which {{{{{graph.which}}}}}",
                  f" name Switch{counter[0]}", "}"]
        return
    lines.append(f"push ${source}")
    for op in graph:
        counter[0] += 1
        for node in op_nodes(op, params, counter[0]):
            lines.append(node.cls + " {")
            lines += [f" {k} {v}" for k, v in node.knobs]
            lines.append("}")


def gizmo(name: str, knobs: Sequence[Knob], graph: Graph, bindings: Mapping[str, str], help_text: str = "") -> str:
    """The text of ``<name>.gizmo``: user knobs, then ``Input -> graph -> Output``."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"gizmo name must be a Nuke identifier (letters, digits, _), got {name!r}")
    params = Params(bindings)
    body: list[str] = [" Input {", "  inputs 0", "  name Input", " }", " set Nsource [stack 0]"]
    inner: list[str] = []
    _emit(graph, "Nsource", params, inner, [0])
    body += [" " + line for line in inner]
    body += [" Output {", "  name Output1", " }", "end_group", ""]
    head = ["#! nuke -nx", VERSION_LINE, "Gizmo {", " inputs 1"]
    if help_text:
        head.append(f" help {_quote(help_text)}")
    head.append(" addUserKnob {20 aceskit l " + _word(name) + "}")
    for k in (*knobs, *params.knobs()):
        head.append(_user_knob(k))
        if k.value is not None:
            head.append(f" {k.name} {k.value}")
    head.append("}")
    return "\n".join(head + body)


# -- the aceskit gizmos ----------------------------------------------------------------------------

def _rgc_bindings() -> dict[str, str]:
    comp = dict(zip("cmy", "rgb"))
    b = {f"{grp}_{k}": f"{grp}.{comp[k]}" for grp in ("limit", "threshold") for k in "cmy"}
    b["power"] = "roll_off"
    return b


#: The Root knob (Project Settings > aceskit) holding the project's RGC check-box.
PROJECT_RGC_KNOB = "aceskit_rgc"
#: The per-node RGC override of the guide's clip model: the ``rgc`` knob's items (manifest labels).
OVERRIDES = tuple(label for _, label in manifest.OVERRIDE_LABELS)


def _override_knobs() -> list[Knob]:
    """The ``rgc`` override and the hidden ``rgc_on`` that the graph's on/off Switch reads.

    "Follow Project" reads the Root's check-box with Tcl ``numvalue``, whose default (1: on, as
    the implementation guide asks) applies in a script without the aceskit project knobs.
    """
    index = {value: i for i, (value, _) in enumerate(manifest.OVERRIDE_LABELS)}
    on = (f"rgc=={index['on']}||(rgc=={index['follow']}"
          f"&&[numvalue root.{PROJECT_RGC_KNOB} 1])")
    return [Knob("enum", "rgc", "RGC", _word(OVERRIDES[0]), items=OVERRIDES,
                 tooltip="Follow the project's RGC setting (Project Settings > aceskit), or force it on or off."),
            Knob("double", "rgc_on", value="{{" + _quote(on) + "}}", hidden=True)]


def _with_override(graph: Graph) -> Switch:
    """Input 0 passes the pixels through (RGC off), input 1 applies ``graph``."""
    return Switch("parent.rgc_on", ((), graph))


def _space_knob() -> Knob:
    return Knob("enum", "working_space", "working space", _word(HOST.rgc_spaces[0]), items=HOST.rgc_spaces,
                tooltip="The color space of the incoming pixels; the compression runs on ACEScg internally.")


def _rgc_graph(params, direction: str) -> Switch:
    from .. import gamut as rgc
    return Switch("parent.working_space", tuple(
        Switch(direction, tuple(rgc.chain(params, inverse=d == "inverse", space=s) for d in HOST.rgc_directions))
        for s in HOST.rgc_spaces))


def aces_rgc() -> str:
    """``ACES_RGC``: the fixed ACES 1.3 reference, forward or inverse, in a chosen working space."""
    knobs = [Knob("enum", "direction", "direction", HOST.rgc_directions[0], items=HOST.rgc_directions),
             _space_knob(), *_override_knobs()]
    return gizmo("ACES_RGC", knobs, _with_override(_rgc_graph(None, "parent.direction")), {},
                 "ACES 1.3 Reference Gamut Compression (fixed reference parameters). Generated by aceskit.")


def rgc_knobs() -> list[Knob]:
    """The parametric controls, from ``aceskit.rgc.UI_PARAMS`` (3-component limit and threshold)."""
    from .. import gamut as rgc
    out = []
    for group, name in (("Limit", "limit"), ("Threshold", "threshold"), ("Roll-off", "roll_off")):
        ps = [p for p in rgc.UI_PARAMS if p.group == group]
        if len({(p.min, p.max) for p in ps}) != 1:
            raise ValueError(f"the {group} controls need one shared range for a single Nuke knob")
        value = " ".join(number(p.default) for p in ps)
        out.append(Knob("color" if len(ps) == 3 else "double", name, group,
                        "{" + value + "}" if len(ps) == 3 else value, (ps[0].min, ps[0].max),
                        tooltip=" / ".join(p.label for p in ps)))
    return out


def gamut_compress() -> str:
    """``GamutCompress``: the parametric RGC with the implementation guide's controls."""
    from .. import gamut as rgc
    if HOST.rgc_directions != ("forward", "inverse"):
        raise ValueError("GamutCompress's invert check-box needs the directions forward and inverse")
    knobs = [*rgc_knobs(), Knob("bool", "invert", "invert", "false"), _space_knob(), *_override_knobs()]
    return gizmo("GamutCompress", knobs, _with_override(_rgc_graph(rgc.UI, "parent.invert")), _rgc_bindings(),
                 "ACES Reference Gamut Compression with adjustable limits, thresholds and roll-off. "
                 "Generated by aceskit.")


def conversion_name(src: str, dst: str) -> str:
    """The name of the ``src`` -> ``dst`` conversion (the stem of its CTF file)."""
    return f"{_safe(src)}_to_{_safe(dst)}"


def conversion_spaces() -> list[str]:
    """Spaces that get a conversion gizmo: every non-hub space of the manifest's conversion pairs."""
    return list(dict.fromkeys(s for pair in HOST.conversion_pairs() for s in pair if s not in HOST.hubs))


def gizmo_name(space: str) -> str:
    """The node class of ``space``'s conversion gizmo."""
    return "aceskit_" + _safe(space)


def _conversion_choices(space: str) -> dict[str, list[tuple[str, tuple]]]:
    """Direction label -> [(hub, chain)] for ``space``, from the manifest's pairs."""
    from ..plans import plan
    pairs = set(HOST.conversion_pairs())
    out: dict[str, list[tuple[str, tuple]]] = {}
    for direction in HOST.conversion_directions:
        for hub in HOST.hubs:
            src, dst = (space, hub) if direction == manifest.TO_ACES else (hub, space)
            if (src, dst) in pairs:
                out.setdefault(direction, []).append((hub, plan(src, dst)))
    return out


def conversion(space: str) -> str:
    """A gizmo converting ``space`` to the ACES hubs (``direction`` to ACES) and back."""
    choices = _conversion_choices(space)
    hubs = [hub for hub, _ in next(iter(choices.values()))]
    if any([hub for hub, _ in c] != hubs for c in choices.values()):
        raise ValueError(f"{space}: the Nuke gizmo needs the same ACES spaces in every direction")
    graph = Switch("parent.direction", tuple(Switch("parent.aces", tuple(ch for _, ch in c))
                                             for c in choices.values()))
    knobs = [Knob("enum", "direction", "direction", _word(next(iter(choices))), items=tuple(choices)),
             Knob("enum", "aces", "ACES space", _word(hubs[0]), items=tuple(hubs))]
    return gizmo(gizmo_name(space), knobs, graph, {}, f"{space} to or from ACES. Generated by aceskit.")


def ctf_files() -> dict[str, tuple]:
    """The OCIOFileTransform route: file name -> op chain (reference RGC, and the manifest's
    conversions whose curves OpenColorIO has natively; the others would be half-domain LUTs of about 2 MB)."""
    from .. import gamut as rgc
    from ..plans import plan
    from . import ctf
    out: dict[str, tuple] = {}
    for s in HOST.rgc_spaces:
        for d in HOST.rgc_directions:
            out[f"ACES_RGC_{_safe(s)}_{d}.ctf"] = rgc.chain(None, inverse=d == "inverse", space=s)
    for src, dst in HOST.conversion_pairs():
        chain = plan(src, dst)
        if ctf.lut_free(chain):
            out[conversion_name(src, dst) + ".ctf"] = chain
    return out


def gizmos() -> dict[str, str]:
    """File name -> text of every gizmo the plug-in ships."""
    out = {"ACES_RGC.gizmo": aces_rgc(), "GamutCompress.gizmo": gamut_compress()}
    for s in conversion_spaces():
        out[gizmo_name(s) + ".gizmo"] = conversion(s)
    return out


# -- files ------------------------------------------------------------------------------------------

def _prune(folder: Path, suffix: str, keep) -> None:
    for stale in folder.glob("*" + suffix):
        if stale.name not in keep:
            stale.unlink()


def generate(out_dir) -> list[Path]:
    """Write ``gizmos/*.gizmo`` and ``ctf/*.ctf`` under ``out_dir``; stale generated files are removed."""
    from . import ctf
    out = Path(out_dir)
    (out / "gizmos").mkdir(parents=True, exist_ok=True)
    (out / "ctf").mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    texts = gizmos()
    for fname, text in texts.items():
        fileio.write_text(out / "gizmos" / fname, text)
        written.append(out / "gizmos" / fname)
    chains = ctf_files()
    for fname, chain in chains.items():
        written.append(ctf.write(chain, out / "ctf" / fname, description=fname[:-4].replace("_", " "),
                                 transform_id=f"aceskit:{fname[:-4]}"))
    _prune(out / "gizmos", ".gizmo", texts)
    _prune(out / "ctf", ".ctf", chains)
    return written


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m aceskit.targets.nuke", description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="the plug-in folder (hosts/nuke)")
    args = ap.parse_args(argv)
    print(f"wrote {len(generate(args.out))} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
