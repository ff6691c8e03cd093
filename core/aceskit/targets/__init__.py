"""Backends that compile an op chain into something a host runs.

``numpy`` is the reference; ``ctf`` writes OpenColorIO CTF files.  Host
backends (Nuke, Blender, DCTL) live beside them.
"""
