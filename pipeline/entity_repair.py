"""Entity repair after the NER: names it missed that the knowledge base knows, and spans the contract forbids.

A small NER trained on a few dozen documents misses names it has seen too rarely
("Greiser", "Westerplatte", "Симонса") although the knowledge base knows them,
and it draws spans ANNOTATION.md rules out. This component, between the NER and
the linker:

- adds an entity wherever a capitalised run of words outside every entity is, by
  the linker's exact or normalised keys (so with Russian and Polish inflection
  undone), a name of KB entities of one type only; a single word must not be a
  common word (learned from the training texts at `initialize`, with spaCy's stop
  words and the titles in `configs/entity_repair/not_names.txt`: "Lord" is a title
  before it is Robert H. Lord), and a name after an archive and a comma is the
  archive's fond or series ("AAN, MSZ, sygn. 108"), which the annotation leaves
  unlabelled;
- adds a lone surname of a person found named in full earlier in the text ("Ernst
  Ziehm" ... "Ziehm's note"), where it is no common word;
- gives a name the KB knows under one other type only that type ("Kronstadt"
  taken for a person, "z Noëlem" for a place, "League of Nations Archives" for an
  organisation);
- drops a one-word entity that is a common word and no KB name ("Whether" at the
  start of a sentence), a "name" without a word in it (a signature such as
  "I/134" read as a person), and a place used as an adjective ("the Upper Silesian
  plebiscite": the contract labels no adjectives);
- moves a name's edge the NER drew one token off when that makes a KB name: the
  footnote number taken in ("12 РГАСПИ" as a date), a keyword after it ("RGASPI
  f."), the last word left out ("AVP" of "AVP RF"); and lets a person's span lose
  the titles the NER took in ("Marszałek Edward
  Śmigły-Rydz", "M. Krassin") and take the initials written before it
  ("В. И. Ленину" found as "И. Ленину"), which the linker needs to know who it is,
  the rest of a name cut at a hyphen ("В.А. Антонову-Овсеенко") and the given name before a
  patronymic ("Khristian Georgievich Rakovsky" found as "Georgievich Rakovsky").
"""
import re
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Set

import srsly
from spacy.language import Language
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, Span
from spacy.training import Example

from .kb import KnowledgeBase, read_kb, write_entities
from .tokenizer import get_segments
from .normalization import (compact_key, has_cyrillic, is_honorific, is_patronymic, lemma_key, norm_key, phrase_variants,
                            surname_keys)

STOP_WORD_LANGS = ("en", "de", "pl", "ru", "fr")
RETYPED = ("ARCHIVE",)  # also corrected to or from, never added: the archive patterns add archives


@Language.factory("historian_entity_repair_v1", assigns=["doc.ents"], requires=["doc.ents"],
                  default_config={"labels": ["PERSON", "ORG", "LOC"], "max_words": 4, "min_chars": 4,
                                  "adjective_endings": ["ian", "ish", "ese", "ic"], "common_zipf": 4.0,
                                  "common_word_langs": ["pl", "ru", "de", "en", "fr"]},
                  default_score_weights={"ents_f": None, "ents_p": None, "ents_r": None})
def make_entity_repair(nlp: Language, name: str, labels: List[str], max_words: int, min_chars: int,
                       adjective_endings: List[str], common_zipf: float,
                       common_word_langs: List[str]) -> "EntityRepair":
    return EntityRepair(nlp, name, labels=labels, max_words=max_words, min_chars=min_chars,
                        adjective_endings=adjective_endings, common_zipf=common_zipf,
                        common_word_langs=common_word_langs)


def _stop_words() -> Set[str]:
    import importlib

    words: Set[str] = set()
    for lang in STOP_WORD_LANGS:
        words |= set(importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS)
    return words


_CYRILLIC = re.compile(r"^[А-ЯЁ][а-яё\-]+$")


def _is_initial(tok) -> bool:
    """"В.", "V.", "A.L.": capital letters, each with its full stop ("M." before a name is Monsieur)."""
    text = tok.text
    return not is_honorific(text) and len(text) >= 2 and text.endswith(".") and all(len(p) == 1 and p.isupper() for p in text[:-1].split("."))


class EntityRepair:
    """Adds PERSON/ORG/LOC spans for KB names outside the predicted entities; persons take their initials."""

    def __init__(self, nlp: Language, name: str = "historian_entity_repair_v1", *, labels=("PERSON", "ORG", "LOC"),
                 max_words: int = 4, min_chars: int = 4, adjective_endings=("ian", "ish", "ese", "ic"),
                 common_zipf: float = 4.0, common_word_langs=("pl", "ru", "de", "en", "fr")):
        self.name = name
        self.adjective_endings = tuple(adjective_endings)
        self.labels = tuple(labels)
        self.max_words = max_words
        self.min_chars = min_chars
        self.kb: Optional[KnowledgeBase] = None
        self.exact_case: Set[str] = set()  # names as written, for all-capital words ("NKVD", not "MOSCOW")
        self.common: Set[str] = set()  # lower-case words of the training texts
        self.not_names: Set[str] = set()
        self.document_nouns: Set[str] = set()  # "Depesza", "Szyfrogram": never a name on their own
        self.noun_articles: Set[str] = set()  # "mit der Bitte": a German noun after its article
        self.repository_heads: Set[str] = set()  # "Harry Ransom Center": an archive, not a person
        self._stop = _stop_words()
        # a word this frequent (wordfreq's Zipf scale) in one of these languages is a common word
        self.common_zipf, self.common_word_langs = common_zipf, tuple(common_word_langs)
        self._labels_cache: Dict[tuple, Dict[str, List[str]]] = {}

    # -- setup -------------------------------------------------------------
    def initialize(self, get_examples: Optional[Callable[[], Iterable[Example]]] = None, *,
                   nlp: Optional[Language] = None, kb_path: Optional[str] = None,
                   rules_path: Optional[str] = None) -> None:
        entities, errors = read_kb(Path(kb_path or "configs/knowledge_base.jsonl"))
        if errors:
            raise ValueError(f"[{self.name}] invalid knowledge base {kb_path}:\n" + "\n".join(errors))
        self._set_entities([e for e in entities if e.type in self.labels + RETYPED])
        if rules_path:
            path = Path(rules_path)
            words = lambda f: {l.strip().lower() for l in f.read_text(encoding="utf-8").splitlines()
                               if l.strip() and not l.startswith("#")}
            self.not_names = words(path / "not_names.txt" if path.is_dir() else path)
            if path.is_dir() and (path / "document_nouns.txt").exists():
                self.document_nouns = words(path / "document_nouns.txt")
            if path.is_dir() and (path / "noun_articles.txt").exists():
                self.noun_articles = words(path / "noun_articles.txt")
            if path.is_dir() and (path / "repository_heads.txt").exists():
                self.repository_heads = {l.strip() for l in (path / "repository_heads.txt").read_text(
                    encoding="utf-8").splitlines() if l.strip() and not l.startswith("#")}
        if get_examples is not None:
            self.common = {t.text for eg in get_examples() for t in eg.reference if t.is_lower and t.is_alpha}

    def _set_entities(self, entities) -> None:
        self.kb = KnowledgeBase(entities)
        self._labels_cache = {}
        self.exact_case = {n for e in self.kb.entities.values() for n in e.names}

    # -- matching ----------------------------------------------------------
    def labels_of(self, text: str, labels: Optional[tuple] = None) -> Dict[str, List[str]]:
        """KB entity ids per label whose names match `text` exactly or by normalised key (cached per text)."""
        labels = labels or self.labels
        found = self._labels_cache.get((text, labels))
        if found is None:
            kb = self.kb
            folded = text.casefold()
            keys = None
            found = {}
            for label in labels:
                ids = kb.exact.get((label, folded))
                if not ids:
                    if keys is None:  # the normalised keys, once for all labels
                        keys = [norm_key(v) for v in phrase_variants(text)]
                        if has_cyrillic(text):
                            keys.append("~" + lemma_key(text))
                    ids = next((kb.norm[(label, k)] for k in keys if (label, k) in kb.norm), None)
                if not ids and label == "PERSON" and " " in text.strip():
                    # "Mustafa Kemal" of "Mustafa Kemal Atatürk", when it leads one person's name only
                    lead = kb.leading.get(norm_key(text))
                    ids = lead if lead and len(lead) == 1 else None
                word = text.strip()
                if not ids and label == "PERSON" and " " not in word and (has_cyrillic(word) or word.istitle()):
                    # "со Скирмунтом", "Schreiben Unschlichts": an inflected surname of one person the KB knows
                    # (in Latin or Cyrillic, as written in another language)
                    hits = {eid for k in surname_keys(text.strip()) for eid in kb.surnames.get(k, {})}
                    ids = sorted(hits) if len(hits) == 1 else None
                if ids:
                    found[label] = ids
            if len(self._labels_cache) > 200_000:
                self._labels_cache.clear()
            self._labels_cache[(text, labels)] = found
        return found

    def _single_word_ok(self, tok) -> bool:
        low = tok.lower_
        if len(tok.text) < self.min_chars or low in self._stop or low in self.common or low in self.not_names:
            return False
        return not tok.is_upper or tok.text in self.exact_case

    def __call__(self, doc: Doc) -> Doc:
        if self.kb is None:
            raise ValueError(f"[{self.name}] no knowledge base loaded: call nlp.initialize() "
                             "(kb_path in [initialize.components]) or load a saved pipeline")
        lower = {t.lower_ for t in doc if t.is_lower}
        inner = {t.text for t in doc if t.is_title and not self._opens_sentence(t)}
        ents = [self._relabelled(self._with_initials(doc, self._without_title(self._without_document_noun(e))))
                for e in self._edges_fixed(doc, doc.ents)
                if not self._common_word(e) and not self._adjective(e) and not self._no_word(e) and
                not self._german_noun(e) and not self._capitalised_word(e, lower, inner)]
        ents = [part for e in ents for part in self._pair_split(e)]
        ents = self._genitive_writers(doc, ents)
        ents = self._day_at_paragraph_start(doc, ents)
        ents = self._surnames_are_people(self._hyphen_completed(doc, self._hyphen_joined(doc, ents)))
        taken = [False] * len(doc)
        for e in ents:
            for k in range(e.start, e.end):
                taken[k] = True
        archive_end = {e.end for e in ents if e.label_ == "ARCHIVE"}
        capital = lambda t: t.is_title or (t.is_upper and len(t.text) > 1)
        added = []
        i = 0
        while i < len(doc):
            tok = doc[i]
            if taken[i] or not capital(tok) or (i and taken[i - 1] and capital(doc[i - 1])) or \
                    self._in_reference(doc, i, archive_end):
                i += 1
                continue
            hit = None
            for n in range(min(self.max_words, len(doc) - i), 0, -1):
                j = i + n
                if any(taken[i:j]) or not capital(doc[j - 1]) or (j < len(doc) and taken[j] and capital(doc[j])):
                    continue  # next to a name: a boundary the NER drew ("Lord Curzon"); a date may follow
                if n == 1 and not self._single_word_ok(tok):
                    continue
                found = self.labels_of(doc[i:j].text)
                if len(found) == 1:
                    hit = Span(doc, i, j, label=next(iter(found)))
                    break
            if hit is None:
                i += 1
                continue
            added.append(hit)
            i = hit.end
        added += self._surnames_named_before(doc, ents + added, taken, lower)
        if added or len(ents) != len(doc.ents) or any(
                e.start != o.start or e.end != o.end or e.label != o.label for e, o in zip(ents, doc.ents)):
            doc.ents = sorted(ents + added, key=lambda s: s.start)
        return doc

    def _surnames_named_before(self, doc: Doc, ents: List[Span], taken: List[bool], lower: Set[str]) -> List[Span]:
        """A lone surname the NER missed, of a person it found named in full earlier in the document
        ("Ernst Ziehm" ... "Ziehm's note to Gravina"): one name keeps one sense through a text."""
        first_full: Dict[str, int] = {}
        for e in ents:
            words = [t for t in e if t.is_alpha]
            if e.label_ == "PERSON" and len(words) > 1 and words[-1].is_title:
                first_full.setdefault(words[-1].text, e.end)
        if not first_full:
            return []
        marked = list(taken)
        for e in ents:
            for k in range(e.start, e.end):
                marked[k] = True
        out = []
        for tok in doc:
            i = tok.i
            end = first_full.get(tok.text)
            if end is None or i < end or marked[i] or tok.lower_ in lower or not self._single_word_ok(tok):
                continue
            if (i and marked[i - 1] and doc[i - 1].is_title) or (i + 1 < len(doc) and marked[i + 1] and
                                                                 doc[i + 1].is_title):
                continue  # next to another name: a boundary the NER drew
            out.append(Span(doc, i, i + 1, label="PERSON"))
            marked[i] = True
        return out

    @staticmethod
    def _in_reference(doc: Doc, i: int, archive_end: Set[int]) -> bool:
        """Token i is a fond or series name of an archival reference: after an archive and a comma, with
        only capitalised words, numbers and punctuation between ("Archives diplomatiques (La Courneuve),
        Z Europe, Pologne, vol. 88")."""
        k = i - 1
        while k >= 0 and i - k <= 12:
            if (k + 1) in archive_end and doc[k + 1].text in (",", "("):
                return True
            t = doc[k]
            if t.is_lower and t.is_alpha:
                return False
            k -= 1
        return False

    def _hyphen_joined(self, doc: Doc, ents: List[Span]) -> List[Span]:
        """Two person spans glued by a hyphen that the KB knows neither of are one double surname
        ("Antonowem" + "Owsiejenką"); "Stresemann-Chicherin" (two known people) stays two."""
        out: List[Span] = []
        for e in ents:
            prev = out[-1] if out else None
            if prev is not None and prev.label_ == e.label_ == "PERSON" and e.start == prev.end + 1 and \
                    doc[prev.end].text in "-‐" and not doc[prev.end - 1].whitespace_ and \
                    not doc[prev.end].whitespace_ and not self.labels_of(prev.text, ("PERSON",)) and \
                    not self.labels_of(e.text, ("PERSON",)):
                out[-1] = Span(doc, prev.start, e.end, label="PERSON")
                continue
            out.append(e)
        return out

    @staticmethod
    def _hyphen_completed(doc: Doc, ents: List[Span]) -> List[Span]:
        """A person cut at a hyphen takes the rest of the name: "В.А. Антонову-Овсеенко" found as
        "В.А. Антонову" (or its first part: "Antonow-Owsiejenko" found as "Owsiejenko"); two entities joined by
        a hyphen ("the Stresemann-Chicherin talks") stay two."""
        starts = {e.start for e in ents}
        out = []
        for e in ents:
            k = e.end
            if e.label_ == "PERSON" and k + 1 < len(doc) and doc[k].text in "-‐" and not doc[k - 1].whitespace_ \
                    and not doc[k].whitespace_ and doc[k + 1].is_title and (k + 1) not in starts \
                    and not doc[k + 1].ent_type_:
                e = Span(doc, e.start, k + 2, label=e.label, kb_id=e.kb_id)
            j = e.start
            if e.label_ == "PERSON" and j >= 2 and doc[j - 1].text in "-‐" and not doc[j - 1].whitespace_ \
                    and not doc[j - 2].whitespace_ and doc[j - 2].is_title and doc[j - 2].is_alpha \
                    and not doc[j - 2].ent_type_ and not (out and out[-1].end > j - 2):
                e = Span(doc, j - 2, e.end, label=e.label, kb_id=e.kb_id)  # "Antonow-" before "Owsiejenko"
            out.append(e)
        return out

    def _without_title(self, ent: Span) -> Span:
        """A person's span starts after the titles the NER took in: "Marszałek Edward Śmigły", "M. Krassin", and
        after a common word opening a sentence when the rest is a KB person ("Directs Krestinsky to avoid ...")."""
        start = ent.start
        while ent.label_ == "PERSON" and start < ent.end - 1 and (
                ent.doc[start].lower_ in self.not_names or is_honorific(ent.doc[start].text)):
            start += 1
        first = ent.doc[start]
        if ent.label_ == "PERSON" and start < ent.end - 1 and first.is_alpha and self._opens_sentence(first) and \
                compact_key(first.text) not in self.kb.given_words and not self.labels_of(first.text) and \
                self.labels_of(ent.doc[start + 1:ent.end].text, ("PERSON",)) and self._a_word(first.lower_):
            start += 1
        return ent if start == ent.start else Span(ent.doc, start, ent.end, label=ent.label, kb_id=ent.kb_id)

    def _edges_fixed(self, doc: Doc, ents: Iterable[Span]) -> List[Span]:
        """A name whose edge the NER drew one token off, when the corrected span is a KB name of one type and
        the drawn one is none: the footnote number taken in ("12 РГАСПИ", "17 PA AA" as dates), a keyword or
        signature after it ("RGASPI f.", "RGASPI 17/162/5"), the last word left out ("AVP" of "AVP RF"), the part
        after a hyphen ("BArch" of "BArch-MA")."""
        ents = list(ents)
        kinds = self.labels + RETYPED
        out = []
        for k, e in enumerate(ents):
            nxt = ents[k + 1].start if k + 1 < len(ents) else len(doc)
            j = e.end
            if j + 1 < nxt and doc[j].text in "-‐" and not doc[j - 1].whitespace_ and not doc[j].whitespace_ and \
                    doc[j + 1].text[:1].isupper():
                # "BArch-MA" found as "BArch": the name goes on after the hyphen
                found = self.labels_of(doc[e.start:j + 2].text, kinds)
                if len(found) == 1:
                    out.append(Span(doc, e.start, j + 2, label=next(iter(found))))
                    continue
            candidates = []
            if len(e) > 1 and e[0].is_digit and e[1].text[:1].isupper():
                candidates.append((e.start + 1, e.end))
            if len(e) > 1 and (any(c.isdigit() for c in e[-1].text) or (e[-1].text.endswith(".") and e[-1].is_lower)):
                candidates.append((e.start, e.end - 1))
            if e.end < nxt and e[-1].whitespace_ and doc[e.end].is_upper and doc[e.end].is_alpha:
                candidates.append((e.start, e.end + 1))
            # a heading's numbering taken in: "Część I. AAN" is the archive after the full stop, when that is a
            # name of another type than the span's (not "J. Stalin")
            stops = [t.i + 1 for t in e[:-1] if t.text.endswith(".")]
            retyped = [(stops[-1], e.end)] if stops else []
            if (candidates or retyped) and not (e.label_ in kinds and self.labels_of(e.text, kinds)):
                for start, end in candidates + retyped:
                    found = self.labels_of(doc[start:end].text, kinds)
                    if len(found) == 1 and ((start, end) in candidates or e.label_ not in found):
                        e = Span(doc, start, end, label=next(iter(found)))
                        break
            out.append(e)
        return out

    @staticmethod
    def _day_at_paragraph_start(doc: Doc, ents: List[Span]) -> List[Span]:
        """A calendar entry opening with its date ("14 VIII 1921, Moskwa. — Telegram ..."): the NER, which
        mostly saw footnote numbers there, leaves the day out. In a body paragraph (not a footnote, whose
        first number is its own) a day number before a date of month and year belongs to it, and the entry's
        number before a numeric date does not ("3. 22.II.1924.")."""
        starts = {s["start"] for s in get_segments(doc) if s.get("kind") != "footnote"}
        out = []
        for e in ents:
            if e.label_ == "DATE" and len(e) > 2 and e[0].is_digit and e[1].text == "." and e[0].idx in starts \
                    and e[2].text[:1].isdigit() and any(not c.isdigit() for c in e[2].text):
                # "3. 22.II.1924. Rakovsky to ...": the entry's number taken into the date that follows it
                e = Span(doc, e.start + 2, e.end, label=e.label, kb_id=e.kb_id)
            if e.label_ == "DATE" and e.start > 0 and not e[0].is_digit and e[0].is_alpha and \
                    any(t.is_digit for t in e[1:]):
                day = doc[e.start - 1]
                # "6. 22 June 1920. Telegram ...": after the entry's number
                lead = doc[day.i - 2:day.i] if day.i >= 2 else None
                opens = day.idx in starts or (lead is not None and lead[0].is_digit and lead[1].text == "." and
                                              lead[0].idx in starts)
                if day.is_digit and len(day.text) <= 2 and 1 <= int(day.text) <= 31 and opens and \
                        day.whitespace_:
                    e = Span(doc, e.start - 1, e.end, label=e.label, kb_id=e.kb_id)
            out.append(e)
        return out

    def _no_word(self, ent: Span) -> bool:
        """A name without a word of two letters is a signature the NER misread: "I/134", "4421/123/38"."""
        return ent.label_ in self.labels and not any(t.is_alpha and len(t.text) >= 2 for t in ent)

    def _adjective(self, ent: Span) -> bool:
        """A place that is an adjective before a noun: "the Upper Silesian plebiscite", "a Baltic state"."""
        doc = ent.doc
        return ent.label_ == "LOC" and ent.end < len(doc) and doc[ent.end].is_lower and doc[ent.end].is_alpha \
            and any(ent[-1].lower_.endswith(e) for e in self.adjective_endings)

    def _common_word(self, ent: Span) -> bool:
        """A one-word name that is a common word of the training texts and no KB name ("Whether", "Rumours"),
        or the noun of a document ("Depesza")."""
        if ent.label_ not in self.labels or len(ent) != 1:
            return False
        low = ent[0].lower_
        return low in self.document_nouns or ((low in self.common or low in self._stop) and not self.labels_of(ent.text))

    @staticmethod
    def _opens_sentence(tok) -> bool:
        """The token starts a sentence or a paragraph, or follows a footnote's number ("13 Meldunek ...")."""
        doc, i = tok.doc, tok.i
        if i == 0 or doc[i - 1].text in (".", "!", "?", "»", "”", '"') or "\n" in doc[i - 1].whitespace_:
            return True
        return doc[i - 1].like_num and (i == 1 or "\n" in doc[i - 2].whitespace_)

    def _capitalised_word(self, ent: Span, lower: Set[str], inner: Set[str]) -> bool:
        """A one-word name the KB lacks at the start of a sentence that is a common word there: written in small
        letters elsewhere in the document, or frequent in one of its languages and never capitalised inside a
        sentence ("Wymiana posłów nastąpiła szybko", "Stosunki ...")."""
        if ent.label_ not in self.labels or len(ent) != 1 or not self._opens_sentence(ent[0]) or \
                self.labels_of(ent.text):
            return False
        low = ent[0].lower_
        if low in lower:
            return True
        if ent.text in inner:
            return False
        from wordfreq import zipf_frequency

        return any(zipf_frequency(low, lang) >= self.common_zipf for lang in self.common_word_langs)

    def _a_word(self, low: str) -> bool:
        """A word of the training texts, a stop word, or one a dictionary of the texts' languages knows."""
        if low in self.common or low in self._stop:
            return True
        from wordfreq import zipf_frequency

        return any(zipf_frequency(low, lang) >= 2.5 for lang in self.common_word_langs)

    def _german_noun(self, ent: Span) -> bool:
        """A one-word place or organisation the KB lacks, right after a German article, that is a common German
        word: "mit der Bitte", "die Verbindungen zur Roten Armee"."""
        if ent.label_ not in ("LOC", "ORG") or len(ent) != 1 or ent.start == 0 or \
                ent.doc[ent.start - 1].lower_ not in self.noun_articles or self.labels_of(ent.text):
            return False
        from wordfreq import zipf_frequency

        return zipf_frequency(ent.text.lower(), "de") >= 4.0

    def _relabelled(self, ent: Span) -> Span:
        """A name the KB knows under one other type only takes that type: "Kronstadt" found as a PERSON,
        "z Noëlem" as a place."""
        kinds = self.labels + RETYPED
        if ent.label_ not in kinds:
            return ent
        found = self.labels_of(ent.text, kinds)
        if not found and ent.label_ in ("LOC", "ORG") and (self._given_and_known_surname(ent) or (
                len(ent) >= 2 and _is_initial(ent[0]) and ent[-1].is_title)):
            found = {"PERSON": []}  # "М. Скуениекса" taken for a place: initials open a person's name
        if not found and ent.label_ == "PERSON" and len(ent) >= 2 and ent[-1].text in self.repository_heads:
            found = {"ARCHIVE": []}  # "Harry Ransom Center" taken for a person
        if len(found) != 1 or ent.label_ in found:
            return ent
        return Span(ent.doc, ent.start, ent.end, label=next(iter(found)), kb_id=ent.kb_id)

    def _person_only(self, text: str) -> bool:
        """The KB knows `text` as a person's name and as no place's or organisation's."""
        return set(self.labels_of(text, ("PERSON", "LOC", "ORG"))) == {"PERSON"}

    def _given_and_known_surname(self, ent: Span) -> bool:
        """A place or organisation no KB name matches, written as a given name and a surname the KB knows only as
        a person's: "z Mikołajem Krestinskim" found as a place."""
        if not 2 <= len(ent) <= 3 or not all(t.is_title and t.is_alpha for t in ent):
            return False
        if any(self.labels_of(t.text, ("PERSON", "LOC", "ORG")) or t.lower_ in self.common for t in ent[:-1]):
            return False
        return self._person_only(ent[-1].text)

    def _pair_split(self, ent: Span) -> List[Span]:
        """Two people the NER ran into one span, as a Russian formula writes them: "Письмо Ф. Циеленса К. Озолсу"
        (initials open the second name), "Телеграмма Чичерина Аралову", "Письмо Гуковского В.И. Ленину"
        (genitive, then dative), or two names the KB knows as persons, side by side or with a lower-case word
        between them."""
        if ent.label_ != "PERSON" or len(ent) < 2 or "PERSON" in self.labels_of(ent.text, ("PERSON",)):
            return [ent]
        doc = ent.doc
        for k in range(ent.start + 1, ent.end):
            left, right = doc[ent.start:k], doc[k:ent.end]
            # a lower-case word between two people the KB knows: "Brockdorff-Rantzau von Wirth (unterrichtet)"
            if doc[k].is_lower and k + 1 < ent.end and self._person_only(left.text) and \
                    self._person_only(doc[k + 1:ent.end].text):
                return [Span(doc, ent.start, k, label="PERSON"), Span(doc, k + 1, ent.end, label="PERSON")]
            if not right[0].text[:1].isupper() or not any(t.is_alpha for t in left):
                continue
            initials = _is_initial(left[0]) and _is_initial(right[0]) and \
                any(t.is_alpha and len(t.text) > 2 for t in left) and any(t.is_alpha and len(t.text) > 2 for t in right)
            cases = len(ent) == 2 and all(t.is_title and _CYRILLIC.match(t.text) for t in ent) and \
                left[-1].lower_.endswith(("а", "я")) and right[-1].lower_.endswith(("у", "ю"))
            # "Письмо Гуковского В.И. Ленину": a genitive surname, then initials and a dative one
            cases = cases or (len(left) == 1 and left[0].is_title and _CYRILLIC.match(left[0].text) and
                              left[0].lower_.endswith(("а", "я", "ого", "его")) and _is_initial(right[0]) and
                              right[-1].is_title and right[-1].lower_.endswith(("у", "ю")) and
                              all(_is_initial(t) for t in right[:-1]))
            known = self._person_only(left.text) and self._person_only(right.text)
            if initials or cases or known:
                return [Span(doc, ent.start, k, label="PERSON"), Span(doc, k, ent.end, label="PERSON")]
        return [ent]

    def _genitive_writers(self, doc: Doc, ents: List[Span]) -> List[Span]:
        """ "Bericht Olshausens an das Auswärtige Amt", "Denkschrift Petisnés für Poincaré": a capitalised word
        in the genitive between a document's noun and "an" / "für" is its writer, whatever the NER took it for
        (a name the KB or the NER knows as a person, or longer, is left as it is)."""
        covered = {k: e for e in ents for k in range(e.start, e.end)}
        out = list(ents)
        for t in doc[1:-1]:
            if doc[t.i - 1].lower_ not in self.document_nouns or doc[t.i + 1].lower_ not in ("an", "für") or \
                    not t.is_title or len(t.text) < 4 or not t.text.endswith("s"):
                continue
            e = covered.get(t.i)
            if e is not None and (e.label_ == "PERSON" or len(e) > 1 or self.labels_of(e.text)):
                continue
            out = [x for x in out if x is not e] + [Span(doc, t.i, t.i + 1, label="PERSON")]
        return sorted(out, key=lambda s: s.start)

    def _without_document_noun(self, ent: Span) -> Span:
        """A name starts after the noun of a document the NER took in: "Nota Ludowego Komisariatu ...",
        "Szyfrogram Becka"."""
        if len(ent) > 1 and ent[0].lower_ in self.document_nouns and ent[1].text[:1].isupper():
            return Span(ent.doc, ent.start + 1, ent.end, label=ent.label, kb_id=ent.kb_id)
        return ent

    def _surnames_are_people(self, ents: List[Span]) -> List[Span]:
        """A one-word place or organisation the KB does not know under that type, written as the surname of a
        person named in full in the same document, is that person: "Letter from Maklakov to Bakhmeteff"
        after "Boris Bakhmeteff"."""
        surnames = {e[-1].text for e in ents if e.label_ == "PERSON" and len(e) >= 2 and e[-1].is_title}
        if not surnames:
            return ents
        # in another case too: "Лорейн встретился с Ротштейном" after "Ф.А. Ротштейн"
        keys = {k for name in surnames for k in surname_keys(name)}
        return [Span(e.doc, e.start, e.end, label="PERSON", kb_id=e.kb_id)
                if e.label_ in ("LOC", "ORG") and len(e) == 1 and e[0].is_title and
                (e.text in surnames or set(surname_keys(e.text)) & keys) and
                e.label_ not in self.labels_of(e.text, ("PERSON", "LOC", "ORG")) else e
                for e in ents]

    @staticmethod
    def _with_initials(doc: Doc, ent: Span) -> Span:
        """A person the NER started after an initial takes it ("В. И. Ленину" found as "И. Ленину"), and one it
        started at a patronymic takes the given name before it."""
        start = ent.start
        while ent.label_ == "PERSON" and start > 0 and _is_initial(doc[start - 1]) and not doc[start - 1].ent_type_:
            start -= 1
        # the given name before a patronymic the span opens with: "Khristian Georgievich Rakovsky"
        if ent.label_ == "PERSON" and start == ent.start and start > 0 and len(ent) > 1 and \
                is_patronymic(doc[start].text) and doc[start - 1].is_title and doc[start - 1].is_alpha and \
                not doc[start - 1].ent_type_:
            start -= 1
        return ent if start == ent.start else Span(doc, start, ent.end, label=ent.label, kb_id=ent.kb_id)

    # -- scoring and serialisation ------------------------------------------
    def score(self, examples: Iterable[Example], **kwargs) -> Dict[str, object]:
        return get_ner_prf(examples)

    def to_disk(self, path, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_entities(path / "kb.jsonl", self.kb.entities.values() if self.kb is not None else [])
        srsly.write_json(path / "cfg.json", {"labels": list(self.labels), "max_words": self.max_words,
                                             "common_zipf": self.common_zipf,
                                             "common_word_langs": list(self.common_word_langs),
                                             "adjective_endings": list(self.adjective_endings),
                                             "min_chars": self.min_chars, "common": sorted(self.common),
                                             "not_names": sorted(self.not_names),
                                             "document_nouns": sorted(self.document_nouns),
                                             "noun_articles": sorted(self.noun_articles),
                                             "repository_heads": sorted(self.repository_heads)})

    def from_disk(self, path, exclude=tuple()) -> "EntityRepair":
        path = Path(path)
        cfg = srsly.read_json(path / "cfg.json")
        self.labels = tuple(cfg["labels"])
        self.max_words, self.min_chars = cfg["max_words"], cfg["min_chars"]
        self.common_zipf = cfg.get("common_zipf", self.common_zipf)
        self.common_word_langs = tuple(cfg.get("common_word_langs", self.common_word_langs))
        self.adjective_endings = tuple(cfg.get("adjective_endings", self.adjective_endings))
        self.common, self.not_names = set(cfg["common"]), set(cfg["not_names"])
        self.document_nouns = set(cfg.get("document_nouns", []))
        self.noun_articles = set(cfg.get("noun_articles", []))
        self.repository_heads = set(cfg.get("repository_heads", []))
        entities, errors = read_kb(path / "kb.jsonl")
        if errors:
            raise ValueError(f"[{self.name}] {path / 'kb.jsonl'}:\n" + "\n".join(errors))
        self._set_entities(entities)
        return self
