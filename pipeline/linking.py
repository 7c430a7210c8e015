"""Alias linking: one identity per real entity across spellings, scripts and documents.

Every PERSON/ORG/ARCHIVE/LOC span gets ``kb_id_``, ``Span._.entity_id`` and
``Span._.canonical``. Candidates come from the knowledge base file
(``configs/knowledge_base.jsonl``) by increasingly loose keys, each a dict
lookup: exact alias, normalised key (with Russian/Polish inflection undone),
compact transliteration key, initials + surname, bare surname (the person most
recently named with it in the document), and last a guarded fuzzy match over a
small bucket. Names the KB lacks get ``new:<compact key>``, the same in every
document and run, and are clustered in the document by the same rules.
"""

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Set, Tuple

import srsly
from rapidfuzz import fuzz
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

from .kb import KnowledgeBase, read_given_names, write_entities
from .normalization import (
    compact_key,
    has_cyrillic,
    lemma_key,
    norm_key,
    parse_person,
    phrase_variants,
    slugify,
    strip_honorific,
    strip_possessive,
    surname_keys,
)

LINKED_LABELS = ("PERSON", "ORG", "ARCHIVE", "LOC")
# a bare surname goes to the holder the text is about when he was named this often, and this many times more
# than the holder named last
DOMINANT_MIN, DOMINANT_RATIO = 8, 3
NEW_PREFIX = "new:"  # the linker's default prefix for names the knowledge base lacks

if not Span.has_extension("entity_id"):
    Span.set_extension("entity_id", default=None)
if not Span.has_extension("canonical"):
    Span.set_extension("canonical", default=None)


def kb_ids_in(nlp: Optional[Language]) -> Tuple[Optional[set], str]:
    """The ids the pipeline's linker knows and its prefix for new ones (None: no linker or KB)."""
    for _, proc in (nlp.pipeline if nlp is not None else []):
        if isinstance(proc, EntityLinker) and proc.kb is not None:
            return set(proc.kb.entities), proc.new_prefix
    return None, NEW_PREFIX


def align_new_ids(predicted: Doc, reference: Doc, known_ids: Optional[set] = None,
                  prefix: str = NEW_PREFIX) -> Dict[str, str]:
    """Map the linker's ids for names the KB lacks to the reference's ids, one to one.

    A new id ("new:dabski") is a label for an entity outside the knowledge base, as
    arbitrary as the annotator's id for it; scoring an event's arguments by id would
    count every such argument wrong however well it was clustered. Each new id takes
    the reference id its mentions share most; a reference id the KB holds is never
    taken (the linker should have found it), nor one already taken by another new id.
    """
    gold = [(e.start_char, e.end_char, e.kb_id_) for e in reference.ents
            if e.kb_id_ and (known_ids is None or e.kb_id_ not in known_ids)]
    if not gold:
        return {}
    votes: Counter = Counter()
    for ent in predicted.ents:
        eid = ent._.entity_id or ent.kb_id_
        if not eid or not eid.startswith(prefix):
            continue
        for start, end, gid in gold:
            if start < ent.end_char and ent.start_char < end:
                votes[(eid, gid)] += 1
    mapping: Dict[str, str] = {}
    taken = set()
    for (eid, gid), _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
        if eid not in mapping and gid not in taken:
            mapping[eid] = gid
            taken.add(gid)
    return mapping


def doc_entities(doc: Doc) -> List[Dict]:
    """Document-level view: one row per linked entity with all its surfaces and mention offsets."""
    rows: Dict[str, Dict] = {}
    for ent in doc.ents:
        eid = ent._.entity_id or (ent.kb_id_ or None)
        if not eid:
            continue
        row = rows.get(eid)
        if row is None:
            row = rows[eid] = {"id": eid, "canonical": ent._.canonical or ent.text, "type": ent.label_,
                               "surfaces": [], "mentions": []}
        if ent.text not in row["surfaces"]:
            row["surfaces"].append(ent.text)
        row["mentions"].append({"start": ent.start_char, "end": ent.end_char, "text": ent.text})
    return list(rows.values())


if not Doc.has_extension("entities"):
    Doc.set_extension("entities", getter=doc_entities)


def b_cubed(pred: Dict, gold: Dict) -> Dict[str, float]:
    """B³ precision/recall/F1 over the gold mentions; ``pred``/``gold`` map mention -> cluster id.

    A gold mention missing from ``pred`` counts as a singleton. Also returns
    ``false_merges``: predicted clusters holding mentions of two or more gold entities.
    """
    pred_clusters: Dict = defaultdict(set)
    gold_clusters: Dict = defaultdict(set)
    for m, g in gold.items():
        gold_clusters[g].add(m)
        pred_clusters[pred.get(m, ("__singleton__", m))].add(m)
    p_sum = r_sum = 0.0
    for m, g in gold.items():
        pc = pred_clusters[pred.get(m, ("__singleton__", m))]
        gc = gold_clusters[g]
        inter = len(pc & gc)
        p_sum += inter / len(pc)
        r_sum += inter / len(gc)
    n = len(gold)
    p = p_sum / n if n else 0.0
    r = r_sum / n if n else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    merges = sum(1 for members in pred_clusters.values() if len({gold[m] for m in members}) > 1)
    return {"p": p, "r": r, "f": f, "false_merges": merges}


# words that name a relative of someone ("his brother", "the son of"), so the name after them is named in passing
KINSHIP_WORDS = frozenset({"brother", "brothers", "sister", "son", "sons", "daughter", "father", "mother", "wife",
                           "husband", "widow", "uncle", "aunt", "nephew", "niece", "cousin", "grandson",
                           "bruder", "sohn", "vater", "frau", "brat", "syn", "ojciec", "żona", "брат", "сын",
                           "отец", "жена"})


class _DocState:
    """What the document has named so far: surname key -> latest PERSON entity, entity -> last position."""

    def __init__(self):
        self.surname: Dict[str, str] = {}
        # first word of a two-word name -> its person, when it is no given name ("Wang" of "Wang Jingwei")
        self.first_word: Dict[str, str] = {}
        self.last_seen: Dict[str, int] = {}
        self.count: Counter = Counter()  # mentions linked to each entity so far
        self.holders: Dict[str, Set[str]] = defaultdict(set)  # surname key -> every person named with it
        self.new_clusters: Dict[Tuple[str, str], str] = {}
        # a name the KB lacks, then its acronym in brackets ("Archiv Ústavu T. G. Masaryka (AÚTGM)"): one entity
        self.acronyms: Dict[Tuple[str, str], str] = {}
        self.last_span: Optional[Tuple[int, str, str]] = None  # (end token, label, id) of the last linked span
        self.pos = 0


class EntityLinker:
    """Links entity spans to knowledge base ids; see the module docstring for the cascade."""

    def __init__(self, nlp: Language, name: str = "historian_linker_v1", *, labels=LINKED_LABELS,
                 fuzzy_threshold: float = 88.0, fuzzy_margin: float = 4.0, fuzzy_min_len: int = 6,
                 new_prefix: str = NEW_PREFIX):
        self.nlp = nlp
        self.name = name
        self.labels = tuple(labels)
        self.fuzzy_threshold = fuzzy_threshold
        self.fuzzy_margin = fuzzy_margin
        self.fuzzy_min_len = fuzzy_min_len
        self.new_prefix = new_prefix
        self.kb: Optional[KnowledgeBase] = None
        self.given_names: Dict[str, Set[str]] = {}

    # -- setup -------------------------------------------------------------
    def initialize(self, get_examples: Optional[Callable[[], Iterable[Example]]] = None, *,
                   nlp: Optional[Language] = None, kb_path: Optional[str] = None,
                   given_names_path: Optional[str] = None) -> None:
        if kb_path is None:
            kb_path = "configs/knowledge_base.jsonl"
        self.given_names = read_given_names(Path(given_names_path)) if given_names_path else {}
        self.kb = KnowledgeBase.from_jsonl(kb_path, self.given_names)

    def set_kb(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def _require_kb(self) -> KnowledgeBase:
        if self.kb is None:
            raise ValueError(f"[{self.name}] no knowledge base loaded: call nlp.initialize() "
                             "(kb_path in [initialize.components]) or load a saved pipeline")
        return self.kb

    # -- core --------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        links = self.link_spans(doc, list(doc.ents))
        new_ents = []
        for ent in doc.ents:
            link = links.get((ent.start, ent.end))
            if link is None:
                new_ents.append(ent)
                continue
            new_ents.append(Span(doc, ent.start, ent.end, label=ent.label, kb_id=link[0]))
        doc.ents = new_ents
        for ent in doc.ents:
            link = links.get((ent.start, ent.end))
            if link is not None:
                ent._.entity_id, ent._.canonical = link
        return doc

    def link_spans(self, doc: Doc, spans: List[Span]) -> Dict[Tuple[int, int], Tuple[str, str]]:
        """(start, end) token offsets -> (entity id, canonical) for the linkable spans, in text order."""
        self._require_kb()
        state = _DocState()
        out = {}
        for span in sorted(spans, key=lambda s: s.start_char):
            if span.label_ not in self.labels:
                continue
            out[(span.start, span.end)] = self.resolve(span.text, span.label_, state, doc, span)
        return out

    def resolve(self, text: str, label: str, state: _DocState, doc: Optional[Doc] = None,
                span: Optional[Span] = None) -> Tuple[str, str]:
        kb = self._require_kb()
        state.pos += 1
        surface = strip_possessive(text)
        if label == "PERSON" and (label, surface.casefold()) not in kb.exact:
            surface = strip_honorific(surface)  # "M. Krassin" is Krasin, not a Krassin with the initial M
        person = parse_person(surface) if label == "PERSON" else None
        eid = None
        # a bare surname means the person most recently named with it in this document
        if person is not None and person.bare and " " not in surface.strip():
            for sk in surname_keys(person.surname):
                if sk in state.surname:
                    eid = self._dominant(state, sk, state.surname[sk])
                    break
            if eid is None:
                # "Wang Jingwei ... Wang's note", "Chiang Kai-shek ... Chiang": the family name comes first
                eid = next((state.first_word[k] for k in surname_keys(person.surname) if k in state.first_word), None)
        if eid is None:
            eid = self._lookup(surface, label, person, state, doc, span)
        if eid is None and person is not None and not person.bare:
            eid = self._earlier_new_person(person, state)
        if eid is None and person is None:
            eid = state.acronyms.get((label, surface)) or self._bracketed_acronym(surface, label, state, span)
        if eid is None:
            eid, canonical = self._new_id(surface, label, person, state)
            if person is not None:
                state.new_clusters[("initial", eid)] = person.initials[0] if person.initials else None
        else:
            canonical = kb.entities[eid].canonical if eid in kb.entities else state.new_clusters.get(("canon", eid), surface)
        state.last_seen[eid] = state.pos
        named_as_kin = person is not None and span is not None and any(
            t.lower_ in KINSHIP_WORDS for t in span.doc[max(0, span.start - 8):span.start])
        if not named_as_kin:
            state.count[eid] += 1  # ("his brother Ernst": a relative named in passing is not what the text is about)
        if span is not None:
            state.last_span = (span.end, label, eid)
        if person is not None:
            # a relative named in passing ("a younger brother of ... Vladimir Dmitrievich Nabokov") does not take
            # the bare surname over from the one the text is about
            kin = span is not None and not person.bare and any(
                t.lower_ in KINSHIP_WORDS for t in span.doc[max(0, span.start - 8):span.start])
            for sk in surname_keys(person.surname):
                state.holders[sk].add(eid)
                if kin and state.surname.get(sk, eid) != eid:
                    continue
                state.surname[sk] = eid
            words = surface.split()
            first = compact_key(words[0]) if len(words) == 2 and words[0][:1].isupper() and "." not in words[0] else ""
            if first and first not in kb.given_words and first not in self.given_names:
                state.first_word[first] = eid
        return eid, canonical

    def _lookup(self, surface, label, person, state, doc, span) -> Optional[str]:
        kb = self.kb
        ids = kb.exact.get((label, surface.casefold()))
        if ids:
            return self._choose(ids, person, state, doc, span)
        variants = phrase_variants(surface)
        for v in variants:
            ids = kb.norm.get((label, norm_key(v)))
            if ids:
                return self._choose(ids, person, state, doc, span)
        if has_cyrillic(surface):
            ids = kb.norm.get((label, "~" + lemma_key(surface)))
            if ids:
                return self._choose(ids, person, state, doc, span)
        for v in variants:
            ids = kb.compact.get((label, compact_key(v)))
            if ids:
                return self._choose(ids, person, state, doc, span)
        if person is not None:
            eid = self._person_lookup(person, state, doc, span)
            if eid:
                return eid
            # "Mustafa Kemal", "Tevfik Rüştü": a full name without the surname the KB gives (one holder only)
            ids = kb.leading.get(norm_key(surface)) if len(surface.split()) >= 2 else None
            if ids and len(ids) == 1:
                return ids[0]
        return self._fuzzy(surface, label, person, state, doc, span)

    def _person_lookup(self, person, state, doc, span) -> Optional[str]:
        """Initials + surname ("В.Л. Копп", "A. Joffe"), or a bare surname the KB knows."""
        kb = self.kb
        for sk in surname_keys(person.surname):
            cands = kb.surnames.get(sk)
            if not cands:
                continue
            ids = list(cands)
            if person.initials:
                first = person.initials[0]
                # "Ulyanov" is an alias of Lenin with no initials of its own: his ("V.I. Lenin") decide,
                # so "А. Ульянов" is someone else
                ids = [i for i in ids if first in (cands[i] or kb.person_initials.get(i) or {first})]
                if not ids:
                    return None  # a known surname with other initials is someone else
            return self._choose(ids, person, state, doc, span)
        return None

    def _fuzzy(self, surface, label, person, state, doc, span) -> Optional[str]:
        """Last resort for misspellings (Simmons -> Simons), guarded against look-alikes:
        long keys only, one clear winner, same first letter and type, and for people the
        surname alone is compared and given names/initials must agree."""
        kb = self.kb
        key = compact_key(person.surname) if person is not None else compact_key(surface)
        if len(key.replace(" ", "")) < self.fuzzy_min_len:
            return None
        scores: Dict[str, float] = {}
        bucket = kb.surname_buckets.get(key[:1], ()) if person is not None else kb.fuzzy_buckets.get((label, key[:1]), ())
        for cand_key, eid in bucket:
            if abs(len(cand_key) - len(key)) > 2:
                continue
            s = fuzz.ratio(key, cand_key)
            if s >= self.fuzzy_threshold and s > scores.get(eid, 0):
                scores[eid] = s
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < self.fuzzy_margin:
            return None
        eid = ranked[0][0]
        if person is not None and person.initials:
            known = kb.person_initials.get(eid)
            if known and person.initials[0] not in known:
                return None
        return eid

    def _choose(self, ids: List[str], person, state, doc, span) -> str:
        """Pick among several candidates: the one named most recently in the document,
        then matching initials, then description words found in the sentence, then KB order."""
        if len(ids) == 1:
            return ids[0]
        ids = self._in_period(ids, span)
        if len(ids) == 1:
            return ids[0]
        seen = [i for i in ids if i in state.last_seen]
        if seen:
            return max(seen, key=lambda i: state.last_seen[i])
        if person is not None and person.initials:
            kb = self.kb
            sks = surname_keys(person.surname)
            narrowed = [i for i in ids if any(person.initials[0] in kb.surnames.get(sk, {}).get(i, ()) for sk in sks)]
            if len(narrowed) == 1:
                return narrowed[0]
        if span is not None:
            window = span.doc[max(0, span.start - 60): span.end + 60].text  # doc.text would walk every token
            context = set(norm_key(window).split())
            best, best_score = None, 0
            for i in ids:
                words = {w for w in norm_key(self.kb.entities[i].description).split() if len(w) > 3}
                score = len(words & context)
                if score > best_score:
                    best, best_score = i, score
            if best is not None:
                return best
        return min(ids, key=lambda i: self.kb.order.get(i, 0))

    def _in_period(self, ids: List[str], span: Optional[Span]) -> List[str]:
        """Keep the candidates whose KB `period` ([from, to] years) holds the narrative year.

        "Russia" is the Russian Empire before 1917, Soviet Russia until 1922 and the
        Soviet Union after: the year is that of the last DATE before the mention.
        """
        if span is None:
            return ids
        periods = {i: self.kb.entities[i].extra.get("period") for i in ids if i in self.kb.entities}
        if not any(periods.values()):
            return ids
        year = None
        for ent in reversed([e for e in span.doc.ents if e.end <= span.start and e.label_ == "DATE"]):
            value = (ent._.date or {}).get("value") if Span.has_extension("date") else None
            if value and value[:4].isdigit():
                year = int(value[:4])
                break
        if year is None:
            return ids
        inside = [i for i in ids if periods.get(i) and (periods[i][0] is None or periods[i][0] <= year)
                  and (periods[i][1] is None or year <= periods[i][1])]
        return inside or ids

    def _earlier_new_person(self, person, state: _DocState) -> Optional[str]:
        """A person the KB lacks, named earlier in the document by the same surname and no other first initial:
        "Warski" then "Adolf Warski", "Boris Aleksandrovich Bakhmeteff" then "Boris Bakhmeteff", "А. Варским"."""
        first = person.initials[0] if person.initials else None
        for sk in surname_keys(person.surname):
            prev = state.surname.get(sk)
            if prev and prev.startswith(self.new_prefix):
                initial = state.new_clusters.get(("initial", prev))
                if initial is None or first is None or initial == first:
                    state.new_clusters[("initial", prev)] = initial or first  # "Warski", then "Adolf Warski": A.
                    return prev
        return None

    @staticmethod
    def _dominant(state: "_DocState", sk: str, latest: str) -> str:
        """The person a bare surname means: the one most recently named with it, unless another holder of it is
        the one the text is about, named far more often ("Brockdorff-Rantzau" in a guide to his papers, after
        one letter of his brother Ernst von Brockdorff-Rantzau)."""
        top = max(state.holders.get(sk, ()), key=lambda e: state.count[e], default=latest)
        if top != latest and state.count[top] >= DOMINANT_MIN and state.count[top] >= DOMINANT_RATIO * state.count[latest]:
            return top
        return latest

    def _bracketed_acronym(self, surface, label, state, span) -> Optional[str]:
        """The new entity just named, when this name is its acronym in brackets right after it: the initials of
        its capitalised words or of all its words ("Archiv Ústavu T. G. Masaryka (AÚTGM)"). Later mentions of the
        acronym follow."""
        last = state.last_span
        if span is None or last is None or last[1] != label or not last[2].startswith(self.new_prefix) or \
                span.start < 2 or span.start - 1 != last[0] or span.doc[span.start - 1].text != "(" or \
                span.end >= len(span.doc) or span.doc[span.end].text != ")" or not surface.isupper():
            return None
        words = re.findall(r"[^\W\d_]+", state.new_clusters.get(("canon", last[2]), ""))
        # of its capitalised words, or of all ("Státní ústřední archiv (SÚA)")
        initials = {"".join(w[0] for w in words if w[0].isupper()).casefold(), "".join(w[0] for w in words).casefold()}
        if surface.replace(".", "").casefold() not in initials:
            return None
        state.acronyms[(label, surface)] = last[2]
        return last[2]

    def _new_id(self, surface, label, person, state) -> Tuple[str, str]:
        """Deterministic id for a name the KB lacks; a bare surname joins an earlier full name."""
        slug = slugify(surface) or slugify(norm_key(surface)) or "unknown"
        eid = f"{self.new_prefix}{slug}"
        state.new_clusters.setdefault(("canon", eid), surface)
        return eid, state.new_clusters[("canon", eid)]

    # -- scoring -----------------------------------------------------------
    def score(self, examples: Iterable[Example], **kwargs) -> Dict[str, float]:
        """B³ over gold mentions: the linker runs on the reference entity spans and its
        clusters are compared with the clusters given by the reference ``kb_id_``."""
        pred: Dict = {}
        gold: Dict = {}
        for n, eg in enumerate(examples):
            ref = eg.reference
            spans = [e for e in ref.ents if e.label_ in self.labels and e.kb_id_]
            links = self.link_spans(ref, spans)
            for e in spans:
                m = (n, e.start_char, e.end_char)
                gold[m] = e.kb_id_
                pred[m] = links[(e.start, e.end)][0]
        res = b_cubed(pred, gold)
        return {"link_b3_p": res["p"], "link_b3_r": res["r"], "link_b3_f": res["f"],
                "link_false_merges": float(res["false_merges"])}

    # -- serialisation -----------------------------------------------------
    def to_disk(self, path, *, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "cfg.json", {"labels": list(self.labels), "fuzzy_threshold": self.fuzzy_threshold,
                                             "fuzzy_margin": self.fuzzy_margin, "fuzzy_min_len": self.fuzzy_min_len,
                                             "new_prefix": self.new_prefix})
        if self.kb is not None:
            write_entities(path / "kb.jsonl", self.kb.entities.values())
        srsly.write_json(path / "given_names.json", {k: sorted(v) for k, v in sorted(self.given_names.items())})

    def from_disk(self, path, *, exclude=tuple()) -> "EntityLinker":
        path = Path(path)
        if (path / "cfg.json").exists():
            cfg = srsly.read_json(path / "cfg.json")
            self.labels = tuple(cfg.get("labels", self.labels))
            self.fuzzy_threshold = cfg.get("fuzzy_threshold", self.fuzzy_threshold)
            self.fuzzy_margin = cfg.get("fuzzy_margin", self.fuzzy_margin)
            self.fuzzy_min_len = cfg.get("fuzzy_min_len", self.fuzzy_min_len)
            self.new_prefix = cfg.get("new_prefix", self.new_prefix)
        if (path / "given_names.json").exists():
            self.given_names = {k: set(v) for k, v in srsly.read_json(path / "given_names.json").items()}
        if (path / "kb.jsonl").exists():
            self.kb = KnowledgeBase.from_jsonl(path / "kb.jsonl", self.given_names)
        return self


@Language.factory(
    "historian_linker_v1",
    assigns=["doc.ents", "span._.entity_id", "span._.canonical"],
    requires=["doc.ents"],
    default_config={"labels": list(LINKED_LABELS), "fuzzy_threshold": 88.0, "fuzzy_margin": 4.0,
                    "fuzzy_min_len": 6, "new_prefix": "new:"},
    default_score_weights={"link_b3_f": 1.0, "link_b3_p": 0.0, "link_b3_r": 0.0, "link_false_merges": None},
)
def make_entity_linker(nlp: Language, name: str, labels: List[str], fuzzy_threshold: float, fuzzy_margin: float,
                       fuzzy_min_len: int, new_prefix: str) -> EntityLinker:
    return EntityLinker(nlp, name, labels=labels, fuzzy_threshold=fuzzy_threshold, fuzzy_margin=fuzzy_margin,
                        fuzzy_min_len=fuzzy_min_len, new_prefix=new_prefix)
