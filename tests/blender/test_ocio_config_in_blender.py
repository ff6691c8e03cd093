"""The aceskit OpenColorIO config, loaded by Blender through the OCIO variable (its OCIO is 2.4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from aceskit import ocio, spaces

PROBE = r"""
import json, bpy
names = [i.identifier for i in
         bpy.types.ColorManagedInputColorspaceSettings.bl_rna.properties['name'].enum_items]
scene = bpy.context.scene
scene.display_settings.display_device = 'sRGB - Display'
scene.view_settings.view_transform = 'ACES 2.0 - SDR 100 nits (Rec.709)'
scene.view_settings.look = 'ACES RGC (ARRI Wide Gamut 4)'
print(json.dumps({"names": names, "look": scene.view_settings.look,
                  "display": scene.display_settings.display_device, "view": scene.view_settings.view_transform}))
"""


def test_blender_loads_the_config_with_every_space_and_the_looks(tmp_path):
    path = ocio.write_config(tmp_path / "aceskit.ocio")
    env = dict(os.environ, OCIO=str(path), BLENDER_USER_RESOURCES=str(tmp_path / "user"))
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # Blender lists every space except the CIE XYZ-D65 ones, which the config marks as interchange
    missing = set(spaces.names()) - set(result["names"])
    assert missing <= {"CIE XYZ-D65 - Scene-referred", "CIE XYZ-D65 - Display-referred"}, missing
    assert result["look"] == "ACES RGC (ARRI Wide Gamut 4)"
    assert (result["display"], result["view"]) == ("sRGB - Display", "ACES 2.0 - SDR 100 nits (Rec.709)")
