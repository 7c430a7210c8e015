"""Who an event argument is when the text does not name it: pronouns and role descriptions.

Event sentences often give a sender or a participant as "he", "his" or "the
Soviet envoy" rather than by name. Without a parser we use two cheap, general
signals:

- the *topic* of a sentence is its first person mention that no preposition
  governs and that stands outside parentheses and relative clauses ("In Moscow
  he was received by Voroshilov": the topic is "he", so it stays the person the
  text was already about); a subject or possessive pronoun is the topic of its
  own clause if one precedes it, else the topic of the sentences before; an
  object pronoun ("provided him") is the topic that is not the clause's subject;
- a role description ("the ambassador", "der Botschafter") is the person most
  recently introduced with that role ("Ivan Maisky, the Soviet ambassador",
  "Ambassador Arthur Bliss Lane", "the foreign minister Juozas Urbšys").

Pronoun, role and preposition words come from `configs/events/triggers.json`.
Every resolved argument keeps what was written (`via`), so a user sees why.
"""
import bisect
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from spacy.tokens import Doc, Span

from .normalization import is_honorific
from .tokenizer import get_segments

AGENT_LABELS = ("PERSON", "ORG")


def entity_id(ent) -> str:
    return ent._.entity_id or ent.kb_id_ or ent.text.lower()


@dataclass
class Mention:
    """An agent mentioned at tokens [start, end): a named entity, or a pronoun/description resolved to one."""

    start: int
    end: int
    label_: str
    entity_id: str
    canonical: str
    text: str
    start_char: int
    end_char: int
    via: Optional[dict] = None  # the pronoun or description as written, when resolved

    @property
    def resolved(self) -> bool:
        return self.via is not None

    def arg(self) -> dict:
        out = {"entity_id": self.entity_id, "canonical": self.canonical, "text": self.text,
               "start": self.start_char, "end": self.end_char}
        if self.via:
            out["via"] = dict(self.via)
        return out


def named(ent: Span) -> Mention:
    return Mention(ent.start, ent.end, ent.label_, entity_id(ent), ent._.canonical or ent.text, ent.text,
                   ent.start_char, ent.end_char)


def resolved(tok_start: int, tok_end: int, doc: Doc, ref: Mention, kind: str) -> Mention:
    span = doc[tok_start:tok_end]
    return Mention(tok_start, tok_end, ref.label_, ref.entity_id, ref.canonical, ref.text, ref.start_char,
                   ref.end_char, via={"text": span.text, "start": span.start_char, "end": span.end_char, "kind": kind})


HEADING_TOKENS = 15  # a date this near a paragraph's start heads it, as a calendar entry's does
YEARS_RE = re.compile(r"(\d{4})(?:\s*[-–]\s*(\d{4}))?")


def _qualifiers(tokens) -> frozenset:
    """Capitalised words that are no entity before a role word: "the Soviet ambassador" -> {"soviet"}."""
    return frozenset(t.lower_ for t in tokens if t.is_title and not t.ent_type_ and t.is_alpha)


def _stem(word: str) -> str:
    return word.lower()[:6]


def offices_from_kb(entities) -> List[dict]:
    """Offices held, read from knowledge-base descriptions: "German chancellor 1923, foreign minister 1923-1929".

    A description without years says nothing about when, so it is left out.
    """
    out = []
    for ent in entities:
        desc = getattr(ent, "description", "") or ""
        if ent.type not in AGENT_LABELS or not YEARS_RE.search(desc):
            continue
        terms = []
        parts = re.split(r"[,;]", desc)
        for part in parts:
            spans = list(YEARS_RE.finditer(part))
            if spans:
                # "deputy commissar 1918-1920 and 1927-1934": one office, held twice
                full = sorted({w.lower() for w in re.findall(r"[^\W\d_]+", part[:spans[0].start()])})
                terms.extend({"words": sorted({_stem(w) for w in full}), "full": full,
                              "from": int(m.group(1)), "to": int(m.group(2) or m.group(1))} for m in spans)
        # the first word says whose the offices are: "German chancellor 1923, foreign minister 1923-1929"
        first = re.match(r"\s*([^\W\d_]+)", desc)
        lead = [_stem(first.group(1))] if first and first.group(1)[:1].isupper() else []
        out.append({"id": ent.id, "canonical": ent.canonical, "label": ent.type,
                    "words": sorted({_stem(w) for w in re.findall(r"[^\W\d_]+", desc)}), "lead": lead,
                    "terms": terms})
    return out


class MentionResolver:
    """Per-document resolution of pronouns and role descriptions to person mentions."""

    def __init__(self, doc: Doc, rules: dict, sents: Sequence[Span], offices: Sequence[dict] = ()):
        self.doc = doc
        self.offices = list(offices)
        self._years: Optional[List[Tuple[int, int]]] = None
        self._segment_starts: Optional[List[int]] = None
        kinds = rules.get("pronoun_kinds") or {"subject": ["he", "she"], "object": ["him"], "possessive": ["his", "her"]}
        self.pron_kind = {w: k for k, words in kinds.items() for w in words}
        for w in rules.get("pronouns", []):
            self.pron_kind.setdefault(w, "subject")
        self.roles = set(rules.get("role_words", []))
        # an inflected role is its base's: "наркому", "наркома" -> "нарком"; "Botschafters" -> "botschafter"
        self._role_base = {w: min((b for b in self.roles if b != w and w.startswith(b) and w[len(b):].isalpha()
                                   and len(w) - len(b) <= 4), key=len, default=w) for w in self.roles}
        self.determiners = set(rules.get("determiners", ["the"]))
        self.preps = set(rules.get("prepositions", []))
        self.addressee_cues = set(rules.get("recipient_cues", []))
        self.conjunctions = set(rules.get("list_conjunctions", []))
        # "to", "an": a name after one receives; not "в", "à", which also say where ("полпред в Риге Аралов")
        self.addressees_only = self.addressee_cues - set(rules.get("place_cues", []))
        self.author_cues = set(rules.get("author_cues", ["from", "by"]))
        # the words that name a document or record in a formula ("Telegram no. 48 from X", "Record by X")
        self.document_nouns = {w for w, v in (rules.get("triggers") or {}).items() if v and v[0] == "COMMUNICATION"}
        self.document_nouns |= set(rules.get("record_nouns", []))
        self.envoy_roles = set(rules.get("envoy_roles", []))
        self.articleless = set(rules.get("articleless_roles", []))
        self.subordinators = set(rules.get("subordinators", []))
        self.clause_auxiliaries = set(rules.get("clause_auxiliaries", []))
        self.role_cues = set(rules.get("role_cues", []))
        self.role_qualifiers = set(rules.get("role_qualifiers", []))
        self.role_verbs = set(rules.get("role_verbs", []))
        self.org_nouns = set(rules.get("organisation_nouns", []))
        # Polish and Russian name it without an article: "Raport konsula do poselstwa", "письмо к полпредству"
        self.articleless_orgs = set(rules.get("articleless_organisations", []))
        self.org_nouns |= self.articleless_orgs
        self.appointing_verbs = set(rules.get("appointing_verbs", []))
        self.titles = set(rules.get("title_words", []))
        self.passive_cues = set(rules.get("passive_cues", []))
        self.passive_auxiliaries = set(rules.get("passive_auxiliaries", []))
        groups = rules.get("groups") or {}
        self.group_numbers = {w: int(n) for w, n in (groups.get("numbers") or {}).items()}
        self.group_alone = set(groups.get("alone", []))
        self.group_nouns = set(groups.get("nouns", []))
        self.verbs = set(rules.get("verb_triggers", []))
        self.sents = list(sents)
        self.sent_starts = [s.start for s in self.sents]
        self.ents = [e for e in doc.ents if e.label_ in AGENT_LABELS]
        self.ent_starts = [e.start for e in self.ents]
        self.persons = [e for e in self.ents if e.label_ == "PERSON"]
        self.person_ends = [e.end for e in self.persons]
        self._topics: Dict[int, Optional[Mention]] = {}
        self._role_holders: Optional[Dict[str, List[Tuple[int, Span, frozenset]]]] = None
        self._blocked: Dict[int, set] = {}
        self._dominant: Optional[Tuple[Optional[Mention]]] = None  # (the envoy the text is about,), once computed

    # ------------------------------------------------------------ structure
    def role_base(self, word: str) -> str:
        return self._role_base.get(word, word)

    def sent_index(self, i: int) -> int:
        return bisect.bisect_right(self.sent_starts, i) - 1

    def sent_ents(self, sent: Span) -> List[Span]:
        lo = bisect.bisect_left(self.ent_starts, sent.start)
        hi = bisect.bisect_left(self.ent_starts, sent.end)
        return [e for e in self.ents[lo:hi] if e.end <= sent.end]

    def blocked(self, sent: Span) -> set:
        if sent.start not in self._blocked:
            self._blocked[sent.start] = blocked_tokens(sent)
        return self._blocked[sent.start]

    def governed(self, start: int) -> bool:
        """Whether a preposition (or a possessive before "of") governs the mention starting at `start`; not
        when the word also opens a clause and a verb follows the name ("after Seeckt had urged him")."""
        if not (start > 0 and self.doc[start - 1].lower_ in self.preps):
            return False
        if self.doc[start - 1].lower_ not in self.subordinators:
            return True
        j = bisect.bisect_left(self.ent_starts, start)
        end = self.ents[j].end if j < len(self.ents) and self.ents[j].start == start else start + 1
        nxt = self.doc[end].lower_ if end < len(self.doc) else ""
        return not (nxt in self.clause_auxiliaries or nxt in self.verbs)

    # ------------------------------------------------------------ topics
    def subject(self, sent: Span, before: Optional[int] = None) -> Optional[Mention]:
        """The first ungoverned person mention (or subject pronoun) of the sentence, before token `before`."""
        blocked = self.blocked(sent)
        end = sent.end if before is None else before
        persons = [e for e in self.sent_ents(sent) if e.label_ == "PERSON" and e.end <= end]
        pron = [t for t in self.doc[sent.start:end]
                if self.pron_kind.get(t.lower_) in ("subject", "possessive", "latter") and not t.ent_type_]
        # "The envoy had cabled Krestinsky ..., and on 1 March he talked with ...": a description opening the
        # sentence is its subject before any name after it
        roles = [t for t in self.doc[sent.start:end] if t.lower_ in self.roles and not t.ent_type_]
        cands: List[Tuple[int, object]] = [(e.start, e) for e in persons] + [(t.i, t) for t in pron] + \
            [(t.i, ("role", t)) for t in roles]
        for start, c in sorted(cands, key=lambda x: x[0]):
            if start in blocked or self.governed(start) or self._listed_after_governed(start):
                continue
            if isinstance(c, tuple):
                d = self.description(c[1], sent)
                if d is not None and not self.governed(d.start):
                    return d
                continue
            if isinstance(c, Span):
                return named(c)
            if self.pron_kind.get(c.lower_) == "latter":
                latter = self._latter(c)
                if latter is None:
                    continue
                return resolved(c.i, c.i + 1, self.doc, latter, "pronoun")
            ref = self.topic_before(self.sent_index(c.i))
            return resolved(c.i, c.i + 1, self.doc, ref, "pronoun") if ref else None
        return None

    def _listed_before(self, start: int) -> Optional[Span]:
        """The person named just before the list word ("and", ",") in front of token `start`, or None."""
        k = start - 1
        if k < 0 or self.doc[k].lower_ not in self.conjunctions:
            return None
        j = bisect.bisect_left(self.person_ends, k)
        return self.persons[j] if j < len(self.persons) and self.person_ends[j] == k else None

    def _listed_after_governed(self, start: int) -> bool:
        """ "with copies to Zinoviev and Rykov": a name listed after one a preposition governs is governed too."""
        before = self._listed_before(start)
        return before is not None and (self.governed(before.start) or self._listed_after_governed(before.start))

    def shared_subject_end(self, sent: Span, i: int) -> Optional[int]:
        """ "X received Y and is said to have assured him": where the verb phrase that shares the sentence's
        subject begins (its "and"), or None when the verb at i has a subject of its own."""
        doc = self.doc
        for k in range(i - 1, max(sent.start, i - 8) - 1, -1):
            t = doc[k]
            if t.ent_type_ or t.lower_ in self.pron_kind:
                return None
            if t.lower_ in CONJUNCTIONS and k + 1 <= i:
                nxt = doc[k + 1]
                if nxt.ent_type_ or nxt.lower_ in self.pron_kind or nxt.lower_ in self.determiners or nxt.is_title:
                    return None
                return k
        return None

    def fronted_subject(self, tok, sent: Span) -> Optional[Mention]:
        """The person right after a sentence-opening phrase that holds `tok` ("In his letter to X, Y wrote")."""
        doc = self.doc
        if sent[0].lower_ not in self.preps or tok.i <= sent.start:
            return None
        comma = next((t.i for t in doc[sent.start:sent.end] if t.text == ","), None)
        if comma is None or comma < tok.i:
            return None
        for e in self.sent_ents(sent):
            if e.start > comma:
                if e.label_ == "PERSON" and e.start <= comma + 2 and not self.governed(e.start):
                    return named(e)
                break
        return None

    def topic_before(self, k: int, depth: int = 0) -> Optional[Mention]:
        """The person the text is about before sentence k (the topic of the nearest sentence that has one)."""
        if k in self._topics:
            return self._topics[k]
        found = None
        for j in range(k - 1, max(-1, k - 7), -1):
            if depth > 6:
                break
            subj = self._own_topic(j, depth + 1)
            if subj is not None:
                found = subj
                break
        if found is None and k < len(self.sents):
            n = bisect.bisect_right(self.person_ends, self.sents[k].start)
            found = named(self.persons[n - 1]) if n else None
        self._topics[k] = found
        return found

    def _own_topic(self, j: int, depth: int) -> Optional[Mention]:
        sent = self.sents[j]
        blocked = self.blocked(sent)
        first = next((t for t in sent if t.is_alpha), None)
        if first is not None and first.lower_ in self.subordinators:
            # "When Sun Yat-sen died in Peking ..., Karakhan telegraphed": the clause before the comma is background
            comma = next((t.i for t in sent if t.text == "," and t.i > first.i), None)
            if comma is not None:
                blocked = blocked | set(range(sent.start, comma))
        # "In London the Prime Minister still hesitated. Baldwin wrote to him": a description before any name
        desc = next((d for d in (self.description(t, sent) for t in sent if t.lower_ in self.roles and not t.ent_type_
                                 and t.i not in blocked) if d is not None and d.label_ == "PERSON"
                     and not self.governed(d.start)), None)
        for e in self.sent_ents(sent):
            if desc is not None and desc.start < e.start:
                return desc
            if e.label_ == "PERSON" and e.start not in blocked and not self.governed(e.start):
                first_pron = next((t.i for t in sent if self.pron_kind.get(t.lower_) in ("subject", "possessive")
                                   and t.i not in blocked and not self.governed(t.i)), None)
                if first_pron is not None and first_pron < e.start:
                    return self.topic_before(j, depth)
                return named(e)
        if any(self.pron_kind.get(t.lower_) == "subject" and t.i not in blocked and (desc is None or t.i < desc.start)
               for t in sent):
            return self.topic_before(j, depth)
        if desc is not None:
            return desc
        # "To August Zaleski, the foreign minister, this was unacceptable": a fronted person is the topic
        first = next((e for e in self.sent_ents(sent) if e.label_ == "PERSON" and e.start not in blocked), None)
        if first is not None and first.start == sent.start + 1 and sent[0].lower_ in self.preps:
            return named(first)
        # "The deadlock was broken by Stalin himself. On 12 April he received ...": with no other person,
        # the agent of a passive is what the sentence is about
        agents = [e for e in self.sent_ents(sent) if e.label_ == "PERSON" and e.start not in blocked
                  and self._passive_agent(e, sent)]
        return named(agents[0]) if len(agents) == 1 else None

    # ------------------------------------------------------------ resolution
    def pronoun(self, tok, sent: Span) -> Optional[Mention]:
        """he/she: the sentence's topic, else the text's; his/her: the nearest person named before it that
        is not an addressee; him: the person before it who is not the subject of its clause."""
        kind = self.pron_kind.get(tok.lower_)
        if kind is None:
            return None
        k = self.sent_index(tok.i)
        blocked = self.blocked(sent)
        earlier = [e for e in self.sent_ents(sent) if e.end <= tok.i]
        if kind == "latter":
            ref = self._latter(tok)
            return resolved(tok.i, tok.i + 1, self.doc, ref, "pronoun") if ref is not None else None
        ref: Optional[Mention] = self._reporting_author(tok, sent, kind)
        if ref is None and kind == "subject":
            ref = self.subject(sent, before=tok.i)
        elif ref is None and kind == "possessive":
            # "In his conversation with Kopp, Simmons set ...": Simmons; "Schulenburg called on Krestinsky;
            # his telegram ...": opening a clause, the subject of the clause before
            ref = self.fronted_subject(tok, sent) or \
                (self.subject(sent, before=tok.i) if tok.i > sent.start and self.doc[tok.i - 1].text == ";" else None) or \
                self._possessor(tok, sent, earlier)
        elif ref is None:
            ref = self._object_referent(tok, sent, earlier, blocked, k)
        if ref is None and kind != "object":
            ref = self.topic_before(k)
        if ref is None or ref.start == tok.i:
            return None
        return resolved(tok.i, tok.i + 1, self.doc, ref, "pronoun")

    def _latter(self, tok) -> Optional[Mention]:
        """ "Полпред переслал письмо Стомонякову, и тот ответил ему", "the latter replied": the person named
        last before it, when the word stands alone as a clause's subject (not "тот же день", "в тот день")."""
        doc = self.doc
        if tok.i == 0 or tok.i + 1 >= len(doc) or not doc[tok.i + 1].is_lower or len(doc[tok.i + 1]) < 3 or \
                doc[tok.i + 1].lower_ in self.determiners or doc[tok.i + 1].lower_ in self.preps:
            return None
        before = doc[tok.i - 1]
        if not (before.text in (",", ";") or before.lower_ in self.conjunctions or before.lower_ in self.determiners):
            return None
        n = bisect.bisect_right(self.person_ends, tok.i)
        if not n or tok.i - self.persons[n - 1].end > 25:
            return None
        return named(self.persons[n - 1])

    def _reporting_author(self, tok, sent: Span, kind: str) -> Optional[Mention]:
        """After the colon of a calendar entry's formula, "he" and "him" are the one who reports ("Telegram from
        Max Muller to Curzon, 5 Oct. 1921: he had been informed by ..."; "...: Chicherin had received him")."""
        colon = next((t.i for t in reversed(sent[:tok.i - sent.start]) if t.text == ":"), None)
        if kind == "possessive":
            return None
        if colon is None:
            # "Despatch from Erskine to Henderson, Warsaw, 16 Sept. 1930, reporting that he had conferred ...":
            # the formula's own sentence, with no subject of its own before the pronoun
            if kind != "subject" or self.subject(sent, before=tok.i) is not None:
                return None
            author = self.formula_author(tok)
            return author if author is not None and author.start >= sent.start else None
        if any(e.label_ == "PERSON" for e in self.sent_ents(sent) if colon < e.start < tok.i) and kind == "subject":
            return None
        author = self.formula_author(tok)
        if author is None or author.start > colon:
            return None
        subject = self.subject(sent, before=tok.i) if kind == "object" else None
        return None if subject is not None and subject.entity_id == author.entity_id else author

    def _possessor(self, tok, sent: Span, earlier: List[Span]) -> Optional[Mention]:
        """his/her: the nearest person named before it in the sentence that is not an addressee."""
        addressee = self.addressee_cues
        cands = [named(e) for e in earlier if e.label_ == "PERSON"]
        cands += [d for d in (self.description(t, sent) for t in self.doc[sent.start:tok.i]
                              if t.lower_ in self.roles) if d is not None]
        cands.sort(key=lambda m: m.start)
        return next((m for m in reversed(cands) if not self._addressed(m.start)), None)

    def _addressed(self, start: int) -> bool:
        """The mention at `start` follows an addressee cue, titles between: "to Lord D'Abernon", "an Herrn", or is
        listed after one that does: "to Trotsky and Chicherin"."""
        k = start - 1
        while k >= 0 and start - k <= 3 and (self.doc[k].lower_ in self.titles or is_honorific(self.doc[k].text)):
            k -= 1
        if k < 0:
            return False
        if self.doc[k].lower_ in self.addressee_cues:
            return True
        before = self._listed_before(k + 1)  # "to Trotsky and Chicherin": the conjunction is at k
        return before is not None and self._addressed(before.start)

    def _object_referent(self, tok, sent: Span, earlier: List[Span], blocked: set, k: int) -> Optional[Mention]:
        """him: the person before it who is not the subject of its clause, else the topic if it is not."""
        shared = self.shared_subject_end(sent, tok.i)
        subj = self.subject(sent, before=shared) if shared is not None else None
        local = next((e for e in reversed(earlier) if e.start not in blocked and not self.governed(e.start)
                      and (subj is None or e.start == subj.start)), None)
        others = [e for e in earlier if e.label_ == "PERSON" and (local is None or entity_id(e) != entity_id(local))]
        while len(others) > 1 and self._passive_agent(others[-1], sent):
            others.pop()  # "X was received by Y; two days later Z received him": X, not Y
        if others:
            return named(others[-1])
        topic = self.topic_before(k)
        if topic is not None and (local is None or topic.entity_id != entity_id(local)):
            return topic
        return None

    def _passive_agent(self, e: Span, sent: Span) -> bool:
        """The person is the agent of a passive ("was received by Lenin", "wurde ... von Tschitscherin empfangen",
        "został przyjęty przez Becka"): a passive cue before it, with a participle or a passive auxiliary before."""
        k = e.start - 1
        while k > sent.start and self.doc[k].lower_ in self.titles:
            k -= 1
        if k <= sent.start or self.doc[k].lower_ not in self.passive_cues:
            return False
        verb = self.doc[k - 1]
        if verb.is_lower and verb.is_alpha and verb.lower_.endswith(("ed", "en", "ny", "ty")):
            return True  # "received by", "przyjęty przez"
        clause = max([t.i for t in self.doc[sent.start:k] if t.text in (";", ",")], default=sent.start)
        return any(t.lower_ in self.passive_auxiliaries for t in self.doc[clause:k])

    def role_holders(self) -> Dict[str, List[Tuple[int, Span, frozenset]]]:
        """Role word -> (token, person, qualifiers) for every person introduced with it ("X, the Soviet envoy";
        "the envoy X"); the qualifiers are the capitalised words before the role word ("Soviet")."""
        if self._role_holders is None:
            holders: Dict[str, List[Tuple[int, Span]]] = {}
            doc = self.doc
            for e in self.persons:
                window = list(doc[max(0, e.start - 5):e.start]) + list(doc[e.end:min(len(doc), e.end + 7)])
                if e.end < len(doc) and doc[e.end].text not in (",", "(") and not any(
                        t.lower_ in self.roles for t in doc[max(0, e.start - 5):e.start]):
                    continue
                for t in window:
                    if t.lower_ in self.roles and not t.ent_type_ and not (t.i < e.start and any(
                            (w.is_lower and w.lower_ not in self.preps and w.lower_ not in self.determiners
                             and w.lower_ not in self.titles and w.lower_ not in self.roles)
                            or w.lower_ in self.addressees_only
                            for w in doc[t.i + 1:e.start])):
                        # "the envoy in Rome, X", "the Soviet envoy X", "the plenipotentiary representative in
                        # Kaunas, X"; not "the envoy cabled X"
                        lead = doc[max(0, t.i - 2):t.i]
                        lead = lead[next((k + 1 for k in range(len(lead) - 1, -1, -1)
                                          if lead[k].lower_ in self.determiners), 0):]
                        holders.setdefault(self.role_base(t.lower_), []).append((e.start, e, _qualifiers(lead)))
                    if t.i >= e.end and (t.text in (";", ".") or (t.ent_type_ and t.i > e.end + 1)):
                        break
            for t in doc:
                if t.lower_ in self.role_cues:
                    self._add_role_after_as(t, holders)
            for entries in holders.values():
                entries.sort(key=lambda x: x[0])
            self._role_holders = holders
        return self._role_holders

    def _add_role_after_as(self, cue, holders: dict) -> None:
        """ "Krestinsky, who had succeeded Kopp as plenipotentiary", "he went to Paris as ambassador": the role
        after "as" is the clause's subject's; after an appointing verb, its object's ("Lenin sent Kopp as envoy");
        after a role verb, the name's right before it ("Chicherin became acting commissar")."""
        doc = self.doc
        k = cue.i + 1
        while k < len(doc) and k - cue.i <= 3 and doc[k].lower_ not in self.roles and \
                (doc[k].lower_ in self.determiners or doc[k].is_title or doc[k].lower_ in self.role_qualifiers) \
                and not doc[k].ent_type_:
            k += 1  # "as the Soviet envoy", "became acting commissar"
        if k >= len(doc) or doc[k].lower_ not in self.roles or doc[k].ent_type_:
            return
        lo = max((t.i + 1 for t in doc[max(0, cue.i - 25):cue.i] if t.text in (";", ".", ":")), default=max(0, cue.i - 25))
        persons = [e for e in self.persons if lo <= e.start and e.end <= cue.i]
        if not persons:
            return
        last = persons[-1]
        if last.start > 0 and doc[last.start - 1].lower_ in self.appointing_verbs:
            holder = last
        elif cue.lower_ in self.role_verbs:
            if last.end != cue.i:
                return
            holder = last  # "Chicherin became acting commissar": the one right before the verb
        else:
            holder = next((e for e in persons if not self.governed(e.start)), None)
            rel = next((t for t in doc[lo:cue.i] if t.lower_ in RELATIVE_WORDS), None)
            if rel is not None and holder is not None and holder.start > rel.i:
                # "Krestinsky, who had succeeded Kopp as ...": the relative clause's subject is the name before it
                holder = next((e for e in reversed(persons) if e.end <= rel.i), holder)
        if holder is None:
            return
        lead = doc[cue.i + 1:k]
        holders.setdefault(self.role_base(doc[k].lower_), []).append((holder.start, holder, _qualifiers(lead)))

    def description(self, tok, sent: Span) -> Optional[Mention]:
        """ "the (Soviet) envoy" -> the person last introduced as envoy; None for an apposition or unknown role."""
        if tok.lower_ not in self.roles or tok.ent_type_:
            return None
        doc = self.doc
        lead = doc[max(sent.start, tok.i - 4):tok.i]
        # Polish and Russian have no articles: "Poseł donosi ...", "Полпред сообщил ..." open the sentence
        opening = (tok.is_title and all(not t.is_alpha for t in doc[sent.start:tok.i])) or tok.lower_ in self.articleless
        if not opening and not any(t.lower_ in self.determiners for t in lead):
            return None
        # an apposition names the person itself: "the Soviet ambassador (in London), Ivan Maisky";
        # a verb or other lower-case word between them ends the description ("the ambassador reported to Molotov")
        for t in doc[tok.i + 1:min(sent.end, tok.i + 10)]:
            if t.ent_type_ == "PERSON":
                return None
            if t.lower_ in self.addressees_only:
                break  # "telegraphierte der Botschafter an Stresemann": the one it goes to, no apposition
            if t.ent_type_ or t.text in (",", "(", ")") or t.lower_ in self.preps or t.lower_ in self.determiners \
                    or t.is_title:
                continue
            break
        near = doc[max(sent.start, tok.i - 5):tok.i]
        stop = max((t.i + 1 for t in near if t.text in (":", ";")), default=near.start)
        if any(t.ent_type_ == "PERSON" for t in doc[stop:tok.i]):
            return None  # "Maltzan, the head of ...": the name is already there (not across "...: the envoy")
        # "the German ambassador" is not the one introduced as "the Soviet ambassador"
        start = next((t.i for t in lead if t.lower_ in self.determiners), tok.i)
        quals = _qualifiers(doc[start + 1:tok.i])
        holders = [(i, e) for i, e, q in self.role_holders().get(self.role_base(tok.lower_), [])
                   if e.end <= tok.i and not (quals and q and not quals & q)]
        author = self.formula_author(tok) if holders and not quals and tok.lower_ in self.envoy_roles else None
        if author is not None and author.start > holders[-1][0]:
            # "Nr 8. Raport Patka do Zaleskiego ... Poseł charakteryzuje": the entry's author, named after
            # the last one introduced as envoy ("posła w Berlinie Romana Knolla" in an earlier entry)
            return resolved(start, tok.i + 1, doc, author, "office")
        if not holders:
            office = self.office_holder(tok, start)
            if office is None and not quals and tok.lower_ in self.envoy_roles:
                office = self.formula_author(tok)  # "Telegram from Erskine to Henderson: the ambassador had talked"
            if office is None and not quals and tok.lower_ in self.envoy_roles:
                office = self.dominant_person()  # a life of an envoy: "the plenipotentiary" is its subject
            return resolved(start, tok.i + 1, doc, office, "office") if office is not None else None
        return resolved(start, tok.i + 1, doc, named(holders[-1][1]), "description")

    def organisation(self, tok, sent: Span) -> Optional[Mention]:
        """ "Karakhan to the mission", "eine Note der Botschaft": the organisation named before with that noun
        ("the Soviet mission in Helsinki", "die Deutsche Botschaft in Moskau")."""
        if tok.ent_type_ or tok.i <= sent.start:
            return None
        word = tok.lower_
        if word in self.articleless_orgs:
            # an inflected noun after a word that addresses it ("do poselstwa", "dla poselstwa"; not "kierownika
            # konsulatu", "z poselstwem"): the organisation named before in any case ("Poselstwu RP w Moskwie"),
            # the one in the place it is given ("do konsulatu w Charkowie")
            if self.doc[tok.i - 1].lower_ not in self.addressees_only:
                return None
            stem = _stem(word)[:5]
            orgs = [e for e in self.ents if e.label_ == "ORG" and e.end <= tok.i and
                    any(_stem(w)[:5] == stem for w in re.findall(r"[^\W\d_]+", e.text.lower()))]
            k = tok.i + 1
            if orgs and k + 1 < len(self.doc) and self.doc[k].lower_ in self.preps and self.doc[k + 1].ent_type_ == "LOC":
                place = _stem(self.doc[k + 1].text)[:5]
                orgs = [e for e in orgs if any(_stem(w)[:5] == place for w in re.findall(r"[^\W\d_]+", e.text.lower()))]
            start = tok.i
        else:
            if self.doc[tok.i - 1].lower_ not in self.determiners:
                return None
            orgs = [e for e in self.ents if e.label_ == "ORG" and e.end <= tok.i and
                    word in set(re.findall(r"[^\W\d_]+", f"{e.text} {e._.canonical or ''}".lower()))]
            start = tok.i - 1
        if not orgs:
            return None
        return resolved(start, tok.i + 1, self.doc, named(orgs[-1]), "description")

    def dominant_person(self) -> Optional[Mention]:
        """The envoy a text is about, when there is one: named at least eight times, in a fifth of its person
        mentions and twice as often as anyone else, and in a sentence with an envoy's title ("stayed there as
        polpred, the plenipotentiary"): an envoy's life or mission. None otherwise."""
        if self._dominant is None:
            counts: Dict[str, List[Span]] = {}
            for e in self.persons:
                counts.setdefault(entity_id(e), []).append(e)
            ranked = sorted(counts.values(), key=lambda es: -len(es))
            found = None
            if ranked and len(ranked[0]) >= 8 and 5 * len(ranked[0]) >= len(self.persons) and (
                    len(ranked) == 1 or len(ranked[0]) >= 2 * len(ranked[1])):
                sents = {self.sent_index(e.start) for e in ranked[0]}
                if any(t.lower_ in self.envoy_roles and not t.ent_type_ for k in sents for t in self.sents[k]):
                    found = named(ranked[0][0])
            self._dominant = (found,)
        return self._dominant[0]

    def formula_author(self, tok) -> Optional[Mention]:
        """The author a calendar entry or footnote names in its formula before `tok`, in the same paragraph
        ("Telegram no. 71 from Erskine to Henderson, ...: the ambassador ..."; "Maiskii (Helsinki) to Litvinov.
        The envoy saw ..."): the one an unqualified "the envoy" then means."""
        doc = self.doc
        k = self.sent_index(tok.i)
        for j in range(k, max(-1, k - 3), -1):
            sent = self.sents[j]
            if j < k and "\n\n" in doc[sent.end - 1].text_with_ws:
                break  # another paragraph
            for e in self.sent_ents(sent):
                if e.label_ != "PERSON" or e.end > tok.i:
                    continue
                if e.start > 0 and doc[e.start - 1].lower_ in self.author_cues and any(
                        w.lower_ in self.document_nouns for w in doc[max(sent.start, e.start - 5):e.start - 1]):
                    return named(e)  # "Telegram no. 48 from X", not "the pact was signed by X"
                n = e.end
                if n < len(doc) and doc[n].text == "(":  # "Maiskii (Helsinki) to Litvinov"
                    n = next((t.i + 1 for t in doc[n:min(len(doc), n + 6)] if t.text == ")"), n)
                if n + 1 < len(doc) and doc[n].lower_ in self.addressee_cues and doc[n + 1].ent_type_ in AGENT_LABELS:
                    return named(e)
        return None

    def narrative_year(self, i: int) -> Optional[int]:
        """The year of the last date written before token i in its sentence; else that of the date heading its
        paragraph ("1. Olszowski to Skrzyński, Berlin, 16 June 1925." for "the state secretary" in the entry,
        not "the convention signed at Geneva in 1922" told in passing); else of the last date before it."""
        if self._years is None:
            self._years = []
            for e in self.doc.ents:
                v = (e._.date or {}).get("value") if e.label_ == "DATE" else None
                if v and v[:4].isdigit():
                    self._years.append((e.start, int(v[:4])))
        k = bisect.bisect_left(self._years, (i, -1))
        if not k:
            return None
        start, year = self._years[k - 1]
        if start >= self.sents[self.sent_index(i)].start:
            return year
        para = self._segment_start(i)
        heading = next(((s, y) for s, y in self._years if para <= s < min(i, para + HEADING_TOKENS)), None)
        return heading[1] if heading is not None else year

    def _segment_start(self, i: int) -> int:
        """The first token of the paragraph or footnote (`get_segments`) holding token i."""
        if self._segment_starts is None:
            offsets = [t.idx for t in self.doc]
            self._segment_starts = sorted(bisect.bisect_left(offsets, s["start"]) for s in get_segments(self.doc))
        k = bisect.bisect_right(self._segment_starts, i) - 1
        return self._segment_starts[k] if k >= 0 else 0

    def office_holder(self, tok, start: int) -> Optional[Mention]:
        """ "the German Foreign Minister" in 1926 -> the one person the knowledge base says held it then."""
        if not self.offices:
            return None
        doc = self.doc
        words = [t for t in doc[start:tok.i + 1] if t.is_alpha and t.lower_ not in self.determiners]
        k = tok.i + 1
        if k + 1 < len(doc) and doc[k].text in "-‑" and doc[k + 1].is_alpha:  # "the Secretary-General"
            words.append(doc[k + 1])
        if k + 1 < len(doc) and doc[k].lower_ == "of":  # "the commissar of foreign affairs"
            k += 1
            while k < len(doc) and k <= tok.i + 4 and doc[k].is_alpha and not doc[k].ent_type_ and \
                    doc[k].lower_ not in self.determiners:
                words.append(doc[k])
                k += 1
        place = set()
        k = tok.i + 1
        if k + 1 < len(doc) and doc[k].lower_ in ("in", "at") and doc[k + 1].ent_type_ == "LOC":
            # "the Soviet envoy in Berlin": the office held there
            place = {_stem(t.text) for t in doc[k + 1:k + 4] if t.ent_type_ == "LOC" and t.is_alpha}
        year = self.narrative_year(tok.i)
        if year is None:
            return None
        others = {_stem(t.text) for t in words if t.i != tok.i}
        if not others:
            return None  # "the ambassador" alone: the knowledge base knows only some of them
        # an envoy is one whatever the title: "the Soviet envoy" was its plenipotentiary
        roles = {_stem(w) for w in self.envoy_roles} if tok.lower_ in self.envoy_roles else {_stem(tok.text)}
        noun = tok.lower_.endswith("ion")

        def holds(o: dict, term: dict) -> bool:
            """The office named with these words, in that year: "the Soviet envoy in Berlin" in 1925 is a Soviet
            plenipotentiary in Berlin then (not "the Soviet delegate" the head of a delegation)."""
            words = set(term["words"])
            if "full" in term:
                role = any(w[:6] in roles and w.endswith("ion") == noun for w in term["full"])
                qualified = others <= words | set(o.get("lead", ()))
            else:
                role, qualified = bool(roles & words), others <= set(o["words"])
            return role and qualified and place <= words and term["from"] <= year <= term["to"]

        hits = [o for o in self.offices if any(holds(o, term) for term in o["terms"])]
        if len(hits) > 1:
            # "the state secretary" in 1934 was Bülow in Berlin and Hull in Washington: the one the text names
            named_ids = {entity_id(e) for e in self.persons}
            hits = [o for o in hits if o["id"] in named_ids]
        if len(hits) != 1:
            return None
        o = hits[0]
        return Mention(tok.i, tok.i + 1, o["label"], o["id"], o["canonical"], o["canonical"], tok.idx,
                       tok.idx + len(tok))

    def group(self, tok, sent: Span) -> List[Mention]:
        """ "both", "the two men", "the three envoys": the people the text has just named, one mention each.

        Two are the topic and the last other person named ("Brockdorff-Rantzau ... his partner was
        Chicherin. The two men met"); three or more are the last ones named.
        """
        n = self.group_numbers.get(tok.lower_)
        if not n or tok.ent_type_:
            return []
        doc = self.doc
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if tok.lower_ not in self.group_alone:
            # a number needs a determiner before it and a noun for people after it: "the three envoys"
            if tok.i == 0 or doc[tok.i - 1].lower_ not in self.determiners or nxt is None or \
                    not (nxt.lower_ in self.group_nouns or nxt.lower_.rstrip("s") in self.roles):
                return []
            end = tok.i + 2
        else:
            if nxt is not None and (nxt.ent_type_ or nxt.lower_ in self.determiners or
                                    (nxt.lower_ not in self.group_nouns and nxt.is_alpha and nxt.lower_.endswith("s")
                                     and nxt.lower_ not in self.verbs)):
                return []  # "both Kopp and Chicherin", "both sides"
            end = tok.i + (2 if nxt is not None and nxt.lower_ in self.group_nouns else 1)
        start = tok.i - 1 if tok.i > 0 and doc[tok.i - 1].lower_ in self.determiners else tok.i
        k = self.sent_index(tok.i)
        lo = self.sents[max(0, k - 3)].start
        people: List[Span] = []
        for e in reversed([e for e in self.persons if lo <= e.start and e.end <= start]):
            if entity_id(e) not in {entity_id(p) for p in people}:
                people.append(e)
        if len(people) < n:
            return []
        chosen = people[:n]
        if n == 2:
            topic = self.subject(sent, before=start) or self.topic_before(k)
            if topic is not None and topic.entity_id in {entity_id(p) for p in people}:
                other = next(p for p in people if entity_id(p) != topic.entity_id)
                first = next(p for p in people if entity_id(p) == topic.entity_id)
                chosen = [first, other]
        return [resolved(start, end, doc, named(p), "group") for p in chosen]

    def sentence_mentions(self, sent: Span) -> List[Mention]:
        """Named agents of the sentence plus its resolved pronouns, role descriptions and groups, in text order."""
        out = [named(e) for e in self.sent_ents(sent)]
        for t in sent:
            if t.ent_type_:
                continue
            if t.lower_ in self.group_numbers:
                out.extend(self.group(t, sent))
                continue
            m = self.pronoun(t, sent) if t.lower_ in self.pron_kind else \
                self.description(t, sent) if t.lower_ in self.roles else \
                self.organisation(t, sent) if t.lower_ in self.org_nouns else None
            if m is not None:
                out.append(m)
        out.sort(key=lambda m: m.start)
        return out


CONJUNCTIONS = ("and", "und", "i", "и", "et", "oraz", "sowie", "&", "or")
RELATIVE_WORDS = ("who", "whom", "whose", "which", "który", "która", "которого", "который")
# active participles opening a phrase after a name: Polish "-ący", Russian "-ющий"/"-вший", English "-ing"
PARTICIPLE_ENDINGS = ("ący", "ąca", "ące", "ющий", "ющая", "ющие", "вший", "вшая", "вшие", "ing")


def blocked_tokens(sent: Span) -> set:
    """Token indices inside parentheses or a relative clause (", who ... ,") of the sentence."""
    out, depth, rel = set(), 0, False
    for k, t in enumerate(sent):
        if t.text in "([":
            depth += 1
        if rel and t.text in (",", ";", ")"):
            rel = False
        if k > 0 and sent[k - 1].text == "," and t.lower_ in RELATIVE_WORDS:
            rel = True
        if k > 1 and sent[k - 1].text == "," and sent[k - 2].ent_type_ == "PERSON" and t.is_lower and \
                len(t) >= 6 and t.text.endswith(PARTICIPLE_ENDINGS):
            rel = True  # "Litwinow, zastępujący chorego Cziczerina, wręczył ...": a participle's phrase
        if depth or rel:
            out.add(t.i)
        if t.text in ")]" and depth:
            depth -= 1
    return out


def in_words(doc: Doc, k: int, words: set) -> bool:
    """Token k is one of `words`, an abbreviation among them split from its full stop ("gen" "." for "gen.") included."""
    t = doc[k]
    if t.lower_ in words or (len(t) > 6 and t.is_alpha and (t.lower_[:-1] in words or t.lower_[:-2] in words)):
        return True  # inflected: "des Reichskanzlers", "z ambasadorem"
    if t.text == ".":
        return k > 0 and doc[k - 1].lower_ + "." in words
    return k + 1 < len(doc) and doc[k + 1].text == "." and t.lower_ + "." in words


def _apposition_end(doc: Doc, m: Mention, mentions: Sequence[Mention]) -> int:
    """Where the list may go on after `m`: past an apposition that describes it ("Anthony Eden, rapporteur of the
    Council on Danzig, and Arthur Greiser"), at its closing comma, when a conjunction follows; else `m.end`."""
    if m.end >= len(doc) or doc[m.end].text != ",":
        return m.end
    for k in range(m.end + 2, min(m.end + 10, len(doc) - 1)):
        t = doc[k]
        if t.is_punct and t.text != ",":
            return m.end
        if t.text == ",":
            inner = [x for x in mentions if m.end < x.start < k]
            if doc[k + 1].lower_ in CONJUNCTIONS and not any(x.label_ == "PERSON" for x in inner) and \
                    not doc[m.end + 1].ent_type_:
                return k
            return m.end
    return m.end


def _without_bracketed_places(gap: Span) -> List:
    """The tokens of a gap between two names without a place in brackets or after a preposition after the
    first: "to Aleksandrovsky (Kaunas) and Voikov (Warsaw)", "Zotov in Riga and Pozdnyakov" list two recipients."""
    toks, k = list(gap), 0
    out = []
    while k < len(toks):
        t = toks[k]
        if t.text == "(":
            close = next((j for j in range(k + 1, len(toks)) if toks[j].text == ")"), None)
            if close is not None and close > k + 1 and all(x.ent_type_ == "LOC" for x in toks[k + 1:close]):
                k = close + 1
                continue
        if t.is_lower and t.is_alpha and len(t.text) <= 4 and k + 1 < len(toks) and toks[k + 1].ent_type_ == "LOC":
            # "Zotov in Riga and Pozdnyakov in Kaunas": a place after a preposition, then the list goes on
            end = next((j for j in range(k + 1, len(toks)) if toks[j].ent_type_ != "LOC"), len(toks))
            if end < len(toks) and (toks[end].text == "," or toks[end].lower_ in CONJUNCTIONS):
                k = end
                continue
        out.append(t)
        k += 1
    return out


def coordinated(doc: Doc, first: Mention, mentions: Sequence[Mention], joiners: set, forward: bool = True) -> List[Mention]:
    """`first` and the mentions listed with it ("A, B and Sir C"): joined by commas, conjunctions and titles.

    A comma alone is an apposition ("the Auswärtiges Amt, Ago von Maltzan") unless a
    conjunction closes the list, so a link of commas only counts before a conjunction.
    """
    ordered = sorted(mentions, key=lambda m: m.start)
    if not forward:
        ordered = ordered[::-1]
    siblings = [m for m in mentions if m is not first and m.start == first.start and m.end == first.end]
    if siblings:  # "the three envoys": one span, several people
        return [first] + siblings
    chain, links, cur = [first], [], first
    # "Heinrich Sahm, President of the Senate, and Strasburger": the list goes on after the apposition
    skip_to = _apposition_end(doc, first, ordered) if forward else first.end
    for m in ordered:
        if m is first or (forward and m.start < cur.end) or (not forward and m.end > cur.start):
            continue
        if forward and m.start < skip_to:
            continue  # a name inside the apposition ("of the Senate") is no member of the list
        gap = _without_bracketed_places(doc[skip_to:m.start] if forward else doc[m.end:cur.start])
        if len(gap) == 0 or len(gap) > 4 or not all(
                in_words(doc, t.i, joiners) or (t.is_title and t.i > gap[0].i) for t in gap):  # "and Foreign Secretary"
            break
        # "the Stresemann-Chicherin talks": two names joined by a hyphen are a pair
        conj = any(t.lower_ in CONJUNCTIONS for t in gap) or (len(gap) == 1 and gap[0].text in "-–"
                                                               and not gap[0].whitespace_)
        if not conj and not any(t.text == "," for t in gap):
            break
        chain.append(m)
        links.append(conj)
        cur = m
        skip_to = _apposition_end(doc, m, ordered) if forward else m.end
    if forward:
        # text order: keep up to the last conjunction; commas are a list's too when a conjunction
        # follows its last name: "between Stalin, Churchill, Eden and the Polish premier"
        last = max((k for k, c in enumerate(links) if c), default=-1)
        if last < 0 and cur.end < len(doc) and doc[cur.end].lower_ in CONJUNCTIONS:
            return chain
        return chain[:last + 2]
    # backward from the list's end: a comma link needs a conjunction nearer to `first`
    keep, seen_conj = 1, False
    for k, c in enumerate(links):
        if not c and not seen_conj:
            break
        seen_conj = seen_conj or c
        keep = k + 2
    return chain[:keep]
