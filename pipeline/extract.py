"""Read input files safely and turn processed Docs into the extract JSONL contract.

Every offset in the output indexes the ORIGINAL input file, so `raw[start:end]`
shows the mention even where the cleaner repaired the text.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, Optional, Tuple

import srsly
from spacy.tokens import Doc

from .tokenizer import raw_span

DEFAULT_MAX_BYTES = 5_000_000
COMMON_ENCODINGS = ("cp1251", "cp1252", "cp1250", "koi8_r", "iso8859_2", "latin_1", "cp866")


class InputError(ValueError):
    """An input file the pipeline cannot read; the message names file and problem."""


def read_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Tuple[str, Optional[str]]:
    """Return (text, note). Decode UTF-8; detect another encoding only when reliable."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: the file is empty")
    if size > max_bytes:
        raise InputError(f"{path}: the file is too large ({size / 1e6:.1f} MB > {max_bytes / 1e6:.1f} MB limit); "
                         "split it into articles or raise --max-bytes")
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputError(f"{path}: binary file (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        from charset_normalizer import from_bytes

        results = [r for r in from_bytes(data) if r.percent_coherence >= 10]
        best = results[0] if results else None
        if best is not None:
            # near-ties (mac_cyrillic vs cp1251, mac_roman vs cp1252) go to the common Windows/ISO code pages
            close = [r for r in results if r.percent_chaos <= best.percent_chaos + 1
                     and r.percent_coherence >= best.percent_coherence - 20]
            best = next((r for enc in COMMON_ENCODINGS for r in close if r.encoding == enc), best)
        if best is None or best.percent_chaos > 10 or best.encoding in ("utf_8",):
            raise InputError(f"{path}: not UTF-8 (byte {e.start}: {data[e.start:e.start + 1]!r}) and the encoding "
                             "cannot be detected reliably; convert it to UTF-8") from None
        text = str(best)
        return _check_text(path, text), f"{path}: decoded as {best.encoding} (not UTF-8)"
    return _check_text(path, text), None


def _check_text(path: Path, text: str) -> str:
    if not text.strip():
        raise InputError(f"{path}: the file holds only white space")
    printable = sum(ch.isprintable() or ch.isspace() for ch in text[:20000])
    if printable < 0.95 * min(len(text), 20000):
        raise InputError(f"{path}: does not look like text (too many control characters)")
    return text


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """.txt files, folders expanded (sorted), in the order given; missing paths pass through."""
    for p in paths:
        p = Path(p)
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*.txt") if q.is_file())
        else:
            yield p


def _arg(doc: Doc, arg: Optional[dict]) -> Optional[dict]:
    if arg is None:
        return None
    out = {"entity_id": arg.get("entity_id"), "canonical": arg.get("canonical"), "text": arg.get("text"),
           "start": None, "end": None}
    if arg.get("start") is not None:
        out["start"], out["end"] = raw_span(doc, arg["start"], arg["end"])
    via = arg.get("via")
    if via:  # what was written where the argument was resolved ("he", "the ambassador")
        start, end = raw_span(doc, via["start"], via["end"])
        out["via"] = {"text": via.get("text"), "start": start, "end": end, "kind": via.get("kind")}
    return out


def _date(value: Optional[dict], text: Optional[str] = None) -> Optional[dict]:
    if value is None:
        return None
    out = {"value": value.get("value"), "precision": value.get("precision"),
           "year_inferred": bool(value.get("year_inferred"))}
    if text is not None:
        out = {"text": text, **out}
    return out


def _citation(doc: Doc, cit: Optional[dict]) -> Optional[dict]:
    if cit is None:
        return None
    start, end = raw_span(doc, cit["start"], cit["end"]) if cit.get("start") is not None else (None, None)
    archive = cit.get("archive")
    return {"start": start, "end": end, "text": cit.get("text"),
            "archive": {"entity_id": archive.get("entity_id"), "canonical": archive.get("canonical")} if archive else None,
            "fond": cit.get("fond"), "opis": cit.get("opis"), "delo": cit.get("delo"), "pages": cit.get("pages")}


def doc_to_json(doc: Doc, doc_id: str, source: str) -> dict:
    """The extract contract for one document (see README, "Output")."""
    entities = []
    for ent in doc.ents:
        start, end = raw_span(doc, ent.start_char, ent.end_char)
        item = {"start": start, "end": end, "text": ent.text, "label": ent.label_,
                "entity_id": None, "canonical": None}
        if ent.label_ == "DATE":
            item["date"] = _date(ent._.date) or {"value": None, "precision": None, "year_inferred": False}
        else:
            item["entity_id"] = ent._.entity_id or (ent.kb_id_ or None)
            item["canonical"] = ent._.canonical
        entities.append(item)
    events = []
    text = doc.text  # built from every token: once
    for ev in doc._.events or []:
        ev_start, ev_end = raw_span(doc, *ev["evidence"])
        date = ev.get("date")
        events.append({
            "id": ev["id"], "type": ev["type"], "medium": ev.get("medium"),
            "sender": [_arg(doc, a) for a in ev.get("sender", [])],
            "recipient": [_arg(doc, a) for a in ev.get("recipient", [])],
            "cc": [_arg(doc, a) for a in ev.get("cc", [])],
            "participant": [_arg(doc, a) for a in ev.get("participant", [])],
            "date": _date(date, date.get("text")) if date else None,
            # "the next day": the day it points to, when the text gives no date of its own
            "date_relative": _date(ev["date_relative"], ev["date_relative"].get("text"))
            if ev.get("date_relative") and not date else None,
            "place": _arg(doc, ev.get("place")),
            "source": _citation(doc, ev.get("source")),
            "evidence": {"start": ev_start, "end": ev_end, "text": text[ev["evidence"][0]:ev["evidence"][1]]},
            "confidence": round(float(ev.get("confidence", 0.0)), 3),
        })
    citations = [_citation(doc, c) for c in doc._.citations or []]
    return {"doc_id": doc_id, "source": source, "entities": entities, "events": events, "citations": citations}


def write_jsonl_atomic(path: Path, lines: Iterable[dict]) -> int:
    """Write JSONL to a temporary file beside `path`, renaming it only when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for line in lines:
                f.write(srsly.json_dumps(line) + "\n")
                n += 1
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return n
