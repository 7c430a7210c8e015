"""The extract command: the JSONL contract on raw PDF text, and bad input."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.extract import InputError, read_text

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def model_dir(rule_nlp, tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "rules"
    rule_nlp.to_disk(path)
    return path


def run_extract(model_dir, out, *paths):
    return subprocess.run([sys.executable, "-m", "pipeline", "extract", *map(str, paths), "--output", str(out),
                           "--model", str(model_dir), "--max-bytes", "2000000"],
                          capture_output=True, text=True, cwd=ROOT)


RAW = ("Th e talks went on. On 2 September 1920 Kopp wrote to Chicherin from Berlin.41 Th ey were \n"
       "received by Joff e in Riga.\n\n"
       "41  RGASPI, fond 17, op. 3, d. 2137, pp. 19–25, Kopp’s report for Chicherin from Berlin of 2 Sept. 1920.\n")


def test_contract_and_raw_offsets(model_dir, tmp_path):
    src = tmp_path / "doc1.txt"
    src.write_text(RAW, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = run_extract(model_dir, out, src)
    assert res.returncode == 0, res.stderr
    (obj,) = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert set(obj) == {"doc_id", "source", "entities", "events", "citations"}
    assert obj["doc_id"] == "doc1"
    raw = src.read_text(encoding="utf-8")
    for ent in obj["entities"]:
        squash = lambda s: "".join(ch for ch in s if ch.isalnum())
        assert squash(raw[ent["start"]:ent["end"]]) == squash(ent["text"])
        assert set(ent) >= {"start", "end", "text", "label", "entity_id", "canonical"}
        assert ("date" in ent) == (ent["label"] == "DATE")
    joffe = next(e for e in obj["entities"] if e["text"] == "Joffe")
    assert raw[joffe["start"]:joffe["end"]] == "Joff e"  # the raw span, ligature split and all
    assert joffe["entity_id"] == "joffe_adolf"
    (ev,) = [e for e in obj["events"] if e["type"] == "COMMUNICATION"]
    assert set(ev) == {"id", "type", "medium", "sender", "recipient", "cc", "participant", "date", "date_relative",
                       "place", "source", "evidence", "confidence"}
    assert ev["date"]["value"] == "1920-09-02" and ev["source"]["delo"] == "2137"
    assert raw[ev["sender"][0]["start"]:ev["sender"][0]["end"]] == "Kopp"
    assert obj["citations"][0]["archive"]["entity_id"] == "rgaspi"


def test_resolved_arguments_keep_what_was_written(model_dir, tmp_path):
    src = tmp_path / "doc2.txt"
    src.write_text("Th e envoy Kopp was tired in 1920. On 3 May he wrote to Chicherin.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = run_extract(model_dir, out, src)
    assert res.returncode == 0, res.stderr
    (obj,) = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    (ev,) = obj["events"]
    (sender,) = ev["sender"]
    raw = src.read_text(encoding="utf-8")
    assert sender["entity_id"] == "kopp_viktor" and sender["via"]["kind"] == "pronoun"
    assert raw[sender["via"]["start"]:sender["via"]["end"]] == "he"
    assert "via" not in ev["recipient"][0]


def test_bad_inputs_reported_others_processed(model_dir, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Kopp met Lenin in Moscow on 27 January 1921.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    big = tmp_path / "big.txt"
    big.write_text("Kopp wrote to Chicherin. " * 120_000, encoding="utf-8")  # ~3 MB > the 2 MB limit
    out = tmp_path / "out.jsonl"
    res = run_extract(model_dir, out, good, empty, binary, big, tmp_path / "missing.txt")
    assert res.returncode == 1
    for name, problem in (("empty.txt", "empty"), ("binary.txt", "binary"), ("big.txt", "too large"),
                          ("missing.txt", "no such file")):
        assert name in res.stderr and problem in res.stderr
    docs = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert [d["doc_id"] for d in docs] == ["good"]


def test_cp1251_is_decoded(tmp_path):
    path = tmp_path / "ru.txt"
    path.write_bytes("Письмо Чичерина Коппу от 7 марта 1921 года о переговорах в Берлине.".encode("cp1251"))
    text, note = read_text(path)
    assert "Чичерина" in text and "cp1251" in note.replace("windows-1251", "cp1251").replace("_", "")


def test_undetectable_encoding_is_refused(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"Kopp \xff\xfe\xfa\xfb\xfc\xfd")
    with pytest.raises(InputError, match="mixed.txt"):
        read_text(path)


def test_no_partial_output_on_failure(model_dir, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(tmp_path), "--output", str(out),
                          "--model", str(tmp_path / "no-model")], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode != 0 and "cannot load the model" in res.stderr
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert not list(tmp_path.glob(".out.jsonl.*"))


@pytest.mark.parametrize("text,encoding", [
    ("Über die Verträge schrieb Stresemann an Krestinski in Moskau.", "cp1252"),
    ("Zażółć gęślą jaźń, pisał Piłsudski do Becka w Warszawie.", "cp1250"),
])
def test_other_single_byte_encodings(tmp_path, text, encoding):
    path = tmp_path / "doc.txt"
    path.write_bytes(text.encode(encoding))
    assert read_text(path)[0] == text
