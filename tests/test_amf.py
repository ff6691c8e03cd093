"""aceskit.amf against the official AMF v2.0 XSD and the official example files."""

import os
import warnings
from pathlib import Path

import pytest
import xmlschema

from aceskit import amf, rgc

DATA = Path(__file__).parent / "data" / "amf"
EXAMPLE3 = DATA / "example3.amf"
ACES2_EXAMPLE = DATA / "idt_LogC3_to_ACES__odt_Rec709_D65_100nit_in_Rec709_D65_BT1886.amf"


@pytest.fixture(scope="module")
def schema():
    """The official XSD (packaged copy), loaded by xmlschema directly: independent of amf.validate."""
    s = xmlschema.XMLSchema(amf.schema_path())
    assert s.target_namespace == "urn:ampas:aces:amf:v2.0"
    return s


def schema_ok(schema, xml: bytes) -> bool:
    return schema.is_valid(xml.decode("utf-8"))


# -- official examples ---------------------------------------------------------------------------
def test_official_examples_are_valid_and_read(schema):
    for f in (EXAMPLE3, ACES2_EXAMPLE):
        assert schema.is_valid(str(f)) and amf.validate(f) == []
    d = amf.read(EXAMPLE3)
    assert d.source_version == "2.0" and d.clip_name == "A001C030"
    assert d.description == "Exmaple Movie" and d.uuid == "urn:uuid:afe122be-59d3-4360-ad69-33c10108fa7a"
    assert d.authors == [("Foo Bar", "foobar@onset.com"), ("John Doe", "johndoe@onset.com")]
    assert d.date_time == ("2019-09-19T13:20:00", "2019-11-27T13:20:00Z")
    assert d.clip == {"clipName": "A001C030", "uuid": "urn:uuid:797c7cd8-4eb1-4f67-afce-af2b0a1d0285"}
    assert d.system_version == (1, 0, 3) and d.archived_pipelines == 1
    assert d.input_transform.applied is True
    assert d.input_transform.transform_id == "urn:ampas:aces:transformId:v1.5:IDT.Acme.Camera.a1.v1"
    looks = d.looks
    assert [(t.applied, t.is_cdl, t.description) for t in looks] == [
        (True, True, "Technical Grade"), (False, False, "Acme DI Show Look")]
    assert looks[1].transform_id == "urn:ampas:aces:transformId:v1.5:LMT.ACME.AcmeDILook.a1.v5"
    out = d.output_transform
    assert out.applied is False and out.transform_ids == ("urn:ampas:aces:transformId:v1.5:RRT.a1.0.3",
                                                          "urn:ampas:aces:transformId:v1.5:ODT.Academy.P3D60_48nits.a1.0.3")
    assert d.rgc_look() is None and d.rgc_applied is None


def test_aces2_input_and_output_ids_match_the_official_example(schema):
    off = amf.read(ACES2_EXAMPLE)
    assert off.system_version == (2, 0, 0)
    ours = amf.new("A001", input_space="ARRI LogC3 (EI800)", aces_version="2.0",
                   output_transform_id=off.output_transform.transform_id)
    assert ours.input_transform.transform_id == off.input_transform.transform_id
    assert ours.output_transform.transform_id == off.output_transform.transform_id
    assert schema_ok(schema, ours.to_xml())


# -- writing: the RGC for ACES 1.3 and 2.0 ----------------------------------------------------------
@pytest.mark.parametrize("aces_version,tid,name", [
    ("1.3", rgc.TRANSFORM_ID_ACES13, rgc.ACES_USER_NAME),
    ("2.0", rgc.TRANSFORM_ID_ACES20, amf.ACES_USER_NAME_ACES20)])
@pytest.mark.parametrize("applied", [True, False, None])
def test_for_frames_validates_and_tracks_rgc(schema, tmp_path, aces_version, tid, name, applied):
    doc = amf.for_frames("A001C003", "S-Log3 S-Gamut3.Cine", "ACEScg", applied, aces_version=aces_version,
                         sequence=("A001C003.%04d.exr", 1001, 1100))
    path = doc.write(tmp_path / "clip.amf")
    assert schema.is_valid(path), list(schema.iter_errors(path))[:1]
    assert amf.validate(path) == []
    assert os.listdir(tmp_path) == ["clip.amf"]  # atomic: no temporary left
    back = amf.read(path)
    assert back.clip["sequence"] == ("A001C003.####.exr", "#", 1001, 1100)
    assert back.input_transform.applied is True
    assert back.input_transform.transform_id.startswith(
        "urn:ampas:aces:transformId:v2.0:CSC." if aces_version == "2.0" else "urn:ampas:aces:transformId:v1.5:IDT.")
    assert back.system_version[:2] == tuple(int(x) for x in aces_version.split("."))
    look = back.rgc_look()
    if applied is None:
        assert look is None and back.looks == []
    else:
        assert (look.transform_id, look.description, look.applied) == (tid, name, applied)
        assert back.looks[0] == look
    assert rgc.TRANSFORM_ID_GUIDE.encode() not in Path(path).read_bytes()


def test_clip_identification_forms(schema):
    by_file = amf.for_frames("C1", "ACES2065-1", "ACEScg", None, file="C1.0001.exr")
    assert by_file.clip == {"clipName": "C1", "file": "C1.0001.exr"} and by_file.input_transform is None
    by_uuid = amf.for_frames("C1", "ACEScct", "ACEScg", True)
    assert by_uuid.clip["uuid"].startswith("urn:uuid:")
    assert by_uuid.input_transform.transform_id == "urn:ampas:aces:transformId:v1.5:ACEScsc.Academy.ACEScct_to_ACES.a1.0.3"
    hashes = amf.for_frames("C1", "ACEScg", "ACEScg", True, sequence=("C1.####.exr", 1, 9))
    for d in (by_file, by_uuid, hashes):
        assert schema_ok(schema, d.to_xml())
    with pytest.raises(ValueError, match="at most one"):
        amf.for_frames("C1", "ACEScg", "ACEScg", True, sequence=("a.####.exr", 1, 2), file="a.exr")
    with pytest.raises(ValueError, match="pattern must contain"):
        amf.for_frames("C1", "ACEScg", "ACEScg", True, sequence=("a.exr", 1, 2))
    with pytest.raises(ValueError, match="first <= last"):
        amf.for_frames("C1", "ACEScg", "ACEScg", True, sequence=("a.####.exr", 9, 2))
    with pytest.raises(KeyError, match="unknown color space"):
        amf.for_frames("C1", "NotASpace", "ACEScg", True)


def test_space_without_transform_id_warns_and_omits_input(schema):
    with pytest.warns(UserWarning, match="no ACES 1.3 transform ID"):
        d = amf.for_frames("C1", "Linear Rec.709 (sRGB)", "ACEScg", False)
    assert d.input_transform is None and d.looks[0].is_rgc
    assert schema_ok(schema, d.to_xml())


def test_output_transform_forms(schema):
    odt = "urn:ampas:aces:transformId:v1.5:ODT.Academy.Rec709_100nits_dim.a1.0.3"
    d = amf.new("C", input_space="ACEScg", aces_version="1.3", output_transform_id=odt, rgc="viewing")
    assert d.output_transform.transform_ids == ("urn:ampas:aces:transformId:v1.5:RRT.a1.0.3", odt)
    assert schema_ok(schema, d.to_xml())
    hdr = "urn:ampas:aces:transformId:v1.5:RRTODT.Academy.Rec2020_1000nits_15nits_ST2084.a1.1.0"
    d.set_output_transform(hdr, applied=True)
    assert d.output_transform.transform_id == hdr and d.output_transform.applied is True
    assert schema_ok(schema, d.to_xml())
    d.set_output_transform(None)
    assert d.output_transform is None and schema_ok(schema, d.to_xml())


# -- the three IDs -------------------------------------------------------------------------------------
def _with_look(tid: str, applied: str = "true") -> bytes:
    text = ACES2_EXAMPLE.read_text()
    look = (f'<aces:lookTransform applied="{applied}"><aces:description>{rgc.ACES_USER_NAME}</aces:description>'
            f'<aces:transformId>{tid}</aces:transformId></aces:lookTransform>')
    return text.replace("<aces:outputTransform", look + "<aces:outputTransform").encode()


def test_guide_id_read_but_never_written(schema):
    xml = _with_look(rgc.TRANSFORM_ID_GUIDE)
    assert not schema.is_valid(xml.decode())           # the schema rejects the guide's ID ...
    assert any("transformId" in e for e in amf.validate(xml))
    d = amf.read(xml)                                   # ... but aceskit still recognises it
    assert d.rgc_look().transform_id == rgc.TRANSFORM_ID_GUIDE and d.rgc_applied is True
    d.set_rgc(True, aces_version="1.3")                 # rewriting uses the schema-valid ID
    assert [t.transform_id for t in d.looks] == [rgc.TRANSFORM_ID_ACES13]
    assert schema_ok(schema, d.to_xml()) and rgc.TRANSFORM_ID_GUIDE.encode() not in d.to_xml()
    for tid in (rgc.TRANSFORM_ID_ACES13, rgc.TRANSFORM_ID_ACES20):
        assert schema.is_valid(_with_look(tid, "false").decode())
        assert amf.read(_with_look(tid, "false")).rgc_applied is False


def test_parametric_is_not_tracked():
    d = amf.new("C", input_space="ACEScct", aces_version="1.3")
    with pytest.warns(UserWarning, match="parametric"):
        assert d.set_rgc(True, params=rgc.RGCParams(power=1.5)) is None
    assert d.rgc_look() is None
    with pytest.warns(UserWarning, match="parametric"):
        d = amf.new("C", input_space="ACEScct", rgc="applied", params=rgc.RGCParams(limit=(1.2, 1.3, 1.3)))
    assert d.rgc_look() is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert amf.new("C", rgc="applied", params=rgc.REFERENCE).rgc_applied is True


def test_rgc_needs_aces_13():
    d = amf.read(EXAMPLE3)  # an ACES 1.0.3 pipeline
    with pytest.raises(ValueError, match="from ACES 1.3"):
        d.set_rgc(True)
    assert d.rgc_look() is None and len(d.looks) == 2  # nothing was changed
    with pytest.raises(ValueError, match="from ACES 1.3"):
        amf.for_frames("C", "ACEScg", "ACEScg", True, aces_version="1.2")
    assert amf.for_frames("C", "ACEScg", "ACEScg", None, aces_version="1.2").rgc_look() is None
    with pytest.raises(ValueError, match="aces_version must look like"):
        amf.new("C", aces_version="latest")
    with pytest.raises(ValueError, match="rgc must be"):
        amf.new("C", rgc="on")


# -- editing keeps what aceskit does not model ---------------------------------------------------------
def test_edit_in_place_keeps_cdl_archived_and_unknown(schema, tmp_path):
    d = amf.read(EXAMPLE3)
    d.set_rgc(False, aces_version="1.3")
    xml = d.to_xml()
    assert schema_ok(schema, xml)
    back = amf.read(xml)
    assert back.looks[0].is_rgc and back.looks[0].applied is False
    assert [t.description for t in back.looks[1:]] == ["Technical Grade", "Acme DI Show Look"]
    assert back.looks[1].is_cdl and b"<cdl:Slope>2.0 2.0 2.0</cdl:Slope>" in xml
    assert back.archived_pipelines == 1 and back.input_transform.transform_id.endswith("IDT.Acme.Camera.a1.v1")
    assert b"1531ea6ef06c5b0a5bea80c94f60c7b68e3989e3c90b8ebd25c28aa4670c30f8" in xml  # hash kept
    assert back.date_time[0] == "2019-09-19T13:20:00" and back.date_time[1] != "2019-11-27T13:20:00Z"
    # the RGC sits directly after the input transform
    pipe = back.root.find(f"{{{amf.NS_V2}}}pipeline")
    tags = [el.tag.split("}")[1] for el in pipe]
    assert tags[:3] == ["pipelineInfo", "inputTransform", "lookTransform"]
    # unknown vendor elements and comments survive an edit too
    text = EXAMPLE3.read_text().replace(
        "</aces:amfInfo>", '<v:note xmlns:v="urn:example:vendor" v:k="1">keep me</v:note><!-- c --></aces:amfInfo>')
    e = amf.read(text.encode())
    e.set_rgc(True, aces_version="1.3")
    out = e.to_xml()
    assert b"keep me" in out and b"urn:example:vendor" in out and b"<!-- c -->" in out
    # never overwrite the AMF that was read
    src = tmp_path / "in.amf"
    src.write_bytes(EXAMPLE3.read_bytes())
    with pytest.raises(ValueError, match="refusing to overwrite"):
        amf.read(src).write(src)
    assert src.read_bytes() == EXAMPLE3.read_bytes()


def test_set_rgc_twice_keeps_one_and_removal():
    d = amf.new("C", input_space="ACEScct", aces_version="2.0", rgc="viewing")
    d.set_rgc(True)
    assert [t.applied for t in d.looks if t.is_rgc] == [True] and len(d.looks) == 1
    d.set_rgc(None)
    assert d.looks == []


# -- AMF v1.0 ------------------------------------------------------------------------------------------
V1 = b"""<?xml version="1.0" encoding="UTF-8"?>
<aces:acesMetadataFile xmlns:aces="urn:ampas:aces:amf:v1.0" version="1.0">
  <aces:amfInfo>
    <aces:description>v1 clip</aces:description>
    <aces:dateTime>
      <aces:creationDateTime>2021-01-01T00:00:00Z</aces:creationDateTime>
      <aces:modificationDateTime>2021-01-01T00:00:00Z</aces:modificationDateTime>
    </aces:dateTime>
  </aces:amfInfo>
  <aces:clipId><aces:clipName>B002C007</aces:clipName><aces:file>B002C007.mxf</aces:file></aces:clipId>
  <aces:pipeline>
    <aces:pipelineInfo>
      <aces:dateTime>
        <aces:creationDateTime>2021-01-01T00:00:00Z</aces:creationDateTime>
        <aces:modificationDateTime>2021-01-01T00:00:00Z</aces:modificationDateTime>
      </aces:dateTime>
      <aces:systemVersion><aces:majorVersion>1</aces:majorVersion><aces:minorVersion>3</aces:minorVersion>
        <aces:patchVersion>0</aces:patchVersion></aces:systemVersion>
    </aces:pipelineInfo>
    <aces:inputTransform applied="false">
      <aces:transformId>urn:ampas:aces:transformId:v1.5:IDT.Sony.SLog3_SGamut3Cine.a1.v1</aces:transformId>
    </aces:inputTransform>
    <aces:lookTransform applied="false">
      <aces:description>ACES 1.3 Look - Reference Gamut Compress</aces:description>
      <aces:transformId>urn:ampas:aces:transformId:v1.5:LMT.Academy.ReferenceGamutCompress.a1.v1.0</aces:transformId>
    </aces:lookTransform>
    <aces:outputTransform applied="false">
      <aces:referenceRenderingTransform>
        <aces:transformId>urn:ampas:aces:transformId:v1.5:RRT.a1.0.3</aces:transformId>
      </aces:referenceRenderingTransform>
      <aces:outputDeviceTransform>
        <aces:transformId>urn:ampas:aces:transformId:v1.5:ODT.Academy.Rec709_100nits_dim.a1.0.3</aces:transformId>
      </aces:outputDeviceTransform>
    </aces:outputTransform>
  </aces:pipeline>
</aces:acesMetadataFile>
"""


def test_read_v1_and_write_v2(schema, tmp_path):
    errors = amf.validate(V1)
    assert len(errors) == 1 and "v1.0" in errors[0]
    d = amf.read(V1)
    assert d.source_version == "1.0" and d.clip == {"clipName": "B002C007", "file": "B002C007.mxf"}
    assert d.input_transform.transform_id.endswith("IDT.Sony.SLog3_SGamut3Cine.a1.v1")
    assert d.rgc_look().transform_id == rgc.TRANSFORM_ID_GUIDE and d.rgc_applied is False
    d.set_rgc(True)  # baked, while the input transform is not: schema-valid, but breaks the applied order
    assert schema_ok(schema, d.to_xml())
    assert [e for e in amf.validate(d) if "[applied-order]" in e]
    d.set_rgc(False)
    path = d.write(tmp_path / "v2.amf")
    assert schema.is_valid(path) and amf.validate(path) == []
    back = amf.read(path)
    assert back.source_version == "2.0" and back.uuid.startswith("urn:uuid:") and back.pipeline_uuid
    assert back.rgc_look().transform_id == rgc.TRANSFORM_ID_ACES13 and back.rgc_applied is False


# -- hostile and broken input -------------------------------------------------------------------------
HOSTILE = {
    "dtd": b'<?xml version="1.0"?><!DOCTYPE acesMetadataFile SYSTEM "http://example.com/x.dtd"><a/>',
    "xxe": b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
    "laughs": b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">'
              b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>',
    "utf16_dtd": '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'.encode("utf-16"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_documents_rejected(name, tmp_path):
    with pytest.raises(ValueError, match="refusing XML with a (DOCTYPE|ENTITY)"):
        amf.read(HOSTILE[name])
    (tmp_path / "h.amf").write_bytes(HOSTILE[name])
    with pytest.raises(ValueError, match=r"h\.amf: refusing"):
        amf.read(tmp_path / "h.amf")
    assert "refusing" in amf.validate(tmp_path / "h.amf")[0]


def test_broken_documents_rejected(tmp_path):
    with pytest.raises(ValueError, match="malformed XML"):
        amf.read(b"<aces:acesMetadataFile xmlns:aces='urn:ampas:aces:amf:v2.0'><unclosed>")
    with pytest.raises(ValueError, match="malformed XML"):
        amf.read(b"<a>&undefined;</a>")  # entity references without a DTD are errors, never resolved
    with pytest.raises(ValueError, match="malformed XML"):
        amf.read(bytes(range(256)) * 4)
    with pytest.raises(ValueError, match="empty"):
        amf.read(b"   ")
    with pytest.raises(ValueError, match="not an ACES Metadata File"):
        amf.read(b"<html><body/></html>")
    with pytest.raises(FileNotFoundError, match="missing.amf"):
        amf.read(tmp_path / "missing.amf")
    big = tmp_path / "big.amf"
    with open(big, "wb") as fh:
        fh.write(b"<a>")
        fh.seek(amf.MAX_BYTES + 10)
        fh.write(b"</a>")
    with pytest.raises(ValueError, match="larger than the 16 MiB"):
        amf.read(big)
    with pytest.raises(ValueError, match="larger than the 16 MiB"):
        amf.read(b"<a>" + b" " * amf.MAX_BYTES + b"</a>")
    assert "not found" in amf.validate(tmp_path / "missing.amf")[0]
    with pytest.raises(ValueError, match="nested deeper than 64"):
        amf.read(b"<a>" * 5000 + b"</a>" * 5000)


def test_import_stays_light():
    """``import aceskit`` and these modules must work with numpy alone (hosts' Pythons)."""
    import subprocess
    import sys
    code = ("import sys, aceskit, aceskit.exr, aceskit.amf, aceskit.policy; "
            "print(sorted(m for m in ('OpenEXR', 'xmlschema') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
