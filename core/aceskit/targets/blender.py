"""Blender backend: op chains as compositor node groups built from Math nodes.

Three parts:

- networks (pure Python): :func:`compile_chains` turns op chains into a :class:`Net`, a list of
  Blender Math node operations over the group's inputs, with common sub-expressions shared;
  :func:`spec` describes a group (:class:`GroupSpec`);
- what it ships: :func:`group_names`, read from the ``blender`` entry of
  :mod:`aceskit.targets.manifest`;
- building (needs ``bpy``): :func:`build` makes a node group from a spec in the open file, for
  the Blender version running (:class:`Api`: 4.5 LTS, or 5.0 and later); the extension calls
  :func:`ensure_groups`.  The backend writes no files: its output lives in the ``.blend``.

Blender's Math node is not IEEE arithmetic (measured in 4.5.15 and 5.0.1): ``DIVIDE`` by 0 gives 0,
``POWER`` of a negative base with a fractional exponent gives 0, ``SQRT``/``LOGARITHM`` of
invalid input give 0, ``MINIMUM``/``MAXIMUM`` return their first operand when either is
NaN, and ``COMPARE`` treats values within FLT_EPSILON as equal.  The translation keeps
the numpy reference's answers anyway:

- ``select(c, a, b)`` is ``a / c + b / (1 - c)`` with ``c`` exactly 0 or 1: the safe
  divide turns the discarded branch into 0 whatever it holds (Inf, NaN), and ``a / 1 + 0``
  is ``a`` exactly, so a branch the expression does not select cannot poison the result;
- comparisons are built from ``LESS_THAN``/``GREATER_THAN`` and a NaN test, so that
  comparisons with NaN are false, as in C;
- ``min``/``max`` ignore a NaN operand like C ``fminf``/``fmaxf``.
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from .. import expr as E
from ..ops import Curve, GamutCompress, Matrix, PixelExpr
from . import manifest

#: Largest float32 rounded down; x is not NaN iff x < BIG or x > -BIG.
BIG = 3.4e38


class N(NamedTuple):
    """Output of node number ``node`` of a :class:`Net`."""
    node: int


class In(NamedTuple):
    """A value entering the network: a color channel (``r``, ``g``, ``b``) or a group input by name."""
    name: str


Operand = Union[float, N, In]


@dataclass
class Net:
    """Math nodes in evaluation order: ``(operation, operands, label)``; ``outputs`` per variant."""

    nodes: List[Tuple[str, Tuple[Operand, ...], str]] = field(default_factory=list)
    outputs: Dict[str, Tuple[Operand, Operand, Operand]] = field(default_factory=dict)


class _Compiler:
    def __init__(self):
        self.net = Net()
        self._memo: Dict[tuple, N] = {}
        self.label = ""

    # -- node emission with structural sharing -------------------------------
    def math(self, operation: str, *args: Operand) -> N:
        key = (operation, args)
        hit = self._memo.get(key)
        if hit is None:
            self.net.nodes.append((operation, args, self.label))
            hit = self._memo[key] = N(len(self.net.nodes) - 1)
        return hit

    def not_nan(self, a: Operand) -> Operand:
        if isinstance(a, float):
            return 0.0 if math.isnan(a) else 1.0
        return self.math("MAXIMUM", self.math("LESS_THAN", a, BIG), self.math("GREATER_THAN", a, -BIG))

    def both(self, a: Operand, b: Operand) -> Operand:
        """Logical and of 0/1 values."""
        if a == 0.0 or b == 0.0:
            return 0.0
        if a == 1.0:
            return b
        if b == 1.0:
            return a
        return self.math("MULTIPLY", a, b)

    def either(self, a: Operand, b: Operand) -> Operand:
        if a == 1.0 or b == 1.0:
            return 1.0
        if a == 0.0:
            return b
        if b == 0.0:
            return a
        return self.math("MAXIMUM", a, b)

    def negate(self, a: Operand) -> Operand:
        return 1.0 - a if isinstance(a, float) else self.math("SUBTRACT", 1.0, a)

    def select(self, c: Operand, a: Operand, b: Operand) -> Operand:
        if isinstance(c, float):
            return a if c else b
        if a == b:
            return a
        terms = [self.math("DIVIDE", v, w) for v, w in ((a, c), (b, self.negate(c))) if v != 0.0]
        return terms[0] if len(terms) == 1 else (0.0 if not terms else self.math("ADD", *terms))

    def ordered(self, a: Operand, b: Operand) -> Operand:
        return self.both(self.not_nan(a), self.not_nan(b))

    def compare(self, op: str, a: Operand, b: Operand) -> Operand:
        if op == "lt":
            return self.math("LESS_THAN", a, b)
        if op == "gt":
            return self.math("GREATER_THAN", a, b)
        if op in ("le", "ge"):
            outside = self.math("GREATER_THAN" if op == "le" else "LESS_THAN", a, b)
            return self.both(self.negate(outside), self.ordered(a, b))
        unequal = self.either(self.math("LESS_THAN", a, b), self.math("GREATER_THAN", a, b))
        eq = self.both(self.negate(unequal), self.ordered(a, b))
        return eq if op == "eq" else self.negate(eq)

    def truth(self, value: Operand, node: E.Expr) -> Operand:
        """A 0/1 operand for an expression used as a condition (C truthiness)."""
        if isinstance(value, float):
            return 1.0 if value != 0.0 else 0.0
        return value if node.op in E.COMPARISONS else self.compare("ne", value, 0.0)

    def extremum(self, op: str, a: Operand, b: Operand) -> Operand:
        name = "MINIMUM" if op == "min" else "MAXIMUM"
        # the node returns its first operand when either is NaN: a constant first is fminf/fmaxf
        if isinstance(a, float) or isinstance(b, float):
            first, second = (a, b) if isinstance(a, float) else (b, a)
            return self.math(name, first, second)
        return self.select(self.not_nan(a), self.math(name, a, b), b)

    # -- expressions -----------------------------------------------------------
    def expr(self, outputs: Sequence[E.Expr], env: Mapping[str, Operand]) -> List[Operand]:
        vals: Dict[int, Operand] = {}
        for n in E.toposort(outputs):
            if n.op == "const":
                v: Operand = n.value
            elif n.op == "var":
                if n.name not in env:
                    raise ValueError(f"expression variable {n.name!r} has no Blender input; expected one of {sorted(env)}")
                v = env[n.name]
            else:
                v = self.op(n, [vals[id(a)] for a in n.args])
            vals[id(n)] = v
        return [vals[id(o)] for o in outputs]

    def op(self, n: E.Expr, a: List[Operand]) -> Operand:
        simple = {"add": "ADD", "sub": "SUBTRACT", "mul": "MULTIPLY", "div": "DIVIDE", "pow": "POWER",
                  "abs": "ABSOLUTE", "sqrt": "SQRT", "exp": "EXPONENT", "floor": "FLOOR"}
        if n.op in simple:
            return self.math(simple[n.op], *a)
        if n.op == "neg":
            return self.math("MULTIPLY", a[0], -1.0)
        if n.op in ("log", "log2", "log10"):
            return self.math("LOGARITHM", a[0], {"log": math.e, "log2": 2.0, "log10": 10.0}[n.op])
        if n.op in ("exp2", "exp10"):
            return self.math("POWER", 2.0 if n.op == "exp2" else 10.0, a[0])
        if n.op in ("min", "max"):
            return self.extremum(n.op, *a)
        if n.op in ("lt", "le", "gt", "ge", "eq", "ne"):
            return self.compare(n.op, *a)
        if n.op in ("and", "or"):
            x, y = (self.truth(v, e) for v, e in zip(a, n.args))
            return self.both(x, y) if n.op == "and" else self.either(x, y)
        if n.op == "not":
            return self.negate(self.truth(a[0], n.args[0]))
        if n.op == "select":
            return self.select(self.truth(a[0], n.args[0]), a[1], a[2])
        raise ValueError(f"the Blender backend has no translation for expression op {n.op!r}")

    # -- ops -------------------------------------------------------------------
    def chain(self, chain: Sequence, rgb: Tuple[Operand, ...], params: Mapping[str, Operand]):
        for op in chain:
            self.label = getattr(op, "label", "") or type(op).__name__
            build = OP_BUILDERS.get(type(op))
            if build is None:
                raise TypeError(f"the Blender backend cannot compile {type(op).__name__}; "
                                f"it compiles {', '.join(t.__name__ for t in OP_BUILDERS)}")
            rgb = build(self, op, rgb, params)
        return rgb

    def matrix(self, op: Matrix, rgb, params):
        # every term is kept (also zero coefficients) so NaN and Inf spread as in numpy
        def row(coefficients) -> Operand:
            acc: Operand = self.math("MULTIPLY", rgb[0], float(coefficients[0]))
            for k in (1, 2):
                acc = self.math("MULTIPLY_ADD", rgb[k], float(coefficients[k]), acc)
            return acc
        return tuple(row(r) for r in op.m)

    def curve(self, op: Curve, rgb, params):
        """Each channel through the curve; a NaN channel stays NaN, as in the core."""
        return tuple(self.select(self.not_nan(c), self.expr([op.fn], {**params, "x": c})[0], c) for c in rgb)

    def pixel_expr(self, op: PixelExpr, rgb, params):
        return tuple(self.expr(list(op.outputs), {**params, "r": rgb[0], "g": rgb[1], "b": rgb[2]}))

    def gamut_compress(self, op: GamutCompress, rgb, params):
        return self.pixel_expr(op.lower(), rgb, params)

    def choose(self, index: Operand, variants: Sequence[Tuple[Operand, ...]]) -> Tuple[Operand, ...]:
        """Variant ``round(index)`` (clamped to the list) of ``variants``, channel by channel."""
        chosen = variants[-1]
        for k in range(len(variants) - 2, -1, -1):
            below = self.math("LESS_THAN", index, k + 0.5)
            chosen = tuple(self.select(below, a, b) for a, b in zip(variants[k], chosen))
        return chosen


#: How each op type becomes Math nodes (one entry per op type of aceskit.ops).
OP_BUILDERS = {Matrix: _Compiler.matrix, Curve: _Compiler.curve, PixelExpr: _Compiler.pixel_expr,
               GamutCompress: _Compiler.gamut_compress}


def compile_chains(chains: Mapping[str, Sequence], params: Optional[Mapping[str, str]] = None,
                   index: Optional[str] = None) -> Net:
    """Compile op chains (one per menu entry) reading channels ``In('r'|'g'|'b')``.

    ``params`` maps expression variables (``limit_c``, ``invert`` ...) to group input names.
    With ``index`` (a group input name) the network has one output: chain number ``index``
    (0, 1, ...) chosen inside the network, for Blender versions without menu sockets.
    """
    comp = _Compiler()
    env = {k: In(v) for k, v in (params or {}).items()}
    for key, chain in chains.items():
        comp.net.outputs[key] = comp.chain(chain, (In("r"), In("g"), In("b")), env)
    if index is not None:
        comp.label = "Choose " + index
        comp.net.outputs = {"": comp.choose(In(index), list(comp.net.outputs.values()))}
    return comp.net


# -- what the backend ships ----------------------------------------------------

#: The Blender entry of the host manifest: RGC working spaces, conversion pairs, ACES versions.
HOST = manifest.host("blender")


class Socket(NamedTuple):
    name: str
    kind: str                 # "FLOAT", "BOOL", "MENU" or "INT"
    default: object = 0.0
    min: float = -math.inf
    max: float = math.inf
    description: str = ""


@dataclass
class GroupSpec:
    """What :func:`build` makes: a named group, its inputs, and the network (menu entries in order)."""

    name: str
    description: str
    inputs: Tuple[Socket, ...]
    net: Net
    menu: Optional[str] = None   # name of the menu input choosing between net.outputs


RGC_REFERENCE = "ACES Reference Gamut Compress"
RGC_PARAMETRIC = "ACES Gamut Compress (Parametric)"
WORKING_SPACE = "Working Space"


def _invert_socket() -> Socket:
    return Socket("Invert", "BOOL", False, description="Apply the inverse (undo a previous compression)")


def space_socket(menus: bool = True) -> Socket:
    """The working space input: a menu, or (``menus=False``, Blender 4.5) the space's index."""
    spaces = HOST.rgc_spaces
    if menus:
        return Socket(WORKING_SPACE, "MENU", spaces[0], description="Color space of the image")
    legend = ", ".join(f"{k} = {s}" for k, s in enumerate(spaces))
    return Socket(WORKING_SPACE, "INT", 0, 0, len(spaces) - 1, f"Color space of the image: {legend}")


def rgc_spec(parametric: bool, menus: bool = True) -> GroupSpec:
    from .. import gamut as rgc
    params = rgc.UI if parametric else None
    chains = {s: rgc.chain(params, inverse=None, space=s) for s in HOST.rgc_spaces}
    names = {p.name: p.label for p in rgc.UI_PARAMS} if parametric else {}
    net = compile_chains(chains, {**names, "invert": "Invert"}, index=None if menus else WORKING_SPACE)
    sockets = [space_socket(menus)]
    if parametric:
        sockets += [Socket(p.label, "FLOAT", p.default, p.min, p.max, f"{p.group} ({p.name})") for p in rgc.UI_PARAMS]
    sockets.append(_invert_socket())
    what = "with adjustable limits, thresholds and roll-off" if parametric else "with the ACES 1.3 reference values"
    return GroupSpec(RGC_PARAMETRIC if parametric else RGC_REFERENCE,
                     f"ACES Reference Gamut Compression {what}", tuple(sockets), net,
                     menu=WORKING_SPACE if menus else None)


def conversion_name(src: str, dst: str) -> str:
    """The name of the group converting ``src`` to ``dst``."""
    return f"{src} to {dst}"


def conversion_spec(src: str, dst: str) -> GroupSpec:
    from ..plans import plan
    net = compile_chains({"": plan(src, dst)})
    return GroupSpec(conversion_name(src, dst), f"Convert {src} values to {dst}", (), net)


def group_names() -> List[str]:
    return [RGC_REFERENCE, RGC_PARAMETRIC] + [conversion_name(s, d) for s, d in HOST.conversion_pairs()]


def spec(name: str, menus: bool = True) -> GroupSpec:
    """The description of the aceskit group called ``name`` (one of :func:`group_names`);
    ``menus=False`` for a Blender without menu sockets (4.5)."""
    if name in (RGC_REFERENCE, RGC_PARAMETRIC):
        return rgc_spec(name == RGC_PARAMETRIC, menus)
    for src, dst in HOST.conversion_pairs():
        if conversion_name(src, dst) == name:
            return conversion_spec(src, dst)
    raise ValueError(f"{name!r} is not an aceskit node group; expected one of group_names()")


def fingerprint(spec: GroupSpec) -> str:
    """A short digest of everything :func:`build` makes from ``spec`` (to skip rebuilding a current group)."""
    import hashlib
    text = repr((spec.name, spec.description, spec.inputs, spec.menu, spec.net.nodes, list(spec.net.outputs.items())))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# -- building (needs bpy) ------------------------------------------------------

#: The Math node: the shader one, which the compositor runs since 4.5 (its own Math node is gone in 5.0).
MATH_NODE = "ShaderNodeMath"


class Api(NamedTuple):
    """Where the running Blender's compositor differs (read from ``bpy.app.version``)."""

    menus: bool     # menu sockets and the Menu Switch node in compositor groups (5.0+)
    output: str     # the node a scene's compositor writes the render through
    version: Tuple[int, int]


def api(bpy=None) -> Api:
    bpy = bpy or importlib.import_module("bpy")
    version = tuple(bpy.app.version[:2])
    if version < (4, 5):
        raise RuntimeError(f"aceskit needs Blender 4.5 or later, this is {bpy.app.version_string}")
    if version < (5, 0):
        return Api(False, "CompositorNodeComposite", version)
    return Api(True, "NodeGroupOutput", version)


def scene_tree(scene, bpy=None, create: bool = False):
    """The compositor node tree of ``scene`` (None without one, unless ``create``).

    Blender 5.0 keeps it in ``scene.compositing_node_group`` (a node group whose ``Image`` output
    is the render); 4.5 in ``scene.node_tree``, used when ``scene.use_nodes`` is on, with a
    Composite node as the render.
    """
    bpy = bpy or importlib.import_module("bpy")
    if api(bpy).version >= (5, 0):
        if scene.compositing_node_group is None and create:
            tree = bpy.data.node_groups.new(f"{scene.name} Compositor", "CompositorNodeTree")
            tree.interface.new_socket("Image", in_out="OUTPUT", socket_type="NodeSocketColor")
            scene.compositing_node_group = tree
        return scene.compositing_node_group
    if create:
        scene.use_nodes = True
    return scene.node_tree if scene.use_nodes else None


def output_node(tree, bpy=None, create: bool = False):
    """The node of ``tree`` whose ``Image`` input is the render (None without one, unless ``create``)."""
    kind = api(bpy).output
    node = next((n for n in tree.nodes if n.bl_idname == kind), None)
    if node is None and create:
        node = tree.nodes.new(kind)
    return node


_SOCKET_TYPES = {"FLOAT": "NodeSocketFloat", "BOOL": "NodeSocketBool", "MENU": "NodeSocketMenu", "INT": "NodeSocketInt"}
TAG = "aceskit"  # custom property marking groups this backend made


def _depths(net: Net) -> List[int]:
    depth: List[int] = []
    for _, args, _ in net.nodes:
        depth.append(1 + max([depth[a.node] for a in args if isinstance(a, N)], default=0))
    return depth


def _interface(group, spec: GroupSpec) -> dict:
    """Set the group's sockets.  A socket whose name and type stay is kept, and with it the
    values users gave group nodes; the others are replaced."""
    face = group.interface
    wanted = [("Image", "OUTPUT", "NodeSocketColor"), ("Image", "INPUT", "NodeSocketColor")] + [
        (s.name, "INPUT", _SOCKET_TYPES[s.kind]) for s in spec.inputs]
    for item in [i for i in face.items_tree if i.item_type != "SOCKET" or
                 (i.name, i.in_out, i.socket_type) not in wanted]:
        face.remove(item)
    have = {(i.name, i.in_out) for i in face.items_tree}
    for name, in_out, kind in wanted:
        if (name, in_out) not in have:
            face.new_socket(name, in_out=in_out, socket_type=kind)
    items = {(i.name, i.in_out): i for i in face.items_tree}
    for position, (name, in_out, _) in enumerate(wanted):
        face.move(items[name, in_out], position)
    items["Image", "INPUT"].default_value = (0.0, 0.0, 0.0, 1.0)
    for s in spec.inputs:
        item = items[s.name, "INPUT"]
        item.description = s.description
        if s.kind in ("FLOAT", "INT"):
            item.min_value, item.max_value, item.default_value = s.min, s.max, s.default
        elif s.kind == "BOOL":
            item.default_value = bool(s.default)
    return {s.name: items[s.name, "INPUT"] for s in spec.inputs}


def _group_nodes(bpy, group) -> list:
    """The group nodes using ``group`` in the open file (aceskit's own groups hold none)."""
    trees = [t for t in bpy.data.node_groups if TAG not in t] + [
        s.node_tree for s in bpy.data.scenes if getattr(s, "node_tree", None)]
    return [n for t in trees for n in t.nodes if n.bl_idname == "CompositorNodeGroup" and n.node_tree == group]


def _space_choices(bpy, group) -> list:
    """``(node, space)`` for the group nodes using ``group`` that have a Working Space input; the
    input is a menu (5.0+) or an index (4.5), so a file moving between them keeps the choice."""
    spaces, out = HOST.rgc_spaces, []
    for node in _group_nodes(bpy, group):
        socket = node.inputs.get(WORKING_SPACE)
        value = getattr(socket, "default_value", None)
        if isinstance(value, int):
            out.append((node, spaces[min(max(value, 0), len(spaces) - 1)]))
        elif value in spaces:
            out.append((node, value))
    return out


def build(spec: GroupSpec, bpy=None):
    """Create or refresh ``bpy.data.node_groups[spec.name]`` (a compositor node group)."""
    bpy = bpy or importlib.import_module("bpy")
    group = bpy.data.node_groups.get(spec.name)
    if group is not None and group.bl_idname != "CompositorNodeTree":
        raise ValueError(f"node group {spec.name!r} exists but is not a compositor group; rename it first")
    if group is None:
        group = bpy.data.node_groups.new(spec.name, "CompositorNodeTree")
    chosen = _space_choices(bpy, group) if any(s.name == WORKING_SPACE for s in spec.inputs) else []
    group.nodes.clear()
    group.description = spec.description
    group[TAG] = fingerprint(spec)
    items = _interface(group, spec)
    nodes, links = group.nodes, group.links
    depth = _depths(spec.net)
    width = max(depth, default=0) + 3
    g_in, g_out = nodes.new("NodeGroupInput"), nodes.new("NodeGroupOutput")
    g_in.location, g_out.location = (0, 0), (200 * (width + 1), 0)
    split = nodes.new("CompositorNodeSeparateColor")
    split.location = (200, 0)
    links.new(g_in.outputs["Image"], split.inputs["Image"])
    channels = {"r": split.outputs["Red"], "g": split.outputs["Green"], "b": split.outputs["Blue"]}
    rows: Dict[int, int] = {}

    def socket(v: Operand, target):
        if isinstance(v, float):
            target.default_value = v
        elif isinstance(v, N):
            links.new(made[v.node].outputs[0], target)
        else:
            links.new(channels[v.name] if v.name in channels else g_in.outputs[v.name], target)

    made = []
    for i, (operation, args, label) in enumerate(spec.net.nodes):
        node = nodes.new(MATH_NODE)
        node.operation = operation
        node.label = label
        node.hide = True
        col = depth[i] + 1
        rows[col] = rows.get(col, 0) + 1
        node.location = (200 * col, -40 * rows[col])
        for v, target in zip(args, node.inputs):
            socket(v, target)
        made.append(node)

    combined = []
    for k, (key, rgb) in enumerate(spec.net.outputs.items()):
        join = nodes.new("CompositorNodeCombineColor")
        join.location = (200 * width, 200 * k)
        for v, name in zip(rgb, ("Red", "Green", "Blue")):
            socket(v, join.inputs[name])
        links.new(split.outputs["Alpha"], join.inputs["Alpha"])
        combined.append((key, join.outputs["Image"]))
    if spec.menu is None:
        links.new(combined[0][1], g_out.inputs["Image"])
    else:
        switch = nodes.new("GeometryNodeMenuSwitch")
        switch.data_type = "RGBA"
        switch.location = (200 * width + 100, 0)
        switch.enum_items.clear()
        for key, _ in combined:
            switch.enum_items.new(key)
        for key, out in combined:
            links.new(out, switch.inputs[key])
        links.new(g_in.outputs[spec.menu], switch.inputs["Menu"])
        links.new(switch.outputs[0], g_out.inputs["Image"])
        menu_default = next(s.default for s in spec.inputs if s.name == spec.menu)
        items[spec.menu].default_value = menu_default
    for node, space in chosen:
        node.inputs[WORKING_SPACE].default_value = space if spec.menu else HOST.rgc_spaces.index(space)
    return group


def ensure_groups(bpy=None, names: Optional[Sequence[str]] = None, force: bool = True) -> List[str]:
    """Create or refresh the groups named (default: all of :func:`group_names`); returns their names.

    ``force=False`` leaves a group alone when it was built from the same network already (cheap
    enough to run whenever a file is opened); Blender needs a few seconds to build all groups.
    """
    bpy = bpy or importlib.import_module("bpy")
    menus = api(bpy).menus
    wanted = list(group_names() if names is None else names)
    for name in wanted:
        sp = spec(name, menus)
        existing = bpy.data.node_groups.get(sp.name)
        if force or existing is None or existing.get(TAG) != fingerprint(sp):
            build(sp, bpy)
    return wanted
