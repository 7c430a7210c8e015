"""Corpus conversion is strict: broken records are reported with file, record, offsets and text."""
import json

import pytest
import spacy

from pipeline.authoring import MarkupError, to_records
from pipeline.corpus import CorpusError, build_doc, read_records, split_docs, stats


@pytest.fixture
def nlp():
    return spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "historian.CleaningTokenizer.v1"}}})


def _write(tmp_path, records):
    path = tmp_path / "recs.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _rec(entities, relations=(), text="Kopp wrote to Chicherin from Berlin on 7 Sept. 1920."):
    return {"id": "d#000", "doc_key": "d", "segment": "body", "text": text, "entities": entities,
            "relations": list(relations)}


GOOD = [{"id": 1, "label": "PERSON", "start_offset": 0, "end_offset": 4, "entity_id": "kopp_viktor"},
        {"id": 2, "label": "COMMUNICATION", "start_offset": 5, "end_offset": 10, "medium": "letter"},
        {"id": 3, "label": "PERSON", "start_offset": 14, "end_offset": 23, "entity_id": "chicherin_georgy"},
        {"id": 4, "label": "DATE", "start_offset": 39, "end_offset": 51,
         "date": {"value": "1920-09-07", "precision": "day", "year_inferred": False}}]


def test_good_record_becomes_doc_with_gold(tmp_path, nlp):
    rels = [{"id": 1, "from_id": 2, "to_id": 1, "type": "sender"}, {"id": 2, "from_id": 2, "to_id": 3, "type": "recipient"}]
    doc = build_doc(nlp, read_records([_write(tmp_path, [_rec(GOOD, rels)])]))
    assert [(e.text, e.label_, e.kb_id_) for e in doc.ents] == [
        ("Kopp", "PERSON", "kopp_viktor"), ("Chicherin", "PERSON", "chicherin_georgy"), ("7 Sept. 1920", "DATE", "")]
    assert doc.ents[2]._.date["value"] == "1920-09-07"
    (ev,) = doc.user_data["gold_events"]
    assert ev["type"] == "COMMUNICATION" and [a["entity_id"] for a in ev["args"]["recipient"]] == ["chicherin_georgy"]
    assert stats([doc])["spans"] == {"DATE": 1, "PERSON": 2}


@pytest.mark.parametrize("entities,message", [
    ([{"id": 1, "label": "PERSON", "start_offset": 0, "end_offset": 3}], "does not fall on token boundaries"),
    ([{"id": 1, "label": "PERSON", "start_offset": 0, "end_offset": 4},
      {"id": 2, "label": "PERSON", "start_offset": 2, "end_offset": 10}], "overlaps"),
    ([{"id": 1, "label": "PEOPLE", "start_offset": 0, "end_offset": 4}], "unknown label 'PEOPLE'"),
    ([{"id": 1, "label": "LOC", "start_offset": 40, "end_offset": 400}], "out of range"),
])
def test_broken_records_fail_with_location(tmp_path, nlp, entities, message):
    path = _write(tmp_path, [_rec(entities)])
    with pytest.raises(CorpusError) as err:
        build_doc(nlp, read_records([path]))
    assert message in str(err.value)
    assert f"{path}:1 (record d#000)" in str(err.value)


def test_alignment_mode_expand_is_explicit(tmp_path, nlp):
    path = _write(tmp_path, [_rec([{"id": 1, "label": "PERSON", "start_offset": 0, "end_offset": 3}])])
    doc = build_doc(nlp, read_records([path]), alignment_mode="expand")
    assert [e.text for e in doc.ents] == ["Kopp"]


def test_relation_from_a_non_trigger_is_rejected(tmp_path, nlp):
    rels = [{"id": 1, "from_id": 1, "to_id": 3, "type": "recipient"}]
    with pytest.raises(CorpusError, match="not a trigger"):
        build_doc(nlp, read_records([_write(tmp_path, [_rec(GOOD, rels)])]))


def test_malformed_json_line_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "doc_key": "a", "text": "x"}\n{broken\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad.jsonl:2: not valid JSON"):
        read_records([path])


def test_unassigned_document_is_an_error(tmp_path, nlp):
    recs = read_records([_write(tmp_path, [_rec(GOOD)])])
    with pytest.raises(CorpusError, match="not in splits.json"):
        split_docs(nlp, recs, {"train": [], "dev": [], "test": []})


def test_markup_round_trip_and_errors(tmp_path):
    good = tmp_path / "p.txt"
    good.write_text("@doc p_x narrative\n@entity kopp_viktor PERSON Viktor Kopp\n"
                    "[[Kopp|PERSON|kopp_viktor#k]] [[wrote|COMMUNICATION|letter#t]] on [[12 July|DATE|1920-07-12|day|inferred]].[^3]\n\n"
                    "^3 [[Kopp|PERSON|kopp_viktor]] to Chicherin.\n>> cite fond=17 opis=3 delo=2137 pages=64\n", encoding="utf-8")
    records, ents = to_records(good)
    assert records[0]["text"] == "Kopp wrote on 12 July.3"
    assert records[0]["markers"] == [{"number": 3, "offset": 22}]
    assert records[1]["segment"] == "footnote" and records[1]["footnote"] == 3 and records[1]["text"].startswith("3 Kopp")
    assert records[1]["citations"][0]["delo"] == "2137"
    bad = tmp_path / "bad.txt"
    bad.write_text("[[Kopp|PERSON|unknown_id]] wrote.\n", encoding="utf-8")
    with pytest.raises(MarkupError, match=r"bad.txt:1: entity id 'unknown_id' used but not declared"):
        to_records(bad)


def test_markup_command_names_a_missing_file_and_writes_nothing(tmp_path, capsys):
    from pipeline.authoring import main

    out = tmp_path / "out.jsonl"
    assert main([str(tmp_path / "nosuch.txt"), "--out", str(out)]) == 1
    assert "nosuch.txt: no such markup file" in capsys.readouterr().err and not out.exists()


def test_shipped_corpus_converts(nlp):
    """The committed records, as `spacy project run corpus` converts them."""
    from pathlib import Path
    from pipeline.corpus import load_splits

    root = Path(__file__).resolve().parent.parent
    docs = split_docs(nlp, read_records([root / "training" / "records"]), load_splits(root / "training" / "splits.json"))
    assert docs["train"] and docs["dev"] and docs["test"]


def test_a_bracket_before_punctuation_is_its_own_token(nlp):
    # spaCy's emoticon exceptions would glue "):" and ");" into one token, so no span could end at the bracket
    assert [t.text for t in nlp("Политбюро ЦК РКП(б): решение (1922); see")] == [
        "Политбюро", "ЦК", "РКП(б", ")", ":", "решение", "(", "1922", ")", ";", "see"]


def test_markup_command_names_a_span_off_the_tokens_and_writes_nothing(tmp_path, capsys):
    """ "([[1880|DATE|1880|year]]–[[1930|DATE|1930|year]])": the tokeniser keeps "1880–1930" whole, so the
    check fails now rather than at `convert`."""
    from pipeline.authoring import main

    src = tmp_path / "p1.txt"
    src.write_text("@doc p1 biography\n@entity kopp PERSON Viktor Kopp\n\n[[Kopp|PERSON|kopp]] ([[1880|DATE|1880|year]]–[[1930|DATE|1930|year]]) "
                   "was a diplomat.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main([str(src), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "p1.txt" in err and "'1880' does not fall on token boundaries" in err and not out.exists()
    src.write_text("@doc p1 biography\n@entity kopp PERSON Viktor Kopp\n\n[[Kopp|PERSON|kopp]] ([[1880–1930|DATE|1880/1930|interval]]) was a "
                   "diplomat.\n", encoding="utf-8")
    assert main([str(src), "--out", str(out)]) == 0 and out.exists()
