"""AMF from real tools and from the ACES project: Resolve's DOCTYPE, v1 -> v2 upgrades, what `amf show` reports."""

import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from aceskit import amf, rgc
from aceskit.cli import main

ROOT = Path(__file__).resolve().parents[1]
TESTDATA = ROOT / ".." / "shared" / "testdata" / "amf"
RESOLVE = TESTDATA / "hosts" / "resolve_20.2.2_export.amf"
EXAMPLES = ROOT / "tests" / "data" / "amf"  # the official AMF v2.0 examples (ampas/aces-amf)


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(amf.schema_path())


# -- DOCTYPE ---------------------------------------------------------------------------------------------
def test_resolve_export_is_read(capsys):
    assert RESOLVE.read_bytes().splitlines()[1] == b"<!DOCTYPE aces:acesMetadataFile>"
    d = amf.read(RESOLVE)
    assert d.system_version == (2, 0, 0) and d.clip_name == "A273C025_260603UT"
    look = d.rgc_look()
    assert look.transform_id == rgc.TRANSFORM_ID_ACES20 and look.applied is True and d.rgc_applied is True
    cdls = [t for t in d.looks if t.is_cdl]
    assert len(cdls) == 10 and all(t.cdl_working_space == () for t in cdls)
    assert main(["amf", "show", str(RESOLVE)]) == 0
    out = capsys.readouterr()
    assert "[?]" not in out.out and out.err == ""
    assert "RGC    applied (baked into the frames) [urn:ampas:aces:transformId:v2.0:Look.Academy." \
           "ReferenceGamutCompress.a2.v1]" in out.out
    assert out.out.count("ASC CDL, no cdlWorkingSpace (working space not stated)") == 10
    assert "[urn:ampas:aces:transformId:v2.0:Look.Academy.ReferenceGamutCompress.a2.v1] (RGC)" in out.out


def test_resolve_export_validates_with_what_resolve_gets_wrong(capsys):
    assert main(["amf", "validate", str(RESOLVE)]) == 1
    rules = {line.rsplit("[", 1)[1].rstrip("]") for line in capsys.readouterr().err.splitlines()}
    # author without email and CDLs without working space fail the XSD; its CLF files are not shipped with it
    assert rules == {"schema", "cdl-working-space", "file-missing"}


def with_doctype(decl: bytes) -> bytes:
    return (EXAMPLES / "example3.amf").read_bytes().replace(b"?>", b"?>" + decl, 1)


@pytest.mark.parametrize("decl", [b"<!DOCTYPE aces:acesMetadataFile>", b"\n<!DOCTYPE  aces:acesMetadataFile >\n"])
def test_bare_doctype_accepted(decl, schema):
    assert amf.read(with_doctype(decl)).clip_name == "A001C030"
    assert amf.validate(with_doctype(decl)) == []


@pytest.mark.parametrize("decl", [
    b'<!DOCTYPE aces:acesMetadataFile SYSTEM "acesMetadataFile.dtd">',
    b'<!DOCTYPE aces:acesMetadataFile PUBLIC "-//x//y" "http://example.com/a.dtd">',
    b"<!DOCTYPE aces:acesMetadataFile []>",
    b'<!DOCTYPE aces:acesMetadataFile [<!ENTITY x "y">]>',
    b"<!DOCTYPE aces:acesMetadataFile [<!ATTLIST aces:acesMetadataFile a CDATA #IMPLIED>]>",
])
def test_doctype_with_subset_or_identifier_refused(decl):
    with pytest.raises(ValueError, match="refusing XML with a DOCTYPE that has an internal subset or an external"):
        amf.read(with_doctype(decl))
    assert [f.rule for f in amf.check(with_doctype(decl)).findings] == ["parse"]


def test_bare_doctype_does_not_enable_entities():
    text = with_doctype(b"<!DOCTYPE aces:acesMetadataFile>").replace(b"Exmaple Movie", b"&xxe;")
    with pytest.raises(ValueError, match="malformed XML"):
        amf.read(text)


def test_markup_in_comments_and_cdata_is_text(schema):
    hidden = (b'<!-- a template: <!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]> <!ENTITY y "z"> -->'
              b"<aces:description><![CDATA[<!DOCTYPE x><!ENTITY a 'b'>]]></aces:description>")
    text = (EXAMPLES / "example3.amf").read_bytes().replace(b"<aces:description>Exmaple Movie</aces:description>",
                                                            hidden)
    d = amf.read(text)
    assert d.description == "<!DOCTYPE x><!ENTITY a 'b'>"
    assert schema.is_valid(text.decode()) and amf.validate(text) == []
    assert b"<!-- a template: <!DOCTYPE" in d.to_xml()  # the comment survives, escaped text stays text
    assert b"&lt;!DOCTYPE x&gt;" in d.to_xml()


# -- v1 -> v2 ----------------------------------------------------------------------------------------------
def v1_form(v2: bytes) -> bytes:
    """An official v2.0 example written as AMF v1.0 (namespace, version, v1 element names, no v2-only parts)."""
    text = v2.decode().replace(amf.NS_V2, amf.NS_V1).replace('version="2.0"', 'version="1.0"')
    text = text.replace("CdlWorkingSpace", "LookTransformWorkingSpace").replace("cdlWorkingSpace",
                                                                                 "lookTransformWorkingSpace")
    text = re.sub(r'<aces:outputTransform applied="\w+">', "<aces:outputTransform>", text)
    text = re.sub(r"(</aces:dateTime>\s*)<aces:uuid>[^<]*</aces:uuid>", r"\1", text)  # info uuids: v2.0 only
    text = text.replace("<aces:acesMetadataFile ", f'<aces:acesMetadataFile xsi:schemaLocation="{amf.NS_V1} '
                        'file:acesMetadataFile.xsd" ', 1)
    if "xmlns:xsi" not in text:
        text = text.replace("<aces:acesMetadataFile ", f'<aces:acesMetadataFile xmlns:xsi="{amf.NS_XSI}" ', 1)
    return text.encode()


V1_FILES = sorted((TESTDATA / "v1").glob("*.amf"))
OFFICIAL = sorted(EXAMPLES.glob("*.amf"))


def v1_sources():
    return [(p.name, p.read_bytes()) for p in V1_FILES] + \
           [(f"v1 form of {p.name}", v1_form(p.read_bytes())) for p in OFFICIAL]


def test_v1_sources_are_there():
    assert len(V1_FILES) >= 2 and len(OFFICIAL) == 2
    for name, data in v1_sources():
        assert amf.NS_V1.encode() in data and amf.NS_V2.encode() not in data, name


@pytest.mark.parametrize("name,data", v1_sources(), ids=lambda x: x if isinstance(x, str) else "")
def test_v1_upgrade_is_schema_valid_and_round_trips(name, data, schema, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # example3 drops a working space; tested below
        d = amf.read(data)
    assert d.source_version == "1.0"
    xml = d.to_xml()
    assert schema.is_valid(xml.decode()), list(schema.iter_errors(xml.decode()))[:2]
    assert b"schemaLocation" not in xml and amf.NS_V1.encode() not in xml
    assert amf.validate(xml) == []
    path = d.write(tmp_path / "up.amf")
    back = amf.read(path)
    assert back.source_version == "2.0"
    assert back.to_xml() == xml  # the upgrade is stable: reading v2.0 back changes nothing
    assert (back.input_transform, back.looks, back.output_transform, back.archived()) == \
           (d.input_transform, d.looks, d.output_transform, d.archived())
    assert back.output_transform is None or back.output_transform.applied is False


def canonical(el: ET.Element):
    return (el.tag, sorted(el.attrib.items()), (el.text or "").strip(), (el.tail or "").strip(),
            [canonical(c) for c in el if isinstance(c.tag, str)])


def test_v1_example3_upgrades_to_the_official_v2_example3():
    """The ACES project published example3 in both versions: the upgrade must give the v2.0 one."""
    with pytest.warns(UserWarning, match="dropped the working space of .*LMT.ACME.AcmeDILook.a1.v5 while upgrading"):
        up = amf.read(TESTDATA / "v1" / "example3_v1.amf")
    official = ET.fromstring((EXAMPLES / "example3.amf").read_bytes())
    assert canonical(up.root) == canonical(official)


def test_v1_output_and_archived_pipelines_shown(capsys):
    assert main(["amf", "show", str(TESTDATA / "v1" / "example3_v1.amf")]) == 0
    out = capsys.readouterr()
    assert "[?]" not in out.out
    assert "output applied=false [urn:ampas:aces:transformId:v1.5:RRT.a1.0.3 + urn:ampas:aces:transformId:v1.5:" \
           "ODT.Academy.P3D60_48nits.a1.0.3]" in out.out
    assert "  archived pipeline 1, ACES 1.0.3:\n    input  applied=true  IDT from Acme Camera Company" in out.out
    assert "[urn:ampas:aces:transformId:v1.5:RRTODT.Acme.HDRODT.a1.v3]" in out.out
    lines = out.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("aceskit: warning: AMF v2.0 has a working space only for")
    assert main(["amf", "show", str(TESTDATA / "v1" / "example1_v1.amf")]) == 0
    assert "output applied=false [urn:ampas:aces:transformId:v1.5:RRTODT.Academy.Rec2020_1000nits_15nits_ST2084." \
           "a1.1.0]" in capsys.readouterr().out


# -- show ----------------------------------------------------------------------------------------------------
def test_inverse_odt_rrt_input_shown(capsys):
    path = TESTDATA / "valid" / "19_inverse_odt_as_idt.amf"
    t = amf.read(path).input_transform
    assert t.form == "pair" and t.transform_ids == ("urn:ampas:aces:transformId:v1.5:InvODT.Academy.Rec709_100nits_dim."
                                                    "a1.0.3", "urn:ampas:aces:transformId:v1.5:InvRRT.a1.0.3")
    assert main(["amf", "show", str(path)]) == 0
    assert "input  applied=false Inverse Rec.709 ODT + Inverse RRT to ACES [urn:ampas:aces:transformId:v1.5:InvODT." \
           "Academy.Rec709_100nits_dim.a1.0.3 + urn:ampas:aces:transformId:v1.5:InvRRT.a1.0.3]" in capsys.readouterr().out


def test_inverse_output_transform_input_shown():
    odt = "urn:ampas:aces:transformId:v2.0:Output.Academy.Rec709-D65_100nit_in_Rec709-D65_BT1886.a2.v1"
    text = (EXAMPLES / "idt_LogC3_to_ACES__odt_Rec709_D65_100nit_in_Rec709_D65_BT1886.amf").read_text()
    text = re.sub(r"(<aces:inputTransform[^>]*>).*?(</aces:inputTransform>)",
                  rf"\1<aces:inverseOutputTransform><aces:transformId>{odt.replace('Output.', 'InvOutput.')}"
                  r"</aces:transformId></aces:inverseOutputTransform>\2", text, flags=re.S)
    d = amf.read(text.encode())
    assert d.input_transform.what() == f"inverse of {odt.replace('Output.', 'InvOutput.')}"
    assert "[?]" not in d.summary()


def test_duplicated_rgc_look_warns(capsys, tmp_path):
    text = (TESTDATA / "valid" / "16_gamut_compress_lmt.amf").read_text()
    look = re.search(r"<aces:lookTransform.*?</aces:lookTransform>", text, re.S).group(0)
    (tmp_path / "twice.amf").write_text(text.replace(look, look + look.replace('applied="false"', 'applied="true"')))
    with pytest.warns(UserWarning, match=r"Reference Gamut Compression 2 times \(applied=false, applied=true\)"):
        assert amf.read(tmp_path / "twice.amf").rgc_applied is False
    assert main(["amf", "show", str(tmp_path / "twice.amf")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == ["aceskit: warning: the pipeline lists the Reference Gamut Compression 2 times (applied=false, "
                   "applied=true); reporting the first"]
