"""Compile a DCTL with g++ through ``dctl_shim.h`` and run it on pixels (ctypes)."""

from __future__ import annotations

import ctypes
import hashlib
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

import dctl_lint

HERE = Path(__file__).resolve().parent
WRAPPER = """#include "dctl_shim.h"
{enums}
#include "{path}"
extern "C" void dctl_run(const float* in, float* out, long n)
{{
    for (long i = 0; i < n; ++i) {{
        float3 o = transform(1, 1, 0, 0, in[3 * i], in[3 * i + 1], in[3 * i + 2]);
        out[3 * i] = o.x; out[3 * i + 1] = o.y; out[3 * i + 2] = o.z;
    }}
}}
"""


class Compiled:
    """A compiled DCTL: set its controls by name, run it on (n, 3) pixels in float32."""

    def __init__(self, lib_path: Path, text: str):
        self.lib = ctypes.CDLL(str(lib_path))
        self.lib.dctl_run.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_long]
        self.controls = {c["name"]: c for c in dctl_lint.controls(text)}

    def set(self, **values) -> "Compiled":
        for name, value in values.items():
            ctl = self.controls[name]          # KeyError: the DCTL has no such control
            if ctl["type"] == "DCTLUI_SLIDER_FLOAT":
                ctypes.c_float.in_dll(self.lib, name).value = float(value)
            else:
                if ctl["type"] == "DCTLUI_COMBO_BOX" and isinstance(value, str):
                    value = ctl["ids"].index(value)
                ctypes.c_int.in_dll(self.lib, name).value = int(value)
        return self

    def run(self, rgb) -> np.ndarray:
        x = np.ascontiguousarray(np.asarray(rgb, dtype=np.float32).reshape(-1, 3))
        out = np.empty_like(x)
        self.lib.dctl_run(x.ctypes.data, out.ctypes.data, len(x))
        return out.astype(np.float64)


def build(path: Path, out_dir: Path) -> Path:
    """Compile ``path`` into a shared library in ``out_dir`` (-O2, IEEE float: no -ffast-math; ``double``
    poisoned by the shim and implicit float -> double promotion an error, as DCTL has no double)."""
    path = Path(path).resolve()
    text = path.read_text(encoding="utf-8")
    enums = "\n".join(f"enum {{ {', '.join(c['ids'])} }};" for c in dctl_lint.controls(text) if c["ids"])
    key = hashlib.sha1((str(path) + text).encode()).hexdigest()[:16]
    cpp, lib = out_dir / f"{key}.cpp", out_dir / f"{key}.so"
    if not lib.exists():
        cpp.write_text(WRAPPER.format(enums=enums, path=str(path)), encoding="utf-8")
        cmd = ["g++", "-std=c++17", "-O2", "-Wall", "-Werror", "-Wdouble-promotion", "-Wno-unused-variable",
               "-shared", "-fPIC",
               "-Wl,-Bsymbolic", f"-I{HERE}", "-o", str(lib), str(cpp)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"g++ failed on {path.name}:\n{done.stderr}")
    return lib


class Compiler:
    """One compile per DCTL file per test session; ``prefetch`` compiles in parallel."""

    def __init__(self, out_dir: Path, workers: int = 4):
        self.out_dir, self.workers = Path(out_dir), workers
        self._libs: dict[Path, Path] = {}

    def prefetch(self, paths) -> None:
        todo = [Path(p).resolve() for p in paths if Path(p).resolve() not in self._libs]
        with ThreadPoolExecutor(self.workers) as pool:
            for p, lib in zip(todo, pool.map(lambda p: build(p, self.out_dir), todo)):
                self._libs[p] = lib

    def get(self, path) -> Compiled:
        p = Path(path).resolve()
        if p not in self._libs:
            self._libs[p] = build(p, self.out_dir)
        return Compiled(self._libs[p], p.read_text(encoding="utf-8"))
