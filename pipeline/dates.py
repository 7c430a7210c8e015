"""Normalised ISO 8601 values for DATE entities, with the year inferred from the narrative.

A DATE span such as "7 September" means nothing to a database until it carries
the year the historian meant. This module does three things:

* ``normalize_date`` reads one date expression ("27 Sept. 1920", "summer of
  1920", "11.06.1920 – 1.10.1921", "07 марта 1921", "первая треть ХХ в.",
  "18 (31) августа 1907") into a ``DateValue`` (value, precision,
  year_inferred). It never raises and never invents: what it cannot read gives
  ``None``.
* ``resolve_document_dates`` gives years to dates without one, following the
  narrative of a document (segments, footnotes, forward and backward
  references, publication years, the footnote that cites the same document).
* the ``historian_dates_v1`` spaCy component puts the result on ``Span._.date``.

Month names and qualifier words live in data files (``configs/dates/``) that
``initialize`` loads, so a user extends them without touching code.
"""

import bisect
import calendar
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import registry

DEFAULT_TABLES_PATH = Path(__file__).resolve().parent.parent / "configs" / "dates"
TABLE_FILES = ("months.json", "qualifiers.json", "narrative.json")
PRECISIONS = ("day", "month", "year", "season", "interval")

if not Span.has_extension("date"):
    Span.set_extension("date", default=None)


# ---------------------------------------------------------------------------
# Values


@dataclass(frozen=True)
class DateValue:
    """A normalised date: ISO value, its precision and whether the year was inferred."""

    value: Optional[str]
    precision: Optional[str]
    year_inferred: bool = False

    def to_dict(self) -> Dict[str, Any]:
        return {"value": self.value, "precision": self.precision, "year_inferred": self.year_inferred}


@dataclass(frozen=True)
class _Point:
    """A calendar point; ``year`` None means "the narrative year (+ yoff)"; day -1 is the month's last day."""

    year: Optional[int]
    month: Optional[int] = None
    day: Optional[int] = None
    yoff: int = 0


@dataclass(frozen=True)
class ParsedDate:
    """What the text itself says, before any year is inferred."""

    start: _Point
    end: Optional[_Point]  # None for a single day/month/year
    precision: str
    julian: bool = False  # an Old Style day ("5 March O.S."): its value is the Gregorian day

    @property
    def has_year(self) -> bool:
        return self.start.year is not None and (self.end is None or self.end.year is not None)

    @property
    def month_day(self) -> Tuple[Optional[int], Optional[int]]:
        return self.start.month, self.start.day

    def context_year(self, multi_year_moves: bool = False) -> Optional[int]:
        """The year this date puts the narrative in (None when it sets none)."""
        if not self.has_year:
            return None
        if self.end is None or self.precision == "season":
            return self.start.year
        if self.start.year == self.end.year or multi_year_moves:
            return self.start.year
        return None

    def resolve(self, year: Optional[int] = None) -> Optional[DateValue]:
        """Fill a missing year with ``year``; None when a year is needed and unknown or the date is impossible."""
        inferred = not self.has_year
        if inferred and year is None:
            return None
        start = _fill(self.start, year)
        end = _fill(self.end, year) if self.end is not None else None
        if end is not None and inferred and self.end.year is None and _key_of(end) < _key_of(start):
            end = _Point(end.year + 1, end.month, end.day)
        if self.julian and end is None and self.precision == "day":
            start = _julian_to_gregorian(start)
            if start is None:
                return None
        s = _fmt(start)
        if s is None:
            return None
        if end is None:
            return DateValue(s, self.precision, inferred)
        e = _fmt(end)
        if e is None:
            return None
        return DateValue(f"{s}/{e}", self.precision, inferred)


def _julian_to_gregorian(p: _Point) -> Optional[_Point]:
    """The Gregorian day of an Old Style (Julian calendar) day; None when the Julian day does not exist."""
    if p.year is None or p.month is None or p.day is None or not 1 <= p.month <= 12 or not 0 < p.year < 10000:
        return None
    leap = p.year % 4 == 0  # the Julian rule: every fourth year
    last = 29 if p.month == 2 and leap else calendar.monthrange(2001, p.month)[1]
    if not 1 <= p.day <= last:
        return None
    a = (14 - p.month) // 12
    y, m = p.year + 4800 - a, p.month + 12 * a - 3
    jdn = p.day + (153 * m + 2) // 5 + 365 * y + y // 4 - 32083
    try:
        g = date.fromordinal(jdn - 1721425)
    except ValueError:
        return None
    return _Point(g.year, g.month, g.day)


def _julian_value(value: DateValue) -> DateValue:
    """A day value read as Old Style, turned into its Gregorian day (other precisions unchanged)."""
    if value.precision != "day" or not value.value or "/" in value.value:
        return value
    y, m, d = (int(x) for x in value.value.split("-"))
    g = _julian_to_gregorian(_Point(y, m, d))
    return DateValue(_fmt(g), "day", value.year_inferred) if g is not None else value


def _opens_clause(text: str, lo: int, a: int) -> bool:
    """The date at ``a`` stands in the first words of its sentence or clause ("In 1922, ...", "В 1922 г. ...")."""
    before = re.split(r"[.;:!?]\s|\n", text[lo:a])[-1]
    return len(before.split()) <= 2


def _fill(p: _Point, year: Optional[int]) -> _Point:
    if p.year is not None:
        return p
    return _Point(year + p.yoff, p.month, p.day)


def _key_of(p: _Point) -> Tuple[int, int, int]:
    day = 31 if p.day == -1 else (p.day or 0)
    return (p.year or 0, p.month or 0, day)


def _fmt(p: _Point) -> Optional[str]:
    if p.year is None or not 0 < p.year < 10000:
        return None
    if p.month is None:
        return f"{p.year:04d}"
    if not 1 <= p.month <= 12:
        return None
    if p.day is None:
        return f"{p.year:04d}-{p.month:02d}"
    last = calendar.monthrange(p.year, p.month)[1]
    day = last if p.day == -1 else p.day
    if not 1 <= day <= last:
        return None
    return f"{p.year:04d}-{p.month:02d}-{day:02d}"


# ---------------------------------------------------------------------------
# Tables


def _fold(text: str) -> str:
    """Case- and accent-insensitive key ("März" = "marz", "września" = "wrzesnia")."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf8"))
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}:{e.lineno}: invalid JSON: {e.msg}") from None
    except OSError as e:
        raise ValueError(f"{path}: cannot read date table: {e.strerror}") from None


class DateTables:
    """Month names and qualifier words, compiled for fast matching."""

    def __init__(self, data: Dict[str, Any], source: str = "<tables>"):
        self.data = data
        self.source = source
        try:
            self._compile(data, source)
        except ValueError:
            raise
        except (TypeError, AttributeError, KeyError, re.error) as e:
            raise ValueError(f"{source}: malformed date tables ({type(e).__name__}: {e})") from None
        self._cache: Dict[Tuple[str, bool, Tuple[str, ...]], Optional[ParsedDate]] = {}
        self._dateparsers: Dict[Tuple[str, ...], Any] = {}
        self._resolved: Dict[Tuple[ParsedDate, Optional[int]], Optional[DateValue]] = {}

    def _compile(self, data: Dict[str, Any], source: str) -> None:
        months = data.get("months.json", {})
        quals = data.get("qualifiers.json", {})
        narr = data.get("narrative.json", {})
        self.months: Dict[str, int] = {}
        self.months_exact: Dict[str, int] = {}
        for lang, table in months.items():
            if lang.startswith("_"):
                continue
            if not isinstance(table, dict):
                raise ValueError(f"{source}/months.json: language {lang!r}: expected an object of month number -> forms")
            for num, forms in table.items():
                if not str(num).isdigit() or not 1 <= int(num) <= 12:
                    raise ValueError(f"{source}/months.json: language {lang!r}: {num!r} is not a month number 1-12")
                if not isinstance(forms, list):
                    raise ValueError(f"{source}/months.json: language {lang!r}, month {num}: expected a list of forms")
                for form in forms:
                    if lang == "roman":  # "VII" is a month, "vii" or "I" in prose is not
                        self.months_exact[form] = int(num)
                    else:
                        self.months[_fold(form).rstrip(".")] = int(num)
        strip = _alternation(quals.get("strip_words", []) + quals.get("range_openers", []))
        self.strip_re = re.compile(r"^(?:%s)(?:\s+|$)" % strip, re.IGNORECASE) if strip else None
        self.fillers = {_fold(w).rstrip(".") for w in quals.get("fillers", []) + quals.get("weekdays", [])}
        self.year_markers = {_fold(w) for w in quals.get("year_markers", [])}
        self.year_markers |= {m.rstrip(".") for m in self.year_markers}
        suffixes = sorted(quals.get("ordinal_suffixes", []), key=len, reverse=True)
        self.day_re = re.compile(r"^(\d{1,2})(?:%s)?$" % _alternation(suffixes), re.IGNORECASE)
        markers = _alternation(quals.get("year_markers", []))
        self.year_re = re.compile(r"^(\d{4})(?:%s)?\.?$" % markers if markers else r"^(\d{4})\.?$", re.IGNORECASE)
        qual = _alternation(quals.get("qualifiers", []))
        # "mid-August", "mid August", and "mid- -August" as a line break can leave it
        self.qual_re = re.compile(r"^(?:%s)(?:(?:\s*-\s*)+|\s+)" % qual, re.IGNORECASE) if qual else None
        halves = quals.get("halves", {})
        self.half_re = None
        self.halves: Dict[str, int] = {}
        for num, phrases in halves.items():
            for ph in phrases:
                self.halves[_fold(ph)] = int(num)
        if self.halves:
            self.half_re = re.compile(
                r"^(%s)(?:\s+of)?\s+(.+)$" % _alternation(p for ps in halves.values() for p in ps), re.IGNORECASE
            )
        self.seasons: Dict[str, Tuple[int, int]] = {}
        for name, spec in quals.get("seasons", {}).items():
            try:
                first, last = spec["months"]
                words = spec["words"]
            except (KeyError, TypeError, ValueError):
                raise ValueError(f"{source}/qualifiers.json: season {name!r}: needs 'months': [first, last] and 'words'") from None
            for w in words:
                self.seasons[_fold(w)] = (int(first), int(last))
        conn = quals.get("range_connectors", []) + quals.get("alternative_connectors", [])
        symbols = [c for c in conn if not c.isalpha()]
        words = [c for c in conn if c.isalpha()]
        parts = []
        if symbols:
            parts.append(r"\s*(?:%s)\s*" % _alternation(symbols))
        if words:
            parts.append(r"\s+(?:%s)\s+" % _alternation(words))
        self.connector_re = re.compile("|".join(parts), re.IGNORECASE) if parts else None
        dec = _alternation(quals.get("decade_suffixes", []))
        self.decade_re = (
            re.compile(r"^(\d{3}0)(?:%s)(?:\s+(?:%s))?\.?$" % (dec, markers or "x^"), re.IGNORECASE) if dec else None
        )
        self._compile_centuries(quals, source)
        old = _alternation(quals.get("old_style_markers", []))
        self.old_style_re = re.compile(r"\s*\(?(?:%s)\)?$" % old, re.IGNORECASE) if old else None
        self.numeric_order = quals.get("numeric_order", "dmy")
        self.min_year = int(quals.get("min_year", 1000))
        self.max_year = int(quals.get("max_year", 2199))
        # forward cues indexed by their last word: one dict lookup per date
        self.forward_cues: Dict[str, List[str]] = {}
        for cue in narr.get("forward_cues", []) + narr.get("reference_cues", []):
            folded = " ".join(cue.casefold().split())
            if folded:
                self.forward_cues.setdefault(folded.rsplit(" ", 1)[-1], []).append(folded)
        self.cue_window = int(narr.get("cue_window", 40))
        words = _alternation(" ".join(w.casefold().split()) for w in narr.get("forward_words", []))
        self.forward_words_re = re.compile(r"(?<!\w)(?:%s)(?!\w)" % words) if words else None
        pub = narr.get("publication_year") or {}
        if not isinstance(pub, dict):
            raise ValueError(f"{source}/narrative.json: publication_year: expected an object with 'before' and 'after'")
        try:
            self.pub_before_re = re.compile(pub["before"]) if pub.get("before") else None
            self.pub_after_re = re.compile(pub["after"]) if pub.get("after") else None
        except re.error as e:
            raise ValueError(f"{source}/narrative.json: publication_year: bad regular expression ({e})") from None
        cues = _alternation(" ".join(w.casefold().split()) for w in narr.get("old_style_cues", []))
        self.old_style_cue_re = re.compile(r"(?<!\w)(?:%s)" % cues) if cues else None
        self.old_style_window = int(narr.get("old_style_window", 40))
        self.multi_year_moves = bool(narr.get("multi_year_intervals_move_context", False))

    def _compile_centuries(self, quals: Dict[str, Any], source: str) -> None:
        """ "XX в.", "20th century", "first third of the 20th century" -> an interval of years."""
        self.century_re = None
        self.century_ordinals: Dict[str, int] = {}
        self.century_parts: Dict[str, Tuple[int, int]] = {}
        for num, forms in quals.get("century_ordinals", {}).items():
            for form in forms:
                self.century_ordinals[_fold(form)] = int(num)
        for part in quals.get("century_parts", []):
            try:
                (first, last), forms = part["years"], part["words"]
                first, last = int(first), int(last)
            except (KeyError, TypeError, ValueError):
                raise ValueError(f"{source}/qualifiers.json: century part {part!r}: needs 'years': [first, last] and 'words'") from None
            if not 0 <= first <= last <= 99:
                raise ValueError(f"{source}/qualifiers.json: century part {part!r}: years must be 0 <= first <= last <= 99")
            for form in forms:
                self.century_parts[_fold(form)] = (first, last)
        words = _alternation(quals.get("century_words", []))
        if not words:
            return
        parts = _alternation(w for ws in quals.get("century_parts", []) for w in ws["words"])
        ordinals = _alternation(w for ws in quals.get("century_ordinals", {}).values() for w in ws)
        self.century_re = re.compile(
            r"^(?:(?P<part>%s)\s+(?:(?:of|the|des|der|de|du)\s+)*)?"
            r"(?P<num>[IVXLІХ]{1,6}|\d{1,2}%s)(?:st|nd|rd|th|ый|й|ого|го|\.|e|ème)?-?\s*(?P<word>%s)\.?$"
            % (parts or "x^", "|" + ordinals if ordinals else "", words),
            re.IGNORECASE,
        )

    _ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}

    def _century(self, text: str) -> Optional[ParsedDate]:
        m = self.century_re.match(text) if self.century_re is not None else None
        if not m:
            return None
        num = m.group("num")
        if num.isdigit():
            n = int(num)
        elif _fold(num) in self.century_ordinals:
            n = self.century_ordinals[_fold(num)]
        else:  # Roman, also typed with the Cyrillic Х and І
            digits = [self._ROMAN[c] for c in num.upper().replace("Х", "X").replace("І", "I")]
            n = sum(-d if i + 1 < len(digits) and d < digits[i + 1] else d for i, d in enumerate(digits))
        first, last = (0, 99)
        if m.group("part"):
            first, last = self.century_parts.get(_fold(m.group("part")), (0, 99))
        start = (n - 1) * 100
        if not 1 <= n <= 30 or not self._year_ok(start + first) or not self._year_ok(start + last):
            return None
        return ParsedDate(_Point(start + first), _Point(start + last), "interval")

    def __reduce__(self):  # pickled for nlp.pipe(n_process=...): data only, caches and parsers rebuilt
        return (DateTables, (self.data, self.source))

    @classmethod
    def from_dir(cls, path: Union[str, Path]) -> "DateTables":
        path = Path(path)
        if not path.is_dir():
            raise ValueError(f"{path}: date tables folder not found")
        data = {}
        for name in TABLE_FILES:
            f = path / name
            if f.exists():
                data[name] = _read_json(f)
        if "months.json" not in data:
            raise ValueError(f"{path}/months.json: missing (the month-name table is required)")
        return cls(data, source=str(path))

    def to_dir(self, path: Union[str, Path]) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name, content in self.data.items():
            _atomic_write(path / name, json.dumps(content, ensure_ascii=False, indent=2))

    # -- parsing -----------------------------------------------------------

    def parse(self, text: str, use_dateparser: bool = True, languages: Sequence[str] = ()) -> Optional[ParsedDate]:
        """Read ``text`` (cached); None when it is not a calendar expression."""
        key = (text, use_dateparser, tuple(languages))
        if key in self._cache:
            return self._cache[key]
        try:
            result = self._parse(text)
            if result is None and use_dateparser:
                result = self._parse_dateparser(text, languages)
        except Exception:  # a date that breaks the reader is unreadable, never fatal
            result = None
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[key] = result
        return result

    def _clean(self, text: str) -> str:
        text = " ".join(text.replace("\u00a0", " ").split())
        text = text.strip(" ,;:()[]\"'“”‘’«»")
        prev = None
        while prev != text and self.strip_re is not None:
            prev = text
            text = self.strip_re.sub("", text, count=1).strip(" ,;:()")
        return text

    def _parse(self, text: str) -> Optional[ParsedDate]:
        text = self._clean(text)
        if not text:
            return None
        if self.old_style_re is not None:
            m = self.old_style_re.search(text)
            if m and m.start() > 0:  # "5 March 1921 O.S."
                inner = self._parse(text[: m.start()])
                if inner is None or inner.precision != "day" or inner.end is not None:
                    return None
                return replace(inner, julian=True)
        single = self._parse_single(text)
        if single is not None:
            return single
        dual = self._parse_dual(text)
        if dual is not None:
            return dual
        return self._parse_interval(text)

    _DUAL_PAREN_RE = re.compile(r"^(?P<a>[^()]+?)\s*\((?P<b>[^()]+)\)\s*(?P<rest>[^()]*)$")
    _DUAL_SLASH_RE = re.compile(r"^(?P<a>\d{1,2})\s*/\s*(?P<b>\d{1,2})\s+(?P<rest>\D.*)$")

    def _parse_dual(self, text: str) -> Optional[ParsedDate]:
        """An Old Style day with its New Style one: "18 (31) августа 1907", "31 января (13 февраля) 1918", "18/31 августа".

        The annotation takes the Gregorian day. Both days must be one Julian-Gregorian
        offset apart, so a real pair of dates is never taken for one.
        """
        m = self._DUAL_PAREN_RE.match(text) or self._DUAL_SLASH_RE.match(text)
        if not m:
            return None
        rest = m.group("rest")
        old = self._parse_single(self._clean(f"{m.group('a')} {rest}"))
        new = self._parse_single(self._clean(f"{m.group('b')} {rest}"))
        if old is None or new is None or old.end is not None or new.end is not None:
            return None
        if old.precision != "day" or new.precision != "day":
            return None
        o, n = old.start, new.start
        year = o.year if o.year is not None else n.year
        if year is None:  # no year: the gap must be an Old Style offset (10 to 13 days)
            gap = (date(2001, n.month, n.day) - date(2001, o.month, o.day)).days % 365
            return new if 10 <= gap <= 13 else None
        for y in (year, year - 1) if o.year is None else (year,):
            g = _julian_to_gregorian(_Point(y, o.month, o.day))
            if g is not None and (g.month, g.day) == (n.month, n.day) and n.year in (None, g.year):
                return ParsedDate(g, None, "day")
        return None

    def _parse_single(self, text: str, allow_qualifier: bool = True) -> Optional[ParsedDate]:
        m = self.decade_re.match(text) if self.decade_re is not None else None
        if m:
            y = int(m.group(1))
            return ParsedDate(_Point(y), _Point(y + 9), "interval") if self._year_ok(y) else None
        century = self._century(text)
        if century is not None:
            return century
        if self.half_re is not None:
            m = self.half_re.match(text)
            if m:
                return self._half(self.halves.get(_fold(m.group(1)), 0), m.group(2))
        if allow_qualifier and self.qual_re is not None:
            m = self.qual_re.match(text)
            if m and m.end() < len(text):
                rest = self._clean(text[m.end():])
                inner = self._parse_single(rest, allow_qualifier=False)
                return inner
        return self._parse_tokens(text)

    def _half(self, which: int, rest: str) -> Optional[ParsedDate]:
        inner = self._parse_single(self._clean(rest), allow_qualifier=False)
        if inner is None or which not in (1, 2) or inner.end is not None:
            return None
        p = inner.start
        if inner.precision == "year":
            a, b = (1, 6) if which == 1 else (7, 12)
            return ParsedDate(_Point(p.year, a), _Point(p.year, b), "interval")
        if inner.precision == "month":
            a, b = (1, 15) if which == 1 else (16, -1)
            return ParsedDate(_Point(p.year, p.month, a), _Point(p.year, p.month, b), "interval")
        return None

    def _year_ok(self, y: int) -> bool:
        return self.min_year <= y <= self.max_year

    def _parse_tokens(self, text: str) -> Optional[ParsedDate]:
        day = month = year = None
        season = None
        split_year = False  # "winter of 1920/21"
        tokens = text.replace(",", " ").split()
        if not tokens:
            return None
        for tok in tokens:
            folded = _fold(tok)
            bare = folded.rstrip(".")
            if bare in self.fillers or folded in self.year_markers or bare in self.year_markers:
                if (folded in self.year_markers or bare in self.year_markers) and year is None and bare not in self.fillers:
                    return None  # "г." with no year before it
                continue
            if tok[0].isdigit():
                m = self.year_re.match(tok)
                if m:
                    if year is not None:
                        return None
                    year = int(m.group(1))
                    if not self._year_ok(year):
                        return None
                    continue
                m = self.day_re.match(tok)
                if m:
                    if day is not None:
                        return None
                    day = int(m.group(1))
                    continue
                m = self._SPLIT_YEAR_RE.match(tok)
                if m and year is None:
                    a, b = int(m.group(1)), m.group(2)
                    b = a // 100 * 100 + int(b) if len(b) == 2 else int(b)
                    if b != a + 1 or not self._year_ok(a):
                        return None
                    year, split_year = a, True
                    continue
                num = self._numeric(tok)
                if num is None or (day or month or year):
                    return None
                year, month, day = num
                continue
            mo = self.months_exact.get(tok.rstrip("."))
            if mo is None:
                mo = self.months.get(bare)
            if mo is not None:
                if month is not None:
                    return None
                month = mo
                continue
            se = self.seasons.get(bare)
            if se is not None and season is None:
                season = se
                continue
            return None
        if split_year and (season is None or season[1] >= season[0]):
            return None
        if season is not None:
            if month is not None or day is not None:
                return None
            first, last = season
            yoff = 1 if last < first else 0
            end_year = year + yoff if year is not None else None
            return ParsedDate(_Point(year, first), _Point(end_year, last, yoff=yoff), "season")
        if day is not None and month is None:
            return None
        if month is None:
            return ParsedDate(_Point(year), None, "year") if year is not None else None
        if day is not None:
            if not 1 <= day <= (calendar.monthrange(year, month)[1] if year else (29 if month == 2 else 31)):
                return None
            return ParsedDate(_Point(year, month, day), None, "day")
        return ParsedDate(_Point(year, month), None, "month")

    _SPLIT_YEAR_RE = re.compile(r"^(\d{4})[/–-](\d{2}|\d{4})$")
    _NUMERIC_RE = re.compile(r"^(\d{1,4})([./-])(\d{1,2}|[IVX]{1,4})\2(\d{1,4})\.?$")
    _MONTH_YEAR_RE = re.compile(r"^(\d{1,2}|[IVX]{1,4})[./](\d{4})\.?$")

    def _numeric(self, tok: str) -> Optional[Tuple[int, int, Optional[int]]]:
        """11.06.1920, 1.10.1921, 26.07.1920., 12.VII.1920, 1920-07-12, 06.1920 -> (year, month, day)."""
        m = self._MONTH_YEAR_RE.match(tok)
        if m:
            mo = int(m.group(1)) if m.group(1).isdigit() else self.months_exact.get(m.group(1))
            y = int(m.group(2))
            if mo is None or not 1 <= mo <= 12 or not self._year_ok(y):
                return None
            return y, mo, None
        m = self._NUMERIC_RE.match(tok)
        if not m:
            return None
        a, sep, b, c = m.groups()
        mid = int(b) if b.isdigit() else self.months_exact.get(b)
        if mid is None:
            return None
        if len(a) == 4:  # ISO year-month-day
            y, mo, d = int(a), mid, int(c)
        elif len(c) == 4:
            if self.numeric_order == "mdy" and b.isdigit():
                y, mo, d = int(c), int(a), mid
            else:
                y, mo, d = int(c), mid, int(a)
        else:
            return None
        if not self._year_ok(y) or not 1 <= mo <= 12:
            return None
        if not 1 <= d <= calendar.monthrange(y, mo)[1]:
            return None
        return y, mo, d

    def _parse_interval(self, text: str) -> Optional[ParsedDate]:
        if self.connector_re is None:
            return None
        for m in self.connector_re.finditer(text):
            left_text, right_text = self._clean(text[: m.start()]), self._clean(text[m.end():])
            if not left_text or not right_text:
                continue
            right = self._parse_single(right_text)
            if right is None:
                continue
            left = self._parse_single(left_text)
            if left is None:
                left = self._bare_number_left(left_text, right)
            if left is None:
                left = self._bare_century_left(left_text, right_text)
            if left is None:
                continue
            result = self._join(left, right)
            if result is not None:
                return result
        # "1918–21": a two-digit year after a full one
        m = re.match(r"^(\d{4})\s*[–—‒−/-]\s*(\d{2})$", text)
        if m:
            a = int(m.group(1))
            b = a // 100 * 100 + int(m.group(2))
            if b > a and self._year_ok(a):
                return ParsedDate(_Point(a), _Point(b), "interval")
            if 1 <= int(m.group(2)) <= 12 and text[4] == "-" and self._year_ok(a):  # ISO "1920-07"
                return ParsedDate(_Point(a, int(m.group(2))), None, "month")
        return None

    def _bare_number_left(self, left_text: str, right: ParsedDate) -> Optional[ParsedDate]:
        """The "12" of "12–16 July 1920" or "12 and 16 July": a day taking the right side's month."""
        m = self.day_re.match(left_text)
        if not m or right.end is not None or right.precision != "day":
            return None
        day = int(m.group(1))
        r = right.start
        if not 1 <= day <= 31:
            return None
        return ParsedDate(_Point(r.year, r.month, day), None, "day")

    def _bare_century_left(self, left_text: str, right_text: str) -> Optional[ParsedDate]:
        """The "XIX" of "XIX–XX вв.": a century taking the right side's word."""
        m = self.century_re.match(right_text) if self.century_re is not None else None
        if not m or m.group("part"):
            return None
        return self._century(f"{left_text} {right_text[m.start('word') :]}")

    def _join(self, left: ParsedDate, right: ParsedDate) -> Optional[ParsedDate]:
        a = left.start
        b = right.end if right.end is not None else right.start
        # the left side borrows what it lacks from the right: "July–August 1920", "12 July – 3 August 1920"
        if a.year is None and b.year is not None:
            if a.month is not None and right.start.month is not None and a.month > right.start.month:
                a = _Point(right.start.year - 1 if right.start.year else None, a.month, a.day)
            else:
                a = _Point(right.start.year, a.month, a.day, right.start.yoff)
        elif b.year is None and a.year is not None and left.end is None:
            # "from 20 December 1920 to 5 January": the year rolls over when the right side comes earlier
            y = a.year
            if b.month is not None and a.month is not None and (b.month, b.day or 0) < (a.month, a.day or 0):
                y += 1
            b = _Point(y + b.yoff, b.month, b.day)
        if (a.year is None) != (b.year is None):
            return None
        if a.year is not None and _key_of(b) < _key_of(a):
            return None
        if a.year is None and b.yoff == 0 and _key_of(b) < _key_of(a):
            b = _Point(None, b.month, b.day, 1)
        return ParsedDate(a, b, "interval")

    def _parse_dateparser(self, text: str, languages: Sequence[str]) -> Optional[ParsedDate]:
        """Fallback for languages the tables lack ("12 luglio 1920"); only trusted with a written year."""
        cleaned = self._clean(text)
        years = re.findall(r"(?<!\d)(\d{4})(?!\d)", cleaned)
        if len(years) != 1 or not re.search(r"[^\W\d_]{3,}", cleaned):
            return None
        words = re.findall(r"[^\W\d_]+", cleaned)
        if any(_fold(w) in self.months or _fold(w) in self.seasons for w in words):
            return None  # the tables knew the words: the date is wrong ("31 February"), not foreign
        parser = self._dateparsers.get(tuple(languages))
        if parser is None:
            from dateparser.date import DateDataParser

            parser = self._dateparsers[tuple(languages)] = DateDataParser(
                languages=list(languages) or None,
                settings={
                    "PREFER_DAY_OF_MONTH": "first",
                    "RETURN_AS_TIMEZONE_AWARE": False,
                    "PARSERS": ["absolute-time"],
                    "REQUIRE_PARTS": ["month", "year"],
                },
            )
        data = parser.get_date_data(cleaned)
        if data is None or data.date_obj is None:
            return None
        d = data.date_obj
        if d.year != int(years[0]):
            return None
        if data.period == "day":
            if not re.search(r"(?<!\d)\d{1,2}(?!\d)", cleaned):
                return None
            return ParsedDate(_Point(d.year, d.month, d.day), None, "day")
        if data.period == "month":
            return ParsedDate(_Point(d.year, d.month), None, "month")
        return None

    def is_forward(self, before: str) -> bool:
        """Whether the text right before a date announces a planned/future event or names another time."""
        tail = " ".join(before[-self.cue_window :].casefold().split())
        if not tail:
            return False
        if self.forward_words_re is not None:
            clause = re.split(r"[.;!?](?:\s|$)", tail)[-1]
            if self.forward_words_re.search(clause):
                return True
        cues = self.forward_cues.get(tail.rsplit(" ", 1)[-1])
        if not cues:
            return False
        for cue in cues:
            if tail.endswith(cue) and (len(tail) == len(cue) or not tail[-len(cue) - 1].isalnum()):
                return True
        return False

    def is_old_style(self, after: str) -> bool:
        """Whether the text right after a date says it is Old Style ("18 August by the Julian calendar", "5 March (O.S.)")."""
        if self.old_style_cue_re is None:
            return False
        window = " ".join(after[: self.old_style_window].casefold().split())
        m = self.old_style_cue_re.match(window.lstrip(" ,("))
        return m is not None and not window.lstrip(" ,(")[m.end() : m.end() + 1].isalnum()

    def is_publication_year(self, before: str, after: str) -> bool:
        """A year-only date in a bibliographic reference: "(Göttingen, 1985)"."""
        if self.pub_before_re is None or self.pub_after_re is None:
            return False
        return bool(self.pub_before_re.search(before[-self.cue_window :]) and self.pub_after_re.search(after[: self.cue_window]))

    def resolve(self, parsed: ParsedDate, year: Optional[int] = None) -> Optional[DateValue]:
        """``parsed.resolve(year)``, memoised (the same dates recur through a document)."""
        key = (parsed, year if not parsed.has_year else None)
        if key not in self._resolved:
            if len(self._resolved) > 100_000:
                self._resolved.clear()
            self._resolved[key] = parsed.resolve(year)
        return self._resolved[key]


def _atomic_write(path: Path, content: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=str(path.parent), prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf8") as f:
            f.write(content)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


_DEFAULT_TABLES: Optional[DateTables] = None


def default_tables() -> DateTables:
    """The project's tables from configs/dates (loaded once)."""
    global _DEFAULT_TABLES
    if _DEFAULT_TABLES is None:
        _DEFAULT_TABLES = DateTables.from_dir(DEFAULT_TABLES_PATH)
    return _DEFAULT_TABLES


DEFAULT_LANGUAGES = ("en", "ru", "de", "pl", "fr")


def normalize_date(
    text: str,
    *,
    year: Optional[int] = None,
    tables: Optional[DateTables] = None,
    use_dateparser: bool = True,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
) -> Optional[DateValue]:
    """Normalise one date expression; ``year`` is the narrative year for dates without one.

    Returns None for what is not a readable calendar expression, and for a date
    without a year when no ``year`` is given. Never raises.
    """
    try:
        if not isinstance(text, str):
            return None
        t = tables if tables is not None else default_tables()
        parsed = t.parse(text, use_dateparser=use_dateparser, languages=languages)
        return parsed.resolve(year) if parsed is not None else None
    except Exception:
        return None


# ---------------------------------------------------------------------------
# Year inference over a document


_SENT_END_RE = re.compile(r"[.!?…][\"”’»)\]]*(?:\d{1,3})?\s+")


def _sentence_bounds(text: str, seg_start: int, seg_end: int, start: int, end: int) -> Tuple[int, int]:
    """A cheap sentence around [start, end) inside a segment; the end keeps a trailing footnote marker."""
    s = seg_start
    for m in _SENT_END_RE.finditer(text, seg_start, start):
        nxt = text[m.end() : m.end() + 1]
        if nxt and (nxt.isupper() or nxt in "“\"«‘("):
            s = m.end()
    e = seg_end
    for m in _SENT_END_RE.finditer(text, end, seg_end):
        nxt = text[m.end() : m.end() + 1]
        if nxt and (nxt.isupper() or nxt in "“\"«‘("):
            e = m.end()
            break
    return s, e


def _normalise_segments(segments: Optional[List[dict]], length: int) -> List[dict]:
    if not segments:
        return [{"start": 0, "end": length, "kind": "body", "number": None, "markers": []}]
    return sorted(segments, key=lambda s: s["start"])


def resolve_document_dates(
    text: str,
    spans: Sequence[Tuple[int, int]],
    tables: DateTables,
    *,
    segments: Optional[List[dict]] = None,
    sentences: Optional[Callable[[int], Optional[Tuple[int, int]]]] = None,
    use_dateparser: bool = True,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
) -> List[Optional[DateValue]]:
    """Normalise every DATE span of a document, inferring missing years from the narrative.

    ``spans`` are (start_char, end_char) of the DATEs; ``sentences`` optionally
    maps a span's index to its sentence's (start, end), asked only for dates
    without a year next to a footnote marker (otherwise found cheaply in the text).
    """
    segs = _normalise_segments(segments, len(text))
    seg_starts = [s["start"] for s in segs]
    n = len(spans)
    parsed: List[Optional[ParsedDate]] = []
    for a, b in spans:
        try:
            parsed.append(tables.parse(text[a:b], use_dateparser=use_dateparser, languages=languages))
        except Exception:
            parsed.append(None)
    seg_of = [max(0, bisect.bisect_right(seg_starts, a) - 1) for a, _ in spans]
    by_seg: Dict[int, List[int]] = {}
    for i in sorted(range(n), key=lambda i: spans[i][0]):
        by_seg.setdefault(seg_of[i], []).append(i)
    out: List[Optional[DateValue]] = [None] * n

    def sets_year(i: int, running: Optional[int] = None) -> Optional[int]:
        """The narrative year date ``i`` moves to, None when it names another time."""
        p, seg = parsed[i], segs[seg_of[i]]
        cy = p.context_year(tables.multi_year_moves)
        if cy is None:
            return None
        a, b = spans[i]
        if running is not None and cy < running and p.precision == "year" and p.end is None and \
                not _opens_clause(text, max(seg["start"], a - 40), a):
            return None  # "...the treaty signed at Rapallo in 1922": a look back inside a sentence, not a new year
        if tables.is_forward(text[max(seg["start"], a - tables.cue_window) : a]):
            return None
        if (
            seg.get("kind") == "footnote"
            and p.precision == "year"
            and p.end is None
            and tables.is_publication_year(text[seg["start"] : a], text[b : seg["end"]])
        ):
            return None  # "(Göttingen, 1985)": the book's year, not the footnote's story
        return cy

    # body: one running narrative across body segments, in document order
    body_updates: List[Tuple[int, int]] = []  # (offset, year), offsets ascending
    year: Optional[int] = None
    pending: List[int] = []  # yearless body dates, for the footnote check
    def walk(indices: List[int], year: Optional[int], body: bool) -> Optional[int]:
        """Resolve the dates of one segment in order; explicit years move the running year."""
        for i in indices:
            p = parsed[i]
            if p is None:
                continue
            if p.has_year:
                out[i] = tables.resolve(p)
                cy = sets_year(i, year)
                if cy is not None:
                    year = cy
                    if body:
                        body_updates.append((spans[i][1], year))
            else:
                out[i] = tables.resolve(p, year)
                if body:
                    pending.append(i)
        return year

    footnote_segs: List[int] = []
    footnotes: Dict[int, List[int]] = {}
    for si, seg in enumerate(segs):
        if seg.get("kind") == "footnote":
            footnote_segs.append(si)
            if seg.get("number") is not None:
                footnotes.setdefault(int(seg["number"]), []).append(si)
            continue
        year = walk(by_seg.get(si, []), year, body=True)
    upd_offsets = [o for o, _ in body_updates]

    def body_year_at(offset: int) -> Optional[int]:
        k = bisect.bisect_right(upd_offsets, offset)
        return body_updates[k - 1][1] if k else None

    def footnote_segment(number: int, offset: int) -> Optional[int]:
        cands = footnotes.get(number, [])
        after = [si for si in cands if segs[si]["start"] >= offset]
        return after[0] if after else (cands[-1] if cands else None)

    def seg_markers(seg: dict) -> List[Tuple[int, int]]:
        found = []
        for mk in seg.get("markers") or []:
            try:
                found.append((int(mk["offset"]), int(mk["number"])))
            except (KeyError, TypeError, ValueError):
                continue
        return found

    # footnotes: own narrative, starting from the body's year at the marker
    marker_at: Dict[int, int] = {}
    for seg in segs:
        if seg.get("kind") != "footnote":
            for off, num in seg_markers(seg):
                si = footnote_segment(num, off)
                if si is not None and si not in marker_at:
                    marker_at[si] = off
    for si in footnote_segs:
        seg = segs[si]
        year = body_year_at(marker_at[si]) if si in marker_at else body_year_at(seg["start"])
        walk(by_seg.get(si, []), year, body=False)

    def document_date(si: int, like: Optional[ParsedDate]) -> Optional[ParsedDate]:
        """The first single dated day/month in footnote ``si`` (the same day and month as ``like`` if given)."""
        for j in by_seg.get(si, []):
            q = parsed[j]
            if q is None or not q.has_year or q.end is not None or q.precision not in ("day", "month"):
                continue
            if like is None or (q.precision == like.precision and q.month_day == like.month_day):
                return q
        return None

    # the footnote attached to the sentence dates the same document: its year wins;
    # with no narrative year yet, any footnote of the paragraph may
    for i in pending:
        p = parsed[i]
        seg = segs[seg_of[i]]
        markers = seg_markers(seg)
        if not markers:
            continue
        a, b = spans[i]
        if out[i] is None:
            s, e = seg["start"], seg["end"]
        else:
            bounds = sentences(i) if sentences is not None else None
            if bounds is not None:
                s, e = bounds
            else:
                s, e = _sentence_bounds(text, seg["start"], seg["end"], a, b)
        for off, num in markers:
            if not s <= off <= e + 3:
                continue
            si = footnote_segment(num, off)
            found = document_date(si, p) if si is not None else None
            if found is not None:
                out[i] = tables.resolve(p, found.start.year)
                break
    # a document that starts without a year (a chapter cut from a book): the first
    # year it gives ahead, from a footnote of the paragraph, else from the body
    for i in pending:
        if out[i] is not None:
            continue
        a, b = spans[i]
        markers = sorted(seg_markers(segs[seg_of[i]]), key=lambda m: (m[0] < a, abs(m[0] - a)))
        guess = None
        for off, num in markers:
            si = footnote_segment(num, off)
            found = document_date(si, None) if si is not None else None
            if found is not None:
                guess = found.start.year
                break
        if guess is None:
            k = bisect.bisect_right(upd_offsets, a)
            guess = body_updates[k][1] if k < len(body_updates) else None
        out[i] = tables.resolve(parsed[i], guess)
    # "18 August by the Julian calendar": the annotation wants the Gregorian day
    for i in range(n):
        if out[i] is not None and out[i].precision == "day" and not parsed[i].julian:
            seg = segs[seg_of[i]]
            if tables.is_old_style(text[spans[i][1] : seg["end"]]):
                out[i] = _julian_value(out[i])
    return out


# ---------------------------------------------------------------------------
# spaCy component


@registry.scorers("historian.date_scorer.v1")
def make_date_scorer(label: str = "DATE") -> Callable[..., Dict[str, Optional[float]]]:
    def scorer(examples: Iterable[Example], **kwargs) -> Dict[str, Optional[float]]:
        return score_dates(examples, label=label)

    return scorer


def score_dates(examples: Iterable[Example], label: str = "DATE") -> Dict[str, Optional[float]]:
    """Share of gold DATEs found with the exact span and the gold value (and with precision/year_inferred)."""
    total = value_ok = exact_ok = 0
    for eg in examples:
        pred = {(e.start_char, e.end_char): e for e in eg.predicted.ents if e.label_ == label}
        for g in eg.reference.ents:
            if g.label_ != label:
                continue
            gold = g._.date
            if not gold:
                continue
            total += 1
            p = pred.get((g.start_char, g.end_char))
            guess = p._.date if p is not None else None
            if not guess or guess.get("value") != gold.get("value"):
                continue
            value_ok += 1
            if guess.get("precision") == gold.get("precision") and bool(guess.get("year_inferred")) == bool(
                gold.get("year_inferred")
            ):
                exact_ok += 1
    if not total:
        return {"date_value_acc": None, "date_exact_acc": None}
    return {"date_value_acc": value_ok / total, "date_exact_acc": exact_ok / total}


@Language.factory(
    "historian_dates_v1",
    assigns=["span._.date"],
    requires=["doc.ents"],
    default_config={
        "label": "DATE",
        "use_dateparser": True,
        "languages": list(DEFAULT_LANGUAGES),
        "scorer": {"@scorers": "historian.date_scorer.v1"},
    },
    default_score_weights={"date_value_acc": 1.0, "date_exact_acc": 0.0},
)
def make_date_normalizer(
    nlp: Language,
    name: str,
    label: str,
    use_dateparser: bool,
    languages: List[str],
    scorer: Optional[Callable],
) -> "DateNormalizer":
    return DateNormalizer(
        nlp, name, label=label, use_dateparser=use_dateparser, languages=languages, scorer=scorer
    )


class DateNormalizer:
    """Sets ``Span._.date`` on every DATE entity of a doc."""

    def __init__(
        self,
        nlp: Language,
        name: str = "historian_dates",
        *,
        label: str = "DATE",
        use_dateparser: bool = True,
        languages: Sequence[str] = DEFAULT_LANGUAGES,
        scorer: Optional[Callable] = None,
    ):
        self.name = name
        self.label = label
        self.use_dateparser = use_dateparser
        self.languages = list(languages)
        self.scorer = scorer
        self.tables: Optional[DateTables] = None

    def initialize(
        self,
        get_examples: Optional[Callable[[], Iterable[Example]]] = None,
        *,
        nlp: Optional[Language] = None,
        tables_path: Optional[Union[str, Path]] = None,
    ) -> None:
        """Load the month-name and qualifier tables (default: the project's configs/dates)."""
        self.tables = DateTables.from_dir(tables_path) if tables_path else DateTables.from_dir(DEFAULT_TABLES_PATH)

    def _get_tables(self) -> DateTables:
        if self.tables is None:  # used without initialize: the project's own tables
            self.tables = default_tables()
        return self.tables

    def __call__(self, doc: Doc) -> Doc:
        ents = [e for e in doc.ents if e.label_ == self.label]
        if not ents:
            return doc
        tables = self._get_tables()
        spans = [(e.start_char, e.end_char) for e in ents]
        has_sents: List[bool] = []

        def sentences(i: int) -> Optional[Tuple[int, int]]:
            if not has_sents:  # checking the doc costs a pass over its tokens: only when needed
                has_sents.append(doc.has_annotation("SENT_START"))
            if not has_sents[0]:
                return None
            sent = ents[i].sent
            return sent.start_char, sent.end_char

        try:
            values = resolve_document_dates(
                doc.text,
                spans,
                tables,
                segments=doc.user_data.get("segments"),
                sentences=sentences,
                use_dateparser=self.use_dateparser,
                languages=self.languages,
            )
        except Exception:  # malformed segments: read the doc as plain text, one body
            try:
                values = resolve_document_dates(
                    doc.text, spans, tables, use_dateparser=self.use_dateparser, languages=self.languages
                )
            except Exception:
                values = [None] * len(ents)
        for ent, val in zip(ents, values):
            ent._.date = val.to_dict() if val is not None else None
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in stream:
            yield self(doc)

    def score(self, examples: Iterable[Example], **kwargs) -> Dict[str, Optional[float]]:
        if self.scorer is None:
            return score_dates(examples, label=self.label)
        return self.scorer(examples, **kwargs)

    # -- serialisation -----------------------------------------------------

    def to_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self._get_tables().to_dir(path / "tables")
        cfg = {"label": self.label, "use_dateparser": self.use_dateparser, "languages": self.languages}
        _atomic_write(path / "cfg.json", json.dumps(cfg, indent=2))

    def from_disk(self, path: Union[str, Path], *, exclude: Iterable[str] = tuple()) -> "DateNormalizer":
        path = Path(path)
        if (path / "cfg.json").exists():
            cfg = _read_json(path / "cfg.json")
            self.label = cfg.get("label", self.label)
            self.use_dateparser = cfg.get("use_dateparser", self.use_dateparser)
            self.languages = cfg.get("languages", self.languages)
        self.tables = DateTables.from_dir(path / "tables")
        return self

    def to_bytes(self, *, exclude: Iterable[str] = tuple()) -> bytes:
        cfg = {"label": self.label, "use_dateparser": self.use_dateparser, "languages": self.languages}
        return srsly.msgpack_dumps({"cfg": cfg, "tables": self._get_tables().data})

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = tuple()) -> "DateNormalizer":
        msg = srsly.msgpack_loads(data)
        cfg = msg.get("cfg", {})
        self.label = cfg.get("label", self.label)
        self.use_dateparser = cfg.get("use_dateparser", self.use_dateparser)
        self.languages = cfg.get("languages", self.languages)
        self.tables = DateTables(msg["tables"], source="<bytes>")
        return self
