"""CMIF, Gephi CSV and the flat event table, checked against the hand-made extract fixture."""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from pipeline.export import _date_attrs, atomic_write, authority_uri, export

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "extract_sample.jsonl"
NS = {"tei": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
CMIF_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def run(*args: str):
    app = typer.Typer()
    app.command()(export)
    return CliRunner().invoke(app, [str(a) for a in args])


def write_kb(path: Path) -> Path:
    entries = [
        {"id": "kopp_viktor", "canonical": "Viktor Kopp", "type": "PERSON", "aliases": ["Kopp"], "wikidata": "Q1394"},
        {"id": "chicherin_georgy", "canonical": "Georgy Chicherin", "type": "PERSON", "aliases": [], "viaf": "https://viaf.org/viaf/12345"},
        {"id": "lenin_vladimir", "canonical": "Vladimir Lenin", "type": "PERSON", "aliases": [], "wikidata": "Q1394x", "gnd": "118571249"},
        {"id": "berlin", "canonical": "Berlin", "type": "LOC", "aliases": [], "ids": {"wikidata": "Q64"}},
        {"id": "politburo", "canonical": "Politburo", "type": "ORG", "aliases": []},
    ]
    path.write_text("".join(json.dumps(e) + "\n" for e in entries) + "\n", encoding="utf8")
    return path


@pytest.fixture()
def cmif(tmp_path) -> ET.Element:
    out = tmp_path / "letters.xml"
    result = run(SAMPLE, "--cmif", out, "--kb", write_kb(tmp_path / "kb.jsonl"), "--url", "https://example.org/letters.xml")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf8").startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.parse(out).getroot()


def desc(root: ET.Element, key: str) -> ET.Element:
    return root.find(f".//tei:correspDesc[@key='{key}']", NS)


def test_cmif_header(cmif):
    assert cmif.tag == "{http://www.tei-c.org/ns/1.0}TEI"
    fd = cmif.find("tei:teiHeader/tei:fileDesc", NS)
    assert fd.find("tei:titleStmt/tei:title", NS).text and fd.find("tei:titleStmt/tei:editor", NS).text
    pub = fd.find("tei:publicationStmt", NS)
    assert pub.find("tei:publisher", NS).text
    assert pub.find("tei:idno[@type='url']", NS).text == "https://example.org/letters.xml"
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", pub.find("tei:date", NS).get("when"))
    assert pub.find("tei:availability/tei:licence", NS).get("target") == "https://creativecommons.org/licenses/by/4.0/"
    bibls = fd.findall("tei:sourceDesc/tei:bibl", NS)
    # three distinct archival shelfmarks + the two documents for letters without one
    assert len(bibls) == 5
    assert all(b.get("type") in ("print", "online") and b.get(XML_ID).startswith("bibl-") for b in bibls)
    assert cmif.find("tei:text/tei:body/tei:p", NS) is not None


def test_cmif_correspdesc_structure(cmif):
    """The CMIF schematron rules (E0001-E0004) and the allowed vocabulary."""
    descs = cmif.findall("tei:teiHeader/tei:profileDesc/tei:correspDesc", NS)
    assert len(descs) == 7  # the COMMUNICATION events, no MEETINGs
    bibl_ids = {b.get(XML_ID) for b in cmif.iter("{http://www.tei-c.org/ns/1.0}bibl")}
    for d in descs:
        actions = d.findall("tei:correspAction", NS)
        assert [a.get("type") for a in actions].count("sent") == 1
        assert "received" in [a.get("type") for a in actions]
        assert {a.get("type") for a in actions} <= {"sent", "received"}
        assert d.get("source")[1:] in bibl_ids and d.get("source").startswith("#")
        for a in actions:
            assert not (a.text or "").strip()
            assert {c.tag.split("}")[1] for c in a} <= {"persName", "orgName", "placeName", "date"}
            assert a.find("tei:persName", NS) is not None or a.find("tei:orgName", NS) is not None
        for date in d.iter("{http://www.tei-c.org/ns/1.0}date"):
            attrs = {k: v for k, v in date.attrib.items() if k in ("when", "from", "to", "notBefore", "notAfter")}
            assert attrs and all(CMIF_DATE.match(v) for v in attrs.values())


def test_cmif_letter_contents(cmif):
    e1 = desc(cmif, "extract_sample#e1")
    sent, received, copies = e1.findall("tei:correspAction", NS)
    assert sent.find("tei:persName", NS).text == "Viktor Kopp"
    assert sent.find("tei:placeName", NS).text == "Berlin"
    assert sent.find("tei:date", NS).attrib == {"when": "1920-09-07"}
    assert [p.text for p in received] == ["Georgy Chicherin"]
    assert copies.get("type") == "received" and [p.text for p in copies] == ["Vladimir Lenin", "Leon Trotsky"]
    bibl = cmif.find(f".//tei:bibl[@{{http://www.w3.org/XML/1998/namespace}}id='{e1.get('source')[1:]}']", NS)
    assert bibl.text == "RGASPI, f. 17, op. 3, d. 2137, pp. 19–25"
    # the two Kopp -> Chicherin letters point at different pages of the same file
    assert desc(cmif, "extract_sample#e3").get("source") != e1.get("source")
    # season and interval dates
    assert desc(cmif, "extract_sample#e4").find(".//tei:date", NS).attrib == {"notBefore": "1920-06", "notAfter": "1920-08"}
    assert desc(cmif, "missing_source#e2").find(".//tei:date", NS).attrib == {"from": "1920-07", "to": "1920-08"}
    # an ORG is an orgName, as sender and as recipient
    assert desc(cmif, "extract_sample#e5").find("tei:correspAction[@type='sent']/tei:orgName", NS).text == "Politburo"
    assert desc(cmif, "extract_sample#e4").find("tei:correspAction[@type='received']/tei:orgName", NS).text == "Politburo"
    # a letter without an archival citation points at its document
    bibl4 = cmif.find(f".//tei:bibl[@{{http://www.w3.org/XML/1998/namespace}}id='{desc(cmif, 'extract_sample#e4').get('source')[1:]}']", NS)
    assert bibl4.text.startswith("extract_sample")


def test_cmif_authority_refs(cmif):
    e1 = desc(cmif, "extract_sample#e1")
    refs = {p.text: p.get("ref") for p in e1.iter() if p.tag.endswith(("persName", "placeName"))}
    assert refs["Viktor Kopp"] == "https://www.wikidata.org/entity/Q1394"
    assert refs["Georgy Chicherin"] == "https://viaf.org/viaf/12345"
    assert refs["Vladimir Lenin"] == "https://d-nb.info/gnd/118571249"  # GND preferred over Wikidata
    assert refs["Berlin"] == "https://www.wikidata.org/entity/Q64"
    assert refs["Leon Trotsky"] is None  # not in the KB
    assert desc(cmif, "extract_sample#e5").find(".//tei:orgName", NS).get("ref") is None  # in the KB, no authority id


@pytest.mark.parametrize("kb_text", [None, "", "\n"])
def test_cmif_without_knowledge_base(tmp_path, kb_text):
    kb = tmp_path / "kb.jsonl"
    if kb_text is not None:
        kb.write_text(kb_text, encoding="utf8")
    out = tmp_path / "letters.xml"
    result = run(SAMPLE, "--cmif", out, "--kb", kb)
    assert result.exit_code == 0, result.output
    root = ET.parse(out).getroot()
    assert len(root.findall(".//tei:correspDesc", NS)) == 7
    assert not [el for el in root.iter() if el.get("ref")]


def test_bad_kb_line_is_named(tmp_path):
    kb = tmp_path / "kb.jsonl"
    kb.write_text('{"id": "a"}\n{"id": \n', encoding="utf8")
    result = run(SAMPLE, "--cmif", tmp_path / "l.xml", "--kb", kb)
    assert result.exit_code == 1 and f"{kb}:2: not valid JSON" in result.output
    assert not (tmp_path / "l.xml").exists()


def test_date_attrs():
    assert _date_attrs({"value": "1920-09-07", "precision": "day", "year_inferred": True}) == {"when": "1920-09-07", "cert": "medium"}
    assert _date_attrs({"value": "1918/1921", "precision": "interval", "year_inferred": False}) == {"from": "1918", "to": "1921"}
    assert _date_attrs({"value": "1920-12/1921-02", "precision": "season"}) == {"notBefore": "1920-12", "notAfter": "1921-02"}
    assert _date_attrs(None) == {} and _date_attrs({"value": None}) == {}


def test_authority_uri_forms():
    assert authority_uri({"wikidata": "Q64"}) == "https://www.wikidata.org/entity/Q64"
    assert authority_uri({"ids": {"viaf": "123"}}) == "https://viaf.org/viaf/123"
    assert authority_uri({"gnd_id": "4005728-8", "wikidata": "Q64"}) == "https://d-nb.info/gnd/4005728-8"
    assert authority_uri({"wikidata": ""}) is None and authority_uri(None) is None


def read_csv(path: Path) -> list:
    with path.open(encoding="utf8", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_for_gephi(tmp_path):
    out = tmp_path / "net"
    result = run(SAMPLE, "--csv", out, "--kb", tmp_path / "none.jsonl")
    assert result.exit_code == 0, result.output
    nodes = read_csv(out / "nodes.csv")
    assert list(nodes[0])[:3] == ["Id", "Label", "Type"]
    assert {n["Id"]: n["Type"] for n in nodes} == {
        "kopp_viktor": "PERSON", "chicherin_georgy": "PERSON", "lenin_vladimir": "PERSON",
        "trotsky_leon": "PERSON", "joffe_adolf": "PERSON", "politburo": "ORG"}
    edges = read_csv(out / "edges.csv")
    assert list(edges[0])[:4] == ["Source", "Target", "Weight", "Type"]
    assert {e["Type"] for e in edges} == {"Directed"}
    weights = {(e["Source"], e["Target"]): int(e["Weight"]) for e in edges}
    assert weights[("kopp_viktor", "chicherin_georgy")] == 2
    assert weights[("chicherin_georgy", "kopp_viktor")] == 1
    assert sum(weights.values()) == 9  # 7 letters, one with two copies
    assert {e["Id"] for e in nodes} >= {s for pair in weights for s in pair}

    events = read_csv(out / "events.csv")
    assert len(events) == 10
    e1 = next(e for e in events if e["event_id"] == "extract_sample#e1")
    assert (e1["sender"], e1["recipient"], e1["cc"]) == ("Viktor Kopp", "Georgy Chicherin", "Vladimir Lenin | Leon Trotsky")
    assert e1["source"] == "RGASPI, f. 17, op. 3, d. 2137, pp. 19–25" and e1["place"] == "Berlin"
    assert "\n" not in e1["evidence"] and e1["evidence"].startswith("In a letter to Chicherin")
    meeting = next(e for e in events if e["event_id"] == "missing_source#e3")
    assert meeting["participant_ids"] == "joffe_adolf | kopp_viktor" and meeting["date_value"] == ""
    assert next(e for e in events if e["event_id"] == "extract_sample#e6")["confidence"] == "0.95"


def test_nothing_to_do_is_an_error():
    result = run(SAMPLE)
    assert result.exit_code != 0 and "--cmif" in result.output


def test_atomic_write_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / "letters.xml"
    target.write_text("old", encoding="utf8")
    with pytest.raises(UnicodeEncodeError):
        atomic_write(target, "new \ud800 half")  # a lone surrogate cannot be written as UTF-8
    assert target.read_text(encoding="utf8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["letters.xml"]


def test_module_entry_points(tmp_path):
    """`python -m pipeline.export` and `python -m pipeline.report` work as commands."""
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-m", "pipeline.export", str(SAMPLE), "--csv", str(tmp_path / "csv")],
                         cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "6 nodes, 7 edges, 10 events" in out.stdout
    out = subprocess.run([sys.executable, "-m", "pipeline.report", str(SAMPLE), "--html", str(tmp_path / "r.html")],
                         cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "r.html").read_text(encoding="utf8").count('class="event-row"') == 10
