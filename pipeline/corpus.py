"""The annotated corpus: records -> spaCy Docs, strict validation, splits and stats.

Records (doccano "JSONL (relation)" lines, see training/README.md) are the
source of truth. Converting them is strict: a span off token boundaries, an
overlap, an unknown label or an offset out of range stops the conversion with
the file, record id, offsets and text, unless the caller says how to resolve it.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import srsly
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span

from .authoring import ENTITY_LABELS, RELATION_TYPES, SPAN_LABELS, TRIGGER_LABELS
from .extensions import register_extensions
from .jsonl import iter_jsonl

SEGMENT_SEP = "\n\n"


class CorpusError(ValueError):
    """A problem in the corpus files; the message names file, record and offsets."""


@dataclass
class Record:
    path: Path
    line: int
    data: dict

    @property
    def rid(self) -> str:
        return str(self.data.get("id"))

    def where(self) -> str:
        return f"{self.path}:{self.line} (record {self.rid})"


def read_records(paths: Iterable[Path]) -> List[Record]:
    """Read records from JSONL files or folders of them, failing on malformed lines."""
    files: List[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(p.glob("*.jsonl")))
        elif p.exists():
            files.append(p)
        else:
            raise CorpusError(f"{p}: no such file or folder")
    records = []
    for f in files:
        for i, data in iter_jsonl(f, CorpusError):
            if "text" not in data or "doc_key" not in data:
                raise CorpusError(f"{f}:{i}: a record needs at least 'text' and 'doc_key'")
            records.append(Record(f, i, data))
    return records


def validate_record(rec: Record) -> List[str]:
    """Every problem of one record, as messages naming file, record, offsets and text."""
    problems = []
    text = rec.data["text"]
    spans = []
    ids = set()
    for ent in rec.data.get("entities", []):
        s, e, label = ent.get("start_offset"), ent.get("end_offset"), ent.get("label")
        if label not in SPAN_LABELS:
            problems.append(f"{rec.where()}: unknown label {label!r} at [{s}, {e})")
            continue
        if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text)):
            problems.append(f"{rec.where()}: {label} offsets [{s}, {e}) out of range (text has {len(text)} characters)")
            continue
        spans.append((s, e, label, ent.get("id")))
        ids.add(ent.get("id"))
    spans.sort()
    for a, b in zip(spans, spans[1:]):
        if b[0] < a[1]:
            problems.append(f"{rec.where()}: {a[2]} [{a[0]}, {a[1]}) {text[a[0]:a[1]]!r} overlaps "
                            f"{b[2]} [{b[0]}, {b[1]}) {text[b[0]:b[1]]!r}")
    by_id = {ent.get("id"): ent for ent in rec.data.get("entities", [])}
    for rel in rec.data.get("relations", []):
        if rel.get("type") not in RELATION_TYPES:
            problems.append(f"{rec.where()}: unknown relation type {rel.get('type')!r}")
        src, dst = by_id.get(rel.get("from_id")), by_id.get(rel.get("to_id"))
        if src is None or dst is None:
            problems.append(f"{rec.where()}: relation {rel.get('id')} points to a missing span")
        elif src.get("label") not in TRIGGER_LABELS:
            problems.append(f"{rec.where()}: relation {rel.get('id')} starts at {src.get('label')}, not a trigger")
    return problems


def _check_span(doc: Doc, rec: Record, s: int, e: int, label: str, mode: Optional[str]) -> Optional[Span]:
    span = doc.char_span(s, e, label=label)
    if span is not None:
        return span
    if mode in ("expand", "contract"):
        return doc.char_span(s, e, label=label, alignment_mode=mode)
    raise CorpusError(
        f"{rec.where()}: {label} span [{s}, {e}) {doc.text[s:e]!r} does not fall on token boundaries "
        f"(tokens: {[t.text for t in doc.char_span(s, e, alignment_mode='expand') or []]}); "
        "fix the record or pass --alignment-mode expand|contract"
    )


def group_documents(records: List[Record]) -> Dict[str, List[Record]]:
    docs: Dict[str, List[Record]] = defaultdict(list)
    for rec in records:
        docs[rec.data["doc_key"]].append(rec)
    for key in docs:
        docs[key].sort(key=lambda r: (r.data.get("doc_start", 0), r.rid))
    return dict(docs)


def build_doc(nlp: Language, recs: List[Record], alignment_mode: Optional[str] = None) -> Doc:
    """One spaCy Doc for a document (or a range of its segments), with gold annotation.

    Gold values travel on the Doc: entity ids as `ent.kb_id_`, dates as
    `ent._.date`, events and citations in `doc.user_data["gold_events"]` /
    `["gold_citations"]`, segments in `doc.user_data["segments"]`.
    """
    register_extensions()
    problems = [p for rec in recs for p in validate_record(rec)]
    if problems:
        raise CorpusError("\n".join(problems))
    parts, segments, pos = [], [], 0
    seg_starts = []
    for k, rec in enumerate(recs):
        if k:
            parts.append(SEGMENT_SEP)
            pos += len(SEGMENT_SEP)
        seg_starts.append(pos)
        text = rec.data["text"]
        markers = [{"number": m["number"], "offset": pos + m["offset"]} for m in rec.data.get("markers", [])]
        segments.append({"start": pos, "end": pos + len(text), "kind": rec.data.get("segment", "body"),
                         "number": rec.data.get("footnote"), "markers": markers})
        parts.append(text)
        pos += len(text)
    text = "".join(parts)
    doc = nlp.make_doc(text)
    if doc.text != text:
        raise CorpusError(f"{recs[0].where()}: the cleaner changes this document's text "
                          f"(first difference at {next(i for i, (a, b) in enumerate(zip(doc.text, text + ' ')) if a != b)}); "
                          "records must hold cleaned text")
    doc.user_data["segments"] = segments
    doc.user_data.pop("raw_offsets", None)
    ents, events, citations = [], [], []
    for k, (rec, base) in enumerate(zip(recs, seg_starts)):
        span_by_id = {}
        for ent in rec.data.get("entities", []):
            span = _check_span(doc, rec, base + ent["start_offset"], base + ent["end_offset"], ent["label"], alignment_mode)
            if span is None:
                raise CorpusError(f"{rec.where()}: span [{ent['start_offset']}, {ent['end_offset']}) vanished under "
                                  f"--alignment-mode {alignment_mode}")
            span_by_id[ent["id"]] = (span, ent)
            if ent["label"] in ENTITY_LABELS:
                if ent.get("entity_id"):
                    span = Span(doc, span.start, span.end, label=span.label_, kb_id=ent["entity_id"])
                ents.append(span)
                if ent["label"] == "DATE" and ent.get("date") is not None:
                    span._.date = dict(ent["date"])
        for ent_id, (span, ent) in span_by_id.items():
            if ent["label"] not in TRIGGER_LABELS:
                continue
            args = defaultdict(list)
            for rel in rec.data.get("relations", []):
                if rel["from_id"] == ent_id:
                    arg_span, arg = span_by_id[rel["to_id"]]
                    args[rel["type"]].append({"start": arg_span.start_char, "end": arg_span.end_char,
                                              "text": arg_span.text, "entity_id": arg.get("entity_id"),
                                              "label": arg["label"], "date": arg.get("date")})
            for arg in rec.data.get("resolved_args", []):
                if arg["from_id"] == ent_id:
                    args[arg["type"]].append({"start": None, "end": None, "text": None,
                                              "entity_id": arg["entity_id"], "label": None, "date": None})
            events.append({"type": ent["label"], "medium": ent.get("medium"), "record": rec.rid,
                           "trigger": [span.start_char, span.end_char], "args": dict(args)})
        for cite in rec.data.get("citations", []):
            citations.append(dict(cite, record=rec.rid, segment=k))
    try:
        doc.ents = sorted(ents, key=lambda s: s.start)
    except ValueError as e:
        raise CorpusError(f"{recs[0].where()}: overlapping entities after alignment: {e}") from None
    doc.user_data["gold_events"] = events
    doc.user_data["gold_citations"] = citations
    doc.user_data["doc_key"] = recs[0].data["doc_key"]
    return doc


def load_splits(path: Path) -> Dict[str, List[str]]:
    """The fixed split: {"train": [...], "dev": [...], "test": [...]} of doc keys."""
    data = srsly.read_json(path)
    seen = Counter(k for split in ("train", "dev", "test") for k in data.get(split, []))
    dup = [k for k, n in seen.items() if n > 1]
    if dup:
        raise CorpusError(f"{path}: documents in more than one split: {dup}")
    return {split: list(data.get(split, [])) for split in ("train", "dev", "test")}


def split_docs(nlp: Language, records: List[Record], splits: Dict[str, List[str]],
               alignment_mode: Optional[str] = None) -> Dict[str, List[Doc]]:
    """Docs per split. Unassigned documents are an error: nothing is dropped silently."""
    grouped = group_documents(records)
    assigned = {k: split for split, keys in splits.items() for k in keys}
    missing = sorted(set(grouped) - set(assigned))
    if missing:
        raise CorpusError(f"documents not in splits.json: {missing}")
    absent = sorted(set(assigned) - set(grouped))
    if absent:
        raise CorpusError(f"splits.json names documents with no records: {absent}")
    out: Dict[str, List[Doc]] = {"train": [], "dev": [], "test": []}
    for key, recs in grouped.items():
        out[assigned[key]].append(build_doc(nlp, recs, alignment_mode))
    return out


def stats(docs: List[Doc]) -> Dict[str, Dict[str, int]]:
    """Spans per label and events per type."""
    labels: Counter = Counter()
    events: Counter = Counter()
    words = 0
    for doc in docs:
        words += sum(1 for t in doc if not t.is_punct and not t.is_space)
        labels.update(e.label_ for e in doc.ents)
        events.update(ev["type"] for ev in doc.user_data.get("gold_events", []))
    return {"documents": {"docs": len(docs), "words": words}, "spans": dict(sorted(labels.items())),
            "events": dict(sorted(events.items()))}


def write_docbin(docs: List[Doc], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    DocBin(docs=docs, store_user_data=True).to_disk(tmp)
    tmp.replace(path)


def read_docbin(nlp: Language, path: Path) -> List[Doc]:
    register_extensions()
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))
