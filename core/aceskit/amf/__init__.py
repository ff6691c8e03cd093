"""ACES Metadata File (AMF): read v1.0 and v2.0, edit in place, write v2.0 that validates, check any AMF.

- :mod:`~aceskit.amf.document`: the :class:`AMF` model, :func:`read`, :func:`new`, :func:`for_frames`;
- :mod:`~aceskit.amf.safexml`: bounded, DTD-free parsing;
- :mod:`~aceskit.amf.validation`: :func:`check` / :func:`validate` (official XSD + :mod:`~aceskit.amf.rules`).

Imports with the standard library and numpy only; the XSD check needs ``xmlschema``
(:func:`schema_available` tells).
"""

from .validation import MAX_FINDINGS, Report, check, schema_available, schema_path, validate
from .document import (ACES_USER_NAME_ACES20, ACES_VERSIONS, AMF, Transform, for_frames, input_transform_id, new,
                       read, rgc_id)
from .rules import RULES, Finding
from .safexml import MAX_BYTES, MAX_DEPTH, MAX_ELEMENTS, NS_CDL, NS_V1, NS_V2, NS_XSI, parse

__all__ = ["ACES_USER_NAME_ACES20", "ACES_VERSIONS", "AMF", "Finding", "MAX_BYTES", "MAX_DEPTH", "MAX_ELEMENTS",
           "MAX_FINDINGS", "NS_CDL", "NS_V1", "NS_V2", "NS_XSI", "RULES", "Report", "Transform", "check",
           "for_frames", "input_transform_id", "new", "parse", "read", "rgc_id", "schema_available", "schema_path",
           "validate"]
