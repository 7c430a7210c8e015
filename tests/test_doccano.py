"""The doccano correction loop, against a real doccano 1.8.4 server.

The server runs once per test session (its own venv, a temp DOCCANO_HOME, a free
port on 127.0.0.1). If its venv cannot be created the tests fail: CI installs it
with .ci/doccano-setup.sh.
"""
import copy
import json
import os
import secrets
import socket
import time
import uuid

import pytest
from typer.testing import CliRunner

from pipeline.doccano import Doccano, DoccanoError, Example, record_to_line, validate_annotations
from pipeline.doccano_cli import app, merge_example
from pipeline.doccano_server import ServerPaths, down, install, up

pytestmark = pytest.mark.doccano
runner = CliRunner()
USERNAME = "admin"

TEXT1 = "On 7 September Kopp sent a report to Chicherin from Berlin."
TEXT2 = "Kopp met Maltzan in Berlin on 11 July 1920."
TEXT3 = "Pravda printed the appeal of the Politburo."


def ent(i, label, text, surface, occurrence=0, **attrs):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return {"id": i, "label": label, "start_offset": start, "end_offset": start + len(surface), "text": surface, **attrs}


def make_records():
    """Three segments as the local corpus has them (with the attributes doccano cannot show)."""
    r1 = {
        "id": "p99_test#001", "doc_key": "p99_test", "genre": "narrative", "segment": "body", "footnote": None,
        "markers": [], "doc_start": 0, "text": TEXT1,
        "entities": [
            ent(1, "DATE", TEXT1, "7 September", date={"value": "1920-09-07", "precision": "day", "year_inferred": True}),
            ent(2, "PERSON", TEXT1, "Kopp", entity_id="kopp_viktor"),
            ent(3, "COMMUNICATION", TEXT1, "report", medium="report"),
            ent(4, "PERSON", TEXT1, "Chicherin", entity_id="chicherin_georgy"),
            ent(5, "LOC", TEXT1, "Berlin", entity_id="berlin"),
        ],
        "relations": [
            {"id": 1, "from_id": 3, "to_id": 2, "type": "sender"},
            {"id": 2, "from_id": 3, "to_id": 4, "type": "recipient"},
            {"id": 3, "from_id": 3, "to_id": 1, "type": "date"},
        ],
        "resolved_args": [], "citations": [],
    }
    r2 = {
        "id": "p99_test#002", "doc_key": "p99_test", "genre": "narrative", "segment": "body", "footnote": None,
        "markers": [{"number": 3, "offset": 42}], "doc_start": len(TEXT1) + 2, "text": TEXT2,
        "entities": [
            ent(1, "PERSON", TEXT2, "Kopp", entity_id="kopp_viktor"),
            ent(2, "MEETING", TEXT2, "met"),
            ent(3, "PERSON", TEXT2, "Maltzan", entity_id="maltzan_ago"),
            ent(4, "LOC", TEXT2, "Berlin", entity_id="berlin"),
        ],
        "relations": [
            {"id": 1, "from_id": 2, "to_id": 1, "type": "participant"},
            {"id": 2, "from_id": 2, "to_id": 3, "type": "participant"},
        ],
        "resolved_args": [], "citations": [],
    }
    r3 = {
        "id": "p99_test#003", "doc_key": "p99_test", "genre": "narrative", "segment": "footnote", "footnote": 3,
        "markers": [], "doc_start": len(TEXT1) + len(TEXT2) + 4, "text": TEXT3,
        "entities": [
            ent(1, "PERSON", TEXT3, "Pravda", entity_id="pravda"),
            ent(2, "COMMUNICATION", TEXT3, "appeal", medium="appeal"),
            ent(3, "ORG", TEXT3, "Politburo", entity_id="politburo"),
        ],
        "relations": [{"id": 1, "from_id": 2, "to_id": 3, "type": "sender"}],
        "resolved_args": [{"from_id": 2, "type": "recipient", "entity_id": "comintern"}],
        "citations": [{"archive": "rgaspi", "fond": "17", "opis": "3", "delo": "2137", "pages": "64"}],
    }
    return [r1, r2, r3]


def write_jsonl(path, records):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf8")


def tree(path):
    """Every file under `path` with its bytes (to prove nothing was written)."""
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """A real doccano server for the session; fails (not skips) when it cannot be installed."""
    paths = ServerPaths.from_env(home=tmp_path_factory.mktemp("doccano-home"))
    start = time.monotonic()
    try:
        install(paths)
    except DoccanoError as err:
        pytest.fail(f"doccano server not installable ({err}); run .ci/doccano-setup.sh", pytrace=False)
    installed = time.monotonic()
    saved = {k: os.environ.get(k) for k in ("DOCCANO_USERNAME", "DOCCANO_PASSWORD", "DOCCANO_URL", "DOCCANO_PORT")}
    password = "-" + secrets.token_urlsafe(12)  # a leading "-" must not read as an option
    os.environ.update(DOCCANO_USERNAME=USERNAME, DOCCANO_PASSWORD=password)
    os.environ.pop("DOCCANO_PORT", None)
    try:
        url = up(paths, free_port())
    except DoccanoError as err:
        pytest.fail(f"doccano server did not start: {err}", pytrace=False)
    os.environ["DOCCANO_URL"] = url
    print(f"\ndoccano: install check {installed - start:.1f} s, start {time.monotonic() - installed:.1f} s")
    yield {"url": url, "password": password, "paths": paths}
    down(paths)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def client(server):
    return Doccano(server["url"], USERNAME, server["password"])


@pytest.fixture
def project_name():
    return f"test-{uuid.uuid4().hex[:8]}"


def push(tmp_path, records, project):
    pred = tmp_path / "pred.jsonl"
    write_jsonl(pred, records)
    return runner.invoke(app, ["push", "--records", str(pred), "--project", project])


def pull(out_dir, project, *extra):
    return runner.invoke(app, ["pull", "--project", project, "--out-dir", str(out_dir), *extra])


def by_record(client, pid):
    return {ex.record_id: ex for ex in client.examples(pid)}


def span_id(ex, surface):
    return next(s["id"] for s in ex.spans if ex.text[s["start_offset"]:s["end_offset"]] == surface)


# -- end to end ----------------------------------------------------------------------


def test_push_correct_confirm_pull(server, client, project_name, tmp_path):
    local = make_records()
    records_dir = tmp_path / "training" / "records"
    write_jsonl(records_dir / "p99_test.jsonl", local)
    before = (records_dir / "p99_test.jsonl").read_bytes()

    result = push(tmp_path, local, project_name)
    assert result.exit_code == 0, result.output
    assert "pushed 3 record(s)" in result.output
    # pushing again creates nothing twice
    result = push(tmp_path, local, project_name)
    assert result.exit_code == 0, result.output
    assert "pushed 0 record(s)" in result.output and "3 already there" in result.output
    pid = client.project_id(project_name)
    examples = by_record(client, pid)
    assert len(examples) == 3
    assert {s["label"] for s in examples["p99_test#001"].spans} == {"DATE", "PERSON", "COMMUNICATION", "LOC"}

    # the annotator: "Pravda" is a newspaper (ORG, not PERSON); adds the missing DATE
    # in segment 2 and links it to the meeting; confirms both examples
    ex3, ex2 = examples["p99_test#003"], examples["p99_test#002"]
    client.set_span_label(pid, ex3.id, span_id(ex3, "Pravda"), "ORG")
    date_id = client.add_span(pid, ex2.id, "DATE", TEXT2.index("11 July 1920"), len(TEXT2) - 1)
    client.add_relation(pid, ex2.id, span_id(ex2, "met"), date_id, "date")
    client.set_confirmed(pid, ex3.id)
    client.set_confirmed(pid, ex2.id)
    # an unconfirmed edit must not come back with a default pull
    ex1 = examples["p99_test#001"]
    client.delete_span(pid, ex1.id, span_id(ex1, "Berlin"))

    result = pull(records_dir, project_name)
    assert result.exit_code == 0, result.output
    assert "pulled 2 example(s): 2 changed" in result.output
    after = [json.loads(line) for line in (records_dir / "p99_test.jsonl").read_text("utf8").splitlines()]
    assert [r["id"] for r in after] == ["p99_test#001", "p99_test#002", "p99_test#003"]
    expected = make_records()
    # record 1: not confirmed, untouched, byte for byte
    assert (records_dir / "p99_test.jsonl").read_bytes().splitlines()[0] == before.splitlines()[0]
    # record 2: one new DATE (lost nothing, needs its value) and one new relation
    exp2 = expected[1]
    exp2["entities"].append({"id": 5, "label": "DATE", "start_offset": TEXT2.index("11 July 1920"),
                             "end_offset": len(TEXT2) - 1, "text": "11 July 1920", "needs_review": True})
    exp2["relations"].append({"id": 3, "from_id": 2, "to_id": 5, "type": "date"})
    exp2["needs_review"] = True
    assert after[1] == exp2
    # record 3: relabelled span keeps its id, loses its (wrong) entity_id; the rest stays
    exp3 = expected[2]
    exp3["entities"][0] = {"id": 1, "label": "ORG", "start_offset": 0, "end_offset": 6, "text": "Pravda",
                           "needs_review": True}
    exp3["needs_review"] = True
    assert after[2] == exp3
    # the replaced file was snapshotted first
    snapshots = list((tmp_path / "training" / "snapshots").glob("*/p99_test.jsonl"))
    assert len(snapshots) == 1 and snapshots[0].read_bytes() == before

    # --all takes the unconfirmed deletion too; pulling twice changes nothing more
    result = pull(records_dir, project_name, "--all")
    assert result.exit_code == 0, result.output
    rec1 = json.loads((records_dir / "p99_test.jsonl").read_text("utf8").splitlines()[0])
    assert [e["text"] for e in rec1["entities"]] == ["7 September", "Kopp", "report", "Chicherin"]
    assert rec1["relations"] == expected[0]["relations"] and "needs_review" not in rec1
    result = pull(records_dir, project_name, "--all")
    assert "0 changed, 0 added, 3 unchanged" in result.output
    assert len(list((tmp_path / "training" / "snapshots").iterdir())) == 2


def test_pull_adds_records_missing_locally(server, client, project_name, tmp_path):
    """A record pushed from predictions but not yet in the corpus comes back from the example's meta."""
    records = make_records()[:1]
    assert push(tmp_path, records, project_name).exit_code == 0
    pid = client.project_id(project_name)
    client.set_confirmed(pid, by_record(client, pid)["p99_test#001"].id)
    out = tmp_path / "records"
    result = pull(out, project_name)
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in (out / "p99_test.jsonl").read_text("utf8").splitlines()] == records
    assert not (tmp_path / "snapshots").exists()  # nothing was replaced


# -- failures: clear message, non-zero exit, nothing written -----------------------------


def test_wrong_password(server, tmp_path, monkeypatch):
    with pytest.raises(DoccanoError, match="wrong username or password"):
        Doccano(server["url"], USERNAME, "not-the-password")
    monkeypatch.setenv("DOCCANO_PASSWORD", "not-the-password-either")
    out = tmp_path / "records"
    write_jsonl(out / "a.jsonl", make_records())
    snap = tree(tmp_path)
    result = pull(out, "whatever")
    assert result.exit_code == 1
    assert "wrong username or password" in result.output
    assert "not-the-password-either" not in result.output
    assert tree(tmp_path) == snap


def test_server_down(tmp_path, monkeypatch):
    monkeypatch.setenv("DOCCANO_USERNAME", USERNAME)
    monkeypatch.setenv("DOCCANO_PASSWORD", "x")
    monkeypatch.setenv("DOCCANO_URL", f"http://127.0.0.1:{free_port()}")
    write_jsonl(tmp_path / "records" / "a.jsonl", make_records())
    snap = tree(tmp_path)
    result = push(tmp_path, make_records(), "p")
    assert result.exit_code == 1 and "not reachable" in result.output
    result = pull(tmp_path / "records", "p")
    assert result.exit_code == 1 and "not reachable" in result.output
    snap["pred.jsonl"] = (tmp_path / "pred.jsonl").read_bytes()
    assert tree(tmp_path) == snap


def test_only_local_addresses(monkeypatch):
    monkeypatch.setenv("DOCCANO_USERNAME", USERNAME)
    monkeypatch.setenv("DOCCANO_PASSWORD", "x")
    with pytest.raises(DoccanoError, match="only http://127.0.0.1"):
        Doccano("http://0.0.0.0:8000")


def test_missing_project(server, tmp_path):
    out = tmp_path / "records"
    write_jsonl(out / "a.jsonl", make_records())
    snap = tree(tmp_path)
    result = pull(out, "no-such-project")
    assert result.exit_code == 1 and "no project named 'no-such-project'" in result.output
    assert tree(tmp_path) == snap


def test_rejected_import_lines(server, client, project_name):
    pid = client.ensure_project(project_name)
    good = record_to_line(make_records()[0])
    with pytest.raises(DoccanoError, match=r"rejected 1 line\(s\).*line 2"):
        client.upload_jsonl(pid, [good, '{"text": "broken"'])


def test_failed_import_job(server, client, project_name):
    """Lines with different metadata keys make doccano abort the whole import job."""
    pid = client.ensure_project(project_name)
    lines = ['{"text": "a b", "entities": [], "relations": [], "x": 1}',
             '{"text": "c d", "entities": [], "relations": [], "y": "2"}']
    with pytest.raises(DoccanoError, match="import job failed"):
        client.upload_jsonl(pid, lines)
    assert list(client.examples(pid)) == []


def test_push_rejects_invalid_records_before_upload(server, client, project_name, tmp_path):
    bad = make_records()
    bad[0]["entities"][1]["end_offset"] = 30  # "Kopp" now overlaps "report"
    bad[1]["relations"][0]["from_id"] = 1  # participant from a PERSON
    result = push(tmp_path, bad, project_name)
    assert result.exit_code == 1
    assert "pred.jsonl:1" in result.output and "overlap" in result.output
    assert "pred.jsonl:2" in result.output and "not from a MEETING trigger" in result.output
    assert client.find_project(project_name) is None


def test_no_write_when_a_correction_is_invalid(server, client, project_name, tmp_path):
    local = make_records()
    out = tmp_path / "training" / "records"
    write_jsonl(out / "p99_test.jsonl", local)
    assert push(tmp_path, local, project_name).exit_code == 0
    pid = client.project_id(project_name)
    examples = by_record(client, pid)
    ex1, ex2 = examples["p99_test#001"], examples["p99_test#002"]
    client.set_span_label(pid, ex1.id, span_id(ex1, "Chicherin"), "ORG")  # fine on its own
    client.add_relation(pid, ex2.id, span_id(ex2, "Kopp"), span_id(ex2, "Berlin"), "place")  # not from a trigger
    client.set_confirmed(pid, ex1.id)
    client.set_confirmed(pid, ex2.id)
    snap = tree(tmp_path)
    result = pull(out, project_name)
    assert result.exit_code == 1
    assert "nothing was written" in result.output and "not from a COMMUNICATION/MEETING trigger" in result.output
    assert tree(tmp_path) == snap


# -- no server needed --------------------------------------------------------------------


def test_validate_annotations():
    r = make_records()[0]
    assert validate_annotations(r["text"], r["entities"], r["relations"], "r") == []
    ents = copy.deepcopy(r["entities"]) + [{"id": 9, "label": "EVENT", "start_offset": 50, "end_offset": 99}]
    rels = r["relations"] + [{"id": 9, "from_id": 3, "to_id": 42, "type": "sender"},
                             {"id": 10, "from_id": 3, "to_id": 5, "type": "recipient"}]
    problems = "\n".join(validate_annotations(r["text"], ents, rels, "r"))
    assert "unknown label 'EVENT'" in problems
    assert "not inside the text" in problems
    assert "endpoint 42" in problems
    assert "LOC 'Berlin' cannot fill the role" in problems


def test_merge_keeps_attributes_of_unchanged_spans():
    base = make_records()[0]
    spans = [{"id": 100 + e["id"], "label": e["label"], "start_offset": e["start_offset"],
              "end_offset": e["end_offset"]} for e in base["entities"]]
    rels = [{"id": 1, "from_id": 103, "to_id": 102, "type": "sender"},
            {"id": 2, "from_id": 103, "to_id": 104, "type": "recipient"},
            {"id": 3, "from_id": 103, "to_id": 101, "type": "date"}]
    ex = Example(id=1, text=base["text"], meta={"record_id": base["id"]}, confirmed=True, spans=spans, relations=rels)
    assert merge_example(base, ex) is base
    # widen "7 September" to "On 7 September": a changed span, so its date value is gone
    spans[0] = dict(spans[0], start_offset=0)
    merged = merge_example(base, ex)
    assert merged["entities"][0] == {"id": 6, "label": "DATE", "start_offset": 0, "end_offset": 14,
                                     "text": "On 7 September", "needs_review": True}
    assert merged["entities"][1:] == base["entities"][1:]
    assert merged["relations"][2] == {"id": 4, "from_id": 3, "to_id": 6, "type": "date"}
    assert merged["needs_review"] is True


def test_push_refuses_a_project_without_relations(server, client, project_name, tmp_path):
    from doccano_client.beta.models import Project, ProjectTypes

    client._client.projects.create(Project(name=project_name, description="no relations", project_type=ProjectTypes.SEQUENCE_LABELING))
    result = push(tmp_path, make_records(), project_name)
    assert result.exit_code == 1 and "without relations" in result.output
