"""Correct predictions in doccano and merge the corrections back into the corpus.

    python -m pipeline doccano up                  # local server on 127.0.0.1
    python -m pipeline doccano push --records PRED.jsonl --project NAME
    python -m pipeline doccano pull --project NAME --out-dir training/records [--all]
    python -m pipeline doccano down

`push` uploads records as pre-annotations (each example keeps its record id in
its meta, so pushing again adds only what is new). `pull` converts the examples
an annotator confirmed back into records, keeps the attributes doccano cannot
show (entity_id, date, medium, resolved_args, citations) wherever a span is
unchanged, flags the rest `needs_review`, and merges them into the records
files by record id, after copying whatever it replaces to a dated snapshot.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import typer

from .doccano import (
    Doccano,
    DoccanoError,
    Example,
    pushed_record,
    record_to_line,
    validate_annotations,
)
from .jsonl import iter_jsonl

# attributes doccano has no field for, by span label: a new or relabelled span lacks them
ATTRIBUTES = {
    "PERSON": "entity_id", "ORG": "entity_id", "ARCHIVE": "entity_id", "LOC": "entity_id",
    "DATE": "date", "COMMUNICATION": "medium",
}

app = typer.Typer(help="Correct predictions in doccano (local server, 127.0.0.1 only).", no_args_is_help=True)


# -- reading and checking records -----------------------------------------------


def read_records(path: Path) -> List[Tuple[int, Dict[str, Any]]]:
    """(line number, record) pairs of a JSONL file; errors name the file and line."""
    if not path.exists():
        raise DoccanoError(f"{path}: file not found")
    return list(iter_jsonl(path, DoccanoError))


def check_record(record: Dict[str, Any], where: str) -> List[str]:
    problems = []
    if not record.get("id") or not isinstance(record.get("id"), str):
        problems.append(f"{where}: missing record id (a string such as 'p01_x#003')")
    if not isinstance(record.get("text"), str):
        problems.append(f"{where}: missing text")
        return problems
    problems.extend(validate_annotations(record["text"], record.get("entities", []), record.get("relations", []), where))
    return problems


def _raise_problems(problems: List[str], what: str) -> None:
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise DoccanoError(f"{what}: {len(problems)} problem(s):\n  {shown}{more}")


# -- push -------------------------------------------------------------------------


def push_records(client: Doccano, records_path: Path, project: str) -> Tuple[int, int]:
    """Upload the records not yet in the project; returns (added, skipped)."""
    records = read_records(records_path)
    problems, seen = [], {}
    for line_no, record in records:
        where = f"{records_path}:{line_no}"
        problems.extend(check_record(record, where))
        rid = record.get("id")
        if rid in seen:
            problems.append(f"{where}: record id {rid!r} already used on line {seen[rid]}")
        seen[rid] = line_no
    _raise_problems(problems, f"{records_path} cannot be pushed")
    pid = client.ensure_project(project)
    existing = client.record_ids(pid)
    new = [record for _, record in records if record["id"] not in existing]
    if new:
        try:
            client.upload_jsonl(pid, [record_to_line(r) for r in new], filename=records_path.name)
        except DoccanoError as err:
            raise DoccanoError(
                f"{err}\n(lines doccano accepted are in project {project!r}; fix the file and push again: "
                f"records already there are skipped)"
            ) from None
        _verify_upload(client, pid, new, project)
    return len(new), len(records) - len(new)


def _verify_upload(client: Doccano, pid: int, records: List[Dict[str, Any]], project: str) -> None:
    """doccano drops invalid or overlapping spans silently: check every record arrived whole."""
    got = {ex.record_id: ex for ex in client.examples(pid) if ex.record_id}
    problems = []
    for record in records:
        ex = got.get(record["id"])
        if ex is None:
            problems.append(f"record {record['id']}: missing after the import")
            continue
        want_spans = sorted((e["label"], e["start_offset"], e["end_offset"]) for e in record.get("entities", []))
        have_spans = sorted((s["label"], s["start_offset"], s["end_offset"]) for s in ex.spans)
        if want_spans != have_spans or len(ex.relations) != len(record.get("relations", [])):
            problems.append(
                f"record {record['id']}: doccano holds {len(have_spans)} spans / {len(ex.relations)} relations, "
                f"pushed {len(want_spans)} / {len(record.get('relations', []))}"
            )
    _raise_problems(problems, f"the import into project {project!r} is incomplete")


# -- pull: doccano example -> record ----------------------------------------------


def merge_example(base: Dict[str, Any], example: Example) -> Dict[str, Any]:
    """The record `base` with the spans and relations of `example`.

    A span whose offsets and label are unchanged keeps its entity dict (id and
    attributes); a relabelled span keeps its id but loses its attributes; a new
    span gets a new id. Spans that lack the attribute their label needs are
    marked `needs_review`, and so is the record.
    """
    text = example.text
    base_ents = base.get("entities", [])
    base_rels = base.get("relations", [])
    by_offsets = {(e["start_offset"], e["end_offset"]): e for e in base_ents}
    next_id = max([e["id"] for e in base_ents if isinstance(e.get("id"), int)], default=0) + 1
    entities, doccano_to_entity = [], {}
    for span in sorted(example.spans, key=lambda s: (s["start_offset"], s["end_offset"])):
        old = by_offsets.get((span["start_offset"], span["end_offset"]))
        if old is not None and old["label"] == span["label"]:
            ent = dict(old)
        else:
            if old is not None:
                eid = old["id"]
            else:
                eid, next_id = next_id, next_id + 1
            ent = {"id": eid, "label": span["label"], "start_offset": span["start_offset"],
                   "end_offset": span["end_offset"], "text": text[span["start_offset"]:span["end_offset"]]}
            if span["label"] in ATTRIBUTES:
                ent["needs_review"] = True
        doccano_to_entity[span["id"]] = ent
        entities.append(ent)

    rel_key = {(r["from_id"], r["to_id"], r["type"]): r for r in base_rels}
    next_rel = max([r["id"] for r in base_rels if isinstance(r.get("id"), int)], default=0) + 1
    relations = []
    for rel in example.relations:
        src, dst = doccano_to_entity.get(rel["from_id"]), doccano_to_entity.get(rel["to_id"])
        if src is None or dst is None:
            raise DoccanoError(
                f"example {example.id} (record {example.record_id}): relation {rel['id']} points to a span that does not exist"
            )
        key = (src["id"], dst["id"], rel["type"])
        if key in rel_key:
            relations.append(dict(rel_key[key]))
        else:
            relations.append({"id": next_rel, "from_id": src["id"], "to_id": dst["id"], "type": rel["type"]})
            next_rel += 1
    relations.sort(key=lambda r: r["id"])

    if _annotation_keys(entities, relations) == _annotation_keys(base_ents, base_rels):
        return base  # nothing corrected: the record stays as it is, byte for byte
    record = dict(base)
    record["entities"] = entities
    record["relations"] = relations
    triggers = {e["id"]: e["label"] for e in entities if e["label"] in ("COMMUNICATION", "MEETING")}
    old_triggers = {e["id"]: e["label"] for e in base_ents}
    kept_args, dropped = [], False
    for arg in base.get("resolved_args", []):
        if triggers.get(arg.get("from_id")) is not None and triggers[arg["from_id"]] == old_triggers.get(arg["from_id"]):
            kept_args.append(arg)
        else:
            dropped = True
    if "resolved_args" in base:
        record["resolved_args"] = kept_args
    if dropped or any(e.get("needs_review") for e in entities):
        record["needs_review"] = True
    else:
        record.pop("needs_review", None)
    return record


def _annotation_keys(entities: List[Dict[str, Any]], relations: List[Dict[str, Any]]):
    return (
        sorted((e["id"], e["label"], e["start_offset"], e["end_offset"]) for e in entities),
        sorted((r["from_id"], r["to_id"], r["type"]) for r in relations),
    )


# -- pull: merging into the records files -----------------------------------------


class RecordsDir:
    """The records files of a directory, indexed by record id, with their raw lines."""

    def __init__(self, path: Path):
        self.path = path
        self.lines: Dict[Path, List[str]] = {}
        self.index: Dict[str, Tuple[Path, int, Dict[str, Any]]] = {}
        self.doc_files: Dict[str, Path] = {}
        for file in sorted(path.glob("*.jsonl")) if path.exists() else []:
            raw = file.read_text(encoding="utf8").splitlines()
            self.lines[file] = raw
            for i, line in enumerate(raw):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as err:
                    raise DoccanoError(f"{file}:{i + 1}: not valid JSON ({err.msg})") from None
                rid = record.get("id")
                if rid in self.index:
                    other = self.index[rid]
                    raise DoccanoError(f"{file}:{i + 1}: record id {rid!r} also on {other[0]}:{other[1] + 1}")
                self.index[rid] = (file, i, record)
                self.doc_files.setdefault(record.get("doc_key"), file)

    def file_for(self, record: Dict[str, Any]) -> Path:
        doc_key = record.get("doc_key")
        return self.doc_files.get(doc_key) or self.path / f"{doc_key or 'doccano'}.jsonl"


def pull_records(
    client: Doccano, project: str, out_dir: Path, snapshot_root: Optional[Path] = None, all_examples: bool = False
) -> Dict[str, Any]:
    """Merge the project's confirmed (or all) examples into the records in `out_dir`.

    All-or-nothing: everything is fetched and validated first, new files are
    written next to the old ones as temp files, the files to be replaced are
    copied to `snapshot_root/<UTC time>/`, and only then renamed into place.
    """
    snapshot_root = snapshot_root or out_dir.parent / "snapshots"
    pid = client.project_id(project)
    examples = list(client.examples(pid, confirmed_only=not all_examples))
    local = RecordsDir(out_dir)
    problems: List[str] = []
    updates: Dict[Path, Dict[int, str]] = {}
    appends: Dict[Path, List[str]] = {}
    stats = {"examples": len(examples), "changed": 0, "added": 0, "unchanged": 0, "needs_review": 0}
    for ex in examples:
        where = f"project {project!r}, example {ex.id} (record {ex.record_id})"
        if not ex.record_id:
            problems.append(f"{where}: no record_id in its meta (not pushed by `push`)")
            continue
        found = local.index.get(ex.record_id)
        base = found[2] if found else pushed_record(ex)
        if base is None:
            problems.append(f"{where}: not in {out_dir} and no pushed record in its meta")
            continue
        if base.get("text") != ex.text:
            problems.append(f"{where}: text differs from {found[0]}:{found[1] + 1}" if found else f"{where}: text differs")
            continue
        try:
            record = merge_example(base, ex)
        except DoccanoError as err:
            problems.append(str(err))
            continue
        problems.extend(check_record(record, where))
        if record.get("needs_review"):
            stats["needs_review"] += 1
        line = json.dumps(record, ensure_ascii=False)
        if found is None:
            appends.setdefault(local.file_for(record), []).append(line)
            stats["added"] += 1
        elif record != found[2]:
            updates.setdefault(found[0], {})[found[1]] = line
            stats["changed"] += 1
        else:
            stats["unchanged"] += 1
    _raise_problems(problems, f"pull from project {project!r} stopped, nothing was written")

    outputs: Dict[Path, List[str]] = {}
    for file in set(updates) | set(appends):
        lines = list(local.lines.get(file, []))
        for i, line in updates.get(file, {}).items():
            lines[i] = line
        lines.extend(appends.get(file, []))
        outputs[file] = lines
    stats["files"] = sorted(str(f) for f in outputs)
    stats["snapshot"] = None
    if outputs:
        stats["snapshot"] = _write_all(outputs, out_dir, snapshot_root)
    return stats


def _write_all(outputs: Dict[Path, List[str]], out_dir: Path, snapshot_root: Path) -> Optional[str]:
    out_dir.mkdir(parents=True, exist_ok=True)
    temps: Dict[Path, Path] = {}
    snapshot = None
    try:
        for file, lines in outputs.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".tmp", dir=file.parent)
            with os.fdopen(fd, "w", encoding="utf8") as fh:
                fh.write("\n".join(lines) + "\n")
            temps[file] = Path(tmp)
        replaced = [f for f in outputs if f.exists()]
        if replaced:
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            snapshot = snapshot_root / stamp
            n = 1
            while snapshot.exists():
                n += 1
                snapshot = snapshot_root / f"{stamp}-{n}"
            snapshot.mkdir(parents=True)
            for f in replaced:
                shutil.copy2(f, snapshot / f.relative_to(out_dir))
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        raise
    for file, tmp in temps.items():
        os.replace(tmp, file)
    return str(snapshot) if snapshot else None


# -- commands -----------------------------------------------------------------------


def _fail(err: Exception) -> None:
    typer.echo(f"error: {err}", err=True)
    raise typer.Exit(1)


@app.command("up")
def up_cmd(port: Optional[int] = typer.Option(None, help="port on 127.0.0.1 (default: $DOCCANO_PORT or 8000)")) -> None:
    """Start the local doccano server (installs its venv on first use)."""
    from .doccano import DEFAULT_PORT, setting
    from .doccano_server import ServerPaths, up

    start = time.monotonic()
    try:
        url = up(ServerPaths.from_env(), port or int(setting("DOCCANO_PORT") or DEFAULT_PORT))
    except DoccanoError as err:
        _fail(err)
    typer.echo(f"doccano is up at {url} ({time.monotonic() - start:.1f} s)")


@app.command("down")
def down_cmd() -> None:
    """Stop the local doccano server."""
    from .doccano_server import ServerPaths, down

    down(ServerPaths.from_env())
    typer.echo("doccano stopped")


@app.command("push")
def push_cmd(
    records: Path = typer.Option(..., "--records", help="records JSONL (e.g. from predict-records)"),
    project: str = typer.Option(..., "--project", help="doccano project name (created if missing)"),
    url: Optional[str] = typer.Option(None, help="http://127.0.0.1:PORT (default: $DOCCANO_URL or $DOCCANO_PORT)"),
) -> None:
    """Upload records as pre-annotations; records already in the project are skipped."""
    try:
        added, skipped = push_records(Doccano(url), records, project)
    except DoccanoError as err:
        _fail(err)
    typer.echo(f"pushed {added} record(s) to project {project!r}; {skipped} already there, skipped")


@app.command("pull")
def pull_cmd(
    project: str = typer.Option(..., "--project", help="doccano project name"),
    out_dir: Path = typer.Option(Path("training/records"), "--out-dir", help="records directory to merge into"),
    snapshot_dir: Optional[Path] = typer.Option(None, help="where replaced files are copied (default: OUT_DIR/../snapshots)"),
    all_examples: bool = typer.Option(False, "--all", help="take every example, not only the confirmed ones"),
    url: Optional[str] = typer.Option(None, help="http://127.0.0.1:PORT (default: $DOCCANO_URL or $DOCCANO_PORT)"),
) -> None:
    """Merge confirmed corrections into the records files (snapshot first, all-or-nothing)."""
    try:
        stats = pull_records(Doccano(url), project, out_dir, snapshot_dir, all_examples)
    except DoccanoError as err:
        _fail(err)
    typer.echo(
        f"pulled {stats['examples']} example(s): {stats['changed']} changed, {stats['added']} added, "
        f"{stats['unchanged']} unchanged, {stats['needs_review']} need review (missing entity_id/date/medium)"
    )
    if stats["snapshot"]:
        typer.echo(f"previous files copied to {stats['snapshot']}")


if __name__ == "__main__":
    app()
