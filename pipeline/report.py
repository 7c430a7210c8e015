"""One self-contained HTML page to read an extraction: texts, entities, events, timeline, network.

Works on the extract JSONL, so any earlier run can be looked at without the
model. The page has no external requests (inline CSS, JS and SVG only), so it
can be mailed or archived with the data.

    python -m pipeline report OUT.jsonl --html report.html
"""
from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections import Counter
from pathlib import Path
from typing import Annotated, Dict, List, Optional, Tuple

import typer

from .export import (
    ExtractError,
    _progress,
    archive_short_names,
    arg_name,
    atomic_write,
    correspondence_network,
    read_extract,
    shelfmark,
)

LINKED = ("PERSON", "ORG", "ARCHIVE", "LOC")
LABEL_ORDER = {"PERSON": 0, "ORG": 1, "ARCHIVE": 2, "LOC": 3, "DATE": 4}
ISO_POINT = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")
TEMPLATES = Path(__file__).parent / "templates"
NUMBER = ' data-type="number"'
MAX_ROWS = 24  # timeline rows per lane before marks overlap
MAX_NODES = 80  # network nodes drawn; the CSV export has all of them
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # not locale-dependent


def esc(value: object) -> str:
    """Escape for text and for double-quoted attributes alike."""
    return html.escape("" if value is None else str(value), quote=True)


# ---------------------------------------------------------------- source text


def resolve_source(source: str, base: Path) -> Optional[Path]:
    """The raw file: as given (absolute or from the working dir), else next to the JSONL."""
    if not source:
        return None
    path = Path(source)
    candidates = [path] if path.is_absolute() else [path, base / path, base / path.name]
    for cand in candidates:
        if cand.is_file():
            return cand
    return None


def read_raw(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return str(best) if best is not None else data.decode("utf8", errors="replace")


# ---------------------------------------------------------------- entities


def entity_key(ent: dict) -> str:
    if ent.get("label") == "DATE":
        value = (ent.get("date") or {}).get("value")
        return f"date:{value}" if value else f"date-text:{ent.get('text')}"
    if ent.get("entity_id"):
        return str(ent["entity_id"])
    return f"unlinked:{ent.get('label')}:{ent.get('text')}"


def entity_index(docs: List[dict]) -> List[dict]:
    """One row per entity (dates per value) with all surface forms and mention counts."""
    rows: Dict[str, dict] = {}
    for doc in docs:
        for ent in doc["entities"]:
            key = entity_key(ent)
            row = rows.setdefault(key, {"key": key, "labels": Counter(), "names": Counter(), "forms": Counter(),
                                        "docs": set(), "mentions": 0, "entity_id": ent.get("entity_id")})
            row["labels"][ent.get("label")] += 1
            row["forms"][ent.get("text") or ""] += 1
            row["docs"].add(doc["doc_id"])
            row["mentions"] += 1
            if ent.get("label") == "DATE":
                d = ent.get("date") or {}
                row["names"][f"{d.get('value') or '?'} ({d.get('precision') or '?'})"] += 1
            else:
                row["names"][ent.get("canonical") or ent.get("text") or ""] += 1
    out = []
    for row in rows.values():
        row["label"] = row["labels"].most_common(1)[0][0]
        row["name"] = row["names"].most_common(1)[0][0]
        out.append(row)
    out.sort(key=lambda r: (LABEL_ORDER.get(r["label"], 9), -r["mentions"], r["name"], r["key"]))
    for i, row in enumerate(out, 1):
        row["anchor"] = f"ent-{i}"
    return out


def mention_title(ent: dict) -> str:
    if ent.get("label") == "DATE":
        d = ent.get("date") or {}
        title = f"DATE {d.get('value') or '?'} ({d.get('precision') or '?'}"
        return title + (", year inferred)" if d.get("year_inferred") else ")")
    if ent.get("entity_id"):
        return f"{ent.get('label')}: {ent.get('canonical') or ent.get('text')} [{ent['entity_id']}]"
    return f"{ent.get('label')}: not linked"


def _letters(text: str) -> str:
    """The letters and digits of a mention: the raw span of "Joffe" may read "Joff e" or "Jof-\nfe"."""
    return "".join(ch for ch in text if ch.isalnum())


def render_text(raw: str, entities: List[dict], anchors: Dict[str, str]) -> Tuple[str, int]:
    """displaCy-style marks over the raw text; mentions whose offsets do not match are skipped and counted."""
    parts: List[str] = []
    pos = 0
    skipped = 0
    for ent in sorted(entities, key=lambda e: (e.get("start", 0), e.get("end", 0))):
        start, end = ent.get("start"), ent.get("end")
        if (not isinstance(start, int) or not isinstance(end, int) or start < pos or end > len(raw)
                or _letters(raw[start:end]) != _letters(ent.get("text") or "")):
            skipped += 1
            continue
        label = str(ent.get("label"))
        parts.append(esc(raw[pos:start]))
        parts.append(
            f'<a class="ent ent-{esc(label)}" href="#{anchors[entity_key(ent)]}" data-label="{esc(label)}"'
            f' data-entity-id="{esc(ent.get("entity_id") or "")}" title="{esc(mention_title(ent))}">'
            f'{esc(raw[start:end])}<span class="ent-label">{esc(label)}</span></a>'
        )
        pos = end
    parts.append(esc(raw[pos:]))
    return "".join(parts), skipped


# ---------------------------------------------------------------- dates


def _point(text: str, end: bool) -> Optional[dt.date]:
    m = ISO_POINT.match(text.strip())
    if not m:
        return None
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    try:
        if d:
            day = dt.date(y, int(mo), int(d))
            return day + dt.timedelta(days=1) if end else day
        if mo:
            first = dt.date(y, int(mo), 1)
            return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) if end else first
        return dt.date(y + 1, 1, 1) if end else dt.date(y, 1, 1)
    except ValueError:
        return None


def date_bounds(date: Optional[dict]) -> Optional[Tuple[dt.date, dt.date]]:
    """[start, end) of a normalised date value, e.g. "1920-06/1920-08" -> 1 June .. 1 Sept 1920."""
    if not date or not date.get("value"):
        return None
    parts = str(date["value"]).split("/")
    start, end = _point(parts[0], False), _point(parts[-1], True)
    if start is None or end is None or end <= start:
        return None
    return start, end


# ---------------------------------------------------------------- events table


def _args_html(args: Optional[List[dict]], cls: str = "arg") -> str:
    return ", ".join(
        f'<span class="{cls}" data-entity-id="{esc(a.get("entity_id") or "")}" title="{esc(a.get("entity_id") or "not linked")}">'
        f"{esc(arg_name(a))}</span>"
        for a in args or []
    )


def events_table(docs: List[dict], short: Dict[str, str]) -> Tuple[str, List[dict]]:
    rows: List[str] = []
    flat: List[dict] = []
    for doc in docs:
        for ev in doc["events"]:
            n = len(flat) + 1
            anchor = f"ev-{n}"
            flat.append({"event": ev, "doc": doc, "anchor": anchor})
            date = ev.get("date") or ev.get("date_relative") or {}  # "the next day": the day it points to
            is_meeting = ev.get("type") == "MEETING"
            who = _args_html(ev.get("participant")) if is_meeting else _args_html(ev.get("sender"))
            to = _args_html(ev.get("recipient"))
            if ev.get("cc"):
                to += (" " if to else "") + '<span class="cc">cc: ' + _args_html(ev.get("cc")) + "</span>"
            date_title = f"{date.get('value')} ({date.get('precision')}{', year inferred' if date.get('year_inferred') else ''})" if date else ""
            names = lambda args: " ".join(arg_name(a) for a in args or [])  # noqa: E731
            evidence = (ev.get("evidence") or {}).get("text") or ""
            cit = ev.get("source")
            conf = ev.get("confidence")
            rows.append(
                f'<tr class="event-row" id="{anchor}" data-event-id="{esc(ev.get("id"))}" data-type="{esc(ev.get("type"))}">'
                f'<td class="date" data-sort="{esc(date.get("value") or "9999")}" title="{esc(date_title)}">{esc(date.get("text") or date.get("value") or "—")}</td>'
                f'<td class="type">{esc(ev.get("type"))}</td>'
                f'<td class="medium">{esc(ev.get("medium") or "")}</td>'
                f'<td class="sender" data-sort="{esc(names(ev.get("participant") if is_meeting else ev.get("sender")))}">{who}</td>'
                f'<td class="recipient" data-sort="{esc(names(ev.get("recipient")))}">{to}</td>'
                f'<td class="place">{esc(arg_name(ev.get("place")))}</td>'
                f'<td class="source" title="{esc((cit or {}).get("text") or "")}">{esc(shelfmark(cit, short))}</td>'
                f'<td class="evidence">{esc(" ".join(evidence.split()))}</td>'
                f'<td class="doc">{esc(doc["doc_id"])}</td>'
                f'<td class="conf" data-sort="{esc(conf if isinstance(conf, (int, float)) else -1)}">'
                f'{esc(f"{conf:.2f}" if isinstance(conf, (int, float)) else "")}</td></tr>'
            )
    head = "".join(
        f'<th scope="col" data-key="{k}"{NUMBER if k == "conf" else ""}>{esc(t)}</th>'
        for k, t in (("date", "Date"), ("type", "Type"), ("medium", "Medium"), ("sender", "Sender / participants"),
                     ("recipient", "Recipient"), ("place", "Place"), ("source", "Source"), ("evidence", "Evidence"),
                     ("doc", "Document"), ("conf", "Conf."))
    )
    table = (
        '<input id="events-filter" type="search" placeholder="Filter events…" aria-label="Filter events">'
        f'<table id="events-table" class="sortable"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
    return table, flat


# ---------------------------------------------------------------- timeline


def timeline_svg(flat: List[dict]) -> str:
    items = []
    for item in flat:
        bounds = date_bounds(item["event"].get("date"))
        if bounds:
            items.append((bounds, item))
    undated = len(flat) - len(items)
    if not items:
        return f'<p class="empty">No dated events ({undated} undated).</p>'
    lo = min(b[0] for b, _ in items)
    hi = max(b[1] for b, _ in items)
    span = max((hi - lo).days, 60)
    pad = dt.timedelta(days=max(span // 30, 10))
    lo, hi = lo - pad, hi + pad
    width, left, right = 1000, 20, 20
    scale = (width - left - right) / (hi - lo).days
    x = lambda d: left + (d - lo).days * scale  # noqa: E731
    lanes = [t for t in ("COMMUNICATION", "MEETING") if any(i["event"].get("type") == t for _, i in items)]
    lanes += sorted({i["event"].get("type") for _, i in items} - set(lanes), key=str)
    marks: List[str] = []
    y = 34
    lane_rows = []
    for lane in lanes:
        rows_end: List[float] = []
        placed = []
        for (start, end), item in sorted(((b, i) for b, i in items if i["event"].get("type") == lane),
                                         key=lambda p: (p[0][0], p[0][1], p[1]["anchor"])):
            x0, x1 = x(start), max(x(end), x(start) + 2)
            x0p, x1p = x0 - 6, max(x1, x0) + 6
            row = next((r for r, last in enumerate(rows_end) if last < x0p), None)
            if row is None and len(rows_end) < MAX_ROWS:
                row, rows_end = len(rows_end), rows_end + [x1p]
            elif row is None:  # crowded: overlap in the row that frees up first
                row = min(range(len(rows_end)), key=lambda r: rows_end[r])
            rows_end[row] = max(rows_end[row], x1p)
            placed.append((row, x0, x1, end - start, item))
        lane_h = max(len(rows_end), 1) * 16 + 12
        lane_rows.append(f'<text class="lane-label" x="{left}" y="{y - 4}">{esc(lane)}</text>'
                         f'<line class="lane" x1="{left}" x2="{width - right}" y1="{y + lane_h - 4}" y2="{y + lane_h - 4}"/>')
        for row, x0, x1, length, item in placed:
            ev, cy = item["event"], y + 8 + row * 16
            who = [arg_name(a) for a in (ev.get("participant") if ev.get("type") == "MEETING" else ev.get("sender")) or []]
            to = [arg_name(a) for a in ev.get("recipient") or []]
            label = f"{(ev.get('date') or {}).get('text') or ''}: {ev.get('type')} {ev.get('medium') or ''} {', '.join(who)}"
            label += f" → {', '.join(to)}" if to else ""
            shape = (f'<circle cx="{x0:.1f}" cy="{cy}" r="5"/>' if length.days <= 1 else
                     f'<rect x="{x0:.1f}" y="{cy - 4}" width="{x1 - x0:.1f}" height="8" rx="4"/>')
            marks.append(f'<a href="#{item["anchor"]}"><g class="tl-event tl-{esc(ev.get("type"))}" data-event-id="{esc(ev.get("id"))}">'
                         f"<title>{esc(' '.join(label.split()))}</title>{shape}</g></a>")
        y += lane_h + 18
    ticks = []
    years = range(lo.year, hi.year + 2)
    monthly = (hi - lo).days < 3 * 366
    step = max(1, -(-len(years) // 12))  # at most about 12 year labels
    first_label = True
    for year in years:
        for month in (range(1, 13) if monthly else (1,)):
            d = dt.date(year, month, 1)
            if not lo <= d <= hi:
                continue
            major = month == 1 and (year - lo.year) % step == 0
            if month == 1 and not major and not monthly:
                continue
            tx = x(d)
            ticks.append(f'<line class="tick{" major" if major else ""}" x1="{tx:.1f}" x2="{tx:.1f}" y1="14" y2="{y - 14}"/>')
            if major or (monthly and month in (4, 7, 10)):
                text = str(year) if major else MONTHS[month - 1] + (f" {year}" if first_label else "")
                first_label = False
                ticks.append(f'<text class="tick-label{" major" if major else ""}" x="{tx + 2:.1f}" y="12">{text}</text>')
    height = y - 6
    note = f'<p class="note">{undated} undated event(s) not shown.</p>' if undated else ""
    return (f'<svg id="timeline" class="timeline" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="Events by date" xmlns="http://www.w3.org/2000/svg">'
            f'<g class="axis">{"".join(ticks)}</g>{"".join(lane_rows)}{"".join(marks)}</svg>{note}')


# ---------------------------------------------------------------- network


def _toward(ax: float, ay: float, bx: float, by: float, off: float) -> Tuple[float, float]:
    """The point `off` along the line from a to b (to end an edge at a node's rim)."""
    length = math.hypot(bx - ax, by - ay) or 1.0
    return ax + (bx - ax) / length * off, ay + (by - ay) / length * off


def network_svg(nodes: List[dict], edges: List[dict]) -> str:
    """Circular layout in node order (most active first), so the same data gives the same picture."""
    if not nodes:
        return '<p class="empty">No communications between linked entities.</p>'
    note = ""
    if len(nodes) > MAX_NODES:
        note = (f'<p class="note">Showing the {MAX_NODES} most active of {len(nodes)} correspondents; '
                "all of them are in the CSV export.</p>")
        nodes = nodes[:MAX_NODES]
        keep = {n["id"] for n in nodes}
        edges = [e for e in edges if e["source"] in keep and e["target"] in keep]
    width, height, cx, cy = 900, 620, 450, 310
    radius = 230 if len(nodes) > 1 else 0
    pos: Dict[str, Tuple[float, float, float]] = {}
    most = max(n["sent"] + n["received"] for n in nodes) or 1
    # area grows with activity; never wider than the node's share of the circle
    cap = max(3.0, 0.4 * 2 * math.pi * radius / len(nodes)) if len(nodes) > 1 else 20.0
    for i, n in enumerate(nodes):
        angle = -math.pi / 2 + 2 * math.pi * i / len(nodes)
        r = min(5 + 13 * math.sqrt((n["sent"] + n["received"]) / most), cap)
        pos[n["id"]] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle), r)
    pairs = {(e["source"], e["target"]) for e in edges}
    max_w = max([e["weight"] for e in edges] or [1])
    parts = ['<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" '
             'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>']
    labels = {n["id"]: n["label"] for n in nodes}
    for e in edges:
        (x0, y0, r0), (x2, y2, r2) = pos[e["source"]][:3], pos[e["target"]][:3]
        dx, dy = x2 - x0, y2 - y0
        dist = math.hypot(dx, dy) or 1.0
        bend = 28 if (e["target"], e["source"]) in pairs else 0  # two directions: two arcs
        mx, my = (x0 + x2) / 2 - dy / dist * bend, (y0 + y2) / 2 + dx / dist * bend

        sx, sy = _toward(x0, y0, mx, my, r0 + 1)
        ex, ey = _toward(x2, y2, mx, my, r2 + 3)
        stroke = 1.2 + 4 * (e["weight"] - 1) / max(max_w - 1, 1)
        copies = f" ({e['cc']} as copy)" if e["cc"] else ""
        title = f"{labels[e['source']]} → {labels[e['target']]}: {e['weight']} communication{'s' if e['weight'] != 1 else ''}{copies}"
        parts.append(
            f'<g class="edge" data-source="{esc(e["source"])}" data-target="{esc(e["target"])}" data-weight="{e["weight"]}">'
            f"<title>{esc(title)}</title>"
            f'<path d="M{sx:.1f},{sy:.1f} Q{mx:.1f},{my:.1f} {ex:.1f},{ey:.1f}" stroke-width="{stroke:.1f}" marker-end="url(#arrow)"/>'
            + (f'<text class="weight" x="{(sx + 2 * mx + ex) / 4:.1f}" y="{(sy + 2 * my + ey) / 4 - 3:.1f}">{e["weight"]}</text>'
               if e["weight"] > 1 or len(edges) <= 40 else "")
            + "</g>"
        )
    for n in nodes:
        x0, y0, r = pos[n["id"]]
        ang = math.atan2(y0 - cy, x0 - cx) if radius else -math.pi / 2
        lx, ly = x0 + math.cos(ang) * (r + 8), y0 + math.sin(ang) * (r + 8) + 4
        anchor = "middle" if abs(math.cos(ang)) < 0.3 else ("start" if math.cos(ang) > 0 else "end")
        parts.append(
            f'<g class="node node-{esc(n["type"] or "UNKNOWN")}" data-node-id="{esc(n["id"])}" data-label="{esc(n["type"])}">'
            f'<title>{esc(n["label"])} [{esc(n["id"])}]: sent {n["sent"]}, received {n["received"]}</title>'
            f'<circle cx="{x0:.1f}" cy="{y0:.1f}" r="{r:.1f}"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{esc(n["label"])}</text></g>'
        )
    return (f'<svg id="network" class="network" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="Correspondence network" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>{note}')


# ---------------------------------------------------------------- citations and entities


def citations_table(docs: List[dict], short: Dict[str, str]) -> str:
    rows = []
    for doc in docs:
        for cit in doc["citations"]:
            archive = cit.get("archive") or {}
            rows.append(
                f'<tr class="citation-row"><td>{esc(doc["doc_id"])}</td><td class="shelfmark">{esc(shelfmark(cit, short))}</td>'
                f'<td title="{esc(archive.get("entity_id") or "")}">{esc(archive.get("canonical") or "")}</td>'
                + "".join(f'<td data-sort="{esc(cit.get(k) or "")}">{esc(cit.get(k) or "")}</td>' for k in ("fond", "opis", "delo", "pages"))
                + f'<td>{esc(" ".join(str(cit.get("text") or "").split()))}</td></tr>'
            )
    head = "".join(f'<th scope="col">{t}</th>' for t in ("Document", "Shelfmark", "Archive", "Fond", "Opis", "Delo", "Pages", "Citation"))
    return f'<table id="citations-table" class="sortable"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def entities_table(index: List[dict]) -> str:
    rows = []
    for row in index:
        forms = ", ".join(f'{esc(f)} <span class="count">×{c}</span>' for f, c in sorted(row["forms"].items(), key=lambda p: (-p[1], p[0])))
        rows.append(
            f'<tr class="entity-row" id="{row["anchor"]}" data-entity-id="{esc(row["entity_id"] or "")}" data-label="{esc(row["label"])}">'
            f'<td><span class="badge ent-{esc(row["label"])}">{esc(row["label"])}</span></td><td>{esc(row["name"])}</td>'
            f'<td class="id">{esc(row["entity_id"] or "")}</td><td data-sort="{row["mentions"]}">{row["mentions"]}</td>'
            f'<td>{forms}</td><td data-sort="{len(row["docs"])}">{len(row["docs"])}</td></tr>'
        )
    head = "".join(
        f'<th scope="col"{NUMBER if t in ("Mentions", "Docs") else ""}>{t}</th>'
        for t in ("Label", "Name / value", "ID", "Mentions", "Surface forms", "Docs")
    )
    return f'<table id="entities-table" class="sortable"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


# ---------------------------------------------------------------- page


def build_html(docs: List[dict], base: Path, title: str, progress: bool = False) -> str:
    short = archive_short_names(docs)
    index = entity_index(docs)
    anchors = {row["key"]: row["anchor"] for row in index}
    table, flat = events_table(docs, short)
    nodes, edges = correspondence_network(docs)
    doc_parts: List[str] = []
    missing, skipped_total = [], 0
    bar = _progress(progress and len(docs) > 1, len(docs), "Rendering documents")
    for i, doc in enumerate(docs, 1):
        path = resolve_source(str(doc["source"] or ""), base)
        head = (f'<section class="doc" id="doc-{i}" data-doc-id="{esc(doc["doc_id"])}">'
                f'<details{" open" if len(docs) <= 5 else ""}><summary><h3>{esc(doc["doc_id"])}</h3> '
                f'<span class="meta">{len(doc["entities"])} mentions, {len(doc["events"])} events, '
                f'{len(doc["citations"])} citations · source <code>{esc(doc["source"])}</code></span></summary>')
        if path is None:
            missing.append(doc["doc_id"])
            body = (f'<p class="missing-source">Source file not found: <code>{esc(doc["source"])}</code>. '
                    "The text cannot be shown; its entities, events and citations are listed in the tables.</p>")
        else:
            text_html, skipped = render_text(read_raw(path), doc["entities"], anchors)
            skipped_total += skipped
            warn = (f'<p class="warning offset-mismatch">{skipped} mention(s) not highlighted: their offsets do not '
                    f"match this file (was it changed after extraction?).</p>") if skipped else ""
            body = f'{warn}<div class="doc-text">{text_html}</div>'
        doc_parts.append(head + body + "</details></section>")
        if bar is not None:
            bar[0].update(bar[1], advance=1)
    if bar is not None:
        bar[0].stop()
    n_events = sum(len(d["events"]) for d in docs)
    n_comm = sum(1 for d in docs for e in d["events"] if e.get("type") == "COMMUNICATION")
    stats = [("documents", len(docs)), ("mentions", sum(len(d["entities"]) for d in docs)),
             ("entities", sum(1 for r in index if r["label"] in LINKED)), ("events", n_events),
             ("communications", n_comm), ("correspondents", len(nodes)),
             ("citations", sum(len(d["citations"]) for d in docs))]
    summary = "".join(f'<li data-stat="{k}"><strong>{v}</strong> {k}</li>' for k, v in stats)
    warnings = ""
    if missing:
        warnings += f'<p class="warning">Source text missing for {len(missing)} document(s): {esc(", ".join(missing))}.</p>'
    if skipped_total:
        warnings += f'<p class="warning">{skipped_total} mention(s) with offsets that do not match their source text.</p>'
    css = (TEMPLATES / "report.css").read_text(encoding="utf8")
    js = (TEMPLATES / "report.js").read_text(encoding="utf8")
    legend = "".join(f'<span class="badge ent-{lab}">{lab}</span>' for lab in ("PERSON", "ORG", "ARCHIVE", "LOC", "DATE"))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{esc(title)}</title><style>{css}</style></head>
<body><header><h1>{esc(title)}</h1><ul class="summary">{summary}</ul>{warnings}
<nav><a href="#timeline-section">Timeline</a> · <a href="#network-section">Network</a> · <a href="#events-section">Events</a> ·
<a href="#citations-section">Citations</a> · <a href="#entities-section">Entities</a> · <a href="#documents-section">Texts</a></nav></header>
<main>
<section id="timeline-section"><h2>Timeline</h2>{timeline_svg(flat)}</section>
<section id="network-section"><h2>Correspondence network</h2>
<p class="note">Who wrote to whom: an arrow per sender and recipient (copies included), its width and number the count of communications.</p>
{network_svg(nodes, edges)}</section>
<section id="events-section"><h2>Events ({n_events})</h2><p class="note">Click a column header to sort.</p>{table}</section>
<section id="citations-section"><h2>Archival citations</h2>{citations_table(docs, short)}</section>
<section id="entities-section"><h2>Entities</h2>{entities_table(index)}</section>
<section id="documents-section"><h2>Texts</h2><p class="legend">{legend}</p>{"".join(doc_parts)}</section>
</main><script>{js}</script></body></html>
"""


def report(
    jsonl: Annotated[Path, typer.Argument(help="Extract JSONL (one object per document)")],
    html: Annotated[Path, typer.Option("--html", help="Where to write the HTML page")] = Path("report.html"),
    title: Annotated[Optional[str], typer.Option("--title", help="Page title")] = None,
) -> None:
    """Write one self-contained HTML page with texts, entities, events, timeline and network."""
    try:
        docs = read_extract(jsonl, progress=True)
    except ExtractError as e:
        typer.secho(str(e), fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    page = build_html(docs, Path(jsonl).resolve().parent, title or f"Extraction report: {Path(jsonl).name}", progress=True)
    atomic_write(html, page)
    n_events = sum(len(d["events"]) for d in docs)
    typer.echo(f"Report: {len(docs)} documents, {n_events} events -> {html}")


if __name__ == "__main__":
    typer.run(report)
