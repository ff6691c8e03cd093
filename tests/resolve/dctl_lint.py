"""A lint for DaVinci Resolve DCTL source (Resolve 17+ rules) and a parser of its UI controls.

Rules (Resolve ``Developer/DaVinciCTL/README.txt``; ampas aces-vwg-gamut-mapping-2020 PR #5):
exactly one ``transform`` with the verbatim signature, no semicolon after ``DEFINE_UI_PARAMS``,
three-argument ``make_float3``, ``f``-suffixed float literals in code, ASCII labels, calls only
to documented ``_xxx`` math functions or functions the file defines, and an allow-list of words:
every identifier is a type, qualifier, keyword or function the DCTL documentation lists, or a name
the file declares with one of those types (so ``double``, ``long`` or ``auto`` are rejected).
"""

from __future__ import annotations

import re

SIGNATURE = ("__DEVICE__ float3 transform(int p_Width, int p_Height, int p_X, int p_Y, "
             "float p_R, float p_G, float p_B)")
#: The math functions Resolve's DCTL README documents.
DOCUMENTED = frozenset("""
_fabs _powf _logf _log2f _log10f _expf _exp2f _exp10f _copysignf _fmaxf _fminf _clampf _saturatef
_sqrtf _ceilf _floorf _truncf _round _fmod _hypotf _cosf _sinf _tanf _acosf _asinf _atan2f _coshf
_sinhf _tanhf _fdimf _fmaf _rsqrtf _fdivide _frecip _mix _frexp _ldexp isinf isnan signbit
make_float2 make_float3 make_float4 abs min max
""".split())
#: Types and qualifiers the DCTL README documents (C-like: ``int``/``float``, the vector types,
#: ``__DEVICE__`` functions, ``__CONSTANT__`` memory and ``__CONSTANTREF__`` references).
TYPES = frozenset("float float2 float3 float4 int".split())
QUALIFIERS = frozenset("__DEVICE__ __CONSTANT__ __CONSTANTREF__ const".split())
#: The C control flow a DCTL may use, and vector components.
KEYWORDS = frozenset("if else for while do switch case default break continue return sizeof typedef struct".split())
MEMBERS = frozenset("x y z w".split())
_UI = re.compile(r"DEFINE_UI_PARAMS\s*\((?P<body>[^()]*)\)(?P<semi>\s*;)?")
_FLOAT = re.compile(r"(?<![\w.])(\d+\.\d*|\.\d+|\d+(?:\.\d*)?[eE][-+]?\d+)(?P<suffix>[fF]?)(?![\w.])")


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", lambda m: " " * len(m.group(0)), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def _split_top(body: str) -> list[str]:
    """Split on commas outside braces."""
    parts, depth, cur = [], 0, ""
    for ch in body:
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
            continue
        depth += {"{": 1, "}": -1, "(": 1, ")": -1}.get(ch, 0)
        cur += ch
    parts.append(cur.strip())
    return parts


def controls(text: str) -> list[dict]:
    """Every ``DEFINE_UI_PARAMS``: name, label, type, the remaining arguments, combo ids/labels."""
    out = []
    for m in _UI.finditer(strip_comments(text)):
        name, label, kind, *args = _split_top(m.group("body"))
        ctl = {"name": name, "label": label, "type": kind, "args": args, "ids": [], "labels": []}
        if kind == "DCTLUI_COMBO_BOX":
            ctl["ids"] = [s.strip() for s in args[1].strip("{}").split(",")]
            ctl["labels"] = [s.strip() for s in args[2].strip("{}").split(",")]
        out.append(ctl)
    return out


def _call_args(code: str, start: int) -> list[str]:
    depth, i = 0, start
    while i < len(code):
        depth += {"(": 1, ")": -1}.get(code[i], 0)
        if depth == 0:
            break
        i += 1
    return _split_top(code[start + 1:i])


def lint(text: str) -> list[str]:
    """Problems found, one sentence each (empty when the DCTL follows the rules)."""
    problems = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.isascii():
            problems.append(f"line {n} is not plain ASCII")
    code = strip_comments(text)
    for m in _UI.finditer(code):
        if m.group("semi"):
            problems.append(f"semicolon after DEFINE_UI_PARAMS({m.group('body')[:30]}...)")
    for ctl in controls(text):
        for label in [ctl["label"], *ctl["labels"]]:
            if not label.isascii() or not re.fullmatch(r"[A-Za-z0-9 .+-]+", label):
                problems.append(f"label {label!r} of {ctl['name']} is not plain ASCII text")
    body = _UI.sub("", code)
    for m in _FLOAT.finditer(body):
        if not m.group("suffix"):
            problems.append(f"float literal {m.group(0)!r} lacks the f suffix")
    count = code.count(" transform(")
    if count != 1 or SIGNATURE not in " ".join(code.split()):
        problems.append(f"needs exactly one transform with the signature {SIGNATURE!r}")
    defined = set(re.findall(r"__DEVICE__\s+\w+\s+(\w+)\s*\(", code))
    for m in re.finditer(r"\b([A-Za-z_]\w*)\s*\(", body):
        fn = m.group(1)
        if fn == "make_float3" and len(_call_args(body, m.end() - 1)) != 3:
            problems.append("make_float3 needs three arguments")
        if fn not in DOCUMENTED and fn not in defined and fn not in KEYWORDS:
            problems.append(f"call to undocumented function {fn}()")
    declared = set(re.findall(r"\b(?:%s)\s+([A-Za-z_]\w*)" % "|".join(sorted(TYPES)), body))
    declared |= {c["name"] for c in controls(text)} | {i for c in controls(text) for i in c["ids"]}
    known = TYPES | QUALIFIERS | KEYWORDS | DOCUMENTED | defined | declared
    unknown = []
    for m in re.finditer(r"(\.\s*)?\b([A-Za-z_]\w*)", re.sub(r"\b\d[\w.]*", " ", body)):
        word = m.group(2)
        if (word not in (MEMBERS if m.group(1) else known)) and word not in unknown:
            unknown.append(word)
    problems += [f"{w!r} is not a type, qualifier or function the DCTL documentation lists, nor a name "
                 f"declared with one" for w in unknown]
    return problems
