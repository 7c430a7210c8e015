"""The linker through the whole component, on sentences like the seed's, with the shipped KB."""
import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Span
from spacy.training import Example

from pipeline.linking import b_cubed, doc_entities

KB = Path(__file__).resolve().parent.parent / "configs" / "knowledge_base.jsonl"
GIVEN_NAMES = KB.parent / "linking" / "given_names.txt"


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("historian_linker_v1")
    nlp.get_pipe("historian_linker_v1").initialize(kb_path=str(KB), given_names_path=str(GIVEN_NAMES))
    return nlp


def make_doc(nlp, text, mentions):
    """mentions: [(surface, label)] in text order; each is located after the previous one."""
    doc = nlp.make_doc(text)
    spans, pos = [], 0
    for surface, label in mentions:
        start = text.index(surface, pos)
        pos = start + len(surface)
        span = doc.char_span(start, pos, label=label)
        assert span is not None, surface
        spans.append(span)
    doc.ents = spans
    return doc


def link(nlp, text, mentions):
    doc = nlp(make_doc(nlp, text, mentions))
    return doc, [(e.text, e.kb_id_) for e in doc.ents]


MUST_LINK = [
    ("ecci", "ORG", "Письмо Исполкома Коминтерна ЦК КПРП; ИККИ ответил; the ECCI agreed.",
     ["Исполкома Коминтерна", "ИККИ", "ECCI"]),
    ("ecci_political_secretariat", "ORG", "Директива Политсекретариата ИККИ; Letter to the Political Secretariat of the ECCI.",
     ["Политсекретариата ИККИ", "Political Secretariat of the ECCI"]),
    ("joffe_adolf", "PERSON", "Adolf Joffe led the delegation. Joffe wrote to Lenin; Ioffe, Иоффе and А.А. Иоффе are one man.",
     ["Adolf Joffe", "Joffe", "Ioffe", "Иоффе", "А.А. Иоффе"]),
    ("simons_walter", "PERSON", "Kopp met Minister Simmons; Walter Simons had replied to Chicherin.",
     ["Simmons", "Walter Simons"]),
    ("kopp_viktor", "PERSON", "Viktor Leontevich Kopp wrote; Kopp’s report reached Moscow. Письмо Коппа; В.Л. Копп; Копп писал.",
     ["Viktor Leontevich Kopp", "Kopp’s", "Коппа", "В.Л. Копп", "Копп"]),
    ("rgaspi", "ARCHIVE", "See RGASPI, fond 17; the Russian State Archive of Socio-Political History, i.e. Rossiiskii Gosudarstvennyi Arkhiv "
     "Sotsialno-Politicheskoi Istorii, formerly the Russian Central Archive of Social and Political History.",
     ["RGASPI", "Russian State Archive of Socio-Political History", "Rossiiskii Gosudarstvennyi Arkhiv Sotsialno-Politicheskoi Istorii",
      "Russian Central Archive of Social and Political History"]),
    ("reichswehr", "ORG", "The head of the Reichwehr, General von Seeckt, spoke for the Reichswehr.", ["Reichwehr", "Reichswehr"]),
    ("zinoviev_grigory", "PERSON", "Grigory Zinovev arrived; Zinoviev spoke in Halle; Зиновьев был арестован.", ["Grigory Zinovev", "Zinoviev", "Зиновьев"]),
    ("karakhan_lev", "PERSON", "Chicherin, his deputy Lev Karachan, and Karakhan again.", ["Lev Karachan", "Karakhan"]),
    ("chicherin_georgy", "PERSON", "Чичерин ответил. Chicherin replied. Tschitscherin antwortete. Telegram to Чичерину.",
     ["Чичерин", "Chicherin", "Tschitscherin", "Чичерину"]),
    ("comintern", "ORG", "The Second Congress of the Third International; the head of the Comintern.", ["Third International", "Comintern"]),
    ("germany", "LOC", "relations with Germany; в Германии; the Weimar Republic.", ["Germany", "Германии", "Weimar Republic"]),
    # a form of address inside the span is not an initial: "M. Krassin" is Leonid Krasin
    ("krasin_leonid", "PERSON", "At the station M. Krassin met the press; Krasin left.", ["M. Krassin", "Krasin"]),
    ("stresemann_gustav", "PERSON", "Herr Stresemann received him; Mr. Stresemann smiled.", ["Herr Stresemann", "Mr. Stresemann"]),
]


@pytest.mark.parametrize("eid,label,text,surfaces", MUST_LINK, ids=[m[0] for m in MUST_LINK])
def test_must_link(nlp, eid, label, text, surfaces):
    doc, links = link(nlp, text, [(s, label) for s in surfaces])
    assert [l for _, l in links] == [eid] * len(surfaces), links
    assert all(e._.entity_id == eid for e in doc.ents)
    assert all(e._.canonical == nlp.get_pipe("historian_linker_v1").kb.get(eid).canonical for e in doc.ents)


MUST_NOT_LINK = [
    ("On 13 March Wolfgang Kapp marched on Berlin, while Viktor Kopp was in Berlin. Kapp fled; Kopp stayed.",
     [("Wolfgang Kapp", "PERSON"), ("Viktor Kopp", "PERSON"), ("Kapp", "PERSON"), ("Kopp", "PERSON")],
     ["kapp_wolfgang", "kopp_viktor", "kapp_wolfgang", "kopp_viktor"]),
    ("Lev Kamenev went to London. Kamenev negotiated. Sergei Kamenev ordered plans. Kamenev was the commander.",
     [("Lev Kamenev", "PERSON"), ("Kamenev", "PERSON"), ("Sergei Kamenev", "PERSON"), ("Kamenev", "PERSON")],
     ["kamenev_lev", "kamenev_lev", "kamenev_sergei", "kamenev_sergei"]),
    # a relative named in passing does not take the bare surname over from the one the text is about
    ("Konstantin Nabokov was born in 1872, a younger brother of the jurist and Kadet leader Vladimir Nabokov. "
     "In 1917 Nabokov went to London.",
     [("Konstantin Nabokov", "PERSON"), ("Vladimir Nabokov", "PERSON"), ("Nabokov", "PERSON")],
     ["nabokov_konstantin", "nabokov_vladimir", "nabokov_konstantin"]),
    ("Adolf Joffe headed the mission; decades later Adolf Hitler signed the pact. Hitler and Joffe never met.",
     [("Adolf Joffe", "PERSON"), ("Adolf Hitler", "PERSON"), ("Hitler", "PERSON"), ("Joffe", "PERSON")],
     ["joffe_adolf", "hitler_adolf", "hitler_adolf", "joffe_adolf"]),
    # an alias without initials ("Ulyanov" of Lenin) takes the person's: "A. Ulyanov" is someone else,
    # and the bare surname after him is his
    # (the KB knows an A. Ulyanov since round 14: a B. Ulyanov it does not know is someone else again)
    ("V.I. Ulyanov wrote. Later B. Ulyanov, the first secretary, reported; Ulyanov stayed.",
     [("V.I. Ulyanov", "PERSON"), ("B. Ulyanov", "PERSON"), ("Ulyanov", "PERSON")],
     ["lenin_vladimir", "new:b_ulianov", "new:b_ulianov"]),
    ("V.I. Ulyanov wrote. Later A. Ulyanov, the first secretary, reported.",
     [("V.I. Ulyanov", "PERSON"), ("A. Ulyanov", "PERSON")], ["lenin_vladimir", "ulyanov_a"]),
    # type must agree: the same string as ORG and LOC
    ("Pravda was printed in Berlin.", [("Pravda", "LOC"), ("Berlin", "LOC")], ["new:pravda", "berlin"]),
]


@pytest.mark.parametrize("text,mentions,expected", MUST_NOT_LINK)
def test_must_not_link(nlp, text, mentions, expected):
    _, links = link(nlp, text, mentions)
    assert [l for _, l in links] == expected


def test_lookalikes_outside_kb_stay_apart(tmp_path):
    """With Kapp missing from the KB, 'Kapp' must not fall onto Kopp by fuzzy matching."""
    rows = [l for l in KB.read_text(encoding="utf8").splitlines() if '"id": "kapp_wolfgang"' not in l]
    kb = tmp_path / "kb.jsonl"
    kb.write_text("\n".join(rows) + "\n", encoding="utf8")
    nlp = spacy.blank("en")
    linker = nlp.add_pipe("historian_linker_v1")
    linker.initialize(kb_path=str(kb))
    _, links = link(nlp, "Wolfgang Kapp and Viktor Kopp. Kapp fled.",
                    [("Wolfgang Kapp", "PERSON"), ("Viktor Kopp", "PERSON"), ("Kapp", "PERSON")])
    assert links[1][1] == "kopp_viktor"
    assert links[0][1].startswith("new:") and links[2][1] == links[0][1]


def test_unknown_names_get_stable_ids_across_documents(nlp):
    _, a = link(nlp, "Hans Kurtzmann met Kopp. Kurtzmann left.", [("Hans Kurtzmann", "PERSON"), ("Kopp", "PERSON"), ("Kurtzmann", "PERSON")])
    _, b = link(nlp, "In 1921 Hans Kurtzmann returned.", [("Hans Kurtzmann", "PERSON")])
    assert a[0][1].startswith("new:")
    assert a[0][1] == a[2][1] == b[0][1]
    _, c = link(nlp, "Ганс Курцман", [("Ганс Курцман", "PERSON")])
    assert c[0][1].startswith("new:")


def test_an_unknown_name_and_its_acronym_in_brackets_are_one_entity(nlp):
    text = ("Archiv Národního muzea (ANM), fond Karel Kramář. Later: ANM, fond KK. "
            "Státní ústřední archiv (SÚA), and the Okresní archiv Kroměříž (XYZ).")
    _, links = link(nlp, text, [("Archiv Národního muzea", "ARCHIVE"), ("ANM", "ARCHIVE"),
                                ("ANM", "ARCHIVE"), ("Státní ústřední archiv", "ARCHIVE"), ("SÚA", "ARCHIVE"),
                                ("Okresní archiv Kroměříž", "ARCHIVE"), ("XYZ", "ARCHIVE")])
    ids = [l for _, l in links]
    assert all(i.startswith("new:") for i in ids)
    assert ids[0] == ids[1] == ids[2] and ids[3] == ids[4] != ids[0]
    # letters in brackets that are not the name's initials are another name
    assert ids[5] != ids[6]


def test_a_bare_surname_stays_with_the_person_the_text_is_about(nlp):
    def last_id(times):
        text = "Maxim Litvinov wrote. " + "Litvinov wrote. " * times + "Anna Litvinov replied. Litvinov answered."
        mentions = [("Maxim Litvinov", "PERSON")] + [("Litvinov", "PERSON")] * times + \
            [("Anna Litvinov", "PERSON"), ("Litvinov", "PERSON")]
        return [l for _, l in link(nlp, text, mentions)[1]][-1]
    # named far more often than the relative named once, the subject keeps the bare surname
    assert last_id(9) == "litvinov_maxim"
    # named about as often, the bare surname means the one named last
    assert last_id(1).startswith("new:")
    # a relative named in passing ("his wife Anna Litvinov") is not what the text is about
    text = ("Maxim Litvinov wrote. " + "Litvinov wrote. " * 7 + "His wife Anna Litvinov came. " * 2 +
            "Then, in the spring of the following year, Anna Litvinov replied. Litvinov answered.")
    mentions = [("Maxim Litvinov", "PERSON")] + [("Litvinov", "PERSON")] * 7 + [("Anna Litvinov", "PERSON")] * 3 + \
        [("Litvinov", "PERSON")]
    assert [l for _, l in link(nlp, text, mentions)[1]][-1] == "litvinov_maxim"


def test_a_full_name_joins_the_same_unknown_person_named_earlier(nlp):
    _, links = link(nlp, "Wróblewicz protested. Boris Aleksandrovich Kirsanoff wrote. Adolf Wróblewicz replied to "
                         "Boris Kirsanoff; Hans Wróblewicz did not.",
                    [("Wróblewicz", "PERSON"), ("Boris Aleksandrovich Kirsanoff", "PERSON"), ("Adolf Wróblewicz", "PERSON"),
                     ("Boris Kirsanoff", "PERSON"), ("Hans Wróblewicz", "PERSON")])
    ids = [l for _, l in links]
    assert all(i.startswith("new:") for i in ids)
    assert ids[0] == ids[2] and ids[1] == ids[3]
    # another first name is someone else
    assert ids[4] != ids[2]


def test_a_given_name_in_another_language_agrees_with_the_kb_person(nlp, tmp_path):
    text = "Rozmowa z Mikołajem Krestinskim; list Jerzego Cziczerina; Hans Krestinski; Nikolai Chicherin."
    mentions = [("Mikołajem Krestinskim", "PERSON"), ("Jerzego Cziczerina", "PERSON"), ("Hans Krestinski", "PERSON"),
                ("Nikolai Chicherin", "PERSON")]
    _, links = link(nlp, text, mentions)
    assert [l for _, l in links][:2] == ["krestinsky_nikolai", "chicherin_georgy"]
    # a given name of another group is still someone else
    assert links[2][1] != "krestinsky_nikolai" and links[3][1] != "chicherin_georgy"
    # with a KB that knows them by their Russian names only, the table is what makes the Polish given names agree
    small = tmp_path / "kb.jsonl"
    small.write_text("\n".join(json.dumps(e) for e in [
        {"id": "krestinsky_nikolai", "canonical": "Nikolai Krestinsky", "type": "PERSON",
         "aliases": ["Krestinsky", "Krestinski", "N.N. Krestinsky"]},
        {"id": "chicherin_georgy", "canonical": "Georgy Chicherin", "type": "PERSON",
         "aliases": ["Chicherin", "Cziczerin", "G.V. Chicherin"]}]) + "\n", encoding="utf-8")
    for names, agree in ((GIVEN_NAMES, True), (None, False)):
        linker = spacy.blank("en")
        linker.add_pipe("historian_linker_v1").initialize(
            kb_path=str(small), **({"given_names_path": str(names)} if names else {}))
        found = [l for _, l in link(linker, text, mentions)[1]][:2]
        assert (found == ["krestinsky_nikolai", "chicherin_georgy"]) is agree


def test_a_group_of_one_given_name_is_an_error_naming_file_and_line(tmp_path):
    from pipeline.kb import KBError, read_given_names

    path = tmp_path / "given_names.txt"
    path.write_text("# groups\nNikolai, Mikołaj\nBoris\n", encoding="utf-8")
    with pytest.raises(KBError, match=r"given_names.txt:3: .*two names"):
        read_given_names(path)


def test_doc_entities_view(nlp):
    doc, _ = link(nlp, "Kopp met Maltzan. Коппа ждали в Берлине.", [("Kopp", "PERSON"), ("Maltzan", "PERSON"), ("Коппа", "PERSON"), ("Берлине", "LOC")])
    view = {row["id"]: row for row in doc._.entities}
    assert view["kopp_viktor"]["surfaces"] == ["Kopp", "Коппа"]
    assert [m["start"] for m in view["kopp_viktor"]["mentions"]] == [0, 18]
    assert view["berlin"]["type"] == "LOC" and view["berlin"]["canonical"] == "Berlin"
    assert doc_entities(doc) == doc._.entities


def test_to_disk_from_disk_round_trip(nlp, tmp_path):
    nlp.to_disk(tmp_path / "model")
    assert (tmp_path / "model" / "historian_linker_v1" / "kb.jsonl").exists()
    nlp2 = spacy.load(tmp_path / "model")
    _, links = link(nlp2, "Tschitscherin and Simmons; Mikołaj Krestinski.",
                    [("Tschitscherin", "PERSON"), ("Simmons", "PERSON"), ("Mikołaj Krestinski", "PERSON")])
    assert [l for _, l in links] == ["chicherin_georgy", "simons_walter", "krestinsky_nikolai"]


def test_b_cubed_and_false_merges():
    gold = {1: "a", 2: "a", 3: "b"}
    assert b_cubed({1: "x", 2: "x", 3: "y"}, gold)["f"] == pytest.approx(1.0)
    merged = b_cubed({1: "x", 2: "x", 3: "x"}, gold)
    assert merged["false_merges"] == 1 and merged["p"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)
    split = b_cubed({1: "x", 2: "y", 3: "z"}, gold)
    assert split["p"] == 1.0 and split["r"] == pytest.approx((0.5 + 0.5 + 1) / 3) and split["false_merges"] == 0


def test_scorer_runs_on_reference_spans(nlp):
    text = "Wolfgang Kapp and Viktor Kopp. Kopp wrote to Simmons."
    ref = make_doc(nlp, text, [("Wolfgang Kapp", "PERSON"), ("Viktor Kopp", "PERSON"), ("Kopp", "PERSON"), ("Simmons", "PERSON")])
    gold_ids = ["kapp_wolfgang", "kopp_viktor", "kopp_viktor", "simons_walter"]
    ref.ents = [Span(ref, e.start, e.end, label=e.label_, kb_id=k) for e, k in zip(ref.ents, gold_ids)]
    scores = nlp.evaluate([Example(nlp.make_doc(text), ref)])
    assert scores["link_b3_f"] == pytest.approx(1.0)
    assert scores["link_false_merges"] == 0


def test_period_picks_the_state_of_the_narrative_year():
    """'Russia' is Soviet Russia in 1920 and the Soviet Union in 1925 (KB `period`)."""
    import spacy
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "LOC", "pattern": "Russia"},
                        {"label": "DATE", "pattern": [{"TEXT": {"REGEX": r"^1\d{3}$"}}]}])
    nlp.add_pipe("historian_dates_v1").initialize(tables_path=str(root / "configs" / "dates"))
    nlp.add_pipe("historian_linker_v1").initialize(kb_path=str(root / "configs" / "knowledge_base.jsonl"))
    ids = lambda text: [e._.entity_id for e in nlp(text).ents if e.label_ == "LOC"]
    assert ids("In 1920 Russia fought Poland.") == ["soviet_russia"]
    assert ids("In 1925 Russia signed a treaty.") == ["soviet_union"]
    assert ids("In 1907 Russia joined the Entente.") == ["russian_empire"]


def _ref_and_pred(nlp, text, gold, pred_ids):
    """gold: [(surface, label, reference id)]; pred_ids: the linker-side id of each, in the same order."""
    ref = make_doc(nlp, text, [(s, l) for s, l, _ in gold])
    ref.ents = [Span(ref, e.start, e.end, label=e.label_, kb_id=g[2]) for e, g in zip(ref.ents, gold)]
    pred = make_doc(nlp, text, [(s, l) for s, l, _ in gold])
    for ent, eid in zip(pred.ents, pred_ids):
        ent._.entity_id = eid
    return ref, pred


def test_new_ids_align_to_the_references_ids_one_to_one(nlp):
    from pipeline.linking import align_new_ids

    text = "Dąbski met Joffe; Dąbski and Jan Dąbski wrote to Wasilewski."
    gold = [("Dąbski", "PERSON", "dabski_jan"), ("Joffe", "PERSON", "joffe_adolf"),
            ("Dąbski", "PERSON", "dabski_jan"), ("Jan Dąbski", "PERSON", "dabski_jan"),
            ("Wasilewski", "PERSON", "wasilewski_leon")]
    ref, pred = _ref_and_pred(nlp, text, gold, ["new:dabski", "new:joffe", "new:dabski", "new:jan_dabski",
                                                "new:wasilewski"])
    known = {"joffe_adolf"}
    mapping = align_new_ids(pred, ref, known_ids=known)
    # the cluster with more shared mentions takes the id; the split-off one keeps its own
    assert mapping["new:dabski"] == "dabski_jan" and "new:jan_dabski" not in mapping
    assert mapping["new:wasilewski"] == "wasilewski_leon"
    # the KB knew Joffe: a new id for him stays wrong
    assert "new:joffe" not in mapping
    assert align_new_ids(pred, ref)["new:joffe"] == "joffe_adolf"  # without a KB every reference id may be taken


def test_polish_declension_and_titles_before_a_name(nlp):
    # the mobile e (Patek -> Patka), -ckiemu, and an inflected title the NER kept in the span
    doc, links = link(nlp, "Rozmowa posła Patka z Litwinowem; Patkiem.", [("posła Patka", "PERSON"), ("Patkiem", "PERSON")])
    assert [kb for _, kb in links] == ["patek_stanislaw", "patek_stanislaw"]
    # a name the KB lacks keeps one identity in its cases: Hołówko, Hołówki, Hołówce; Kozicki, Kozickiemu
    text = "Tadeusz Hołówko; Hołówki; Hołówce; Stanisław Kozicki; Kozickiemu."
    doc, links = link(nlp, text, [("Tadeusz Hołówko", "PERSON"), ("Hołówki", "PERSON"), ("Hołówce", "PERSON"),
                                  ("Stanisław Kozicki", "PERSON"), ("Kozickiemu", "PERSON")])
    ids = [kb for _, kb in links]
    assert ids[0] == ids[1] == ids[2] and ids[3] == ids[4] and ids[0] != ids[3]


def test_a_name_without_its_later_surname_links_when_it_leads_one_kb_name(tmp_path):
    """'Mustafa Kemal' is Mustafa Kemal Atatürk; leading words two people share link to neither."""
    rows = ['{"id": "ataturk_mustafa_kemal", "canonical": "Mustafa Kemal Atatürk", "type": "PERSON", "aliases": []}',
            '{"id": "aras_tevfik_rustu", "canonical": "Tevfik Rüştü Aras", "type": "PERSON", "aliases": []}',
            '{"id": "tevfik_rustu_other", "canonical": "Tevfik Rüştü Demir", "type": "PERSON", "aliases": []}']
    kb = tmp_path / "kb.jsonl"
    kb.write_text("\n".join(rows) + "\n", encoding="utf8")
    nlp = spacy.blank("en")
    nlp.add_pipe("historian_linker_v1").initialize(kb_path=str(kb))
    _, links = link(nlp, "Mustafa Kemal met Tevfik Rüştü.", [("Mustafa Kemal", "PERSON"), ("Tevfik Rüştü", "PERSON")])
    assert links[0][1] == "ataturk_mustafa_kemal"
    assert links[1][1].startswith("new:")


def test_a_family_name_written_first_is_the_person_named_in_full_before(nlp):
    """'Wang' after 'Wang Kemin' (not in the KB) is him, not the KB's other Wangs; 'Walter' is a given name, so no one."""
    _, links = link(nlp, "Wang Kemin landed in Shanghai. Wang's note followed.",
                    [("Wang Kemin", "PERSON"), ("Wang", "PERSON")])
    assert links[0][1].startswith("new:") and links[1][1] == links[0][1]
    _, links = link(nlp, "Wang Jingwei landed in Shanghai. Wang's note followed.",
                    [("Wang Jingwei", "PERSON"), ("Wang", "PERSON")])
    assert links == [("Wang Jingwei", "wang_jingwei"), ("Wang", "wang_jingwei")]  # the KB's Wang named just before
    _, links = link(nlp, "Walter Kessel spoke. Walter left.", [("Walter Kessel", "PERSON"), ("Walter", "PERSON")])
    assert links[1][1] != links[0][1]
