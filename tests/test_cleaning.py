"""The cleaner, on real lines of the seed: each repair, the raw map, footnotes."""
import pytest

from pipeline.cleaning import clean

LIGATURES = [
    # two common words that happen to meet at "ft"/"ff" stay two
    ("a prisoner of his left wing and a staff member.", "a prisoner of his left wing and a staff member."),
    ("Th e document was undoubtedly authentic.", "The document was undoubtedly authentic."),
    ("for the fi rst time, working in", "for the first time, working in"),
    ("People’s Commissariat of Foreign Aff airs on the situation", "People’s Commissariat of Foreign Affairs on the situation"),
    ("a Polish intelligence offi  cer, Major", "a Polish intelligence officer, Major"),
    ("the reports of Adolf Joff e, the other key Soviet diplomat", "the reports of Adolf Joffe, the other key Soviet diplomat"),
    ("and its political signifi cance.", "and its political significance."),
    ("in the most infl uential British newspaper", "in the most influential British newspaper"),
    ("I have so oft en said to Trotsky", "I have so often said to Trotsky"),
    ("by left -wing Esers", "by left-wing Esers"),
    ("allocated by Joff e and his staff  to supporting", "allocated by Joffe and his staff to supporting"),
    ("the German General Staff  and the Second", "the German General Staff and the Second"),
]

HYPHENATION = [
    ("no matter what govern-\nment it has", "no matter what government it has"),
    ("the Peace of Brest-\nLitovsk of 3 March 1918", "the Peace of Brest-Litovsk of 3 March 1918"),
    ("ousting the rival Anglo-\nSaxon or French capital", "ousting the rival Anglo-Saxon or French capital"),
    ("(known as the Molotov-\nRibbentrop Pact)", "(known as the Molotov-Ribbentrop Pact)"),
    ("his comrade from the 1909–\n1912 period", "his comrade from the 1909–1912 period"),
    ("о советско-германских взаимоотноше-\nниях и по другим", "о советско-германских взаимоотношениях и по другим"),
]


@pytest.mark.parametrize("raw,expected", LIGATURES)
def test_ligatures(raw, expected):
    assert clean(raw).text == expected


@pytest.mark.parametrize("raw,expected", HYPHENATION)
def test_line_break_hyphenation(raw, expected):
    assert clean(raw).text == expected


def test_headers_urls_page_numbers_removed():
    raw = ("Soviet organisation. But we cannot allow a government that\n\n"
           "http://dx.doi.org/10.12775/SDR.2025.EN9.04\n\nhttp://rcin.org.pl\n\n\n\n100 Andrzej Nowak\n\n"
           "will become a pole of attraction for Ukraine.\n")
    out = clean(raw).text
    assert "http" not in out and "Andrzej Nowak" not in out
    assert "a government that will become a pole" in out  # the page break is joined up


def test_seed_footnotes_numbered_and_linked(seed_clean):
    footnotes = [s for s in seed_clean.segments if s.kind == "footnote" and s.number]
    assert [s.number for s in footnotes] == list(range(1, 70))
    markers = {m["number"]: m for s in seed_clean.segments for m in s.markers}
    assert sorted(markers) == list(range(1, 70))
    # footnote 7 hangs on the sentence about the Daszyński–Kopp meeting
    m7 = markers[7]
    sentence = seed_clean.text[m7["sentence_start"]:m7["sentence_end"]]
    assert "clandestine meeting" in sentence and sentence.rstrip().endswith("war.7")
    fn41 = next(s for s in footnotes if s.number == 41)
    assert seed_clean.text[fn41.start:fn41.end].startswith("41 RGASPI, fond 17, op. 3, d. 2137")


def test_footnote_continued_after_page_break(seed_clean):
    fn6 = next(s for s in seed_clean.segments if s.kind == "footnote" and s.number == 6)
    text = seed_clean.text[fn6.start:fn6.end]
    assert text.endswith("(Санкт-Петербург, 2011).")  # its continuation on the next page is joined
    fn4 = next(s for s in seed_clean.segments if s.kind == "footnote" and s.number == 4)
    assert "De Zimmerwald à Moscou" in seed_clean.text[fn4.start:fn4.end]


def test_body_paragraph_joined_across_footnotes(seed_clean):
    assert "was a tactical concession forced by circumstances, namely the military weakness" in seed_clean.text


@pytest.mark.parametrize("needle", ["Joffe", "The treaty", "government", "Brest-Litovsk", "influential",
                                    "RGASPI, fond 17, op. 3, d. 2137, pp. 33–35v", "Иоффе"])
def test_cleaned_spans_map_back_to_raw(seed_raw, seed_clean, needle):
    start = seed_clean.text.find(needle)
    if start < 0:
        pytest.skip(f"{needle!r} not in this seed")
    rs, re_ = seed_clean.to_raw(start, start + len(needle))
    raw_piece = seed_raw[rs:re_]
    # the raw span holds the same letters, split ligatures and line breaks aside
    squash = lambda s: "".join(ch for ch in s if ch.isalnum())
    assert squash(raw_piece).replace("Th", "Th") == squash(needle)


def test_every_cleaned_character_maps_to_the_same_raw_character(seed_raw, seed_clean):
    mismatches = [i for i, ch in enumerate(seed_clean.text)
                  if not ch.isspace() and seed_raw[seed_clean.offsets[i]] != ch]
    assert mismatches == []


def test_cleaning_is_idempotent(seed_clean):
    assert clean(seed_clean.text).text == seed_clean.text


def test_a_heading_between_finished_paragraphs_is_kept():
    raw = ("Series 2. Correspondence, arranged by correspondent.\n\nBox 12\n\n"
           "Folder 1: Telegram from Bakhmeteff to Maklakov, 14 June 1920.\n\nFolder 2: Letters from Giers.\n\n"
           "Box 13\n\nFolder 1: Letters from Wrangel, 1921.\n")
    out = clean(raw).text
    assert "Box 12" in out and "Box 13" in out


@pytest.mark.parametrize("quoted", ["„Erst Genua!“", "«Только так!»"])
def test_a_footnote_ending_in_a_closing_quote_is_finished(quoted):
    """A German or Russian closing quote ends a footnote: the paragraph after it is the body's."""
    text = (f"Maltzan empfahl, den Vertrag zu paraphieren.5\n\n5 Ebd., Bl. 15, ein Randvermerk: {quoted}\n\n"
            "Anfang April kam die Delegation nach Genua.")
    out = clean(text)
    assert out.text == text
    assert [s.kind for s in out.segments] == ["body", "footnote", "body"]
