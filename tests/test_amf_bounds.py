"""`amf validate` stays bounded on the worst documents it accepts, and works without xmlschema."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from aceskit import amf

ROOT = Path(__file__).resolve().parents[1]
TESTDATA = ROOT / ".." / "shared" / "testdata" / "amf"
SMALL = (TESTDATA / "valid" / "06_cdl_in_acescct.amf").read_bytes()
HEAD = SMALL[:SMALL.index(b"<aces:inputTransform")]
TAIL = b"</aces:pipeline></aces:acesMetadataFile>"
LOOK = SMALL[SMALL.index(b"<aces:lookTransform"):SMALL.index(b"</aces:lookTransform>") + 21]
BAD_LOOK = LOOK.replace(b"<cdl:Slope>", b"<cdl:Slope>-")  # an XSD error and a cdl-range error each


def at_limit(unit: bytes, head: bytes = HEAD, tail: bytes = TAIL) -> bytes:
    """head + as many units as fit + tail, padded with whitespace to exactly the size limit."""
    room = amf.MAX_BYTES - len(head) - len(tail)
    body = unit * (room // len(unit)) if unit else b""
    return head + body + b" " * (room - len(body)) + tail


def errors_everywhere() -> bytes:
    """Just under the element limit, every look an XSD and a rule error; the rest is whitespace."""
    return at_limit(b"", HEAD + BAD_LOOK * ((amf.MAX_ELEMENTS - 100) // BAD_LOOK.count(b"</")))


WORST = {  # case -> (document at the size limit, the rule that must show, None for no finding)
    "empty elements": (lambda: at_limit(b"<x/>"), "parse"),
    "deep nesting": (lambda: at_limit(b"<x>"), "parse"),
    "many attributes": (lambda: b"<a " + b"".join(b'a%d="" ' % i for i in range(1_400_000))[:amf.MAX_BYTES - 10]
                        + b"/>", "parse"),
    "many comments": (lambda: at_limit(b"<!---->"), "parse"),
    "processing instructions": (lambda: at_limit(b"<?p?>"), None),
    "a huge description": (lambda: at_limit(b"", SMALL[:SMALL.rindex(b"</aces:pipeline>")].replace(
        b"</aces:description>", b"x" * (amf.MAX_BYTES - 4000) + b"</aces:description>", 1)), None),
    "errors in every element": (errors_everywhere, "schema"),
}

# The probe runs in a grandchild: Linux carries a process's peak RSS across exec, so a child started by
# pytest would report pytest's own peak; the small launcher in between gives the probe a clean count.
LAUNCH = "import subprocess, sys; sys.exit(subprocess.run([sys.executable, '-c'] + sys.argv[1:]).returncode)"
PROBE = """
import json, resource, sys, time
from aceskit import amf
amf.check(sys.argv[2])  # load the XSD first: a fixed cost of the first validation in a process
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
report = amf.check(sys.argv[1])
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "before_mb": before, "rules": sorted({f.rule for f in report.findings}),
                  "findings": len(report.findings), "more": report.more}))
"""


@pytest.mark.parametrize("case", sorted(WORST))
def test_worst_case_at_the_size_limit(case, tmp_path):
    make, rule = WORST[case]
    data = make()
    assert len(data) <= amf.MAX_BYTES
    path = tmp_path / "worst.amf"
    path.write_bytes(data)
    del data
    small = tmp_path / "small.amf"
    small.write_bytes(SMALL)
    out = subprocess.run([sys.executable, "-c", LAUNCH, PROBE, str(path), str(small)], capture_output=True,
                         text=True, check=True, timeout=120)
    m = json.loads(out.stdout)
    print(case, m)
    # Before bounding, a 16 MB file of 4 M elements took 164 s and 5.5 GB.  Here: ~0.1-0.6 s and ~150 MB on a
    # desktop; the bounds leave room for a loaded 2-core CI machine.
    assert m["seconds"] < 3.0 and m["peak_mb"] < 200, m
    assert m["findings"] <= amf.MAX_FINDINGS
    if rule:
        assert rule in m["rules"], m
    else:
        assert m["rules"] == [], m


def test_same_size_limit_as_show(tmp_path):
    path = tmp_path / "big.amf"
    path.write_bytes(at_limit(b"") + b" ")  # one byte too many
    with pytest.raises(ValueError, match="larger than the 16 MiB AMF limit"):
        amf.read(path)
    assert [(f.rule, "larger than the 16 MiB" in f.message) for f in amf.check(path).findings] == [("parse", True)]
    path.write_bytes(at_limit(b""))
    assert amf.check(path).findings == []


NO_XMLSCHEMA = """
import json, sys, warnings
for name in ("xmlschema", "elementpath", "OpenEXR", "PyOpenColorIO", "colour", "numba", "dask", "scipy"):
    sys.modules[name] = None  # import of any of these now fails
from aceskit import amf
from aceskit.cli import main
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    valid = amf.validate(sys.argv[1])
    invalid = amf.validate(sys.argv[2])
report = amf.check(sys.argv[2])
sys.stdout.flush()
code = main(["amf", "validate", sys.argv[2]])
print(json.dumps({"available": amf.schema_available(), "valid": valid, "invalid": invalid,
                  "warnings": [str(w.message) for w in caught], "schema": report.schema, "note": report.note,
                  "code": code, "loaded": sorted(m for m in ("xmlschema", "OpenEXR", "colour") if sys.modules.get(m))}))
"""


def test_validation_without_xmlschema():
    valid = TESTDATA / "valid" / "30_cdl_reference_from_ccc.amf"
    invalid = TESTDATA / "invalid" / "invalid_03_negative_cdl_slope.amf"
    out = subprocess.run([sys.executable, "-c", NO_XMLSCHEMA, str(valid), str(invalid)], capture_output=True,
                         text=True, check=True, timeout=120)
    m = json.loads(out.stdout.splitlines()[-1])
    assert m["available"] is False and m["loaded"] == [] and m["schema"] == "skipped"
    assert m["valid"] == []
    assert [e.rsplit("[", 1)[1] for e in m["invalid"]] == ["transform-version]", "transform-version]", "cdl-range]"]
    assert m["warnings"] == [amf.validation.SCHEMA_SKIPPED] * 2 and m["note"] == amf.validation.SCHEMA_SKIPPED
    assert m["code"] == 1
    err = out.stderr.splitlines()  # the three findings, then the note as one warning line
    assert len(err) == 4 and err[-1] == f"aceskit: warning: {amf.validation.SCHEMA_SKIPPED}"
    assert "\n" not in amf.validation.SCHEMA_SKIPPED
    with_schema = amf.check(invalid)
    assert with_schema.schema == "checked" and "schema" in {f.rule for f in with_schema.findings}


@pytest.mark.parametrize("module", sorted((ROOT / "core" / "aceskit" / "amf").glob("*.py")), ids=lambda p: p.name)
def test_python_39_syntax(module):
    """Hosts run Python 3.9 (Nuke 14): the AMF package must parse with the 3.9 grammar."""
    ast.parse(module.read_text(), str(module), feature_version=(3, 9))
