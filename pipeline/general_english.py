"""Optional general-English NER data (UNER English-EWT) as extra training docs.

UNER marks PER/ORG/LOC but no dates or archives, so tokens that could be part
of a DATE (numbers, month and season words) are left *missing* rather than
negative: the model is not taught that "12 July" is not a date.
"""
from pathlib import Path
from typing import List

from spacy.language import Language
from spacy.tokens import Doc

LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}
DATE_WORDS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
              "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
              "sept", "oct", "nov", "dec", "spring", "summer", "autumn", "fall", "winter", "early", "mid", "late"}


def keep_clean(nlp: Language, docs: List[Doc]) -> List[Doc]:
    """Only sentences the cleaning tokenizer leaves as they are (training re-tokenizes the text)."""
    return [d for d in docs if nlp.make_doc(d.text).text == d.text]


def read_iob2(nlp: Language, path: Path) -> List[Doc]:
    """One Doc per sentence; a malformed line stops with file and line."""
    docs = []
    words: List[str] = []
    tags: List[str] = []

    def flush(lineno: int) -> None:
        if not words:
            return
        doc = Doc(nlp.vocab, words=list(words), spaces=[True] * (len(words) - 1) + [False])
        ents, missing, start, label = [], [], None, None
        for i, tag in enumerate(tags + ["O"]):
            if start is not None and not tag.startswith("I-"):
                ents.append(doc[start:i])
                ents[-1].label_ = label
                start = None
            if tag.startswith("B-") or (tag.startswith("I-") and start is None):
                lab = LABELS.get(tag[2:])
                if lab is None:
                    raise ValueError(f"{path}:{lineno}: unknown tag {tag!r}")
                start, label = i, lab
        spans = [doc.char_span(s.start_char, s.end_char, label=s.label_) for s in ents]
        in_ent = {t.i for s in spans for t in s}
        missing = [doc[i:i + 1] for i in range(len(doc)) if i not in in_ent
                   and (doc[i].like_num or doc[i].lower_.strip(".") in DATE_WORDS)]
        doc.set_ents(spans, missing=missing, default="outside")
        docs.append(doc)
        words.clear()
        tags.clear()

    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            flush(lineno)
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 3:
            raise ValueError(f"{path}:{lineno}: expected tab-separated columns, got {line!r}")
        words.append(cols[1])
        tags.append(cols[2])
    flush(lineno + 1 if words else 0)
    return docs
