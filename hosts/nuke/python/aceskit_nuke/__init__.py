"""aceskit inside Nuke: the project / node / export RGC settings, AMF export and EXR colour spaces.

The pixel maths lives in the generated gizmos; this package only manages settings through
``aceskit.policy`` and writes AMF files through ``aceskit.amf``.
"""

#: Gizmo classes that apply the ACES Reference Gamut Compression.
RGC_CLASSES = ("ACES_RGC", "GamutCompress")
