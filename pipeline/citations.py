"""Archival citations: "RGASPI, fond 17, op. 3, d. 2137, pp. 61–62" -> archive, fond, opis, delo, pages.

Historians cite archives in a handful of schemes (Russian fond/opis/delo/list,
German "R 28207, Bl. 5" and "RH 2/2207", British "FO 371/5421, f. 12", Polish
"MSZ, sygn. 5432, k. 18"); the keywords and bare signatures of each scheme come
from `configs/citations/fields.json` so a user can add their own. "Ibid." takes
the previous citation's parts only when the reference before it is archival; a
calendar whose header names one archive lends it to entries that omit it. The
conventions are those of training/ANNOTATION.md, "Project decisions", Citations.
"""

import bisect
import copy
import re
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import srsly
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from .extensions import register_extensions
from .linking import NEW_PREFIX, align_new_ids, kb_ids_in
from .tokenizer import get_segments

FIELDS = ("fond", "opis", "delo", "pages")
REQUIRED = ("fond", "opis", "delo", "pages", "ibid", "kept_at")
LIST_KEYS = REQUIRED + ("level", "refine", "stop", "kept_after", "book_markers", "verso", "archival_pages",
                        "containers", "number_signs")
# One comma part, a parenthesis (one level of nesting inside), or a separator.
TOKEN_RE = re.compile(r"\((?:[^()]|\([^()]*\))*\)|[^,;()]+|[,;()]")
# A full stop before a capital: the end of a sentence unless it closes a keyword ("f. R-130").
STOP_CAND_RE = re.compile(r"(?P<word>\w*)\.\s+(?=[A-ZÀ-ÖØ-ÞА-ЯЁĄĆĘŁŃŚŹŻČŠŽŘĎŤŇĚŐŰ«„“‘\"'])")  # ("Folder 4. Émigré")
BOOK_PAGES_RE = re.compile(r"(?:^|[\s,])(?:pp?|S|ss|с|s)\.\s*\d")  # page words of books, not archives
SENTENCE_END_RE = re.compile(r"\.\s+(?=[A-ZÀ-ŽА-ЯЁ])")  # "94 AP 121. Mission en Russie": the signature ends there
# "w Warszawie", "in Berlin": the seat of the archive just named
SEAT_RE = re.compile(r"^(?:w|we|in|im|в|во)\s+(.+)$")
# "...; the copy forwarded to Chicherin, d. 776": a short description between a citation and the next file
# "...; директива Политбюро полпреду от 20 марта: Ф. 17": or a colon; "Л. 2 (протокол ...); проект решения:
# Д. 98": a gloss in brackets before it
ITEM_AFTER_IBID_RE = re.compile(r"\s*\((\d{1,6})\)")  # "ibid. (8291)": an item number in brackets
# ("...; the copy in London, d. 5", "...; Krasin's telegram in reply, London, 20 Dec. 1920: d. 1741, l. 3")
NEXT_FILE_GAP_RE = re.compile(r"\s*(?:\([^()]{0,80}\)\s*)?;\s*(?:(?=[a-zа-яё])[^.;:()]{0,60}[,:]|[^;:()]{0,80}:)\s*")
FOLLOWING_END_RE = re.compile(r"\d\s+ff?\.$")  # "Bl. 45 f.": the page and the next, its full stop kept
FILE_CODE_RE = re.compile(r"\d+(?:\.\d+)+(?:[-–]\d+)?")  # a dotted classification number ("1.2.1.9-5")
# where a bare signature may begin: after a separator or a full stop ("3 January 1923. R 28034k, Bl. 12")
BOUNDARY_RE = re.compile(r"(?:^|(?<=[,;:(])|(?<=\.\s)|(?<=[.!?][\"”’']\s))\s*(?:(?:and|und|et|i|и)\s+)?"
                         r"(?P<part>(?:[^,;:().]|\.(?![\"”’']?\s+[A-ZÀ-ŽА-ЯЁ]))+)")  # (or after a quotation's end: '... not to." FO 371/11793')
# a signature after "in" or "see" inside a part: "copy in FO 688/26, f. 3", "for the discussion see CAB 23/46"
IN_PART_RE = re.compile(r"(?<=\s)(?:in|im|w|в|see|cf\.|vgl\.|siehe|zob\.|por\.|см\.|is now|are now|is|are)\s+(?=(?P<part>[^,;:().\s][^,;:()]*))")
# a signature after a footnote mark that ends a sentence: "... recommending acceptance.1 R 31489, Bl. 88–95"
MARK_PART_RE = re.compile(r"(?<=[.!?'’”])\d{1,2}\s+(?P<part>[^,;:()\s][^,;:()]*)")


def _known(entity_id: Optional[str]) -> bool:
    """An archive the knowledge base holds, not a name the linker could not place."""
    return bool(entity_id) and not entity_id.startswith(NEW_PREFIX)


def _alt(patterns: Iterable[str]) -> str:
    """One alternation, longest keyword first so "pp." wins over "p."."""
    return "|".join(sorted(patterns, key=len, reverse=True)) or r"(?!)"


class CitationParser:
    """Find and parse archival citations in a text, given where the archive names are.

    A citation starts at an ARCHIVE mention (or, without one, at a fond/opis/delo
    keyword or a bare signature such as "R 9381" followed by pages) and runs
    through comma-separated parts up to ";", a closing parenthesis, the end of
    the sentence or a word such as "printed in". Parts before the first numbered
    part name the fond ("AAN, MSZ, sygn. 6709"); descriptions between numbered
    parts are skipped ("op. 2, Minutes of ..., d. 31").
    """

    def __init__(self, fields: Dict[str, list]):
        self.fields = fields
        kw = {k: _alt(fields.get(k, [])) for k in LIST_KEYS}
        verso = kw["verso"]
        page = rf"(?:[A-Z] )?\d+(?:\s*(?:{verso})|[a-z](?![a-z]))?"  # "42v", "3 об.", "45ob."
        page_range = rf"{page}(?:\s*[–-]\s*{page}|\s+ff?\.(?!\s*\d))?"  # "Bl. 45 f.": and the next
        self.pages_value = rf"{page_range}(?:(?:,\s*|\s+and\s+|\s+и\s+|\s+i\s+|\s+und\s+){page_range})*"
        self.page_list_re = re.compile(rf"(?!(?:1[5-9]|20)\d\d$){self.pages_value}", re.U)
        self.verso_end = re.compile(rf"(?:{verso})$")
        number = r"[\w.\-–/]*\d[\w.\-–/]*(?: [\w.\-–/]*\d[\w.\-–/]*)?"
        value = rf"(?P<v>{number})"
        delo_value = rf"(?P<v>{number}(?: [A-Z](?![\w.]))?)"  # "sygn. 6744 A": a file's letter after a space
        # "zespół nr 322", "fond No. 17": a number sign after the keyword is dropped with it
        sign = rf"(?:\s*(?:{kw['number_signs']})(?=\s*\d))?" if fields.get("number_signs") else ""
        self.part_res = [
            ("pages", re.compile(rf"^(?:{kw['pages']})\s*(?P<v>{self.pages_value})", re.U)),
            # "fond 17", "fond R-130", "fond MSZ", and a class with its number: "fond T 1/34"
            ("fond", re.compile(rf"^(?:{kw['fond']}){sign}\s*(?P<v>[\w.\-–/]*\d[\w.\-–/]*(?: [\w.\-–/]*\d[\w.\-–/]*)?"
                                rf"|[A-Z]{{1,4}} \d[\w.\-–/]*|[A-ZÀ-ŽА-Я]{{2,}}(?![\w.]))", re.U)),
            ("opis", re.compile(rf"^(?:{kw['opis']}){sign}\s*{value}", re.U)),
            ("delo", re.compile(rf"^(?:{kw['delo']}){sign}\s*{delo_value}", re.U)),
        ]
        # Latvian "2575. f., 15. apr., 123. l., 4. lp.": the keyword after its (ordinal) number
        for item in fields.get("postfix", []):
            self.part_res.append((item["field"], re.compile(
                rf"^(?P<v>\d+[a-z]?(?:\.?\s*[–-]\s*\d+[a-z]?)?)\.\s*(?:{item['pattern']})\.?(?!\w)", re.U)))
        both = [p for p in fields.get("fond", []) if p in fields.get("pages", [])]
        self.fond_page_re = re.compile(rf"^(?:{_alt(both)})\s*\d", re.U)
        # "f. 17 (Politburo), op. 3": the fond's name in brackets may stand between it and the opis
        self.next_file_re = re.compile(rf"^\s*(?:\([^()]*\))?[\s,.]*(?:{kw['opis']}|{kw['delo']})\s*\d", re.U)
        self.level_re = re.compile(rf"^(?:{kw['level']})\s*(?:[A-Z]{{1,3}}\s)?\S*\d", re.U)  # 'sign. R 136/2'
        containers = _alt(fields.get("containers", []))
        self.level_start = re.compile(rf"(?:^|(?<=[\s(,;:]))(?:{containers})\s*\d", re.U)
        folders = fields.get("folder_starts", [])
        self.folder_start = re.compile(rf"(?:^|(?<=[\s(,;:]))(?:{_alt(folders)})", re.U) if folders else None
        self.container_re = re.compile(rf"^(?:{containers})\s*\d", re.U)
        boxes, folders = fields.get("box_levels", []), fields.get("folder_levels", [])
        self.box_re = re.compile(rf"(?<!\w)(?:{_alt(boxes)})\s*\d+[a-z]?(?!\s*[–-]\s*\d)(?!\w)", re.U) if boxes else None
        self.folder_re = re.compile(rf"^(?:{_alt(folders)})\s*\d", re.U) if folders else None
        series = fields.get("series_levels", [])
        self.series_only_re = re.compile(rf"^(?:{_alt(series)})\s*\d+[a-z]?$", re.U) if series else None
        self.refine_re = re.compile(rf"^(?:{kw['refine']})\b\s*", re.U | re.I)
        self.refine_words = {w.lower() for w in fields.get("refine", [])}
        self.stop_re = re.compile(rf"^(?:{kw['stop']})(?!\w)", re.U | re.I)
        self.stop_in_re = re.compile(rf"(?<!\w)(?:{kw['stop']})(?!\w)", re.U | re.I)  # "is printed in", "see"
        self.signatures = [re.compile(s["pattern"] if isinstance(s, dict) else s) for s in fields.get("signatures", [])]
        self.holdings = [re.compile(s["pattern"] if isinstance(s, dict) else s) for s in fields.get("holdings", [])]
        self.fond_before = [re.compile(p, re.U) for p in fields.get("fond_before", [])]
        holders = fields.get("holders", [])
        self.holder_re = re.compile(rf"(?<!\w)(?:{_alt(holders)})(?!\w)", re.U) if holders else None
        arrangement = fields.get("arrangement_openings", [])
        self.arrangement_re = re.compile(rf"^\s*(?:{_alt(arrangement)})(?!\w)", re.U) if arrangement else None
        # "boxes 1–4", "Boxes 7–9": the extent of a series, no document's place
        self.container_range_re = re.compile(r"^[^\W\d]+s\s+\d+\s*[–-]\s*\d+$", re.U)
        labels = fields.get("repository_labels", [])
        self.repository_label_re = re.compile(rf"(?:^|(?<=[\s.;]))(?:{_alt(labels)})\s*", re.U) if labels else None
        openings = fields.get("header_openings", [])
        self.header_opening_re = re.compile(rf"^\s*(?:{_alt(openings)})", re.U) if openings else None
        self.named_fonds = [re.compile(rf"(?:^|(?<=\s))(?P<v>{p}),\s*$", re.U) for p in fields.get("named_fonds", [])]
        # "zespół Ambasada RP w Berlinie": a fond a header names by a keyword and its name
        self.named_fond_re = re.compile(rf"^(?:{kw['fond']})\s+(?P<v>[A-ZÀ-ŽА-ЯЁ][^\d]*)$", re.U)
        self.places: set = set()
        self.kept_re = re.compile(rf"(?:{kw['kept_at']})\s*$", re.I)
        collections = fields.get("kept_collections", [])
        self.kept_collection_re = re.compile(rf"(?<!\w)(?:{_alt(collections)})(?!\w)", re.U) if collections else None
        copies = fields.get("named_copies", [])
        self.copies_re = re.compile(rf"(?:{_alt(copies)})", re.U | re.I) if copies else None
        # "Related material: Chamberlain Papers, Cadbury Research Library": archives a header names besides its own
        related = fields.get("related_labels", [])
        self.related_re = re.compile(rf"(?:^|(?<=[\s.;]))(?:{_alt(related)})", re.U | re.I) if related else None
        # "Część II. AAN, zespół Ministerstwo Spraw Zagranicznych.": a part of a calendar with a fond of its own
        parts = fields.get("part_openings", [])
        self.part_opening_re = re.compile(rf"^\s*(?:{_alt(parts)})\s+[IVXLC\d]+[.:]?\s", re.U) if parts else None
        self.kept_after_re = re.compile(rf"^\s+(?:{kw['kept_after']})(?!\w)", re.I)
        self.book_res = [re.compile(p) for p in fields.get("book_markers", [])]
        arch_pages = fields.get("archival_pages", [])
        self.archival_pages_re = re.compile(rf"^\s*(?:{_alt(arch_pages)})", re.U) if arch_pages else None
        # the leaves at the end of an inventory entry, before its full stop or a semicolon
        self.entry_pages_re = re.compile(rf"(?:^|(?<=[\s,.;(]))(?:{_alt(arch_pages)})\s*(?P<v>{self.pages_value})"
                                         rf"(?=\s*(?:[.;:,()—]|$)|\s+[A-ZÀ-ŽА-ЯЁ])", re.U) if arch_pages else None
        frames = fields.get("frame_numbers", [])
        self.frame_re = re.compile(rf"(?:^|(?<=[\s,(]))(?P<v>{_alt(frames)})(?=\s*(?:[.;:,()—]|$))", re.U) if frames else None
        registry = fields.get("registry_numbers", [])
        self.registry_re = re.compile(rf"(?:^|(?<=[.:]\s))(?:{_alt(registry)})(?=\s*(?:[.;]|$))", re.U) if registry else None
        examples = fields.get("form_examples", [])
        self.form_example_re = re.compile(_alt(examples), re.U) if examples else None
        identifiers = fields.get("identifier_labels", [])
        self.identifier_re = re.compile(rf"(?:{_alt(identifiers)})\s*[^\s.,;]+", re.U) if identifiers else None
        items = fields.get("item_numbers", [])
        self.item_number_re = re.compile(rf"\s*(?:{_alt(items)})", re.U) if items else None
        # leaves right after a file number are that file's ("Other copies: RGASPI, ...; d. 99, l. 1"), not an entry's
        self.after_file_re = re.compile(rf"(?:^|(?<=[\s(,;:]))(?:{kw['delo']})\s*\d[\w/–-]*\s*,\s*$", re.U)
        # a file keyword, or a folder before one ("p. 1, d. 6", the AVPRF's папка)
        self.start_kw = re.compile(rf"(?:^|(?<=[\s(,;:]))(?:(?:{kw['fond']}|{kw['opis']}|{kw['delo']})\s*\d|"
                                   rf"(?:{kw['pages']})\s*\d+\s*[,.]\s*(?:{kw['delo']})\s*\d)", re.U)
        # "(London, 1983)", a journal volume's "(1962)"; not an item number, "(4286)"
        self.pub_re = re.compile(r"^\(\s*(?:[^()\d,]+,\s*\d{4}|(?:1[5-9]|20)\d\d)\)$")
        field_kw = _alt([p for k in ("fond", "opis", "delo", "pages", "level") for p in fields.get(k, [])])
        self.keyword_re = re.compile(rf"^(?:{field_kw})$", re.U)
        # "Ф. 04. Оп. 13. Д. 45. Л. 23.": a full stop before a keyword and its number separates parts
        self.dot_sep = re.compile(rf"\.(?=\s+(?:{field_kw})\s*\d)", re.U)
        # "RGASPI f. 17 op. 3 d. 5 l. 3": without commas, a space after a number before the next keyword does
        self.space_sep = re.compile(rf"(?<=\d) (?=(?:{field_kw})\s*\d)", re.U)
        # "Ibid., f. 14"; "Там же. Л. 9": the parts after a comma, or after a full stop when a keyword follows
        self.ibid_re = re.compile(rf"(?<!\w)(?:{kw['ibid']})(?:(?:,\s*|(?<=\.)\s+(?=(?:{field_kw})\s*\d)|"
                                  rf"\.\s+(?=(?:{field_kw})\s*\d))(?P<rest>(?:(?!(?<!\w)(?:{kw['ibid']}))[^;])*))?", re.U | re.I)

    def _sentence_end(self, part: str) -> Optional[int]:
        """Where the first sentence in `part` ends: after a digit or a word of two letters or more, not a keyword."""
        for m in STOP_CAND_RE.finditer(part):
            word = m.group("word")
            if FOLLOWING_END_RE.search(part[:m.start() + len(word) + 1]) and re.match(r"[^\W\d_][^\W\d_]*[a-zäöüßа-яё]", part[m.end():]):
                return m.start() + len(word) + 1  # "Bl. 88 f. Die sowjetische ...": the next page, then a sentence
            if word[-1:].isdigit() or (len(word) >= 2 and not self.keyword_re.match(word + ".")):
                if self.verso_end.search(part[:m.start() + len(word) + 1]):
                    return m.start() + len(word) + 1  # "л. 14–17 об. See also": the full stop is the verso's
                return m.start() + len(word)
        return None

    # ------------------------------------------------------------------ parts
    def _signature(self, part: str) -> Optional[dict]:
        for rx in self.signatures:
            m = rx.fullmatch(part)
            if m:
                return {k: v for k, v in m.groupdict().items() if v}
        return None

    def is_signature(self, text: str) -> bool:
        """Whether a text is one keyword-less signature ("Add MS 48926", "FO 371/10739"), no archive's name."""
        return self._signature(text.strip()) is not None

    def _pages(self, part: str) -> Optional[tuple]:
        m = self.part_res[0][1].match(part)
        if not m:
            return None
        v = m.group("v").strip()
        return v, m.end("v")

    def _parse_parts(self, text: str, cite: dict, named_ok: bool = True) -> int:
        """Fill `cite` from the parts at the start of `text`; return where the citation ends (0: none)."""
        pos, hit, pages_done = 0, False, False
        named: List[tuple] = []          # (start, end) of parts naming the fond before any number
        level_start: Optional[int] = None  # where the current run of file levels began
        pages_start: Optional[int] = None
        pages_part: Optional[int] = None  # where the pages' keyword began
        delo_part: Optional[int] = None  # where the file's keyword began, in the part just before
        level_delo = False  # the part just before was a container level ("box 31")
        delo_end: Optional[int] = None  # where the file's own keyword and number end
        collection = False  # the part just before was a signature naming a collection only
        written, text = text, self.space_sep.sub(",", self.dot_sep.sub(",", text))  # same length: values are
        # cut from what was written; "Bl. 40 f. — Aufzeichnung ...": a dash between items ends the citation
        dash = text.find(" — ")
        if dash >= 0:
            written, text = written[:dash], text[:dash]
        for m in TOKEN_RE.finditer(text):
            tok = m.group(0)
            if tok == ",":
                continue
            if tok in (";", ")", "("):
                break
            if tok.startswith("("):
                if pages_done or self.pub_re.match(tok):
                    break
                item = self.item_number_re.fullmatch(tok) if self.item_number_re is not None else None
                if item is not None and hit and cite.get("fond") and not cite.get("delo"):
                    # "bMS Russ 13.1 (4286)": the item of the collection the call number names
                    cite["delo"], pos = item.group("v"), m.end()
                    continue
                inner = tok[1:-1].split(",")[-1].strip().rstrip(".")
                pv = self._pages(inner) if hit and cite.get("delo") and not cite.get("pages") else None
                if pv and pv[1] == len(inner):
                    cite["pages"], pos, pages_done = pv[0], m.end(), True
                level_start = None
                continue
            lead = len(tok) - len(tok.lstrip())
            part = tok.strip()
            if part.startswith("."):
                break
            last = False
            se = self._sentence_end(part)
            if se is not None:
                part, last = part[:se], True
            if ":" in part and (self.level_re.match(part) or self._signature(part[:part.index(":")].strip())):
                # "folder 5: Letters from Girs", "N 1024/12: Korrespondenz mit Neurath": the file, then its title
                part, last = part[:part.index(":")], True
            if not self.verso_end.search(part) and not FOLLOWING_END_RE.search(part):  # "3 об.", "45 f."
                part = part.rstrip(".").rstrip()
            p0 = m.start() + lead
            p1 = p0 + len(part)
            if not part:
                break
            if self.stop_re.match(part) or (not hit and self.stop_in_re.search(part)):
                break  # "printed in ...", and no named fond "is printed in Dokumenty" before the numbers
            if pages_done and pages_start is not None and self.page_list_re.fullmatch(part):
                cite["pages"], pos = re.sub(r"\s+", " ", written[pages_start:p1]), p1  # "k. 14–17, 20 and 25"
                continue
            dm = self.part_res[3][1].match(part)
            if pages_done and cite.get("delo") is None and cite.get("pages") and \
                    (cite.get("opis") or not cite.get("fond")) and pages_part is not None and dm and dm.end() == len(part):
                # "op. 5, p. 108, d. 5": the "p." was a folder (папка) holding the file; kept as written; also
                # when the next file of the same opis opens with it ("...; record of 9 April, p. 1, d. 6")
                cite["delo"], cite["pages"] = re.sub(r"\s+", " ", written[pages_part:p1]), None
                pages_done, pages_start, pages_part, hit, pos = False, None, None, True, p1
                continue
            if delo_part is not None and not pages_done and cite.get("opis") and dm and dm.end() == len(part):
                # "op. 15, t. 148, d. 41": the first file keyword was a volume (tom) holding the file; as written
                cite["delo"], delo_part, pos = re.sub(r"\s+", " ", written[delo_part:p1]), None, p1
                continue
            delo_part = None
            if level_delo and level_start is not None and not pages_done and dm and dm.end() == len(part):
                # "box 31, file 2": a file keyword after a container is one more level of the same file
                cite["delo"], pos = re.sub(r"\s+", " ", written[level_start:p1]), p1
                if last:
                    break
                continue
            level_delo = False
            if pages_done and cite.get("delo") is None and cite.get("pages"):
                pv = self._pages(part)
                if pv and pv[1] == len(part):
                    # two page keywords in a row: the first numbered the file ("l. 9, lp. 14")
                    cite["delo"], cite["pages"], pos = cite["pages"], pv[0], p1
                    continue
            if pages_done:
                rm = self.refine_re.match(part)
                pv = self._pages(part[rm.end():]) if rm else None
                if rm and pv is None:
                    # "H 225410–225418, hier H 225415 f.": frames without keyword narrow frames
                    sig = self._signature(part[rm.end():].strip())
                    pv = (sig["pages"], len(part) - rm.end()) if sig and set(sig) == {"pages"} else None
                if pv:
                    cite["pages"], pos = pv[0], p0 + rm.end() + pv[1]
                break
            was_collection, collection = collection, False
            field = self._field(part, cite, text[m.end():])
            if field:
                name, val, end = field
                if name == "level":
                    level_delo = True
                    if cite.get("delo") is None:
                        cite["delo"], level_start, delo_end = val, p0, p0 + end
                    elif level_start is not None:
                        cite["delo"] = re.sub(r"\s+", " ", written[level_start:p1])
                    else:
                        field = None
                elif name == "signature":
                    collection = set(val) == {"fond"}  # "bMS Russ 13.1": a call number, its items follow
                    for k, v in val.items():
                        if cite.get(k) is None:
                            cite[k] = v
                    level_start = None
                    if val.get("delo") and not val.get("pages") and cite.get("delo") == val["delo"] and \
                            part.endswith(val["delo"]):
                        # "FO 418/60, no. 87": a numbered paper of the volume is a level of its file
                        level_start = p1 - len(val["delo"])
                    pages_done = pages_done or "pages" in val
                else:
                    if name in ("fond", "opis") and cite.get("delo"):
                        break  # "box 14, folder 6, and the copy in GARF, f. R-5867": another file's fond
                    cite[name] = val
                    if name == "delo":
                        delo_end = p0 + end
                    level_start = p0 if name == "delo" else None
                    delo_part = p0 if name == "delo" else None
                    pages_done = name == "pages"
                    pages_start = p0 + end - len(val) if pages_done else None
                    pages_part = p0 if pages_done else None
                if field:
                    hit, pos = True, p0 + end
            if not field:
                level_start = None
                if was_collection and cite.get("delo") is None and self.item_number_re is not None and \
                        self.item_number_re.fullmatch(f"({part})"):
                    # "Houghton Library, bMS Russ 13.1, 8073": the item of the collection
                    cite["delo"], pos = part, p1
                    if last:
                        break
                    continue
                if not hit:
                    if not named_ok or len(named) >= 3 or len(part.split()) > 8:
                        break
                    # "Historisches Archiv Krupp, Essen, FAH 4 E 112": a place, not a fond; but after a named
                    # series it is the series' subdivision ("Z Europe, Dantzig, vol. 61")
                    seat = SEAT_RE.match(part)
                    if not named and seat and seat.group(1) in self.places:
                        continue  # "Archiwum Akt Nowych w Warszawie, zespół ...": where the archive is
                    if (part not in self.places or named) and not (self.holder_re and self.holder_re.search(part)):
                        named.append((p0, p1))  # "Bakhmeteff Archive, Columbia University, ...": the holder
            if last:
                break
        if hit and named and cite.get("fond") is None:
            fond = re.sub(r"\s+", " ", written[named[0][0]:named[-1][1]])
            if delo_end is not None and cite.get("opis") is None and FILE_CODE_RE.fullmatch(fond):
                # "Gaimushō Gaikō Shiryōkan, 1.2.1.9-5, vol. 2": a file's classification number with its
                # volume is one file given by two levels, no named fond
                cite["delo"] = re.sub(r"\s+", " ", written[named[0][0]:delo_end])
                return pos
            nm = self.named_fond_re.match(fond)  # "zespół Ambasada RP w Moskwie": the fond's keyword is dropped
            cite["fond"] = nm.group("v") if nm else fond
        return pos if hit else 0

    def _ibid_parts(self, rest: str) -> Tuple[dict, int]:
        """The parts an "Ibid." gives of its own, and where they end (0: none): numbers, or a fond named before
        a file of the same archive ("ebd., Büro RM, R 29.253, Bl. 2–11")."""
        fresh = {"fond": None, "opis": None, "delo": None, "pages": None}
        consumed = self._parse_parts(rest, fresh, named_ok=False)
        if not consumed:
            named = {"fond": None, "opis": None, "delo": None, "pages": None}
            n = self._parse_parts(rest, named, named_ok=True)
            # ("ibid., Nachlass Brockdorff-Rantzau, Bd. 14": a Nachlass's volume, though "Bd." may be a book's)
            if n and named["fond"] and named["delo"] and (
                    not self.is_book_reference(rest[:n]) or any(rx.search(named["fond"] + ",") for rx in self.named_fonds)):
                return named, n
        return fresh, consumed

    def _field(self, part: str, cite: dict, following: str = "") -> Optional[tuple]:
        """(field, value, end in part) of one comma part, or None for a description."""
        sig = self._signature(part)
        if sig and not any(cite.get(k) for k in sig):
            return "signature", sig, len(part)
        for name, rx in self.part_res:
            fm = rx.match(part)
            if not fm:
                continue
            if name == "pages" and self.fond_page_re.match(part) and not cite.get("delo") and not cite.get("fond") \
                    and self.next_file_re.match(following):
                continue  # "f. 04, op. 32": a fond; "ibid., f. 14": a folio
            if cite.get(name) and name != "pages":
                continue
            return name, re.sub(r"\.(?=\s*[–-])", "", fm.group("v").strip()), fm.end("v")
        lm = self.level_re.match(part)
        if lm and not re.match(r"\s+[a-z]{2,}\s+[a-z]{2,}", part[lm.end():]):
            # "Series 5 may be consulted on microfilm only": a sentence about the series, not a level
            return "level", part, len(part)
        return None

    # ------------------------------------------------------------------ segment
    def bare_leaves(self, text: str) -> List[Tuple[str, int, int]]:
        """ "... zu erörtern. Bl. 41.", "Übersetzung der Gesandtschaft, Bl. 47–49; das Konzept in AAN, ...": leaves
        with no file, as (pages, start, end); only folio words archives use ("Bl.", "л.", "k.", "ff."), opening
        a sentence (in capitals, or the paragraph) or after a comma, and ending at a full stop, a semicolon or
        the end."""
        if self.archival_pages_re is None:
            return []
        out = []
        for m in re.finditer(r"(?:^|(?<=[.:;,]\s))(?=\S)", text):
            rest = text[m.start():]
            if not self.archival_pages_re.match(rest) or not (rest[:1].isupper() or m.start() == 0):
                continue  # (an entry may open with its lower-case folios: "ff. 1–6. Record of a conversation ...")
            pages = self._pages(rest)
            if pages is not None and (re.match(r"\s*(?:[.;]\s|[.;]?\s*$)", rest[pages[1]:]) or
                                      (m.start() == 0 and re.match(r"\s*:\s", rest[pages[1]:]))):
                # (an entry opening with its leaves and a colon: "Bl. 6–12: letter from Seeckt to Hammerstein")
                out.append((pages[0], m.start(), m.start() + pages[1]))
        return out

    def later_leaves(self, text: str) -> List[Tuple[str, int, int]]:
        """Leaves an entry gives further on, in brackets or after "at": "with a covering letter (f. 98)",
        "Litvinov's reply ... follows at ff. 12–18." -> (pages, start, end), in the volume of the entry."""
        if self.archival_pages_re is None:
            return []
        out = []
        for m in re.finditer(r"(?:\(|(?<=\s)(?:at|on|auf|na|на)\s+)(?=\S)", text):
            rest = text[m.end():]
            if not self.archival_pages_re.match(rest):
                continue
            pages = self._pages(rest)
            closing = r"\s*\)" if m.group(0) == "(" else r"\s*(?:[.;]\s|[.;]?\s*$)"
            if pages is not None and re.match(closing, rest[pages[1]:]):
                out.append((pages[0], m.end(), m.end() + pages[1]))
        return out

    def is_book_reference(self, text: str) -> bool:
        """Whether `text` holds a non-archival reference (a book's pages or imprint)."""
        return any(rx.search(text) for rx in self.book_res)

    def ends_archival(self, text: str, citations: List[dict]) -> bool:
        """Whether the last reference of a segment is archival, so that an "Ibid." in the next one may follow it."""
        if not citations:
            return False
        return not self.is_book_reference(text[max(c["end"] for c in citations):])

    def _holding(self, part: str) -> Optional[str]:
        """The fond a header's part names ("R 43 I", "f. 33987", "RG 59"), or None."""
        part = part.strip().rstrip(".").strip()
        part = re.sub(r"\s+ff?\.?$", "", part)  # "R 31488 ff.": that volume and the ones after it
        sig = self._signature(part) if part else None
        if sig:
            return sig.get("fond") or ""  # "R 43 I/130": a file, no fond for the entries
        if any(rx.fullmatch(part) for rx in self.holdings):
            return part
        fm = self.part_res[1][1].match(part)  # "fond 17", "f. 33987"
        if fm and fm.end() == len(part):
            return fm.group("v").strip()
        nm = self.named_fond_re.match(part)
        return re.sub(r"\s+", " ", nm.group("v")) if nm and nm.group("v") not in self.places else None

    def _names_holdings(self, tail: str) -> bool:
        """Whether the text after an archive's name, to the end of its sentence, names a fond or series of it.

        "Bundesarchiv (BArch), Berlin-Lichterfelde, R 43 I (Reichskanzlei)." names R 43 I;
        "Repositories: AAN; TNA; PA AA." names none.
        """
        sentence = SENTENCE_END_RE.split(tail, 1)[0]
        parts = [re.sub(r"\([^()]*\)", "", part) for part in re.split(r"[,;:]", sentence)]
        # "Foreign Office, General Correspondence, Political (FO 371)": the series in brackets
        parts += re.findall(r"\(([^()]*)\)", sentence)
        return any(self._holding(part) is not None for part in parts)

    def header_fond(self, text: str) -> Optional[str]:
        """The one fond a calendar's or finding aid's header names, for entries that give only its files.

        "Nachlass Hans von Seeckt (N 247). Bundesarchiv ..." -> "N 247"; "AAN, zespół Ambasada RP w
        Berlinie" -> "Ambasada RP w Berlinie", "zespół Ministerstwo Spraw Zagranicznych (MSZ)" -> "MSZ"; a header
        naming two ("FO 371 ... CAB 23") or a file ("R 43 I/130") gives none.
        """
        if self.identifier_re is not None:
            text = self.identifier_re.sub("", text)  # "Collection Number: XX010": the catalogue's number, no fond
        found = {self._holding(part) for part in re.split(r"[,;:()]|\.\s+(?=[A-ZÀ-ŽА-ЯЁ])", text)}
        found.discard(None)
        if len(found) != 1 or "" in found:
            return None
        fond = found.pop()
        # "zespół Ministerstwo Spraw Zagranicznych (MSZ)": the acronym the entries' citations go by
        short = re.search(re.escape(fond) + r"\s*\(([A-ZÀ-ŽА-ЯЁ]{2,8})\)", text)
        return short.group(1) if short else fond

    def _in_folder(self, before: Optional[str], delo: str) -> str:
        """The next file cited with its number alone stays in the folder of the file before it: "op. 19, p. 128,
        d. 4, ll. 40–41; d. 5, l. 3" -> `p. 128, d. 5`, "ibid., d. 4" -> `p. 128, d. 4`; and the next folder in its box."""
        if not before or "," not in before:
            return delo
        head, last = before.rsplit(",", 1)
        word = re.match(r"([^\W\d]+)\s*\d", delo)
        if word and re.match(rf"{re.escape(word.group(1))}\s*\d", last.strip(), re.I) and self.level_re.match(delo):
            return f"{head}, {delo}"  # "box 12, folder 4. Ibid., folder 5" -> `box 12, folder 5`
        if not re.fullmatch(r"\d+[a-z]?", delo):
            return delo
        dm = self.part_res[3][1].match(last.strip())
        if not dm or not self.part_res[0][1].match(head.strip()):
            return delo  # "box 12, folder 4", "vol. 29, no. 5239": no folder (папка) before the file
        return f"{head}, {last.strip()[:dm.start('v')]}{delo}"

    def _named_fond_start(self, text: str, s: int, orgs: Iterable[tuple]) -> Optional[int]:
        """Where a named fond written just before the numbers at `s` begins, or None.

        "MSZ, sygn. 6709, k. 14", "Z Europe, URSS, vol. 353": organisations, acronyms, short
        capitalised series names; "im Nachlass Brockdorff-Rantzau, H 225790": a named fond of the table.
        """
        before = text[max(0, s - 60):s]
        for rx in self.named_fonds:
            m = rx.search(before)
            if m:
                return max(0, s - 60) + m.start("v")
        n0, pos = None, s
        for _ in range(3):
            pm = re.search(r"(?:^|(?<=,\s)|(?<=\.\s)|(?<=\.\d\s)|(?<=\.\d\d\s))(?P<name>[^\W\d](?:[\w\- ]|\.(?![\s\d])){0,30}?),\s*$", text[max(0, pos - 35):pos])
            if not pm:
                break
            start = max(0, pos - 35) + pm.start("name")
            name = pm.group("name").strip()
            words = name.split()
            named_org = any(e0 == start and e1 == start + len(name) for e0, e1 in orgs)
            # "1934. PZ Moskva, kart. 1", "...in 1936.1 PZ Moskva, kart. 6": a series name opening the
            # sentence (after its footnote marker) that gives the box,
            # or after the entry's date: "Moskwa, 14 II 1928, Ambasada RP w Moskwie, sygn. 12"
            opens = n0 is None and len(words) <= 5 and words[0][:1].isupper() and not any(
                ch.isdigit() for ch in name) and \
                (start == 0 or re.search(r"[.;]\d{0,3}\s$", text[max(0, start - 6):start]) is not None or
                 (re.search(r"(?:1[5-9]|20)\d\d,\s$", text[max(0, start - 8):start]) is not None and
                  len(words) >= 2 and all(w[:1].isupper() or len(w) <= 3 for w in words)))  # not "Entwurf"
            if name in self.places or not (named_org or (name.isupper() and len(name) >= 2) or opens or
                                           (len(words) <= 2 and all(w[:1].isupper() for w in words)
                                            and n0 is not None)):
                break
            n0, pos = start, start
        return n0

    def header_archive(self, archives: Iterable[tuple], citations: List[dict], text: str = "") -> Optional[dict]:
        """The archive a calendar or finding aid names once in its header, for citations that omit it.

        Its "fond" is the header's one fond (see `header_fond`), or None. An organisation named after
        the archive is not taken for one: "Bakhmeteff Archive, Columbia University" names the holder.
        """
        archives = sorted(archives)
        related = self.related_re.search(text) if self.related_re is not None else None
        if related is not None and any(a[0] < related.start() for a in archives):
            # "... FO 800/256–263. Related material: ..., Cadbury Research Library": the archives after the
            # label hold other papers
            archives = [a for a in archives if a[0] < related.start()]
            citations = [c for c in citations if c["start"] < related.start()]
        # "zespół Ambasada RP w Moskwie w Archiwum Akt Nowych (AAN)": before the name and its acronym are merged
        fonds_before = self._fonds_before(archives, text)
        # "Lithuanian Central State Archives (LCVA)": the name and its acronym are one archive, the acronym's
        archives = [a for k, a in enumerate(archives)
                    if not (k + 1 < len(archives) and text[a[1]:archives[k + 1][0]].strip() == "(")]
        ids = {a[2] for a in archives}
        known = {i for i in ids if i and not i.startswith(NEW_PREFIX)}
        if len(known) == 1 and len(ids) > 1:
            # "League of Nations Archives, held by the United Nations Office at Geneva": the archive the
            # knowledge base knows, not a name it does not know (an organisation the NER took for one)
            ids = known
            archives = [a for a in archives if a[2] in known]
        if len(ids - {None}) == 1:
            ids -= {None}  # "Lithuanian Central State Archives (LCVA)": the unlinked long name and its acronym
            archives = [a for a in archives if a[2] is not None]
        if len(ids) != 1 or None in ids:
            # "Bundesarchiv (BArch), Berlin-Lichterfelde, R 43 I ...; originals in the Politisches Archiv
            # are cited with the archive's name": the one archive the header gives with its fond or series
            given = [(c.get("archive") or {}).get("entity_id") for c in citations
                     if any(c.get(k) for k in ("fond", "opis", "delo"))]
            cited = set(given) - {None}
            if len(cited) > 1 and self.copies_re is not None and self.copies_re.search(text):
                # "... АВП РФ, фонд 0122 ... Копии ... в РГАСПИ (ф. 17, оп. 162) приводятся с названием архива":
                # the first archive given with its fond; the others are named where they are cited
                cited = {next(g for g in given if g)}
            if not cited and self.copies_re is not None and self.copies_re.search(text) and archives[0][2]:
                # "Akta przechowuje Archiwum Akt Nowych (AAN) ... Odpisy w CAW ... cytuje się z nazwą archiwum":
                # the archive named first keeps the documents; the copies elsewhere are cited with their archive
                cited = {archives[0][2]}
            ends = [a[0] for a in archives[1:]] + [len(text)]
            holding = {a[2] for a, end in zip(archives, ends) if self._names_holdings(text[a[1]:end])}
            chosen = cited or set(fonds_before) or holding or \
                self._labelled_archive(archives, text) or self._title_archive(archives, text)
            if len(chosen) != 1 or not chosen <= ids - {None}:
                return None
            eid = chosen.pop()
        else:
            if any((c.get("archive") or {}).get("entity_id") not in ids | {None} for c in citations):
                return None  # the header cites more than its own archive: no default
            # (a signature without an archive, "Repository: British Library. Reference: Add MS 48922–48954",
            # is the header's own)
            eid = archives[0][2]
        mentions = [a for a in archives if a[2] == eid]
        holdings = [(c["fond"], c.get("opis")) for c in citations
                    if self.is_holding(c) and (c.get("archive") or {}).get("entity_id") == eid]
        held = set(holdings)
        if len(held) > 1 and len({f for f, _ in held}) == 1:
            # "фонд 0138 (...), опись 15. ... Документы, переданные в оп. 16, отмечены номером описи": one fond,
            # the opis named first is the entries', another is named where it is cited
            held = {holdings[0]}
        fond = opis = None
        if len(held) == 1:
            fond, opis = held.pop()  # "RGASPI, Moscow, fond 495 (records of the ECCI)"; "Ф. 495 (...), оп. 123"
        elif not held and not any(c.get("fond") for c in citations):
            fond = self.header_fond(text) or fonds_before.get(eid)
        if fond and not opis:
            # "Fond 159: Georgy Vasilyevich Chicherin (1872–1936). Opis 2: Correspondence ...": the fond and its
            # one opis, each with a title of its own
            found = {m.group("v").strip() for m in (self.part_res[2][1].match(part.strip())
                                                     for part in re.split(r"[,;:()]|\.\s+", text)) if m}
            opis = found.pop() if len(found) == 1 else None
        return {"entity_id": eid, "canonical": mentions[0][3], "fond": fond, "opis": opis}

    def _fonds_before(self, archives: List[tuple], text: str) -> Dict[str, str]:
        """{archive: fond} for the archives a header names right after one of their fonds ("zespół Ambasada RP
        w Moskwie w Archiwum Akt Nowych (AAN)"), when each is named with one fond only. A sentence showing how
        the entries are cited ("Preferred citation: [Identification of item], Box/Folder, X Papers, Hoover
        Institution") names no fond of theirs."""
        found: Dict[str, set] = {}
        for a in archives:
            if self.form_example_re is not None and self.form_example_re.search(SENTENCE_END_RE.split(text[:a[0]])[-1]):
                continue
            before = text[max(0, a[0] - 80):a[0]]
            m = next((m for m in (rx.search(before) for rx in self.fond_before) if m), None)
            if m and a[2]:
                found.setdefault(a[2], set()).add(re.sub(r"\s+", " ", m.group("v")))
        return {eid: fonds.pop() for eid, fonds in found.items() if len(fonds) == 1}

    def _labelled_archive(self, archives: List[tuple], text: str) -> set:
        """{the archive} a header's repository field names ("Repository: RGVA, ul. Admirala Makarova 29"),
        when every such field names the same one: the other archives of the header are its history."""
        if self.repository_label_re is None:
            return set()
        starts = {a[0]: a[2] for a in archives if _known(a[2])}
        return {starts[m.end()] for m in self.repository_label_re.finditer(text) if m.end() in starts}

    def _title_archive(self, archives: List[tuple], text: str) -> set:
        """{the archive} a calendar's title names ("Calendar of documents. ... Archiv Ministerstva zahraničních
        věcí (AMZV), Prague."), when its sentence names no other: archives named later in the header ("the
        Soviet records are held by the AVPRF") are the exceptions, not the home of the entries."""
        if not self.is_header_text(text):
            return set()
        first = next((a for a in archives if _known(a[2])), None)
        if first is None:
            return set()
        ends = [m.start() for m in SENTENCE_END_RE.finditer(text)]
        k = bisect.bisect_left(ends, first[0])
        same = {a[2] for a in archives if _known(a[2]) and bisect.bisect_left(ends, a[0]) == k}
        return {first[2]} if k <= 3 and same == {first[2]} else set()

    def is_header_text(self, text: str) -> bool:
        """Whether a paragraph opens as the header of a calendar or finding aid ("Calendar of documents.")."""
        return self.header_opening_re is not None and bool(self.header_opening_re.match(text))

    def part_heading(self, text: str, archives: List[tuple], citations: List[dict]) -> Optional[dict]:
        """The archive and fond a part of a calendar takes for its entries: "Część II. AAN, zespół Ministerstwo
        Spraw Zagranicznych. ..." -> AAN, "Ministerstwo Spraw Zagranicznych"; None for any other paragraph."""
        if self.part_opening_re is None or not self.part_opening_re.match(text) or \
                any(c.get("delo") or c.get("pages") for c in citations):
            return None
        ids = {a[2] for a in archives}
        fond = self.header_fond(text)
        if len(ids) != 1 or None in ids or not fond:
            return None
        eid, canonical = archives[0][2], archives[0][3]
        return {"entity_id": eid, "canonical": canonical, "fond": fond, "opis": None}

    @staticmethod
    def is_holding(cite: dict) -> bool:
        """A fond (and opis) named without its files ("RGVA, fond 104"), or with the extent of its files
        ("Nachlass Schulenburg, Bd. 1–7"): in a header, a description of holdings."""
        return bool(cite.get("fond")) and not cite.get("pages") and (
            not cite.get("delo") or bool(re.fullmatch(r"\d+\s*[–-]\s*\d+", cite["delo"])))

    def heading_box(self, text: str) -> Optional[str]:
        """The one box a series heading gives ("Series 12. The Soviet embassy in Paris, 1925–1932. Box 17."),
        whose folders the entries below cite ("Folder 1. Report of ..."); None for any other paragraph."""
        if self.box_re is None or self.arrangement_re is None or not self.arrangement_re.match(text):
            return None
        boxes = list(self.box_re.finditer(text))  # "Boxes 18–19" is no box of its folders
        return re.sub(r"\s+", " ", boxes[0].group(0)) if len(boxes) == 1 else None

    def box_line(self, text: str) -> Optional[str]:
        """A paragraph that is only a box ("Box 12"): the heading of the folders listed under it, no citation."""
        if self.box_re is None:
            return None
        m = self.box_re.fullmatch(text.strip().rstrip(".:").strip())
        return re.sub(r"\s+", " ", m.group(0)) if m else None

    def in_heading_box(self, cite: dict, box: Optional[str]) -> None:
        """'Folder 1' under the heading's 'Box 17' is 'Box 17, Folder 1'."""
        if box and self.folder_re is not None and cite.get("delo") and self.folder_re.match(cite["delo"]) and \
                not cite.get("fond") and not cite.get("opis"):
            cite["delo"] = f"{box}, {cite['delo']}"

    def file_heading(self, text: str, default_archive: Optional[dict]) -> Optional[dict]:
        """A paragraph that heads a file of a finding aid, its items following in the next paragraphs:
        "Bd. 3: Korrespondenz mit Ribbentrop, 1938–1939.", "N 1024/12: Korrespondenz mit Neurath" -> the file
        (archive, fond, opis, delo) whose leaves the items then cite ("Bl. 14–17")."""
        if default_archive is None or self.entry_pages_re is None:
            return None
        head = text.split(":", 1)[0].strip() if ":" in text[:40] else None
        if not head or self.entry_pages_re.search(text):
            return None
        cite = {"fond": None, "opis": None, "delo": None, "pages": None}
        if self._parse_parts(head, cite, named_ok=False) < len(head) - 1 or not cite["delo"] or cite["pages"]:
            return None
        return {"archive": {k: default_archive[k] for k in ("entity_id", "canonical")},
                "fond": cite["fond"] or default_archive.get("fond"), "opis": cite["opis"] or default_archive.get("opis"),
                "delo": cite["delo"]}

    def parse(self, text: str, archives: Iterable[tuple], previous: Optional[dict] = None,
              default_archive: Optional[dict] = None, places: Iterable[str] = (),
              fallback: Optional[dict] = None, orgs: Iterable[tuple] = (),
              entry_file: Optional[dict] = None) -> List[dict]:
        """Citations in one segment. archives: (start, end, entity_id, canonical) of ARCHIVE mentions.

        previous: the last citation of the previous segment when that segment ended
        with it (for "Ibid."); default_archive: the archive of the document's header
        (for citations that do not name one); entry_file: the file a heading above gave
        (see `file_heading`), whose leaves the items of this paragraph cite.
        """
        found: List[dict] = []
        archives = sorted(archives)
        self.places = set(places)
        skip = set()
        for i, (a_start, a_end, eid, canonical) in enumerate(archives):
            if a_start in skip:
                continue
            rest = text[a_end:]
            # "Instytut Polski i Muzeum im. gen. Sikorskiego (PISM), KOL 12/3": the acronym closes a gloss
            closing = a_start > 0 and text[a_start - 1] == "(" and rest.startswith(")")
            m = re.match(r"^\)?\s*[,:.]?\s*" if closing else r"^\s*[,:.]?\s*", rest)
            off = m.end()
            gloss_parts = None
            if rest[off:off + 1] == "(":
                # "(Russian State Military Archives, hereinafter: RGVA)", "(La Courneuve)": a gloss
                depth, j = 0, off
                while j < len(rest):
                    depth += {"(": 1, ")": -1}.get(rest[j], 0)
                    j += 1
                    if depth == 0:
                        break
                for b in archives[i + 1:]:
                    if a_end + off <= b[0] < a_end + j:
                        skip.add(b[0])
                inner = rest[off + 1:j - 1]
                glossed = {"fond": None, "opis": None, "delo": None, "pages": None}
                if self._parse_parts(inner, glossed, named_ok=False) == len(inner.rstrip(". ")):
                    gloss_parts = glossed  # "the AVPRF (f. 06)": the parenthesis holds the numbers
                    if glossed["pages"] and not any(glossed[k] for k in ("fond", "opis", "delo")) and \
                            self.fond_page_re.match(inner.strip()):
                        glossed["fond"], glossed["pages"] = glossed["pages"], None  # a folio of no file: the fond
                off = j + re.match(r"^\s*[,:]?\s*", rest[j:]).end()
            if any(c["start"] <= a_start < c["end"] for c in found):
                continue  # "AAN, Prezydium Rady Ministrów, sygn. 58": a fond the NER took for an archive
            nxt = next((b for b in archives[i + 1:] if b[0] == a_end + off), None)
            if nxt is not None and not (_known(eid) and not _known(nxt[2])):
                continue  # "the Archiwum Akt Nowych: AAN, MSZ, ...": the next name carries the citation
            kept_before = self.kept_re.search(text[max(0, a_start - 30):a_start])
            kept = kept_before or self.kept_after_re.match(rest)
            if kept and self.kept_collection_re is not None and not rest[off:].lstrip().startswith((",", ":")):
                # "Die amtliche Überlieferung ... liegt im PA AA": the place of a body of records, no document's;
                # the clause before the cue says which ("die Instruktion ... ist in den Akten des PA AA erhalten")
                cue = max(0, a_start - 30) + kept_before.start() if kept_before else a_start
                sentence = SENTENCE_END_RE.split(text[:cue])[-1].rsplit(";", 1)[-1]
                kept = None if self.kept_collection_re.search(sentence) else kept
            cite = {"start": a_start, "end": a_end, "archive": {"entity_id": eid, "canonical": canonical},
                    "fond": None, "opis": None, "delo": None, "pages": None}
            # the parts end where another archive is named ("the AVPRF (f. 06), on the records in NARA, RG 43")
            limit = next((b[0] - a_end for b in archives[i + 1:] if b[0] > a_end + off and b is not nxt and
                          b[2] != eid and rest[:b[0] - a_end].count("(") <= rest[:b[0] - a_end].count(")")),
                         off + 600)
            consumed = self._parse_parts(rest[off:min(off + 600, limit)], cite)
            if consumed:
                cite["end"] = a_end + off + consumed
                if cite["fond"] is None:
                    # "the Mikołajczyk papers at the Hoover Institution, box 3": the fond named before its archive
                    before = text[max(0, a_start - 80):a_start]
                    fm = next((m for m in (rx.search(before) for rx in self.fond_before) if m), None)
                    if fm:
                        cite["fond"] = re.sub(r"\s+", " ", fm.group("v"))
                        cite["start"] = a_start - len(before) + fm.start("v")
            elif gloss_parts is not None:
                cite.update(gloss_parts)
                cite["end"] = a_end + off
            elif not kept:
                continue
            found.append(cite)
        ibids = [m for m in self.ibid_re.finditer(text)]
        # an "Ibid." covers its own parts only ("ebd., Bl. 37–39. — Telegramm ..., Bl. 40–41": the next is an entry)
        ibid_spans = [(m.start(), m.end() if m.group("rest") is None else m.start("rest") + self._ibid_parts(
            m.group("rest"))[1]) for m in ibids]

        def taken(pos: int) -> bool:
            return any(c["start"] <= pos < max(c["end"], c["start"] + 1) for c in found) or \
                any(s <= pos < e for s, e in ibid_spans)

        # Citations without a named archive: "f. 04, op. 32, d. 208, l. 5"; "R 9381, Bl. 12–15" in a calendar
        starts = [(m.start(), False) for m in self.start_kw.finditer(text)]
        folder_at: set = set()
        if default_archive is not None:
            # in a calendar or finding aid the header names the archive: "box 12, folder 4", "vol. 352, f. 41"
            starts += [(m.start(), False) for m in self.level_start.finditer(text)]
            if self.folder_start is not None:
                # "... are repaired. P. 1, d. 2, l. 4.": the AVPRF's folder, then the file in it
                folder_at = {m.start() for m in self.folder_start.finditer(text)}
                starts += [(k, False) for k in folder_at]
        starts += [(m.start("part"), True) for rx in (BOUNDARY_RE, IN_PART_RE, MARK_PART_RE) for m in rx.finditer(text)
                   if self._signature(SENTENCE_END_RE.split(m.group("part"), 1)[0].strip().rstrip(".")) is not None]
        header_fond = (default_archive or {}).get("fond")
        header_opis = (default_archive or {}).get("opis")
        if default_archive is not None:
            default_archive = {"entity_id": default_archive["entity_id"], "canonical": default_archive["canonical"]}
        for s, by_signature in sorted(set(starts)):
            if taken(s):
                continue
            cite = {"start": s, "end": s, "archive": default_archive, "fond": None, "opis": None, "delo": None,
                    "pages": None}
            chunk = text[s:s + 400]
            opens_folder = s in folder_at and chunk[:1].isupper()
            if opens_folder:
                chunk = chunk[:1].lower() + chunk[1:]  # "P. 1, d. 2" opening a sentence: the folder's keyword
            consumed = self._parse_parts(chunk, cite, named_ok=False)
            if opens_folder and (cite["delo"] or "").startswith(chunk[:1]):
                cite["delo"] = text[s] + cite["delo"][1:]  # as written
            if consumed and default_archive is not None and not text[:s].strip() and cite["delo"] and \
                    not cite["pages"] and self.entry_pages_re is not None:
                # an inventory entry: "Д. 41. Письмо ЦК КПРП ..., Варшава, 23 декабря 1923 г. Л. 1–4 об.";
                # "File 48. Report of ..., 3 Jan. 1925, ff. 2–9.": the file first, its leaves after the title
                leaves = [m for m in self.entry_pages_re.finditer(text, s + consumed) if not taken(m.start()) and
                          not self.after_file_re.search(text[max(0, m.start() - 40):m.start()])]
                # "Bl. 1–14, hier Bl. 7": the leaves the item narrows to
                leaves = [m for m, n in zip(leaves, leaves[1:] + [None])
                          if n is None or text[m.end():n.start()].strip(" ,").lower() not in self.refine_words]
                if leaves:
                    cite["pages"] = leaves[0].group("v").strip()
                # "N 1024/9: Ankara und Genf. — Schreiben ..., Bl. 12–13. — Telegramm ..., Bl. 14": a file
                # heading, then its items, each cited by its leaves
                # (after a dash or a semicolon: leaves named inside a description, "На л. 30–35 об. — проект",
                # "(л. 15–22)", are no item)
                entry_items = [{**cite, "pages": m.group("v").strip(), "start": m.start(), "end": m.end()}
                               for prev, m in zip(leaves, leaves[1:])
                               if any(sep in text[prev.end():m.start()] for sep in ("—", ";"))]
            else:
                entry_items = []
            # "...; d. 14, l. 5", "l. 2 (protocol of 27 July 1920); d. 99, l. 1": the next file, past a gloss
            prior = [c for c in found if c["end"] <= s and re.fullmatch(
                r"\s*(?:\([^()]{0,80}\))?[\s,;]*(?:and|und|et|i|и)?\s*", text[c["end"]:s])]
            nearby = prior or [c for c in found if c["end"] <= s and NEXT_FILE_GAP_RE.fullmatch(text[c["end"]:s])
                               and not self.stop_in_re.search(text[c["end"]:s])  # "; printed in DVP, vol. 17"
                               # "; the communiqué in DVP, vol. 18, pp. 333–334"; but "p. 1, d. 6" is a folder and file
                               and not (self.is_book_reference(text[s:s + consumed]) and "," not in (cite["delo"] or ""))
                               # "РГАСПИ, ф. 17, ...; экземпляр полпредства: Оп. 10, п. 25, д. 5": a capital keyword
                               # opens a citation of its own, in the header's fond
                               and not (header_fond and text[s:s + 1].isupper())
                               # "RGASPI, f. 17, op. 3, d. 218, l. 2; the copy received in London: d. 226": a copy
                               # the entry locates after another archive's file is in the calendar's own fond
                               and not (header_fond and text[c["end"]:s].rstrip().endswith(":") and
                                        (c.get("archive") or {}).get("entity_id") != default_archive["entity_id"])]
            if consumed and not nearby and cite["fond"] is None and cite["opis"] and default_archive is None:
                # 'RGASPI, fond 17, op. 3, d. 483; the draft is in the "special file": op. 162, d. 2': an opis
                # without its fond is one of the fond cited just before it
                nearby = [c for c in found if c["end"] <= s and c.get("fond") and c.get("opis")][-1:]
            if consumed and nearby and cite["fond"] is None and nearby[-1]["fond"] and (cite["opis"] or cite["delo"]):
                # "f. 4, op. 14, d. 12, l. 3; d. 14, l. 5": the next file of the same fond (and opis), and archive
                prior = nearby
                cite["archive"] = prior[-1]["archive"]
                cite["fond"] = prior[-1]["fond"]
                if cite["opis"] is None and cite["delo"]:
                    cite["opis"] = prior[-1]["opis"]
                    cite["delo"] = self._in_folder(prior[-1]["delo"], cite["delo"])
            n0 = self._named_fond_start(text, s, orgs) if consumed and default_archive is not None and \
                cite["fond"] is None else None
            ok = (cite["fond"] and (cite["opis"] or cite["delo"])) or \
                (by_signature and cite["pages"] and n0 is not None) or \
                (by_signature and cite["pages"] and (cite["fond"] or cite["delo"])) or \
                (by_signature and default_archive is not None and cite["delo"]) or \
                (default_archive is not None and cite["delo"] and (cite["pages"] or cite["opis"] or
                                                                 self.container_re.match(cite["delo"])) and
                 (cite["opis"] or s in folder_at or not BOOK_PAGES_RE.search(text[s:s + consumed]))) or \
                (default_archive is not None and header_fond and cite["delo"] and not text[:s].strip() and
                 text[s:s + 1].isupper() and text[s + consumed:s + consumed + 1] == ".")
            # ("File 41. Letters from Chicherin to Krestinsky, 1922–1925. 84 ll.": an entry opening with its file,
            # though it gives no leaves; "Bd. 3: Korrespondenz ..." heads the items below instead)
            # "printed in DVP, vol. 3, p. 75" is a book; "op. 10, p. 101, d. 3" or "...: p. 2, d. 1" (a folder) no book's
            if consumed and ok and default_archive is not None and cite["fond"] is None:
                if n0 is not None:
                    cite["fond"], cite["start"] = re.sub(r"\s+", " ", text[n0:s]).strip().rstrip(","), n0
                elif header_fond and not by_signature:
                    cite["fond"] = header_fond  # "Nachlass Seeckt (N 247)" in the header; "Nr. 88, Bl. 3" here
                    cite["opis"] = cite["opis"] or header_opis
            if consumed and ok:
                cite["end"] = s + consumed
                if cite["archive"] is None and (prior or nearby):
                    # "TNA, PREM 3/355/7, ff. 312–318, and CAB 65/41, f. 22"; "RGASPI, f. 17, op. 3, d. 370, l. 4;
                    # the text of the decision in the special folder, f. 17, op. 162, d. 1, l. 22"
                    cite["archive"] = (prior or nearby)[-1]["archive"]
                if cite["archive"] is None and cite["fond"]:
                    # "RGASPI, fond 325, op. 1, d. 406; the copy with Lenin's marginalia is in fond 2, op. 2, d. 626":
                    # a fond named with no archive is in the archive last cited before it, no other named between
                    earlier = [c for c in found if c["end"] <= s and c.get("archive")]
                    if earlier and not any(earlier[-1]["end"] <= a[0] < s for a in archives):
                        cite["archive"] = earlier[-1]["archive"]
                found.append(cite)
                found += [{**item, "fond": cite["fond"], "opis": cite["opis"]} for item in entry_items]
        if entry_file is not None and self.entry_pages_re is not None:
            # "Bd. 3: ..." above, then "Privatbrief Schulenburgs an Weizsäcker, 12. Mai 1939, Bl. 14–17."
            # (or by the frames of its film: "Letter from Chicherin ..., Moscow, 4 Nov. 1922, H 225101–225102")
            frames = list(self.frame_re.finditer(text)) if self.frame_re is not None else []
            for m in sorted(list(self.entry_pages_re.finditer(text)) + frames, key=lambda m: m.start()):
                if not taken(m.start()) and not any(c["start"] <= m.start() < c["end"] for c in found):
                    found.append({**entry_file, "pages": m.group("v").strip(), "start": m.start(), "end": m.end()})
        item = self.item_number_re.match(text) if self.item_number_re is not None and header_fond else None
        if item is not None and not taken(item.start("v")):
            # "(4512) Sedov, Lev. Letter to Trotsky, ...": the item of the header's collection the entry describes
            found.append({"start": item.start("v"), "end": item.end("v"), "archive": default_archive,
                          "fond": header_fond, "opis": header_opis, "delo": item.group("v"), "pages": None})
        if self.registry_re is not None and header_fond:
            # "... by the next bag. N 8311/5/38.": a Foreign Office paper's registry number standing alone in an
            # entry of a calendar whose header gives the series: the paper is in that series, its piece unknown
            for m in self.registry_re.finditer(text):
                if not taken(m.start()):
                    found.append({"start": m.start(), "end": m.end(), "archive": default_archive, "fond": header_fond,
                                  "opis": header_opis, "delo": None, "pages": None})
        for m in ibids:
            before = [c for c in found if c["end"] <= m.start()]
            if before:
                base = max(before, key=lambda c: c["end"])
                gap = text[base["end"]:m.start()]
            else:
                base, gap = previous, text[:m.start()]
            if base is None or self.is_book_reference(gap):
                rest = m.group("rest") or ""
                if fallback is None or not (self.archival_pages_re and self.archival_pages_re.match(rest)):
                    continue
                base = fallback  # "Ibid., Bl. 63" after a book: folios are the archive's, not the book's
            cite = {**{k: base.get(k) for k in ("archive", "fond", "opis", "delo", "pages")},
                    "start": m.start(), "end": m.end()}
            if m.group("rest") is not None:
                fresh, consumed = self._ibid_parts(m.group("rest"))
                if fresh["delo"] and not fresh["opis"]:
                    fresh["delo"] = self._in_folder(base.get("delo"), fresh["delo"])
                for k in ("fond", "opis", "delo"):
                    if fresh[k]:
                        cite[k] = fresh[k]
                cite["pages"] = fresh["pages"] or (None if consumed else base.get("pages"))
                if consumed:
                    cite["end"] = m.start("rest") + consumed
            item = ITEM_AFTER_IBID_RE.match(text, m.end())
            if item is not None and base.get("delo") and base.get("text", text[base["start"]:base["end"]]).rstrip(
                    " .;,").endswith(f"({base['delo']})"):
                # "bMS Russ 13.1 (4183); ..., ibid. (8291)": another item of the collection cited before
                cite.update(delo=item.group(1), pages=None, end=item.end())
            found.append(cite)
        if default_archive is not None:
            # "Series II. Notes of conversations, 1918–1938. Box 5.", "(boxes 1–4)": the arrangement of the
            # papers, not the place of a document
            arranging = self.arrangement_re is not None and self.arrangement_re.match(text)
            found = [c for c in found if not (
                c["delo"] and not c["pages"] and not c["fond"] and not c["opis"] and
                (self.container_range_re.match(c["delo"]) or (arranging and self.container_re.match(c["delo"])
                                                              and "," not in c["delo"])))]
        if self.series_only_re is not None:
            # "Series 1, Correspondence with legations, 1919–1932": a group of files, no file
            found = [c for c in found if not (c["delo"] and self.series_only_re.match(c["delo"]) and not c["pages"])]
        for c in found:
            c["text"] = text[c["start"]:c["end"]]
        found.sort(key=lambda c: c["start"])
        return found


@Language.factory(
    "historian_citations_v1",
    assigns=["doc._.citations"],
    requires=["doc.ents"],
    default_config={"fields_path": None},
    default_score_weights={"citation_exact": 0.0},
)
def make_citation_parser(nlp: Language, name: str, fields_path: Optional[str]) -> "CitationComponent":
    return CitationComponent(nlp, name, fields_path)


class CitationComponent:
    """Sets `doc._.citations`: parsed archival citations with their archive entity."""

    def __init__(self, nlp: Language, name: str, fields_path: Optional[str] = None):
        register_extensions()
        self.nlp = nlp  # its linker's knowledge base tells the scorer which ids are new
        self.name = name
        self.fields: Dict[str, List[str]] = {}
        self.parser: Optional[CitationParser] = None
        if fields_path:
            self._load(Path(fields_path))

    def _load(self, path: Path) -> None:
        if path.is_dir():
            path = path / "fields.json"
        data = srsly.read_json(path)
        missing = [k for k in REQUIRED if k not in data]
        if missing:
            raise ValueError(f"{path}: citation field table lacks {missing}")
        for key, value in data.items():
            if key.startswith("_"):
                continue
            for i, item in enumerate(value if isinstance(value, list) else [value]):
                pattern = item.get("pattern") if isinstance(item, dict) else item
                try:
                    re.compile(pattern)
                except (re.error, TypeError) as err:
                    raise ValueError(f"{path}: {key}[{i}] {pattern!r} is not a regular expression: {err}") from None
        self.fields = data
        self.parser = CitationParser(data)

    def initialize(self, get_examples: Optional[Callable[[], Iterable[Example]]] = None, *,
                   nlp: Optional[Language] = None, fields_path: Optional[str] = None) -> None:
        if fields_path:
            self._load(Path(fields_path))
        if self.parser is None:
            raise ValueError(f"[{self.name}] needs fields_path (configs/citations) at initialize")

    def __call__(self, doc: Doc) -> Doc:
        if self.parser is None:
            raise ValueError(f"[{self.name}] not initialized: no citation field table")
        citations: List[dict] = []
        previous: Dict[str, Optional[dict]] = {}  # "Ibid." follows the previous footnote (or body paragraph)
        last_archival: Dict[str, dict] = {}  # the last archival citation, even when a book came after it
        default_archive = None
        header_open, body_seen = True, 0
        header_holdings: List[dict] = []
        titled = False
        entry_file: Optional[dict] = None  # the file the last heading of a finding aid named
        entry_volume: Optional[dict] = None  # the file of the header's archive the last entry cited
        heading_box: Optional[str] = None  # the box the last series heading gave ("... Box 17.")
        ents = list(doc.ents)  # doc.ents walks every token: once per document, not per segment
        # a signature the NER took for an archive it does not know ("is in Add MS 48926, ff. 88–91") is a file
        archives = [e for e in ents if e.label_ == "ARCHIVE" and not (
            not _known(e._.entity_id or e.kb_id_ or None) and self.parser.is_signature(e.text))]
        # places the linker knows ("Essen", "Freiburg"); a name it does not ("Botschaft Tokio") may be a fond
        places_all = [(e.start_char, e.text) for e in ents if e.label_ == "LOC" and _known(e.kb_id_)]
        orgs_all = [(e.start_char, e.end_char) for e in ents if e.label_ == "ORG"]
        full = doc.text  # built from every token: once
        for k, seg in enumerate(get_segments(doc)):
            s0, s1 = seg["start"], seg["end"]
            kind = seg.get("kind", "body")
            text = full[s0:s1]
            arch = [(e.start_char - s0, e.end_char - s0, e._.entity_id or e.kb_id_ or None,
                     e._.canonical or e.text) for e in archives if s0 <= e.start_char < s1]
            places = [t for c, t in places_all if s0 <= c < s1]
            orgs = [(a - s0, b - s0) for a, b in orgs_all if s0 <= a < s1]
            heading = self.parser.file_heading(text, default_archive)
            if heading is not None:
                entry_file = heading
            if default_archive is not None and self.parser.arrangement_re is not None and \
                    self.parser.arrangement_re.match(text):
                heading_box = self.parser.heading_box(text)  # a new series: its box, or none
            box = self.parser.box_line(text) if default_archive is not None else None
            if box is not None:
                heading_box = box  # "Box 12", then "Folder 1: Telegram from ...": Box 12, Folder 1
                continue
            found = self.parser.parse(text, arch, previous.get(kind), default_archive, places,
                                      fallback=last_archival.get(kind), orgs=orgs,
                                      entry_file=entry_file if heading is None else None)
            if kind == "body" and entry_volume is not None and heading is None:
                # "Steht nur die Blattangabe, so gehört das Stück zu dem im vorhergehenden Regest genannten Band":
                # an entry that gives its leaves alone, before any file it names, is kept in the volume the
                # entry before cited
                first = min((c["start"] for c in found), default=len(text))
                leaves = next((x for x in self.parser.bare_leaves(text) if x[2] <= first), None)
                if leaves is not None:
                    # and the leaves it gives further on, before any other file ("a covering letter (f. 98)")
                    more = [x for x in self.parser.later_leaves(text) if leaves[2] <= x[1] and x[2] <= first]
                    volume = []
                    for pages, start, end in [leaves] + more:
                        cite = {f: copy.copy(entry_volume.get(f)) for f in ("archive", "fond", "opis", "delo")}
                        cite.update(pages=pages, start=start, end=end, text=text[start:end])
                        volume.append(cite)
                    found = volume + found
            if header_open and kind == "body" and self.parser.form_example_re is not None:
                # "Items are cited by call number and item number in parentheses: bMS Russ 13.1 (4512).": the
                # header shows how its entries are cited; that example cites no document
                # ("Copies in the PA AA ... are cited with the name of the archive.": nor an archive it names alone)
                found = [c for c in found if not self.parser.form_example_re.search(
                    SENTENCE_END_RE.split(text[:c["start"]])[-1] + (SENTENCE_END_RE.split(text[c["start"]:])[0] if
                                                                   not any(c.get(k) for k in FIELDS) else ""))]
            if header_open and kind == "body":
                # the header: the first body paragraph that names an archive, one of the first two and
                # before any entry ("Calendar of documents." / "Politisches Archiv ..., Berlin.")
                default_archive = self.parser.header_archive(arch, found, text)
                if default_archive is not None:
                    header_holdings = [c for c in found if self.parser.is_holding(c)]
                    titled = self.parser.is_header_text(text)
                if self.parser.is_header_text(text):
                    # "Calendar ... Compiled from the files kept at the Polish Institute and Sikorski Museum, from
                    # the AVPRF and TNA": the repositories of the holdings, no citations
                    found = [c for c in found if any(c.get(k) for k in ("fond", "opis", "delo", "pages"))]
                body_seen += 1
                header_open = default_archive is None and not found and body_seen < 2
            elif default_archive is not None and kind == "body":
                part = self.parser.part_heading(text, arch, found)
                if part is not None:
                    # the entries below cite the files of the fond this part names; the heading cites nothing
                    default_archive, found, entry_volume = part, [], None
            for c in found:
                if default_archive is not None and (c.get("archive") or {}).get("entity_id") == default_archive["entity_id"]:
                    self.parser.in_heading_box(c, heading_box)
            if default_archive is not None and kind == "body":
                entry_volume = next((c for c in found if c.get("delo") and (c.get("archive") or {}).get("entity_id")
                                     == default_archive["entity_id"]), entry_volume)
            previous[kind] = found[-1] if self.parser.ends_archival(text, found) else None
            if found:
                last_archival[kind] = found[-1]
            for c in found:
                c["start"] += s0
                c["end"] += s0
                c["segment"] = k
                citations.append(c)
        named = [(e.start_char, e.end_char) for e in archives]
        if header_holdings and (titled or any(c["segment"] > header_holdings[0]["segment"] and
                                   (c.get("archive") or {}).get("entity_id") == default_archive["entity_id"] and
                                   not any(c["start"] <= a < c["end"] for a, _ in named) for c in citations)):
            # "Unless another repository is named, the documents are kept at the RGVA, fond 104": a header
            # whose entries cite only their files, or one that opens as a calendar's ("Calendar. AVPRF,
            # fond 0135"), describes the holdings, it cites no document
            citations = [c for c in citations if not any(c is h for h in header_holdings)]
        doc._.citations = citations
        return doc

    def score(self, examples: Iterable[Example], **kwargs) -> Dict[str, float]:
        known, prefix = kb_ids_in(self.nlp)
        return score_citations(examples, known, prefix)

    def to_disk(self, path, exclude=tuple()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "fields.json", self.fields)

    def from_disk(self, path, exclude=tuple()) -> "CitationComponent":
        self._load(Path(path) / "fields.json")
        return self


def _key(c: dict) -> tuple:
    archive = c.get("archive")
    if isinstance(archive, dict):
        archive = archive.get("entity_id")
    norm = lambda v: re.sub(r"\s+", " ", str(v)).replace("-", "–").strip() if v is not None else None
    return (archive, norm(c.get("fond")), norm(c.get("opis")), norm(c.get("delo")), norm(c.get("pages")))


def score_citations(examples: Iterable[Example], known_ids: Optional[set] = None,
                    new_prefix: str = NEW_PREFIX) -> Dict[str, float]:
    """Share of gold citations (per segment) found with every field exact, and the precision.

    An archive the KB lacks matches through its mentions (see `align_new_ids`)."""
    gold_n = pred_n = hit = 0
    for eg in examples:
        gold = eg.reference.user_data.get("gold_citations", [])
        pred = eg.predicted._.citations or []
        id_map = align_new_ids(eg.predicted, eg.reference, known_ids, new_prefix)
        by_seg: Dict[int, List[tuple]] = {}
        for c in pred:
            key = _key(c)
            by_seg.setdefault(c.get("segment"), []).append((id_map.get(key[0], key[0]),) + key[1:])
        gold_n += len(gold)
        pred_n += len(pred)
        for g in gold:
            cands = by_seg.get(g.get("segment"), [])
            if _key(g) in cands:
                cands.remove(_key(g))
                hit += 1
    return {"citation_exact": hit / gold_n if gold_n else 0.0,
            "citation_precision": hit / pred_n if pred_n else 0.0,
            "citation_gold": gold_n, "citation_pred": pred_n}
