"""The knowledge base: one JSONL line per entity, editable by hand.

    {"id": "kopp_viktor", "canonical": "Viktor Kopp", "type": "PERSON",
     "aliases": ["Kopp", "Копп", "В.Л. Копп"], "description": "...",
     "wikidata": "Q...", "ambiguous_aliases": ["..."]}

The file is the source of truth; the linker builds its lookup tables from it
(``KnowledgeBase``), ``validate`` checks it, ``build`` grows it from annotated
records and markup without touching what a person wrote by hand.

CLI: ``python -m pipeline.kb list|add|validate|build`` (Typer ``app``).
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

import typer

from .jsonl import iter_jsonl
from .normalization import compact_key, has_cyrillic, lemma_key, norm_key, parse_person

ENTITY_TYPES = ("PERSON", "ORG", "ARCHIVE", "LOC")
KNOWN_FIELDS = {"id", "canonical", "type", "aliases", "description", "wikidata", "viaf", "gnd", "ambiguous_aliases",
                "period"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
DEFAULT_KB = Path("configs/knowledge_base.jsonl")


class KBError(ValueError):
    """A knowledge base file that cannot be used; the message lists every problem with file:line."""


@dataclass
class Entity:
    id: str
    canonical: str
    type: str
    aliases: List[str] = field(default_factory=list)
    description: str = ""
    ambiguous_aliases: List[str] = field(default_factory=list)
    extra: Dict = field(default_factory=dict)  # authority ids and any other fields, kept verbatim
    line: int = 0

    @property
    def names(self) -> List[str]:
        """Canonical first, then aliases (deduplicated)."""
        out = [self.canonical]
        for a in self.aliases:
            if a not in out:
                out.append(a)
        return out

    def to_json(self) -> Dict:
        d: Dict = {"id": self.id, "canonical": self.canonical, "type": self.type, "aliases": list(self.aliases)}
        if self.description:
            d["description"] = self.description
        if self.ambiguous_aliases:
            d["ambiguous_aliases"] = list(self.ambiguous_aliases)
        d.update(self.extra)
        return d


def _parse_lines(path: Path, text: str) -> Tuple[List[Tuple[int, Dict, str]], List[str]]:
    """JSON objects with their line numbers and raw text; errors for malformed lines."""
    rows, errors = [], []
    for lineno, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as e:
            errors.append(f"{path}:{lineno}: malformed JSON ({e.msg} at column {e.colno})")
            continue
        if not isinstance(obj, dict):
            errors.append(f"{path}:{lineno}: expected a JSON object, got {type(obj).__name__}")
            continue
        rows.append((lineno, obj, raw))
    return rows, errors


def _entity_from_obj(path: Path, lineno: int, obj: Dict) -> Tuple[Optional[Entity], List[str]]:
    errs = []
    where = f"{path}:{lineno}"
    eid = obj.get("id")
    if not isinstance(eid, str) or not ID_RE.match(eid):
        errs.append(f"{where}: bad or missing id {eid!r} (lowercase ASCII letters, digits, underscores)")
    etype = obj.get("type")
    if etype not in ENTITY_TYPES:
        errs.append(f"{where}: bad type {etype!r} for {eid!r} (one of {', '.join(ENTITY_TYPES)})")
    canonical = obj.get("canonical")
    if not isinstance(canonical, str) or not canonical.strip():
        errs.append(f"{where}: missing canonical name for {eid!r}")
    aliases = obj.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        errs.append(f"{where}: 'aliases' of {eid!r} must be a list of non-empty strings")
        aliases = []
    amb = obj.get("ambiguous_aliases", [])
    if not isinstance(amb, list) or not all(isinstance(a, str) for a in amb):
        errs.append(f"{where}: 'ambiguous_aliases' of {eid!r} must be a list of strings")
        amb = []
    unknown = set(obj) - KNOWN_FIELDS
    if unknown:
        errs.append(f"{where}: unknown field(s) {sorted(unknown)} in {eid!r}")
    for auth in ("wikidata", "viaf", "gnd"):
        if auth in obj and not isinstance(obj[auth], str):
            errs.append(f"{where}: {auth} of {eid!r} must be a string")
    period = obj.get("period")
    if period is not None and not (isinstance(period, list) and len(period) == 2 and
                                   all(y is None or isinstance(y, int) for y in period)):
        errs.append(f"{where}: 'period' of {eid!r} must be [from_year, to_year] (null for open)")
    if "wikidata" in obj and isinstance(obj["wikidata"], str) and not re.match(r"^Q\d+$", obj["wikidata"]):
        errs.append(f"{where}: wikidata id {obj['wikidata']!r} of {eid!r} is not of the form Q123")
    if errs:
        return None, errs
    extra = {k: v for k, v in obj.items() if k not in {"id", "canonical", "type", "aliases", "description", "ambiguous_aliases"}}
    return Entity(eid, canonical, etype, list(aliases), obj.get("description", ""), list(amb), extra, lineno), []


def check_entities(path: Path, entities: List[Entity]) -> List[str]:
    """Duplicate ids and aliases that two entities of one type claim without both declaring them ambiguous."""
    errors = []
    first_line: Dict[str, int] = {}
    for e in entities:
        if e.id in first_line:
            errors.append(f"{path}:{e.line}: duplicate id {e.id!r} (first defined on line {first_line[e.id]})")
        else:
            first_line[e.id] = e.line
    claims: Dict[Tuple[str, str], List[Tuple[Entity, str]]] = defaultdict(list)
    for e in entities:
        for name in e.names:
            key = norm_key(name)
            if key and all(c[0] is not e for c in claims[(e.type, key)]):
                claims[(e.type, key)].append((e, name))
    for (etype, key), owners in claims.items():
        if len(owners) < 2:
            continue
        declared = [any(norm_key(a) == key for a in e.ambiguous_aliases) for e, _ in owners]
        if all(declared):
            continue
        e1, n1 = owners[0]
        for e2, n2 in owners[1:]:
            errors.append(
                f"{path}:{e2.line}: alias {n2!r} of {e2.id!r} is also claimed by {e1.id!r} (line {e1.line}, as {n1!r}), "
                f"both {etype}; rename one, or list it in 'ambiguous_aliases' of both entities so the linker decides by context"
            )
    return errors


def read_kb(path: Path) -> Tuple[List[Entity], List[str]]:
    """Entities and the list of problems (empty when the file is valid)."""
    path = Path(path)
    if not path.exists():
        return [], [f"{path}: file not found"]
    rows, errors = _parse_lines(path, path.read_text(encoding="utf8"))
    entities = []
    for lineno, obj, _ in rows:
        ent, errs = _entity_from_obj(path, lineno, obj)
        errors.extend(errs)
        if ent is not None:
            entities.append(ent)
    errors.extend(check_entities(path, entities))
    return entities, errors


def validate_kb(path: Path) -> List[str]:
    return read_kb(path)[1]


class KnowledgeBase:
    """Lookup tables over the entities; every lookup is a dict access keyed by (type, key)."""

    def __init__(self, entities: Iterable[Entity], source: str = "<memory>",
                 given_names: Optional[Dict[str, Set[str]]] = None):
        self.source = source
        # given-name key -> first initials of its equivalents ("mikolai" -> {"m", "n"}), see read_given_names
        self.given_names: Dict[str, Set[str]] = given_names or {}
        self.entities: "OrderedDict[str, Entity]" = OrderedDict((e.id, e) for e in entities)
        self.order = {eid: i for i, eid in enumerate(self.entities)}
        self.exact: Dict[Tuple[str, str], List[str]] = defaultdict(list)
        self.norm: Dict[Tuple[str, str], List[str]] = defaultdict(list)
        self.compact: Dict[Tuple[str, str], List[str]] = defaultdict(list)
        # PERSON surname key -> {entity id: set of first initials seen with that surname}
        self.surnames: Dict[str, Dict[str, Set[str]]] = defaultdict(dict)
        self.fuzzy_buckets: Dict[Tuple[str, str], List[Tuple[str, str]]] = defaultdict(list)
        # PERSON surnames bucketed by first letter, and the first initials known per person
        self.surname_buckets: Dict[str, List[Tuple[str, str]]] = defaultdict(list)
        self.person_initials: Dict[str, Set[str]] = defaultdict(set)
        # PERSON: the leading words of a name of three or more ("Mustafa Kemal" of "Mustafa Kemal Atatürk")
        self.leading: Dict[str, List[str]] = defaultdict(list)
        for e in self.entities.values():
            self._index(e)
        # the first words of people's names that are given names ("Walter" of "Walter Simons"), not names a
        # person is called by alone ("Wang" of "Wang Zhengting", also written alone)
        alone = {compact_key(n) for e in self.entities.values() if e.type == "PERSON" for n in e.names if " " not in n}
        self.given_words = {compact_key(n.split()[0]) for e in self.entities.values() if e.type == "PERSON"
                            for n in e.names if " " in n} - alone

    @classmethod
    def from_jsonl(cls, path, given_names: Optional[Dict[str, Set[str]]] = None) -> "KnowledgeBase":
        entities, errors = read_kb(Path(path))
        if errors:
            raise KBError("invalid knowledge base:\n" + "\n".join(errors))
        return cls(entities, str(path), given_names)

    @staticmethod
    def _add(table, key, eid):
        if eid not in table[key]:
            table[key].append(eid)

    def _index(self, e: Entity) -> None:
        for name in e.names:
            self._add(self.exact, (e.type, name.casefold()), e.id)
            self._add(self.norm, (e.type, norm_key(name)), e.id)
            if has_cyrillic(name):
                self._add(self.norm, (e.type, "~" + lemma_key(name)), e.id)
            ck = compact_key(name)
            if ck:
                self._add(self.compact, (e.type, ck), e.id)
                bucket = self.fuzzy_buckets[(e.type, ck[:1])]
                if (ck, e.id) not in bucket:
                    bucket.append((ck, e.id))
            if e.type == "PERSON":
                words = name.split()
                for n in range(2, len(words)):
                    if all(w[:1].isupper() for w in words[:n]):
                        self._add(self.leading, norm_key(" ".join(words[:n])), e.id)
                pn = parse_person(name)
                if pn is None:
                    continue
                sk = compact_key(pn.surname)
                inits = self.surnames[sk].setdefault(e.id, set())
                if pn.initials:
                    inits.add(pn.initials[0])
                if pn.given:
                    inits |= self.given_names.get(compact_key(pn.given[0]), set())
                for nick in pn.nicknames:
                    inits.add(compact_key(nick)[:1])
                self.person_initials[e.id] |= inits
                if sk and (sk, e.id) not in self.surname_buckets[sk[:1]]:
                    self.surname_buckets[sk[:1]].append((sk, e.id))

    def get(self, eid: str) -> Optional[Entity]:
        return self.entities.get(eid)

    def __len__(self) -> int:
        return len(self.entities)

    def __contains__(self, eid: str) -> bool:
        return eid in self.entities

    def to_jsonl(self, path) -> None:
        write_entities(Path(path), self.entities.values())


def read_given_names(path: Path) -> Dict[str, Set[str]]:
    """Equivalent given names, one comma-separated group per line ("Nikolai, Mikołaj, Nikolaus, Николай"):
    each name's key -> the first initials of its group, so "Mikołaj Krestinski" agrees with Nikolai Krestinsky.

    A line with a single name is an error that names the file and line, since it says nothing.
    """
    table: Dict[str, Set[str]] = defaultdict(set)
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keys = [compact_key(n) for n in (p.strip() for p in line.split(",")) if n]
        if len([k for k in keys if k]) < 2:
            raise KBError(f"{path}:{lineno}: a group of given names needs two names or more, got {line!r}")
        initials = {k[:1] for k in keys if k}
        for k in keys:
            if k:
                table[k] |= initials
    return dict(table)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf8") as f:
        f.write(text)
    os.replace(tmp, path)


def write_entities(path: Path, entities: Iterable[Entity]) -> None:
    _atomic_write(path, "".join(json.dumps(e.to_json(), ensure_ascii=False) + "\n" for e in entities))


# --- build from annotations ---------------------------------------------------

_MARKUP_ENTITY_RE = re.compile(r"^@entity\s+(\S+)\s+(\S+)\s+(.+?)\s*$")
_MARKUP_SPAN_RE = re.compile(r"\[\[([^|\]]+)\|(PERSON|ORG|ARCHIVE|LOC)\|([a-z0-9_]+)(?:#[^\]]*)?\]\]")


def collect_annotations(records: Optional[Path], markup: Optional[Path]) -> Tuple[Dict[str, Tuple[str, str, str]], List[Tuple[str, str, str, str]]]:
    """Declared entities {id: (type, canonical, where)} and surfaces [(id, type, surface, where)]."""
    declared: Dict[str, Tuple[str, str, str]] = {}
    surfaces: List[Tuple[str, str, str, str]] = []
    if markup and Path(markup).exists():
        files = sorted(Path(markup).glob("*.txt")) if Path(markup).is_dir() else [Path(markup)]
        for f in files:
            for lineno, line in enumerate(f.read_text(encoding="utf8").splitlines(), 1):
                m = _MARKUP_ENTITY_RE.match(line.strip())
                if m:
                    declared.setdefault(m.group(1), (m.group(2), m.group(3), f"{f}:{lineno}"))
                for sm in _MARKUP_SPAN_RE.finditer(line):
                    surfaces.append((sm.group(3), sm.group(2), sm.group(1).strip(), f"{f}:{lineno}"))
    if records and Path(records).exists():
        files = sorted(Path(records).glob("*.jsonl")) if Path(records).is_dir() else [Path(records)]
        for f in files:
            for lineno, rec in iter_jsonl(f, KBError):
                for ent in rec.get("entities", []):
                    if ent.get("label") in ENTITY_TYPES and ent.get("entity_id"):
                        text = ent.get("text") or rec.get("text", "")[ent["start_offset"]: ent["end_offset"]]
                        surfaces.append((ent["entity_id"], ent["label"], text.strip(), f"{f}:{lineno}"))
    return declared, surfaces


def build_kb(kb_path: Path, records: Optional[Path], markup: Optional[Path]) -> Dict[str, int]:
    """Grow the KB file from annotations; existing lines stay as written unless they gain aliases."""
    kb_path = Path(kb_path)
    text = kb_path.read_text(encoding="utf8") if kb_path.exists() else ""
    rows, errors = _parse_lines(kb_path, text)
    if errors:
        raise KBError("\n".join(errors))
    objs = [obj for _, obj, _ in rows]
    raws = [raw for _, _, raw in rows]
    changed = [False] * len(objs)
    by_id = {o.get("id"): i for i, o in enumerate(objs)}
    declared, surfaces = collect_annotations(records, markup)
    stats = {"entities_added": 0, "aliases_added": 0, "ambiguous_marked": 0}
    # pass 1: new entities (declared in markup, else first surface seen)
    def add_entity(eid: str, etype: str, canonical: str) -> None:
        if eid in by_id:
            return
        objs.append({"id": eid, "canonical": canonical, "type": etype, "aliases": []})
        raws.append("")
        changed.append(True)
        by_id[eid] = len(objs) - 1
        stats["entities_added"] += 1

    for eid, (etype, canonical, _) in declared.items():
        add_entity(eid, etype, canonical)
    for eid, etype, surface, _ in surfaces:
        add_entity(eid, etype, surface)
    # pass 2: aliases
    keys: Dict[Tuple[str, str], Set[str]] = defaultdict(set)
    for o in objs:
        for name in [o.get("canonical", "")] + list(o.get("aliases", [])):
            keys[(o.get("type"), norm_key(name))].add(o["id"])
    for eid, etype, surface, _ in surfaces:
        i = by_id[eid]
        o = objs[i]
        key = norm_key(surface)
        if not key:
            continue
        owners = keys[(o.get("type"), key)]
        if eid in owners:
            continue  # normalises to an alias it already has
        o.setdefault("aliases", []).append(surface)
        changed[i] = True
        stats["aliases_added"] += 1
        # annotators say this surface names eid; if another entity of the type
        # claims it too, both must be marked ambiguous (context decides).
        for other in sorted(owners):
            for j in (i, by_id[other]):
                oj = objs[j]
                amb = oj.setdefault("ambiguous_aliases", [])
                if all(norm_key(a) != key for a in amb):
                    amb.append(surface)
                    changed[j] = True
                    stats["ambiguous_marked"] += 1
        owners.add(eid)
    lines = [raw if not ch else json.dumps(o, ensure_ascii=False) for o, raw, ch in zip(objs, raws, changed)]
    _atomic_write(kb_path, "".join(l + "\n" for l in lines))
    return stats


# --- CLI ----------------------------------------------------------------------

app = typer.Typer(help="The historian pipeline's knowledge base (configs/knowledge_base.jsonl).", no_args_is_help=True)


@app.command("list")
def list_cmd(
    kb: Path = typer.Option(DEFAULT_KB, "--kb", help="KB JSONL file"),
    type: Optional[str] = typer.Option(None, "--type", "-t", help="PERSON, ORG, ARCHIVE or LOC"),
    query: Optional[str] = typer.Option(None, "--query", "-q", help="name or alias, any script or spelling"),
):
    """List entities, optionally filtered by type and by a name in any spelling."""
    entities, errors = read_kb(kb)
    for err in errors:
        typer.echo(f"warning: {err}", err=True)
    qn = norm_key(query) if query else None
    qc = compact_key(query) if query else None
    n = 0
    for e in entities:
        if type and e.type != type.upper():
            continue
        if query and not any(qn in norm_key(a) or qc in compact_key(a) for a in e.names):
            continue
        n += 1
        typer.echo(f"{e.id}\t{e.type}\t{e.canonical}\t{' | '.join(e.aliases)}")
    typer.echo(f"{n} entities", err=True)


@app.command("add")
def add_cmd(
    id: str = typer.Argument(..., help="entity id, e.g. stresemann_gustav"),
    type: str = typer.Argument(..., help="PERSON, ORG, ARCHIVE or LOC"),
    canonical: str = typer.Argument(..., help="canonical English form"),
    alias: List[str] = typer.Option([], "--alias", "-a", help="alias (repeatable)"),
    description: str = typer.Option("", "--description", "-d"),
    wikidata: Optional[str] = typer.Option(None, "--wikidata"),
    kb: Path = typer.Option(DEFAULT_KB, "--kb", help="KB JSONL file"),
):
    """Append one entity; refused if the file would no longer validate."""
    obj: Dict = {"id": id, "canonical": canonical, "type": type.upper(), "aliases": list(alias)}
    if description:
        obj["description"] = description
    if wikidata:
        obj["wikidata"] = wikidata
    text = kb.read_text(encoding="utf8") if kb.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    new_text = text + json.dumps(obj, ensure_ascii=False) + "\n"
    tmp = kb.with_name(f".{kb.name}.check")
    tmp.write_text(new_text, encoding="utf8")
    try:
        errors = [e.replace(str(tmp), str(kb)) for e in validate_kb(tmp)]
    finally:
        tmp.unlink()
    if errors:
        for err in errors:
            typer.echo(err, err=True)
        raise typer.Exit(1)
    _atomic_write(kb, new_text)
    typer.echo(f"added {id}")


@app.command("validate")
def validate_cmd(kb: Path = typer.Argument(DEFAULT_KB, help="KB JSONL file")):
    """Check the file: malformed lines, bad types, duplicate ids, alias clashes."""
    entities, errors = read_kb(kb)
    for err in errors:
        typer.echo(err, err=True)
    if errors:
        typer.echo(f"{len(errors)} problem(s) in {kb}", err=True)
        raise typer.Exit(1)
    counts = defaultdict(int)
    for e in entities:
        counts[e.type] += 1
    typer.echo(f"{kb}: {len(entities)} entities OK (" + ", ".join(f"{t} {counts[t]}" for t in ENTITY_TYPES) + ")")


@app.command("build")
def build_cmd(
    records: Optional[Path] = typer.Option(Path("training/records"), "--records", help="folder of record JSONL files"),
    markup: Optional[Path] = typer.Option(Path("training/markup"), "--markup", help="folder of markup .txt files"),
    kb: Path = typer.Option(DEFAULT_KB, "--kb", help="KB JSONL file to grow"),
):
    """Add entities declared in markup and every annotated surface form as an alias."""
    stats = build_kb(kb, records, markup)
    typer.echo(", ".join(f"{k} {v}" for k, v in stats.items()))
    errors = validate_kb(kb)
    for err in errors:
        typer.echo(err, err=True)
    if errors:
        raise typer.Exit(1)



def archive_patterns(entities: Iterable["Entity"]) -> List[dict]:
    """Entity-ruler patterns for every ARCHIVE name and alias of the KB.

    Acronyms ("GARF", "PRO") match their exact spelling only, so "pro-German"
    is no archive; longer names match case-insensitively.
    """
    patterns = []
    for e in entities:
        if e.type != "ARCHIVE":
            continue
        for name in dict.fromkeys([e.canonical] + list(e.aliases)):
            words = name.split()
            if len(words) == 1 and len(name) < 3:
                continue
            if len(words) == 1 and not (name.isupper() or any(ch.isupper() for ch in name[1:])
                                        or re.search(r"arch|архив", name, re.I)):
                continue  # a lone ordinary word ("Kew") names a place more often than the archive
            if all(w.isupper() for w in words) and len(name) <= 8:
                pattern = [{"ORTH": w} for w in words]
            else:
                pattern = name
            patterns.append({"label": "ARCHIVE", "pattern": pattern, "id": e.id})
    return patterns


@app.command("patterns")
def patterns_cmd(kb: Path = typer.Argument(DEFAULT_KB, help="KB JSONL file"),
                 output: Path = typer.Option(Path("configs/patterns/archives.jsonl"), "--output")):
    """Write entity-ruler patterns for the KB's archives (names, transliterations, acronyms)."""
    entities, errors = read_kb(kb)
    if errors:
        for err in errors:
            typer.echo(err, err=True)
        raise typer.Exit(1)
    pats = archive_patterns(entities)
    _atomic_write(output, "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pats))
    typer.echo(f"{len(pats)} archive patterns -> {output}")


if __name__ == "__main__":
    app()
