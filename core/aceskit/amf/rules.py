"""Rules an AMF must follow beyond the XSD, written from the AMF v2.0 specification and implementation guide.

Each rule is a generator over a parsed v2.0 tree that yields :class:`Finding` s (severity + rule name);
:data:`RULES` lists them with their default severity and what they check (docs/amf.md describes each).
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hashlib
import math
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Iterator, Optional
from urllib.parse import unquote

from .. import rgc
from .safexml import NS_CDL, local, parse
from .safexml import qname as _q

#: rule name -> (severity, what it checks)
RULES = {
    "parse": ("error", "the file is readable, safe XML within the size, depth and element limits, and an AMF"),
    "version": ("error", "the document is AMF v2.0 (v1.0 is read and upgraded, not validated)"),
    "schema": ("error", "the official AMF v2.0 XSD"),
    "system-version": ("error", "every pipeline states its ACES systemVersion"),
    "transform-version": ("error", "transform IDs belong to the declared ACES major version (1.x: v1.x URNs, "
                                   "2.x: v2.x URNs)"),
    "empty-transform-id": ("error", "no transformId is empty (input, look, output, RRT/ODT parts, CDL working "
                                    "spaces), and each CDL working space names its transform"),
    "applied-order": ("error", "no applied look after a non-applied one; nothing applied after a non-applied "
                               "input transform; an applied output after a non-applied look is a warning"),
    "cdl-range": ("error", "CDL values are three numbers (one for saturation), finite, slope >= 0, power > 0, "
                           "saturation >= 0"),
    "cdl-extreme": ("warning", "CDL values a grade rarely needs: slope 0 or above 4, |offset| above 1, power "
                               "below 0.25 or above 4, saturation 0 or above 4"),
    "cdl-identity": ("warning", "a CDL that changes nothing (slope 1, offset 0, power 1, saturation 1)"),
    "cdl-working-space": ("warning", "an inline CDL states its cdlWorkingSpace"),
    "cdl-ref": ("error", "a ColorCorrectionRef names a ColorCorrection id present in the referenced CCC/CDL "
                         "file, which parses and has unique ids (a ColorCorrection without id is a warning)"),
    "rgc-duplicate": ("warning", "the Reference Gamut Compression appears at most once per pipeline"),
    "missing-description": ("warning", "amfInfo has a description"),
    "missing-author": ("warning", "amfInfo or a pipelineInfo names an author"),
    "file-path": ("error", "file references are relative paths inside the AMF's folder: not empty, not "
                           "absolute, no '..' (also URL-encoded); a warning for the clip's own media file"),
    "file-missing": ("error", "files referenced by transforms exist next to the AMF"),
    "file-hash": ("error", "a hash given for a referenced file matches it (sha256, sha1 or md5; hex or base64)"),
    "date-order": ("error", "creationDateTime <= modificationDateTime"),
    "date-future": ("error", "no date lies more than a day in the future"),
    "duplicate-uuid": ("error", "amfInfo, clipId and each pipelineInfo have different uuids"),
}

_HASHES = {"http://www.w3.org/2001/04/xmlenc#sha256": "sha256", "http://www.w3.org/2000/09/xmldsig#sha1": "sha1",
           "http://www.w3.org/2001/04/xmldsig-more#md5": "md5"}
_URN = re.compile(r"urn:ampas:aces:transformId:v(\d+)\.\d+:")
_SOP = ("SOPNode", "ASC_SOP")
_SAT = ("SatNode", "ASC_SAT")
_WORKING_SPACES = ("toCdlWorkingSpace", "fromCdlWorkingSpace")
_IDENTIFIERS = ("transformId", "file", "uuid")


@dataclass(frozen=True)
class Finding:
    """One result of validation: ``severity`` is ``error`` or ``warning``; ``rule`` a key of :data:`RULES`."""

    severity: str
    rule: str
    message: str
    where: str = ""

    def __str__(self) -> str:
        return f"{self.severity}: {self.where + ': ' if self.where else ''}{self.message} [{self.rule}]"

    def to_dict(self) -> dict:
        return {"severity": self.severity, "rule": self.rule, "where": self.where, "message": self.message}


def _f(rule: str, message: str, where: str = "", severity: Optional[str] = None) -> Finding:
    return Finding(severity or RULES[rule][0], rule, message, where)


def _text(el: Optional[ET.Element]) -> Optional[str]:
    return None if el is None else (el.text or "").strip()


def _pipelines(root: ET.Element) -> list[tuple[str, ET.Element]]:
    archived = root.findall(_q("archivedPipeline"))
    return [("pipeline", p) for p in root.findall(_q("pipeline"))] + \
           [(f"archivedPipeline[{i}]" if len(archived) > 1 else "archivedPipeline", p)
            for i, p in enumerate(archived, 1)]


def _steps(pipe: ET.Element, name: str) -> list[tuple[str, str, ET.Element]]:
    """(kind, where, element) of the input, look and output transforms in document order."""
    out, n = [], 0
    for el in pipe:
        tag = local(el.tag)
        if tag == "lookTransform":
            n += 1
            out.append(("look", f"{name}/lookTransform[{n}]", el))
        elif tag in ("inputTransform", "outputTransform"):
            out.append((tag[:-9], f"{name}/{tag}", el))
    return out


def _applied(el: ET.Element) -> Optional[bool]:
    v = el.get("applied")
    return None if v is None else v.strip().lower() in ("true", "1")


# -- the rules ------------------------------------------------------------------------------------
def applied_order(root: ET.Element, ctx: "Context") -> Iterator[Finding]:
    for name, pipe in _pipelines(root):
        input_off, look_off = None, None
        for kind, where, el in _steps(pipe, name):
            applied = _applied(el)
            if kind == "input":
                input_off = where if applied is False else None
                continue
            if applied and input_off:
                yield _f("applied-order", f"the {kind} transform is applied but the input transform is not", where)
            elif applied and look_off:
                severity = "warning" if kind == "output" else "error"
                yield _f("applied-order", f"the {kind} transform is applied after the non-applied {look_off}", where,
                         severity)
            if kind == "look" and applied is False and look_off is None:
                look_off = where.rsplit("/", 1)[-1]


def _numbers(el: Optional[ET.Element]) -> Optional[list[float]]:
    try:
        return [float(v) for v in (el.text or "").split()] if el is not None else None
    except ValueError:
        return []


def cdl_values(root: ET.Element, ctx: "Context") -> Iterator[Finding]:
    for name, pipe in _pipelines(root):
        for kind, where, el in _steps(pipe, name):
            sop = next((c for t in _SOP for c in el.findall(_q(t, NS_CDL))), None)
            sat = next((c for t in _SAT for c in el.findall(_q(t, NS_CDL))), None)
            if sop is None and sat is None:
                continue
            if el.find(_q("cdlWorkingSpace")) is None:
                yield _f("cdl-working-space", "the CDL does not state its cdlWorkingSpace; the space it applies in "
                                              "is unknown", where)
            values = {}
            for parent, tag, n in ((sop, "Slope", 3), (sop, "Offset", 3), (sop, "Power", 3), (sat, "Saturation", 1)):
                v = _numbers(None if parent is None else parent.find(_q(tag, NS_CDL)))
                if v is None:
                    continue
                if len(v) != n or not all(math.isfinite(x) for x in v):
                    yield _f("cdl-range", f"{tag} must be {n} finite number{'s' if n > 1 else ''}", where)
                    continue
                values[tag] = v
            yield from _cdl_ranges(values, where)


def _cdl_ranges(values: dict, where: str) -> Iterator[Finding]:
    limits = {"Slope": (lambda x: x < 0, "must be >= 0", lambda x: x == 0 or x > 4),
              "Offset": (lambda x: False, "", lambda x: abs(x) > 1),
              "Power": (lambda x: x <= 0, "must be > 0", lambda x: x < 0.25 or x > 4),
              "Saturation": (lambda x: x < 0, "must be >= 0", lambda x: x == 0 or x > 4)}
    for tag, v in values.items():
        bad, rule_text, extreme = limits[tag]
        shown = " ".join(f"{x:g}" for x in v)
        if any(bad(x) for x in v):
            yield _f("cdl-range", f"{tag} {shown}: {tag.lower()} {rule_text}", where)
        elif any(extreme(x) for x in v):
            yield _f("cdl-extreme", f"{tag} {shown} is an extreme value ({RULES['cdl-extreme'][1]})", where)
    identity = {"Slope": 1.0, "Offset": 0.0, "Power": 1.0, "Saturation": 1.0}
    if len(values) == 4 and all(abs(x - identity[t]) <= 1e-6 for t, v in values.items() for x in v):
        yield _f("cdl-identity", "the CDL is an identity (it changes nothing)", where)


def rgc_duplicate(root: ET.Element, ctx: "Context") -> Iterator[Finding]:
    for name, pipe in _pipelines(root):
        wheres = [w for kind, w, el in _steps(pipe, name)
                  if kind == "look" and _text(el.find(_q("transformId"))) in rgc.TRANSFORM_IDS]
        if len(wheres) > 1:
            yield _f("rgc-duplicate", f"the Reference Gamut Compression appears {len(wheres)} times "
                                      f"({', '.join(w.rsplit('/', 1)[-1] for w in wheres)})", name)


def metadata(root: ET.Element, ctx: "Context") -> Iterator[Finding]:
    if not _text(root.find(f"{_q('amfInfo')}/{_q('description')}")):
        yield _f("missing-description", "amfInfo has no description", "amfInfo")
    authors = root.findall(f"{_q('amfInfo')}/{_q('author')}") + \
        [a for _, p in _pipelines(root) for a in p.findall(f"{_q('pipelineInfo')}/{_q('author')}")]
    if not any(_text(a.find(_q("name"))) for a in authors):
        yield _f("missing-author", "no author is named (amfInfo or pipelineInfo)", "amfInfo")


def versions(root: ET.Element, ctx: "Context") -> Iterator[Finding]:
    for name, pipe in _pipelines(root):
        major = _text(pipe.find(f"{_q('pipelineInfo')}/{_q('systemVersion')}/{_q('majorVersion')}"))
        if major is None:
            yield _f("system-version", "the pipeline states no ACES systemVersion", f"{name}/pipelineInfo")
            continue
        for kind, where, el in _steps(pipe, name):
            for t in el.iter(_q("transformId")):
                m = _URN.match(_text(t) or "")
                if m and major.isdigit() and m.group(1) != major:
                    yield _f("transform-version", f"{_text(t)} is an ACES {m.group(1)}.x transform in an ACES "
                                                  f"{major}.x pipeline", where)


def empty_ids(root: ET.Element, ctx: "Context") -> Iterator[Finding]:
    for name, pipe in _pipelines(root):
        for kind, where, el in _steps(pipe, name):
            for parent in el.iter():
                part = "" if parent is el else f" ({local(parent.tag)})"
                for t in parent.findall(_q("transformId")):
                    if not _text(t):
                        yield _f("empty-transform-id", f"the {kind} transform has an empty transformId{part}", where)
                if local(parent.tag) in _WORKING_SPACES and not any(local(c.tag) in _IDENTIFIERS for c in parent):
                    yield _f("empty-transform-id", f"the {kind} transform's {local(parent.tag)} names no transform",
                             where)


def _files(root: ET.Element) -> Iterator[tuple[str, ET.Element, ET.Element, bool]]:
    """(where, file element, its parent, belongs to a transform) for every aces:file."""
    for clip_file in root.findall(f"{_q('clipId')}/{_q('file')}"):
        yield "clipId/file", clip_file, root.find(_q("clipId")), False
    for name, pipe in _pipelines(root):
        for kind, where, el in _steps(pipe, name):
            for parent in el.iter():
                for f in parent.findall(_q("file")):
                    yield where, f, parent, True


def _unsafe(path: str) -> Optional[str]:
    if not path:
        return "is empty"
    if path.startswith(("/", "\\")) or re.match(r"[A-Za-z]:[\\/]", path) or re.match(r"[A-Za-z][\w+.-]*://", path):
        return "is absolute"
    if ".." in re.split(r"[\\/]", path):
        return "goes up a folder ('..')"
    return None


def file_paths(root: ET.Element, ctx: "Context") -> Iterator[Finding]:
    for where, f, _, of_transform in _files(root):
        raw = _text(f) or ""
        problem = _unsafe(unquote(raw))
        if problem:  # a transform's file is opened by readers; the clip's media file is only named
            yield _f("file-path", f"the file reference {raw!r} {problem}; AMF file references are relative to "
                                  f"the AMF's folder", where, None if of_transform else "warning")


def _digest(path: str, algorithm: str) -> bytes:
    h = hashlib.new(algorithm, usedforsecurity=False)  # a checksum here, not security
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.digest()


def _matches(stored: str, digest: bytes) -> bool:
    stored = "".join(stored.split())
    if stored.lower() == digest.hex():
        return True
    try:
        return base64.b64decode(stored, validate=True) == digest
    except (binascii.Error, ValueError):
        return False


def referenced_files(root: ET.Element, ctx: "Context") -> Iterator[Finding]:
    if ctx.folder is None:
        return
    for where, f, parent, of_transform in _files(root):
        rel = unquote(_text(f) or "")
        if not of_transform or _unsafe(rel):
            continue
        path = os.path.join(ctx.folder, rel)
        if not os.path.isfile(path):
            yield _f("file-missing", f"the referenced file {rel!r} does not exist next to the AMF", where)
            continue
        h = parent.find(_q("hash"))
        if h is None:
            continue
        uri = (h.get("algorithm") or "").strip()
        if uri not in _HASHES:
            yield _f("file-hash", f"cannot check the hash of {rel!r}: unknown algorithm {uri!r}", where, "warning")
        elif not _matches(_text(h) or "", _digest(path, _HASHES[uri])):
            yield _f("file-hash", f"the {_HASHES[uri]} hash of {rel!r} does not match the file", where)


def cdl_refs(root: ET.Element, ctx: "Context") -> Iterator[Finding]:
    for name, pipe in _pipelines(root):
        for kind, where, el in _steps(pipe, name):
            ref_el = el.find(_q("ColorCorrectionRef", NS_CDL))
            if ref_el is None:
                continue
            ref, rel = (ref_el.get("ref") or "").strip(), unquote(_text(el.find(_q("file"))) or "")
            if not ref:
                yield _f("cdl-ref", "the ColorCorrectionRef has no ref", where)
                continue
            if ctx.folder is None or _unsafe(rel) or not os.path.isfile(os.path.join(ctx.folder, rel)):
                continue  # reported by file-path / file-missing
            try:
                with open(os.path.join(ctx.folder, rel), "rb") as fh:
                    ccc = parse(fh.read(), rel)
            except (OSError, ValueError) as e:
                yield _f("cdl-ref", f"cannot read the CDL file: {e}", where)
                continue
            ids = [c.get("id") for c in ccc.iter() if local(c.tag) == "ColorCorrection"]
            if None in ids:
                yield _f("cdl-ref", f"{rel} has a ColorCorrection without id", where, "warning")
            dupes = sorted({i for i in ids if i and ids.count(i) > 1})
            if dupes:
                yield _f("cdl-ref", f"{rel} has duplicate ColorCorrection ids: {', '.join(dupes)}", where)
            if ref not in ids:
                yield _f("cdl-ref", f"{rel} has no ColorCorrection with id {ref!r}", where)


def _when(text: str) -> Optional[_dt.datetime]:
    m = re.fullmatch(r"(-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?", text)
    if not m:
        return None
    try:
        when = _dt.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None
    tz = m.group(3)
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        when -= sign * _dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6]))
    return when.replace(tzinfo=_dt.timezone.utc)  # no zone given: taken as UTC


def dates(root: ET.Element, ctx: "Context") -> Iterator[Finding]:
    infos = [("amfInfo", root.find(_q("amfInfo")))] + \
        [(f"{name}/pipelineInfo", p.find(_q("pipelineInfo"))) for name, p in _pipelines(root)]
    for where, info in infos:
        dt = None if info is None else info.find(_q("dateTime"))
        if dt is None:
            continue
        created, modified = (_text(dt.find(_q(t))) for t in ("creationDateTime", "modificationDateTime"))
        c, m = (_when(x) if x else None for x in (created, modified))
        if c and m and c > m:
            yield _f("date-order", f"created {created}, after its modification {modified}", where)
        for label, text, when in (("created", created, c), ("modified", modified, m)):
            if when and when > ctx.now + _dt.timedelta(days=1):
                yield _f("date-future", f"{label} {text}, in the future", where)


def uuids(root: ET.Element, ctx: "Context") -> Iterator[Finding]:
    seen: dict = {}
    places = [("amfInfo", root.find(f"{_q('amfInfo')}/{_q('uuid')}")),
              ("clipId", root.find(f"{_q('clipId')}/{_q('uuid')}"))] + \
        [(f"{name}/pipelineInfo", p.find(f"{_q('pipelineInfo')}/{_q('uuid')}")) for name, p in _pipelines(root)]
    for where, el in places:
        value = (_text(el) or "").lower()
        if not value:
            continue
        if value in seen:
            yield _f("duplicate-uuid", f"{_text(el)} is also the uuid of {seen[value]}", where)
        else:
            seen[value] = where


@dataclass(frozen=True)
class Context:
    """What the rules need besides the tree: the AMF's folder (None: not from a file) and the time now."""

    folder: Optional[str]
    now: _dt.datetime


ALL = (versions, empty_ids, applied_order, cdl_values, rgc_duplicate, cdl_refs, file_paths, referenced_files,
       dates, uuids, metadata)


def run(root: ET.Element, folder: Optional[str] = None, now: Optional[_dt.datetime] = None) -> Iterator[Finding]:
    """Every finding of every rule on a v2.0 tree, rule by rule, in document order."""
    ctx = Context(folder, now or _dt.datetime.now(_dt.timezone.utc))
    for rule in ALL:
        yield from rule(root, ctx)
