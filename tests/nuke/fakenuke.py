"""A strict fake of Nuke's ``nuke`` module, checked against the types-nuke stubs.

Every function and method the fake offers must exist in the stubs (``nuke-stubs/*.pyi``, Nuke
13.2), and every call is bound against the stub's signature first, so a wrong argument count or
an unknown keyword raises ``TypeError`` as Nuke would.  Anything the fake does not implement raises
``AttributeError`` instead of returning a permissive mock.  Where a stub only says
``(*args, **kwargs)`` (knob constructors, ``allNodes``, ``Menu.addCommand``) the fake implements the
signature documented in Nuke's Python reference.

Behaviour modelled: nodes with their built-in knobs (Read, Write, and gizmos whose user knobs are
read from the shipped ``.gizmo`` files with the strict parser), inputs, selection, ``createNode``
connecting to the selected node, onCreate / knobChanged callbacks (knobChanged also fires for
programmatic changes, as current Nuke documents), ``thisNode``/``thisKnob``, menus, ``filename``.
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
import sys
import types
from pathlib import Path
from typing import Any, Callable, Optional

import nkparse

_SENTINEL = object()


def stub_dir() -> Path:
    for entry in sys.path:
        p = Path(entry or ".") / "nuke-stubs"
        if (p / "_nuke.pyi").is_file():
            return p
    raise RuntimeError("types-nuke is not installed (pip install types-nuke)")


def _signature(fn: ast.FunctionDef) -> inspect.Signature:
    a = fn.args
    params = []
    positional = a.posonlyargs + a.args
    defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
    kind_of = {id(x): inspect.Parameter.POSITIONAL_ONLY for x in a.posonlyargs}
    for arg, default in zip(positional, defaults):
        params.append(inspect.Parameter(arg.arg, kind_of.get(id(arg), inspect.Parameter.POSITIONAL_OR_KEYWORD),
                                        default=inspect.Parameter.empty if default is None else _SENTINEL))
    if a.vararg:
        params.append(inspect.Parameter(a.vararg.arg, inspect.Parameter.VAR_POSITIONAL))
    for arg, default in zip(a.kwonlyargs, a.kw_defaults):
        params.append(inspect.Parameter(arg.arg, inspect.Parameter.KEYWORD_ONLY,
                                        default=inspect.Parameter.empty if default is None else _SENTINEL))
    if a.kwarg:
        params.append(inspect.Parameter(a.kwarg.arg, inspect.Parameter.VAR_KEYWORD))
    return inspect.Signature(params)


class Stubs:
    """Signatures from the stub files: module functions and class methods (overloads kept)."""

    def __init__(self):
        self.functions: dict[str, list[inspect.Signature]] = {}
        self.classes: dict[str, dict[str, list[inspect.Signature]]] = {}
        self.bases: dict[str, list[str]] = {}
        self.constants: set[str] = set()
        for name in ("_nuke.pyi", "callbacks.pyi", "overrides.pyi"):
            tree = ast.parse((stub_dir() / name).read_text(encoding="utf-8"))
            for node in tree.body:
                if isinstance(node, ast.FunctionDef):
                    self.functions.setdefault(node.name, []).append(_signature(node))
                elif isinstance(node, ast.ClassDef):
                    methods = self.classes.setdefault(node.name, {})
                    self.bases[node.name] = [b.id for b in node.bases if isinstance(b, ast.Name)]
                    for item in node.body:
                        if isinstance(item, ast.FunctionDef):
                            methods.setdefault(item.name, []).append(_signature(item))
                elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    self.constants.add(node.target.id)

    def method(self, cls: str, name: str) -> Optional[list[inspect.Signature]]:
        todo = [cls]
        while todo:
            c = todo.pop(0)
            if name in self.classes.get(c, {}):
                return self.classes[c][name]
            todo += self.bases.get(c, [])
        return None


STUBS = Stubs()


def _checked(fn: Callable, sigs: list[inspect.Signature], what: str) -> Callable:
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for sig in sigs:
            try:
                sig.bind(*args, **kwargs)
                break
            except TypeError:
                continue
        else:
            raise TypeError(f"{what}: these arguments match no stub signature {[str(s) for s in sigs]}")
        return fn(*args, **kwargs)
    return wrapper


def stubbed(stub_class: str):
    """Class decorator: every public method must exist in the stub class; calls are bound to it."""
    def deco(cls):
        if stub_class not in STUBS.classes:
            raise TypeError(f"the stubs have no class {stub_class}")
        for name, fn in list(vars(cls).items()):
            if not callable(fn) or (name.startswith("_") and name not in ("__getitem__",)):
                continue
            sigs = STUBS.method(stub_class, name)
            if sigs is None:
                raise TypeError(f"the fake {cls.__name__}.{name} has no counterpart in the stub class {stub_class}")
            setattr(cls, name, _checked(fn, sigs, f"{stub_class}.{name}"))
        cls.__stub__ = stub_class
        return cls
    return deco


# ---------------------------------------------------------------------------------------------
# Knobs
# ---------------------------------------------------------------------------------------------
@stubbed("Knob")
class Knob:
    def __init__(self, name: str, label: str = ""):
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ValueError(f"bad knob name {name!r}")
        self._name, self._label, self._value, self._node = name, label or name, None, None
        self._flags: set = set()

    def name(self) -> str:
        return self._name

    def label(self) -> str:
        return self._label

    def node(self):
        return self._node

    def value(self, index=_SENTINEL):
        return self._value

    def getValue(self, channel=_SENTINEL):
        return self.value()

    def setValue(self, val, chan=_SENTINEL):
        self._set(val)
        return True

    def setFlag(self, flag):
        self._flags.add(flag)

    def setTooltip(self, tooltip):
        self._tooltip = tooltip

    def _set(self, val) -> None:
        self._value = val
        if self._node is not None:
            MODULE._knob_changed(self._node, self)


@stubbed("Tab_Knob")
class Tab_Knob(Knob):
    pass


@stubbed("String_Knob")
class String_Knob(Knob):
    def __init__(self, name: str, label: str = "", value: str = ""):
        super().__init__(name, label)
        self._value = value

    def value(self, oc=_SENTINEL):
        return self._value

    def setValue(self, val, view=_SENTINEL):
        if not isinstance(val, str):
            raise TypeError(f"{self._name}: a string knob takes a str, got {type(val).__name__}")
        self._set(val)


@stubbed("File_Knob")
class File_Knob(String_Knob):
    pass


@stubbed("PyScript_Knob")
class PyScript_Knob(String_Knob):
    def __init__(self, name: str, label: str = "", command: str = ""):
        super().__init__(name, label, command)


@stubbed("Boolean_Knob")
class Boolean_Knob(Knob):
    def __init__(self, name: str, label: str = "", value: bool = False):
        super().__init__(name, label)
        self._value = bool(value)

    def value(self):
        return bool(self._value)

    def setValue(self, b):
        if not isinstance(b, (bool, int)):
            raise TypeError(f"{self._name}: a Boolean knob takes a bool, got {type(b).__name__}")
        self._set(bool(b))
        return True


@stubbed("Enumeration_Knob")
class Enumeration_Knob(Knob):
    def __init__(self, name: str, label: str, items):
        super().__init__(name, label)
        if isinstance(items, str) or not all(isinstance(i, str) for i in items):
            raise TypeError(f"{name}: Enumeration_Knob items must be a list of str")
        self._items = list(items)
        self._value = 0

    def value(self):
        return self._items[self._value]

    def values(self):
        return list(self._items)

    def numValues(self):
        return len(self._items)

    def enumName(self, n):
        return self._items[n]

    def setValue(self, *args, **kwargs):
        if len(args) != 1 or kwargs:
            raise TypeError(f"{self._name}.setValue takes one item name or index")
        v = args[0]
        if isinstance(v, bool) or not isinstance(v, (str, int)):
            raise TypeError(f"{self._name}: an enumeration takes an item name or index, got {v!r}")
        if isinstance(v, str):
            if v not in self._items:
                raise ValueError(f"{self._name}: {v!r} is not one of {self._items}")
            v = self._items.index(v)
        if not 0 <= v < len(self._items):
            raise ValueError(f"{self._name}: index {v} out of range")
        self._set(v)


@stubbed("Array_Knob")
class Array_Knob(Knob):
    def __init__(self, name: str, label: str = "", values=(0.0,)):
        super().__init__(name, label)
        self._value = [float(v) for v in values]

    def value(self, index=_SENTINEL):
        if index is _SENTINEL:
            return self._value[0] if len(self._value) == 1 else list(self._value)
        return self._value[index]

    def setValue(self, val, chan=_SENTINEL):
        vals = list(self._value)
        if chan is _SENTINEL:
            vals = [float(v) for v in val] if isinstance(val, (list, tuple)) else [float(val)] * len(vals)
        else:
            vals[chan] = float(val)
        if len(vals) != len(self._value):
            raise ValueError(f"{self._name}: needs {len(self._value)} values")
        self._set(vals)
        return True


@stubbed("Int_Knob")
class Int_Knob(Knob):
    def __init__(self, name: str, label: str = "", value: int = 0):
        super().__init__(name, label)
        self._value = int(value)

    def value(self):
        return int(self._value)

    def setValue(self, val):
        self._set(int(val))
        return True


# ---------------------------------------------------------------------------------------------
# Nodes
# ---------------------------------------------------------------------------------------------
@stubbed("Node")
class Node:
    def __init__(self, cls: str, name: str, knobs: list, max_inputs: int = 1):
        self._class, self._knobs, self._inputs = cls, {}, [None] * max_inputs
        self._selected = False
        for k in [String_Knob("name", "name", name), Boolean_Knob("disable", "disable"), *knobs]:
            self.addKnob(k)

    def Class(self):
        return self._class

    def name(self):
        return self._knobs["name"].value()

    def knob(self, p, follow_link=_SENTINEL):
        if isinstance(p, int):
            return list(self._knobs.values())[p]
        return self._knobs.get(p)

    def knobs(self):
        return dict(self._knobs)

    def __getitem__(self, name):
        if name not in self._knobs:
            raise NameError(f"knob {name} does not exist")   # what Nuke raises
        return self._knobs[name]

    def addKnob(self, knob):
        if not isinstance(knob, Knob):
            raise TypeError(f"addKnob takes a Knob, got {type(knob).__name__}")
        if knob.name() in self._knobs:
            raise ValueError(f"{self._class} already has a knob {knob.name()!r}")
        knob._node = self
        self._knobs[knob.name()] = knob

    def removeKnob(self, knob):
        del self._knobs[knob.name()]

    def input(self, index):
        return self._inputs[index] if 0 <= index < len(self._inputs) else None

    def inputs(self):
        n = len(self._inputs)
        while n and self._inputs[n - 1] is None:
            n -= 1
        return n

    def maxInputs(self):
        return len(self._inputs)

    def setInput(self, i, node):
        if not 0 <= i < len(self._inputs):
            return False
        self._inputs[i] = node
        return True

    def isSelected(self):
        return self._selected

    def setSelected(self, selected):
        self._selected = bool(selected)

    def __repr__(self):
        return f"<{self._class} {self.name()}>"


@stubbed("Menu")
class Menu:
    def __init__(self, name: str):
        self._name, self._items = name, {}

    def name(self):
        return self._name

    def addMenu(self, name, icon=None, tooltip=None, index=-1):
        return self._items.setdefault(name, Menu(name))

    def addCommand(self, name, command=None, shortcut=None, icon=None, tooltip=None, index=-1, readonly=False,
                   shortcutContext=None, tag=None):
        head, sep, rest = name.partition("/")
        if sep:
            return self.addMenu(head).addCommand(rest, command, shortcut, icon, tooltip, index)
        if not isinstance(command, (str, type(None))) and not callable(command):
            raise TypeError(f"command for {name!r} must be a string or a callable")
        self._items[name] = command
        return command

    def findItem(self, name):
        head, sep, rest = name.partition("/")
        item = self._items.get(head)
        if sep:
            return item.findItem(rest) if isinstance(item, Menu) else None
        return item

    def items(self):
        return list(self._items.items())


# ---------------------------------------------------------------------------------------------
# The module
# ---------------------------------------------------------------------------------------------
class FakeNuke(types.ModuleType):
    """The ``nuke`` module.  ``gizmo_dirs`` are searched for ``<Class>.gizmo`` by createNode."""

    def __init__(self, gizmo_dirs=(), colorspaces=("ACES2065-1",)):
        super().__init__("nuke")
        self._gizmo_dirs = [Path(d) for d in gizmo_dirs]
        self._colorspaces = list(colorspaces)
        self._nodes: list[Node] = []
        self._callbacks: dict[str, list] = {}
        self._context: list[tuple[Node, Optional[Knob]]] = []
        self._current_frame = 1
        self.messages: list[str] = []
        self.plugin_paths: list[str] = []
        self._menus: dict[str, Menu] = {}
        self._root_node = Node("Root", "root", [Int_Knob("first_frame", "frame range", 1), Int_Knob("last_frame", "", 1)], 0)
        for name in STUBS.constants:
            setattr(self, name, hash(name) & 0xFFFF)
        for cls in (Knob, Tab_Knob, String_Knob, File_Knob, PyScript_Knob, Boolean_Knob, Enumeration_Knob,
                    Array_Knob, Int_Knob, Node, Menu):
            setattr(self, cls.__name__, cls)
        for name in ("createNode", "allNodes", "selectedNodes", "root", "thisNode", "thisKnob", "toNode",
                     "menu", "message", "warning", "pluginAddPath", "filename", "frame", "addOnCreate",
                     "addOnUserCreate", "addKnobChanged", "addBeforeRender", "addAfterRender"):
            if name not in STUBS.functions:
                raise TypeError(f"the stubs have no function nuke.{name}")
            setattr(self, name, _checked(getattr(self, "_" + name), STUBS.functions[name], f"nuke.{name}"))

    def __getattr__(self, name):
        known = name in STUBS.functions or name in STUBS.classes
        raise AttributeError(f"nuke.{name} is {'not implemented by the fake' if known else 'not in the Nuke API stubs'}")

    # -- nodes ------------------------------------------------------------------------------------
    def _builtin(self, typ: str) -> tuple[list, int]:
        cs = lambda: Enumeration_Knob("colorspace", "colorspace", ["default", *self._colorspaces])  # noqa: E731
        if typ == "Read":
            return [File_Knob("file", "file"), cs()], 0
        if typ == "Write":
            return [File_Knob("file", "file"), cs(),
                    Enumeration_Knob("file_type", "file type", [" ", "exr", "dpx", "tiff", "png", "jpeg", "mov"]),
                    String_Knob("beforeRender", "before render"), String_Knob("afterRender", "after render")], 1
        if typ in ("Grade", "Dot", "Blur"):
            return [], 1
        for d in self._gizmo_dirs:
            path = d / f"{typ}.gizmo"
            if path.is_file():
                return self._gizmo_knobs(nkparse.parse_gizmo(path.read_text(encoding="utf-8"))), 1
        raise RuntimeError(f"{typ}: unknown command")   # Nuke's message for an unknown node class

    @staticmethod
    def _gizmo_knobs(g) -> list:
        out: list = []
        for k in g.user_knobs.values():
            text = k.value.text if k.value is not None else ""
            if k.type == 20:
                out.append(Tab_Knob(k.name, k.label))
            elif k.type == 4:
                e = Enumeration_Knob(k.name, k.label, list(k.items))
                e._value = k.items.index(text) if text else 0
                out.append(e)
            elif k.type == 6:
                out.append(Boolean_Knob(k.name, k.label, text in ("true", "1")))
            elif k.type in (7, 18):
                vals = [float(v.text) for v in nkparse.words(text)[0]] if k.value is not None and \
                    not text.startswith("{") else [0.0] * (3 if k.type == 18 else 1)
                out.append(Array_Knob(k.name, k.label, vals))
        return out

    def _createNode(self, typ, knobs="", inpanel=True):
        extra, max_inputs = self._builtin(typ)
        count = sum(1 for n in self._nodes if n.Class() == typ) + 1
        node = Node(typ, f"{typ}{count}", extra, max_inputs)
        selected = [n for n in self._nodes if n.isSelected()]
        if len(selected) == 1 and max_inputs:
            node.setInput(0, selected[0])
        for n in self._nodes:
            n.setSelected(False)
        node.setSelected(True)
        self._nodes.append(node)
        if knobs:
            raise NotImplementedError("createNode knob strings are not modelled by the fake")
        self._fire("onCreate", node)
        self._fire("onUserCreate", node)
        return node

    def _allNodes(self, filter=None, group=None, recurseGroups=False):
        return [n for n in self._nodes if filter is None or n.Class() == filter]

    def _selectedNodes(self, filter=None):
        return [n for n in self._nodes if n.isSelected() and (filter is None or n.Class() == filter)]

    def _root(self):
        return self._root_node

    def _toNode(self, s):
        return next((n for n in self._nodes if n.name() == s), self._root_node if s == "root" else None)

    def _thisNode(self):
        if not self._context:
            raise RuntimeError("nuke.thisNode() called outside a callback")
        return self._context[-1][0]

    def _thisKnob(self):
        if not self._context or self._context[-1][1] is None:
            raise RuntimeError("nuke.thisKnob() called outside a knobChanged callback")
        return self._context[-1][1]

    def _frame(self, f=None):
        if f is not None:
            self._current_frame = int(f)
        return self._current_frame

    def _filename(self, node, i=None):
        k = node.knob("file")
        if k is None:
            return None
        path = k.value()
        if i == self.REPLACE:
            path = re.sub(r"%0?(\d*)d", lambda m: f"{self._current_frame:0{m.group(1) or 1}d}", path)
            path = re.sub(r"#+", lambda m: f"{self._current_frame:0{len(m.group(0))}d}", path)
        return path

    # -- UI and paths -----------------------------------------------------------------------------
    def _menu(self, name):
        return self._menus.setdefault(name, Menu(name))

    def _message(self, prompt):
        self.messages.append(prompt)

    def _warning(self, message):
        self.messages.append("warning: " + message)

    def _pluginAddPath(self, args, addToSysPath=True):
        self.plugin_paths.insert(0, args)
        if addToSysPath and args not in sys.path:
            sys.path.insert(0, args)

    # -- callbacks --------------------------------------------------------------------------------
    def _register(self, kind, call, args=(), kwargs=None, nodeClass="*", node=None):
        if not callable(call):
            raise TypeError(f"{kind} callback must be callable")
        self._callbacks.setdefault(kind, []).append((call, tuple(args), dict(kwargs or {}), nodeClass))

    def _addOnCreate(self, call, args=(), kwargs={}, nodeClass="*"):
        self._register("onCreate", call, args, kwargs, nodeClass)

    def _addOnUserCreate(self, call, args=(), kwargs={}, nodeClass="*"):
        self._register("onUserCreate", call, args, kwargs, nodeClass)

    def _addKnobChanged(self, call, args=(), kwargs={}, nodeClass="*", node=None):
        self._register("knobChanged", call, args, kwargs, nodeClass)

    def _addBeforeRender(self, call, args=(), kwargs={}, nodeClass="Write"):
        self._register("beforeRender", call, args, kwargs, nodeClass)

    def _addAfterRender(self, call, args=(), kwargs={}, nodeClass="Write"):
        self._register("afterRender", call, args, kwargs, nodeClass)

    def _fire(self, kind: str, node: Node, knob: Optional[Knob] = None) -> None:
        for call, args, kwargs, cls in self._callbacks.get(kind, []):
            if cls in ("*", node.Class()):
                self._context.append((node, knob))
                try:
                    call(*args, **kwargs)
                finally:
                    self._context.pop()

    def _knob_changed(self, node: Node, knob: Knob) -> None:
        if any(n is node for n, _ in self._context if _ is knob):
            return   # Nuke does not re-enter knobChanged for the knob being handled
        self._fire("knobChanged", node, knob)

    # -- test helpers (not part of the nuke API) ---------------------------------------------------
    def run_script_knob(self, node: Node, knob: str) -> Any:
        """Execute a Python knob (beforeRender, a PyScript button) as Nuke does, with thisNode set."""
        self._context.append((node, None))
        try:
            exec(node[knob].value(), {"nuke": self})
        finally:
            self._context.pop()


MODULE: FakeNuke


def install(gizmo_dirs=(), colorspaces=("ACES2065-1",)) -> FakeNuke:
    """Create the fake and register it as ``sys.modules['nuke']``."""
    global MODULE
    MODULE = FakeNuke(gizmo_dirs, colorspaces)
    sys.modules["nuke"] = MODULE
    return MODULE
