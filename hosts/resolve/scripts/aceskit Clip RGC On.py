"""Workspace > Scripts > aceskit > Clip RGC On: the selected clips force the RGC on.

The override is stored in each clip's third-party metadata and shown by a baked RGC DCTL on the
clip's ``aceskit RGC`` node (see aceskit_resolve).  Selection: the Media Pool selection's
timeline clips, else the clip under the playhead.
"""

import aceskit_resolve as ar


def main(resolve, lut_dir=None) -> int:
    return ar.apply_override(resolve, "on", lut_dir)


if __name__ == "__main__":
    ar.run(main, globals().get("resolve"))
