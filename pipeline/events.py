"""Events: who reported to whom, when and from where; who met whom.

Triggers come from a lexicon file (`configs/events/triggers.json`) extended at
`initialize` with every trigger the annotated training data uses, each with
its precision in that data (how often the word is a trigger when it occurs,
smoothed towards the rule prior):
corrections made in doccano therefore change what the extractor fires on and
how confident it is. Arguments are found around the trigger by surface cues
("X's report for Y", "from X", "to Y", "copies forwarded to", "met with",
"was received by"); pronouns resolve to the most recently named person.
"""

import bisect
import datetime
import hashlib
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import numpy
import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

from .event_model import ArgumentClassifier, pair_features
from .mentions import (CONJUNCTIONS, Mention, MentionResolver, blocked_tokens, coordinated, entity_id, in_words,
                       named, offices_from_kb, resolved)
from .extensions import register_extensions
from .linking import NEW_PREFIX, align_new_ids, kb_ids_in
from .normalization import english_zipf, has_cyrillic, is_honorific, morph_parse
from .tokenizer import get_segments

POSSESSIVE_MARKS = ("'s", "’s", "'", "’")  # "Kopp's report", "Simons' note"
LEAVES_RE = re.compile(r"\d+[rv]?(?:\s*[–-]\s*\d+[rv]?)?")  # "22–29", "12v": an entry's leaves


def _arg(ent: Span) -> dict:
    return named(ent).arg()


def _unique(pairs: List[tuple]) -> List[tuple]:
    seen, out = set(), []
    for m, p in pairs:
        if m.entity_id not in seen:
            seen.add(m.entity_id)
            out.append((m, p))
    return out


def _unique_mentions(mentions: List[Mention]) -> List[Mention]:
    return [m for m, _ in _unique([(m, None) for m in mentions])]


def _mention_of_arg(a: dict, tok) -> Mention:
    """An argument of an earlier event, as a mention resolved at this trigger (a reply's addressee)."""
    return Mention(tok.i, tok.i + 1, "PERSON", a["entity_id"], a.get("canonical") or a["text"], a["text"],
                   a["start"], a["end"], via={"text": tok.text, "start": tok.idx, "end": tok.idx + len(tok),
                                              "kind": "reply"})


def _cue_index(doc: Doc, m: Mention, titles: set, lo: int) -> int:
    """Where the word before a mention is, past its titles."""
    k = m.start - 1
    while k > lo and m.start - k <= 4 and not doc[k].ent_type_ and (
            in_words(doc, k, titles) or (doc[k].text in "-‑" and in_words(doc, k - 1, titles))  # "Secretary-General"
            or (m.label_ == "PERSON" and doc[k].is_title and doc[k].is_alpha and k == m.start - 1)):  # "Volkskommissar X"
        k -= 1
    return k


def _cue_before(doc: Doc, m: Mention, titles: set, lo: int) -> str:
    """The word before a mention, past its titles: "z kanclerzem Hitlerem" -> "z", "to the ICRC" -> "to"."""
    k = _cue_index(doc, m, titles, lo)
    return doc[k].lower_ if k >= lo else ""


def _adjacent(doc: Doc, i: int, m: Mention, roles: set, titles: set = frozenset()) -> bool:
    """The mention follows the trigger directly, or after a role description ("met the Commissioner General, X")."""
    gap = doc[i + 1:m.start]
    if len(gap) <= 1 and not any(t.is_punct for t in gap):
        return True
    if len(gap) <= 3 and all(in_words(doc, t.i, titles) for t in gap):
        return True  # "rozmowy gen. Sikorskiego", "Notatka ministra Becka"
    return len(gap) <= 6 and any(t.lower_ in roles for t in gap) and not any(t.ent_type_ for t in gap) and \
        all(t.text == "," or not t.is_punct for t in gap)



@Language.factory(
    "historian_events_v1",
    assigns=["doc._.events"],
    requires=["doc.ents", "doc.sents", "doc._.citations"],
    default_config={"rules_path": None, "threshold": 0.4, "min_confidence": 0.6},
    default_score_weights={"event_core_f": 0.0},
)
def make_event_extractor(nlp: Language, name: str, rules_path: Optional[str], threshold: float,
                         min_confidence: float) -> "EventExtractor":
    return EventExtractor(nlp, name, rules_path, threshold=threshold, min_confidence=min_confidence)


class EventExtractor:
    """Sets `doc._.events`: COMMUNICATION and MEETING events with arguments, date, place, source."""

    def __init__(self, nlp: Language, name: str, rules_path: Optional[str] = None, threshold: float = 0.4,
                 min_confidence: float = 0.6):
        register_extensions()
        self.nlp = nlp  # its linker's knowledge base tells the scorer which ids are new
        self.name = name
        self.rules: dict = {}
        self.learned: Dict[str, dict] = {}
        # word -> [times the rules read complete arguments at it, times they read the gold event's people]
        self.rule_fired: Dict[str, list] = {}
        self._lexicon_cache: Optional[tuple] = None
        self._compound_cache: Dict[str, Optional[str]] = {}  # word -> the document noun it ends in, or None
        self._inflection_cache: Dict[str, Optional[str]] = {}  # word -> the trigger word it inflects, or None
        self._inflection_index: Tuple[Optional[dict], Dict[str, str]] = (None, {})
        self.model = ArgumentClassifier()
        self.offices: List[dict] = []
        self._cue_cache: Dict[tuple, frozenset] = {}
        self._ents_of: Optional[tuple] = None  # (doc, its entities), listed once per document
        self._resolver: Optional[MentionResolver] = None  # of the document being read
        self._creator: Optional[Span] = None  # whose papers the document describes
        self._creator_end = 0  # where the header that names him ends
        self._relative: Optional[dict] = None  # the day "the next day" points to, for the event being read
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
        self._cue_cache = {}

    def initialize(self, get_examples: Optional[Callable[[], Iterable[Example]]] = None, *,
                   nlp: Optional[Language] = None, rules_path: Optional[str] = None,
                   kb_path: Optional[str] = None) -> None:
        """Load the lexicon and learn trigger words, types, media and precision from gold events.

        kb_path: the knowledge base, whose dated descriptions ("foreign minister 1923-1929") say
        who "the German Foreign Minister" was in a given year.
        """
        if rules_path:
            self._load_rules(Path(rules_path))
        if kb_path:
            from .kb import KBError, read_kb

            entities, errors = read_kb(Path(kb_path))
            if errors:
                raise KBError("\n".join(errors))
            self.offices = offices_from_kb(entities)
        if not self.rules:
            raise ValueError(f"[{self.name}] needs rules_path (configs/events) at initialize")
        examples = list(get_examples()) if get_examples else []
        self.learned = learn_triggers(examples)
        self.rule_fired = {}
        self._lexicon_cache = None
        X, y = self._training_instances(examples)
        self._lexicon_cache = None  # the rule counts change the precision the rules' events carry
        if X and len(set(y)) > 1:
            self.model.fit(X, y)

    def _training_instances(self, examples: List[Example]) -> Tuple[List[List[str]], List[str]]:
        """(features, role) for every candidate argument of every gold trigger."""
        from spacy.pipeline import Sentencizer

        sentencizer = Sentencizer()
        lex = self.lexicon()
        # words too rarely events to be read alone are still counted where the rules read complete
        # arguments ("Chicherin's instructions to Kopp"); they add no training instances
        every = self._build_lexicon(floor=0.0)
        X: List[List[str]] = []
        y: List[str] = []
        for eg in examples:
            ref = sentencizer(eg.reference.copy())
            gold = {}
            for ev in eg.reference.user_data.get("gold_events", []):
                span = ref.char_span(*ev["trigger"], alignment_mode="expand")
                if span is not None:
                    gold[span[0].i] = ev
            for sent, tok, sent_ents, resolver in self._iter_triggers(ref, every, extra=set(gold)):
                ev = gold.get(tok.i)
                etype = ev["type"] if ev else every[tok.lower_]["type"]
                mentions = resolver.sentence_mentions(sent)
                rule_ev = self._rule_event(ref, sent, tok, etype, mentions, every)
                rule = (rule_ev or {}).get("_roles", {})
                if rule and tok.lower_ in every:
                    fired = self.rule_fired.setdefault(tok.lower_, [0, 0])
                    fired[0] += 1
                    fired[1] += ev is not None and _same_core(rule_ev, ev)
                if ev is None and tok.lower_ not in lex:
                    continue
                for cand in self._candidates(tok, mentions):
                    role = "none"
                    if ev is not None:
                        for r, args in ev["args"].items():
                            if r not in ("sender", "recipient", "cc", "participant"):
                                continue
                            for a in args:
                                same_span = not cand.resolved and a.get("start") == cand.start_char and \
                                    a.get("end") == cand.end_char
                                outside = a.get("start") is None or not (sent.start_char <= a["start"] < sent.end_char)
                                if same_span or ((cand.resolved or outside) and a.get("entity_id") == cand.entity_id):
                                    role = r
                    X.append(pair_features(ref, sent, tok, cand, cand.resolved, rule.get((cand.start, cand.resolved)),
                                           etype, lex))
                    y.append(role)
        return X, y

    def _iter_triggers(self, doc: Doc, lex: Dict[str, dict], extra: Iterable[int] = ()):
        """(sentence, trigger token, entities of the sentence, the document's mention resolver).

        Candidate triggers are found on the LOWER array, so sentences without one
        cost nothing: this runs on every paragraph of every document.
        """
        hashes = self._trigger_hashes(doc, lex)
        lower = doc.to_array("LOWER")
        compounds = self._compound_hashes(doc, lower, lex) + self._inflected_hashes(doc, lower, lex)
        if compounds:
            hashes = numpy.concatenate([hashes, numpy.array(compounds, dtype="uint64")])
        found = sorted(set(numpy.nonzero(numpy.isin(lower, hashes))[0].tolist()) | set(extra))
        if not found:
            return
        ents = list(doc.ents)
        ent_starts = [e.start for e in ents]
        sents = list(doc.sents)
        resolver = MentionResolver(doc, self.rules, sents, self.offices)
        self._creator_end = 0
        self._creator = self._papers_creator(doc, ents)
        idioms, objects, fillers = self._cue("not_after"), self._cue("not_before"), self._cue("not_before_skip")
        for i in found:
            tok = doc[i]
            if tok.ent_type_ or (i > 0 and f"{doc[i - 1].lower_} {tok.lower_}" in idioms):
                continue  # "the Assembly had taken note of": no document
            nxt = next((t for t in doc[i + 1:i + 4] if t.lower_ not in fillers), None)
            if nxt is not None and f"{tok.lower_} {nxt.lower_}" in objects:
                continue  # "refusing to meet the conditions", "met with resistance": no meeting
            if tok.lower_ in self._cue("object_verbs") and self._thing_received(doc, i):
                continue  # "received full executive power from Ebert", "received the British draft": no meeting
            if lex.get(tok.lower_, {}).get("compound") and not tok.text[0].isupper():
                continue  # German nouns are capitalised: "beschreiben" is no letter
            cased = lex.get(tok.lower_, {}).get("cased")
            if cased and tok.text != cased:
                continue  # Polish "List Paderewskiego do ..." heads a footnote; English "list" is no letter
            need = lex.get(tok.lower_, {}).get("next")
            if need and (i + 1 >= len(doc) or doc[i + 1].lower_ != need):
                continue  # a phrase trigger: "called on" the ambassador, not "called for" new talks
            sent = sents[resolver.sent_index(i)]
            self._resolver = resolver  # for the subject of a shared verb phrase
            lo, hi = bisect.bisect_left(ent_starts, sent.start), bisect.bisect_left(ent_starts, sent.end)
            yield sent, tok, [e for e in ents[lo:hi] if e.end <= sent.end], resolver

    def _thing_received(self, doc: Doc, i: int) -> bool:
        """Whether the object of "received" is a thing, a lower-case noun no name or description stands for
        ("received the British draft", "received full executive power"), rather than a person ("received him",
        "received the ambassador", "received the two men", "was received by Lenin")."""
        if i > 0 and doc[i - 1].lower_ in self._cue("passive_auxiliaries") | {"was", "were", "been", "being", "be"}:
            return False  # "was received that morning by Briand"
        fillers = self._cue("not_before_skip") | self._cue("determiners")
        k = i + 1
        while k < min(len(doc), i + 5) and not doc[k].ent_type_ and (
                doc[k].lower_ in fillers or doc[k].like_num or
                (doc[k].is_title and doc[k].lower_ not in self._titles())):
            k += 1  # "the", "full", "the British", "two"
        if k >= len(doc) or doc[k].ent_type_ or not doc[k].is_alpha or not doc[k].is_lower:
            return False
        return doc[k].lower_ not in self._cue("_people_words")

    def _compound_hashes(self, doc: Doc, lower: numpy.ndarray, lex: Dict[str, dict]) -> List[int]:
        """German compounds whose last part is a document noun ("Privatbrief", "Antworttelegramm"): the
        part's entry of the lexicon, added under the whole word. Each word of the vocabulary is looked at once."""
        heads = self.rules.get("compound_heads") or []
        if not heads:
            return []
        cache = self._compound_cache
        out = []
        for h in numpy.unique(lower).tolist():
            word = doc.vocab.strings[h]
            head = cache.get(word, False)
            if head is False:
                head = next((x for x in heads if len(word) >= len(x) + 3 and word.endswith(x) and
                             word[:-len(x)].isalpha()), None)
                cache[word] = head
            if head and head in lex and word not in lex:
                lex[word] = dict(lex[head], compound=head)
            if head and word in lex and lex[word].get("compound"):
                out.append(h)
        return out

    def _inflected_hashes(self, doc: Doc, lower: numpy.ndarray, lex: Dict[str, dict]) -> List[int]:
        """Inflected forms of trigger words the lexicon lacks ("совещались" of "совещался", "rozmawiali" of
        "rozmawiał"): the entry of the form that shares its lemma (Russian, by pymorphy3) or its stem before
        one of `inflection_endings` (other languages), added under the new form. Each word is looked at once."""
        endings = sorted(self.rules.get("inflection_endings") or [], key=len, reverse=True)
        if not endings:
            return []
        min_stem = int(self.rules.get("inflection_min_stem", 5))
        # a common English word is a word of its own, not an inflected trigger ("minutes" is no "minute")
        common = float(self.rules.get("inflection_max_english_zipf", 3.0))
        if self._inflection_index[0] is not lex:  # the lexicon's forms by lemma or stem, rebuilt with the lexicon
            by_key: Dict[str, str] = {}
            for w in sorted(lex, key=lambda w: -lex[w].get("count", 0)):
                if not (lex[w].get("compound") or lex[w].get("inflected") or lex[w].get("next")) and w.isalpha():
                    for key in _inflection_keys(w, endings, min_stem):
                        by_key.setdefault(key, w)
            self._inflection_index = (lex, by_key)
            self._inflection_cache = {}
        by_key, cache = self._inflection_index[1], self._inflection_cache
        out = []
        for h in numpy.unique(lower).tolist():
            word = doc.vocab.strings[h]
            if word not in lex and word not in cache and word.isalpha() and len(word) > min_stem and (
                    has_cyrillic(word) or english_zipf(word) < common):
                cache[word] = base = next((by_key[k] for k in _inflection_keys(word, endings, min_stem)
                                           if k in by_key), None)
                if base is not None:
                    lex[word] = dict(lex[base], inflected=base)
            if word in lex and lex[word].get("inflected"):
                out.append(h)
        return out

    def _papers_creator(self, doc: Doc, ents: List[Span]) -> Optional[Span]:
        """The person whose papers a finding aid describes, named in its first paragraphs ("Alexander Kerensky
        Papers", "Papers of Józef Lipski", "Nachlass Rudolf Nadolny"): the one who wrote its notes of talks."""
        segments = get_segments(doc)
        if not segments:
            return None
        end = segments[min(1, len(segments) - 1)]["end"]
        before, after = self._cue("papers_before"), self._cue("papers_after")
        cited = [(c["start"], c["end"]) for c in doc._.citations or []]
        for e in ents:
            if e.start_char >= end:
                break
            if e.label_ != "PERSON" or any(a <= e.start_char < b for a, b in cited):
                continue  # "PIA, Lipski Papers, folder 4" in an entry cites a fond, it names no creator
            # "Nachlass Ernst Köstring" with only the surname recognised: the first names between cue and name
            k = e.start
            while k > max(0, e.start - 2) and doc[k - 1].is_title and doc[k - 1].lower_ not in before:
                k -= 1
            lead = " ".join(t.lower_ for t in doc[max(0, k - 2):k])
            if (e.end < len(doc) and doc[e.end].lower_ in after) or any(lead.endswith(c) for c in before):
                self._creator_end = next(s["end"] for s in segments if s["start"] <= e.start_char < s["end"])
                return e
        return None

    @staticmethod
    def _candidates(tok, mentions: List[Mention]) -> List[Mention]:
        """Agents near the trigger; one mention per resolved entity (its name wins over a pronoun)."""
        near = [m for m in mentions if abs(m.start - tok.i) <= 30]
        named_ids = {m.entity_id for m in near if not m.resolved}
        out, seen = [], set()
        for m in near:
            if m.resolved and (m.entity_id in named_ids or m.entity_id in seen):
                continue
            seen.add(m.entity_id)
            out.append(m)
        return out

    def _rule_event(self, doc, sent, tok, etype, mentions, lex) -> Optional[dict]:
        """What the surface rules would say, as a feature for the classifier."""
        info = lex.get(tok.lower_, {"type": etype, "medium": None, "precision": 0.5})
        if etype == "COMMUNICATION":
            return self._communication(doc, sent, tok, info, mentions, [])
        return self._meeting(doc, sent, tok, info, mentions)

    def _rule_roles(self, doc, sent, tok, etype, mentions, lex) -> Dict[tuple, str]:
        return (self._rule_event(doc, sent, tok, etype, mentions, lex) or {}).get("_roles", {})

    def _learned_event(self, doc, sent, tok, info, sent_ents, mentions, lex) -> Optional[dict]:
        etype = info["type"]
        rule = self._rule_roles(doc, sent, tok, etype, mentions, lex)
        scored = []
        for cand in self._candidates(tok, mentions):
            probs = self.model.predict_proba(pair_features(doc, sent, tok, cand, cand.resolved,
                                                           rule.get((cand.start, cand.resolved)), etype, lex))
            scored.append((cand, probs))
        pick = lambda role: [(c, p[role]) for c, p in scored if p[role] >= self.threshold and p[role] == max(p.values())]
        date, place = self._date_place(doc, sent, tok, sent_ents)
        if etype == "MEETING":
            parts, seen = [], set()
            for c, p in sorted(pick("participant"), key=lambda x: x[0].start):
                if c.entity_id not in seen:
                    seen.add(c.entity_id)
                    parts.append((c, p))
            if len(parts) < 2:
                return None
            conf = info["precision"] * min(p for _, p in parts)
            return {"type": "MEETING", "medium": None, "trigger": [tok.idx, tok.idx + len(tok)], "sender": [],
                    "recipient": [], "cc": [], "participant": [c.arg() for c, _ in parts], "date": date,
                    "place": place, "confidence": round(min(conf, 0.99), 3)}
        senders = sorted(pick("sender"), key=lambda x: -x[1])[:1]
        if not senders:
            return None
        sid = senders[0][0].entity_id
        recipients = _unique([(c, p) for c, p in pick("recipient") if c.entity_id != sid])
        if not recipients:
            return None
        cc = _unique([(c, p) for c, p in pick("cc") if c.entity_id != sid])
        conf = info["precision"] * min(p for _, p in senders + recipients)
        return {"type": "COMMUNICATION", "medium": info.get("medium") or "message",
                "trigger": [tok.idx, tok.idx + len(tok)], "sender": [senders[0][0].arg()],
                "recipient": [c.arg() for c, _ in recipients], "cc": [c.arg() for c, _ in cc],
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

    def _build_lexicon(self, floor: Optional[float] = None) -> Dict[str, dict]:
        """Rule triggers start at a prior precision; annotated data moves it, the more the more often
        the word was seen (additive smoothing), so one odd example does not silence a rule word."""
        prior = self.rules.get("prior_precision", 0.6)
        weight = self.rules.get("prior_weight", 4)
        lex = {w: {"type": t, "medium": m, "precision": prior} for w, (t, m) in self.rules["triggers"].items()}
        for word, (t, m) in (self.rules.get("cased_triggers") or {}).items():
            lex.setdefault(word.lower(), {"type": t, "medium": m, "precision": prior, "cased": word})
        for word, info in self.learned.items():
            info = dict(info)
            if word in lex and info.get("next"):
                continue  # a rule word stays a word on its own, not only the head of a learned phrase
            if word in lex and "seen" in info:
                info["precision"] = round((info["count"] + weight * prior) / (info["seen"] + weight), 3)
            lex[word] = info
        for word, (fired, hits) in self.rule_fired.items():
            if word in lex:
                # how often the word was an event where the rules read complete arguments at it: "Kopp's
                # reports for Chicherin" is one, though "reports" alone mostly is not
                info = lex[word] = dict(lex[word])
                info["rule_precision"] = round((hits + weight * info["precision"]) / (fired + weight), 3)
        if floor is None:
            floor = self.rules.get("min_precision", 0.2)
        return {w: i for w, i in lex.items() if max(i["precision"], i.get("rule_precision", 0.0)) >= floor}

    # ---------------------------------------------------------------- run
    def __call__(self, doc: Doc) -> Doc:
        lex = self.lexicon()
        segments = get_segments(doc)
        seg_of = _segment_index(segments)
        citations = doc._.citations or []
        events: List[dict] = []
        unread: List[tuple] = []  # (segment, type, sentence, trigger, entities) of triggers without an event
        cited = sorted((c["start"], c["end"]) for c in citations)
        for sent, tok, sent_ents, resolver in self._iter_triggers(doc, lex):
            info = lex[tok.lower_]
            if self._unrealised(doc, sent, tok) or self._told_before(doc, tok, info, events, seg_of):
                continue
            # a name inside an archival reference ("AAN, Poselstwo RP w Berlinie, sygn. 1012") is a fond, no agent
            mentions = [m for m in resolver.sentence_mentions(sent)
                        if not any(a <= m.start_char < b for a, b in cited)]
            # the surface rules are precise where they fire; the classifier learned from
            # the annotated relations finds the arguments where they do not
            if info["type"] == "COMMUNICATION":
                ev = self._communication(doc, sent, tok, info, mentions, events)
            else:
                ev = self._meeting(doc, sent, tok, info, mentions)
            if ev is not None:
                ev["date"], ev["place"] = self._date_place(doc, sent, tok, sent_ents)
                formula = ev.pop("_formula", None)
                if formula is not None:
                    # the formula's date and place are the document's
                    ev["date"] = _date_arg(formula[0]) if formula[0] is not None and formula[0]._.date else ev["date"]
                    ev["place"] = _arg(formula[1]) if formula[1] is not None else ev["place"]
            elif self.model.trained:
                ev = self._learned_event(doc, sent, tok, info, sent_ents, mentions, lex)
            if ev:
                ev.pop("_roles", None)
                if self._relative is not None and ev.get("date") is None:
                    ev["date_relative"] = self._relative
                ev["segment"] = seg_of(tok.idx)
                ev["evidence"] = [sent.start_char, sent.end_char]
                events.append(ev)
            else:
                unread.append((seg_of(tok.idx), info["type"], sent, tok, sent_ents))
        events = self._without_meeting_records(doc, events)
        events = self._without_topic_meetings(doc, events)
        # the threshold is applied after merging: a weak reading of the body that its footnote
        # confirms ("had warned Witos in a letter" + "Korfanty to Witos, 29 April") is kept
        merged = self._told_in_footnotes(doc, _merge_and_source(doc, events, segments, citations), unread)
        doc._.events = [ev for ev in merged
                        if ev["confidence"] >= self.min_confidence - 1e-6]  # a config's "0.6" may read as 0.6000000000000001
        return doc

    def _without_topic_meetings(self, doc: Doc, events: List[dict]) -> List[dict]:
        """A meeting told in what a letter says, whose only people are the letter's ("Ворошилов писал Сталину
        и Молотову, что прощальный прием ... прошел сухо"): the writer and his addressees, not a meeting."""
        content = self._cue("content_cues")

        def said(c: dict, ev: dict) -> bool:
            span = doc.char_span(c["trigger"][1], ev["trigger"][0], alignment_mode="expand")
            return span is not None and not any(t.text == ";" for t in span) and any(t.lower_ in content for t in span)

        out = []
        for ev in events:
            if ev["type"] == "MEETING":
                ids = {a["entity_id"] for a in ev["participant"]}
                if any(c["type"] == "COMMUNICATION" and c["evidence"] == ev["evidence"] and
                       c["trigger"][0] < ev["trigger"][0] and
                       all(a["end"] <= c["trigger"][0] or a["start"] >= c["trigger"][1] for a in ev["participant"]) and
                       ids <= {a["entity_id"] for r in ("sender", "recipient", "cc") for a in c[r]} and
                       max(a["end"] for r in ("sender", "recipient", "cc") for a in c[r]) <= ev["trigger"][0] and
                       said(c, ev) for c in events):
                    continue
            out.append(ev)
        return out

    def _told_in_footnotes(self, doc: Doc, events: List[dict], unread: List[tuple]) -> List[dict]:
        """A body event whose footnote names its document without the people ("3 Record of the first
        conversation, 20 July 1920, AVPRF, ..."): the footnote tells the same event, so it is one of its
        segments, unless the footnote dates its document otherwise or tells another event of the type."""
        for ev in events:
            for k in ev.get("footnotes", []):
                if k in ev["segments"] or any(o is not ev and o["type"] == ev["type"] and k in o["segments"]
                                              for o in events):
                    continue
                for seg, etype, sent, tok, sent_ents in unread:
                    if seg != k or etype != ev["type"]:
                        continue
                    date, _ = self._date_place(doc, sent, tok, sent_ents)
                    mine, theirs = (ev.get("date") or {}).get("value"), (date or {}).get("value")
                    if mine and theirs and len(mine) == len(theirs) == 10 and mine != theirs:
                        continue  # "Chicherin's reply of 15 July": another document
                    ev["segments"] = sorted(set(ev["segments"]) | {k})
                    if theirs and (not mine or len(theirs) > len(mine)):
                        ev["date"] = date  # the footnote's full date of the same document
                    break
        return events

    def _told_before(self, doc, tok, info, events: List[dict], seg_of) -> bool:
        """ "From these talks grew ...", "this letter": the trigger refers back to an event of its type that the
        same paragraph or footnote has told."""
        if not tok.i or doc[tok.i - 1].lower_ not in self._cue("anaphoric_determiners"):
            return False
        seg = seg_of(tok.idx)
        return any(ev["type"] == info["type"] and ev.get("segment") == seg for ev in events)

    def _unrealised(self, doc, sent, tok) -> bool:
        """A meeting or document that was only planned, did not take place or was never sent: "a second meeting,
        fixed for 12 September, was put off", "Planowane na maj spotkanie Becka z Lozoraitisem ... nie doszło do
        skutku", "The letter from Stalin to Hitler ... was never written", "Beck never replied"."""
        planned = self._cue("planned_cues")
        if any(t.lower_ in planned for t in doc[max(sent.start, tok.i - 3):tok.i]):
            return True
        if self._verbal(tok) and any(t.lower_ in self._cue("negation_cues") for t in doc[max(sent.start, tok.i - 2):tok.i]):
            return True
        end = next((t.i for t in doc[tok.i + 1:sent.end] if t.text == ";"), sent.end)
        clause = " ".join(t.lower_ for t in doc[tok.i:end])
        return any(_find_phrase(clause, c) >= 0 for c in self._cue("unrealised_cues"))

    def _without_meeting_records(self, doc: Doc, events: List[dict]) -> List[dict]:
        """Drop the communication read from the record of a meeting: "Notes of the talks of Bakhmeteff with
        Hughes" is the meeting of the two, not a note from one to the other."""
        gaps = self._cue("record_gaps")
        if not gaps:
            return events
        ids = lambda ev, role: {a.get("entity_id") for a in ev.get(role) or []}
        meetings = [ev for ev in events if ev["type"] == "MEETING"]
        drop = set()
        text = doc.text  # built from every token: once, not per pair
        for k, ev in enumerate(events):
            if ev["type"] != "COMMUNICATION":
                continue
            people = ids(ev, "sender") | ids(ev, "recipient")
            for mt in meetings:
                if not 0 <= mt["trigger"][0] - ev["trigger"][1] <= 12 or mt["evidence"] != ev["evidence"]:
                    continue  # the record comes just before what it records: "Notes of the talks"
                gap = text[ev["trigger"][1]:mt["trigger"][0]]
                if " ".join(gap.split()).lower() in gaps and people and people <= ids(mt, "participant"):
                    drop.add(k)
        return [ev for k, ev in enumerate(events) if k not in drop]

    def _doc_ents(self, doc: Doc) -> List[Span]:
        """doc.ents walks every token; the entities of the document being read, listed once."""
        if self._ents_of is None or self._ents_of[0] is not doc:
            self._ents_of = (doc, list(doc.ents))
        return self._ents_of[1]

    def _cue(self, name: str) -> frozenset:
        """A word list of the rules as a set, built once per rules object (this runs per mention)."""
        cache = self._cue_cache
        key = (id(self.rules), name)
        if key not in cache:
            if name == "_joiners":
                cache[key] = self._cue("joiners") | self._cue("title_words") | self._cue("determiners")
            elif name == "_titles":
                cache[key] = self._cue("title_words") | self._cue("role_words") | self._cue("determiners")
            elif name == "_people_words":
                # words that stand for someone received: roles, pronouns, groups ("the two men"), a visitor
                groups = self.rules.get("groups", {})
                cache[key] = self._cue("_titles") | self._cue("prepositions") | self._cue("organisation_nouns") | \
                    self._cue("object_verb_people") | frozenset(
                        w for ws in self.rules.get("pronoun_kinds", {}).values() for w in ws) | frozenset(
                        list(groups.get("nouns", [])) + list(groups.get("alone", [])) + list(groups.get("numbers", {})))
            else:
                cache[key] = frozenset(self.rules.get(name, []))
        return cache[key]

    def _joiners(self) -> frozenset:
        """Words that may stand between coordinated names: "A, B and Sir C", "mit Luther und Vertretern der Bank"."""
        return self._cue("_joiners")

    def _verbal(self, tok) -> bool:
        """A verb trigger, which takes its recipient as a direct object ("informed Chicherin"); not a word that
        is also a noun, opening its sentence in capitals before "from" ("Cables from Bakhmeteff to Maklakov")."""
        if tok.is_title and tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ in self._cue("author_cues") and \
                not any(t.is_alpha for t in tok.doc[tok.sent.start:tok.i]):
            return False
        return tok.lower_ in self._cue("verb_triggers") or any(tok.lower_.endswith(x)
                                                                for x in self.rules.get("verb_suffixes", []))

    def _titles(self) -> frozenset:
        """Words that may stand between a cue and a name: titles, roles, determiners ("z kanclerzem Hitlerem")."""
        return self._cue("_titles")

    def _subject(self, doc, sent, i: int, before: List[Mention], resolver_blocked: set) -> Optional[Mention]:
        """The nearest mention left of the trigger that no preposition governs, outside relative clauses."""
        governing = self._cue("prepositions")
        titles = self._titles()
        inside = i in resolver_blocked
        objective = self._cue("object_relatives")
        rel = next((t.i for t in reversed(doc[max(sent.start, i - 8):i]) if t.lower_ in objective), None)
        if rel is not None:
            # "M. Litvinoff, to whom the Note was handed": the one before "whom" received it, no one sent it here
            before = [m for m in before if m.start > rel]
        resolver = self._resolver
        shared = resolver.shared_subject_end(sent, i) if resolver is not None else None
        if shared is not None:
            # "Stresemann received the Polish Minister and is said to have assured him": Stresemann assured
            subj = resolver.subject(sent, before=shared)
            if subj is not None:
                return next((m for m in before if m.start == subj.start and m.entity_id == subj.entity_id), subj)
        for m in reversed(before):
            if not inside and m.start in resolver_blocked:
                continue
            if m.start > 0 and not m.resolved and (doc[m.start - 1].lower_ in governing or
                                                   _cue_before(doc, m, titles, sent.start) in governing) and \
                    not self._clause_subject(doc, m, i):
                continue  # "Gough, head of the Allied Military Mission, reported": the mission is no subject
            if m.resolved and m.via and m.via.get("kind") == "pronoun" and \
                    doc[m.start].lower_ in self.rules.get("pronoun_kinds", {}).get("object", []):
                continue
            return m
        return None

    def _clause_subject(self, doc, m: Mention, i: int) -> bool:
        """ "after Seeckt had urged him": after a word that also opens a clause, a name the verb (or its
        auxiliary) follows is the clause's subject, not the object of a preposition."""
        if doc[m.start - 1].lower_ not in self._cue("subordinators"):
            return False
        return m.end == i or (m.end < i and doc[m.end].lower_ in self._cue("clause_auxiliaries"))

    def _communication(self, doc, sent, tok, info, mentions: List[Mention], prior: List[dict]) -> Optional[dict]:
        i = tok.i
        sender_cues, recipient_cues = self._cue("sender_cues"), self._cue("recipient_cues")
        cc_cues, titles = self._cue("cc_cues"), self._titles()
        joiners = self._joiners()
        verbal = self._verbal(tok)
        blocked = blocked_tokens(sent)
        before = [m for m in mentions if m.end <= i]
        after = [m for m in mentions if m.start > i]
        sender: List[Mention] = []
        recipient: List[Mention] = []
        cc: List[Mention] = []
        # possessive sender: "Kopp's (seven-page) report", "his report", "Thälmanns Brief"
        for m in reversed(before):
            if i - m.end > 4:
                break
            poss = m.end < len(doc) and doc[m.end].lower_ in POSSESSIVE_MARKS
            pron_poss = m.resolved and doc[m.start].lower_ in self.rules.get("pronoun_kinds", {}).get("possessive", [])
            if poss or (pron_poss and m.end - 1 == m.start):
                sender = coordinated(doc, m, before, joiners, forward=False)[::-1]
                break
        if not sender and not verbal:
            sender, recipient = self._names_before_noun(doc, sent, i, before, joiners, recipient_cues, titles)
        bare = 0
        passive = False
        content = self._cue("content_cues")
        dative = tuple(self._cue("dative_endings"))
        if not sender and tok.lower_ in self._cue("inverted_verbs") and after and \
                _adjacent(doc, i, after[0], self._cue("role_words"), titles) and \
                self._subject(doc, sent, i, before, blocked) is None:
            # "Am 12. März schrieb Stresemann an Brockdorff-Rantzau": the subject after the verb
            sender = coordinated(doc, after[0], after, joiners)
        # "In einem Brief an Wirth ... klagte der Graf, ...": a German noun trigger's fronted phrase ends at the
        # verb of the main clause, whose names are no genitive senders
        main_verb = next((k for k in range(i + 2, min(sent.end, i + 26)) if self._fronted_verb_at(doc, i, k)),
                         None) if not verbal and sent[0].lower_ in self._cue("prepositions") else None
        if not verbal and not recipient and dative:
            recipient = self._dative_office_holder(doc, i, after, dative)
        for m in after:
            if m.start - i > 25:
                break
            if any(t.lower_ in content for t in doc[(i + 1 if verbal else i + 2):m.start]):
                break  # "wrote to Litvinov that ... by the DNVP": what the document says ("the note that X sent")
            if any(m in group for group in (sender, recipient, cc)):
                continue
            if main_verb is not None and m.start - 1 > main_verb:
                break
            prev = self._cue_past_apposition(doc, m, titles, sent.start)
            window = [t.lower_ for t in doc[max(i, m.start - 4):m.start]]
            if prev in self._cue("affiliation_cues") and any(
                    0 < m.start - o.end <= 3 for o in after + before if o is not m and o.end <= m.start):
                continue  # "Chamberlin of the Army General Staff", "Sklyansky of the Revvoensovet": where one works
            if any(w in cc_cues for w in window):
                if prev in recipient_cues or prev in joiners or prev == "forwarded":
                    cc.extend(coordinated(doc, m, after, joiners))  # "with copies forwarded to Lenin and Trotsky"
                    continue
            if prev in sender_cues and not sender and (not verbal or prev in self._cue("passive_cues")) and not (
                    verbal and any(t.lower_ in CONJUNCTIONS for t in doc[i + 1:m.start])):
                # (not "he reported to the Politburo and was received by Lenin": the agent of the verb after "and")
                # after a verb only the agent of a passive sends: "was informed by X", not "wrote ... of X"
                sender = coordinated(doc, m, after, joiners)
                passive = verbal
            elif prev in recipient_cues and not recipient:
                recipient = coordinated(doc, m, after, joiners)
                recipient += self._office_then_person(doc, recipient[-1], after, dative)
            elif not recipient and tok.is_lower and self._dative_object(doc, m, titles, sent.start):
                recipient = coordinated(doc, m, after, joiners)  # "berichtete Rathenau dem Reichspräsidenten Ebert"
            elif verbal and not recipient and _adjacent(doc, i, m, self._cue("role_words"), titles):
                recipient = coordinated(doc, m, after, joiners)  # "informed Chicherin", "told the ambassador"
            elif verbal and not recipient and doc[m.end - 1].lower_.endswith(dative) and m.start - i <= 6 and \
                    doc[m.start - 1].lower_ not in self._cue("prepositions") and not any(
                        t.is_punct for t in doc[i + 1:m.start]) and not any(i < o.start < m.start for o in after):
                # "доложил из Берлина председателю СНК Молотову": a dative after the verb, past a place
                recipient = coordinated(doc, m, after, joiners)
            elif not verbal and bare < 2 and not (sender and recipient) and all(
                    not t.is_punct or in_words(doc, t.i, titles) or (t.i == i + 1 and t.text in ".:,")
                    for t in doc[i + 1:m.start]) and (
                    m.start - i <= 3 or (sender and m.start - sender[-1].end <= 1)) and not (
                    m.end < len(doc) and doc[m.end].lower_ in POSSESSIVE_MARKS and sender):
                # (not the owner of what it is about: "Memorandum by Maklakov on Clemenceau's speech")
                # "Telegram. Maiskii (Helsinki) to Litvinov": the heading of a calendar entry, its sender after it
                # genitive and dative without preposition: "Письмо Мануильского ...", "Pismo Józefa Becka"
                if not recipient and doc[m.end - 1].lower_.endswith(dative):
                    recipient = coordinated(doc, m, after, joiners)  # "письмо Крестинскому": to him
                elif not sender:
                    sender = coordinated(doc, m, after, joiners)
                elif not recipient:
                    recipient = coordinated(doc, m, after, joiners)
                bare += 1
        if not sender and tok.is_lower and any(t.lower_ in self._cue("passive_auxiliaries")
                                               for t in doc[max(sent.start, i - 12):i]):
            # a verb-final passive: "Am 2. September wurde Brockdorff-Rantzau von Wirth unterrichtet"
            agents = [m for m in before if i - m.end <= 4 and m not in recipient and
                      _cue_before(doc, m, titles, sent.start) in self._cue("passive_cues")]
            if agents:
                sender = coordinated(doc, agents[-1], before, joiners, forward=False)[::-1]
                before = [m for m in before if m not in sender]
                passive = True
        handing = self._cue("handing_verbs")
        hand = next((t for t in reversed(doc[max(sent.start, i - 10):i]) if t.lower_ in handing), None)
        if hand is not None and not recipient:
            # "Hodgson handed Maxim Litvinov a memorandum from Curzon": the one handed it receives it
            given = [m for m in before if m.start > hand.i and m.start not in blocked and
                     _cue_before(doc, m, titles, sent.start) not in self._cue("prepositions")]
            if given:
                recipient = coordinated(doc, given[0], before, joiners)
                before = [m for m in before if m.start < hand.i]
        # "Chamberlain met Rosengolts and handed him a note": the one who hands it sends it
        subject_at = hand.i if hand is not None and recipient and hand.i > sent.start else i
        # "...; the envoy's reply of 17 June": a possessor the text does not name is the document's writer,
        # not the subject of the sentence
        unnamed_possessor = not verbal and i >= 2 and doc[i - 1].lower_ in POSSESSIVE_MARKS and \
            not any(m.end == i - 1 for m in before)
        if not sender and not unnamed_possessor:
            subj = self._subject(doc, sent, subject_at, [m for m in before if not (
                m.start > 0 and doc[m.start - 1].lower_ in recipient_cues)], blocked)
            if subj is not None:
                sender = coordinated(doc, subj, before, joiners, forward=False)[::-1]
        if not sender and sent[0].lower_ in self._cue("prepositions"):
            # a fronted phrase: "In a letter to Chicherin of 7 September (...), he lamented"
            used = {id(m) for m in recipient + cc}
            governing = self._cue("prepositions")
            for m in after:
                if id(m) in used or m.start in blocked or doc[m.start - 1].lower_ in governing:
                    continue
                # "In a dispatch to Chamberlain of 8 March he wrote": a subject pronoun needs no comma
                subject_pronoun = m.resolved and m.end - m.start == 1 and \
                    doc[m.start].lower_ in self.rules.get("pronoun_kinds", {}).get("subject", [])
                if subject_pronoun or self._after_fronted_comma(doc, i, m, titles) or \
                        self._after_fronted_verb(doc, i, m, titles):
                    sender = [m]
                break
        if not sender and not passive:
            dropped = self._dropped_subject(doc, sent, tok, after)
            if dropped is not None:
                sender = [dropped]  # "O podpisaniu zadepeszował do ministra": the one the text is about
        if not recipient and passive:
            # "Radek was informed by Lenin": the subject of a passive verb is the addressee
            subj = self._subject(doc, sent, i, [m for m in before if m not in sender], blocked)
            if subj is not None:
                recipient = coordinated(doc, subj, before, joiners, forward=False)[::-1]
        if not recipient:
            # "In a letter to Chicherin ..., he lamented": the recipient precedes a pronoun sender
            clause = max([t.i + 1 for t in doc[sent.start:i] if t.text == ";"], default=sent.start)
            if i > sent.start and doc[i - 1].lower_ in self._cue("definite_determiners"):
                clause = sent.start  # "Lenin to Joffe, 2 Oct. 1920, ...; the note was copied": the same document
            for m in before:
                if m.start < clause:
                    continue  # "Note from X to Y ...; minute by Z attached": Y belongs to the note
                if m.start > 0 and _cue_before(doc, m, titles, sent.start) in recipient_cues and m not in sender:
                    recipient = coordinated(doc, m, before, joiners)
                    break
        last = prior[-1] if prior else None
        if len(sender) == 1 and sender[0].resolved and \
                (sender[0].via or {}).get("kind") in ("pronoun", "description", "office") and \
                not recipient and tok.lower_ in self._cue("reply_triggers") and last is not None and \
                last["type"] == "COMMUNICATION" and last["recipient"] and self._just_before(doc, last, tok) and \
                sender[0].entity_id in {a["entity_id"] for a in last["sender"]}:
            # "Maisky's letter to Beatrice Webb ...; her reply of 9 May", "Cable from Avksentiev to Bakhmeteff ...;
            # with the ambassador's reply": the reply is the addressee's
            sender = [_mention_of_arg(a, tok) for a in last["recipient"]]
        sender_ids = {m.entity_id for m in sender}
        recipient = [m for m in recipient if m.entity_id not in sender_ids]
        if not recipient and sender and tok.lower_ in self._cue("reply_triggers"):
            # "Chicherin replied on 12 December", "Letter from X to Dirksen ... and Dirksen's reply": to the
            # last person who wrote to him
            for ev in reversed(prior):
                if ev["type"] == "COMMUNICATION" and sender_ids & {a["entity_id"] for a in ev["recipient"]}:
                    recipient = [_mention_of_arg(a, tok) for a in ev["sender"]]
                    break
            last = prior[-1] if prior else None
            if not recipient and verbal and last is not None and last["type"] == "COMMUNICATION" and \
                    self._just_before(doc, last, tok) \
                    and not sender_ids & {a["entity_id"] for a in last["sender"]}:
                # "Mustafa Kemal's letter to Lenin reached Moscow in June. Chicherin replied on 3 June": the
                # reply answers the document told just before it
                recipient = [_mention_of_arg(a, tok) for a in last["sender"]]
        recipient = _unique_mentions([m for m in recipient if m.entity_id not in sender_ids])
        cc = _unique_mentions([m for m in cc if m.entity_id not in sender_ids and
                               m.entity_id not in {r.entity_id for r in recipient}])
        if tok.lower_ in self._cue("reply_triggers") and prior and prior[-1]["type"] == "COMMUNICATION" and \
                sender and recipient and not verbal and \
                {m.entity_id for m in sender} == {a["entity_id"] for a in prior[-1]["sender"]} and \
                {m.entity_id for m in recipient} == {a["entity_id"] for a in prior[-1]["recipient"]}:
            # "Litvinov to Krestinsky, letter, ..., and the reply of 23 March": the formula's writer and
            # addressee are those of the document the reply answers
            sender, recipient = [], []
        if not sender and not recipient and tok.lower_ in self._cue("reply_triggers") and prior and \
                prior[-1]["type"] == "COMMUNICATION" and self._just_before(doc, prior[-1], tok):
            # "Szyfrogram Szembeka do Becka ...; odpowiedź ministra z 13 III", "the envoy's reply of 17 June",
            # "... he wrote to Chicherin that ... The commissar replied": the reply to the document just told
            # goes back from its addressee to its writer
            sender = [_mention_of_arg(a, tok) for a in prior[-1]["recipient"]]
            recipient = [_mention_of_arg(a, tok) for a in prior[-1]["sender"]]
        heading = self._correspondent_heading(doc, sent) if not verbal and recipient and \
            self._opens_item(doc, sent, tok) else None
        if heading is not None and heading.entity_id not in {m.entity_id for m in recipient} and all(
                m.start > i and _cue_before(doc, m, titles, sent.start) not in self._cue("author_cues") for m in sender):
            # "Box 12, Folder 4. Dan, Fedor Il'ich. Letter to Nicolaevsky on the reports ...": a register lists
            # the letters under their writer
            sender = [heading]
        creator = self._creator
        if not sender and recipient and creator is not None and not verbal and tok.idx >= self._creator_end and \
                entity_id(creator) not in {m.entity_id for m in recipient} and self._opens_item(doc, sent, tok):
            # "N 123/7: ... — Brief an Generalstabschef Beck, Moskau, 30. Juni 1937": in a person's papers, a
            # letter without its writer is his own
            sender = [resolved(i, i + 1, doc, named(creator), "creator")]
        formula = None
        if not (sender and recipient) and not any(m.start < i for m in mentions) and \
                sum(t.is_alpha for t in doc[sent.start:i]) <= 1:
            # "7. Hodgson to Curzon, Moscow, 12 Oct. 1921. Reports on the famine ...": the entry's formula
            # names the writer and the addressee of the document its next sentence describes
            formula = self._formula_heading(doc, sent, recipient_cues, joiners, prior)
            if formula is not None:
                sender, recipient, cc = formula[0], formula[1], formula[4]
        sender = _unique_mentions(sender)
        if not sender or not recipient:
            return None
        # complete arguments found by the rules vouch for a trigger the training data rarely saw
        conf = (0.5 + 0.5 * info.get("rule_precision", info["precision"])) * (
            0.9 if not any(m.resolved for m in sender) else 0.75)
        roles = {(m.start, m.resolved): r for r, ms in (("sender", sender), ("recipient", recipient), ("cc", cc))
                 for m in ms}
        return {"type": "COMMUNICATION", "medium": info.get("medium") or "message", "trigger": [tok.idx, tok.idx + len(tok)],
                "sender": [m.arg() for m in sender], "recipient": [m.arg() for m in recipient],
                "cc": [m.arg() for m in cc], "participant": [], "date": None, "place": None,
                "confidence": round(min(conf, 0.99), 3), "_roles": roles,
                "_formula": formula[2:4] if formula is not None else None}

    def _same_correspondents(self, doc, head, cue, prior: List[dict], lo: int) -> Optional[tuple]:
        """(senders, recipients) that an entry's formula gives as "the same" ("The same to the same", "The same to
        Litvinov", "Chicherin to the same"): those of the last document told in an earlier paragraph."""
        same = [w.split() for w in self._cue("same_words")]
        low = [t.lower_ for t in head]
        k0 = cue.i - head.start
        first = next((k for k, t in enumerate(head) if t.is_alpha and t.lower_ not in self._cue("entry_labels")), None)
        fore = next((w for w in same if first is not None and first + len(w) == k0 and low[first:k0] == w), None)
        aft = next((w for w in same if low[k0 + 1:k0 + 1 + len(w)] == w), None)
        if not (fore or aft):
            return None
        words = set(range(head[first].i, cue.i)) if fore else set()
        words |= set(range(cue.i + 1, cue.i + 1 + len(aft))) if aft else set()
        ev = next((e for e in reversed(prior) if e["type"] == "COMMUNICATION" and e["trigger"][1] <= doc[lo].idx
                   and e["sender"] and e["recipient"]), None)
        if ev is None:
            return None
        senders = [_mention_of_arg(a, cue) for a in ev["sender"]] if fore else []
        recipients = [_mention_of_arg(a, doc[cue.i + 1]) for a in ev["recipient"]] if aft else []
        return senders, recipients, words

    def _formula_heading(self, doc, sent, recipient_cues, joiners, prior: Optional[List[dict]] = None) -> Optional[tuple]:
        """(senders, recipients, date, place, copies) of a calendar entry's formula standing alone before `sent`
        in its paragraph ("14. Kopp to Chicherin, Berlin, 2 March 1921, copy to Lenin.", after its number or its
        box and folder: "Box 2, Folder 3. Bakhmeteff to Lansing, Washington, 13 Nov. 1917."), or None."""
        lo = self._paragraph_start(doc, sent, 30)
        if lo is None or lo == sent.start:
            return None
        head = doc[lo:sent.start]
        mentions = [m for s in {t.sent for t in head} for m in self._resolver.sentence_mentions(s)
                    if lo <= m.start and m.end <= sent.start and not m.resolved]
        cue = next((t for t in head if t.lower_ in recipient_cues and not t.ent_type_), None)
        if cue is None and mentions:
            # "4. Yurenev – NKID, Rome, 14.VI.1924.": a dash between the formula's first name and the next one
            first = min(mentions, key=lambda m: m.start)
            dash = doc[first.end] if first.end < sent.start else None
            if dash is not None and dash.text in self._cue("formula_dashes") and \
                    any(m.start == first.end + 1 for m in mentions):
                cue = dash
        if cue is None:
            return None
        before = [m for m in mentions if m.end <= cue.i]
        after = [m for m in mentions if m.start > cue.i]
        same = self._same_correspondents(doc, head, cue, prior or [], lo)
        if same is not None:
            # "13. The same to the same, Moscow, 9 Feb. 1927.": the writer and addressee of the entry before
            before = before or same[0]
            after = after or same[1]
        if not before or not after:
            return None
        gap = doc[cue.i + 1:after[0].start] if after[0].start > cue.i + 1 else doc[cue.i + 1:cue.i + 1]
        # "Chicherin to the Politburo, ...", "Chicherin to the Estonian envoy, Ado Birk, Moscow, 5 May 1922.": an
        # article, or a description in apposition before the addressee's name
        if len(gap) and not (gap[0].lower_ in self._cue("determiners") and (
                len(gap) == 1 or (len(gap) <= 5 and gap[-1].text == "," and
                                  all(t.is_alpha or t.text == "-" for t in gap[:-1])))):
            return None
        senders = coordinated(doc, before[-1], before, joiners, forward=False)[::-1]
        recipients = coordinated(doc, after[0], after, joiners)
        # (with the words that join them: "Giers to Maklakov and Bakhmeteff, Rome, 20 Jan. 1921.")
        covered = set(range(senders[0].start, senders[-1].end)) | set(range(recipients[0].start, recipients[-1].end)) | \
            {t.i for t in gap} | (same[2] if same is not None else set())
        # "..., 8 Oct. 1921, copy to Lenin.", "with copies to Lenin and Trotsky": the copies of the document
        copy = next((t for t in head if t.i >= recipients[-1].end and t.lower_ in self._cue("cc_cues")), None)
        cc: List[Mention] = []
        if copy is not None:
            cc = [m for m in after if m.start > copy.i]
            small = self._cue("prepositions") | joiners | self._cue("determiners") | {"with", "to", "a"}  # "with a copy to the Oddział II"
            covered |= {k for m in cc for k in range(m.start, m.end)} | {copy.i} | {
                t.i for t in head if t.i >= recipients[-1].end and t.lower_ in small}
        dates = [e for e in head.ents if e.label_ == "DATE"]
        places = [e for e in head.ents if e.label_ == "LOC" and e.start >= recipients[-1].end]
        # "Litvinov (Moscow) to Zaunius.": where the sender wrote, in brackets after his name
        where = [e for e in head.ents if e.label_ == "LOC" and senders[-1].end < cue.i and
                 e.start == senders[-1].end + 1 and doc[senders[-1].end].text == "(" and doc[e.end].text == ")"]
        places = where + places
        covered |= {k for e in dates + places for k in range(e.start, e.end)}
        # "Kopp to the NKID, Tokyo, the same day.", "..., night of 24/25 Dec. 1926.", "..., [undated, Dec. 1926].":
        # a date given otherwise than by a date of its own
        words = self._cue("formula_date_words")
        covered |= {t.i for t in head if t.i >= recipients[-1].end and t.lower_ in words}
        low = [t.lower_ for t in head]
        for phrase in self.rules.get("anaphoric_dates", {}):
            parts = phrase.split()
            for k in range(len(low) - len(parts) + 1):
                if low[k:k + len(parts)] == parts and head[k].i >= recipients[-1].end:
                    covered |= set(range(head[k].i, head[k].i + len(parts)))
        labels = self._cue("entry_labels")
        if any(not (t.i in covered or t.is_space or t.is_punct or t.i == cue.i or
                    ((t.like_num or t.lower_ in labels or LEAVES_RE.fullmatch(t.text)) and t.i < senders[0].start))
               for t in head):  # (an entry opening with its leaves: "ff. 22–29. Crewe to Chamberlain, ...")
            return None  # more than a formula: a sentence of the entry's text
        return senders, recipients, (dates[0] if dates else None), (places[0] if places else None), cc

    def _correspondent_heading(self, doc, sent) -> Optional[Mention]:
        """The name standing alone as the sentence before `sent` in its paragraph ("Box 12, Folder 4. Dan, Fedor
        Il'ich. Letter to ..."), or None."""
        if sent.start == 0:
            return None
        prev = doc[sent.start - 1].sent
        if prev.start_char < _segment_at(doc, sent.start_char)["start"]:
            return None
        lead = prev.start
        close = next((t.i for t in doc[lead:min(lead + 5, prev.end)] if t.text == ")"), None)
        if doc[lead].text == "(" and close is not None and all(
                t.like_num or t.text in "–-" for t in doc[lead + 1:close]):
            lead = close + 1  # "(4512) Sedov, Lev.": the item number of a finding aid's entry
        words = [t for t in doc[lead:prev.end] if not t.is_space and not (t.i == prev.end - 1 and t.text == ".")]
        first = [e for e in prev.ents if e.start == lead and e.label_ in ("PERSON", "ORG")]
        if not words or not first:
            return None
        m = named(first[0])
        # "Dan, Fedor Il'ich.": the name, and its given names after a comma when the NER kept them apart
        rest = [t for t in words if t.i >= m.end]
        if rest and not (rest[0].text == "," and all(t.is_title or t.text in ",'’-" or t.ent_type_ == "PERSON"
                                                     for t in rest[1:]) and len(rest) <= 5):
            return None
        return m

    def _dative_office_holder(self, doc, i: int, after: List[Mention], dative: tuple) -> List[Mention]:
        """ "Инструкция Г.В. Чичерина полпреду РСФСР в Персии Ф.А. Ротштейну": a role word in the dative a few
        words after the document's noun, then where the office is, then the person holding it, in the dative."""
        roles = self._cue("role_words")
        role = next((t for t in doc[i + 1:min(len(doc), i + 8)] if t.lower_ in roles and t.lower_.endswith(dative)
                     and not t.ent_type_), None)
        if role is None or any(t.is_punct and t.text not in ".-" for t in doc[i + 1:role.i]):
            return []
        for m in after:
            if m.start <= role.i:
                continue
            if m.start - role.i > 7 or any(t.is_punct and t.text not in ".-" for t in doc[role.i + 1:m.start]):
                return []
            if m.label_ == "PERSON" and doc[m.end - 1].lower_.endswith(dative):
                return [m]
            if m.label_ not in ("ORG", "LOC"):
                return []
        return []

    @staticmethod
    def _office_then_person(doc, office: Mention, after: List[Mention], dative: tuple) -> List[Mention]:
        """ "Телеграмма Войкова в НКИД, Г.В. Чичерину": an office, then after a comma the person in it it is
        addressed to, in the dative."""
        if office.label_ != "ORG" or office.end >= len(doc) or doc[office.end].text != "," or not dative:
            return []
        person = next((m for m in after if m.start == office.end + 1 and m.label_ == "PERSON"), None)
        if person is None or not doc[person.end - 1].lower_.endswith(dative):
            return []
        return [person]

    @staticmethod
    def _before_titles(doc, i: int, m: Mention, titles) -> int:
        """The token before `m` and the titles written before it, not before token i."""
        k = m.start - 1
        while k > i and (doc[k].lower_ in titles or is_honorific(doc[k].text)):
            k -= 1
        return k

    def _after_fronted_comma(self, doc, i: int, m: Mention, titles) -> bool:
        """ "In a letter to Chicherin of 7 September (...), he lamented": the subject right after the comma that
        ends the fronted phrase, not a name further on ("..., die Beauftragten der Sondergruppe R")."""
        k = self._before_titles(doc, i, m, titles)
        return k > i and doc[k].text == ","

    def _after_fronted_verb(self, doc, i: int, m: Mention, titles) -> bool:
        """ "In einem Brief an Wirth vom 8. November klagte der Botschafter": in German the subject follows the
        verb that ends the fronted phrase, without a comma."""
        return self._fronted_verb_at(doc, i, self._before_titles(doc, i, m, titles))

    def _fronted_verb_at(self, doc, i: int, k: int) -> bool:
        """Token k is the finite verb after a German noun trigger's fronted phrase (a past tense in -te, or a
        verb that inverts): the trigger is a capitalised noun inside the sentence, the verb a lower-case word."""
        tok, verb = doc[i], doc[k]
        german_noun = tok.text[:1].isupper() and not tok.is_sent_start  # (is_sent_start: no walk to the start)
        return german_noun and k > i + 1 and verb.is_lower and verb.is_alpha and \
            verb.lower_ not in self._cue("prepositions") and verb.lower_ not in self._joiners() and \
            (verb.lower_ in self._cue("inverted_verbs") or verb.lower_.endswith("te"))

    def _dropped_subject(self, doc, sent, tok, after: List[Mention]) -> Optional[Mention]:
        """The subject a Polish verb leaves unsaid ("3 V 1927 rozmawiał z ministrem Cielēnsem"): the person
        the sentence or the text before it is about. Only for a verb whose form says a singular person did it,
        and not when a name after the verb stands ungoverned in its clause ("przyjął go prezydent Lebrun")."""
        endings = tuple(self._cue("dropped_subject_endings"))
        resolver = self._resolver
        if not endings or resolver is None or not self._verbal(tok) or not tok.lower_.endswith(endings):
            return None
        end = next((t.i for t in doc[tok.i + 1:sent.end] if t.text in (";", ",", ":")), sent.end)
        governing, dative = self._cue("prepositions"), tuple(self._cue("dative_endings"))
        titles = self._titles()
        for m in after:
            if m.start >= end:
                break
            if not m.resolved and _cue_before(doc, m, titles, sent.start) not in governing and \
                    not doc[m.end - 1].lower_.endswith(dative):
                return None
        ref = resolver.subject(sent, before=tok.i) or resolver.topic_before(resolver.sent_index(tok.i))
        if ref is None or ref.label_ != "PERSON" or any(m.entity_id == ref.entity_id for m in after):
            return None
        return resolved(tok.i, tok.i + 1, doc, ref, "pronoun")

    @staticmethod
    def _just_before(doc, ev: dict, tok) -> bool:
        """Whether an earlier event was told just before this trigger: in the same paragraph."""
        return ev["trigger"][1] <= tok.idx and "\n\n" not in doc.text[ev["trigger"][1]:tok.idx]

    @staticmethod
    def _opens_item(doc, sent, tok) -> bool:
        """Whether a trigger opens an item of a finding aid: the first word of its sentence or after a dash
        ("Folder 3. Letter to ...", "N 123/7: Briefe, 1937. — Brief an Beck"), not one inside a description."""
        for t in reversed(doc[sent.start:tok.i]):
            if t.text in ("—", "–"):
                return True
            if t.is_alpha and len(t) > 1:
                return False
        return True

    def _dative_object(self, doc, m: Mention, titles: set, lo: int) -> bool:
        """ "dem (Reichspräsidenten) Ebert" after a verb is its indirect object, unless a preposition governs
        the article ("mit dem Botschafter X", "nach dem Gespräch")."""
        articles = self._cue("dative_articles")
        k = m.start - 1
        while k > lo and m.start - k <= 4 and doc[k].lower_ not in articles and not doc[k].ent_type_ and (
                in_words(doc, k, titles) or (doc[k].is_title and doc[k].is_alpha)):
            k -= 1
        if k < lo or k >= m.start or doc[k].lower_ not in articles:
            return False
        word = doc[k - 1].lower_ if k > lo else ""
        return word not in self._cue("prepositions") and word not in self._cue("dative_prepositions")

    def _cue_past_apposition(self, doc, m: Mention, titles: set, lo: int) -> str:
        """The cue before a name that a description introduces: "with the Polish minister, Konstanty Skirmunt"
        -> "with", as "with Konstanty Skirmunt" would."""
        k = _cue_index(doc, m, titles, lo)  # the comma, past the name's titles: "the Foreign Secretary, Sir John Simon"
        prev = doc[k].lower_ if k >= lo else ""
        if prev != "," or k <= lo:
            return prev
        roles, dets = self._cue("role_words"), self._cue("determiners")
        j = k - 1
        # past the role's "of" phrase: "by the Secretary-General of the Quai d'Orsay, Philippe Berthelot"
        n = j
        while n > lo and k - n <= 7 and (doc[n].ent_type_ in ("ORG", "LOC") or doc[n].lower_ in dets):
            n -= 1
        if n < j and n > lo and doc[n].lower_ in self._cue("affiliation_cues") and doc[n - 1].lower_ in roles \
                and not doc[n - 1].ent_type_:
            j = n - 1
        if not (doc[j].lower_ in roles and not doc[j].ent_type_):
            return prev
        start = j
        while j > lo and start - j <= 4 and (doc[j - 1].is_alpha or doc[j - 1].text in "-‑") and \
                not doc[j - 1].ent_type_ and doc[j - 1].lower_ not in dets:
            j -= 1  # the role's qualifiers: "the Polish minister", "the Secretary-General"
        if j > lo and doc[j - 1].lower_ in dets and j - 1 > lo:
            return doc[j - 2].lower_
        return prev

    def _names_before_noun(self, doc, sent, i: int, before: List[Mention], joiners, recipient_cues,
                           titles) -> Tuple[List[Mention], List[Mention]]:
        """ "Ribbentrop to Ott and Schulenburg, telegram, Berlin, 28 Mar. 1941"; "Zaleski to Erskine, private
        letter": a footnote's formula that names sender and addressee before the document's noun."""
        lo = max([t.i + 1 for t in doc[sent.start:i] if t.text == ";"], default=sent.start)
        while lo < i and (doc[lo].like_num or doc[lo].is_punct):
            lo += 1  # the footnote's number
        first = next((m for m in before if m.start == lo), None)
        if first is None or first.resolved or first.end >= i or (doc[first.end].lower_ not in recipient_cues and
                                                                 doc[first.end].text not in self._cue("formula_dashes")):
            return [], []  # ("Kamenev – Litvinov, cipher telegram": the calendars' dash between the two)
        cue_end = first.end + 1
        while cue_end < i and in_words(doc, cue_end, titles):
            cue_end += 1
        second = next((m for m in before if m.start == cue_end), None)
        if second is None:
            return [], []
        recipients = coordinated(doc, second, before, joiners)
        end = recipients[-1].end
        gap = doc[end:i]
        if not len(gap) or gap[0].text != ",":
            return [], []
        if len(gap) > 3 or not all(t.is_lower for t in gap[1:]):
            # "Yurenev – NKID, Rome, 14.VI.1924, cipher telegram": the place and date between, each after a comma,
            # and after the last comma only the words that qualify the document
            last = max(k for k, t in enumerate(gap) if t.text == ",")
            if not all(t.ent_type_ in ("LOC", "DATE") or t.text == "," or t.is_lower for t in gap[1:last]) or \
                    not all(t.is_lower for t in gap[last + 1:]) or sum(t.text == "," for t in gap) > 4:
                return [], []
        return [first], recipients

    def _meeting(self, doc, sent, tok, info, mentions: List[Mention]) -> Optional[dict]:
        i = tok.i
        joiners, cues = self._joiners(), self._cue("participant_cues")
        recipient_cues, presence, titles = self._cue("recipient_cues"), self._cue("presence_cues"), self._titles()
        blocked = blocked_tokens(sent)
        clause_start = max([t.i + 1 for t in doc[sent.start:i] if t.text == ";"], default=sent.start)
        before = [m for m in mentions if m.end <= i and i - m.end <= 25 and m.start >= clause_start]
        after = [m for m in mentions if m.start > i and m.start - i <= 12]
        parts: List[Mention] = []
        between = i + 1 < len(doc) and doc[i + 1].lower_ in self._cue("between_cues")
        # left: who met (skipping the addressee of an enclosing report: "Report from Dirksen to Bülow on a conversation");
        # "the conversation between Stalin and Roosevelt" names all its participants on the right
        right: List[Mention] = []
        genitive = False
        content = self._cue("content_cues")
        for m in after:
            if any(t.lower_ in content for t in doc[i + 2:m.start]):
                break  # "met Maltzan and told him that Radek ...": Radek was not there ("the talks that X opened")
            if any(m is p for p in right):
                continue
            prev = self._cue_past_apposition(doc, m, titles, sent.start)
            adjacent = _adjacent(doc, i, m, self._cue("role_words"), titles)
            body = prev in self._cue("affiliation_cues") and m.label_ == "ORG" and m.start - i <= 3
            if prev in cues or adjacent or body:  # "the meeting of the Cabinet": the body that met
                genitive = genitive or (adjacent and prev not in cues and not right)
                right.extend(coordinated(doc, m, [x for x in mentions if x.start > i], joiners))
        # "Besprechung des Reichskanzlers Brüning mit Luther", "the conversation of Mikołajczyk with Stalin":
        # both sides are named after the trigger, so the author of the record on the left is not one of them
        verbal = self._verbal(tok)  # "met Hitler and Mussolini": objects
        listed = [] if right else self._bracketed_list(doc, sent, i, mentions)
        if len(listed) >= 2:
            right, genitive = listed, True  # "the talks of the military missions (Drax, Doumenc, Voroshilov)"
        right_only = between or (genitive and not verbal and len(_unique_mentions(right)) >= 2)
        dative = tuple(self._cue("dative_endings"))
        # "Доклад Л.М. Карахана М.М. Литвинову о беседе с Ататюрком": the addressee in the dative after the
        # author is no participant, as "to Bülow" is not in "Report from Dirksen to Bülow on a conversation"
        addressed = {id(b) for a, b in zip(before, before[1:])
                     if b.start - a.end <= 1 and doc[b.end - 1].lower_.endswith(dative) and
                     not doc[a.end - 1].lower_.endswith(dative)}
        left = [] if right_only else [m for m in before if _cue_before(doc, m, titles, sent.start) not in recipient_cues
                                      and id(m) not in addressed]
        subj = self._subject(doc, sent, i, left, blocked) if left else None
        if subj is None and left and i - left[-1].end <= 12:
            subj = left[-1]
        if subj is None and not right_only:
            subj = self._dropped_subject(doc, sent, tok, [m for m in mentions if m.start > i])
        if subj is not None:
            parts.extend(coordinated(doc, subj, before, joiners, forward=False))
            rel = next((t.i for t in doc[max(sent.start, subj.start - 2):subj.start]
                        if t.lower_ in self._cue("object_relatives")), None)
            if rel is not None:
                # "Chicherin, whom he met at night": the one before "whom" is the other participant
                ante = [m for m in mentions if m.end <= rel and rel - m.end <= 2 and not m.resolved]
                if ante:
                    parts.append(ante[-1])
        parts.extend(m for m in right if not any(m is p for p in parts))
        creator = self._creator
        if creator is not None and subj is None and not verbal and not genitive and parts and \
                not any(p.entity_id == entity_id(creator) for p in parts):
            # "Box 5, Folder 7. Notes of a conversation with Tereshchenko and Maklakov": in a person's papers,
            # the notes of a talk are his own
            parts.insert(0, resolved(i, i + 1, doc, named(creator), "creator"))
        # "with Averell Harriman and Molotov present", "w obecności gen. Andersa";
        # a cue after the list takes the whole list: "Bonar Law, Curzon and Sir Robert Horne were present"
        cued = lambda words: any(c in words.split() if " " not in c else c in words for c in presence)
        lex = self.lexicon()
        others = [t.i for t in sent if t.i != i and lex.get(t.lower_, {}).get("type") == "MEETING"]
        for m in mentions:
            if not parts:
                break
            if any(i < o < m.start or m.end <= o < i for o in others):
                continue  # "the conversation of A with B, and the talks of C, with D present": D was at the talks
            listed = any(m is p for p in parts)
            left = " ".join(t.lower_ for t in doc[max(sent.start, m.start - 3):m.start])
            k = m.end
            if k < sent.end and doc[k].text == ",":
                # "Joffe, its secretary-general, was present", "Paléologue, was also present": past an apposition
                close = next((t.i for t in doc[k + 1:min(sent.end, k + 8)] if t.text in (",", ";", ".")), None)
                if close is not None and doc[close].text == "," and not any(t.ent_type_ for t in doc[k + 1:close]):
                    k = close + 1
            right = " ".join(t.lower_ for t in doc[k:min(sent.end, k + 3)])
            if cued(right):
                parts.extend(x for x in coordinated(doc, m, mentions, joiners, forward=False)
                             if not any(x is p for p in parts))
            elif not listed and cued(left):
                parts.extend(coordinated(doc, m, mentions, joiners))
        uniq = _unique_mentions(parts)
        if len(uniq) == 1 and uniq[0].start > i:
            uniq = _unique_mentions(uniq + self._subject_after_phrase(doc, sent, tok, uniq[0], mentions, titles))
        if len(uniq) < 2:
            uniq = self._fronted_meeting(doc, sent, tok, mentions, blocked)
        if len(uniq) < 2:
            return None
        uniq.sort(key=lambda m: m.start)
        roles = {(m.start, m.resolved): "participant" for m in uniq}
        precision = info.get("rule_precision", info["precision"])
        if any(t.lower_ in self._cue("record_nouns") for t in doc[max(sent.start, i - 4):i]):
            # "Record of Kerzhentsev's talk with Grandi", "Запись беседы ...": the record vouches for the meeting
            # whatever else the word may mean in running text
            precision = max(precision, float(self.rules.get("record_precision", 0.0)))
        return {"type": "MEETING", "medium": None, "trigger": [tok.idx, tok.idx + len(tok)],
                "sender": [], "recipient": [], "cc": [], "participant": [m.arg() for m in uniq],
                "date": None, "place": None, "confidence": round(min((0.5 + 0.5 * precision) * 0.85, 0.99), 3),
                "_roles": roles}

    def _subject_after_phrase(self, doc, sent, tok, last: Mention, mentions: List[Mention], titles) -> List[Mention]:
        """ "In Moscow, after a first long conversation with Litvinov, he wrote ...": a meeting in a phrase that
        opens with a preposition was had by the subject right after the comma that closes the phrase."""
        lo = max([t.i + 1 for t in doc[sent.start:tok.i] if t.text == ","], default=sent.start)
        if doc[lo].lower_ not in self._cue("prepositions") or tok.i - lo > 5:
            return []
        close = next((t.i for t in doc[last.end:min(sent.end, last.end + 8)] if t.text == ","), None)
        if close is None:
            return []
        k = close + 1
        while k < sent.end and (doc[k].lower_ in titles or is_honorific(doc[k].text)):
            k += 1
        return [m for m in mentions if m.start == k][:1]

    def _fronted_meeting(self, doc, sent, tok, mentions: List[Mention], blocked: set) -> List[Mention]:
        """ "At the session of 6 February Churchill told Stalin and Roosevelt that ...": a meeting named in
        the opening phrase was attended by the agents of the clause after it, up to what they said."""
        if tok.i - sent.start > 4 or sent[0].lower_ not in self._cue("prepositions"):
            return []
        content = self._cue("content_cues")
        end = next((t.i for t in doc[tok.i + 1:sent.end] if t.lower_ in content or t.text == ";"), sent.end)
        found = []
        for m in mentions:
            if not (tok.i < m.start < end) or m.start in blocked:
                continue
            if m.end < len(doc) and doc[m.end].lower_ in POSSESSIVE_MARKS:
                continue  # "Kopp's proposal": the author of a document, not one who was there
            found.append(m)
        return _unique_mentions(found)

    def _bracketed_list(self, doc, sent, i: int, mentions: List[Mention]) -> List[Mention]:
        """The names in a parenthesis or after a dash that closes the trigger's phrase, when
        they are all the parenthesis holds: "the talks of the military missions (Drax, Doumenc, Voroshilov)"."""
        opener = next((t for t in doc[i + 1:min(sent.end, i + 7)] if t.is_punct and t.text not in "-'’"), None)
        if opener is None or opener.text not in ("(", "—", "–") or any(i < m.start < opener.i for m in mentions):
            return []
        closer = ")" if opener.text == "(" else "—"
        end = next((t.i for t in doc[opener.i + 1:sent.end] if t.text in (closer, ";", ".")), sent.end)
        inside = sorted((m for m in mentions if opener.i < m.start and m.end <= end), key=lambda m: m.start)
        joiners = self._joiners()
        gaps = [doc[a.end:b.start] for a, b in zip(inside, inside[1:])]
        if not inside or inside[0].start != opener.i + 1 or any(
                len(g) > 3 or not all(in_words(doc, t.i, joiners) for t in g) for g in gaps):
            return []
        return _unique_mentions(inside)

    def _date(self, doc, sent, tok, sent_ents) -> Optional[dict]:
        """The event's date: its own ("report of 2 March"), else the nearest in its clause, else "that day".

        A date written right after another trigger ("his conversation of 11 Aug.") is that
        event's; a date across a semicolon belongs to another clause.
        """
        lex = self.lexicon()
        owner_cues = self._cue("date_cues") or {"of", "on", "dated"}
        medium_cues = self._cue("medium_cues")
        clause_lo, clause_hi = sent.start, sent.end
        for t in sent:
            if t.text == ";":
                if t.i < tok.i:
                    clause_lo = t.i + 1
                elif t.i > tok.i:
                    clause_hi = t.i
                    break

        # "an instruction from Beck of 28 April", "seine Unterredung mit Litwinow vom 30. Oktober"
        arg_cues = self._cue("sender_cues") | self._cue("recipient_cues") | self._cue("participant_cues")
        titles = self._titles() - arg_cues

        def owner(e) -> Optional[int]:
            k = e.start - 1
            while k >= sent.start and e.start - k <= 3 and doc[k].lower_ in owner_cues:
                k -= 1
            if k == e.start - 1:
                return None
            for _ in range(3):
                # "an instruction from Beck of 28 April": the date follows the document's sender;
                # "the talks of Kopp with Seeckt on 14 August": or the meeting's participants
                if not (k > sent.start and doc[k].ent_type_ and doc[k].ent_type_ != "DATE"):
                    break
                while k > sent.start and doc[k].ent_iob_ == "I":
                    k -= 1
                while k - 1 > sent.start and doc[k - 1].lower_ in titles:
                    k -= 1  # "his audience with President Mościcki on 31 October"
                if k > sent.start and not doc[k - 1].ent_type_ and doc[k - 1].lower_ in lex and self._verbal(doc[k - 1]):
                    return k - 1  # the verb's own object: "The envoy had cabled Krestinsky on 29 February"
                if not (k > sent.start and doc[k - 1].lower_ in arg_cues):
                    break
                k -= 2
            if k >= sent.start and not doc[k].ent_type_ and doc[k].lower_ in lex:
                if k > sent.start and doc[k - 1].lower_ in medium_cues:
                    # "Bülow instructed him by telegram on 23 August": the medium of the verb, dated with it
                    verb = next((t.i for t in reversed(doc[max(sent.start, k - 6):k - 1])
                                 if t.lower_ in lex and self._verbal(t)), None)
                    if verb is not None:
                        return verb
                return k
            return None

        def after_place(e) -> bool:
            return e.start >= 2 and doc[e.start - 1].text == "," and doc[e.start - 2].ent_type_ == "LOC"

        content = self._cue("content_cues")
        said = next((t.i for t in doc[tok.i + 2:sent.end] if t.lower_ in content), sent.end)
        # a date in what the document says ("a note recalling that under the treaty of July 12") is not its date
        # the dateline dates the dispatch, not what it reports: only its "today" and "yesterday" point to it
        # (only a sentence opening with a capitalised place can hold it: "GENOA, May 3.— ...")
        line = self._dateline(doc, sent) if sent_ents and sent[0].is_upper and len(sent[0]) > 2 else None
        dates = [e for e in sent_ents if e.label_ == "DATE" and not _long_interval(e._.date) and e._.date
                 and (e.start < said or after_place(e)) and not (line is not None and e.start == line.start)]
        told = next((t.i for t in doc[clause_lo:tok.i] if t.lower_ in content), None)
        if told is not None and any(lex.get(t.lower_, {}).get("type") == "COMMUNICATION" for t in doc[clause_lo:told]):
            # "Telegram from X to Y complaining that the officers had been received by Trotsky, Moscow, 24 May
            # 1923": the event the document tells is not dated by the document's dateline
            dates = [e for e in dates if not (after_place(e) and e.start > tok.i)]
        in_clause = [e for e in dates if clause_lo <= e.start < clause_hi]
        own = [e for e in in_clause if owner(e) == tok.i]
        heading = self._entry_heading(doc, sent) if not own and self._dated_by_heading(doc, sent, tok, lex) else None
        if heading is not None and heading[0] is not None:
            return _date_arg(heading[0])  # "22 VIII 1921, Moskwa. — Raport posła ...: 20 sierpnia ...": the entry's
        if not in_clause and self._opens_item(doc, sent, tok):
            trailer = self._entry_trailer(doc, sent)
            if trailer is not None:
                return _date_arg(trailer[0])  # "№ 1. Телеграмма Войкова в НКИД. Варшава, 16 мая 1926 г."
        if not own and self._topic_of_document(doc, tok, clause_lo, lex):
            return None  # "Bericht ... über seinen Antrittsbesuch bei Litwinow, 3. Dezember 1928": the report's date
        free = own or [e for e in in_clause if owner(e) is None]
        if not free and not in_clause:
            relative = self._anaphoric_date(doc, clause_lo, clause_hi) or self._dateline_date(doc, sent, clause_lo,
                                                                                                clause_hi, tok)
            if relative is not None:
                if relative.pop("offset", 0):
                    # "The next day Kopp met Maltzan": the contract dates no event by a phrase without a calendar
                    # word; the day it points to is kept beside the event (`date_relative`), not as its date
                    self._relative = relative
                    return None
                return relative
            if tok.i > sent.start and doc[tok.i - 1].lower_ in self._cue("definite_determiners"):
                free = [e for e in dates if owner(e) is None]  # "Petliura to Piłsudski, 2 Oct. 1919; ... the letter"
        if not free:
            return None
        # the nearest date, preferring a day or month over a bare year, and in a formula the date after
        # the place it was written ("Minute by Bevin for Attlee ..., reported on 9 May, London, 10 May 1946")
        best = min(free, key=lambda e: ((e._.date or {}).get("precision") not in ("day", "month"),
                                        not after_place(e), abs(e.start - tok.i)))
        return _date_arg(best)

    def _entry_heading(self, doc, sent) -> Optional[Tuple[Optional[Span], Optional[Span]]]:
        """(date, place) of the heading a calendar entry opens with, when the sentences of its paragraph
        before `sent` are only that ("Nr. 8 — Dezember 1924, Berlin.", "22 VIII 1921, Moskwa."), else None."""
        lo = self._paragraph_start(doc, sent, 20)
        if lo is None:
            return None  # a paragraph's running text, no heading
        head = [t for t in doc[lo:sent.start] if not t.is_space]
        if not head or len(head) > 16:
            return None
        ents = list(doc[lo:sent.start].ents)
        if any(e.label_ not in ("DATE", "LOC") for e in ents):
            return None
        inside = {k for e in ents for k in range(e.start, e.end)}
        words = [t for t in head if t.i not in inside and t.is_alpha]
        dates = [e for e in ents if e.label_ == "DATE" and e._.date]
        if len(dates) > 2 or len(words) > 3:
            return None
        # "8. 1920, 13 July.": the year, then the day it dates
        rank = {"day": 0, "month": 1}
        date = min(dates, key=lambda e: rank.get(e._.date.get("precision"), 2)) if dates else None
        if len(dates) == 2 and sum(e._.date.get("precision") == "year" for e in dates) != 1:
            return None
        places = [e for e in ents if e.label_ == "LOC"]
        return date, (places[0] if len(places) == 1 else None)

    @staticmethod
    def _paragraph_start(doc, sent, limit: int) -> Optional[int]:
        """The first token of the paragraph or footnote holding `sent`, or None when it begins more than `limit`
        tokens before the sentence (running text, no heading)."""
        seg = _segment_at(doc, sent.start_char)
        lo = sent.start
        while lo > 0 and doc[lo - 1].idx >= seg["start"]:
            lo -= 1
            if sent.start - lo > limit:
                return None
        return lo

    def _entry_trailer(self, doc, sent) -> Optional[Tuple[Span, Optional[Span]]]:
        """(date, place) of the sentence right after an entry's formula when it is only that ("№ 8. Письмо
        Стомонякова Войкову. Москва, 2 сентября 1926 г. Разъясняет ..."), else None."""
        if sent.end >= len(doc):
            return None
        seg = _segment_at(doc, sent.start_char)
        nxt = doc[sent.end].sent
        if nxt.start != sent.end or nxt.end_char > seg["end"]:
            return None
        # "Варшава, 16 мая 1926 г. Сообщает ...": the sentence splitter keeps "г." with what follows
        date = place = None
        k = nxt.start
        while k < nxt.end and k - nxt.start <= 14:
            t = doc[k]
            if t.ent_type_ in ("DATE", "LOC") and t.ent_iob_ == "B":
                e = next(x for x in nxt.ents if x.start == k)
                if e.label_ == "DATE":
                    if date is not None or not e._.date:
                        return None
                    date = e
                elif place is not None or date is not None:
                    return None
                else:
                    place = e
                k = e.end
                continue
            if t.text == "," and date is None:
                k += 1
                continue
            break
        if date is None:
            return None
        rest = doc[k:nxt.end]
        if len(rest) and rest[0].is_alpha and rest[0].is_lower and len(rest[0]) <= 2 and \
                (len(rest) == 1 or rest[1].text == "."):
            rest = rest[2:] if len(rest) > 1 else rest[1:]  # "г."
        elif len(rest) and rest[0].text == ".":
            rest = rest[1:]
        if len(rest) and not (rest[0].is_title or rest[0].text in (".", "—", "–")):
            return None  # "Москва, 2 сентября, в ответ на ...": the date of something the entry says
        return date, place

    def _dated_by_heading(self, doc, sent, tok, lex) -> bool:
        """Whether the entry's heading dates this trigger: the document that opens the entry ("— Telegram
        Filipowicza do MSZ"), the medium its formula names ("1. 2 February 1924. Rakovsky to Chicherin,
        telegram, London."), or the talk its record records ("Zapis rozmowy ministra Narutowicza z ...")."""
        if self._opens_item(doc, sent, tok) or self._formula_medium(doc, sent, tok):
            return True
        if lex.get(tok.lower_, {}).get("type") != "MEETING":
            return False
        first = next((t for t in doc[sent.start:tok.i] if t.is_alpha), None)
        return first is not None and first.lower_ in self._cue("record_nouns") and self._opens_item(doc, sent, first) \
            and not any(lex.get(t.lower_) for t in doc[first.i + 1:tok.i])

    def _formula_medium(self, doc, sent, tok) -> bool:
        """Whether the trigger is the medium that an entry's formula names after its correspondents, with
        at most two words of its own before it ("Rakovsky to Chicherin, ciphered telegram, London, ...")."""
        k, own = tok.i - 1, 0
        while k >= sent.start and own < 2 and doc[k].is_alpha and doc[k].is_lower and not doc[k].ent_type_:
            k, own = k - 1, own + 1
        if k <= sent.start or doc[k].text != ",":
            return False
        recipient_cues = self._cue("recipient_cues")
        small = self._joiners() | self._titles()
        cue = named = False
        for t in doc[sent.start:k]:
            if t.ent_type_ in ("PERSON", "ORG"):
                named = True
            elif t.lower_ in recipient_cues and not t.ent_type_:
                cue = True
            elif not (t.is_punct or t.lower_ in small or (t.like_num and not named)):
                return False
        return cue and named

    def _topic_of_document(self, doc, tok, lo: int, lex) -> bool:
        """A meeting that a document is about: "Report from Dirksen to Bülow on a conversation with Voroshilov"."""
        if lex.get(tok.lower_, {}).get("type") != "MEETING":
            return False
        topic, records = self._cue("topic_cues"), self._cue("record_nouns")
        cue = next((t for t in reversed(doc[max(lo, tok.i - 4):tok.i]) if t.lower_ in topic), None)
        # "Aufzeichnung Schulenburgs über seinen Empfang durch Kalinin, 3. Oktober 1934": a record is written
        # the day of the talk it records, and dated by it
        if cue is None or any(t.ent_type_ for t in doc[cue.i + 1:tok.i]):
            return False  # "..., and on 1 March he talked with ...": a date, not what the document is about
        to = self._cue("recipient_cues")
        addressed = lambda t: any(x.lower_ in to for x in doc[t.i + 1:cue.i])  # "Aufzeichnung Maltzans für Cuno über"
        return any(lex.get(t.lower_, {}).get("type") == "COMMUNICATION" and (t.lower_ not in records or addressed(t))
                   for t in doc[lo:cue.i])

    def _anaphoric_date(self, doc, lo: int, hi: int) -> Optional[dict]:
        """ "that day", "the next day", "am selben Tag" in tokens [lo, hi): the last full date before it, shifted."""
        span = doc[lo:hi]
        text = span.text.lower()
        for phrase, offset in (self.rules.get("anaphoric_dates") or {}).items():
            k = _find_phrase(text, phrase)
            if k < 0:
                continue
            start = span.start_char + k
            prior = [e for e in self._doc_ents(doc) if e.label_ == "DATE" and e.end_char <= start and start - e.end_char <= 800
                     and e._.date]
            if not prior or prior[-1]._.date.get("precision") != "day":
                return None  # "In March 1928 ... That evening": the last date names no day to point to
            value = prior[-1]._.date
            try:
                day = datetime.date.fromisoformat(value["value"]) + datetime.timedelta(days=int(offset))
            except (ValueError, TypeError):
                return None
            return {"text": span.text[k:k + len(phrase)], "value": day.isoformat(), "precision": "day",
                    "year_inferred": bool(value.get("year_inferred")), "start": start, "end": start + len(phrase),
                    "offset": int(offset)}
        return None

    def _dateline(self, doc, sent) -> Optional[Span]:
        """The date of a press dispatch's dateline ("GENOA, May 3.—") heading the sentence's paragraph, or None."""
        seg = _segment_at(doc, sent.start_char)
        doc_end = doc[-1].idx + len(doc[-1].text_with_ws)
        head = doc.char_span(seg["start"], min(doc_end, seg["start"] + 60), alignment_mode="contract")
        if head is None or not len(head) or not (head[0].is_upper and len(head[0]) > 2):
            return None
        return next((e for e in self._doc_ents(doc) if e.label_ == "DATE" and head.start <= e.start < head.start + 8
                     and (e._.date or {}).get("precision") == "day"), None)

    def _dateline_date(self, doc, sent, lo: int, hi: int, tok=None) -> Optional[dict]:
        """ "PARIS, April 25. M. Briand this morning received ...": a press dispatch dates its "today"."""
        text = doc[lo:hi].text.lower()
        found = [(k, off) for phrase, off in (self.rules.get("dateline_relative") or {}).items()
                 for k in [_find_phrase(text, phrase)] if k >= 0]
        if not found and tok is not None and any(t.lower_ in self._cue("perfect_auxiliaries")
                                                 for t in doc[max(lo, tok.i - 3):tok.i]):
            found = [(0, 0)]  # "KOVNO, Oct. 10. M. Purickis has telegraphed": news of the day
        if not found:
            return None
        line = self._dateline(doc, sent)
        if line is None:
            return None
        # the phrase nearest the trigger: "addressed to Tchitcherin yesterday ... saw Lloyd George this morning"
        at = tok.idx - doc[lo].idx if tok is not None else 0
        offset = min(found, key=lambda f: abs(f[0] - at))[1]
        try:
            day = datetime.date.fromisoformat(line._.date["value"]) + datetime.timedelta(days=int(offset))
        except (ValueError, TypeError):
            return None
        return {"text": line.text, "value": day.isoformat(), "precision": "day",
                "year_inferred": bool(line._.date.get("year_inferred")), "start": line.start_char, "end": line.end_char}

    def _date_place(self, doc, sent, tok, sent_ents) -> Tuple[Optional[dict], Optional[dict]]:
        self._relative = None
        date = self._date(doc, sent, tok, sent_ents)
        place = None
        cues, far = self._cue("place_cues") or {"from"}, self._cue("place_cues_any_distance") or {"from"}
        sent_from = self.lexicon().get(tok.lower_, {}).get("type") == "COMMUNICATION"
        roles = self._cue("role_words")
        for e in sent_ents:
            if e.label_ == "LOC" and e.start > 0 and doc[e.start - 1].lower_ in cues:
                cue = doc[e.start - 1].lower_
                if sent_from and cue not in far and e.start > 1 and (
                        doc[e.start - 2].ent_type_ in ("PERSON", "ORG") or doc[e.start - 2].lower_ in roles):
                    continue  # "telegraphed to Chicherin in Moscow", "the ambassador in Paris": where the addressee is
                if cue in far or abs(e.start - tok.i) <= 8:
                    place = _arg(e)
                    break
            if e.label_ == "LOC" and e.start > 1 and doc[e.start - 1].text == "(" and e.end < len(doc) and \
                    doc[e.end].text == ")" and doc[e.start - 2].ent_type_ == "PERSON" and abs(e.start - tok.i) <= 8:
                place = _arg(e)  # "Letter from Chicherin (Wiesbaden) to Dirksen"
                break
        if place is None and date is not None and date.get("start") is not None and date["start"] < sent.start_char:
            heading = self._entry_heading(doc, sent)
            if heading is not None and heading[1] is not None and heading[0] is not None and \
                    heading[0].start_char == date["start"]:
                place = _arg(heading[1])  # "22 VIII 1921, Moskwa. — Raport posła ...": where it was written
        if place is None and date is not None and date.get("start") is not None and date["start"] >= sent.end_char:
            trailer = self._entry_trailer(doc, sent)
            if trailer is not None and trailer[1] is not None and trailer[0].start_char == date["start"]:
                place = _arg(trailer[1])  # "№ 1. Телеграмма ... Варшава, 16 мая 1926 г.": where it was written
        if place is None and tok.i + 2 < sent.end and doc[tok.i + 1].text == "," and \
                self._formula_medium(doc, sent, tok):
            # "Rakovsky to Chicherin, telegram, London, copies to Stalin.": where the formula says it was written
            loc = next((e for e in sent_ents if e.label_ == "LOC" and e.start == tok.i + 2), None)
            if loc is not None and (loc.end >= sent.end or doc[loc.end].text in (",", ".", ";")):
                place = _arg(loc)
        if place is None and date is not None and date.get("start") is not None:
            # the formula of a calendar entry or a footnote: "Telegram from Dirksen to Bülow, Moscow, 1.10.1931"
            d0 = next((e for e in sent_ents if e.label_ == "DATE" and e.start_char == date["start"]), None)
            if d0 is not None and d0.start >= 3 and doc[d0.start - 1].text == ",":
                loc = next((e for e in sent_ents if e.label_ == "LOC" and e.end == d0.start - 1), None)
                if loc is not None and loc.start > 0 and doc[loc.start - 1].text in (",", "("):
                    place = _arg(loc)
        return date, place

    # ---------------------------------------------------------------- io
    def score(self, examples: Iterable[Example], **kwargs) -> Dict[str, float]:
        known, prefix = kb_ids_in(self.nlp)
        return score_events(examples, known, prefix)

    def to_disk(self, path, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "triggers.json", self.rules)
        srsly.write_json(path / "learned.json", self.learned)
        srsly.write_json(path / "rule_fired.json", self.rule_fired)
        (path / "arguments.msgpack").write_bytes(self.model.to_bytes())
        srsly.write_json(path / "offices.json", self.offices)

    def from_disk(self, path, exclude=tuple()) -> "EventExtractor":
        path = Path(path)
        self._load_rules(path / "triggers.json")
        self.learned = srsly.read_json(path / "learned.json")
        fired = path / "rule_fired.json"
        self.rule_fired = srsly.read_json(fired) if fired.exists() else {}
        self._lexicon_cache = None
        if (path / "arguments.msgpack").exists():
            self.model.from_bytes((path / "arguments.msgpack").read_bytes())
        self.offices = srsly.read_json(path / "offices.json") if (path / "offices.json").exists() else []
        return self


def _inflection_keys(word: str, endings: List[str], min_stem: int) -> List[str]:
    """What two forms of one trigger word share: a Russian lemma and part of speech, else a stem before a listed
    ending."""
    if has_cyrillic(word):
        # the part of speech too: "направлена" (was sent) is not "направил" (sent), nor "поручив" "поручило"
        return [f"lemma:{p.normal_form}:{p.tag.POS}" for p in morph_parse(word.replace("ё", "е"))[:1]]
    return ["stem:" + word[:len(word) - len(e)] for e in endings if word.endswith(e) and len(word) - len(e) >= min_stem]


def _find_phrase(text: str, phrase: str) -> int:
    """Where the phrase stands as whole words in the text, or -1 ("today", not "todays")."""
    m = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)
    return m.start() if m else -1


def _long_interval(value: Optional[dict]) -> bool:
    """A span of years such as a lifespan "(1891–1971)" dates no single event."""
    v = (value or {}).get("value") or ""
    if "/" not in v:
        return False
    a, b = v.split("/", 1)
    return a[:4].isdigit() and b[:4].isdigit() and int(b[:4]) - int(a[:4]) > 1


def _same_core(rule_ev: dict, gold: dict) -> bool:
    """Whether the rules read the gold event's type and people (sender and recipients, or participants)."""
    ids = lambda args: {a.get("entity_id") for a in args or []}
    if rule_ev["type"] != gold["type"]:
        return False
    roles = ("participant",) if gold["type"] == "MEETING" else ("sender", "recipient")
    return all(ids(rule_ev.get(r)) == ids(gold["args"].get(r)) for r in roles)


def learn_triggers(examples: Iterable[Example]) -> Dict[str, dict]:
    """Trigger words of the gold events, with type, commonest medium and precision."""
    as_trigger: Dict[str, Counter] = defaultdict(Counter)
    media: Dict[str, Counter] = defaultdict(Counter)
    occurrences: Counter = Counter()
    for eg in examples:
        ref = eg.reference
        for tok in ref:
            occurrences[tok.lower_] += 1
            if tok.i + 1 < len(ref):
                occurrences[f"{tok.lower_} {ref[tok.i + 1].lower_}"] += 1
        for ev in ref.user_data.get("gold_events", []):
            s, e = ev["trigger"]
            span = ref.char_span(s, e, alignment_mode="expand")
            if span is None or len(span) not in (1, 2) or (len(span) == 2 and not span[1].is_alpha):
                continue
            word = " ".join(t.lower_ for t in span)  # "called on": a phrase, found by its first word
            as_trigger[word][ev["type"]] += 1
            if ev.get("medium"):
                media[word][ev["medium"]] += 1
    learned = {}
    for word, types in sorted(as_trigger.items(), key=lambda kv: " " in kv[0]):
        etype, n = types.most_common(1)[0]
        medium = media[word].most_common(1)[0][0] if media[word] else None
        seen = max(occurrences[word], n)
        entry = {"type": etype, "medium": medium, "precision": round(n / seen, 3), "count": n, "seen": seen}
        first, _, nxt = word.partition(" ")
        if nxt:
            # a phrase is kept under its first word, which then counts only before the second ("called on")
            if first in learned and learned[first]["precision"] >= entry["precision"]:
                continue
            entry["next"] = nxt
        learned[first] = entry
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


def _segment_at(doc: Doc, char: int) -> dict:
    """The paragraph or footnote that holds character `char` (`get_segments` always gives one)."""
    segments = get_segments(doc)
    return segments[_segment_index(segments)(char)]


def _core(ev: dict) -> tuple:
    if ev["type"] == "MEETING":
        return ("MEETING", frozenset(a["entity_id"] for a in ev["participant"]))
    return ("COMMUNICATION", frozenset(a["entity_id"] for a in ev["sender"]),
            frozenset(a["entity_id"] for a in ev["recipient"]))


def _date_arg(e: Span) -> dict:
    value = e._.date or {}
    return {"text": e.text, "value": value.get("value"), "precision": value.get("precision"),
            "year_inferred": bool(value.get("year_inferred")), "start": e.start_char, "end": e.end_char}


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
            same_sentence = ev["evidence"] == other["evidence"]  # "in a note to Trotsky, urged": one document
            if linked or same_sentence or (same_date and ev["date"]["value"]):
                twin = other
                break
        if twin is None:
            merged.append(ev)
            continue
        twin["segments"] = sorted(set(twin["segments"]) | {ev["segment"]})
        # the footnote's full date of the same document wins over the body's (ANNOTATION.md, dates)
        footnote_date = linked and segments[ev["segment"]]["kind"] == "footnote" and \
            _date_rank(ev.get("date")) >= max(_date_rank(twin.get("date")), 7)
        if footnote_date or _date_rank(ev.get("date")) > _date_rank(twin.get("date")):
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
        places = [a.get("entity_id") for a in args.get("place", []) if a.get("entity_id")]
        units.append({"segment": seg_of(ev["trigger"][0]), "core": core,
                      "date": dates[0].get("value") if dates else None, "place": places[0] if places else None})
    # a unit without a date (or place) takes that of the same event in a linked footnote/body segment
    fn_seg = {s["number"]: k for k, s in enumerate(segments) if s["kind"] == "footnote"}
    links = defaultdict(set)
    for k, s in enumerate(segments):
        for m in s.get("markers", []):
            if m["number"] in fn_seg:
                links[k].add(fn_seg[m["number"]])
                links[fn_seg[m["number"]]].add(k)
    for u in units:
        for field in ("date", "place"):
            if u[field] is None:
                for v in units:
                    if v is not u and v["core"] == u["core"] and v["segment"] in links[u["segment"]] and v[field]:
                        u[field] = v[field]
                        break
    return units


def pred_event_units(doc: Doc, id_map: Optional[Dict[str, str]] = None) -> List[dict]:
    """Predicted events as units; `id_map` renames new (out-of-KB) ids to the reference's."""
    units = []
    for ev in doc._.events or []:
        core = _core(ev)
        if id_map:
            core = (core[0],) + tuple(frozenset(id_map.get(x, x) for x in ids) for ids in core[1:])
        place = (ev.get("place") or {}).get("entity_id")
        place = id_map.get(place, place) if id_map else place
        for seg in ev.get("segments", [ev.get("segment")]):
            units.append({"segment": seg, "core": core, "date": (ev.get("date") or {}).get("value"), "place": place})
    return units


def _prf(tp: int, n_pred: int, n_gold: int) -> Tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_events(examples: Iterable[Example], known_ids: Optional[set] = None,
                 new_prefix: str = NEW_PREFIX) -> Dict[str, float]:
    """Core P/R/F (type + sender + recipient, or participants) and F with the date, per segment.

    Arguments match by entity id; an entity the KB lacks matches through its mentions
    (see `align_new_ids`), so a well-clustered new name is not counted wrong. With the
    date, the values must be equal: an event the text leaves undated matches only
    when no date is predicted. The place (where a document was sent from, where a
    meeting was held) is scored on the matched events that have one in the gold.
    """
    tp = tp_date = n_pred = n_gold = place_gold = place_ok = 0
    for eg in examples:
        gold: Dict[tuple, dict] = {}
        gold_dates: Dict[tuple, set] = defaultdict(set)
        for u in gold_event_units(eg.reference):
            gold.setdefault((u["segment"], u["core"]), u)
            gold_dates[(u["segment"], u["core"])].add(u["date"])
        pred: Dict[tuple, dict] = {}
        pred_dates: Dict[tuple, set] = defaultdict(set)
        id_map = align_new_ids(eg.predicted, eg.reference, known_ids, new_prefix)
        for u in pred_event_units(eg.predicted, id_map):
            pred.setdefault((u["segment"], u["core"]), u)
            pred_dates[(u["segment"], u["core"])].add(u["date"])
        n_gold += len(gold)
        n_pred += len(pred)
        for key, u in pred.items():
            if key in gold:
                tp += 1
                # two meetings of the same people told in one segment are one unit: its date matches when one
                # of the dates read is one of the dates annotated (an undated event matches when none is read)
                tp_date += int(bool(pred_dates[key] & gold_dates[key]))
                if gold[key]["place"]:
                    place_gold += 1
                    place_ok += int(u["place"] == gold[key]["place"])
    p, r, f = _prf(tp, n_pred, n_gold)
    pd, rd, fd = _prf(tp_date, n_pred, n_gold)
    return {"event_core_p": p, "event_core_r": r, "event_core_f": f,
            "event_date_p": pd, "event_date_r": rd, "event_date_f": fd, "event_gold": n_gold, "event_pred": n_pred,
            "event_place_acc": place_ok / place_gold if place_gold else 0.0}
