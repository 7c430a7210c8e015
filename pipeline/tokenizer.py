"""A tokenizer that cleans PDF text first, so `nlp(raw_text)` just works.

Running the cleaner inside the tokenizer means every way of calling the
pipeline (`nlp(text)`, `nlp.pipe`, `spacy.load(path)` without our import) sees
repaired text, and the Doc remembers how to map back to the raw input:
`doc.user_data["raw_offsets"]` (absent when cleaning changed nothing) and
`doc.user_data["segments"]` (paragraphs and footnotes).
"""
from __future__ import annotations

from typing import Callable, Iterable, List, Optional, Tuple

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex, registry

FOOTNOTE_MARKER_SUFFIXES = [r"(?<=[^\W\d_][.,;:)\]”’\"»…?!])\d{1,3}", r"(?<=[”’\")\]»][.,;:)])\d{1,3}", r"(?<=[12]\d{3}[.,;:)])\d{1,3}"]

from .cleaning import clean


class CleaningTokenizer:
    """Clean the text with `pipeline.cleaning.clean`, then tokenize it with spaCy's rules."""

    def __init__(self, base, enabled: bool = True):
        self.base = base
        self.vocab = base.vocab
        self.enabled = enabled

    def __call__(self, text: str) -> Doc:
        if not self.enabled:
            return self.base(text)
        cleaned = clean(text)
        doc = self.base(cleaned.text)
        doc.user_data["segments"] = [s.to_dict() for s in cleaned.segments]
        if cleaned.text != text:
            doc.user_data["raw_offsets"] = cleaned.offsets
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    # serialisation is the wrapped tokenizer's (its exceptions and rules)
    def to_bytes(self, **kwargs) -> bytes:
        return self.base.to_bytes(**kwargs)

    def from_bytes(self, data: bytes, **kwargs) -> "CleaningTokenizer":
        self.base.from_bytes(data, **kwargs)
        return self

    def to_disk(self, path, **kwargs) -> None:
        self.base.to_disk(path, **kwargs)

    def from_disk(self, path, **kwargs) -> "CleaningTokenizer":
        self.base.from_disk(path, **kwargs)
        return self

    def __getattr__(self, name):
        # rules, explain(), prefix_search ... of the wrapped tokenizer
        if name == "base":
            raise AttributeError(name)
        return getattr(self.base, name)


@registry.tokenizers("historian.CleaningTokenizer.v1")
def create_cleaning_tokenizer(enabled: bool = True) -> Callable[[Language], CleaningTokenizer]:
    def make(nlp: Language) -> CleaningTokenizer:
        base = registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        # footnote markers glued to the word: "Paris.3", "History).8", "path”).42"
        suffixes = list(nlp.Defaults.suffixes or []) + FOOTNOTE_MARKER_SUFFIXES
        base.suffix_search = compile_suffix_regex(suffixes).search
        # French/Italian elision before a name: "l’Internationale", "d’Abernon"
        prefixes = list(nlp.Defaults.prefixes or []) + [r"[lLdD][’'](?=[A-ZÀ-ÝА-Я])"]
        base.prefix_search = compile_prefix_regex(prefixes).search
        # "pre-1914", "mid-1923": a hyphen between a word and a year
        infixes = list(nlp.Defaults.infixes or []) + [r"(?<=[^\W\d_])-(?=\d)"]
        base.infix_finditer = compile_infix_regex(infixes).finditer
        # emoticon exceptions glue a closing bracket to the punctuation after it ("ВКП(б):", "(1922);"):
        # scholarship has brackets, not emoticons
        base.rules = {k: v for k, v in base.rules.items() if not _bracket_emoticon(k)}
        return CleaningTokenizer(base, enabled=enabled)

    return make


def _bracket_emoticon(text: str) -> bool:
    return len(text) > 1 and any(c in "()[]" for c in text) and not any(c.isalnum() for c in text)


def raw_span(doc: Doc, start_char: int, end_char: int) -> Tuple[int, int]:
    """Map a span of doc.text back to the raw text the doc was made from."""
    offsets: Optional[List[int]] = doc.user_data.get("raw_offsets")
    if offsets is None:
        return start_char, end_char
    if end_char <= start_char:
        return offsets[start_char], offsets[start_char]
    return offsets[start_char], offsets[end_char - 1] + 1


def get_segments(doc: Doc) -> List[dict]:
    """The doc's paragraphs and footnotes; plain text is one body segment."""
    segs = doc.user_data.get("segments")
    if not segs:
        return [{"start": 0, "end": len(doc.text), "kind": "body", "number": None, "markers": []}]
    return segs
