"""Validation of an AMF: the official AMF v2.0 XSD (when ``xmlschema`` is installed) plus the rules of
:mod:`aceskit.amf.rules`, bounded in size, depth, element count and number of findings reported."""

from __future__ import annotations

import datetime as _dt
import os
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator, Optional

from .. import optional
from . import rules
from .document import AMF
from .rules import Finding
from .safexml import NS_CDL, NS_V1, NS_V2, load, parse

#: Findings reported at most; the rest are only counted.
MAX_FINDINGS = 100
SCHEMA_SKIPPED = "AMF schema validation skipped: xmlschema is not installed (pip install xmlschema); " \
                 "the rules beyond the schema were checked"


def schema_path() -> str:
    """The packaged official AMF v2.0 XSD (with its imports alongside)."""
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "amf",
                        "acesMetadataFile.xsd")


def schema_available() -> bool:
    """True when the XSD can be checked (the ``xmlschema`` package imports)."""
    try:
        optional.require("xmlschema", "AMF schema validation", "xmlschema")
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _schema():
    return optional.require("xmlschema", "AMF schema validation", "xmlschema").XMLSchema(schema_path())


def _prefixed(text: str) -> str:
    for prefix, ns in (("aces", NS_V2), ("cdl", NS_CDL)):
        text = text.replace(f"{{{ns}}}", f"{prefix}:")
    return text


def _schema_findings(root: ET.Element) -> Iterator[Finding]:
    for e in _schema().iter_errors(root):
        where = _prefixed(e.path or "/").replace("/aces:acesMetadataFile/", "", 1).replace("aces:", "")
        yield Finding("error", "schema", _prefixed(e.reason or e.message), where)


@dataclass
class Report:
    """What :func:`check` found: the first :data:`MAX_FINDINGS` findings, and how many more there were."""

    source: str
    findings: list = field(default_factory=list)
    more: int = 0            # findings beyond the limit, not kept
    more_errors: int = 0     # of which errors
    more_exact: bool = True  # False: the schema check stopped at the limit, so ``more`` is a lower bound
    schema: str = "checked"  # checked, skipped (no xmlschema) or not run (unreadable or not v2.0)

    @property
    def errors(self) -> list:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """No error (warnings allowed)."""
        return not self.errors and not self.more_errors

    @property
    def note(self) -> Optional[str]:
        return SCHEMA_SKIPPED if self.schema == "skipped" else None

    def to_dict(self) -> dict:
        return {"file": self.source, "valid": self.ok, "errors": len(self.errors) + self.more_errors,
                "warnings": len(self.warnings) + self.more - self.more_errors, "schema": self.schema,
                "findings": [f.to_dict() for f in self.findings], "more_findings": self.more,
                "more_findings_exact": self.more_exact, "note": self.note}


def check(source, *, schema: bool = True, limit: int = MAX_FINDINGS, now: Optional[_dt.datetime] = None) -> Report:
    """Validate an AMF (path, bytes, XML text or :class:`~aceskit.amf.AMF`) against the XSD and the rules.

    Unsafe, oversized or malformed XML is a ``parse`` finding, not an exception.  Files a transform
    references are looked up next to the AMF (only when it was read from a path).  ``schema=False``
    (or no ``xmlschema``) checks the rules alone.
    """
    if isinstance(source, AMF):
        root, where = source.root, source.path or "AMF"
    else:
        try:
            data, where = load(source)
            root = parse(data, where)
        except (ValueError, FileNotFoundError) as e:
            text = isinstance(source, bytes) or (isinstance(source, str) and source.lstrip().startswith("<"))
            return Report("AMF" if text else os.fspath(source), [Finding("error", "parse", str(e))], schema="not run")
    report = Report(where)
    folder = None if where == "AMF" else os.path.dirname(os.path.abspath(where))
    if root.tag == f"{{{NS_V1}}}acesMetadataFile":
        report.findings.append(Finding("error", "version", f"AMF v1.0 ({NS_V1}); aceskit validates v2.0 only "
                                                           f"(read and write it to upgrade)"))
        report.schema = "not run"
        return report
    if root.tag != f"{{{NS_V2}}}acesMetadataFile":
        report.findings.append(Finding("error", "parse", f"not an ACES Metadata File (root is {root.tag!r})"))
        report.schema = "not run"
        return report
    if schema and schema_available():
        for f in _schema_findings(root):  # the XSD check costs ~1 ms a finding: stop at the limit
            if len(report.findings) >= limit:
                report.more, report.more_errors, report.more_exact = 1, 1, False
                break
            report.findings.append(f)
    else:
        report.schema = "skipped" if schema else "not run"
    for f in rules.run(root, folder, now):  # cheap: every finding beyond the limit is counted
        if len(report.findings) < limit:
            report.findings.append(f)
        else:
            report.more += 1
            report.more_errors += f.severity == "error"
    return report


def validate(source) -> list[str]:
    """The errors of an AMF (XSD and rules; warnings left out), one string each; [] = valid.

    Without ``xmlschema`` the rules alone are checked and a one-line warning says the schema was skipped.
    """
    report = check(source)
    if report.schema == "skipped":
        warnings.warn(SCHEMA_SKIPPED, stacklevel=2)
    out = [str(f) for f in report.errors]
    if report.more_errors:
        out.append(f"... and {report.more_errors} more error{'s' if report.more_errors > 1 else ''}")
    return out
