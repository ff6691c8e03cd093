"""The AMF rules beyond the XSD, on the ACES project's own valid and invalid AMF test files and on edits of them."""

import datetime as dt
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
import xmlschema

from aceskit import amf
from aceskit.cli import main

TESTDATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "testdata" / "amf"
VALID = sorted((TESTDATA / "valid").glob("*.amf"))
INVALID = sorted((TESTDATA / "invalid").glob("*.amf"))

# Keyword in an invalid file's name -> the rule that must flag it.
RULE_OF = {
    "non_applied_before_applied": "applied-order",
    "negative_cdl_slope": "cdl-range",
    "extreme_cdl_values": "cdl-extreme",
    "no_author": "missing-author",
    "parent_directory_references": "file-path",
    "empty_odt_transform_id": "empty-transform-id",
    "aces_1_3_with_2_0_transforms": "transform-version",
    "missing_system_version": "system-version",
    "hash_mismatch": "file-hash",
    "invalid_date_logic": "date-order",
    "missing_cdl_id_in_ccc": "cdl-ref",
    "identity_cdl_warning": "cdl-identity",
}


def test_testdata_is_there():
    assert len(VALID) >= 38 and len(INVALID) >= 12, f"AMF test data missing under {TESTDATA}"
    assert set(RULE_OF.values()) <= set(amf.RULES)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_files_have_no_errors(path):
    report = amf.check(path)
    assert report.schema == "checked"
    assert report.errors == [] and report.ok, [str(f) for f in report.errors]


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_files_are_flagged_with_their_rule(path):
    keys = [k for k in RULE_OF if k in path.name]
    assert len(keys) == 1, f"{path.name}: map its name to a rule in RULE_OF"
    rule = RULE_OF[keys[0]]
    for schema in (True, False):  # the rules find it without the XSD too
        found = {f.rule for f in amf.check(path, schema=schema).findings}
        assert rule in found, (path.name, found)
    assert all(f.severity in ("error", "warning") for f in amf.check(path).findings)


# -- each rule on a small edit of a valid file ---------------------------------------------------------
def edited(tmp_path, name, *subs, copy_refs=False) -> Path:
    text = (TESTDATA / "valid" / name).read_text()
    for old, new in subs:
        assert old in text, old
        text = text.replace(old, new, 1)
    out = tmp_path / name
    out.write_text(text)
    if copy_refs:
        for ref in (TESTDATA / "valid").glob("*.c[cl][cf]"):
            shutil.copy(ref, tmp_path / ref.name)
    return out


def rules_of(path, **kw):
    return sorted({(f.severity, f.rule) for f in amf.check(path, **kw).findings})


def test_applied_order(tmp_path):
    base = "28_mixed_applied_status.amf"  # input+ look+ look- look- output-
    assert rules_of(TESTDATA / "valid" / base) == []
    text = (TESTDATA / "valid" / base).read_text()
    looks = [m.start() for m in re.finditer('<aces:lookTransform applied="false">', text)]
    late = text[:looks[1]] + '<aces:lookTransform applied="true">' + text[looks[1] + 35:]
    (tmp_path / "a.amf").write_text(late)
    assert ("error", "applied-order") in rules_of(tmp_path / "a.amf")
    no_input = text.replace('<aces:inputTransform applied="true">', '<aces:inputTransform applied="false">')
    (tmp_path / "b.amf").write_text(no_input)
    found = amf.check(tmp_path / "b.amf").findings
    assert [f.where for f in found if f.rule == "applied-order"] == ["pipeline/lookTransform[1]"]
    out_baked = text.replace('<aces:outputTransform applied="false">', '<aces:outputTransform applied="true">')
    (tmp_path / "c.amf").write_text(out_baked)
    assert rules_of(tmp_path / "c.amf") == [("warning", "applied-order")]


CDL = "<cdl:Slope>1.25 1.0 0.85</cdl:Slope>"


@pytest.mark.parametrize("slope,sat,expected", [
    ("-0.1 1 1", "1", ("error", "cdl-range")),
    ("1 1", "1", ("error", "cdl-range")),
    ("1 nan 1", "1", ("error", "cdl-range")),
    ("1 x 1", "1", ("error", "cdl-range")),
    ("1 1 1", "-0.5", ("error", "cdl-range")),
    ("0 1 1", "1", ("warning", "cdl-extreme")),
    ("4.5 1 1", "1", ("warning", "cdl-extreme")),
    ("1 1 1", "5", ("warning", "cdl-extreme")),
    ("4 1 1", "4", None),
])
def test_cdl_values(tmp_path, slope, sat, expected):
    path = edited(tmp_path, "06_cdl_in_acescct.amf", (CDL, f"<cdl:Slope>{slope}</cdl:Slope>"),
                  ("<cdl:Saturation>1.12</cdl:Saturation>", f"<cdl:Saturation>{sat}</cdl:Saturation>"))
    found = rules_of(path, schema=False)
    assert found == ([expected] if expected else []), found


def test_cdl_power_and_identity(tmp_path):
    text = (TESTDATA / "valid" / "06_cdl_in_acescct.amf").read_text()
    sop = re.search(r"<cdl:ASC_SOP>.*?</cdl:ASC_SAT>", text, re.S).group(0)
    identity = ("<cdl:ASC_SOP><cdl:Slope>1 1.0000001 1</cdl:Slope><cdl:Offset>0 0 -0.0</cdl:Offset>"
                "<cdl:Power>1 1 1</cdl:Power></cdl:ASC_SOP><cdl:ASC_SAT><cdl:Saturation>1.0</cdl:Saturation>"
                "</cdl:ASC_SAT>")
    (tmp_path / "id.amf").write_text(text.replace(sop, identity))
    assert rules_of(tmp_path / "id.amf") == [("warning", "cdl-identity")]
    (tmp_path / "near.amf").write_text(text.replace(sop, identity.replace("1.0000001", "1.001")))
    assert rules_of(tmp_path / "near.amf") == []
    (tmp_path / "p0.amf").write_text(text.replace(sop, identity.replace("<cdl:Power>1 1 1", "<cdl:Power>1 0 1")))
    assert ("error", "cdl-range") in rules_of(tmp_path / "p0.amf", schema=False)


@pytest.mark.parametrize("ref,problem", [
    ("/etc/passwd", "absolute"), ("%2Fetc%2Fpasswd", "absolute"), ("C:%5Cgrades%5Clook.clf", "absolute"),
    ("file:///grades/look.clf", "absolute"), ("looks/../../look.clf", "up a folder"),
    ("looks%2F..%2F..%2Flook.clf", "up a folder"), ("..\\look.clf", "up a folder"),
])
def test_file_paths(tmp_path, ref, problem):
    path = edited(tmp_path, "07_lut_based_look.amf",
                  ("<aces:file>MasterLookBright_O-Rec709.clf</aces:file>", f"<aces:file>{ref}</aces:file>"))
    found = [f for f in amf.check(path).findings if f.rule == "file-path"]
    assert len(found) == 1 and problem in found[0].message and found[0].severity == "error"
    clip = edited(tmp_path, "14_complex_metadata.amf", ("<aces:file>media%2FBIGMOVIE", f"<aces:file>{ref}"))
    found = [f for f in amf.check(clip).findings if f.rule == "file-path"]
    assert [(f.severity, f.where) for f in found] == [("warning", "clipId/file")] and problem in found[0].message


def test_referenced_files_and_hashes(tmp_path):
    name, clf = "07_lut_based_look.amf", "MasterLookBright_O-Rec709.clf"
    lonely = edited(tmp_path, name)
    assert rules_of(lonely) == [("error", "file-missing")]
    assert rules_of(edited(tmp_path, name, copy_refs=True)) == []          # base64 md5, as written
    data = (TESTDATA / "valid" / clf).read_bytes()
    md5 = '<aces:hash algorithm="http://www.w3.org/2001/04/xmldsig-more#md5">4GYskVNKvJ8K1ltFxVqpgw==</aces:hash>'
    for algorithm, uri in (("md5", "http://www.w3.org/2001/04/xmldsig-more#md5"),
                           ("sha1", "http://www.w3.org/2000/09/xmldsig#sha1"),
                           ("sha256", "http://www.w3.org/2001/04/xmlenc#sha256")):
        hex_hash = hashlib.new(algorithm, data).hexdigest()  # hex, as DaVinci Resolve writes it
        ok = edited(tmp_path, name, (md5, f'<aces:hash algorithm="{uri}">{hex_hash.upper()}</aces:hash>'),
                    copy_refs=True)
        assert rules_of(ok) == [], algorithm
    wrong = edited(tmp_path, name, (md5, md5.replace("4GYs", "5GYs")), copy_refs=True)
    assert rules_of(wrong) == [("error", "file-hash")]
    (tmp_path / clf).write_bytes(data + b" ")  # the file changed after the AMF was written
    assert rules_of(edited(tmp_path, name, copy_refs=False)) == [("error", "file-hash")]
    odd = edited(tmp_path, name, (md5, md5.replace("xmldsig-more#md5", "xmldsig-more#crc32")), copy_refs=True)
    assert ("warning", "file-hash") in rules_of(odd, schema=False)
    assert rules_of((TESTDATA / "valid" / name).read_bytes(), schema=False) == []  # not from a file: no lookup


def test_cdl_refs(tmp_path):
    name = "30_cdl_reference_from_ccc.amf"
    assert rules_of(edited(tmp_path, name, copy_refs=True)) == []
    missing = edited(tmp_path, name, ('ref="A001_C005_0923SG"', 'ref="A001_C999"'), copy_refs=True)
    assert [f.message for f in amf.check(missing).findings] == ["show_cdls.ccc has no ColorCorrection with id "
                                                               "'A001_C999'"]
    broken = edited(tmp_path, name, ("<aces:file>show_cdls.ccc</aces:file>", "<aces:file>malformed.ccc</aces:file>"),
                    copy_refs=True)
    assert [(f.rule, "cannot read" in f.message) for f in amf.check(broken, schema=False).findings] == [
        ("cdl-ref", True), ("file-hash", False)]  # its hash is the one of show_cdls.ccc
    ccc = (TESTDATA / "valid" / "show_cdls.ccc").read_text().replace("A001_C010_1215RT", "A001_C005_0923SG")
    (tmp_path / "show_cdls.ccc").write_text(ccc)
    dupes = amf.check(edited(tmp_path, name), schema=False).findings
    assert [(f.rule, "duplicate" in f.message) for f in dupes] == [("cdl-ref", True), ("file-hash", False)]
    (tmp_path / "show_cdls.ccc").write_text(ccc.replace(' id="A001_C005_0923SG"', "", 1))
    no_id = amf.check(edited(tmp_path, name), schema=False).findings
    assert [(f.severity, f.rule, f.message) for f in no_id if f.rule == "cdl-ref"] == [
        ("warning", "cdl-ref", "show_cdls.ccc has a ColorCorrection without id")]


def test_dates(tmp_path):
    name = "01_minimal.amf"
    text = (TESTDATA / "valid" / name).read_text()
    created = re.search(r"<aces:creationDateTime>(.*?)<", text).group(1)
    assert created == "2026-03-26T19:19:49Z"

    def with_dates(c, m):
        path = tmp_path / "d.amf"
        path.write_text(text.replace(f"<aces:creationDateTime>{created}", f"<aces:creationDateTime>{c}", 1)
                        .replace(f"<aces:modificationDateTime>{created}", f"<aces:modificationDateTime>{m}", 1))
        return rules_of(path, now=dt.datetime(2026, 4, 1, tzinfo=dt.timezone.utc))
    assert with_dates("2026-03-26T10:00:00+02:00", "2026-03-26T09:00:00Z") == []   # 08:00Z <= 09:00Z
    assert with_dates("2026-03-26T10:00:00Z", "2026-03-26T09:00:00+02:00") == [("error", "date-order")]
    assert with_dates("2026-03-26T10:00:00.5", "2026-03-26T10:00:00.25") == []     # fractions ignored, no zone
    assert with_dates("2026-03-26T10:00:00Z", "2026-04-01T23:00:00Z") == []        # within a day of now
    assert with_dates("2026-03-26T10:00:00Z", "2026-04-03T00:00:00Z") == [("error", "date-future")]


def test_uuids_versions_ids_metadata_rgc(tmp_path):
    text = (TESTDATA / "valid" / "16_gamut_compress_lmt.amf").read_text()
    info_uuid, pipe_uuid = re.findall(r"<aces:uuid>(.*?)</aces:uuid>", text)[:2]

    def rules(new_text):
        (tmp_path / "x.amf").write_text(new_text)
        return rules_of(tmp_path / "x.amf", schema=False)
    assert rules(text) == []
    assert rules(text.replace(pipe_uuid, info_uuid.upper())) == [("error", "duplicate-uuid")]
    assert rules(text.replace("transformId:v2.0:CSC.", "transformId:v1.5:CSC.", 1)) == [("error", "transform-version")]
    assert rules(re.sub(r"(<aces:outputTransform[^>]*>.*?<aces:transformId>)[^<]*", r"\1", text, flags=re.S)) == [
        ("error", "empty-transform-id")]
    assert rules(re.sub(r"<aces:description>[^<]*</aces:description>", "", text, count=1)) == [
        ("warning", "missing-description")]
    look = re.search(r"<aces:lookTransform.*?</aces:lookTransform>", text, re.S).group(0)
    assert "ReferenceGamutCompress" in look
    assert rules(text.replace(look, look + look)) == [("warning", "rgc-duplicate")]
    ws = "<aces:cdlWorkingSpace><aces:fromCdlWorkingSpace><aces:transformId/></aces:fromCdlWorkingSpace>" \
         "</aces:cdlWorkingSpace><cdl:ASC_SOP><cdl:Slope>1.1 1 1</cdl:Slope><cdl:Offset>0 0 0</cdl:Offset>" \
         "<cdl:Power>1 1 1</cdl:Power></cdl:ASC_SOP><cdl:ASC_SAT><cdl:Saturation>1</cdl:Saturation></cdl:ASC_SAT>"
    cdl = f'<aces:lookTransform applied="false">{ws}</aces:lookTransform>'
    assert rules(text.replace(look, look + cdl)) == [("error", "empty-transform-id")]
    assert rules(text.replace(look, look + cdl.replace(ws[:ws.index("<cdl:")], ""))) == [
        ("warning", "cdl-working-space")]
    no_id = cdl.replace("<aces:transformId/>", "")
    assert [f.message for f in amf.check(text.replace(look, look + no_id).encode(), schema=False).findings] == [
        "the look transform's fromCdlWorkingSpace names no transform"]


def test_findings_stop_at_100_and_the_rest_is_counted(tmp_path):
    text = (TESTDATA / "valid" / "16_gamut_compress_lmt.amf").read_text()
    look = re.search(r"<aces:lookTransform.*?</aces:lookTransform>", text, re.S).group(0)
    bad = look.replace("<aces:transformId>urn", "<aces:transformId>x:urn")  # fails the XSD pattern, no rule
    (tmp_path / "many.amf").write_text(text.replace(look, bad * 130))
    assert amf.check(tmp_path / "many.amf", schema=False).findings == []
    full = amf.check(tmp_path / "many.amf")  # the XSD check stops at the limit: "more" is a lower bound
    assert {f.rule for f in full.findings} == {"schema"}
    assert (len(full.findings), full.more, full.more_exact, full.ok) == (amf.MAX_FINDINGS, 1, False, False)
    cdl = (TESTDATA / "invalid" / "invalid_23_identity_cdl_warning.amf").read_text()
    one = re.search(r"<aces:lookTransform.*?</aces:lookTransform>", cdl, re.S).group(0)
    (tmp_path / "ids.amf").write_text(cdl.replace(one, one * 150))
    r = amf.check(tmp_path / "ids.amf")  # the rules count every finding past the limit
    assert (len(r.findings), r.more, r.more_errors, r.more_exact, r.ok) == (100, 50, 0, True, True)


def test_cli_reports_how_many_more(tmp_path, capsys):
    cdl = (TESTDATA / "invalid" / "invalid_03_negative_cdl_slope.amf").read_text()
    one = re.search(r"<aces:lookTransform.*?</aces:lookTransform>", cdl, re.S).group(0)
    (tmp_path / "neg.amf").write_text(cdl.replace(one, one * 120))
    assert main(["amf", "validate", str(tmp_path / "neg.amf")]) == 1
    out = capsys.readouterr().err.splitlines()
    # 1 more XSD error seen, and every rule finding: 120 negative slopes, 2 ACES 2.0 IDs in a 1.3 pipeline
    assert len(out) == 101 and out[-1].endswith("stopped after 100 findings; at least 123 more not shown "
                                                "(at least 123 of them errors)")


# -- the command line ----------------------------------------------------------------------------------
def test_cli_exit_codes_and_json(capsys):
    assert main(["amf", "validate", str(VALID[0])]) == 0
    assert "valid AMF v2.0" in capsys.readouterr().out
    bad = TESTDATA / "invalid" / "invalid_03_negative_cdl_slope.amf"
    assert main(["amf", "validate", str(bad)]) == 1
    out = capsys.readouterr()
    assert any(line.endswith("[cdl-range]") and ": error: " in line for line in out.err.splitlines())
    assert out.out.splitlines() == [f"{bad}: invalid AMF (4 errors)"]
    warn_only = TESTDATA / "invalid" / "invalid_23_identity_cdl_warning.amf"
    assert main(["amf", "validate", "--json", str(warn_only)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is True and report["warnings"] == 1 and report["schema"] == "checked"
    assert [(f["severity"], f["rule"]) for f in report["findings"]] == [("warning", "cdl-identity")]
    assert main(["amf", "validate", "no-such.amf"]) == 1    # an unreadable input fails (docs/cli.md)
    assert capsys.readouterr().err.startswith("aceskit: error: FILE no-such.amf")
    with pytest.raises(SystemExit) as exc:
        main(["amf", "validate"])
    assert exc.value.code == 2


def test_rules_are_documented():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "amf.md").read_text()
    for rule in amf.RULES:
        assert f"`{rule}`" in doc, rule


def test_schema_itself_agrees_on_the_valid_files():
    """The packaged XSD, loaded by xmlschema directly, accepts every valid file (independent of amf.check)."""
    schema = xmlschema.XMLSchema(amf.schema_path())
    assert all(schema.is_valid(str(p)) for p in VALID)
