"""Repair text pulled out of a PDF, keeping a character map back to the raw file.

Scholarly PDFs come out as lines broken mid-word, ligatures split into two
words ("Th e", "fi rst", "Joff e"), running headers and page numbers, and
footnotes printed between the body paragraphs of each page. Everything the
pipeline reports must point back into the raw file, so every cleaned character
remembers the raw offset it came from.

The cleaned document is the paragraphs and footnotes in the order they start
(a body paragraph broken by a page of footnotes is joined up first), joined by
blank lines; cleaning clean text changes nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

URL_LINE = re.compile(r"^\s*(https?://|www\.|doi:)\S+\s*$", re.I)
# "100 Andrzej Nowak" / "Soviet Policy towards Germany 101": a short line of
# capitalised words with a page number at one end.
HEADER_LINE = re.compile(
    r"^\s*(\d{1,4}\s+(?:[A-ZА-ЯЁ][\w.’'-]*\s*){1,7}|(?:[A-ZА-ЯЁ][\w.’'-]*\s+){1,7}\d{1,4})\s*$"
)
PAGE_NUMBER_LINE = re.compile(r"^\s*\d{1,4}\s*$")
FOOTNOTE_START = re.compile(r"^(\d{1,3}|\*)(\s+)\S")
# closing quotes of every language: English ” ’, German “ ‘ (after „ ‚), Russian and Polish »
TERMINAL = re.compile(r"[.?!…:;\"”’“‘»)\]](\d{1,3})?$")
FOOTNOTE_DONE = re.compile(r"[.?!…\"”’“‘»)\]]$")
LIGATURE = re.compile(r"(?<![^\W\d_])([^\W\d_]*?(?:ff|fi|fl|ft|Th))( {1,3})(-?[^\W\d_]+)")
MULTISPACE = re.compile(r"[ \t\u00a0]{2,}")
MARKER = re.compile(r"(?:(?<=[.,;:)\]”’\"»…?!])|(?<=[^\W\d_]))(\d{1,3})(?=[\s,;:)]|$)")
SENTENCE_END = re.compile(r"[.?!…][\"”’)\]]*\d{0,3}\s+(?=[\"“‘(]?[A-ZА-ЯЁ])")


@dataclass
class Segment:
    """A paragraph or footnote of the cleaned document."""

    start: int
    end: int
    kind: str  # "body" | "footnote"
    number: Optional[int] = None
    markers: List[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "kind": self.kind,
                "number": self.number, "markers": self.markers}


@dataclass
class CleanText:
    """Cleaned text, its segments, and the raw offset of every cleaned character."""

    raw: str
    text: str
    offsets: List[int]  # len(text) + 1 entries; offsets[i] = raw index of text[i]
    segments: List[Segment]

    def to_raw(self, start: int, end: int) -> Tuple[int, int]:
        """Map a cleaned span [start, end) to the raw span that holds it."""
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.raw)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


class _Para:
    """A paragraph being assembled from raw lines: its characters and their raw offsets."""

    def __init__(self, kind: str, number: Optional[int], order: int):
        self.kind = kind
        self.number = number
        self.order = order
        self.chars: List[str] = []
        self.idx: List[int] = []

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def add_line(self, line: str, raw_start: int, hyphen_ok) -> None:
        """Append a raw line (already stripped), joining it to what came before."""
        if self.chars:
            last = self.chars[-1]
            if last == "-" and len(self.chars) > 1 and self.chars[-2].isalpha() and line[:1].isalpha():
                left = re.search(r"[^\W\d_]+$", "".join(self.chars[-40:-1]))
                right = re.match(r"[^\W\d_]+", line)
                if not line[0].isupper() and not hyphen_ok(left.group(0) if left else "", right.group(0)):
                    self.chars.pop()
                    self.idx.pop()
            elif last in "–—/":
                if len(self.chars) > 1 and self.chars[-2] == " ":
                    self.chars.append(" ")
                    self.idx.append(raw_start - 1)
            else:
                self.chars.append(" ")
                self.idx.append(raw_start - 1)
        self.chars.extend(line)
        self.idx.extend(range(raw_start, raw_start + len(line)))

    def unfinished(self) -> bool:
        text = self.text.rstrip()
        if self.kind == "footnote":  # "…(Neuchâtel, 1969);" goes on after the page break
            return bool(text) and not FOOTNOTE_DONE.search(text)
        return bool(text) and not TERMINAL.search(text)


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    w = word.lower()
    return max(zipf_frequency(w, "en"), zipf_frequency(w, "de"))


def _join_ligature(left: str, right: str) -> bool:
    """Decide whether "left right" is one word split at a ligature glyph."""
    if right.startswith("-"):
        return True
    if left.endswith("Th"):
        return right[0].islower()
    if not right[0].islower():
        return False
    if len(right) == 1:
        return right not in "ai"
    joined = left + right
    if _zipf(joined) >= 2.0:
        # "left wing", "staff member": two common words are rarer written as one
        return not (min(len(left), len(right)) >= 3 and _zipf(left) >= 3.0 and _zipf(right) >= 3.0 and
                    _zipf(joined) < min(_zipf(left), _zipf(right)))
    return _zipf(right) < 2.0 and _zipf(left) < 2.0


def _rewrite(chars: List[str], idx: List[int]) -> Tuple[List[str], List[int]]:
    """Repair split ligatures and collapse runs of spaces, keeping the offsets."""
    text = "".join(chars)
    drop = set()
    for m in LIGATURE.finditer(text):
        if _join_ligature(m.group(1), m.group(3)):
            drop.update(range(m.start(2), m.end(2)))
    for m in MULTISPACE.finditer(text):
        drop.update(range(m.start() + 1, m.end()))
    if not drop:
        return chars, idx
    keep = [i for i in range(len(chars)) if i not in drop]
    new_chars = [chars[i] for i in keep]
    for i in range(len(new_chars)):
        if new_chars[i] in "\t\u00a0":
            new_chars[i] = " "
    return new_chars, [idx[i] for i in keep]


def _sentence_bounds(text: str, pos: int) -> Tuple[int, int]:
    """The sentence of a body paragraph that ends at (or holds) position pos."""
    start = 0
    for m in SENTENCE_END.finditer(text, 0, max(pos - 1, 0)):
        if m.end() <= pos - 1:
            start = m.end()
    m = SENTENCE_END.search(text, pos)
    end = m.start() + len(m.group(0).rstrip()) if m else len(text)
    return start, min(max(end, pos), len(text))


def clean(raw: str) -> CleanText:
    """Clean raw PDF text into paragraphs and footnotes with a raw-offset map."""
    lines: List[Tuple[int, str]] = []
    pos = 0
    for line in raw.splitlines(keepends=True):
        lines.append((pos, line.rstrip("\r\n")))
        pos += len(line)

    vocab_hyphenated = set(m.group(0).lower() for m in re.finditer(r"[^\W\d_]+-[^\W\d_]+", raw))

    def hyphen_ok(left: str, right: str) -> bool:
        return f"{left}-{right}".lower() in vocab_hyphenated

    def is_noise(i: int) -> bool:
        if len(lines) < 4:  # a short text is content, not a PDF page
            return False
        text = lines[i][1]
        if URL_LINE.match(text) or PAGE_NUMBER_LINE.match(text):
            return True
        if HEADER_LINE.match(text):
            before = i == 0 or not lines[i - 1][1].strip()
            after = i + 1 >= len(lines) or not lines[i + 1][1].strip()
            return before and after and _breaks_a_paragraph(i)
        return False

    def _breaks_a_paragraph(i: int) -> bool:
        """A running header stands where a page breaks the text ("a government that / 100 Andrzej Nowak / will
        become"); a line of the same shape between finished paragraphs is a heading ("Box 12" in a finding aid)."""
        prev = next((lines[j][1].strip() for j in range(i - 1, -1, -1) if lines[j][1].strip()), "")
        nxt = next((lines[j][1].strip() for j in range(i + 1, len(lines)) if lines[j][1].strip()), "")
        return not prev or not nxt or not TERMINAL.search(prev) or nxt[:1].islower()

    noise = [is_noise(i) for i in range(len(lines))]
    paras: List[_Para] = []
    state = "body"
    cur: Optional[_Para] = None
    last_body: Optional[_Para] = None
    last_fn: Optional[_Para] = None
    expected = 1
    pending_break = True

    def new_para(kind: str, number: Optional[int]) -> _Para:
        p = _Para(kind, number, len(paras))
        paras.append(p)
        return p

    def next_content_line(i: int) -> Optional[int]:
        """Index of the first line after the block starting at i (past blanks/noise)."""
        j = i
        while j < len(lines) and lines[j][1].strip() and not noise[j]:
            j += 1
        while j < len(lines) and (not lines[j][1].strip() or noise[j]):
            j += 1
        return j if j < len(lines) else None

    def footnote_number(text: str, loose: bool) -> Optional[int]:
        m = FOOTNOTE_START.match(text)
        if not m:
            return None
        if m.group(1) == "*":
            return 0
        n = int(m.group(1))
        if n == expected or (loose and expected < n <= expected + 2 and len(m.group(2)) >= 2):
            return n
        if expected == 1 and loose and last_body is not None:
            # an excerpt whose footnotes start at 41: the body before carries the marker
            if any(int(mm.group(1)) == n for mm in MARKER.finditer(last_body.text)):
                return n
        return None

    after_header = False
    for i, (start, line) in enumerate(lines):
        if noise[i] or not line.strip():
            pending_break = True
            after_header = after_header or (noise[i] and bool(HEADER_LINE.match(line) or PAGE_NUMBER_LINE.match(line)))
            continue
        # a new page starts after a running header, or (in this extraction) with an indented line
        page_start = line[:1].isspace() or after_header
        after_header = False
        content = line.strip()
        lead = len(line) - len(line.lstrip())
        raw_start = start + lead
        n = None if page_start else footnote_number(content, loose=state == "footnotes" or pending_break)
        if page_start:
            state = "body"
            if last_body is not None and (last_body.unfinished() or content[:1].islower()):
                cur = last_body
            else:
                cur = last_body = new_para("body", None)
        elif n is not None:
            state = "footnotes"
            number = None if n == 0 else n
            if n:
                expected = n + 1
            cur = last_fn = new_para("footnote", number)
            cur.add_line(content, raw_start, hyphen_ok)
            # keep the number, drop the extra spaces after it (see _rewrite)
            pending_break = False
            continue
        elif state == "footnotes" and (not pending_break or (last_fn is not None and last_fn.unfinished())):
            if cur is None or cur.kind != "footnote":
                cur = last_fn
        elif state == "footnotes":
            state = "body"
            cur = last_body = new_para("body", None)
        elif pending_break:
            j = next_content_line(i)
            if (last_fn is not None and last_fn.unfinished() and j is not None
                    and not lines[j][1][:1].isspace() and footnote_number(lines[j][1].strip(), loose=True)):
                state = "footnotes"
                cur = last_fn
            else:
                cur = last_body = new_para("body", None)
        elif cur is None:
            cur = last_body = new_para("body", None)
        cur.add_line(content, raw_start, hyphen_ok)
        pending_break = False

    return _assemble(raw, [p for p in paras if p.chars])


def _assemble(raw: str, paras: List[_Para]) -> CleanText:
    """Order paragraphs (footnotes after the body paragraph citing them) and build the map."""
    for p in paras:
        p.chars, p.idx = _rewrite(p.chars, p.idx)
        while p.chars and p.chars[-1] == " ":
            p.chars.pop()
            p.idx.pop()
        while p.chars and p.chars[0] == " ":
            p.chars.pop(0)
            p.idx.pop(0)
    paras = [p for p in paras if p.chars]
    footnotes: Dict[int, _Para] = {}
    for p in paras:
        if p.kind == "footnote" and p.number is not None and p.number not in footnotes:
            footnotes[p.number] = p

    # markers: sequential numbers glued to the end of a word or punctuation
    markers: Dict[int, List[Tuple[int, int]]] = {}
    expected = 1
    for p in paras:
        if p.kind != "body":
            continue
        found = []
        for m in MARKER.finditer(p.text):
            n = int(m.group(1))
            if (expected <= n <= expected + 2 or (expected == 1 and not found)) and n in footnotes:
                found.append((n, m.start()))
                expected = n + 1
        markers[p.order] = found

    # reading order is the order paragraphs start in: a body paragraph broken by a
    # page's footnotes comes whole, then those footnotes
    ordered = paras

    text_parts: List[str] = []
    offsets: List[int] = []
    segments: List[Segment] = []
    pos = 0
    for k, p in enumerate(ordered):
        if k:
            text_parts.append("\n\n")
            offsets.extend([p.idx[0], p.idx[0]])
            pos += 2
        text = p.text
        seg = Segment(pos, pos + len(text), p.kind, p.number)
        if p.kind == "body":
            for n, off in markers.get(p.order, []):
                s, e = _sentence_bounds(text, off)
                seg.markers.append({"number": n, "offset": pos + off,
                                    "sentence_start": pos + s, "sentence_end": pos + e})
        segments.append(seg)
        text_parts.append(text)
        offsets.extend(p.idx)
        pos += len(text)
    offsets.append(len(raw))
    return CleanText(raw, "".join(text_parts), offsets, segments)
