"""Date normalisation: the table of real cases, year inference over a document, the component."""
import json
import re
import shutil
from pathlib import Path

import pytest
import spacy
from spacy.training import Example

from pipeline.dates import DEFAULT_TABLES_PATH, DateTables, normalize_date, score_dates

FIXTURE = Path(__file__).parent / "fixtures" / "dates_cases.jsonl"
CASES = [json.loads(line) for line in FIXTURE.read_text(encoding="utf8").splitlines() if line.strip()]
MARK_RE = re.compile(r"\[([^\[\]]+)\]|\{([^{}]+)\}|\^(\d+)")


def build_doc(nlp, parts):
    """A doc from marked segments: [..] a DATE, {..} a target DATE, ^n a footnote marker.

    ``parts`` is a list of (kind, number, marked_text); segments are joined by a
    blank line, as the corpus does. Returns the doc and the target spans' offsets.
    """
    text, segments, dates, targets = "", [], [], []
    for kind, number, marked in parts:
        if text:
            text += "\n\n"
        start = len(text)
        markers, pos = [], 0
        for m in MARK_RE.finditer(marked):
            text += marked[pos : m.start()]
            pos = m.end()
            if m.group(3):
                markers.append({"number": int(m.group(3)), "offset": len(text)})
                text += m.group(3)
                continue
            surface = m.group(1) or m.group(2)
            span = (len(text), len(text) + len(surface))
            text += surface
            dates.append(span)
            if m.group(2):
                targets.append(span)
        text += marked[pos:]
        segments.append({"start": start, "end": len(text), "kind": kind, "number": number, "markers": markers})
    doc = nlp.make_doc(text)
    doc.user_data["segments"] = segments
    ents = []
    for a, b in dates:
        span = doc.char_span(a, b, label="DATE", alignment_mode="expand")
        assert span is not None and (span.start_char, span.end_char) == (a, b), f"bad test span {text[a:b]!r}"
        ents.append(span)
    doc.ents = ents
    return doc, targets


def date_at(doc, offsets):
    for ent in doc.ents:
        if (ent.start_char, ent.end_char) == offsets:
            return ent._.date
    raise AssertionError(f"no entity at {offsets}")


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("historian_dates_v1")
    nlp.initialize()
    return nlp


def run(nlp, parts):
    doc, targets = build_doc(nlp, parts)
    doc = nlp(doc)
    return [date_at(doc, t) for t in targets]


# -- the table -------------------------------------------------------------


def test_table_is_large_and_varied():
    assert len(CASES) >= 80
    assert sum(1 for c in CASES if c["year_inferred"]) >= 15
    assert sum(1 for c in CASES if c["precision"] == "interval") >= 10
    assert sum(1 for c in CASES if c["lang"] != "en") >= 10


@pytest.mark.parametrize("case", CASES, ids=[f"{i:03d}:{c['text'][:30]}" for i, c in enumerate(CASES)])
def test_table_case(nlp, case):
    expected = None
    if case["value"] is not None:
        expected = {"value": case["value"], "precision": case["precision"], "year_inferred": case["year_inferred"]}
    if case["context"]:
        (got,) = run(nlp, [("body", None, case["context"])])
        assert got == expected
    else:
        got = normalize_date(case["text"])
        assert (got.to_dict() if got is not None else None) == expected
        if case["text"]:  # the component agrees with the pure function on a lone span
            (got_c,) = run(nlp, [("body", None, "{" + case["text"] + "}")])
            assert got_c == expected


# -- the pure function -----------------------------------------------------


def test_yearless_needs_a_year():
    assert normalize_date("12 July") is None
    got = normalize_date("12 July", year=1920)
    assert (got.value, got.precision, got.year_inferred) == ("1920-07-12", "day", True)
    # a written year is never overridden by the context year
    got = normalize_date("27 Sept. 1920", year=1925)
    assert (got.value, got.year_inferred) == ("1920-09-27", False)


def test_winter_without_year_crosses_the_year_end():
    assert normalize_date("winter", year=1920).value == "1920-12/1921-02"


@pytest.mark.parametrize(
    "text",
    ["the following day", "two years earlier", "", "   ", "42", "garbage", "19.00", "p. 21", "yesterday", "Kopp 1920",
     "31 February 1921", "1920–1918", "[[", "\x00", "9" * 500, "1.1.1.1.1", "the 99th of Smarch", "– –"],
)
def test_unreadable_gives_none_and_never_raises(text):
    assert normalize_date(text) is None
    assert normalize_date(text, year=1920) is None


def test_non_string_gives_none():
    assert normalize_date(None) is None  # type: ignore[arg-type]
    assert normalize_date(1920) is None  # type: ignore[arg-type]


def test_dateparser_fallback_is_off_when_asked_and_never_invents_a_year():
    tables = DateTables.from_dir(DEFAULT_TABLES_PATH)
    # Italian is not in the tables: only dateparser can read it
    assert normalize_date("12 luglio 1920", tables=tables, languages=["en", "it"]).value == "1920-07-12"
    assert normalize_date("12 luglio 1920", tables=tables, use_dateparser=False) is None
    # without a written year dateparser would fill in today's: refused
    assert normalize_date("12 luglio", tables=tables, languages=["en", "it"]) is None


# -- year inference over a document ----------------------------------------


def test_body_segments_continue_the_narrative(nlp):
    (got,) = run(nlp, [("body", None, "Kopp came to Berlin in [May 1920]."), ("body", None, "On {11 July} he met Maltzan.")])
    assert got == {"value": "1920-07-11", "precision": "day", "year_inferred": True}


def test_plain_text_without_segments_is_one_body(nlp):
    doc, targets = build_doc(nlp, [("body", None, "In [May 1920] Kopp came. On {11 July} he met Maltzan.")])
    del doc.user_data["segments"]
    doc = nlp(doc)
    assert date_at(doc, targets[0])["value"] == "1920-07-11"


def test_no_context_year_gives_none(nlp):
    (got,) = run(nlp, [("body", None, "On {11 July} he met Maltzan.")])
    assert got is None


def test_forward_reference_does_not_move_the_year(nlp):
    forward, plain = (
        run(nlp, [("body", None, f"Kopp met Seeckt in [late November 1920]. The plebiscite {verb} [20 March 1921]. "
                                 "Chicherin answered on {12 Dec.}")])[0]
        for verb in ("was scheduled for", "took place on")
    )
    assert forward["value"] == "1920-12-12"
    assert plain["value"] == "1921-12-12"


def test_a_year_looked_back_to_inside_a_sentence_does_not_move_the_year(nlp):
    back, fronted = (
        run(nlp, [("body", None, f"The Politburo met on [23 August 1923]. {middle} Zinoviev cabled on {{1 October}}.")])[0]
        for middle in ("It weighed the treaty signed at Rapallo in [1922].", "In [1922], the treaty was signed.")
    )
    assert back["value"] == "1923-10-01"
    assert fronted["value"] == "1922-10-01"


def test_multi_year_interval_does_not_move_the_year(nlp):
    (got,) = run(nlp, [("body", None, "In [July 1920] Kopp surveyed the years [1918–1921]. On {5 August} he wrote.")])
    assert got["value"] == "1920-08-05"


def test_footnote_with_the_same_day_and_month_wins(nlp):
    body = "Kopp returned in [January 1921]. On {7 September}, Kopp wrote to Chicherin.^1 Nothing followed."
    note = "Kopp's report for Chicherin of [7 Sept. 1920], quot. on p. 21."
    (got,) = run(nlp, [("body", None, body), ("footnote", 1, note)])
    assert got == {"value": "1920-09-07", "precision": "day", "year_inferred": True}


def test_footnote_of_another_sentence_or_day_does_not_win(nlp):
    # marker in the next sentence: the narrative year stands
    body = "Kopp returned in [January 1921]. On {7 September}, Kopp wrote to Chicherin. He was angry.^1"
    note = "Kopp's report for Chicherin of [7 Sept. 1920]."
    assert run(nlp, [("body", None, body), ("footnote", 1, note)])[0]["value"] == "1921-09-07"
    # same sentence, different day
    body = "Kopp returned in [January 1921]. On {7 September}, Kopp wrote to Chicherin.^1"
    note = "Kopp's report for Chicherin of [8 Sept. 1920]."
    assert run(nlp, [("body", None, body), ("footnote", 1, note)])[0]["value"] == "1921-09-07"


def test_footnote_takes_body_year_at_its_marker_then_its_own(nlp):
    body1 = "In [July 1920] Kopp pressed for a deal.^1"
    body2 = "In [March 1921] the uprising began.^2"
    note1 = "See Trotsky's note of {15 Aug.} concerning Mirbach; minutes of [19 Aug. 1920]."
    note2 = "Kopp's report of [2 March 1920]; Chicherin's reply of {9 March}."
    got1, got2 = run(nlp, [("body", None, body1), ("body", None, body2), ("footnote", 1, note1), ("footnote", 2, note2)])
    assert got1 == {"value": "1920-08-15", "precision": "day", "year_inferred": True}
    assert got2["value"] == "1920-03-09"


def test_footnote_context_does_not_leak_into_the_body(nlp):
    body1 = "In [July 1920] Kopp pressed for a deal.^1"
    note1 = "Cf. the report of [3 May 1924]."
    body2 = "On {9 August} he wrote again."
    (got,) = run(nlp, [("body", None, body1), ("footnote", 1, note1), ("body", None, body2)])
    assert got["value"] == "1920-08-09"


def test_publication_year_in_a_footnote_does_not_move_its_year(nlp):
    body = "In [July 1920] Kopp reported twice.^1"
    note = "ADAP, vol. 3 (Göttingen, [1985]), pp. 430–431. Kopp's reports of {12 and 16 July}; he came back in [1921], on {3 May}."
    bib, story = run(nlp, [("body", None, body), ("footnote", 1, note)])
    assert bib == {"value": "1920-07-12/1920-07-16", "precision": "interval", "year_inferred": True}
    assert story["value"] == "1921-05-03"  # a year told in the footnote's own sentence still moves it


def test_unnumbered_footnote_is_read(nlp):
    got, inferred = run(nlp, [("body", None, "In [May 1920] Kopp came."), ("footnote", None, "Grant for {1689–2022}; cf. {12 July}.")])
    assert got == {"value": "1689/2022", "precision": "interval", "year_inferred": False}
    assert inferred["value"] == "1920-07-12"


def test_document_starting_without_a_year_takes_the_year_it_gives_ahead(nlp):
    # a chapter cut from a book: the paragraph's footnote dates the story ...
    body = "Trotsky spoke of a Red Poland.^1 Meanwhile, on {20 July}, Ebert declared neutrality."
    note = "Trotsky, speech of [21 July 1920], in Сочинения (Москва, [1927]), p. 404."
    (got,) = run(nlp, [("body", None, body), ("footnote", 1, note)])
    assert got == {"value": "1920-07-20", "precision": "day", "year_inferred": True}
    # ... or else the first year the body gives later
    (got,) = run(nlp, [("body", None, "On {5 August} the Plenum met."), ("body", None, "By the [summer of 1920] it was over.")])
    assert got["value"] == "1920-08-05"


def test_paragraph_footnote_with_the_same_day_dates_a_yearless_start(nlp):
    body = "Chicherin replied on {12 December}: talks must go on. He was not certain of Seeckt.^56"
    note = "Cf. Kopp's report of [3 May 1919]; Chicherin's telegram to Kopp of [12 Dec. 1920]."
    (got,) = run(nlp, [("body", None, body), ("footnote", 56, note)])
    assert got["value"] == "1920-12-12"


def test_reference_cues_include_prefixes():
    tables = DateTables.from_dir(DEFAULT_TABLES_PATH)
    assert tables.is_forward("restore Germany’s pre-")
    assert tables.is_forward("it was he who would sign the agreement on ")
    assert not tables.is_forward("Kopp would not wait. On ")  # the cue is in another sentence
    assert not tables.is_forward("Kopp returned to Berlin on ")


def test_unreadable_entity_gets_none_and_others_still_resolve(nlp):
    doc, targets = build_doc(nlp, [("body", None, "In [May 1920], {the following day} and on {11 July}.")])
    doc = nlp(doc)
    assert date_at(doc, targets[0]) is None
    assert date_at(doc, targets[1])["value"] == "1920-07-11"


def test_malformed_segments_do_not_crash(nlp):
    doc, targets = build_doc(nlp, [("body", None, "In [May 1920] and on {11 July}.")])
    doc.user_data["segments"] = [{"start": 0, "end": len(doc.text), "kind": "body", "markers": [{"number": "x"}]}]
    doc = nlp(doc)
    assert date_at(doc, targets[0])["value"] == "1920-07-11"
    doc.user_data["segments"] = [{"bogus": True}]
    doc = nlp(doc)  # unusable segments: the doc is read as plain text
    assert date_at(doc, targets[0])["value"] == "1920-07-11"


def test_other_labels_are_left_alone(nlp):
    doc = nlp.make_doc("Kopp 1920")
    doc.ents = [doc.char_span(0, 4, label="PERSON"), doc.char_span(5, 9, label="DATE")]
    doc = nlp(doc)
    assert doc.ents[0]._.date is None
    assert doc.ents[1]._.date["value"] == "1920"


def test_sentence_annotation_is_used_when_present():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("historian_dates_v1")
    nlp.initialize()
    body = "Kopp returned in [January 1921]. On {7 September}, Kopp wrote to Chicherin.^1"
    doc, targets = build_doc(nlp, [("body", None, body), ("footnote", 1, "Report of [7 Sept. 1920].")])
    doc = nlp(doc)
    assert date_at(doc, targets[0])["value"] == "1920-09-07"


# -- tables, serialisation -------------------------------------------------


def _custom_tables(tmp_path):
    path = tmp_path / "tables"
    shutil.copytree(DEFAULT_TABLES_PATH, path)
    months = json.loads((path / "months.json").read_text(encoding="utf8"))
    months["it"] = {"7": ["luglio"]}
    (path / "months.json").write_text(json.dumps(months, ensure_ascii=False), encoding="utf8")
    narrative = json.loads((path / "narrative.json").read_text(encoding="utf8"))
    narrative["forward_cues"].append("slated for")
    (path / "narrative.json").write_text(json.dumps(narrative), encoding="utf8")
    return path


def _new_nlp(**init):
    nlp = spacy.blank("en")
    nlp.add_pipe("historian_dates_v1", config={"use_dateparser": False})
    nlp.initialize(**init)
    return nlp


ITALIAN = [("body", None, "In [May 1920] the vote was slated for [2 May 1921]. The treaty of [12 luglio 1920] and {3 June}.")]


def test_initialize_loads_user_tables(tmp_path):
    default = _new_nlp()
    doc = default(build_doc(default, ITALIAN)[0])
    assert doc.ents[2]._.date is None  # no Italian, no dateparser
    assert doc.ents[3]._.date["value"] == "1921-06-03"  # "slated for" is no cue yet
    custom = _new_nlp()
    custom.get_pipe("historian_dates_v1").initialize(tables_path=_custom_tables(tmp_path))
    doc = custom(build_doc(custom, ITALIAN)[0])
    assert doc.ents[2]._.date["value"] == "1920-07-12"
    assert doc.ents[3]._.date["value"] == "1920-06-03"


def test_initialize_through_config(tmp_path):
    nlp = spacy.blank("en")
    nlp.add_pipe("historian_dates_v1", config={"use_dateparser": False})
    nlp.config["initialize"]["components"]["historian_dates_v1"] = {"tables_path": str(_custom_tables(tmp_path))}
    nlp.initialize()
    doc = nlp(build_doc(nlp, ITALIAN)[0])
    assert doc.ents[2]._.date["value"] == "1920-07-12"


def test_to_disk_from_disk_round_trip(tmp_path):
    nlp = _new_nlp()
    nlp.get_pipe("historian_dates_v1").initialize(tables_path=_custom_tables(tmp_path))
    nlp.to_disk(tmp_path / "model")
    assert (tmp_path / "model" / "historian_dates_v1" / "tables" / "months.json").exists()
    loaded = spacy.load(tmp_path / "model")
    doc = loaded(build_doc(loaded, ITALIAN)[0])
    assert doc.ents[2]._.date["value"] == "1920-07-12"
    assert doc.ents[3]._.date["value"] == "1920-06-03"
    assert loaded.get_pipe("historian_dates_v1").use_dateparser is False


def test_to_bytes_from_bytes_round_trip(tmp_path):
    nlp = _new_nlp()
    nlp.get_pipe("historian_dates_v1").initialize(tables_path=_custom_tables(tmp_path))
    other = _new_nlp()
    other.get_pipe("historian_dates_v1").from_bytes(nlp.get_pipe("historian_dates_v1").to_bytes())
    doc = other(build_doc(other, ITALIAN)[0])
    assert doc.ents[2]._.date["value"] == "1920-07-12"


def test_tables_pickle_without_their_caches():
    import pickle

    tables = DateTables.from_dir(DEFAULT_TABLES_PATH)
    assert normalize_date("12 luglio 1920", tables=tables, languages=["en", "it"]) is not None  # a dateparser inside
    clone = pickle.loads(pickle.dumps(tables))
    assert normalize_date("07 марта 1921", tables=clone).value == "1921-03-07"


def test_bad_tables_name_the_file(tmp_path):
    path = tmp_path / "bad"
    shutil.copytree(DEFAULT_TABLES_PATH, path)
    (path / "qualifiers.json").write_text('{\n  "strip_words": [\n  oops\n}', encoding="utf8")
    with pytest.raises(ValueError, match=r"qualifiers\.json:3"):
        DateTables.from_dir(path)
    shutil.copy(DEFAULT_TABLES_PATH / "qualifiers.json", path / "qualifiers.json")
    (path / "months.json").write_text('{"en": {"13": ["smarch"]}}', encoding="utf8")
    with pytest.raises(ValueError, match=r"months\.json.*13"):
        DateTables.from_dir(path)
    shutil.copy(DEFAULT_TABLES_PATH / "months.json", path / "months.json")
    narrative = json.loads((DEFAULT_TABLES_PATH / "narrative.json").read_text(encoding="utf8"))
    narrative["publication_year"] = {"before": "(unclosed", "after": "x"}
    (path / "narrative.json").write_text(json.dumps(narrative), encoding="utf8")
    with pytest.raises(ValueError, match=r"narrative\.json: publication_year"):
        DateTables.from_dir(path)
    with pytest.raises(ValueError, match="not found"):
        DateTables.from_dir(tmp_path / "missing")


# -- scorer ----------------------------------------------------------------


def _example(nlp, text, gold, pred):
    """gold/pred: lists of (start, end, date dict or None)."""
    ref = nlp.make_doc(text)
    ref.ents = [ref.char_span(a, b, label="DATE") for a, b, _ in gold]
    for (a, b, d), ent in zip(gold, ref.ents):
        ent._.date = d
    prd = nlp.make_doc(text)
    prd.ents = [prd.char_span(a, b, label="DATE") for a, b, _ in pred]
    for (a, b, d), ent in zip(pred, prd.ents):
        ent._.date = d
    return Example(prd, ref)


def test_scorer_counts_exact_spans_with_the_gold_value(nlp):
    text = "On 12 July 1920 and on 3 May and in 1921 and in summer of 1920."
    d = lambda v, p, i=False: {"value": v, "precision": p, "year_inferred": i}  # noqa: E731
    gold = [(3, 15, d("1920-07-12", "day")), (23, 28, d("1920-05-03", "day", True)), (36, 40, d("1921", "year")),
            (48, 62, d("1920-06/1920-08", "season"))]
    pred = [(3, 15, d("1920-07-12", "day")),           # right
            (23, 28, d("1920-05-03", "day", False)),   # right value, wrong year_inferred
            (33, 40, d("1921", "year")),               # right value, wrong span ("in 1921")
            (48, 62, d("1921-06/1921-08", "season"))]  # wrong value
    scores = nlp.get_pipe("historian_dates_v1").score([_example(nlp, text, gold, pred)])
    assert scores == {"date_value_acc": 2 / 4, "date_exact_acc": 1 / 4}
    assert score_dates([_example(nlp, text, [], pred)]) == {"date_value_acc": None, "date_exact_acc": None}


def test_nlp_evaluate_reports_date_scores(nlp):
    text = "In May 1920 and on 11 July."
    ref = nlp.make_doc(text)
    ref.ents = [ref.char_span(3, 11, label="DATE"), ref.char_span(19, 26, label="DATE")]
    ref.ents[0]._.date = {"value": "1920-05", "precision": "month", "year_inferred": False}
    ref.ents[1]._.date = {"value": "1920-07-11", "precision": "day", "year_inferred": True}
    prd = nlp.make_doc(text)
    prd.ents = [prd.char_span(3, 11, label="DATE"), prd.char_span(19, 26, label="DATE")]
    scores = nlp.evaluate([Example(prd, ref)])
    assert scores["date_value_acc"] == 1.0
    assert scores["date_exact_acc"] == 1.0
