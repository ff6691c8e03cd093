"""A strict parser for the subset of the .nk/.gizmo grammar that aceskit emits.

Grammar (Tcl words; see the Nuke .nk format as saved by Nuke and shipped gizmos):

    file      := comment* "version" ver "v"N  "Gizmo" "{" gizmo-body "}"  statement*  "end_group"
    statement := Class "{" knob-lines "}" | "set" NAME "[stack 0]" | "push" "$"NAME
    knob-line := name value | "addUserKnob" "{" TYPE name flags... "}"

It rejects what Nuke would: unbalanced braces or quotes, unknown node classes or knob names for
a class, unknown user-knob type numbers, values that do not fit a knob's type, expressions outside
the documented language, and stack wiring that pops more than was pushed or pushes an unset name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

import nkexpr


class NkError(ValueError):
    pass


@dataclass(frozen=True)
class Word:
    kind: str   # bare, quoted, brace, bracket
    text: str


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def words(text: str) -> list[list[Word]]:
    """Split Tcl-like text into statements (lists of words); newlines end a statement."""
    out: list[list[Word]] = []
    cur: list[Word] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\n" or c == ";":
            if cur:
                out.append(cur)
                cur = []
            i += 1
        elif c in " \t\r":
            i += 1
        elif c == "#" and not cur:
            while i < n and text[i] != "\n":
                i += 1
        elif c == "{":
            depth, j = 1, i + 1
            while j < n and depth:
                if text[j] == "\\":
                    j += 2
                    continue
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            if depth:
                raise NkError(f"unbalanced braces: the group opened at offset {i} is never closed")
            cur.append(Word("brace", text[i + 1:j - 1]))
            i = j
        elif c == "}":
            raise NkError(f"unbalanced braces: unexpected '}}' at offset {i}")
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                raise NkError(f"unterminated quoted string at offset {i}")
            cur.append(Word("quoted", _unescape(text[i + 1:j])))
            i = j + 1
        elif c == "[":
            j = text.find("]", i)
            if j < 0:
                raise NkError(f"unterminated '[' at offset {i}")
            cur.append(Word("bracket", text[i + 1:j].strip()))
            i = j + 1
        else:
            j = i
            while j < n and text[j] not in " \t\r\n;{}\"[":
                j += 1
            cur.append(Word("bare", text[i:j]))
            i = j
    if cur:
        out.append(cur)
    return out


#: addUserKnob type numbers (nuke.KnobType / NDK knob table) this parser accepts, with value checkers.
USER_KNOB_TYPES = {1: "String", 4: "Enumeration", 6: "Boolean", 7: "Double", 9: "Array", 13: "XYZ",
                   18: "Color", 20: "Tab", 26: "Text", 41: "Link"}
#: Node classes in the emitted subset: default input count and the knobs each may set.
CLASSES = {
    "Input": (0, {"inputs", "name", "number"}),
    "Output": (1, {"name"}),
    "Dot": (1, {"name"}),
    "Expression": (1, {"name", *(f"{k}{i}" for k in ("temp_name", "temp_expr", "channel", "expr")
                                 for i in range(4))}),
    "ColorMatrix": (1, {"name", "matrix", "invert"}),
    "Switch": (2, {"inputs", "which", "name"}),
}
CHANNELS = ("rgba.red", "rgba.green", "rgba.blue", "rgba.alpha")


@dataclass
class UserKnob:
    type: int
    name: str
    label: str = ""
    tooltip: str = ""
    range: Optional[tuple] = None
    items: tuple = ()
    hidden: bool = False
    value: Optional[Word] = None


@dataclass
class NkNode:
    cls: str
    knobs: dict[str, Word]
    inputs: list["NkNode"] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.knobs["name"].text if "name" in self.knobs else ""


@dataclass
class Gizmo:
    version: str
    user_knobs: dict[str, UserKnob]
    help: str
    nodes: list[NkNode]
    output: NkNode


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise NkError(f"{what}: {text!r} is not a number") from None


def parse_user_knob(w: Word) -> UserKnob:
    if w.kind != "brace":
        raise NkError("addUserKnob needs a {...} argument")
    parts = words(w.text)
    if len(parts) != 1 or len(parts[0]) < 2:
        raise NkError(f"malformed addUserKnob {{{w.text}}}")
    items = parts[0]
    try:
        typ = int(items[0].text)
    except ValueError:
        raise NkError(f"addUserKnob type must be a number, got {items[0].text!r}") from None
    if typ not in USER_KNOB_TYPES:
        raise NkError(f"unknown knob type {typ} in addUserKnob {{{w.text}}}")
    k = UserKnob(typ, items[1].text)
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k.name):
        raise NkError(f"bad knob name {k.name!r}")
    i = 2
    while i < len(items):
        flag = items[i].text
        if flag in ("l", "t", "T"):
            val = items[i + 1].text
            if flag == "l":
                k.label = val
            elif flag == "t":
                k.tooltip = val
            i += 2
        elif flag == "R":
            k.range = (_number(items[i + 1].text, k.name), _number(items[i + 2].text, k.name))
            i += 3
        elif flag == "M":
            if items[i + 1].kind != "brace":
                raise NkError(f"{k.name}: M needs a {{...}} list")
            k.items = tuple(x.text for x in words(items[i + 1].text)[0])
            i += 2
        elif flag in ("+INVISIBLE", "+HIDDEN"):
            k.hidden = True
            i += 1
        elif flag in ("+STARTLINE", "-STARTLINE", "+DISABLED"):
            i += 1
        elif flag == "n":
            i += 2
        else:
            raise NkError(f"{k.name}: unknown addUserKnob flag {flag!r}")
    if typ == 4 and not k.items:
        raise NkError(f"enumeration knob {k.name} has no items")
    return k


def _check_value(k: UserKnob, w: Word) -> None:
    if k.type == 4:
        if w.text not in k.items:
            raise NkError(f"{k.name}: {w.text!r} is not one of {k.items}")
    elif k.type == 6:
        if w.text not in ("true", "false", "0", "1"):
            raise NkError(f"{k.name}: a Boolean knob takes true/false, got {w.text!r}")
    elif k.type in (7, 18, 13, 9):
        if w.kind == "brace" and w.text.startswith("{") and w.text.endswith("}"):
            nkexpr.parse(w.text[1:-1])   # an expression value {{expr}}
            return
        vals = [x.text for x in words(w.text)[0]] if w.kind == "brace" else [w.text]
        want = {7: 1, 18: 3, 13: 3}.get(k.type)
        if want is not None and len(vals) != want:
            raise NkError(f"{k.name}: expected {want} values, got {len(vals)}")
        for v in vals:
            _number(v, k.name)
    elif k.type in (20, 26):
        raise NkError(f"{k.name}: a {USER_KNOB_TYPES[k.type]} knob takes no value line")


def _check_node(cls: str, knobs: dict[str, Word]) -> None:
    if cls == "Expression":
        temps = set()
        for i in range(4):
            if f"temp_name{i}" in knobs:
                temps.add(knobs[f"temp_name{i}"].text)
                nkexpr.parse(knobs[f"temp_expr{i}"].text)
        for i in range(4):
            if f"expr{i}" in knobs:
                nkexpr.parse(knobs[f"expr{i}"].text)
            ch = knobs.get(f"channel{i}")
            if ch is not None and ch.text != "none":
                for c in words(ch.text)[0] if ch.kind == "brace" else [ch]:
                    if c.text != "none" and c.text.lstrip("-") not in CHANNELS:
                        raise NkError(f"Expression channel{i}: unknown channel {c.text!r}")
    if cls == "ColorMatrix":
        rows = words(knobs["matrix"].text)[0]
        if len(rows) != 3 or any(len(words(r.text)[0]) != 3 for r in rows):
            raise NkError("ColorMatrix matrix must be 3 rows of 3 numbers")
        for r in rows:
            for v in words(r.text)[0]:
                _number(v.text, "ColorMatrix matrix")
    if cls == "Switch":
        w = knobs.get("which")
        if w is not None and w.kind == "brace":
            nkexpr.parse(w.text.strip("{}"))


def _knob_lines(body: str, cls: str) -> dict[str, Word]:
    allowed = CLASSES[cls][1]
    knobs: dict[str, Word] = {}
    for st in words(body):
        if len(st) != 2:
            raise NkError(f"{cls}: a knob line needs a name and one value, got {' '.join(w.text for w in st)!r}")
        name, value = st[0].text, st[1]
        if name not in allowed:
            raise NkError(f"{cls} has no knob {name!r}")
        if name in knobs:
            raise NkError(f"{cls}: knob {name!r} set twice")
        knobs[name] = value
    return knobs


def parse_gizmo(text: str) -> Gizmo:
    sts = words(text)
    if not sts or [w.text for w in sts[0][:1]] != ["version"] or len(sts[0]) != 3:
        raise NkError("a gizmo starts with a 'version X vY' line")
    version = f"{sts[0][1].text} {sts[0][2].text}"
    if len(sts) < 2 or len(sts[1]) != 2 or sts[1][0].text != "Gizmo" or sts[1][1].kind != "brace":
        raise NkError("the version line must be followed by 'Gizmo { ... }'")
    user: dict[str, UserKnob] = {}
    help_text = ""
    for st in words(sts[1][1].text):
        key = st[0].text
        if key == "addUserKnob" and len(st) == 2:
            k = parse_user_knob(st[1])
            if k.name in user:
                raise NkError(f"user knob {k.name!r} added twice")
            user[k.name] = k
        elif key == "inputs" and len(st) == 2:
            if st[1].text != "1":
                raise NkError("the aceskit gizmos take one input")
        elif key == "help" and len(st) == 2:
            help_text = st[1].text
        elif key in user and len(st) == 2:
            _check_value(user[key], st[1])
            user[key].value = st[1]
        else:
            raise NkError(f"Gizmo: unexpected line {' '.join(w.text for w in st)!r}")

    stack: list[NkNode] = []
    names: dict[str, NkNode] = {}
    nodes: list[NkNode] = []
    ended = False
    for st in sts[2:]:
        head = st[0].text
        if ended:
            raise NkError(f"content after end_group: {head!r}")
        if head == "end_group" and len(st) == 1:
            ended = True
        elif head == "set" and len(st) == 3:
            if st[2].kind != "bracket" or st[2].text != "stack 0":
                raise NkError("set must name '[stack 0]'")
            if not stack:
                raise NkError(f"set {st[1].text}: the stack is empty")
            names[st[1].text] = stack[-1]
        elif head == "push" and len(st) == 2:
            ref = st[1].text
            if ref == "0":
                raise NkError("push 0 (an empty input) is not used by aceskit gizmos")
            if not ref.startswith("$") or ref[1:] not in names:
                raise NkError(f"push {ref}: no such stack name")
            stack.append(names[ref[1:]])
        elif head in CLASSES and len(st) == 2 and st[1].kind == "brace":
            knobs = _knob_lines(st[1].text, head)
            _check_node(head, knobs)
            n_in = int(knobs["inputs"].text) if "inputs" in knobs else CLASSES[head][0]
            if n_in > len(stack):
                raise NkError(f"{head} {knobs.get('name', Word('', '')).text}: needs {n_in} inputs, "
                              f"the stack holds {len(stack)}")
            popped = [stack.pop() for _ in range(n_in)]   # input 0 is the top of the stack
            node = NkNode(head, knobs, popped)
            stack.append(node)
            nodes.append(node)
        elif head[:1].isupper() and len(st) == 2 and st[1].kind == "brace":
            raise NkError(f"unknown node class {head!r}")
        else:
            raise NkError(f"unexpected statement {' '.join(w.text for w in st)!r}")
    if not ended:
        raise NkError("missing end_group")
    ins = [n for n in nodes if n.cls == "Input"]
    outs = [n for n in nodes if n.cls == "Output"]
    if len(ins) != 1 or len(outs) != 1:
        raise NkError(f"a gizmo needs one Input and one Output, found {len(ins)} and {len(outs)}")
    seen = {n.name for n in nodes if n.name}
    if len(seen) != len([n for n in nodes if n.name]):
        raise NkError("node names must be unique")
    return Gizmo(version, user, help_text, nodes, outs[0])
