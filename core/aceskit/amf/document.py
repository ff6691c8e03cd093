"""ACES Metadata File (AMF): read v1.0 and v2.0, edit in place, write v2.0 that validates.

An :class:`AMF` wraps the XML tree itself, so elements aceskit does not model (CDL looks,
archived pipelines, hashes, unknown extensions) survive an edit.  The ACES Reference Gamut
Compression is tracked as the RGC implementation guide asks: a ``lookTransform`` directly after
the input transform, first among the looks, ``description`` = the ACESuserName, ``applied`` true
exactly when it is baked into the accompanying frames.  Transform IDs written (both validate
against the official AMF v2.0 XSD, ``ampas/aces-amf``):

- ACES 1.3 pipelines: :data:`aceskit.rgc.TRANSFORM_ID_ACES13` (the ID of the 1.3 release CTL);
- ACES 2.0 pipelines: :data:`aceskit.rgc.TRANSFORM_ID_ACES20`.

The implementation guide's ``...ReferenceGamutCompress.a1.v1.0`` fails the schema pattern, so it
is recognised on read and never written.  Parsing goes through :mod:`aceskit.amf.safexml` (no DTD,
no entities, bounded size, depth and element count); v1.0 is upgraded to v2.0 on read.
"""

from __future__ import annotations

import copy
import datetime as _dt
import os
import re
import uuid as _uuid
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Optional, Union

from .. import fileio, rgc, spaces
from .safexml import NS_CDL, NS_V1, NS_V2, NS_XSI, load, local, parse
from .safexml import qname as _q

#: ACESuserName of the ACES 2.0 Look (aces-look ``Look.Academy.ReferenceGamutCompress.ctl``).
ACES_USER_NAME_ACES20 = "Reference Gamut Compress"
ACES_VERSIONS = ("1.3", "2.0")
_RRT_V15 = "urn:ampas:aces:transformId:v1.5:RRT.a1.0.3"


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _new_uuid() -> str:
    return f"urn:uuid:{_uuid.uuid4()}"


def _bool(text: Optional[str]) -> Optional[bool]:
    if text is None:
        return None
    return text.strip().lower() in ("true", "1")


# ---------------------------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Transform:
    """A transform of the pipeline as read: ``kind`` is input / look / output."""

    kind: str
    applied: Optional[bool]
    description: Optional[str] = None
    transform_id: Optional[str] = None
    transform_ids: tuple = ()     # every transformId below (e.g. RRT + ODT, CDL working spaces)
    uuid: Optional[str] = None
    file: Optional[str] = None
    is_cdl: bool = False          # an ASC CDL (inline SOP/SAT or a ColorCorrectionRef)
    cdl_working_space: tuple = ()  # IDs of its cdlWorkingSpace (empty: none given)
    cdl_ref: Optional[str] = None  # ColorCorrectionRef ref into ``file``
    form: str = "id"               # id, file, uuid, cdl, pair (RRT+ODT or InvODT+InvRRT), inverse

    @property
    def is_rgc(self) -> bool:
        return self.kind == "look" and self.transform_id in rgc.TRANSFORM_IDS

    def what(self) -> str:
        """What the transform is, in a few words."""
        if self.is_cdl:
            src = f"ASC CDL {self.cdl_ref} from {self.file}" if self.cdl_ref else "ASC CDL"
            if self.cdl_working_space:
                return f"{src} in the working space {' / '.join(self.cdl_working_space)}"
            return f"{src}, no cdlWorkingSpace (working space not stated)"
        if self.form == "pair":
            return " + ".join(self.transform_ids)
        if self.form == "inverse":
            return f"inverse of {self.transform_id}"
        return self.transform_id or self.file or self.uuid or "?"


_PAIRS = ("referenceRenderingTransform", "outputDeviceTransform", "inverseOutputDeviceTransform",
          "inverseReferenceRenderingTransform")


def _transform(kind: str, el: ET.Element) -> Transform:
    def child(tag, parent=el):
        c = parent.find(_q(tag))
        return None if c is None or c.text is None else c.text.strip()
    ids = tuple(t.text.strip() for t in el.iter(_q("transformId")) if t.text)
    ws = el.find(_q("cdlWorkingSpace"))
    ws_ids = () if ws is None else tuple(t.text.strip() for t in ws.iter(_q("transformId")) if t.text)
    ref = el.find(_q("ColorCorrectionRef", NS_CDL))
    is_cdl = any(isinstance(c.tag, str) and c.tag.startswith(f"{{{NS_CDL}}}") for c in el)
    inverse = el.find(_q("inverseOutputTransform"))
    tid = child("transformId")
    if is_cdl:
        form = "cdl"
    elif inverse is not None:
        form, tid = "inverse", child("transformId", inverse)
    elif any(local(c.tag) in _PAIRS for c in el):
        form, tid = "pair", ids[-1] if ids else None
    else:
        form = "id" if tid else "file" if child("file") else "uuid" if child("uuid") else "id"
    return Transform(kind, _bool(el.get("applied")), child("description"), tid, ids, child("uuid"), child("file"),
                     is_cdl, ws_ids, None if ref is None else ref.get("ref"), form)


def _version_tuple(aces_version: str) -> tuple[int, int, int]:
    m = re.fullmatch(r"\s*(\d)\.(\d)(?:\.(\d))?\s*", str(aces_version))
    if not m:
        raise ValueError(f"aces_version must look like '1.3' or '2.0', got {aces_version!r}")
    return int(m[1]), int(m[2]), int(m[3] or 0)


def rgc_id(aces_version: str) -> tuple[str, str]:
    """(transform ID, ACESuserName) aceskit writes for the RGC in a pipeline of this ACES version."""
    v = _version_tuple(aces_version)
    if v < (1, 3, 0):
        raise ValueError(f"the Reference Gamut Compression exists from ACES 1.3; aces_version is {aces_version!r}")
    if v[0] >= 2:
        return rgc.TRANSFORM_ID_ACES20, ACES_USER_NAME_ACES20
    return rgc.TRANSFORM_ID_ACES13, rgc.ACES_USER_NAME


def input_transform_id(space: str, aces_version: str = "1.3") -> Optional[str]:
    """The ACES transform ID that takes ``space`` to ACES2065-1 (None for ACES2065-1 or when unknown).

    ACES 1.x: a v1.5 ``IDT.*`` if the registry has one, else a v1.5 ``ACEScsc.*_to_ACES``;
    ACES 2.x: a v2.0 ``CSC.*_to_ACES`` (or ``Input.*``).
    """
    s = spaces.get(space)
    major = _version_tuple(aces_version)[0]
    prefix = "urn:ampas:aces:transformId:v2.0:" if major >= 2 else "urn:ampas:aces:transformId:v1.5:"
    ids = [i for i in s.aces_transform_ids if i.startswith(prefix)]
    names = [i[len(prefix):] for i in ids]
    if major >= 2:
        ranked = [i for i, n in zip(ids, names) if n.startswith("Input.")] + \
                 [i for i, n in zip(ids, names) if n.startswith("CSC.") and "_to_ACES." in n]
    else:
        ranked = [i for i, n in zip(ids, names) if n.startswith("IDT.")] + \
                 [i for i, n in zip(ids, names) if n.startswith("ACEScsc.") and "_to_ACES." in n]
    return ranked[0] if ranked else None


def _output_elements(transform_id: str) -> list[ET.Element]:
    """Children of an outputTransform for an ID: ACES 1.x ODTs are split into RRT + ODT (schema)."""
    tail = transform_id.split(":")[-1]
    if transform_id.startswith("urn:ampas:aces:transformId:v1.5:") and tail.startswith("ODT."):
        rrt, odt = ET.Element(_q("referenceRenderingTransform")), ET.Element(_q("outputDeviceTransform"))
        ET.SubElement(rrt, _q("transformId")).text = _RRT_V15
        ET.SubElement(odt, _q("transformId")).text = transform_id
        return [rrt, odt]
    el = ET.Element(_q("transformId"))
    el.text = transform_id
    return [el]


class AMF:
    """An AMF document held as its XML tree (always the v2.0 namespace once loaded)."""

    def __init__(self, root: ET.Element, source_version: str = "2.0", path: Optional[str] = None):
        self.root = root
        self.source_version = source_version
        self.path = path

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def read(cls, source: Union[str, os.PathLike, bytes]) -> "AMF":
        """Read an AMF v1.0 or v2.0 from a path, bytes or XML text; v1.0 is upgraded to v2.0 in memory."""
        data, where = load(source)
        root = parse(data, where)
        ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
        if root.tag.split("}")[-1] != "acesMetadataFile" or ns not in (NS_V1, NS_V2):
            raise ValueError(f"{where}: not an ACES Metadata File (root is {root.tag!r}; expected acesMetadataFile "
                             f"in {NS_V2} or {NS_V1})")
        version = "1.0" if ns == NS_V1 else "2.0"
        if version == "1.0":
            _upgrade(root)
        if root.find(_q("pipeline")) is None:
            raise ValueError(f"{where}: the AMF has no aces:pipeline element")
        return cls(root, version, None if where == "AMF" else where)

    @classmethod
    def new(cls, clip_name: Optional[str] = None, input_space: Optional[str] = None, aces_version: str = "1.3",
            output_transform_id: Optional[str] = None, rgc: Optional[str] = None, *,
            input_applied: bool = False, output_applied: bool = False, description: Optional[str] = None,
            author: Optional[tuple[str, str]] = None, sequence: Optional[tuple] = None, file: Optional[str] = None,
            clip_uuid: Optional[str] = None, params: Optional["rgc.RGCParams"] = None) -> "AMF":
        """A new v2.0 AMF.  ``rgc``: None (not in the pipeline), ``"applied"`` (baked) or ``"viewing"``."""
        if rgc not in (None, "applied", "viewing"):
            raise ValueError(f"rgc must be None, 'applied' or 'viewing', got {rgc!r}")
        major, minor, patch = _version_tuple(aces_version)
        now = _now()
        root = ET.Element(_q("acesMetadataFile"), {"version": "2.0"})
        info = ET.SubElement(root, _q("amfInfo"))
        if description:
            ET.SubElement(info, _q("description")).text = description
        if author:
            name, email = author
            if "@" not in str(email):
                raise ValueError(f"author must be (name, email address), got {author!r}")
            a = ET.SubElement(info, _q("author"))
            ET.SubElement(a, _q("name")).text = name
            ET.SubElement(a, _q("emailAddress")).text = email
        _datetime(info, now)
        ET.SubElement(info, _q("uuid")).text = _new_uuid()
        if clip_name is not None:
            _clip(root, clip_name, sequence, file, clip_uuid)
        pipe = ET.SubElement(root, _q("pipeline"))
        pinfo = ET.SubElement(pipe, _q("pipelineInfo"))
        _datetime(pinfo, now)
        ET.SubElement(pinfo, _q("uuid")).text = _new_uuid()
        sv = ET.SubElement(pinfo, _q("systemVersion"))
        for tag, v in (("majorVersion", major), ("minorVersion", minor), ("patchVersion", patch)):
            ET.SubElement(sv, _q(tag)).text = str(v)
        doc = cls(root)
        if input_space is not None:
            doc.set_input_transform(input_space, applied=input_applied)
        if rgc is not None:
            doc.set_rgc(rgc == "applied", aces_version=aces_version, params=params)
        if output_transform_id:
            doc.set_output_transform(output_transform_id, applied=output_applied)
        return doc

    # -- reading the model ----------------------------------------------------------------------
    def _pipeline(self) -> ET.Element:
        pipe = self.root.find(_q("pipeline"))
        if pipe is None:
            raise ValueError("the AMF has no aces:pipeline element")
        return pipe

    def _text(self, path: str) -> Optional[str]:
        el = self.root.find("/".join(_q(p) for p in path.split("/")))
        return None if el is None or el.text is None else el.text.strip()

    @property
    def description(self) -> Optional[str]:
        return self._text("amfInfo/description")

    @property
    def uuid(self) -> Optional[str]:
        return self._text("amfInfo/uuid")

    @property
    def authors(self) -> list[tuple[str, str]]:
        return [((a.findtext(_q("name")) or "").strip(), (a.findtext(_q("emailAddress")) or "").strip())
                for a in self.root.findall(f"{_q('amfInfo')}/{_q('author')}")]

    @property
    def date_time(self) -> tuple[Optional[str], Optional[str]]:
        return self._text("amfInfo/dateTime/creationDateTime"), self._text("amfInfo/dateTime/modificationDateTime")

    @property
    def clip_name(self) -> Optional[str]:
        return self._text("clipId/clipName")

    @property
    def clip(self) -> dict:
        """clipName plus the one of sequence (pattern, idx, min, max), file or uuid that is present."""
        el = self.root.find(_q("clipId"))
        if el is None:
            return {}
        out: dict = {"clipName": self.clip_name}
        seq = el.find(_q("sequence"))
        if seq is not None:
            out["sequence"] = ((seq.text or "").strip(), seq.get("idx"), int(seq.get("min", 0)), int(seq.get("max", 0)))
        for tag in ("file", "uuid"):
            if el.find(_q(tag)) is not None:
                out[tag] = (el.findtext(_q(tag)) or "").strip()
        return out

    @property
    def system_version(self) -> Optional[tuple[int, int, int]]:
        return system_version(self._pipeline())

    @property
    def aces_version(self) -> str:
        v = self.system_version or (1, 3, 0)
        return f"{v[0]}.{v[1]}"

    @property
    def pipeline_uuid(self) -> Optional[str]:
        return self._text("pipeline/pipelineInfo/uuid")

    @property
    def input_transform(self) -> Optional[Transform]:
        el = self._pipeline().find(_q("inputTransform"))
        return None if el is None else _transform("input", el)

    @property
    def looks(self) -> list[Transform]:
        return [_transform("look", el) for el in self._pipeline().findall(_q("lookTransform"))]

    @property
    def output_transform(self) -> Optional[Transform]:
        el = self._pipeline().find(_q("outputTransform"))
        return None if el is None else _transform("output", el)

    @property
    def archived_pipelines(self) -> int:
        return len(self.root.findall(_q("archivedPipeline")))

    def archived(self) -> list[tuple[Optional[tuple[int, int, int]], list[Transform]]]:
        """Each archived pipeline as (systemVersion, its transforms in order)."""
        return [(system_version(p), transforms(p)) for p in self.root.findall(_q("archivedPipeline"))]

    def rgc_look(self) -> Optional[Transform]:
        """The RGC lookTransform of the current pipeline (any of the three IDs), or None.

        A pipeline that lists it more than once gets a warning; the first is reported.
        """
        found = [t for t in self.looks if t.is_rgc]
        if len(found) > 1:
            flags = ", ".join(f"applied={str(t.applied).lower()}" for t in found)
            warnings.warn(f"the pipeline lists the Reference Gamut Compression {len(found)} times ({flags}); "
                          f"reporting the first", stacklevel=2)
        return found[0] if found else None

    @property
    def rgc_applied(self) -> Optional[bool]:
        """True: baked into the frames; False: to be applied when viewing; None: not in the pipeline."""
        look = self.rgc_look()
        return None if look is None else look.applied

    # -- editing --------------------------------------------------------------------------------
    def _touch(self) -> None:
        mod = self.root.find(f"{_q('amfInfo')}/{_q('dateTime')}/{_q('modificationDateTime')}")
        if mod is not None:
            mod.text = _now()

    def _insert_index(self) -> int:
        pipe = self._pipeline()
        kids = list(pipe)
        for tag in ("inputTransform", "pipelineInfo"):
            el = pipe.find(_q(tag))
            if el is not None:
                return kids.index(el) + 1
        return 0

    def set_input_transform(self, space: Optional[str], applied: bool = False,
                            aces_version: Optional[str] = None) -> Optional[str]:
        """Record the input transform of ``space`` (ID from the registry for the ACES version); returns the ID.

        ACES2065-1 (or a space without an ACES transform ID) has no input transform: the element is
        removed, with a warning in the second case.
        """
        pipe = self._pipeline()
        old = pipe.find(_q("inputTransform"))
        version = aces_version or self.aces_version
        tid = None if space is None else input_transform_id(space, version)
        if space is not None and tid is None and spaces.get(space).name != "ACES2065-1":
            warnings.warn(f"{spaces.get(space).name!r} has no ACES {version} transform ID; the AMF records no "
                          f"input transform", stacklevel=2)
        if space is None or tid is None:
            if old is not None:
                pipe.remove(old)
                self._touch()
            return None
        el = ET.Element(_q("inputTransform"), {"applied": "true" if applied else "false"})
        ET.SubElement(el, _q("description")).text = f"{spaces.get(space).name} to ACES2065-1"
        ET.SubElement(el, _q("transformId")).text = tid
        if old is not None:
            pipe[list(pipe).index(old)] = el
        else:
            pipe.insert(self._insert_index(), el)
        self._touch()
        return tid

    def set_rgc(self, applied: Optional[bool], aces_version: Optional[str] = None,
                params: Optional["rgc.RGCParams"] = None) -> Optional[str]:
        """Track the ACES RGC: ``applied`` True (baked), False (viewing only), None (remove it).

        The lookTransform goes directly after the input transform, first among the looks, with the
        ACESuserName as description.  A non-reference ``params`` is not trackable: nothing is written
        and a warning says so.  Returns the transform ID written (or None).
        """
        if params is not None and not params.is_reference:
            warnings.warn("the parametric gamut compression cannot be tracked in AMF (only the ACES Reference "
                          "Gamut Compression can); it is not recorded as the RGC", stacklevel=2)
            return None
        tid, name = rgc_id(aces_version or self.aces_version) if applied is not None else (None, None)
        pipe = self._pipeline()
        for el in pipe.findall(_q("lookTransform")):
            if (el.findtext(_q("transformId")) or "").strip() in rgc.TRANSFORM_IDS:
                pipe.remove(el)
        self._touch()
        if applied is None:
            return None
        el = ET.Element(_q("lookTransform"), {"applied": "true" if applied else "false"})
        ET.SubElement(el, _q("description")).text = name
        ET.SubElement(el, _q("transformId")).text = tid
        pipe.insert(self._insert_index(), el)
        return tid

    def set_output_transform(self, transform_id: Optional[str], applied: bool = False,
                             description: Optional[str] = None) -> None:
        """Set (or with None remove) the output transform; v1.5 ODT IDs are written as RRT + ODT."""
        pipe = self._pipeline()
        old = pipe.find(_q("outputTransform"))
        if old is not None:
            pipe.remove(old)
        if transform_id:
            el = ET.SubElement(pipe, _q("outputTransform"), {"applied": "true" if applied else "false"})
            if description:
                ET.SubElement(el, _q("description")).text = description
            el.extend(_output_elements(transform_id))
        self._touch()

    # -- output ---------------------------------------------------------------------------------
    def to_xml(self) -> bytes:
        """The document as UTF-8 XML (AMF v2.0)."""
        root = copy.deepcopy(self.root)
        ET.indent(root, space="    ")
        return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

    def write(self, path: Union[str, os.PathLike]) -> str:
        """Write atomically (temporary file in the target folder, then rename); never over ``self.path``."""
        path = os.fspath(path)
        if self.path and os.path.exists(path) and os.path.exists(self.path) and os.path.samefile(path, self.path):
            raise ValueError(f"refusing to overwrite the AMF that was read ({path}); write to another path")
        fileio.write_bytes(path, self.to_xml())
        return path

    def validate(self) -> list[str]:
        """Errors against the official AMF v2.0 XSD and the rules of :mod:`aceskit.amf.rules` ([] = valid)."""
        from .validation import validate
        return validate(self)

    def summary(self) -> str:
        """A few human-readable lines: clip, ACES version, transforms with their applied flags, the RGC."""
        version = ".".join(map(str, self.system_version or ())) or "version not stated"
        out = [f"AMF v2.0 (read as v{self.source_version}), ACES {version}", f"  clip   {self.clip_name or '-'}"]
        out += _lines(transforms(self._pipeline()), "  ")
        look = self.rgc_look()
        state = {True: "applied (baked into the frames)", False: "not applied (to apply when viewing)"}
        out.append(f"  RGC    {state[look.applied] if look and look.applied is not None else 'not in the pipeline'}"
                   + (f" [{look.transform_id}]" if look else ""))
        for i, (v, ts) in enumerate(self.archived(), 1):
            out.append(f"  archived pipeline {i}, ACES {'.'.join(map(str, v or ())) or 'version not stated'}:")
            out += _lines(ts, "    ")
        return "\n".join(out)


def system_version(pipe: ET.Element) -> Optional[tuple[int, int, int]]:
    """A pipeline's (major, minor, patch), or None when it does not state one (or not as digits)."""
    sv = pipe.find(f"{_q('pipelineInfo')}/{_q('systemVersion')}")
    if sv is None:
        return None
    parts = tuple((sv.findtext(_q(t)) or "").strip() for t in ("majorVersion", "minorVersion", "patchVersion"))
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


def transforms(pipe: ET.Element) -> list[Transform]:
    """The input, look and output transforms of a pipeline (or archivedPipeline) element, in order."""
    kinds = {"inputTransform": "input", "lookTransform": "look", "outputTransform": "output"}
    return [_transform(kinds[local(el.tag)], el) for el in pipe if local(el.tag) in kinds]


def _lines(ts: list[Transform], indent: str) -> list[str]:
    out = []
    for t in ts:
        text = f"{t.description} " if t.description else ""
        tag = " (RGC)" if t.is_rgc else ""
        out.append(f"{indent}{t.kind:<6} applied={str(t.applied).lower():<5} {text}[{t.what()}]{tag}")
    return out


def _datetime(parent: ET.Element, when: str) -> None:
    dt = ET.SubElement(parent, _q("dateTime"))
    ET.SubElement(dt, _q("creationDateTime")).text = when
    ET.SubElement(dt, _q("modificationDateTime")).text = when


def _clip(root: ET.Element, clip_name: str, sequence, file, clip_uuid) -> None:
    if not isinstance(clip_name, str) or not clip_name.strip():
        raise ValueError(f"clip_name must be a non-empty string, got {clip_name!r}")
    given = [x for x in (sequence, file, clip_uuid) if x is not None]
    if len(given) > 1:
        raise ValueError("give at most one of sequence, file or clip_uuid (an AMF clipId holds exactly one)")
    clip = ET.SubElement(root, _q("clipId"))
    ET.SubElement(clip, _q("clipName")).text = clip_name
    if sequence is not None:
        pattern, idx, first, last = _sequence(sequence)
        ET.SubElement(clip, _q("sequence"), {"idx": idx, "min": str(first), "max": str(last)}).text = pattern
    elif file is not None:
        ET.SubElement(clip, _q("file")).text = str(file)
    else:
        ET.SubElement(clip, _q("uuid")).text = clip_uuid or _new_uuid()


def _sequence(sequence) -> tuple[str, str, int, int]:
    """(pattern, first, last) with ``%04d``, ``####`` or ``@@@@`` -> (pattern with #, '#', first, last)."""
    try:
        pattern, first, last = sequence
        first, last = int(first), int(last)
    except (TypeError, ValueError):
        raise ValueError(f"sequence must be (pattern, first, last), got {sequence!r}") from None
    if first < 0 or last < first:
        raise ValueError(f"sequence frames must satisfy 0 <= first <= last, got {first}..{last}")
    pattern = str(pattern)
    m = re.search(r"%0?(\d*)d", pattern)
    if m:
        pattern = pattern[:m.start()] + "#" * max(int(m.group(1) or 1), 1) + pattern[m.end():]
    if "#" in pattern:
        return pattern, "#", first, last
    if "@" in pattern:
        return pattern, "@", first, last
    raise ValueError(f"sequence pattern must contain %0Nd, #### or @@@@, got {pattern!r}")


_V1_RENAMES = {"lookTransformWorkingSpace": "cdlWorkingSpace", "toLookTransformWorkingSpace": "toCdlWorkingSpace",
               "fromLookTransformWorkingSpace": "fromCdlWorkingSpace"}


def _upgrade(root: ET.Element) -> None:
    """AMF v1.0 -> v2.0 in place, as the official v1 -> v2 examples changed.

    Namespace and ``version``; the v1 ``xsi:schemaLocation`` is dropped; the now-required uuids are
    added; ``lookTransformWorkingSpace`` becomes ``cdlWorkingSpace`` on CDL looks and is dropped (with
    a warning) from other looks, where v2.0 has no place for it; ``outputTransform`` gets its required
    ``applied`` attribute, ``false`` (v1.0 had no way to say the output was baked).
    """
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.startswith(f"{{{NS_V1}}}"):
            el.tag = _q(_V1_RENAMES.get(local(el.tag), local(el.tag)))
    root.set("version", "2.0")
    for attr in ("schemaLocation", "noNamespaceSchemaLocation"):
        root.attrib.pop(_q(attr, NS_XSI), None)
    pipes = root.findall(_q("pipeline")) + root.findall(_q("archivedPipeline"))
    dropped = []
    for pipe in pipes:
        for look in pipe.findall(_q("lookTransform")):
            ws = look.find(_q("cdlWorkingSpace"))
            if ws is not None and not _transform("look", look).is_cdl:
                look.remove(ws)
                dropped.append(_transform("look", look).what())
        out = pipe.find(_q("outputTransform"))
        if out is not None and out.get("applied") is None:
            out.set("applied", "false")
    if dropped:
        warnings.warn(f"AMF v2.0 has a working space only for CDL looks; dropped the working space of "
                      f"{', '.join(sorted(set(dropped)))} while upgrading from v1.0", stacklevel=3)
    for info in [root.find(_q("amfInfo"))] + [p.find(_q("pipelineInfo")) for p in pipes]:
        if info is not None and info.find(_q("uuid")) is None:
            dt = info.find(_q("dateTime"))
            u = ET.Element(_q("uuid"))
            u.text = _new_uuid()
            info.insert(list(info).index(dt) + 1 if dt is not None else len(info), u)


# ---------------------------------------------------------------------------------------------
# The call the batch runner makes
# ---------------------------------------------------------------------------------------------
def for_frames(clip_name: str, input_space: str, working_space: str, rgc_applied: Optional[bool],
               aces_version: str = "1.3", sequence: Optional[tuple] = None, file: Optional[str] = None) -> AMF:
    """The AMF accompanying frames converted from ``input_space`` into ``working_space``.

    The input transform is marked applied (the frames are no longer in the camera/source
    encoding); ``rgc_applied`` True / False / None writes the RGC as baked / viewing-only / absent.
    ``sequence`` = (pattern, first, last) or ``file`` identifies the frames (else a clip UUID).
    """
    src, dst = spaces.get(input_space).name, spaces.get(working_space).name
    state = {True: "RGC baked", False: "RGC in viewing pipeline", None: "no RGC"}[rgc_applied]
    doc = AMF.new(clip_name, input_space=src, aces_version=aces_version, input_applied=True,
                  description=f"{clip_name}: {src} to {dst}, {state}", sequence=sequence, file=file)
    if rgc_applied is not None:
        doc.set_rgc(bool(rgc_applied), aces_version=aces_version)
    return doc


def read(source: Union[str, os.PathLike, bytes]) -> AMF:
    """Shorthand for :meth:`AMF.read`."""
    return AMF.read(source)


def new(*args, **kwargs) -> AMF:
    """Shorthand for :meth:`AMF.new`."""
    return AMF.new(*args, **kwargs)
