"""Sentence boundaries for scholarly text: abbreviations, initials, citations and entities do not end sentences.

spaCy's punctuation sentencizer ends a sentence at every full stop, which cuts
"RGASPI, fond 17, op. 3, d. 2137" and "A.L.P. Dennis" into pieces; events and
dates are read sentence by sentence, so the cut loses their arguments.
"""
from pathlib import Path
from typing import Iterable, Optional, Set

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .tokenizer import get_segments

ENDERS = {".", "?", "!", "…", "...", "?!"}
CLOSERS = {'"', "”", "’", "'", ")", "]", "»", "»."}


@Language.factory("historian_sentences_v1", assigns=["token.is_sent_start"],
                  default_config={"abbreviations_path": None})
def make_sentences(nlp: Language, name: str, abbreviations_path: Optional[str]) -> "SentenceSplitter":
    return SentenceSplitter(name, abbreviations_path)


class SentenceSplitter:
    """Set sentence starts: after . ? ! (and closing quotes or a footnote marker), before a capital."""

    def __init__(self, name: str, abbreviations_path: Optional[str] = None):
        self.name = name
        self.abbreviations: Set[str] = set()
        self.headings: Set[str] = set()  # "Telegram.", "Record of conversation.": an entry's heading, no sentence
        if abbreviations_path:
            self._load(Path(abbreviations_path))

    def _load(self, path: Path) -> None:
        words = lambda f: {l.strip().lower() for l in f.read_text(encoding="utf-8").splitlines()
                           if l.strip() and not l.startswith("#")}
        if path.is_dir():
            if (path / "headings.txt").exists():
                self.headings = words(path / "headings.txt")
            path = path / "abbreviations.txt"
        self.abbreviations = words(path)

    def _is_heading(self, toks, start: int, end: int) -> bool:
        """Tokens start..end (before a full stop) are an entry's heading: "Ciphered telegram", "Report"."""
        words = [t.lower_ for t in toks[start:end]]
        return 1 <= len(words) <= 4 and all(w in self.headings for w in words)

    def initialize(self, get_examples=None, *, nlp=None, abbreviations_path: Optional[str] = None) -> None:
        if abbreviations_path:
            self._load(Path(abbreviations_path))

    def _is_abbreviation(self, word: str) -> bool:
        w = word.lower().rstrip(".")
        return w in self.abbreviations or (len(w) == 1 and w.isalpha()) or (
            "." in w and all(len(p) <= 1 for p in w.split(".")))

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        seg_starts = {s["start"] for s in get_segments(doc)}
        toks = list(doc)  # one pass: Token objects are costly to make
        starts = [False] * len(doc)
        starts[0] = True
        for tok in toks:
            if tok.idx in seg_starts or (tok.i and "\n\n" in toks[tok.i - 1].text_with_ws):
                starts[tok.i] = True
        paragraph = list(starts)
        i = 0
        last_start = para_start = 0
        while i < len(toks):
            tok = toks[i]
            if starts[i]:
                last_start = i
            if paragraph[i]:
                para_start = i
            ender = tok.text in ENDERS or (tok.text.endswith(".") and len(tok.text) > 1 and not tok.like_num)
            if ender:
                word = tok.text[:-1] if tok.text.endswith(".") and len(tok.text) > 1 else (toks[i - 1].text if i else "")
                abbreviation = tok.text in (".",) and i and self._is_abbreviation(word) or \
                    (tok.text.endswith(".") and len(tok.text) > 1 and self._is_abbreviation(tok.text))
                j = i + 1
                # a footnote marker after the full stop is digits ("Lenin.12 The"), not a number word ("Two days")
                while j < len(toks) and (toks[j].text in CLOSERS or (toks[j].is_digit and len(toks[j].text) <= 3
                                                                  and not toks[j].whitespace_ == "" and j == i + 1)):
                    j += 1
                if j < len(toks) and not abbreviation and toks[j].ent_iob_ != "I":
                    nxt = toks[j]  # never inside an entity: "Berlin, 19. Oktober 1933" is one date
                    # (after a formula that named its correspondents the heading ends the entry's head: "21.
                    # Patek to Zaleski, Moscow, 10 Jan. 1929. Telegram. He handed Litvinov ...")
                    heading = tok.text == "." and self.headings and self._is_heading(toks, last_start, i) and \
                        not any(t.ent_type_ in ("PERSON", "ORG") for t in toks[para_start:last_start])
                    # a finding aid's entries run on after a dash: "Bl. 7–10. — Aufzeichnung über ..."
                    dashed = nxt.text in ("—", "–") and j + 1 < len(toks) and toks[j + 1].is_title
                    if (nxt.is_title or nxt.is_upper or nxt.text[:1] in "“\"‘«(„" or nxt.is_space or dashed) \
                            and not heading:
                        starts[j] = True
                i = j
                continue
            i += 1
        values = numpy.array([1 if b else -1 for b in starts], dtype="int64").astype("uint64")
        doc.from_array([SENT_START], values)
        return doc

    def to_disk(self, path, exclude: Iterable[str] = tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "abbreviations.txt").write_text("\n".join(sorted(self.abbreviations)) + "\n", encoding="utf-8")
        (path / "headings.txt").write_text("\n".join(sorted(self.headings)) + "\n", encoding="utf-8")

    def from_disk(self, path, exclude: Iterable[str] = tuple()) -> "SentenceSplitter":
        self._load(Path(path))
        return self
