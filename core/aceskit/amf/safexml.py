"""Bounded, DTD-free XML parsing for AMF and the CDL/CCC files it references (standard library only).

The document is parsed by expat with handlers that build the tree, so every limit is checked while
parsing, before the next element is read: size (:data:`MAX_BYTES`), nesting (:data:`MAX_DEPTH`),
element count (:data:`MAX_ELEMENTS`); the attribute count (:data:`MAX_ATTRIBUTES`) before parsing.  A ``<!DOCTYPE name>`` without internal subset or external
identifier (what DaVinci Resolve writes) is accepted; internal subsets, entity, element, attribute
and notation declarations and external DTDs are refused.  Text inside comments, CDATA or processing
instructions is never markup.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from typing import Union
from xml.parsers import expat

NS_V1 = "urn:ampas:aces:amf:v1.0"
NS_V2 = "urn:ampas:aces:amf:v2.0"
NS_CDL = "urn:ASC:CDL:v1.01"
NS_XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: Largest AMF aceskit parses (a real AMF is a few kB).
MAX_BYTES = 16 * 1024 * 1024
#: Deepest element nesting aceskit accepts (AMF nests about 6 deep).
MAX_DEPTH = 64
#: Most elements (comments included) aceskit accepts in one document (a real AMF has a few hundred).
MAX_ELEMENTS = 5_000
#: Most attributes (``name="value"``, namespace declarations included) in one document.  Counted on the
#: text before expat sees it: expat's time grows faster than linearly with the attributes of one element.
MAX_ATTRIBUTES = 20_000
_ATTRIBUTE = re.compile(r"=\s*[\"']")

for _prefix, _ns in (("aces", NS_V2), ("cdl", NS_CDL), ("xsi", NS_XSI), ("ds", "http://www.w3.org/2000/09/xmldsig#")):
    ET.register_namespace(_prefix, _ns)


def qname(tag: str, ns: str = NS_V2) -> str:
    """``{namespace}tag`` (ElementTree's qualified name)."""
    return f"{{{ns}}}{tag}"


def local(tag) -> str:
    """The local part of an element's tag ('' for comments)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


class _Refused(ValueError):
    pass


class _Builder:
    """expat handlers that feed an ElementTree TreeBuilder and enforce the limits as they go."""

    def __init__(self, where: str):
        self.where, self.depth, self.count = where, 0, 0
        self.tree = ET.TreeBuilder(insert_comments=True)

    @staticmethod
    def _name(name: str) -> str:
        return "{" + name if "}" in name else name

    def _one_more(self) -> None:
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise _Refused(f"{self.where}: more than {MAX_ELEMENTS} elements (an AMF has a few hundred)")

    def start(self, name, attrs) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(f"{self.where}: elements nested deeper than {MAX_DEPTH} levels")
        self._one_more()
        self.tree.start(self._name(name), {self._name(k): v for k, v in attrs.items()})

    def end(self, name) -> None:
        self.depth -= 1
        self.tree.end(self._name(name))

    def comment(self, text) -> None:
        if self.depth:  # comments outside the root element are not kept
            self._one_more()
            self.tree.comment(text)

    def doctype(self, name, system_id, public_id, has_internal_subset) -> None:
        if system_id or public_id or has_internal_subset:
            raise _Refused(f"{self.where}: refusing XML with a DOCTYPE that has an internal subset or an external "
                           f"DTD (DTDs and entities are not allowed in AMF)")

    def declaration(self, what: str):
        def refuse(*_):
            raise _Refused(f"{self.where}: refusing XML with an {what} declaration (DTDs and entities are not "
                           f"allowed in AMF)")
        return refuse


def _decoded(data: bytes) -> str:
    """The text, decoded enough to count markup (UTF-16/32 by BOM or first bytes; else byte by byte)."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                     (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    if data[:2] in (b"<\x00", b"\x00<"):
        return data.decode("utf-16-le" if data[0] == 0x3C else "utf-16-be", errors="replace")
    return data.decode("latin-1")


def parse(data: Union[bytes, str], where: str = "AMF") -> ET.Element:
    """Parse untrusted XML within the limits above; one-sentence ``ValueError`` naming ``where`` otherwise."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        raise ValueError(f"{where}: {len(data)} bytes is larger than the {MAX_BYTES // 2**20} MiB AMF limit")
    if not data.strip():
        raise ValueError(f"{where}: the file is empty")
    for n, _ in enumerate(_ATTRIBUTE.finditer(_decoded(data)), 1):
        if n > MAX_ATTRIBUTES:
            raise ValueError(f"{where}: more than {MAX_ATTRIBUTES} attributes (an AMF has a few hundred)")
    b = _Builder(where)
    p = expat.ParserCreate(namespace_separator="}")
    p.buffer_text = True
    p.StartElementHandler, p.EndElementHandler = b.start, b.end
    p.CharacterDataHandler, p.CommentHandler = b.tree.data, b.comment
    p.StartDoctypeDeclHandler = b.doctype
    p.EntityDeclHandler = p.UnparsedEntityDeclHandler = b.declaration("ENTITY")
    p.ElementDeclHandler = b.declaration("ELEMENT")
    p.AttlistDeclHandler = b.declaration("ATTLIST")
    p.NotationDeclHandler = b.declaration("NOTATION")
    p.SkippedEntityHandler = b.declaration("undeclared entity reference; an ENTITY")
    p.ExternalEntityRefHandler = b.declaration("external entity; an ENTITY")
    try:
        p.Parse(data, True)
        return b.tree.close()
    except _Refused as e:
        raise ValueError(str(e)) from None
    except (expat.ExpatError, AssertionError) as e:  # AssertionError: TreeBuilder on an unclosed root
        raise ValueError(f"{where}: malformed XML ({e})") from None


def load(source: Union[str, "os.PathLike[str]", bytes]) -> "tuple[bytes, str]":
    """(bytes, name for messages) of a path, bytes or XML text; the size limit is checked before reading."""
    if isinstance(source, bytes):
        return source, "AMF"
    if isinstance(source, str) and source.lstrip().startswith("<"):
        return source.encode("utf-8"), "AMF"
    path = os.fspath(source)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"AMF file not found: {path}")
    size = os.path.getsize(path)
    if size > MAX_BYTES:
        raise ValueError(f"{path}: {size} bytes is larger than the {MAX_BYTES // 2**20} MiB AMF limit")
    with open(path, "rb") as fh:
        return fh.read(MAX_BYTES + 1), path
