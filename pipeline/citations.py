"""Archival citations: "RGASPI, fond 17, op. 3, d. 2137, pp. 61–62" -> archive, fond, opis, delo, pages.

Historians cite archives in a handful of schemes (Russian fond/opis/delo/list,
German "R 28207, Bl. 5", British "FO 371/5421, f. 12", Polish "sygn. 5432,
k. 18"); the keywords of each scheme come from `configs/citations/fields.json`
so a user can add their own. "Ibid." takes the previous citation's parts.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from .extensions import register_extensions
from .tokenizer import get_segments

FIELDS = ("fond", "opis", "delo", "pages")
PAGE_VALUE = r"(?:[A-Z] )?\d+[a-zv]?(?:\s*об\.?)?(?:\s*[–-]\s*\d+[a-zv]?(?:\s*об\.?)?)?"
PAGES_VALUE = rf"{PAGE_VALUE}(?:(?:,\s*|\s+and\s+|\s+и\s+){PAGE_VALUE})*"
SIGNATURE = r"[\w.\-–/]+(?: [\w.\-–/]+)?"


class CitationParser:
    """Find and parse archival citations in a text, given where the archive names are."""

    def __init__(self, fields: Dict[str, List[str]]):
        self.fields = fields
        kw = {k: "|".join(sorted(v, key=len, reverse=True)) for k, v in fields.items()}
        self.part_res = [
            ("pages", re.compile(rf"^(?:{kw['pages']})\s*(?P<v>{PAGES_VALUE})", re.U)),
            ("fond", re.compile(rf"^(?:{kw['fond']})\s*(?P<v>{SIGNATURE})", re.U)),
            ("opis", re.compile(rf"^(?:{kw['opis']})\s*(?P<v>{SIGNATURE})", re.U)),
            ("delo", re.compile(rf"^(?:{kw['delo']})\s*(?P<v>{SIGNATURE})", re.U)),
        ]
        self.series_re = re.compile(r"^(?P<f>[A-Z]{1,4} ?\d+)/(?P<d>\d+)$")
        self.bare_sig_re = re.compile(r"^(?P<v>[A-Z]{1,3} \d+|[IVX]+\.\d+(?:\.\d+)*|[A-ZŁŚŻ]{2,6})$")
        self.ibid_re = re.compile(rf"(?:{kw['ibid']})(?:,\s*(?P<rest>[^;]*))?")
        self.kept_re = re.compile(rf"(?:{kw['kept_at']})\s*$", re.I)
        self.start_kw = re.compile(rf"(?:^|[\s(,;])(?:{kw['fond']}|{kw['opis']}|{kw['delo']})\s*\d", re.U)

    def _parse_parts(self, text: str, cite: dict) -> int:
        """Parse comma-separated parts of a citation; return how many characters were consumed."""
        pos, seen_any = 0, False
        for m in re.finditer(r"[^,;()]+|\([^()]*\)", text):
            part = m.group(0).strip()
            if not part or part.startswith("("):
                continue
            field_hit = False
            series = self.series_re.match(part)
            if series and not cite.get("fond"):
                cite["fond"], cite["delo"] = series.group("f"), series.group("d")
                field_hit = True
            else:
                for name, rx in self.part_res:
                    fm = rx.match(part)
                    if not fm:
                        continue
                    if name == "pages" and part.startswith(("f.", "f ")) and not cite.get("delo") and not cite.get("fond"):
                        continue  # "f." before a file number is a fond
                    if cite.get(name) and name != "pages":
                        continue
                    value = fm.group("v").strip().rstrip(".")
                    if name == "pages" and value.endswith("об"):
                        value += "."
                    cite[name] = value
                    field_hit = True
                    break
                if not field_hit and not seen_any:
                    bare = self.bare_sig_re.match(part)
                    if bare and not cite.get("fond") and not cite.get("delo"):
                        key = "delo" if re.match(r"^[A-Z]{1,3} \d+$", part) else "fond"
                        cite[key] = bare.group("v")
                        field_hit = True
            if field_hit:
                seen_any = True
                pos = m.end()
                if cite.get("pages"):
                    break
            elif seen_any and re.search(r"\d", part) is None and len(part.split()) > 6:
                break
        return pos

    def parse(self, text: str, archives: Iterable[tuple], previous: Optional[dict] = None) -> List[dict]:
        """Citations in one segment. archives: (start, end, entity_id, canonical) of ARCHIVE mentions."""
        found: List[dict] = []
        archives = sorted(archives)
        used = set()
        for a_start, a_end, eid, canonical in archives:
            rest = text[a_end:]
            kept = self.kept_re.search(text[max(0, a_start - 30):a_start])
            cite = {"start": a_start, "end": a_end, "archive": {"entity_id": eid, "canonical": canonical},
                    "fond": None, "opis": None, "delo": None, "pages": None}
            m = re.match(r"^\s*[,:]?\s*", rest)
            consumed = self._parse_parts(rest[m.end():m.end() + 400], cite)
            if consumed:
                cite["end"] = a_end + m.end() + consumed
            elif not kept:
                continue
            cite["text"] = text[cite["start"]:cite["end"]]
            found.append(cite)
            used.add(a_start)
        for m in self.ibid_re.finditer(text):
            base = found[-1] if found and found[-1]["start"] < m.start() else previous
            if base is None:
                continue
            cite = {**{k: base.get(k) for k in ("archive", "fond", "opis", "delo")}, "pages": base.get("pages"),
                    "start": m.start(), "end": m.end()}
            if m.group("rest"):
                fresh = {"fond": None, "opis": None, "delo": None, "pages": None}
                consumed = self._parse_parts(m.group("rest"), fresh)
                if fresh["delo"] or fresh["fond"] or fresh["opis"]:
                    for k in ("fond", "opis", "delo"):
                        if fresh[k]:
                            cite[k] = fresh[k]
                cite["pages"] = fresh["pages"] or (None if consumed else base.get("pages"))
                cite["end"] = m.start("rest") + consumed if consumed else m.end("rest")
            cite["text"] = text[cite["start"]:cite["end"]]
            found.append(cite)
        # Russian-style citations without a named archive ("ф. 5, оп. 1, д. 2619, л. 3 об.")
        for m in self.start_kw.finditer(text):
            s = m.start() + (1 if text[m.start()] in " (,;" else 0)
            if any(c["start"] <= s < max(c["end"], c["start"] + 1) for c in found):
                continue
            cite = {"start": s, "end": s, "archive": None, "fond": None, "opis": None, "delo": None, "pages": None}
            consumed = self._parse_parts(text[s:s + 300], cite)
            if consumed and sum(cite[k] is not None for k in FIELDS) >= 2:
                cite["end"] = s + consumed
                cite["text"] = text[s:cite["end"]]
                found.append(cite)
        found.sort(key=lambda c: c["start"])
        return found


@Language.factory(
    "historian_citations_v1",
    assigns=["doc._.citations"],
    requires=["doc.ents"],
    default_config={"fields_path": None},
    default_score_weights={"citation_exact": 0.0},
)
def make_citation_parser(nlp: Language, name: str, fields_path: Optional[str]) -> "CitationComponent":
    return CitationComponent(nlp, name, fields_path)


class CitationComponent:
    """Sets `doc._.citations`: parsed archival citations with their archive entity."""

    def __init__(self, nlp: Language, name: str, fields_path: Optional[str] = None):
        register_extensions()
        self.name = name
        self.fields: Dict[str, List[str]] = {}
        self.parser: Optional[CitationParser] = None
        if fields_path:
            self._load(Path(fields_path))

    def _load(self, path: Path) -> None:
        if path.is_dir():
            path = path / "fields.json"
        data = srsly.read_json(path)
        missing = [k for k in ("fond", "opis", "delo", "pages", "ibid", "kept_at") if k not in data]
        if missing:
            raise ValueError(f"{path}: citation field table lacks {missing}")
        self.fields = data
        self.parser = CitationParser(data)

    def initialize(self, get_examples: Optional[Callable[[], Iterable[Example]]] = None, *,
                   nlp: Optional[Language] = None, fields_path: Optional[str] = None) -> None:
        if fields_path:
            self._load(Path(fields_path))
        if self.parser is None:
            raise ValueError(f"[{self.name}] needs fields_path (configs/citations) at initialize")

    def __call__(self, doc: Doc) -> Doc:
        if self.parser is None:
            raise ValueError(f"[{self.name}] not initialized: no citation field table")
        citations: List[dict] = []
        previous = None
        archives = [e for e in doc.ents if e.label_ == "ARCHIVE"]
        for k, seg in enumerate(get_segments(doc)):
            s0, s1 = seg["start"], seg["end"]
            text = doc.text[s0:s1]
            arch = [(e.start_char - s0, e.end_char - s0, e._.entity_id or e.kb_id_ or None,
                     e._.canonical or e.text) for e in archives if s0 <= e.start_char < s1]
            for c in self.parser.parse(text, arch, previous):
                c["start"] += s0
                c["end"] += s0
                c["segment"] = k
                citations.append(c)
                previous = c
        doc._.citations = citations
        return doc

    def score(self, examples: Iterable[Example], **kwargs) -> Dict[str, float]:
        return score_citations(examples)

    def to_disk(self, path, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "fields.json", self.fields)

    def from_disk(self, path, exclude=tuple()) -> "CitationComponent":
        self._load(Path(path) / "fields.json")
        return self


def _key(c: dict) -> tuple:
    archive = c.get("archive")
    if isinstance(archive, dict):
        archive = archive.get("entity_id")
    norm = lambda v: re.sub(r"\s+", " ", str(v)).replace("-", "–").strip() if v is not None else None
    return (archive, norm(c.get("fond")), norm(c.get("opis")), norm(c.get("delo")), norm(c.get("pages")))


def score_citations(examples: Iterable[Example]) -> Dict[str, float]:
    """Share of gold citations (per segment) found with every field exact, and the precision."""
    gold_n = pred_n = hit = 0
    for eg in examples:
        gold = eg.reference.user_data.get("gold_citations", [])
        pred = eg.predicted._.citations or []
        by_seg: Dict[int, List[tuple]] = {}
        for c in pred:
            by_seg.setdefault(c.get("segment"), []).append(_key(c))
        gold_n += len(gold)
        pred_n += len(pred)
        for g in gold:
            cands = by_seg.get(g.get("segment"), [])
            if _key(g) in cands:
                cands.remove(_key(g))
                hit += 1
    return {"citation_exact": hit / gold_n if gold_n else 0.0,
            "citation_precision": hit / pred_n if pred_n else 0.0,
            "citation_gold": gold_n, "citation_pred": pred_n}
