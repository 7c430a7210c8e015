"""Name normalisation shared by the knowledge base and the entity linker.

Historians write the same name in many ways: scripts (Иоффе / Ioffe), national
transliteration schemes (Tschitscherin, Čičerin, Chicherin), inflected forms
(Коппа, Piłsudskiego), possessives (Kopp's), initials and patronymics
(В.Л. Копп, Viktor Leontevich Kopp). The linker looks candidates up by keys that
make those variants equal; every key is a plain string so lookups stay dict-based.

Three levels of keys, from strict to loose:

- ``norm_key``: case, diacritics (ł -> l, ß -> ss), quotes, punctuation and
  possessives folded; the script is kept (Копп and Kopp differ).
- ``compact_key``: Cyrillic transliterated (iuliia, Wikipedia scheme), then
  letters that the schemes write differently collapsed (j/y/i, ch/kh/tsch/č,
  w/v, z/s, ks/x, ie/e, double letters), so that all schemes meet.
- ``PersonName``: surname + initials, so "В.Л. Копп" and "Viktor Leontevich
  Kopp" share surname key "kop" and initials "v", "l".

Ł and l are folded: the sources themselves mix them ("Ołdakowski" in the body,
"Oldakowski" in a footnote), and no two entities in the domain differ by it; the
exact-alias lookup still sees the original spelling first.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, List, Optional, Tuple

import iuliia

# Schemes a historian meets in print; the first one feeds compact_key.
TRANSLIT_SCHEMES = {
    "wikipedia": iuliia.WIKIPEDIA,
    "bgn_pcgn": iuliia.BGN_PCGN,
    "ala_lc": iuliia.ALA_LC,
    "scientific": iuliia.SCIENTIFIC,
    "gost_779": iuliia.GOST_779,
    "icao": iuliia.ICAO_DOC_9303,
    "mosmetro": iuliia.MOSMETRO,
    "french": iuliia.MVD_310_FR,
}

_QUOTES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u02bc": "'",
    "\u02b9": "'", "\u00b4": "'", "`": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u00ad": "",
}
# Letters NFKD does not decompose.
_SPECIAL_FOLD = {
    "ł": "l", "Ł": "l", "ß": "ss", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae",
    "œ": "oe", "Œ": "oe", "đ": "d", "Đ": "d", "ı": "i", "ð": "d", "þ": "th",
    "ё": "е", "Ё": "е",
}
# Latin letters written with diacritics in scholarly transliteration whose
# English equivalent is a digraph; applied before diacritics are stripped.
_SCHOLARLY = {
    "č": "ch", "š": "sh", "ž": "zh", "ŝ": "shch", "ǆ": "dzh", "â": "ya",
    "û": "yu", "ĭ": "i", "ë": "e",
}
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_POSSESSIVE_RE = re.compile(r"(?<=\w)(?:'s|'|s')$", re.IGNORECASE)
_NON_WORD_RE = re.compile(r"[^\w]+", re.UNICODE)
_PARTICLES = {"von", "van", "de", "der", "den", "la", "le", "di", "du", "da", "zu", "vom", "ritter", "freiherr", "graf", "fon", "фон"}
# forms of address written before a name, which ANNOTATION.md keeps out of PERSON spans
# but a model or a text may still carry: "M. Briand", "Herr Stresemann", "p. Olszowski"
_HONORIFICS = {"m.", "mm.", "mr.", "mr", "messrs.", "mrs.", "mrs", "mme", "mme.", "mlle", "herr", "frau", "sir", "dr.",
               "dr", "prof.", "pan", "p.", "pani", "ks.", "monsieur", "madame", "signor", "comrade", "тов.", "г-н",
               "господин", "gen.", "col.", "capt.",
               # titles of nobility ("Count Ulrich von Brockdorff-Rantzau", "Baron Sonnino", "Graf Lerchenfeld")
               "count", "countess", "baron", "baroness", "prince", "princess", "graf", "gräfin", "fürst", "freiherr",
               "hrabia", "książę",
               # inflected titles and offices before a name ("posła Patka", "kanclerzem Hitlerem"), also kept
               # out of PERSON spans by ANNOTATION.md
               "poseł", "posła", "posłem", "posłowi", "ambasador", "ambasadora", "ambasadorem", "minister",
               "ministra", "ministrem", "generał", "generała", "generałem", "marszałek", "marszałka", "marszałkiem",
               "prezydent", "prezydenta", "premier", "premiera", "kanclerz", "kanclerza", "kanclerzem",
               "botschafter", "gesandte", "gesandten", "reichskanzler", "staatssekretär", "посол", "посла", "послу",
               "нарком", "наркома", "наркому"}
_LEADING_ARTICLES = ("the ", "die ", "der ", "das ", "la ", "le ", "les ")
_PATRONYMIC_RE = re.compile(
    r"(ovich|evich|ovic|evic|owitsch|ewitsch|ych|ich|ovna|evna|ichna|ovitch|evitch|"
    r"ович|евич|ич|овна|евна|ична|инична)$", re.IGNORECASE,
)


def has_cyrillic(text: str) -> bool:
    return bool(_CYRILLIC_RE.search(text))


def clean_quotes(text: str) -> str:
    """Unify apostrophes, quotes and dashes; NFC; collapse whitespace."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(_QUOTES.get(c, c) for c in text)
    return " ".join(text.split())


@lru_cache(maxsize=200_000)
def strip_possessive(text: str) -> str:
    """Kopp's -> Kopp, Simmons' -> Simmons (a trailing s' keeps its s)."""
    text = clean_quotes(text).strip(' "')
    if text.startswith("'"):
        text = text.lstrip("'")
    m = _POSSESSIVE_RE.search(text)
    if not m:
        return text
    tail = m.group(0)
    if tail.lower() == "s'":
        return text[:-1]
    return text[: -len(tail)]


def is_honorific(word: str) -> bool:
    """A form of address ("M.", "Herr", "p."), not part of a name."""
    return word.lower() in _HONORIFICS


def strip_honorific(text: str) -> str:
    """ "M. Briand" -> "Briand", "Herr von Hoesch" -> "von Hoesch"; a name that is only a form of address stays."""
    words = text.split()
    k = 0
    while k < len(words) - 1 and words[k].lower() in _HONORIFICS:
        k += 1
    return " ".join(words[k:]) if k else text


def fold(text: str) -> str:
    """Lowercase and drop diacritics of Latin letters; keep Cyrillic й (й is a letter)."""
    out = []
    for ch in clean_quotes(text).lower():
        if ch in _SPECIAL_FOLD:
            out.append(_SPECIAL_FOLD[ch])
        elif "\u0400" <= ch <= "\u04ff":
            out.append(ch)
        else:
            decomposed = unicodedata.normalize("NFKD", ch)
            out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(out)


@lru_cache(maxsize=200_000)
def norm_key(text: str) -> str:
    """Case-, diacritic-, quote- and possessive-insensitive key; script kept."""
    text = strip_possessive(text)
    text = fold(text)
    text = _NON_WORD_RE.sub(" ", text).replace("_", " ").strip()
    for art in _LEADING_ARTICLES:
        if text.startswith(art) and len(text) > len(art) + 2:
            text = text[len(art):]
            break
    return " ".join(text.split())


@lru_cache(maxsize=100_000)
def transliterate(text: str, scheme: str = "wikipedia") -> str:
    """Cyrillic -> Latin with one iuliia scheme; Latin text passes through."""
    if not has_cyrillic(text):
        return text
    return TRANSLIT_SCHEMES[scheme].translate(text)


def transliterations(text: str) -> List[str]:
    """All the Latin spellings a Cyrillic name has in the common schemes (deduplicated)."""
    if not has_cyrillic(text):
        return [text]
    seen: List[str] = []
    for scheme in TRANSLIT_SCHEMES:
        t = transliterate(text, scheme)
        if t not in seen:
            seen.append(t)
    german = german_transliteration(text)
    if german not in seen:
        seen.append(german)
    return seen


_GERMAN = {
    "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": "e", "ё": "jo", "ж": "sh",
    "з": "s", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch", "ц": "z",
    "ч": "tsch", "ш": "sch", "щ": "schtsch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "ju", "я": "ja",
}


def german_transliteration(text: str) -> str:
    """Duden-style German transliteration (Иоффе -> Joffe, Чичерин -> Tschitscherin), which iuliia lacks."""
    out = []
    prev = " "
    for ch in text:
        low = ch.lower()
        if low in _GERMAN:
            t = _GERMAN[low]
            if low == "е" and (not prev.isalpha() or prev in "аеёиоуыэюяьъ"):
                t = "je"
            if low == "и" and prev == "ь":
                t = "ji"
            if low == "и" and not prev.isalpha():
                # word-initial И before a vowel is written J (Иоффе -> Joffe)
                t = "i"
            out.append(t.capitalize() if ch.isupper() else t)
        else:
            out.append(ch)
        prev = low
    res = "".join(out)
    return re.sub(r"\bIo", "Jo", res)


# Ordered rewrite rules on folded Latin text; order matters (longest first).
_COMPACT_RULES: List[Tuple[re.Pattern, str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"schtsch", "shch"), (r"chtch", "shch"), (r"shtsh", "shch"),
        (r"tsch", "ch"), (r"tch", "ch"), (r"tsh", "ch"), (r"cz", "ch"),
        (r"sch", "sh"), (r"sz", "sh"), (r"kh", "ch"),
        (r"zh", "sh"), (r"ph", "f"), (r"ck", "k"), (r"qu", "kv"), (r"x", "ks"),
        (r"w", "v"), (r"ou", "u"), (r"tz", "ts"), (r"dj", "di"),
        (r"z", "s"), (r"[jy]", "i"),
        (r"c(?!h)", "k"),
        (r"ie", "e"), (r"ii+", "i"),
        (r"(.)\1+", r"\1"),
    ]
]


@lru_cache(maxsize=200_000)
def compact_key(text: str) -> str:
    """A loose key where every transliteration scheme of a name meets.

    Иоффе, Ioffe, Joffe, Yoffe -> "iofe"; Чичерин, Chicherin, Tschitscherin,
    Čičerin -> "chicherin"; Зиновьев, Zinoviev, Zinovev, Sinowjew -> "sinovev".
    """
    text = strip_possessive(text)
    if has_cyrillic(text):
        text = transliterate(text, "wikipedia")
    text = clean_quotes(text).lower()
    text = "".join(_SCHOLARLY.get(c, c) for c in text)
    text = fold(text)
    text = re.sub(r"['\u02b9\u02ba]", "", text)
    text = _NON_WORD_RE.sub(" ", text).replace("_", " ")
    words = []
    for w in text.split():
        if w.isdigit():
            words.append(w)
            continue
        for pat, rep in _COMPACT_RULES:
            w = pat.sub(rep, w)
        words.append(w)
    out = " ".join(words)
    for art in ("the ", "die ", "der "):
        if out.startswith(art) and len(out) > len(art) + 2:
            out = out[len(art):]
    return out


# --- inflection -----------------------------------------------------------

_MORPH = None


def _morph():
    global _MORPH
    if _MORPH is None:
        import pymorphy3

        _MORPH = pymorphy3.MorphAnalyzer()
    return _MORPH


@lru_cache(maxsize=100_000)
def english_zipf(word: str) -> float:
    """How common a word is in English (wordfreq's Zipf scale: 3 is once per million words)."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


@lru_cache(maxsize=100_000)
def morph_parse(word: str):
    """pymorphy3's readings of one Russian word, most likely first."""
    return _morph().parse(word)


# Surname endings of the Russian declension, longest first: (ending, replacement).
_RU_SURNAME_SUFFIXES = [
    ("ского", "ский"), ("скому", "ский"), ("ским", "ский"), ("ском", "ский"),
    ("цкого", "цкий"), ("цкому", "цкий"), ("цким", "цкий"), ("цком", "цкий"),
    ("ого", "ый"), ("ому", "ый"),
    ("ова", "ов"), ("ову", "ов"), ("овым", "ов"), ("ове", "ов"), ("овой", "ова"),
    ("ева", "ев"), ("еву", "ев"), ("евым", "ев"), ("еве", "ев"),
    ("ёва", "ёв"), ("ина", "ин"), ("ину", "ин"), ("иным", "ин"), ("ине", "ин"),
    ("ым", ""), ("ом", ""), ("ем", ""), ("а", ""), ("у", ""), ("е", ""), ("ю", "ь"), ("я", "ь"),
]
# Polish / German declension of names written in Latin script.
_LATIN_SUFFIXES = [
    ("skiego", "ski"), ("skiemu", "ski"), ("skim", "ski"), ("ckiego", "cki"), ("ckiemu", "cki"), ("ckim", "cki"),
    ("skiej", "ska"), ("ckiej", "cka"), ("ską", "ska"), ("cką", "cka"),
    ("kiem", "ko"), ("ką", "ko"), ("ki", "ko"), ("ce", "ko"),  # Hołówko: Hołówki, Hołówce, Hołówką
    ("owi", ""), ("iem", ""), ("em", ""), ("ego", ""), ("a", ""), ("u", ""), ("s", ""),
    ("y", "a"), ("ę", "a"),  # a surname in -a: Sapieha, Sapiehy, Sapiehę
]
_CONSONANTS = set("bcćdfghjklłmnńprsśtvwzźż")


@lru_cache(maxsize=100_000)
def inflection_variants(word: str) -> Tuple[str, ...]:
    """Candidate base forms of one (possibly inflected) word, the word itself first.

    Russian common nouns and places go through pymorphy3 (Германии -> Германия);
    surnames, which the dictionary often lacks (Коппа, Иоффе), get suffix rules.
    Candidates are only looked up, never trusted: an indeclinable name like
    Иоффе matches as written before any stripped form is tried.
    """
    out: List[str] = [word]
    low = word.lower()
    if has_cyrillic(word):
        for p in _morph().parse(low)[:4]:
            tag = p.tag
            if "NOUN" in tag or "ADJF" in tag:
                if p.normal_form not in out:
                    out.append(p.normal_form)
        for suf, rep in _RU_SURNAME_SUFFIXES:
            if low.endswith(suf) and len(low) - len(suf) >= 3:
                cand = low[: -len(suf)] + rep
                if cand not in out:
                    out.append(cand)
    else:
        for suf, rep in _LATIN_SUFFIXES:
            if low.endswith(suf) and len(low) - len(suf) >= 4:
                cand = low[: -len(suf)] + rep
                if cand not in out:
                    out.append(cand)
                # the Polish mobile e: Patek -> Patka, Patkiem; Pilc -> ... Szczepaniec -> Szczepańca
                if not rep and len(cand) >= 4 and cand[-1] in "kc" and cand[-2] in _CONSONANTS:
                    mobile = cand[:-1] + "e" + cand[-1]
                    if mobile not in out:
                        out.append(mobile)
    parts = word.split("-")
    if len(parts) == 2 and all(parts):
        # a double surname inflects in both parts: "Antonowem-Owsiejenką" -> "antonow-owsiejenko"
        for a in inflection_variants(parts[0])[:4]:
            for b in inflection_variants(parts[1])[:4]:
                cand = f"{a}-{b}".lower()
                if cand not in out:
                    out.append(cand)
    return tuple(out)


@lru_cache(maxsize=100_000)
def phrase_variants(text: str) -> Tuple[str, ...]:
    """Variants of a multi-word name with its last word's inflection undone (Верхней Силезии too)."""
    words = strip_possessive(clean_quotes(text)).split()
    if not words:
        return ()
    variants = [" ".join(words)]
    if has_cyrillic(text) and len(words) > 1:
        # inflect every word to its first dictionary form (adjective + noun phrases)
        lemm = [inflection_variants(w)[1] if len(inflection_variants(w)) > 1 else w for w in words]
        v = " ".join(lemm)
        if v not in variants:
            variants.append(v)
    for cand in inflection_variants(words[-1])[1:]:
        v = " ".join(words[:-1] + [cand])
        if v not in variants:
            variants.append(v)
    return tuple(variants)


@lru_cache(maxsize=100_000)
def lemma_key(text: str) -> str:
    """norm_key with every Cyrillic word put in its dictionary form, so that
    "Верхней Силезии" and "Верхняя Силезия" meet (both -> "верхний силезия")."""
    words = norm_key(text).split()
    if not any(has_cyrillic(w) for w in words):
        return " ".join(words)
    out = []
    for w in words:
        if has_cyrillic(w):
            parses = _morph().parse(w)
            out.append(parses[0].normal_form if parses else w)
        else:
            out.append(w)
    return " ".join(out)


# --- person names -----------------------------------------------------------


@dataclass
class PersonName:
    """A person's name split into surname and initials, for initials+surname lookup."""

    surname: str
    given: List[str] = field(default_factory=list)  # full given names/patronymics as written
    initials: List[str] = field(default_factory=list)  # compact first letters, in order
    nicknames: List[str] = field(default_factory=list)

    @property
    def surname_key(self) -> str:
        return compact_key(self.surname)

    @property
    def bare(self) -> bool:
        return not self.initials


def _initial_of(token: str) -> str:
    key = compact_key(token)
    return key[:1]


_INITIALS_TOKEN_RE = re.compile(r"^(?:[^\W\d_]{1,2}\.)+(?:-[^\W\d_]{1,2}\.)?$")


def _split_initials(token: str) -> List[str]:
    parts = [p for p in re.split(r"[.\-]", token) if p]
    return [_initial_of(p) for p in parts]


@lru_cache(maxsize=100_000)
def parse_person(text: str) -> Optional[PersonName]:
    """Split a personal name: "В.Л. Копп", "Копп В.Л.", "A.L.P. Dennis",
    "Viktor Leontevich Kopp", "Adolf (Ago) von Maltzan", "J.-F. Fayet"."""
    text = strip_possessive(clean_quotes(text))
    nick = re.findall(r"\(([^)]*)\)", text)
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"(?<=\.)(?=[^\s.\-])", " ", text)  # "В.Л.Копп" -> "В.Л. Копп"
    tokens = [t for t in text.replace(",", " ").split() if t]
    if not tokens:
        return None
    initials_tokens = [t for t in tokens if _INITIALS_TOKEN_RE.match(t)]
    name_tokens = [t for t in tokens if t not in initials_tokens and t.lower().strip(".") not in _PARTICLES]
    if not name_tokens:
        return None
    # Russian bibliographic order "Копп В.Л.": surname first, initials after.
    surname = name_tokens[-1]
    given_tokens = name_tokens[:-1]
    initials: List[str] = []
    for t in tokens:
        if t in initials_tokens:
            initials.extend(_split_initials(t))
        elif t in given_tokens and (initials or t != given_tokens[0] or not is_patronymic(t)):
            # a patronymic without the given name before it ("Georgievich Rakovsky", the name cut off) has no
            # first initial to compare
            initials.append(_initial_of(t))
    return PersonName(surname=surname, given=given_tokens, initials=[i for i in initials if i], nicknames=nick)


def is_patronymic(token: str) -> bool:
    return bool(_PATRONYMIC_RE.search(token)) and len(token) > 5


@lru_cache(maxsize=100_000)
def surname_keys(surname: str) -> Tuple[str, ...]:
    """Compact keys of a surname and of its possible uninflected forms."""
    keys: List[str] = []
    for v in inflection_variants(surname):
        k = compact_key(v)
        if k and k not in keys:
            keys.append(k)
    return tuple(keys)


def slugify(text: str) -> str:
    """Deterministic ASCII id part from a name: the compact key with underscores."""
    key = compact_key(text)
    return re.sub(r"[^a-z0-9]+", "_", key).strip("_")


def unique(items: Iterable[str]) -> List[str]:
    seen: List[str] = []
    for i in items:
        if i and i not in seen:
            seen.append(i)
    return seen
