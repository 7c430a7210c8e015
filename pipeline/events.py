"""Events: who reported to whom, when and from where; who met whom.

Triggers come from a lexicon file (`configs/events/triggers.json`) extended at
`initialize` with every trigger the annotated training data uses, each with
its precision in that data (how often the word is a trigger when it occurs):
corrections made in doccano therefore change what the extractor fires on and
how confident it is. Arguments are found around the trigger by surface cues
("X's report for Y", "from X", "to Y", "copies forwarded to", "met with",
"was received by"); pronouns resolve to the most recently named person.
"""
from __future__ import annotations

import bisect
import hashlib
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import numpy
import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

from .event_model import ArgumentClassifier, pair_features
from .extensions import register_extensions
from .tokenizer import get_segments

AGENT_LABELS = ("PERSON", "ORG")


def _ent_id(ent: Span) -> str:
    return ent._.entity_id or ent.kb_id_ or ent.text.lower()


def _arg(ent: Span) -> dict:
    return {"entity_id": _ent_id(ent), "canonical": ent._.canonical or ent.text, "text": ent.text,
            "start": ent.start_char, "end": ent.end_char}


@Language.factory(
    "historian_events_v1",
    assigns=["doc._.events"],
    requires=["doc.ents", "doc.sents", "doc._.citations"],
    default_config={"rules_path": None, "threshold": 0.4, "min_confidence": 0.4},
    default_score_weights={"event_core_f": 0.0},
)
def make_event_extractor(nlp: Language, name: str, rules_path: Optional[str], threshold: float,
                         min_confidence: float) -> "EventExtractor":
    return EventExtractor(nlp, name, rules_path, threshold=threshold, min_confidence=min_confidence)


class EventExtractor:
    """Sets `doc._.events`: COMMUNICATION and MEETING events with arguments, date, place, source."""

    def __init__(self, nlp: Language, name: str, rules_path: Optional[str] = None, threshold: float = 0.4,
                 min_confidence: float = 0.4):
        register_extensions()
        self.name = name
        self.rules: dict = {}
        self.learned: Dict[str, dict] = {}
        self._lexicon_cache: Optional[tuple] = None
        self.model = ArgumentClassifier()
        self.threshold = threshold  # an argument needs at least this probability for its role
        self.min_confidence = min_confidence  # events below this confidence are not reported
        if rules_path:
            self._load_rules(Path(rules_path))

    # ---------------------------------------------------------------- setup
    def _load_rules(self, path: Path) -> None:
        if path.is_dir():
            path = path / "triggers.json"
        data = srsly.read_json(path)
        for key in ("triggers", "verb_triggers", "pronouns"):
            if key not in data:
                raise ValueError(f"{path}: event rules lack {key!r}")
        self.rules = data

    def initialize(self, get_examples: Optional[Callable[[], Iterable[Example]]] = None, *,
                   nlp: Optional[Language] = None, rules_path: Optional[str] = None) -> None:
        """Load the lexicon and learn trigger words, types, media and precision from gold events."""
        if rules_path:
            self._load_rules(Path(rules_path))
        if not self.rules:
            raise ValueError(f"[{self.name}] needs rules_path (configs/events) at initialize")
        examples = list(get_examples()) if get_examples else []
        self.learned = learn_triggers(examples)
        X, y = self._training_instances(examples)
        if X and len(set(y)) > 1:
            self.model.fit(X, y)

    def _training_instances(self, examples: List[Example]) -> Tuple[List[List[str]], List[str]]:
        """(features, role) for every candidate argument of every gold trigger."""
        from spacy.pipeline import Sentencizer

        sentencizer = Sentencizer()
        lex = self.lexicon()
        verbs = set(self.rules.get("verb_triggers", []))
        pronouns = set(self.rules.get("pronouns", []))
        X: List[List[str]] = []
        y: List[str] = []
        for eg in examples:
            ref = sentencizer(eg.reference.copy())
            gold = {}
            for ev in eg.reference.user_data.get("gold_events", []):
                span = ref.char_span(*ev["trigger"], alignment_mode="expand")
                if span is not None:
                    gold[span[0].i] = ev
            for sent, tok, sent_ents, last_person in self._iter_triggers(ref, lex, extra=set(gold)):
                ev = gold.get(tok.i)
                etype = ev["type"] if ev else lex[tok.lower_]["type"]
                rule = self._rule_roles(ref, sent, tok, etype, sent_ents, last_person, pronouns, verbs, lex)
                for cand, pron in self._candidates(ref, sent, tok, sent_ents, last_person, pronouns):
                    role = "none"
                    if ev is not None:
                        cid = _ent_id(cand)
                        for r, args in ev["args"].items():
                            if r not in ("sender", "recipient", "cc", "participant"):
                                continue
                            for a in args:
                                same_span = a.get("start") == cand.start_char and a.get("end") == cand.end_char
                                if same_span or (pron or a.get("start") is None or
                                                 not (sent.start_char <= a["start"] < sent.end_char)) and a.get("entity_id") == cid:
                                    role = r
                    X.append(pair_features(ref, sent, tok, cand, pron, rule.get((cand.start, pron)), etype))
                    y.append(role)
        return X, y

    def _iter_triggers(self, doc: Doc, lex: Dict[str, dict], extra: Iterable[int] = ()):
        """(sentence, trigger token, entities of the sentence, last person before it).

        Candidate triggers are found on the LOWER array, so sentences without one
        cost nothing: this runs on every paragraph of every document.
        """
        hashes = self._trigger_hashes(doc, lex)
        lower = doc.to_array("LOWER")
        found = sorted(set(numpy.nonzero(numpy.isin(lower, hashes))[0].tolist()) | set(extra))
        if not found:
            return
        ents = list(doc.ents)
        persons = [e for e in ents if e.label_ == "PERSON"]
        person_ends = [e.end for e in persons]
        sents = list(doc.sents)
        sent_starts = [s.start for s in sents]
        for i in found:
            tok = doc[i]
            if tok.ent_type_:
                continue
            sent = sents[bisect.bisect_right(sent_starts, i) - 1]
            sent_ents = [e for e in ents if e.start >= sent.start and e.end <= sent.end]
            k = bisect.bisect_right(person_ends, sent.start)
            last_person = persons[k - 1] if k else None
            yield sent, tok, sent_ents, last_person

    @staticmethod
    def _candidates(doc, sent, tok, sent_ents, last_person, pronouns) -> List[Tuple[Span, bool]]:
        cands = [(e, False) for e in sent_ents if e.label_ in AGENT_LABELS and abs(e.start - tok.i) <= 30]
        if last_person is not None and any(t.lower_ in pronouns for t in sent if t.i != tok.i):
            if all(_ent_id(e) != _ent_id(last_person) for e, _ in cands):
                cands.append((last_person, True))
        return cands

    def _rule_roles(self, doc, sent, tok, etype, sent_ents, last_person, pronouns, verbs, lex) -> Dict[tuple, str]:
        """What the surface rules would say, as a feature for the classifier."""
        info = lex.get(tok.lower_, {"type": etype, "medium": None, "precision": 0.5})
        if etype == "COMMUNICATION":
            ev = self._communication(doc, sent, tok, info, sent_ents, last_person, pronouns, verbs)
        else:
            ev = self._meeting(doc, sent, tok, info, sent_ents, last_person, pronouns)
        roles = {}
        for role in ("sender", "recipient", "cc", "participant"):
            for a in (ev or {}).get(role, []):
                span = doc.char_span(a["start"], a["end"])
                if span is not None:
                    inside = sent.start <= span.start < sent.end
                    roles[(span.start, not inside)] = role
        return roles

    def _learned_event(self, doc, sent, tok, info, sent_ents, last_person, pronouns, verbs, lex) -> Optional[dict]:
        etype = info["type"]
        rule = self._rule_roles(doc, sent, tok, etype, sent_ents, last_person, pronouns, verbs, lex)
        scored = []
        for cand, pron in self._candidates(doc, sent, tok, sent_ents, last_person, pronouns):
            probs = self.model.predict_proba(pair_features(doc, sent, tok, cand, pron, rule.get((cand.start, pron)), etype))
            scored.append((cand, probs))
        pick = lambda role: [(c, p[role]) for c, p in scored if p[role] >= self.threshold and p[role] == max(p.values())]
        date, place = self._date_place(doc, sent, tok, sent_ents)
        if etype == "MEETING":
            parts, seen = [], set()
            for c, p in sorted(pick("participant"), key=lambda x: x[0].start):
                if _ent_id(c) not in seen:
                    seen.add(_ent_id(c))
                    parts.append((c, p))
            if len(parts) < 2:
                return None
            conf = info["precision"] * min(p for _, p in parts)
            return {"type": "MEETING", "medium": None, "trigger": [tok.idx, tok.idx + len(tok)], "sender": [],
                    "recipient": [], "cc": [], "participant": [_arg(c) for c, _ in parts], "date": date,
                    "place": place, "confidence": round(min(conf, 0.99), 3)}
        senders = sorted(pick("sender"), key=lambda x: -x[1])[:1]
        if not senders:
            return None
        sid = _ent_id(senders[0][0])
        recipients = [(c, p) for c, p in pick("recipient") if _ent_id(c) != sid]
        if not recipients:
            return None
        cc = [(c, p) for c, p in pick("cc") if _ent_id(c) != sid]
        conf = info["precision"] * min(p for _, p in senders + recipients)
        return {"type": "COMMUNICATION", "medium": info.get("medium") or "message",
                "trigger": [tok.idx, tok.idx + len(tok)], "sender": [_arg(senders[0][0])],
                "recipient": [_arg(c) for c, _ in recipients], "cc": [_arg(c) for c, _ in cc],
                "participant": [], "date": date, "place": place, "confidence": round(min(conf, 0.99), 3)}

    def lexicon(self) -> Dict[str, dict]:
        """Trigger words -> type, medium, precision; built once per rules/learned state."""
        key = (id(self.rules), id(self.learned))
        if self._lexicon_cache is None or self._lexicon_cache[0] != key:
            self._lexicon_cache = (key, self._build_lexicon(), None)
        return self._lexicon_cache[1]

    def _trigger_hashes(self, doc: Doc, lex: Dict[str, dict]) -> numpy.ndarray:
        """The lexicon's words as LOWER hashes, cached with the lexicon."""
        if lex is not self.lexicon():
            return numpy.array([doc.vocab.strings.add(w) for w in lex], dtype="uint64")
        key, cached_lex, hashes = self._lexicon_cache
        if hashes is None:
            hashes = numpy.array([doc.vocab.strings.add(w) for w in lex], dtype="uint64")
            self._lexicon_cache = (key, cached_lex, hashes)
        return hashes

    def _build_lexicon(self) -> Dict[str, dict]:
        lex = {w: {"type": t, "medium": m, "precision": 0.6} for w, (t, m) in self.rules["triggers"].items()}
        for word, info in self.learned.items():
            lex[word] = info
        floor = self.rules.get("min_precision", 0.2)
        return {w: i for w, i in lex.items() if i["precision"] >= floor}

    # ---------------------------------------------------------------- run
    def __call__(self, doc: Doc) -> Doc:
        lex = self.lexicon()
        verbs = set(self.rules.get("verb_triggers", []))
        pronouns = set(self.rules.get("pronouns", []))
        segments = get_segments(doc)
        seg_of = _segment_index(segments)
        citations = doc._.citations or []
        events: List[dict] = []
        for sent, tok, sent_ents, last_person in self._iter_triggers(doc, lex):
            info = lex[tok.lower_]
            # the surface rules are precise where they fire; the classifier learned from
            # the annotated relations finds the arguments where they do not
            if info["type"] == "COMMUNICATION":
                ev = self._communication(doc, sent, tok, info, sent_ents, last_person, pronouns, verbs)
            else:
                ev = self._meeting(doc, sent, tok, info, sent_ents, last_person, pronouns)
            if ev is None and self.model.trained:
                ev = self._learned_event(doc, sent, tok, info, sent_ents, last_person, pronouns, verbs, lex)
            if ev and ev["confidence"] >= self.min_confidence:
                ev["segment"] = seg_of(tok.idx)
                ev["evidence"] = [sent.start_char, sent.end_char]
                events.append(ev)
        doc._.events = _merge_and_source(doc, events, segments, citations)
        return doc

    def _communication(self, doc, sent, tok, info, sent_ents, last_person, pronouns, verbs) -> Optional[dict]:
        agents = [e for e in sent_ents if e.label_ in AGENT_LABELS]
        i = tok.i
        sender: List[Span] = []
        recipient: List[Span] = []
        cc: List[Span] = []
        before = [e for e in agents if e.end <= i]
        after = [e for e in agents if e.start > i]
        # possessive sender: "Kopp's (seven-page) report"
        for e in reversed(before):
            if i - e.end <= 4 and e.end < len(doc) and doc[e.end].lower_ in ("'s", "’s", "'", "’"):
                sender = [e]
                break
        # cues after the trigger: from/by X -> sender, to/for X -> recipient, copies -> cc
        cc_mode = False
        for e in after:
            if e.start - i > 25:
                break
            prev = doc[e.start - 1].lower_ if e.start > 0 else ""
            window = [t.lower_ for t in doc[max(i, e.start - 4):e.start]]
            if any(w in self.rules.get("cc_cues", []) for w in window) or cc_mode:
                if prev in ("to", "for", ",", "and", "forwarded"):
                    cc.append(e)
                    cc_mode = True
                    continue
            if prev in self.rules.get("sender_cues", []) and not sender:
                sender = [e]
            elif prev in self.rules.get("recipient_cues", []) or (prev == "and" and recipient and doc[e.start - 2].ent_type_):
                recipient.append(e)
            elif tok.lower_ in verbs and not recipient and e.start - i <= 2:
                recipient.append(e)  # "informed Chicherin", "instructed Kopp"
        if not sender:
            subj = [e for e in before if not (e.start > 0 and doc[e.start - 1].lower_ in ("to", "for", "with", "of"))]
            if subj:
                sender = [subj[-1]]
            else:
                pron = [t for t in sent if t.lower_ in pronouns and t.i != i]
                if pron and last_person is not None:
                    sender = [last_person]
        if not recipient:
            # "In a letter to Chicherin ..." where the recipient precedes a pronoun sender
            for e in before:
                if e.start > 0 and doc[e.start - 1].lower_ in ("to", "for") and e not in sender:
                    recipient.append(e)
        sender_ids = {_ent_id(e) for e in sender}
        recipient = [e for e in recipient if _ent_id(e) not in sender_ids]
        cc = [e for e in cc if _ent_id(e) not in sender_ids and e not in recipient]
        if not sender or not recipient:
            return None
        date, place = self._date_place(doc, sent, tok, sent_ents)
        conf = info["precision"] * (0.9 if all(e in sent_ents for e in sender) else 0.7)
        return {"type": "COMMUNICATION", "medium": info.get("medium") or "message", "trigger": [tok.idx, tok.idx + len(tok)],
                "sender": [_arg(e) for e in sender], "recipient": [_arg(e) for e in recipient],
                "cc": [_arg(e) for e in cc], "participant": [], "date": date, "place": place,
                "confidence": round(min(conf, 0.99), 3)}

    def _meeting(self, doc, sent, tok, info, sent_ents, last_person, pronouns) -> Optional[dict]:
        i = tok.i
        agents = [e for e in sent_ents if e.label_ == "PERSON" or e.label_ == "ORG"]
        parts: List[Span] = []
        before = [e for e in agents if e.end <= i and i - e.end <= 12]
        after = [e for e in agents if e.start > i and e.start - i <= 12]
        if before:
            parts.append(before[-1])
        elif last_person is not None and any(t.lower_ in pronouns for t in doc[sent.start:i]):
            parts.append(last_person)
        for e in after:
            prev = doc[e.start - 1].lower_ if e.start > 0 else ""
            if prev in self.rules.get("participant_cues", []) or e.start - i <= 2 or (parts and prev == ","):
                parts.append(e)
        seen, uniq = set(), []
        for e in parts:
            if _ent_id(e) not in seen:
                seen.add(_ent_id(e))
                uniq.append(e)
        if len(uniq) < 2:
            return None
        date, place = self._date_place(doc, sent, tok, sent_ents)
        return {"type": "MEETING", "medium": None, "trigger": [tok.idx, tok.idx + len(tok)],
                "sender": [], "recipient": [], "cc": [], "participant": [_arg(e) for e in uniq],
                "date": date, "place": place, "confidence": round(min(info["precision"] * 0.85, 0.99), 3)}

    def _date_place(self, doc, sent, tok, sent_ents) -> Tuple[Optional[dict], Optional[dict]]:
        dates = [e for e in sent_ents if e.label_ == "DATE" and not _long_interval(e._.date)]
        date = None
        if dates:
            # the nearest date, preferring a day or month over a bare year
            best = min(dates, key=lambda e: ((e._.date or {}).get("precision") not in ("day", "month"),
                                             abs(e.start - tok.i)))
            value = best._.date or {}
            date = {"text": best.text, "value": value.get("value"), "precision": value.get("precision"),
                    "year_inferred": bool(value.get("year_inferred")), "start": best.start_char, "end": best.end_char}
        place = None
        for e in sent_ents:
            if e.label_ == "LOC" and e.start > 0 and doc[e.start - 1].lower_ in self.rules.get("place_cues", ["from"]):
                if doc[e.start - 1].lower_ == "from" or abs(e.start - tok.i) <= 8:
                    place = _arg(e)
                    break
        return date, place

    # ---------------------------------------------------------------- io
    def score(self, examples: Iterable[Example], **kwargs) -> Dict[str, float]:
        return score_events(examples)

    def to_disk(self, path, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "triggers.json", self.rules)
        srsly.write_json(path / "learned.json", self.learned)
        (path / "arguments.msgpack").write_bytes(self.model.to_bytes())

    def from_disk(self, path, exclude=tuple()) -> "EventExtractor":
        path = Path(path)
        self._load_rules(path / "triggers.json")
        self.learned = srsly.read_json(path / "learned.json")
        if (path / "arguments.msgpack").exists():
            self.model.from_bytes((path / "arguments.msgpack").read_bytes())
        return self


def _long_interval(value: Optional[dict]) -> bool:
    """A span of years such as a lifespan "(1891–1971)" dates no single event."""
    v = (value or {}).get("value") or ""
    if "/" not in v:
        return False
    a, b = v.split("/", 1)
    return a[:4].isdigit() and b[:4].isdigit() and int(b[:4]) - int(a[:4]) > 1


def learn_triggers(examples: Iterable[Example]) -> Dict[str, dict]:
    """Trigger words of the gold events, with type, commonest medium and precision."""
    as_trigger: Dict[str, Counter] = defaultdict(Counter)
    media: Dict[str, Counter] = defaultdict(Counter)
    occurrences: Counter = Counter()
    for eg in examples:
        ref = eg.reference
        for tok in ref:
            occurrences[tok.lower_] += 1
        for ev in ref.user_data.get("gold_events", []):
            s, e = ev["trigger"]
            span = ref.char_span(s, e, alignment_mode="expand")
            if span is None or len(span) != 1:
                continue
            word = span[0].lower_
            as_trigger[word][ev["type"]] += 1
            if ev.get("medium"):
                media[word][ev["medium"]] += 1
    learned = {}
    for word, types in as_trigger.items():
        etype, n = types.most_common(1)[0]
        medium = media[word].most_common(1)[0][0] if media[word] else None
        learned[word] = {"type": etype, "medium": medium, "precision": round(n / max(occurrences[word], n), 3)}
    return learned


def _segment_index(segments: List[dict]) -> Callable[[int], int]:
    starts = [s["start"] for s in segments]

    def find(char: int) -> int:
        lo = 0
        for k, s in enumerate(starts):
            if s <= char:
                lo = k
            else:
                break
        return lo

    return find


def _core(ev: dict) -> tuple:
    if ev["type"] == "MEETING":
        return ("MEETING", frozenset(a["entity_id"] for a in ev["participant"]))
    return ("COMMUNICATION", frozenset(a["entity_id"] for a in ev["sender"]),
            frozenset(a["entity_id"] for a in ev["recipient"]))


def _date_rank(d: Optional[dict]) -> int:
    if not d or not d.get("value"):
        return 0
    return {"day": 4, "month": 3, "season": 2, "interval": 2, "year": 1}.get(d.get("precision"), 1) * 2 - bool(d.get("year_inferred"))


def _merge_and_source(doc: Doc, events: List[dict], segments: List[dict], citations: List[dict]) -> List[dict]:
    """One event per document told in the body and its footnote; the footnote's citation is the source."""
    cites_by_seg: Dict[int, List[dict]] = defaultdict(list)
    for c in citations:
        cites_by_seg[c.get("segment", -1)].append(c)
    fn_seg = {s["number"]: k for k, s in enumerate(segments) if s["kind"] == "footnote" and s["number"] is not None}
    # footnotes attached to each body event (markers inside its sentence)
    for ev in events:
        ev["segments"] = [ev["segment"]]
        seg = segments[ev["segment"]]
        ev["source"] = None
        if seg["kind"] == "footnote":
            own = [c for c in cites_by_seg.get(ev["segment"], []) if c["start"] <= ev["trigger"][0] + 400]
            ev["source"] = own[0] if own else (cites_by_seg[ev["segment"]][0] if cites_by_seg.get(ev["segment"]) else None)
            continue
        s0, s1 = ev["evidence"]
        for m in seg.get("markers", []):
            if s0 <= m["offset"] <= s1 + 3 and m["number"] in fn_seg:
                ev.setdefault("footnotes", []).append(fn_seg[m["number"]])
                cs = cites_by_seg.get(fn_seg[m["number"]], [])
                if cs and ev["source"] is None:
                    ev["source"] = cs[0]
    merged: List[dict] = []
    for ev in events:
        twin = None
        for other in merged:
            if _core(other) != _core(ev):
                continue
            linked = (ev["segment"] in other.get("footnotes", []) or other["segment"] in ev.get("footnotes", []))
            same_date = ev.get("date") and other.get("date") and ev["date"].get("value") and \
                ev["date"].get("value") == other["date"].get("value")
            if linked or (same_date and ev["date"]["value"]):
                twin = other
                break
        if twin is None:
            merged.append(ev)
            continue
        twin["segments"] = sorted(set(twin["segments"]) | {ev["segment"]})
        if _date_rank(ev.get("date")) > _date_rank(twin.get("date")):
            twin["date"] = ev["date"]
        if twin.get("source") is None and ev.get("source") is not None:
            twin["source"] = ev["source"]
        if twin.get("place") is None:
            twin["place"] = ev.get("place")
        for role in ("sender", "recipient", "cc", "participant"):
            ids = {a["entity_id"] for a in twin[role]}
            twin[role] += [a for a in ev[role] if a["entity_id"] not in ids]
        twin["confidence"] = round(min(0.99, max(twin["confidence"], ev["confidence"]) + 0.05), 3)
    for ev in merged:
        key = f"{ev['type']}|{ev['trigger'][0]}|{sorted(_core(ev)[1])}"
        ev["id"] = "ev_" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
    return merged


# ------------------------------------------------------------------- scoring
def gold_event_units(doc: Doc) -> List[dict]:
    """Gold events of a reference doc as (segment, core, date value) units."""
    segments = get_segments(doc)
    seg_of = _segment_index(segments)
    units = []
    for ev in doc.user_data.get("gold_events", []):
        args = ev["args"]
        ids = lambda role: frozenset(a["entity_id"] for a in args.get(role, []) if a.get("entity_id"))
        if ev["type"] == "MEETING":
            core = ("MEETING", ids("participant"))
            if len(core[1]) < 2:
                continue
        else:
            core = ("COMMUNICATION", ids("sender"), ids("recipient"))
            if not core[1] or not core[2]:
                continue
        dates = [a.get("date") or {} for a in args.get("date", [])]
        units.append({"segment": seg_of(ev["trigger"][0]), "core": core,
                      "date": dates[0].get("value") if dates else None})
    # a unit without a date takes the date of the same event in a linked footnote/body segment
    fn_seg = {s["number"]: k for k, s in enumerate(segments) if s["kind"] == "footnote"}
    links = defaultdict(set)
    for k, s in enumerate(segments):
        for m in s.get("markers", []):
            if m["number"] in fn_seg:
                links[k].add(fn_seg[m["number"]])
                links[fn_seg[m["number"]]].add(k)
    for u in units:
        if u["date"] is None:
            for v in units:
                if v is not u and v["core"] == u["core"] and v["segment"] in links[u["segment"]] and v["date"]:
                    u["date"] = v["date"]
                    break
    return units


def pred_event_units(doc: Doc) -> List[dict]:
    units = []
    for ev in doc._.events or []:
        for seg in ev.get("segments", [ev.get("segment")]):
            units.append({"segment": seg, "core": _core(ev), "date": (ev.get("date") or {}).get("value")})
    return units


def _prf(tp: int, n_pred: int, n_gold: int) -> Tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_events(examples: Iterable[Example]) -> Dict[str, float]:
    """Core P/R/F (type + sender + recipient, or participants) and F with the date, per segment."""
    tp = tp_date = n_pred = n_gold = 0
    for eg in examples:
        gold = {(u["segment"], u["core"]): u["date"] for u in gold_event_units(eg.reference)}
        pred = {}
        for u in pred_event_units(eg.predicted):
            pred.setdefault((u["segment"], u["core"]), u["date"])
        n_gold += len(gold)
        n_pred += len(pred)
        for key, date in pred.items():
            if key in gold:
                tp += 1
                tp_date += int(date is not None and date == gold[key])
    p, r, f = _prf(tp, n_pred, n_gold)
    pd, rd, fd = _prf(tp_date, n_pred, n_gold)
    return {"event_core_p": p, "event_core_r": r, "event_core_f": f,
            "event_date_p": pd, "event_date_r": rd, "event_date_f": fd, "event_gold": n_gold, "event_pred": n_pred}
