"""aceskit plug-in folder for Nuke: adds its gizmos and Python package to the plug-in path.

Paths only, so it is safe in render-only (terminal) sessions; menus live in menu.py.
"""

import os

import nuke

_HERE = os.path.dirname(os.path.abspath(__file__))
for _sub in ("gizmos", "python"):
    nuke.pluginAddPath(os.path.join(_HERE, _sub))
