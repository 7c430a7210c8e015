"""Inline markup for writing annotated passages by hand, converted to corpus records.

Annotators (people or helper sessions) find character offsets painful to type,
so passages are written in a small markup and converted once into the doccano
"JSONL (relation)" records that are the corpus's source of truth
(see ``training/README.md`` for the full grammar).

    @doc p01_rapallo narrative
    @entity chicherin_georgy PERSON Georgy Chicherin
    [[Chicherin|PERSON|chicherin_georgy#c]] sent a [[telegram|COMMUNICATION|telegram#t]] ...
    >> t sender=c recipient=k date=d

    ^12 RGASPI, fond 17, op. 3, d. 2137, p. 64.
"""
from __future__ import annotations

import re
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ENTITY_LABELS = ("PERSON", "ORG", "ARCHIVE", "DATE", "LOC")
TRIGGER_LABELS = ("COMMUNICATION", "MEETING")
SPAN_LABELS = ENTITY_LABELS + TRIGGER_LABELS
LINKED_LABELS = ("PERSON", "ORG", "ARCHIVE", "LOC")
RELATION_TYPES = ("sender", "recipient", "cc", "participant", "date", "place")
MEDIA = ("report", "letter", "telegram", "note", "memorandum", "directive", "message", "appeal")
PRECISIONS = ("day", "month", "year", "season", "interval")
CITATION_FIELDS = ("archive", "fond", "opis", "delo", "pages")

SPAN_RE = re.compile(r"\[\[(?P<surface>[^\[\]|]+?)\|(?P<body>[^\[\]]*?)\]\]")
MARKER_RE = re.compile(r"\[\^(?P<n>\d+)\]")
ISO_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$")


class MarkupError(ValueError):
    """A markup problem, always naming the file and line."""


@dataclass
class Segment:
    kind: str
    number: Optional[int]
    text: str = ""
    line: int = 0
    entities: List[dict] = field(default_factory=list)
    relations: List[dict] = field(default_factory=list)
    resolved_args: List[dict] = field(default_factory=list)
    citations: List[dict] = field(default_factory=list)
    markers: List[dict] = field(default_factory=list)
    handles: Dict[str, int] = field(default_factory=dict)


def _err(path: Path, line: int, msg: str) -> MarkupError:
    return MarkupError(f"{path}:{line}: {msg}")


def _parse_span(path: Path, line: int, label_body: str) -> Tuple[dict, Optional[str]]:
    handle = None
    if "#" in label_body:
        label_body, handle = label_body.rsplit("#", 1)
        handle = handle.strip()
    parts = [p.strip() for p in label_body.split("|")]
    label, attrs = parts[0], parts[1:]
    if label not in SPAN_LABELS:
        raise _err(path, line, f"unknown label {label!r} (expected one of {', '.join(SPAN_LABELS)})")
    ent: dict = {"label": label}
    if label in LINKED_LABELS:
        if not attrs or not re.fullmatch(r"[a-z0-9_]+", attrs[0]):
            raise _err(path, line, f"{label} span needs an entity id like kopp_viktor, got {attrs!r}")
        ent["entity_id"] = attrs[0]
    elif label == "DATE":
        if len(attrs) < 2:
            raise _err(path, line, f"DATE needs |VALUE|PRECISION[|inferred], got {attrs!r}")
        value, precision = attrs[0], attrs[1]
        if value != "null" and not ISO_RE.match(value):
            raise _err(path, line, f"DATE value {value!r} is not ISO 8601 (YYYY, YYYY-MM, YYYY-MM-DD or A/B)")
        if precision not in PRECISIONS:
            raise _err(path, line, f"DATE precision {precision!r} not in {PRECISIONS}")
        extra = set(attrs[2:])
        if extra - {"inferred"}:
            raise _err(path, line, f"unknown DATE flags {sorted(extra - {'inferred'})}")
        ent["date"] = {"value": None if value == "null" else value, "precision": precision,
                       "year_inferred": "inferred" in extra}
    elif label == "COMMUNICATION":
        medium = attrs[0] if attrs else "message"
        if medium not in MEDIA:
            raise _err(path, line, f"COMMUNICATION medium {medium!r} not in {MEDIA}")
        ent["medium"] = medium
    return ent, handle


def _render(path: Path, seg: Segment, raw_lines: List[Tuple[int, str]]) -> None:
    """Strip markup from the segment's lines, recording span offsets."""
    out = []
    pos = 0
    for idx, (lineno, raw) in enumerate(raw_lines):
        if idx:
            out.append(" ")
            pos += 1
        i = 0
        while i < len(raw):
            m_span = SPAN_RE.match(raw, i)
            m_mark = MARKER_RE.match(raw, i)
            if m_span:
                ent, handle = _parse_span(path, lineno, m_span.group("body"))
                surface = m_span.group("surface")
                if surface != surface.strip():
                    raise _err(path, lineno, f"span {surface!r} has leading/trailing space")
                ent["id"] = len(seg.entities) + 1
                ent["start_offset"], ent["end_offset"] = pos, pos + len(surface)
                seg.entities.append(ent)
                if handle:
                    if handle in seg.handles:
                        raise _err(path, lineno, f"handle #{handle} used twice in one segment")
                    seg.handles[handle] = ent["id"]
                out.append(surface)
                pos += len(surface)
                i = m_span.end()
            elif m_mark:
                n = m_mark.group("n")
                seg.markers.append({"number": int(n), "offset": pos})
                out.append(n)
                pos += len(n)
                i = m_mark.end()
            else:
                if raw.startswith("[[", i) or raw.startswith("]]", i):
                    raise _err(path, lineno, f"malformed span markup near {raw[i:i + 40]!r}")
                out.append(raw[i])
                pos += 1
                i += 1
    seg.text = "".join(out)


def _parse_relations(path: Path, seg: Segment, rel_lines: List[Tuple[int, str]]) -> None:
    for lineno, raw in rel_lines:
        try:
            toks = shlex.split(raw[2:])
        except ValueError as e:
            raise _err(path, lineno, f"cannot split relation line: {e}")
        if not toks:
            raise _err(path, lineno, "empty relation line")
        if toks[0] == "cite":
            cite = dict.fromkeys(CITATION_FIELDS)
            for tok in toks[1:]:
                key, _, value = tok.partition("=")
                if key not in CITATION_FIELDS or not value:
                    raise _err(path, lineno, f"citation field must be one of {CITATION_FIELDS} with a value, got {tok!r}")
                cite[key] = value
            seg.citations.append(cite)
            continue
        trig = toks[0]
        if trig not in seg.handles:
            raise _err(path, lineno, f"unknown trigger handle {trig!r} in this segment")
        trig_id = seg.handles[trig]
        trig_ent = seg.entities[trig_id - 1]
        if trig_ent["label"] not in TRIGGER_LABELS:
            raise _err(path, lineno, f"#{trig} is a {trig_ent['label']}, not a trigger")
        for tok in toks[1:]:
            if "=" not in tok:
                raise _err(path, lineno, f"expected role=handle, got {tok!r}")
            role, targets = tok.split("=", 1)
            if role not in RELATION_TYPES:
                raise _err(path, lineno, f"unknown relation type {role!r}")
            for target in targets.split(","):
                if target.startswith("@"):
                    if role in ("date",):
                        raise _err(path, lineno, f"{role}={target}: a date must be a DATE span of the segment, not an entity id")
                    seg.resolved_args.append({"from_id": trig_id, "type": role, "entity_id": target[1:], "line": lineno})
                    continue
                if target not in seg.handles:
                    raise _err(path, lineno, f"unknown handle {target!r} for {role}")
                seg.relations.append({"id": len(seg.relations) + 1, "from_id": trig_id,
                                      "to_id": seg.handles[target], "type": role})


def parse_markup(path: Path) -> Tuple[dict, List[Segment], Dict[str, dict]]:
    """Parse one markup file into (doc header, segments, declared entities)."""
    header: dict = {"doc_key": path.stem, "genre": None}
    entities: Dict[str, dict] = {}
    segments: List[Segment] = []
    block: List[Tuple[int, str]] = []

    def flush() -> None:
        if not block:
            return
        text_lines = [(n, l) for n, l in block if not l.startswith(">>")]
        rel_lines = [(n, l) for n, l in block if l.startswith(">>")]
        if not text_lines:
            raise _err(path, block[0][0], "relation lines without a paragraph")
        first_no, first = text_lines[0]
        m = re.match(r"^\^(\d+)\s+", first)
        if m:
            seg = Segment("footnote", int(m.group(1)), line=first_no)
            text_lines[0] = (first_no, m.group(1) + " " + first[m.end():])
        else:
            seg = Segment("body", None, line=first_no)
        _render(path, seg, text_lines)
        _parse_relations(path, seg, rel_lines)
        segments.append(seg)
        block.clear()

    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("%"):
            continue
        if stripped.startswith("@doc "):
            parts = stripped.split()
            header["doc_key"] = parts[1]
            header["genre"] = parts[2] if len(parts) > 2 else None
            continue
        if stripped.startswith("@entity "):
            parts = stripped.split(None, 3)
            if len(parts) < 4 or parts[2] not in LINKED_LABELS:
                raise _err(path, lineno, "expected '@entity ID TYPE Canonical name' with TYPE in " + ", ".join(LINKED_LABELS))
            entities[parts[1]] = {"id": parts[1], "type": parts[2], "canonical": parts[3].strip()}
            continue
        if not stripped:
            flush()
            continue
        block.append((lineno, stripped))
    flush()

    for seg in segments:
        for ent in seg.entities:
            eid = ent.get("entity_id")
            if eid and eid not in entities:
                raise _err(path, seg.line, f"entity id {eid!r} used but not declared with @entity")
            if eid and entities[eid]["type"] != ent["label"]:
                raise _err(path, seg.line, f"{eid!r} declared as {entities[eid]['type']} but used as {ent['label']}")
        for cite in seg.citations:
            if cite["archive"] and cite["archive"] not in entities:
                raise _err(path, seg.line, f"citation archive {cite['archive']!r} not declared with @entity")
        for arg in seg.resolved_args:
            if arg["entity_id"] not in entities:
                raise _err(path, seg.line, f"resolved argument @{arg['entity_id']} not declared with @entity")
            etype = entities[arg["entity_id"]]["type"]
            allowed = ("LOC",) if arg["type"] == "place" else ("PERSON", "ORG")
            if etype not in allowed:
                raise _err(path, arg.pop("line"), f"{arg['type']}=@{arg['entity_id']}: a {etype} cannot be a {arg['type']}")
            arg.pop("line", None)
    return header, segments, entities


def to_records(path: Path) -> Tuple[List[dict], Dict[str, dict]]:
    """Convert one markup file into corpus records (one per paragraph/footnote)."""
    header, segments, entities = parse_markup(path)
    records = []
    doc_start = 0
    for i, seg in enumerate(segments):
        for ent in seg.entities:
            ent["text"] = seg.text[ent["start_offset"]:ent["end_offset"]]
        records.append({
            "id": f"{header['doc_key']}#{i:03d}",
            "doc_key": header["doc_key"],
            "genre": header["genre"],
            "segment": seg.kind,
            "footnote": seg.number,
            "markers": seg.markers,
            "doc_start": doc_start,
            "text": seg.text,
            "entities": seg.entities,
            "relations": seg.relations,
            "resolved_args": seg.resolved_args,
            "citations": seg.citations,
        })
        doc_start += len(seg.text) + 2  # segments are joined with a blank line
    return records, entities


def align_to_clean(records: List[dict], clean_text) -> List[dict]:
    """Give records written from cleaned segments their place in the cleaned document.

    Seed markup holds the cleaner's segments verbatim; kind, footnote number,
    markers and `doc_start` come from the cleaner (`pipeline.cleaning.clean`).
    """
    segs = clean_text.segments
    free: Dict[str, List[int]] = {}
    for j, seg in enumerate(segs):
        free.setdefault(clean_text.text[seg.start:seg.end], []).append(j)
    for rec in records:
        if not free.get(rec["text"]):
            raise MarkupError(f"record {rec['id']}: text not found in the cleaned document: {rec['text'][:60]!r}")
        seg = segs[free[rec["text"]].pop(0)]
        rec["segment"], rec["footnote"], rec["doc_start"] = seg.kind, seg.number, seg.start
        rec["markers"] = [{"number": m["number"], "offset": m["offset"] - seg.start} for m in seg.markers]
    return records


def main(argv: List[str]) -> int:
    """`python -m pipeline.authoring FILE... [--out OUT.jsonl]`: check and convert markup."""
    import json
    out = clean_from = None
    if "--clean-from" in argv:
        k = argv.index("--clean-from")
        clean_from = Path(argv[k + 1])
        argv = argv[:k] + argv[k + 2:]
    if "--out" in argv:
        k = argv.index("--out")
        out = Path(argv[k + 1])
        argv = argv[:k] + argv[k + 2:]
    if not argv or any(a in ("-h", "--help") for a in argv):
        print(main.__doc__)
        return 0 if argv else 2
    all_records, failures = [], 0
    nlp = None
    for name in argv:
        if not Path(name).is_file():
            print(f"ERROR {name}: no such markup file", file=sys.stderr)
            failures += 1
            continue
        try:
            records, ents = to_records(Path(name))
            if clean_from is not None:
                from .cleaning import clean

                align_to_clean(records, clean(clean_from.read_text(encoding="utf-8")))
        except MarkupError as e:
            print(f"ERROR {e}", file=sys.stderr)
            failures += 1
            continue
        # the spans must fall on the project tokeniser's token boundaries, as `convert` will require
        from .corpus import CorpusError, Record, build_doc
        from .training import blank_from_config

        if nlp is None:
            nlp = blank_from_config(Path(__file__).resolve().parent.parent / "configs" / "default.cfg")
        try:
            build_doc(nlp, [Record(Path(name), k + 1, r) for k, r in enumerate(records)])
        except CorpusError as e:
            print(f"ERROR {e}", file=sys.stderr)
            failures += 1
            continue
        words = sum(len(r["text"].split()) for r in records)
        labels: Dict[str, int] = {}
        for r in records:
            for e in r["entities"]:
                labels[e["label"]] = labels.get(e["label"], 0) + 1
        rels = sum(len(r["relations"]) + len(r["resolved_args"]) for r in records)
        print(f"OK {name}: {len(records)} segments, {words} words, {labels}, {rels} relations, {len(ents)} entities")
        all_records.extend(records)
    if out and not failures:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(out.suffix + ".tmp")
        tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in all_records), encoding="utf-8")
        tmp.replace(out)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
