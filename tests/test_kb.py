"""Knowledge base file: the shipped file validates; broken files give file:line errors; build grows without clobbering."""
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.kb import KBError, KnowledgeBase, app, build_kb, validate_kb

SHIPPED = Path(__file__).resolve().parent.parent / "configs" / "knowledge_base.jsonl"
runner = CliRunner()


def write(tmp_path, rows, name="kb.jsonl"):
    p = tmp_path / name
    p.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows), encoding="utf8")
    return p


def test_shipped_kb_is_valid_and_large_enough():
    assert validate_kb(SHIPPED) == []
    kb = KnowledgeBase.from_jsonl(SHIPPED)
    assert len(kb) >= 150
    for eid in ["kopp_viktor", "joffe_adolf", "chicherin_georgy", "simons_walter", "kamenev_lev", "kamenev_sergei",
                "kapp_wolfgang", "hitler_adolf", "berlin", "germany", "soviet_russia", "soviet_union", "poland",
                "politburo", "reichswehr", "red_army", "comintern", "rgaspi", "avprf", "garf", "rgva", "pa_aa",
                "bundesarchiv", "tna_kew", "aan", "hoover_archives", "pilsudski_institute_america"]:
        assert eid in kb, eid
    assert kb.get("simons_walter").canonical == "Walter Simons"


@pytest.mark.parametrize("rows,fragment,line", [
    ([{"id": "a", "canonical": "A", "type": "PERSON", "aliases": []},
      {"id": "a", "canonical": "B", "type": "PERSON", "aliases": []}], "duplicate id 'a'", 2),
    ([{"id": "a", "canonical": "A", "type": "PEOPLE", "aliases": []}], "bad type 'PEOPLE'", 1),
    ([{"id": "a", "canonical": "A", "type": "ORG", "aliases": []}, '{"id": "b", "canonical": '], "malformed JSON", 2),
    ([{"id": "Bad Id", "canonical": "A", "type": "ORG", "aliases": []}], "bad or missing id", 1),
    ([{"id": "kopp_a", "canonical": "Viktor Kopp", "type": "PERSON", "aliases": ["Kopp"]},
      {"id": "kopp_b", "canonical": "Other Kopp", "type": "PERSON", "aliases": ["Kopp’s"]}], "also claimed by 'kopp_a'", 2),
])
def test_validation_errors_name_file_and_line(tmp_path, rows, fragment, line):
    p = write(tmp_path, rows)
    errors = validate_kb(p)
    assert any(fragment in e and e.startswith(f"{p}:{line}:") for e in errors), errors
    with pytest.raises(KBError):
        KnowledgeBase.from_jsonl(p)


def test_shared_alias_allowed_when_both_declare_it_ambiguous(tmp_path):
    rows = [{"id": "kamenev_lev", "canonical": "Lev Kamenev", "type": "PERSON", "aliases": ["Kamenev"], "ambiguous_aliases": ["Kamenev"]},
            {"id": "kamenev_sergei", "canonical": "Sergei Kamenev", "type": "PERSON", "aliases": ["Kamenev"], "ambiguous_aliases": ["Kamenev"]}]
    assert validate_kb(write(tmp_path, rows)) == []
    rows[1]["ambiguous_aliases"] = []
    assert validate_kb(write(tmp_path, rows))


def test_same_alias_different_type_is_fine(tmp_path):
    rows = [{"id": "kew", "canonical": "Kew", "type": "LOC", "aliases": []},
            {"id": "tna_kew", "canonical": "The National Archives", "type": "ARCHIVE", "aliases": ["Kew"]}]
    assert validate_kb(write(tmp_path, rows)) == []


def test_build_adds_declared_entities_and_new_surfaces_only(tmp_path):
    hand = '{"id": "kopp_viktor", "canonical": "Viktor Kopp", "type": "PERSON", "aliases": ["Kopp"], "description": "hand edit"}'
    untouched = '{"id": "berlin",   "canonical": "Berlin", "type": "LOC", "aliases": []}'
    kb = write(tmp_path, [hand, untouched])
    markup = tmp_path / "markup"
    markup.mkdir()
    (markup / "p01.txt").write_text(
        "@doc p01 narrative\n@entity stresemann_gustav PERSON Gustav Stresemann\n"
        "[[Stresemann|PERSON|stresemann_gustav]] met [[Коппа|PERSON|kopp_viktor]] and [[Kopp’s|PERSON|kopp_viktor]] friend in [[Berlin|LOC|berlin]].\n",
        encoding="utf8")
    records = tmp_path / "records"
    records.mkdir()
    (records / "p01.jsonl").write_text(json.dumps({"id": "p01#1", "text": "Копп wrote", "entities": [
        {"id": 1, "label": "PERSON", "start_offset": 0, "end_offset": 4, "text": "Копп", "entity_id": "kopp_viktor"}]},
        ensure_ascii=False) + "\n", encoding="utf8")
    stats = build_kb(kb, records, markup)
    lines = kb.read_text(encoding="utf8").splitlines()
    assert lines[1] == untouched  # a line that gains nothing is kept byte for byte
    kopp = json.loads(lines[0])
    assert kopp["description"] == "hand edit"
    assert kopp["aliases"] == ["Kopp", "Коппа", "Копп"]  # "Kopp’s" normalises to "Kopp": nothing added
    added = json.loads(lines[2])
    assert added["id"] == "stresemann_gustav" and added["canonical"] == "Gustav Stresemann"
    assert stats["entities_added"] == 1
    assert validate_kb(kb) == []
    build_kb(kb, records, markup)  # idempotent
    assert json.loads(kb.read_text(encoding="utf8").splitlines()[0])["aliases"] == ["Kopp", "Коппа", "Копп"]


def test_cli_list_add_validate(tmp_path):
    kb = write(tmp_path, [{"id": "kopp_viktor", "canonical": "Viktor Kopp", "type": "PERSON", "aliases": ["Копп"]}])
    res = runner.invoke(app, ["list", "--kb", str(kb), "--query", "Kopp"])
    assert res.exit_code == 0 and "kopp_viktor" in res.stdout
    res = runner.invoke(app, ["add", "berlin", "LOC", "Berlin", "--alias", "Берлин", "--kb", str(kb)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["add", "berlin", "LOC", "Berlin", "--kb", str(kb)])
    assert res.exit_code == 1 and "duplicate id" in res.output
    res = runner.invoke(app, ["validate", str(kb)])
    assert res.exit_code == 0 and "2 entities OK" in res.stdout
    res = runner.invoke(app, ["list", "--kb", str(kb), "--type", "LOC"])
    assert "berlin" in res.stdout and "kopp_viktor" not in res.stdout
