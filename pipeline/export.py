"""Exports of an extraction for other tools: TEI CMIF letters, Gephi CSV, a flat event table.

Everything works on the extract JSONL (one object per input document), so an
extraction can be exported again without rerunning the model.

    python -m pipeline export OUT.jsonl --cmif letters.xml --csv network/

CMIF (the Correspondence Metadata Interchange Format read by correspSearch)
allows only ``correspAction`` of type ``sent`` and ``received``. Copies
("with copies forwarded to Lenin and Trotsky") are therefore written as a
*second* ``received`` action after the one of the addressees: the copy
holders did receive the document, and keeping them in their own action keeps
them apart from the addressees. The same reading is used for the network:
an edge counts every communication a person received, as addressee or as copy
(``Cc`` in edges.csv says how many of them were copies).
"""
from __future__ import annotations

import csv as csvlib
import datetime as dt
import io
import json
import os
import tempfile
import uuid
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path
from typing import Annotated, Dict, Iterable, List, Optional, Tuple

import typer

from .jsonl import iter_jsonl

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
DOC_KEYS = ("doc_id", "source", "entities", "events", "citations")
DEFAULT_KB = Path(__file__).resolve().parent.parent / "configs" / "knowledge_base.jsonl"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
# Authority files in the order CMIF/correspSearch prefer them for the single @ref.
AUTHORITIES = (
    ("gnd", "https://d-nb.info/gnd/"),
    ("viaf", "https://viaf.org/viaf/"),
    ("wikidata", "https://www.wikidata.org/entity/"),
    ("geonames", "https://www.geonames.org/"),
)


class ExtractError(ValueError):
    """A problem in an input file, always naming the file and line."""


# ---------------------------------------------------------------- reading


def read_extract(path: Path, progress: bool = False) -> List[dict]:
    """Read the extract JSONL, checking the keys every consumer relies on."""
    path = Path(path)
    if not path.exists():
        raise ExtractError(f"{path}: file not found")
    docs: List[dict] = []
    size = max(path.stat().st_size, 1)
    bar = _progress(progress, size, f"Reading {path.name}")
    with path.open("r", encoding="utf8") as f:
        for lineno, line in enumerate(f, 1):
            if bar is not None:
                bar[0].update(bar[1], advance=len(line.encode("utf8")))
            if not line.strip():
                continue
            try:
                doc = json.loads(line)  # stdlib: srsly's ujson rounds floats
            except ValueError as e:
                raise ExtractError(f"{path}:{lineno}: not valid JSON ({e})") from None
            if not isinstance(doc, dict):
                raise ExtractError(f"{path}:{lineno}: expected a JSON object, got {type(doc).__name__}")
            missing = [k for k in DOC_KEYS if k not in doc]
            if missing:
                raise ExtractError(f"{path}:{lineno}: missing key(s) {', '.join(missing)}")
            for key in ("entities", "events", "citations"):
                if not isinstance(doc[key], list):
                    raise ExtractError(f"{path}:{lineno}: '{key}' must be a list")
            for i, ev in enumerate(doc["events"]):
                if not isinstance(ev, dict) or "type" not in ev:
                    raise ExtractError(f"{path}:{lineno}: event {i} has no 'type'")
            doc["_line"] = lineno
            docs.append(doc)
    if bar is not None:
        bar[0].stop()
    return docs


def _progress(enabled: bool, total: int, description: str):
    """A rich progress bar for large inputs (None when disabled)."""
    if not enabled:
        return None
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal:  # keep logs and pipes clean
        return None
    prog = Progress(TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn(), transient=True, console=console)
    task = prog.add_task(description, total=total)
    prog.start()
    return prog, task


def load_kb(path: Optional[Path]) -> Dict[str, dict]:
    """Knowledge base entries by id; a missing or empty file gives no authority ids."""
    if path is None or not Path(path).exists():
        return {}
    return {str(e["id"]): e for _, e in iter_jsonl(Path(path), ExtractError) if e.get("id")}


def authority_uri(entry: Optional[dict]) -> Optional[str]:
    """The authority URI of a KB entry: ids may be bare ("Q123") or full URIs, top level or nested."""
    if not entry:
        return None
    pools = [entry] + [entry[k] for k in ("ids", "authority", "authorities", "same_as") if isinstance(entry.get(k), dict)]
    for name, base in AUTHORITIES:
        for pool in pools:
            for key in (name, f"{name}_id", name.upper()):
                value = pool.get(key)
                if isinstance(value, (list, tuple)):
                    value = value[0] if value else None
                if value in (None, ""):
                    continue
                value = str(value).strip()
                if value.startswith(("http://", "https://")):
                    return value
                return base + value
    return None


# ---------------------------------------------------------------- shared helpers


def arg_key(arg: dict) -> str:
    """A node identity: the entity id, or the name for an unlinked argument."""
    if arg.get("entity_id"):
        return str(arg["entity_id"])
    return "unlinked:" + str(arg.get("canonical") or arg.get("text") or "?")


def arg_name(arg: Optional[dict]) -> str:
    if not arg:
        return ""
    return str(arg.get("canonical") or arg.get("text") or arg.get("entity_id") or "?")


def entity_labels(docs: Iterable[dict], kb: Optional[Dict[str, dict]] = None) -> Dict[str, str]:
    """Entity id -> label (most frequent in the mentions, else the KB type)."""
    counts: Dict[str, Counter] = defaultdict(Counter)
    for doc in docs:
        for ent in doc["entities"]:
            if ent.get("entity_id"):
                counts[str(ent["entity_id"])][ent.get("label")] += 1
    labels = {k: c.most_common(1)[0][0] for k, c in counts.items()}
    for k, entry in (kb or {}).items():
        labels.setdefault(k, str(entry.get("type") or entry.get("label") or ""))
    return labels


def archive_short_names(docs: Iterable[dict]) -> Dict[str, str]:
    """Archive id -> its shortest surface form ("RGASPI"), for compact shelfmarks."""
    forms: Dict[str, Counter] = defaultdict(Counter)
    for doc in docs:
        for ent in doc["entities"]:
            if ent.get("label") == "ARCHIVE" and ent.get("entity_id"):
                forms[str(ent["entity_id"])][ent.get("text") or ""] += 1
    return {k: min(c, key=lambda s: (len(s), -c[s], s)) for k, c in forms.items() if c}


def shelfmark(cit: Optional[dict], short: Optional[Dict[str, str]] = None) -> str:
    """"RGASPI, f. 17, op. 3, d. 2137, p. 64" from a parsed citation."""
    if not cit:
        return ""
    archive = cit.get("archive") or {}
    name = (short or {}).get(str(archive.get("entity_id"))) or archive.get("canonical") or archive.get("entity_id") or ""
    parts = [str(name)] if name else []
    for key, abbr in (("fond", "f."), ("opis", "op."), ("delo", "d."), ("pages", "p.")):
        if cit.get(key) not in (None, ""):
            value = str(cit[key])
            if key == "pages" and (any(c in value for c in "–-,") or " and " in value):
                abbr = "pp."
            parts.append(f"{abbr} {value}")
    return ", ".join(parts) if parts else str(cit.get("text") or "")


def receivers(event: dict) -> List[Tuple[dict, bool]]:
    """(argument, is_copy) for everybody who received a communication."""
    return [(a, False) for a in event.get("recipient") or []] + [(a, True) for a in event.get("cc") or []]


def correspondence_network(docs: List[dict], kb: Optional[Dict[str, dict]] = None) -> Tuple[List[dict], List[dict]]:
    """Nodes and directed edges of who wrote to whom; weight = number of communications."""
    labels = entity_labels(docs, kb)
    names: Dict[str, Counter] = defaultdict(Counter)
    edges: Dict[Tuple[str, str], dict] = {}
    for doc in docs:
        for ev in doc["events"]:
            if ev.get("type") != "COMMUNICATION":
                continue
            for s in ev.get("sender") or []:
                names[arg_key(s)][arg_name(s)] += 1
                for r, is_copy in receivers(ev):
                    key = (arg_key(s), arg_key(r))
                    if key[0] == key[1]:
                        continue
                    edge = edges.setdefault(key, {"source": key[0], "target": key[1], "weight": 0, "cc": 0, "events": []})
                    if ev.get("id") not in edge["events"]:
                        edge["weight"] += 1
                        edge["cc"] += int(is_copy)
                        edge["events"].append(ev.get("id"))
            for r, _ in receivers(ev):
                names[arg_key(r)][arg_name(r)] += 1
    sent: Counter = Counter()
    got: Counter = Counter()
    for e in edges.values():
        sent[e["source"]] += e["weight"]
        got[e["target"]] += e["weight"]
    nodes = []
    for key, c in names.items():
        out_w, in_w = sent[key], got[key]
        label = (kb or {}).get(key, {}).get("canonical") or c.most_common(1)[0][0]
        nodes.append({"id": key, "label": label, "type": labels.get(key, ""), "sent": out_w, "received": in_w})
    nodes.sort(key=lambda n: (-(n["sent"] + n["received"]), n["label"], n["id"]))
    return nodes, sorted(edges.values(), key=lambda e: (e["source"], e["target"]))


def atomic_write(path: Path, data: str) -> None:
    """Write to a temp file beside the target, then rename, so a crash never leaves half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf8", newline="") as f:
            f.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the output is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------- CMIF


def _date_attrs(date: Optional[dict]) -> Dict[str, str]:
    """CMIF dating attributes: when; from/to for intervals; notBefore/notAfter for seasons."""
    if not date or not date.get("value"):
        return {}
    value = str(date["value"])
    attrs: Dict[str, str]
    if "/" in value:
        start, end = value.split("/", 1)
        if date.get("precision") == "season":
            attrs = {"notBefore": start, "notAfter": end}
        else:
            attrs = {"from": start, "to": end}
    else:
        attrs = {"when": value}
    if date.get("year_inferred"):
        attrs["cert"] = "medium"  # the year comes from the narrative, not from the date itself
    return attrs


def _bibl_id(key: str) -> str:
    # xml:id must not start with a digit; the CMIF schematron wants a UUID inside it
    return "bibl-" + str(uuid.uuid5(uuid.NAMESPACE_URL, key))


def _name_el(parent: ET.Element, arg: dict, labels: Dict[str, str], kb: Dict[str, dict]) -> ET.Element:
    label = labels.get(str(arg.get("entity_id"))) if arg.get("entity_id") else None
    tag = "orgName" if label == "ORG" else "persName"
    el = ET.SubElement(parent, f"{{{TEI_NS}}}{tag}")
    ref = authority_uri(kb.get(str(arg.get("entity_id")))) if arg.get("entity_id") else None
    if ref:
        el.set("ref", ref)
    el.text = arg_name(arg)
    return el


def build_cmif(
    docs: List[dict],
    kb: Dict[str, dict],
    title: str,
    editor: str,
    publisher: str,
    url: str,
    when: Optional[str] = None,
) -> ET.ElementTree:
    """A CMIF TEI document with one correspDesc per COMMUNICATION event."""
    ET.register_namespace("", TEI_NS)
    T = lambda name: f"{{{TEI_NS}}}{name}"  # noqa: E731
    labels = entity_labels(docs, kb)
    short = archive_short_names(docs)
    tei = ET.Element(T("TEI"))
    header = ET.SubElement(tei, T("teiHeader"))
    file_desc = ET.SubElement(header, T("fileDesc"))
    title_stmt = ET.SubElement(file_desc, T("titleStmt"))
    ET.SubElement(title_stmt, T("title")).text = title
    ET.SubElement(title_stmt, T("editor")).text = editor
    pub = ET.SubElement(file_desc, T("publicationStmt"))
    ET.SubElement(pub, T("publisher")).text = publisher
    ET.SubElement(pub, T("idno"), {"type": "url"}).text = url
    stamp = when or dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    ET.SubElement(pub, T("date"), {"when": stamp})
    avail = ET.SubElement(pub, T("availability"))
    ET.SubElement(avail, T("licence"), {"target": LICENCE_URL}).text = (
        "This file is licensed under the terms of the Creative Commons License CC-BY 4.0"
    )
    source_desc = ET.SubElement(file_desc, T("sourceDesc"))
    profile = ET.SubElement(header, T("profileDesc"))
    bibls: Dict[str, str] = {}

    def bibl_for(doc: dict, cit: Optional[dict]) -> str:
        if cit:
            text = shelfmark(cit, short)
            key = "citation:" + text
        else:
            text = f"{doc['doc_id']} ({doc['source']})"
            key = "doc:" + str(doc["doc_id"])
        if key not in bibls:
            bibls[key] = _bibl_id(key)
            ET.SubElement(source_desc, T("bibl"), {"type": "print", XML_ID: bibls[key]}).text = text
        return bibls[key]

    for doc in docs:
        for ev in doc["events"]:
            if ev.get("type") != "COMMUNICATION":
                continue
            desc = ET.SubElement(profile, T("correspDesc"), {"key": str(ev.get("id") or ""), "source": "#" + bibl_for(doc, ev.get("source"))})
            sent = ET.SubElement(desc, T("correspAction"), {"type": "sent"})
            senders = ev.get("sender") or []
            if senders:
                for arg in senders:
                    _name_el(sent, arg, labels, kb)
            else:
                ET.SubElement(sent, T("persName")).text = "Unknown"
            place = ev.get("place")
            if place:
                pl = ET.SubElement(sent, T("placeName"))
                ref = authority_uri(kb.get(str(place.get("entity_id")))) if place.get("entity_id") else None
                if ref:
                    pl.set("ref", ref)
                pl.text = arg_name(place)
            date_attrs = _date_attrs(ev.get("date") or ev.get("date_relative"))
            if date_attrs:
                ET.SubElement(sent, T("date"), date_attrs)
            received = ET.SubElement(desc, T("correspAction"), {"type": "received"})
            if ev.get("recipient"):
                for arg in ev["recipient"]:
                    _name_el(received, arg, labels, kb)
            else:
                ET.SubElement(received, T("persName")).text = "Unknown"
            if ev.get("cc"):
                copies = ET.SubElement(desc, T("correspAction"), {"type": "received"})
                for arg in ev["cc"]:
                    _name_el(copies, arg, labels, kb)
    if not len(source_desc):
        # sourceDesc needs content even when nothing was found
        ET.SubElement(source_desc, T("bibl"), {"type": "print"}).text = ", ".join(str(d["doc_id"]) for d in docs) or "no documents"
    text = ET.SubElement(tei, T("text"))
    ET.SubElement(ET.SubElement(text, T("body")), T("p"))
    tree = ET.ElementTree(tei)
    ET.indent(tree)
    return tree


def cmif_string(tree: ET.ElementTree) -> str:
    body = ET.tostring(tree.getroot(), encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


# ---------------------------------------------------------------- CSV


def _csv(rows: List[List[object]]) -> str:
    buf = io.StringIO()
    writer = csvlib.writer(buf, lineterminator="\n")
    writer.writerows(rows)
    return buf.getvalue()


def _names(args: Optional[List[dict]]) -> Tuple[str, str]:
    args = args or []
    return " | ".join(arg_name(a) for a in args), " | ".join(str(a.get("entity_id") or "") for a in args)


def event_rows(docs: List[dict]) -> List[List[object]]:
    short = archive_short_names(docs)
    header = ["doc_id", "event_id", "type", "medium", "date_text", "date_value", "date_precision", "year_inferred",
              "sender", "sender_ids", "recipient", "recipient_ids", "cc", "cc_ids", "participant", "participant_ids",
              "place", "place_id", "source", "evidence", "evidence_start", "evidence_end", "confidence"]
    rows: List[List[object]] = [header]
    for doc in docs:
        for ev in doc["events"]:
            date = ev.get("date") or ev.get("date_relative") or {}
            evidence = ev.get("evidence") or {}
            place = ev.get("place") or {}
            rows.append([
                doc["doc_id"], ev.get("id", ""), ev.get("type", ""), ev.get("medium") or "",
                date.get("text") or "", date.get("value") or "", date.get("precision") or "",
                "" if not date else str(bool(date.get("year_inferred"))).lower(),
                *_names(ev.get("sender")), *_names(ev.get("recipient")), *_names(ev.get("cc")),
                *_names(ev.get("participant")), arg_name(place) if place else "", place.get("entity_id") or "",
                shelfmark(ev.get("source"), short), " ".join(str(evidence.get("text") or "").split()),
                evidence.get("start", ""), evidence.get("end", ""), ev.get("confidence", ""),
            ])
    return rows


def write_csv(docs: List[dict], out_dir: Path, kb: Optional[Dict[str, dict]] = None) -> Dict[str, int]:
    """nodes.csv and edges.csv for Gephi, events.csv as a flat table. Returns row counts."""
    nodes, edges = correspondence_network(docs, kb)
    node_rows = [["Id", "Label", "Type", "Sent", "Received"]] + [
        [n["id"], n["label"], n["type"], n["sent"], n["received"]] for n in nodes
    ]
    edge_rows = [["Source", "Target", "Weight", "Type", "Cc"]] + [
        [e["source"], e["target"], e["weight"], "Directed", e["cc"]] for e in edges
    ]
    events = event_rows(docs)
    out_dir = Path(out_dir)
    atomic_write(out_dir / "nodes.csv", _csv(node_rows))
    atomic_write(out_dir / "edges.csv", _csv(edge_rows))
    atomic_write(out_dir / "events.csv", _csv(events))
    return {"nodes": len(nodes), "edges": len(edges), "events": len(events) - 1}


# ---------------------------------------------------------------- CLI


def export(
    jsonl: Annotated[Path, typer.Argument(help="Extract JSONL (one object per document)")],
    cmif: Annotated[Optional[Path], typer.Option("--cmif", help="Write COMMUNICATION events as TEI CMIF here")] = None,
    csv: Annotated[Optional[Path], typer.Option("--csv", help="Write nodes.csv, edges.csv, events.csv into this folder")] = None,
    kb: Annotated[Path, typer.Option("--kb", help="Knowledge base JSONL with authority ids")] = DEFAULT_KB,
    title: Annotated[Optional[str], typer.Option("--title", help="CMIF title")] = None,
    editor: Annotated[str, typer.Option("--editor", help="CMIF contact person")] = "historian-pipeline",
    publisher: Annotated[str, typer.Option("--publisher", help="CMIF publisher (CC-BY originator)")] = "historian-pipeline",
    url: Annotated[Optional[str], typer.Option("--url", help="URL the CMIF file will be published at (correspSearch needs it)")] = None,
) -> None:
    """Export letters as CMIF and the correspondence network as Gephi CSV."""
    if cmif is None and csv is None:
        raise typer.BadParameter("nothing to do: give --cmif and/or --csv")
    try:
        docs = read_extract(jsonl, progress=True)
        kb_entries = load_kb(kb)
    except ExtractError as e:
        typer.secho(str(e), fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    if not kb_entries:
        typer.secho(f"No knowledge base entries in {kb}: names get no authority @ref", fg=typer.colors.YELLOW, err=True)
    if cmif is not None:
        tree = build_cmif(
            docs, kb_entries, title=title or f"Correspondence extracted from {Path(jsonl).name}",
            editor=editor, publisher=publisher, url=url or Path(cmif).resolve().as_uri(),
        )
        atomic_write(cmif, cmif_string(tree))
        n = len(tree.getroot().findall(f".//{{{TEI_NS}}}correspDesc"))
        typer.echo(f"CMIF: {n} letters -> {cmif}")
    if csv is not None:
        counts = write_csv(docs, csv, kb_entries)
        typer.echo(f"CSV: {counts['nodes']} nodes, {counts['edges']} edges, {counts['events']} events -> {csv}")


if __name__ == "__main__":
    typer.run(export)
